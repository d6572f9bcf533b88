/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Two-party tests: our PPP client against the in-memory server peer, over a
 * virtual network with latency, loss, duplication and reordering, in
 * virtual time.
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "fuzz-harness.h"
#include "ppp.h"
#include "server-peer.h"

struct pkt {
	uint64_t at;
	bool to_server;
	size_t len;
	uint8_t data[];
};

struct ev_rec {
	enum ppp_event_type type;
	enum ppp_auth_method method;
	char *message;
	bool by_peer;
	uint32_t local_addr, peer_addr, dns1, dns2;
	uint8_t local_ifid[8], peer_ifid[8];
};

struct world {
	struct ppp *ppp;
	struct server_peer *sp;
	GList *net; /* struct pkt*, any order */
	GRand *rng;
	uint64_t now;
	double loss, dup;
	unsigned jitter_ms;
	GPtrArray *events;
	GByteArray *delivered; /* last IP packet */
	unsigned delivered_count;
	bool record; /* keep the server's frames for the fuzz corpus */
	GByteArray *transcript;
	uint64_t seed;
	unsigned client_ipv6cp; /* IPV6CP frames the client sent */
};

static void net_put(struct world *w, bool to_server, const uint8_t *d, size_t len)
{
	int copies = 1;

	if (g_rand_double(w->rng) < w->loss)
		return;
	if (g_rand_double(w->rng) < w->dup)
		copies = 2;
	for (int i = 0; i < copies; i++) {
		struct pkt *p = g_malloc(sizeof(*p) + len);

		p->at = w->now + 5 +
			(w->jitter_ms ? g_rand_int_range(w->rng, 0, (gint32)w->jitter_ms) : 0);
		p->to_server = to_server;
		p->len = len;
		memcpy(p->data, d, len);
		w->net = g_list_append(w->net, p);
	}
}

static void client_send(void *ctx, const uint8_t *frame, size_t len)
{
	struct world *w = ctx;

	g_assert_cmpuint(len, >=, 4);
	g_assert_cmpuint(frame[0], ==, 0xff);
	g_assert_cmpuint(frame[1], ==, 0x03);
	if (frame[2] == 0x80 && frame[3] == 0x57)
		w->client_ipv6cp++;
	net_put(w, true, frame, len);
}

static void server_send(void *ctx, const uint8_t *frame, size_t len)
{
	struct world *w = ctx;

	if (w->record && len <= 255) {
		uint8_t hdr[2] = {0, (uint8_t)len};

		g_byte_array_append(w->transcript, hdr, 2);
		g_byte_array_append(w->transcript, frame, (guint)len);
	}
	net_put(w, false, frame, len);
}

static void ev_free(gpointer p)
{
	struct ev_rec *e = p;

	g_free(e->message);
	g_free(e);
}

static void client_event(void *ctx, const struct ppp_event *ev)
{
	struct world *w = ctx;
	struct ev_rec *e = g_new0(struct ev_rec, 1);

	e->type = ev->type;
	e->method = ev->method;
	e->message = g_strdup(ev->message);
	e->by_peer = ev->by_peer;
	e->local_addr = ev->local_addr;
	e->peer_addr = ev->peer_addr;
	e->dns1 = ev->dns1;
	e->dns2 = ev->dns2;
	memcpy(e->local_ifid, ev->local_ifid, 8);
	memcpy(e->peer_ifid, ev->peer_ifid, 8);
	if (g_test_verbose())
		g_printerr("event %d %s\n", ev->type, ev->message ? ev->message : "");
	g_ptr_array_add(w->events, e);
}

static void client_deliver(void *ctx, const uint8_t *pkt, size_t len, bool is_ipv6)
{
	struct world *w = ctx;

	g_byte_array_set_size(w->delivered, 0);
	g_byte_array_append(w->delivered, pkt, (guint)len);
	w->delivered_count++;
}

static const struct ppp_callbacks client_cb = {
	.send = client_send,
	.event = client_event,
	.deliver_ip = client_deliver,
};

static void log_to_test(void *ctx, enum log_level level, const char *msg)
{
	if (g_test_verbose())
		g_printerr("  [ppp %d] %s\n", level, msg);
}

static const struct log_sink test_log = {log_to_test, NULL, LOG_LVL_DEBUG};

static struct world *world_new(const struct ppp_config *cfg, const struct sp_config *scfg,
			       guint32 net_seed)
{
	struct world *w = g_new0(struct world, 1);
	struct rand_source rnd = {fuzz_rand, &w->seed};

	w->seed = FUZZ_RAND_SEED;
	w->rng = g_rand_new_with_seed(net_seed);
	w->events = g_ptr_array_new_with_free_func(ev_free);
	w->delivered = g_byte_array_new();
	w->transcript = g_byte_array_new();
	w->now = 1000;
	w->ppp = ppp_new(cfg, &client_cb, w, &rnd, &test_log);
	g_assert_nonnull(w->ppp);
	w->sp = sp_new(scfg, server_send, w);
	return w;
}

static void world_free(struct world *w)
{
	ppp_free(w->ppp);
	sp_free(w->sp);
	g_list_free_full(w->net, g_free);
	g_rand_free(w->rng);
	g_ptr_array_free(w->events, TRUE);
	g_byte_array_free(w->delivered, TRUE);
	g_byte_array_free(w->transcript, TRUE);
	g_free(w);
}

static const struct ev_rec *find_event(struct world *w, enum ppp_event_type t)
{
	for (guint i = 0; i < w->events->len; i++) {
		const struct ev_rec *e = g_ptr_array_index(w->events, i);

		if (e->type == t)
			return e;
	}
	return NULL;
}

static unsigned count_events(struct world *w, enum ppp_event_type t)
{
	unsigned n = 0;

	for (guint i = 0; i < w->events->len; i++)
		n += ((const struct ev_rec *)g_ptr_array_index(w->events, i))->type == t;
	return n;
}

static bool is_terminal(enum ppp_event_type t)
{
	return t == PPP_EV_AUTH_FAILED || t == PPP_EV_FAILED || t == PPP_EV_LINK_DEAD ||
	       t == PPP_EV_TERMINATED;
}

static const struct ev_rec *terminal_event(struct world *w)
{
	for (guint i = 0; i < w->events->len; i++) {
		const struct ev_rec *e = g_ptr_array_index(w->events, i);

		if (is_terminal(e->type))
			return e;
	}
	return NULL;
}

typedef bool (*done_fn)(struct world *w);

/* Advance virtual time, delivering packets and firing timers, until done()
 * or a terminal event or the limit. */
static void run(struct world *w, done_fn done, uint64_t limit_ms)
{
	uint64_t end = w->now + limit_ms;

	while (w->now < end) {
		uint64_t next = UINT64_MAX, t;
		GList *l;

		if ((done && done(w)) || terminal_event(w))
			return;
		for (l = w->net; l; l = l->next)
			if (((struct pkt *)l->data)->at < next)
				next = ((struct pkt *)l->data)->at;
		t = ppp_next_timeout(w->ppp);
		if (t < next)
			next = t;
		t = sp_next_timeout(w->sp);
		if (t < next)
			next = t;
		if (next == UINT64_MAX)
			return;
		if (next > w->now)
			w->now = next;
		if (w->now > end)
			return;
		/* deliver one due packet at a time, in list order (jitter reorders) */
		for (l = w->net; l; l = l->next) {
			struct pkt *p = l->data;

			if (p->at <= w->now) {
				w->net = g_list_delete_link(w->net, l);
				if (!p->to_server && g_test_verbose() && p->len >= 6)
					g_printerr("  [cli %llu] rx %02x%02x code %u id %u\n",
						   (unsigned long long)w->now, p->data[2],
						   p->data[3], p->data[4], p->data[5]);
				if (p->to_server)
					sp_rx(w->sp, p->data, p->len, w->now);
				else
					ppp_rx(w->ppp, p->data, p->len, w->now);
				g_free(p);
				break;
			}
		}
		if (ppp_next_timeout(w->ppp) <= w->now)
			ppp_tick(w->ppp, w->now);
		if (sp_next_timeout(w->sp) <= w->now)
			sp_tick(w->sp, w->now);
	}
}

static bool ipcp_up(struct world *w)
{
	return find_event(w, PPP_EV_IPCP_UP) && sp_ipcp_open(w->sp);
}

static bool all_up(struct world *w)
{
	return ipcp_up(w) && find_event(w, PPP_EV_IPV6CP_UP);
}

static struct secbuf *pw_new(const char *s)
{
	return secbuf_new_str(s);
}

static void client_config(struct ppp_config *cfg, struct secbuf *pw, unsigned auth, bool v6)
{
	ppp_config_init(cfg);
	cfg->username = "alice";
	cfg->password = pw;
	cfg->allowed_auth = auth;
	cfg->want_ipv6 = v6;
}

static void start(struct world *w)
{
	ppp_start(w->ppp, w->now);
	sp_start(w->sp, w->now);
}

static void assert_softether_ipcp(struct world *w)
{
	const struct ev_rec *e = find_event(w, PPP_EV_IPCP_UP);

	g_assert_nonnull(e);
	g_assert_cmphex(g_ntohl(e->local_addr), ==, 0xc0a81e0a);
	g_assert_cmphex(g_ntohl(e->peer_addr), ==, 0xc0a81e01);
	g_assert_cmphex(g_ntohl(e->dns1), ==, 0xc0a81e01);
	g_assert_cmphex(e->dns2, ==, 0); /* Rejected by the server: dropped */
}

/* SoftEther + PAP only: EAP and MS-CHAPv2 Nak'ed, PAP taken; Magic-Number
 * rejected; DNS2 rejected; the server never starts IPV6CP, so neither do we
 * (IPV6CP is passive: SoftEther stalled on ours). */
static void test_softether_pap(void)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;
	const struct ev_rec *e;

	client_config(&cfg, pw, PPP_AUTH_PAP, true);
	sp_config_softether(&s);
	w = world_new(&cfg, &s, 1);
	start(w);
	run(w, ipcp_up, 60000);
	g_assert_null(terminal_event(w));
	g_assert_true(sp_client_sent_magic(w->sp));
	e = find_event(w, PPP_EV_AUTH_OK);
	g_assert_nonnull(e);
	g_assert_cmpint(e->method, ==, PPP_AUTH_PAP);
	g_assert_cmpint(ppp_get_auth_method(w->ppp), ==, PPP_AUTH_PAP);
	g_assert_cmpint(sp_auth_method(w->sp), ==, SP_PAP);
	assert_softether_ipcp(w);
	g_assert_cmpuint(ppp_get_mru(w->ppp), ==, 1400);
	g_assert_cmpuint(ppp_get_mtu(w->ppp), ==, 1500);
	run(w, NULL, 10000);
	g_assert_null(terminal_event(w));
	g_assert_null(find_event(w, PPP_EV_IPV6CP_UP));
	g_assert_cmpuint(w->client_ipv6cp, ==, 0);
	world_free(w);
	secbuf_free(pw);
}

static void test_softether_mschapv2(void)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;

	client_config(&cfg, pw, PPP_AUTH_ALL, false);
	sp_config_softether(&s);
	w = world_new(&cfg, &s, 2);
	start(w);
	run(w, ipcp_up, 60000);
	g_assert_null(terminal_event(w));
	g_assert_cmpint(find_event(w, PPP_EV_AUTH_OK)->method, ==, PPP_AUTH_MSCHAPV2);
	assert_softether_ipcp(w);
	world_free(w);
	secbuf_free(pw);
}

/* pppd offers CHAP-MD5; with CHAP-MD5 allowed we take it at once. */
static void test_pppd_chap_md5(void)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;
	const struct ev_rec *e;

	client_config(&cfg, pw, PPP_AUTH_CHAP_MD5 | PPP_AUTH_PAP, false);
	sp_config_pppd(&s);
	w = world_new(&cfg, &s, 3);
	start(w);
	run(w, ipcp_up, 60000);
	g_assert_null(terminal_event(w));
	g_assert_cmpint(find_event(w, PPP_EV_AUTH_OK)->method, ==, PPP_AUTH_CHAP_MD5);
	e = find_event(w, PPP_EV_IPCP_UP);
	g_assert_cmphex(g_ntohl(e->local_addr), ==, 0x0a620028);
	g_assert_cmphex(g_ntohl(e->peer_addr), ==, 0x0a620021);
	g_assert_cmphex(g_ntohl(e->dns1), ==, 0x0a620001);
	g_assert_cmphex(g_ntohl(e->dns2), ==, 0x0a620002);
	/* peer MRU 1280 from pppd's request limits what we send */
	g_assert_cmpuint(ppp_get_mtu(w->ppp), ==, 1280);
	world_free(w);
	secbuf_free(pw);
}

static bool sp_v6_open(struct world *w)
{
	return sp_ipv6cp_open(w->sp);
}

/* pppd offers CHAP-MD5, we Nak with MS-CHAPv2, it follows; IPV6CP too. */
static void test_pppd_mschapv2_ipv6cp(void)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;
	const struct ev_rec *e;
	static const uint8_t zero[8];

	/* refuse-chap: CHAP-MD5 would be accepted if allowed */
	client_config(&cfg, pw, PPP_AUTH_MSCHAPV2 | PPP_AUTH_PAP, true);
	sp_config_pppd(&s);
	w = world_new(&cfg, &s, 4);
	start(w);
	run(w, all_up, 60000);
	g_assert_null(terminal_event(w));
	g_assert_cmpint(find_event(w, PPP_EV_AUTH_OK)->method, ==, PPP_AUTH_MSCHAPV2);
	g_assert_cmpint(sp_auth_method(w->sp), ==, SP_MSCHAPV2);
	e = find_event(w, PPP_EV_IPV6CP_UP);
	g_assert_nonnull(e);
	g_assert_cmpmem(e->peer_ifid, 8, "\x02\x11\x22\xff\xfe\x33\x44\x55", 8);
	g_assert_true(memcmp(e->local_ifid, zero, 8) != 0);
	g_assert_true(memcmp(e->local_ifid, e->peer_ifid, 8) != 0);
	run(w, sp_v6_open, 10000);
	g_assert_true(sp_ipv6cp_open(w->sp));
	g_assert_cmpuint(w->client_ipv6cp, >, 0);
	world_free(w);
	secbuf_free(pw);
}

static void test_mschapv2_bad_authenticator(void)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;
	const struct ev_rec *e;

	client_config(&cfg, pw, PPP_AUTH_MSCHAPV2, false);
	sp_config_pppd(&s);
	s.bad_authenticator = true;
	w = world_new(&cfg, &s, 5);
	start(w);
	run(w, ipcp_up, 60000);
	e = terminal_event(w);
	g_assert_nonnull(e);
	g_assert_cmpint(e->type, ==, PPP_EV_AUTH_FAILED);
	g_assert_cmpint(e->method, ==, PPP_AUTH_MSCHAPV2);
	g_assert_nonnull(strstr(e->message, "authenticator response"));
	g_assert_null(find_event(w, PPP_EV_AUTH_OK));
	g_assert_null(find_event(w, PPP_EV_IPCP_UP));
	/* dead afterwards */
	g_assert_cmpuint(ppp_next_timeout(w->ppp), ==, UINT64_MAX);
	world_free(w);
	secbuf_free(pw);
}

static void wrong_password(enum sp_flavor flavor, unsigned auth, const char *needle)
{
	struct secbuf *pw = pw_new("wrong");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;
	const struct ev_rec *e;

	client_config(&cfg, pw, auth, false);
	if (flavor == SP_SOFTETHER)
		sp_config_softether(&s);
	else
		sp_config_pppd(&s);
	if (auth == PPP_AUTH_PAP && flavor == SP_PPPD) {
		s.methods[0] = SP_PAP;
		s.methods[1] = SP_NONE;
	}
	w = world_new(&cfg, &s, 6);
	start(w);
	run(w, ipcp_up, 60000);
	e = terminal_event(w);
	g_assert_nonnull(e);
	g_assert_cmpint(e->type, ==, PPP_EV_AUTH_FAILED);
	g_assert_nonnull(strstr(e->message, needle));
	g_assert_cmpuint(count_events(w, PPP_EV_AUTH_FAILED), ==, 1);
	g_assert_cmpint(sp_auth_result(w->sp), ==, -1);
	world_free(w);
	secbuf_free(pw);
}

static void test_wrong_password_pap_nak(void)
{
	wrong_password(SP_PPPD, PPP_AUTH_PAP, "Login incorrect");
}

static void test_wrong_password_pap_terminate(void)
{
	wrong_password(SP_SOFTETHER, PPP_AUTH_PAP, "ended the connection during PAP");
}

static void test_wrong_password_mschapv2(void)
{
	wrong_password(SP_PPPD, PPP_AUTH_MSCHAPV2, "error 691");
}

static void test_wrong_password_chap_md5(void)
{
	wrong_password(SP_PPPD, PPP_AUTH_CHAP_MD5, "CHAP-MD5");
}

/* SoftEther offers EAP, MS-CHAPv2, PAP; we allow only CHAP-MD5. */
static void test_all_methods_refused(void)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;
	const struct ev_rec *e;

	client_config(&cfg, pw, PPP_AUTH_CHAP_MD5, false);
	sp_config_softether(&s);
	w = world_new(&cfg, &s, 7);
	start(w);
	run(w, ipcp_up, 60000);
	e = terminal_event(w);
	g_assert_nonnull(e);
	g_assert_cmpint(e->type, ==, PPP_EV_FAILED);
	g_assert_nonnull(strstr(e->message, "no common authentication method"));
	g_assert_nonnull(strstr(e->message, "EAP, MS-CHAPv2, PAP"));
	g_assert_nonnull(strstr(e->message, "allows CHAP-MD5"));
	g_assert_true(sp_sent_term_req(w->sp));
	world_free(w);
	secbuf_free(pw);
}

/* No allowed method at all: Auth-Protocol is Rejected, the server gives up. */
static void test_no_methods_allowed(void)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;
	const struct ev_rec *e;

	client_config(&cfg, pw, 0, false);
	sp_config_pppd(&s);
	w = world_new(&cfg, &s, 8);
	start(w);
	run(w, ipcp_up, 60000);
	e = terminal_event(w);
	g_assert_nonnull(e);
	g_assert_cmpint(e->type, ==, PPP_EV_FAILED);
	world_free(w);
	secbuf_free(pw);
}

static void test_echo_timeout(void)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;
	const struct ev_rec *e;
	uint64_t t0;

	client_config(&cfg, pw, PPP_AUTH_PAP, false);
	cfg.echo_interval_ms = 5000;
	cfg.echo_failure = 3;
	sp_config_softether(&s);
	w = world_new(&cfg, &s, 9);
	start(w);
	run(w, ipcp_up, 60000);
	g_assert_nonnull(find_event(w, PPP_EV_IPCP_UP));
	/* while the server answers, echoes keep the link up */
	run(w, NULL, 30000);
	g_assert_null(terminal_event(w));
	g_assert_cmpuint(sp_echo_requests(w->sp), >=, 5);
	/* now it goes silent */
	sp_free(w->sp);
	s.mute_echo = true;
	w->sp = sp_new(&s, server_send, w);
	t0 = w->now;
	run(w, NULL, 60000);
	e = terminal_event(w);
	g_assert_nonnull(e);
	g_assert_cmpint(e->type, ==, PPP_EV_LINK_DEAD);
	/* 3 unanswered echoes plus one interval to notice */
	g_assert_cmpuint(w->now - t0, <=, 4 * 5000 + 10);
	g_assert_cmpuint(w->now - t0, >=, 3 * 5000);
	world_free(w);
	secbuf_free(pw);
}

static bool sp_saw_term(struct world *w)
{
	return sp_got_term_req(w->sp);
}

static void test_close_handshake(void)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;
	const struct ev_rec *e;

	client_config(&cfg, pw, PPP_AUTH_MSCHAPV2, true);
	sp_config_pppd(&s);
	w = world_new(&cfg, &s, 10);
	start(w);
	run(w, all_up, 60000);
	g_assert_nonnull(find_event(w, PPP_EV_IPCP_UP));
	ppp_close(w->ppp, w->now);
	g_assert_null(terminal_event(w)); /* waits for the Ack */
	run(w, NULL, 20000);
	g_assert_true(sp_saw_term(w));
	e = terminal_event(w);
	g_assert_nonnull(e);
	g_assert_cmpint(e->type, ==, PPP_EV_TERMINATED);
	g_assert_false(e->by_peer);
	g_assert_cmpuint(count_events(w, PPP_EV_TERMINATED), ==, 1);
	/* the Ack came quickly, not after the restart timer */
	g_assert_cmpuint(w->events->len, >, 0);
	world_free(w);
	secbuf_free(pw);
}

/* The server has vanished: the close completes after max_terminate restarts. */
static void test_close_no_answer(void)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;
	uint64_t t0;

	client_config(&cfg, pw, PPP_AUTH_PAP, false);
	sp_config_softether(&s);
	w = world_new(&cfg, &s, 11);
	start(w);
	run(w, ipcp_up, 60000);
	w->loss = 1.0;
	t0 = w->now;
	ppp_close(w->ppp, w->now);
	run(w, NULL, 60000);
	g_assert_nonnull(terminal_event(w));
	g_assert_cmpint(terminal_event(w)->type, ==, PPP_EV_TERMINATED);
	g_assert_cmpuint(w->now - t0, ==, 2 * 3000);
	world_free(w);
	secbuf_free(pw);
}

static bool ccp_rejected(struct world *w)
{
	return sp_protocol_rejected(w->sp) == 0x80fd;
}

static void test_protocol_reject_ccp(void)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;

	client_config(&cfg, pw, PPP_AUTH_PAP, false);
	sp_config_softether(&s);
	s.send_ccp = true;
	w = world_new(&cfg, &s, 12);
	start(w);
	run(w, ipcp_up, 60000);
	run(w, ccp_rejected, 5000);
	g_assert_cmphex(sp_protocol_rejected(w->sp), ==, 0x80fd);
	g_assert_null(terminal_event(w));
	world_free(w);
	secbuf_free(pw);
}

/* Peer terminates in the network phase: TERMINATED by peer with its reason. */
static void test_peer_terminates(void)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;
	const struct ev_rec *e;
	static const uint8_t term[] = {5, 0x77, 0, 12, 'b', 'y', 'e', '!', '!', '!', '!', '!'};

	client_config(&cfg, pw, PPP_AUTH_PAP, false);
	sp_config_softether(&s);
	w = world_new(&cfg, &s, 13);
	start(w);
	run(w, ipcp_up, 60000);
	sp_send_raw(w->sp, 0xc021, term, sizeof(term));
	run(w, NULL, 1000);
	e = terminal_event(w);
	g_assert_nonnull(e);
	g_assert_cmpint(e->type, ==, PPP_EV_TERMINATED);
	g_assert_true(e->by_peer);
	g_assert_nonnull(strstr(e->message, "bye!!!!!"));
	world_free(w);
	secbuf_free(pw);
}

/* IP both ways; frames with and without FF 03 and with a 1-byte protocol. */
static void test_ip_data(void)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;
	uint8_t ip[40] = {0x45, 0, 0, 40}, hdr[8], frame[64];
	size_t h;

	client_config(&cfg, pw, PPP_AUTH_PAP, false);
	sp_config_softether(&s);
	w = world_new(&cfg, &s, 14);
	g_assert_cmpint(ppp_send_ip(w->ppp, ip, sizeof(ip), false), ==, -ENOTCONN);
	start(w);
	run(w, ipcp_up, 60000);
	g_assert_cmpint(ppp_send_ip(w->ppp, ip, sizeof(ip), false), ==, 0);
	g_assert_cmpint(ppp_send_ip(w->ppp, ip, sizeof(ip), true), ==, -ENOTCONN);
	{
		uint8_t big[1501] = {0x45};

		g_assert_cmpint(ppp_send_ip(w->ppp, big, sizeof(big), false), ==, -EMSGSIZE);
	}
	run(w, NULL, 100);
	g_assert_cmpuint(sp_ip_packets(w->sp), ==, 1);

	h = ppp_write_ip_header(w->ppp, hdr, false);
	g_assert_cmpuint(h, ==, ppp_ip_header_len(w->ppp));
	g_assert_cmpmem(hdr, h, "\xff\x03\x00\x21", 4);
	h = ppp_write_ip_header(w->ppp, hdr, true);
	g_assert_cmpmem(hdr, h, "\xff\x03\x00\x57", 4);

	ip[10] = 0xab;
	memcpy(frame, "\xff\x03\x00\x21", 4);
	memcpy(frame + 4, ip, sizeof(ip));
	g_assert_cmpint(ppp_rx(w->ppp, frame, 4 + sizeof(ip), w->now), ==, 0);
	g_assert_cmpuint(w->delivered_count, ==, 1);
	g_assert_cmpmem(w->delivered->data, w->delivered->len, ip, sizeof(ip));
	/* ACFC + PFC: protocol 0x21 in one byte */
	frame[0] = 0x21;
	memcpy(frame + 1, ip, sizeof(ip));
	g_assert_cmpint(ppp_rx(w->ppp, frame, 1 + sizeof(ip), w->now), ==, 0);
	g_assert_cmpuint(w->delivered_count, ==, 2);
	g_assert_cmpmem(w->delivered->data, w->delivered->len, ip, sizeof(ip));
	/* IPv6 while IPV6CP is not open: dropped */
	memcpy(frame, "\x00\x57", 2);
	g_assert_cmpint(ppp_rx(w->ppp, frame, 2 + sizeof(ip), w->now), ==, 0);
	g_assert_cmpuint(w->delivered_count, ==, 2);
	/* invalid protocol fields */
	g_assert_cmpint(ppp_rx(w->ppp, (const uint8_t *)"\xff\x03\x00\x20", 4, w->now), ==,
			-EBADMSG);
	g_assert_cmpint(ppp_rx(w->ppp, (const uint8_t *)"\xff\x03", 2, w->now), ==, -EBADMSG);
	g_assert_cmpint(ppp_rx(w->ppp, (const uint8_t *)"\x80", 1, w->now), ==, -EBADMSG);
	world_free(w);
	secbuf_free(pw);
}

/* Loss, duplication and reordering: every scenario must still come up. */
static void lossy(enum sp_flavor flavor, unsigned auth, bool v6)
{
	for (guint32 seed = 100; seed < 140; seed++) {
		struct secbuf *pw = pw_new("alice-pass");
		struct ppp_config cfg;
		struct sp_config s;
		struct world *w;

		client_config(&cfg, pw, auth, v6);
		if (flavor == SP_SOFTETHER)
			sp_config_softether(&s);
		else
			sp_config_pppd(&s);
		w = world_new(&cfg, &s, seed);
		w->loss = 0.2;
		w->dup = 0.15;
		w->jitter_ms = 400;
		start(w);
		/* SoftEther never starts IPV6CP, so it stays off */
		run(w, v6 && flavor == SP_PPPD ? all_up : ipcp_up, 300000);
		if (terminal_event(w))
			g_printerr("seed %u: %s\n", seed, terminal_event(w)->message);
		g_assert_null(terminal_event(w));
		if (!find_event(w, PPP_EV_IPCP_UP))
			g_printerr("seed %u: no IPCP by %llu ms\n", seed,
				   (unsigned long long)w->now);
		g_assert_nonnull(find_event(w, PPP_EV_IPCP_UP));
		if (v6 && flavor == SP_PPPD)
			g_assert_nonnull(find_event(w, PPP_EV_IPV6CP_UP));
		world_free(w);
		secbuf_free(pw);
	}
}

static void test_lossy_softether_pap(void)
{
	lossy(SP_SOFTETHER, PPP_AUTH_PAP, false);
}

static void test_lossy_softether_mschapv2(void)
{
	lossy(SP_SOFTETHER, PPP_AUTH_ALL, true);
}

static void test_lossy_pppd_mschapv2(void)
{
	lossy(SP_PPPD, PPP_AUTH_MSCHAPV2, true);
}

static void test_lossy_pppd_chap_md5(void)
{
	lossy(SP_PPPD, PPP_AUTH_CHAP_MD5, false);
}

/* Silence from the server: LCP gives up after max_configure requests. */
static void test_lcp_no_answer(void)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;
	const struct ev_rec *e;

	client_config(&cfg, pw, PPP_AUTH_ALL, false);
	sp_config_pppd(&s);
	w = world_new(&cfg, &s, 15);
	w->loss = 1.0;
	ppp_start(w->ppp, w->now);
	run(w, NULL, 120000);
	e = terminal_event(w);
	g_assert_nonnull(e);
	g_assert_cmpint(e->type, ==, PPP_EV_FAILED);
	g_assert_nonnull(strstr(e->message, "LCP"));
	g_assert_cmpuint(w->now, ==, 1000 + 10 * 3000);
	world_free(w);
	secbuf_free(pw);
}

/*
 * Mutations: replay the server's frames of a clean run, with one frame
 * truncated or bit-flipped, into a fresh deterministic client. Nothing may
 * crash; a well-formed run must still produce only sane events.
 */
static void replay(const GByteArray *t, size_t victim, int mode, size_t arg, unsigned auth)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct sp_config s;
	struct world *w;
	size_t off = 0, idx = 0;

	client_config(&cfg, pw, auth, true);
	sp_config_pppd(&s);
	w = world_new(&cfg, &s, 1);
	ppp_start(w->ppp, w->now);
	while (off + 2 <= t->len) {
		size_t len = t->data[off + 1];
		uint8_t f[256];

		memcpy(f, t->data + off + 2, len);
		off += 2 + len;
		if (idx++ == victim) {
			if (mode == 0 && arg < len)
				len = arg; /* truncate */
			else if (mode == 1 && arg / 8 < len)
				f[arg / 8] ^= (uint8_t)(1u << (arg % 8)); /* bit flip */
		}
		w->now += 10;
		ppp_rx(w->ppp, f, len, w->now);
		if (ppp_next_timeout(w->ppp) <= w->now)
			ppp_tick(w->ppp, w->now);
	}
	w->now += 100000;
	ppp_tick(w->ppp, w->now);
	for (guint i = 0; i < w->events->len; i++) {
		const struct ev_rec *e = g_ptr_array_index(w->events, i);

		if (is_terminal(e->type))
			g_assert_nonnull(e->message);
	}
	world_free(w);
	secbuf_free(pw);
}

static GByteArray *record_clean_run(const struct sp_config *s, unsigned auth, bool v6, uint8_t sel)
{
	struct secbuf *pw = pw_new("alice-pass");
	struct ppp_config cfg;
	struct world *w;
	GByteArray *t;

	client_config(&cfg, pw, auth, v6);
	cfg.echo_interval_ms = 10000;
	w = world_new(&cfg, s, 1);
	w->record = true;
	start(w);
	run(w, v6 ? all_up : ipcp_up, 60000);
	g_assert_null(terminal_event(w));
	t = g_byte_array_new();
	g_byte_array_append(t, w->transcript->data, w->transcript->len);
	world_free(w);
	secbuf_free(pw);
	(void)sel;
	return t;
}

static void test_mutations(void)
{
	struct sp_config s;
	GByteArray *t;
	size_t frames = 0;

	sp_config_pppd(&s);
	t = record_clean_run(&s, PPP_AUTH_MSCHAPV2, true, 0);
	for (size_t off = 0; off + 2 <= t->len; off += 2 + t->data[off + 1])
		frames++;
	g_assert_cmpuint(frames, >=, 6);
	for (size_t i = 0; i < frames; i++) {
		for (size_t cut = 0; cut < 40; cut++)
			replay(t, i, 0, cut, PPP_AUTH_MSCHAPV2);
		for (size_t bit = 0; bit < 8 * 40; bit++)
			replay(t, i, 1, bit, PPP_AUTH_MSCHAPV2);
	}
	/* the unmutated replay reaches IPCP in the deterministic client */
	g_byte_array_free(t, TRUE);
}

/* With PPP_CORPUS_DIR=tests/ppp set, write fuzz seed files from clean runs. */
static void write_seed(const char *dir, const char *name, uint8_t sel, const GByteArray *t,
		       bool cp_only)
{
	GByteArray *out = g_byte_array_new();
	char *path = g_build_filename(dir, name, NULL);

	g_byte_array_append(out, &sel, 1);
	for (size_t off = 0; off + 2 <= t->len; off += 2 + t->data[off + 1]) {
		const uint8_t *f = t->data + off + 2;
		size_t len = t->data[off + 1];
		uint8_t rec[2];

		if (cp_only) {
			/* the cp target takes (op = 0 LCP, 1 IPCP, 2 IPV6CP) + packet */
			uint16_t proto = (uint16_t)(f[2] << 8 | f[3]);
			int op = proto == 0xc021   ? 0
				 : proto == 0x8021 ? 1
				 : proto == 0x8057 ? 2
						   : -1;

			if (op < 0)
				continue;
			rec[0] = (uint8_t)op;
			rec[1] = (uint8_t)(len - 4);
			g_byte_array_append(out, rec, 2);
			g_byte_array_append(out, f + 4, (guint)(len - 4));
		} else {
			rec[0] = 0;
			rec[1] = (uint8_t)len;
			g_byte_array_append(out, rec, 2);
			g_byte_array_append(out, f, (guint)len);
		}
	}
	/* let timers run at the end */
	{
		uint8_t tick[2] = {FUZZ_OP_TICK, 200};

		g_byte_array_append(out, tick, 2);
	}
	g_assert_true(g_file_set_contents(path, (const char *)out->data, out->len, NULL));
	g_free(path);
	g_byte_array_free(out, TRUE);
}

static void test_write_corpus(void)
{
	const char *dir = g_getenv("PPP_CORPUS_DIR");
	static const struct {
		const char *name;
		enum sp_flavor flavor;
		uint8_t sel; /* see fuzz_config() */
		enum sp_method only;
		bool bad_pw;
	} runs[] = {
		{"pppd-mschapv2", SP_PPPD, 0, SP_NONE, false},
		{"pppd-chap-md5", SP_PPPD, 2, SP_NONE, false},
		{"softether-pap", SP_SOFTETHER, 1, SP_NONE, false},
		{"softether-mschapv2", SP_SOFTETHER, 3, SP_NONE, false},
		{"softether-mschapv2-nov6", SP_SOFTETHER, 4 | 3, SP_NONE, false},
		{"pppd-pap-wrong", SP_PPPD, 1, SP_PAP, true},
		{"pppd-mschapv2-wrong", SP_PPPD, 3, SP_NONE, true},
		{"softether-pap-wrong", SP_SOFTETHER, 1, SP_NONE, true},
	};

	if (!dir) {
		g_test_skip("set PPP_CORPUS_DIR=<tests/ppp> to write the fuzz seed corpus");
		return;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(runs); i++) {
		struct secbuf *pw = pw_new("alice-pass");
		struct ppp_config cfg;
		struct sp_config s;
		struct world *w;
		char name[80], *auth_dir, *cp_dir;

		if (runs[i].flavor == SP_PPPD)
			sp_config_pppd(&s);
		else
			sp_config_softether(&s);
		if (runs[i].only != SP_NONE) {
			s.methods[0] = runs[i].only;
			s.methods[1] = SP_NONE;
		}
		if (runs[i].bad_pw)
			s.password = "other";
		/* same configuration and randomness as the fuzz harness */
		fuzz_config(runs[i].sel, &cfg, pw);
		w = world_new(&cfg, &s, 1);
		w->record = true;
		start(w);
		run(w, cfg.want_ipv6 && runs[i].flavor == SP_PPPD ? all_up : ipcp_up, 60000);
		snprintf(name, sizeof(name), "%s", runs[i].name);
		auth_dir = g_build_filename(dir, "corpus-ppp-auth", NULL);
		cp_dir = g_build_filename(dir, "corpus-ppp-cp", NULL);
		write_seed(auth_dir, name, runs[i].sel, w->transcript, false);
		write_seed(cp_dir, name, runs[i].sel, w->transcript, true);
		g_free(auth_dir);
		g_free(cp_dir);
		world_free(w);
		/* the seed is meaningful: replayed into a fresh deterministic client
		 * (as the fuzz target does) it reaches the same end */
		{
			struct world *r;
			char *path = g_build_filename(dir, "corpus-ppp-auth", name, NULL);
			gchar *buf;
			gsize blen;

			g_assert_true(g_file_get_contents(path, &buf, &blen, NULL));
			fuzz_config(runs[i].sel, &cfg, pw);
			r = world_new(&cfg, &s, 1);
			ppp_start(r->ppp, r->now);
			for (gsize off = 1; off + 2 <= blen; off += 2 + (guchar)buf[off + 1]) {
				r->now += 10;
				if ((guchar)buf[off] != FUZZ_OP_TICK)
					ppp_rx(r->ppp, (const uint8_t *)buf + off + 2,
					       (guchar)buf[off + 1], r->now);
			}
			if (runs[i].bad_pw)
				g_assert_nonnull(find_event(r, PPP_EV_AUTH_FAILED));
			else
				g_assert_nonnull(find_event(r, PPP_EV_IPCP_UP));
			world_free(r);
			g_free(buf);
			g_free(path);
		}
		secbuf_free(pw);
	}
}

static void test_config_and_free(void)
{
	struct ppp_config cfg;
	struct rand_source rnd = {fuzz_rand, NULL};
	uint64_t seed = 1;

	rnd.ctx = &seed;
	ppp_config_init(&cfg);
	g_assert_cmpuint(cfg.restart_ms, ==, 3000);
	g_assert_cmpuint(cfg.max_configure, ==, 10);
	g_assert_cmpuint(cfg.allowed_auth, ==, PPP_AUTH_ALL);
	ppp_free(NULL);
	cfg.restart_ms = 0;
	g_assert_null(ppp_new(&cfg, &client_cb, NULL, &rnd, NULL));
	g_assert_cmpstr(ppp_auth_method_name(PPP_AUTH_MSCHAPV2), ==, "MS-CHAPv2");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ppp/config", test_config_and_free);
	g_test_add_func("/ppp/softether/pap", test_softether_pap);
	g_test_add_func("/ppp/softether/mschapv2", test_softether_mschapv2);
	g_test_add_func("/ppp/pppd/chap-md5", test_pppd_chap_md5);
	g_test_add_func("/ppp/pppd/mschapv2-ipv6cp", test_pppd_mschapv2_ipv6cp);
	g_test_add_func("/ppp/auth/mschapv2-bad-authenticator", test_mschapv2_bad_authenticator);
	g_test_add_func("/ppp/auth/wrong-password-pap-nak", test_wrong_password_pap_nak);
	g_test_add_func("/ppp/auth/wrong-password-pap-terminate",
			test_wrong_password_pap_terminate);
	g_test_add_func("/ppp/auth/wrong-password-mschapv2", test_wrong_password_mschapv2);
	g_test_add_func("/ppp/auth/wrong-password-chap-md5", test_wrong_password_chap_md5);
	g_test_add_func("/ppp/auth/all-methods-refused", test_all_methods_refused);
	g_test_add_func("/ppp/auth/no-methods-allowed", test_no_methods_allowed);
	g_test_add_func("/ppp/lcp/echo-timeout", test_echo_timeout);
	g_test_add_func("/ppp/lcp/no-answer", test_lcp_no_answer);
	g_test_add_func("/ppp/lcp/close-handshake", test_close_handshake);
	g_test_add_func("/ppp/lcp/close-no-answer", test_close_no_answer);
	g_test_add_func("/ppp/lcp/peer-terminates", test_peer_terminates);
	g_test_add_func("/ppp/lcp/protocol-reject-ccp", test_protocol_reject_ccp);
	g_test_add_func("/ppp/ip/data", test_ip_data);
	g_test_add_func("/ppp/lossy/softether-pap", test_lossy_softether_pap);
	g_test_add_func("/ppp/lossy/softether-mschapv2", test_lossy_softether_mschapv2);
	g_test_add_func("/ppp/lossy/pppd-mschapv2", test_lossy_pppd_mschapv2);
	g_test_add_func("/ppp/lossy/pppd-chap-md5", test_lossy_pppd_chap_md5);
	g_test_add_func("/ppp/mutations", test_mutations);
	g_test_add_func("/ppp/write-corpus", test_write_corpus);
	return g_test_run();
}
