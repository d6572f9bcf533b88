/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IKEv1 initiator against the test responder (ike-peer.c), in memory,
 * with virtual time: full MM + QM, the failure reasons, retransmission and
 * duplicates, NAT-T, DPD, rekeying, probe mode and teardown.
 */
#include <glib.h>
#include <string.h>

#include "ike-peer.h"
#include "ipsec.h"

#define MAX_EV 64

struct rec_ev {
	enum ike_event_type type;
	char suite[64];
	enum ike_fail code;
	char detail[512];
	bool nat, natt, rekey;
	uint32_t lifetime_s;
	struct ipsec_child_sa child;
	uint8_t key_in[128], key_out[128];
	size_t key_len;
	uint32_t old_spi, del_in, del_out;
	enum ike_probe_result probe;
	struct ike_p1_proposal chosen;
};

struct dgram {
	bool natt;
	size_t len;
	uint8_t buf[4096];
};

struct net {
	struct ike_sa *sa;
	struct peer *peer;
	uint64_t now;
	uint32_t rng;
	struct rec_ev ev[MAX_EV];
	size_t n_ev;
	struct dgram q[32];
	size_t nq;
	unsigned sent, sent_natt;
	bool block_natt;   /* the client's UDP 4500 datagrams vanish */
	bool peer_silent;  /* the server receives nothing */
	unsigned drop_c2p; /* drop the next n datagrams to the server */
	unsigned drop_p2c; /* drop the next n datagrams to the client */
	uint32_t dup_mask; /* deliver server datagram #i twice when bit i is set */
	unsigned n_p2c;
};

static void prng(void *ctx, void *buf, size_t len)
{
	uint32_t *s = ctx;
	uint8_t *b = buf;

	while (len--) {
		*s ^= *s << 13;
		*s ^= *s >> 17;
		*s ^= *s << 5;
		*b++ = (uint8_t)*s;
	}
}

/*
 * The fuzz corpora were made with IKE_CORPUS_DIR=dir: every datagram of the
 * run is written there (and ike-peer.c writes its decrypted chains).
 */
static void corpus_dump(const char *prefix, const uint8_t *msg, size_t len)
{
	const char *dir = g_getenv("IKE_CORPUS_DIR");
	static unsigned seq;
	g_autofree char *path = NULL;

	if (!dir)
		return;
	path = g_strdup_printf("%s/%s-%03u", dir, prefix, seq++);
	g_assert_true(g_file_set_contents(path, (const char *)msg, (gssize)len, NULL));
}

static void cb_send(void *ctx, bool natt, const uint8_t *msg, size_t len)
{
	struct net *n = ctx;

	corpus_dump("isakmp-i", msg, len);
	g_assert_cmpuint(n->nq, <, G_N_ELEMENTS(n->q));
	g_assert_cmpuint(len, <=, sizeof(n->q[0].buf));
	n->sent++;
	n->sent_natt += natt;
	n->q[n->nq].natt = natt;
	n->q[n->nq].len = len;
	memcpy(n->q[n->nq].buf, msg, len);
	n->nq++;
}

static void cb_event(void *ctx, const struct ike_event *ev)
{
	struct net *n = ctx;
	struct rec_ev *r;

	g_assert_cmpuint(n->n_ev, <, MAX_EV);
	r = &n->ev[n->n_ev++];
	memset(r, 0, sizeof(*r));
	r->type = ev->type;
	switch (ev->type) {
	case IKE_EV_PHASE1_UP:
		g_strlcpy(r->suite, ev->phase1.suite, sizeof(r->suite));
		r->nat = ev->phase1.nat_detected;
		r->natt = ev->phase1.natt;
		r->rekey = ev->phase1.rekey;
		r->lifetime_s = ev->phase1.lifetime_s;
		break;
	case IKE_EV_CHILD_SA_UP:
	case IKE_EV_CHILD_SA_REKEYED:
		r->child = *ev->child.sa;
		r->child.keymat_in = r->child.keymat_out = NULL;
		r->key_len = ev->child.sa->keymat_in->len;
		g_assert_cmpuint(r->key_len, ==, ev->child.sa->keymat_out->len);
		memcpy(r->key_in, ev->child.sa->keymat_in->data, r->key_len);
		memcpy(r->key_out, ev->child.sa->keymat_out->data, r->key_len);
		r->old_spi = ev->child.old_spi_in;
		break;
	case IKE_EV_CHILD_SA_DELETED:
		r->del_in = ev->deleted.spi_in;
		r->del_out = ev->deleted.spi_out;
		break;
	case IKE_EV_FAILED:
		r->code = ev->failed.code;
		g_assert_nonnull(ev->failed.message);
		g_assert_cmpstr(ev->failed.message, ==, ike_fail_message(ev->failed.code));
		g_strlcpy(r->detail, ev->failed.detail, sizeof(r->detail));
		break;
	case IKE_EV_PROBE_RESULT:
		r->probe = ev->probe.result;
		r->chosen = ev->probe.chosen;
		break;
	case IKE_EV_PEER_DEAD:
	case IKE_EV_PEER_ALIVE:
	case IKE_EV_CLOSED:
		break;
	}
}

static const struct ike_callbacks cbs = {cb_send, cb_event};

static void default_peer(struct peer_cfg *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->psk = "lab-psk-123";
	memcpy(pc->ip, (uint8_t[]){10, 0, 0, 1}, 4);
	pc->fake_nat = true; /* SoftEther */
}

static void default_cfg(struct ike_config *c, struct secbuf *psk)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->local_ip, (uint8_t[]){10, 0, 0, 2}, 4);
	memcpy(c->remote_ip, (uint8_t[]){10, 0, 0, 1}, 4);
	c->psk = psk;
	c->initial_contact = true;
}

static void net_init(struct net *n, const struct ike_config *cfg, const struct peer_cfg *pc)
{
	struct rand_source rnd;

	memset(n, 0, sizeof(*n));
	n->rng = 0x12345678;
	n->now = 1000000;
	rnd.fn = prng;
	rnd.ctx = &n->rng;
	n->sa = ike_sa_new(cfg, &cbs, n, &rnd, NULL);
	g_assert_nonnull(n->sa);
	n->peer = peer_new(pc, 0xabcdef);
}

static void net_free(struct net *n)
{
	ike_sa_free(n->sa);
	peer_free(n->peer);
}

/* Delivers queued datagrams both ways until everything is quiet. */
static void pump(struct net *n)
{
	bool busy = true;

	while (busy) {
		struct peer_out out;

		busy = false;
		while (n->nq) {
			struct dgram d = n->q[0];

			memmove(n->q, n->q + 1, (n->nq - 1) * sizeof(n->q[0]));
			n->nq--;
			busy = true;
			if (n->drop_c2p) {
				n->drop_c2p--;
				continue;
			}
			if (n->peer_silent || (n->block_natt && d.natt))
				continue;
			peer_rx(n->peer, d.natt, d.buf, d.len);
		}
		while (peer_pop(n->peer, &out)) {
			busy = true;
			if (n->drop_p2c) {
				n->drop_p2c--;
				continue;
			}
			corpus_dump("isakmp-r", out.buf, out.len);
			ike_sa_rx(n->sa, out.natt, out.buf, out.len, n->now);
			if (n->n_p2c < 32 && (n->dup_mask >> n->n_p2c) & 1)
				ike_sa_rx(n->sa, out.natt, out.buf, out.len, n->now);
			n->n_p2c++;
		}
	}
}

/* Runs timers and traffic until `until` (absolute virtual ms). */
static void run_until(struct net *n, uint64_t until)
{
	pump(n);
	for (;;) {
		uint64_t t = ike_sa_next_timeout(n->sa);

		if (t > until)
			break;
		g_assert_cmpuint(t, >=, n->now);
		n->now = t;
		ike_sa_tick(n->sa, n->now);
		pump(n);
	}
	n->now = until;
}

static const struct rec_ev *find_ev(const struct net *n, enum ike_event_type t, unsigned nth)
{
	size_t i;

	for (i = 0; i < n->n_ev; i++)
		if (n->ev[i].type == t && nth-- == 0)
			return &n->ev[i];
	return NULL;
}

static const char *fail_detail(const struct net *n)
{
	const struct rec_ev *f = find_ev(n, IKE_EV_FAILED, 0);

	g_assert_nonnull(f);
	return f ? f->detail : "";
}

static void start(struct net *n)
{
	g_assert_cmpint(ike_sa_start(n->sa, n->now), ==, 0);
	g_assert_cmpint(ike_sa_start(n->sa, n->now), ==, -EALREADY);
}

static void assert_keys_match_peer(const struct net *n, const struct rec_ev *c)
{
	const struct peer_stats *st = peer_stats(n->peer);

	g_assert_cmpuint(c->child.spi_in, ==, st->spi_i);
	g_assert_cmpuint(c->child.spi_out, ==, st->spi_r);
	g_assert_cmpuint(c->key_len, ==, st->keymat_len);
	g_assert_cmpmem(c->key_in, c->key_len, st->keymat_spi_i, st->keymat_len);
	g_assert_cmpmem(c->key_out, c->key_len, st->keymat_spi_r, st->keymat_len);
	g_assert_true(memcmp(c->key_in, c->key_out, c->key_len) != 0);
}

static void test_full_softether(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	const struct rec_ev *p1, *c;
	struct net n;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	net_init(&n, &cfg, &pc);
	start(&n);
	run_until(&n, n.now + 100);
	p1 = find_ev(&n, IKE_EV_PHASE1_UP, 0);
	g_assert_nonnull(p1);
	/* the first default transform the peer accepts (no ECP) */
	g_assert_cmpstr(p1->suite, ==, "aes256-sha2_256-modp2048");
	g_assert_true(p1->nat);
	g_assert_true(p1->natt);
	g_assert_cmpuint(p1->lifetime_s, ==, 28800);
	c = find_ev(&n, IKE_EV_CHILD_SA_UP, 0);
	g_assert_nonnull(c);
	g_assert_cmpstr(c->child.suite, ==, "aes256-sha1");
	g_assert_cmpuint(c->child.esp_transform, ==, 12);
	g_assert_cmpuint(c->child.key_bits, ==, 256);
	g_assert_cmpuint(c->child.auth_alg, ==, 2);
	g_assert_cmpuint(c->child.encap_mode, ==, 4);
	g_assert_cmpuint(c->child.lifetime_s, ==, 3600);
	g_assert_cmpuint(c->key_len, ==, 32 + 20);
	assert_keys_match_peer(&n, c);
	g_assert_cmpuint(peer_stats(n.peer)->qm3, ==, 1);
	g_assert_cmpuint(peer_stats(n.peer)->natoa, ==, 2);
	g_assert_cmpuint(peer_stats(n.peer)->natd_type, ==, 20);
	g_assert_true(peer_stats(n.peer)->initial_contact);
	g_assert_cmpuint(peer_stats(n.peer)->id_proto, ==, 17);
	g_assert_cmpuint(peer_stats(n.peer)->id_port, ==, 500);
	g_assert_true(ike_sa_natt_active(n.sa));
	g_assert_cmpuint(ike_sa_peer_port(n.sa), ==, 4500);
	/* MM1, MM3 on 500; MM5, QM1, QM3 on 4500 */
	g_assert_cmpuint(n.sent, ==, 5);
	g_assert_cmpuint(n.sent_natt, ==, 3);
	g_assert_null(find_ev(&n, IKE_EV_FAILED, 0));
	/* QM3 stays cached for a repeated QM2 for a minute; then the next timer is the rekey */
	g_assert_cmpuint(ike_sa_next_timeout(n.sa), <=, n.now + 60000);
	run_until(&n, n.now + 60000);
	g_assert_cmpuint(ike_sa_next_timeout(n.sa), >, n.now + 3000 * 1000);
	g_assert_cmpuint(n.sent, ==, 5);

	g_assert_cmpint(ike_sa_close(n.sa, n.now), ==, 0);
	pump(&n);
	g_assert_cmpuint(peer_stats(n.peer)->deleted_isakmp, ==, 1);
	g_assert_cmpuint(peer_stats(n.peer)->n_deleted_esp, ==, 1);
	g_assert_cmpuint(peer_stats(n.peer)->deleted_esp[0], ==, c->child.spi_in);
	g_assert_nonnull(find_ev(&n, IKE_EV_CHILD_SA_DELETED, 0));
	g_assert_nonnull(find_ev(&n, IKE_EV_CLOSED, 0));
	g_assert_cmpint(ike_sa_close(n.sa, n.now), ==, -ESHUTDOWN);
	net_free(&n);
	secbuf_free(psk);
}

static void test_no_nat_plain_transport(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	const struct rec_ev *c;
	struct net n;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	pc.fake_nat = false;
	memcpy(pc.idr, pc.ip, 4);
	cfg.remote_id = "10.0.0.1";
	net_init(&n, &cfg, &pc);
	start(&n);
	run_until(&n, n.now + 100);
	g_assert_false(find_ev(&n, IKE_EV_PHASE1_UP, 0)->nat);
	c = find_ev(&n, IKE_EV_CHILD_SA_UP, 0);
	g_assert_nonnull(c);
	g_assert_cmpuint(c->child.encap_mode, ==, 2);
	g_assert_cmpuint(peer_stats(n.peer)->natoa, ==, 0);
	g_assert_cmpuint(n.sent_natt, ==, 0);
	g_assert_false(ike_sa_natt_active(n.sa));
	g_assert_false(peer_stats(n.peer)->natt_seen_local);
	net_free(&n);
	secbuf_free(psk);
}

static void test_force_encaps(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	pc.fake_nat = false;
	cfg.force_encaps = true;
	net_init(&n, &cfg, &pc);
	start(&n);
	run_until(&n, n.now + 100);
	/* our NAT-D was faked, so the server sees a NAT too */
	g_assert_true(peer_stats(n.peer)->natt_seen_local);
	g_assert_cmpuint(find_ev(&n, IKE_EV_CHILD_SA_UP, 0)->child.encap_mode, ==, 4);
	g_assert_true(ike_sa_natt_active(n.sa));
	net_free(&n);
	secbuf_free(psk);
}

static void test_draft_natt(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	pc.vid_draft_only = true;
	net_init(&n, &cfg, &pc);
	start(&n);
	run_until(&n, n.now + 100);
	g_assert_cmpuint(peer_stats(n.peer)->natd_type, ==, 130);
	g_assert_cmpuint(find_ev(&n, IKE_EV_CHILD_SA_UP, 0)->child.encap_mode, ==, 61444);
	assert_keys_match_peer(&n, find_ev(&n, IKE_EV_CHILD_SA_UP, 0));
	net_free(&n);
	secbuf_free(psk);
}

static void check_failure(struct net *n, enum ike_fail code)
{
	const struct rec_ev *f = find_ev(n, IKE_EV_FAILED, 0);

	g_assert_nonnull(f);
	g_assert_cmpstr(ike_fail_name(f->code), ==, ike_fail_name(code));
	g_assert_null(find_ev(n, IKE_EV_FAILED, 1));
	g_assert_cmpuint(ike_sa_next_timeout(n->sa), ==, UINT64_MAX);
	g_assert_cmpint(ike_sa_rx(n->sa, false, (const uint8_t *)"x", 1, n->now), ==, -ESHUTDOWN);
}

static void test_wrong_psk_repeat_mm4(void)
{
	struct secbuf *psk = secbuf_new_str("wrong");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	net_init(&n, &cfg, &pc);
	start(&n);
	run_until(&n, n.now + 100);
	check_failure(&n, IKE_FAIL_PSK_MISMATCH);
	g_assert_null(find_ev(&n, IKE_EV_PHASE1_UP, 0));
	g_assert_nonnull(strstr(fail_detail(&n), "MM4"));
	net_free(&n);
	secbuf_free(psk);
}

static void test_wrong_psk_mm6(void)
{
	struct secbuf *psk = secbuf_new_str("wrong");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	pc.bad_psk = PEER_BAD_PSK_SEND_MM6;
	net_init(&n, &cfg, &pc);
	start(&n);
	/* one unreadable MM6 could be junk: no verdict yet */
	run_until(&n, n.now + 100);
	g_assert_null(find_ev(&n, IKE_EV_FAILED, 0));
	/* MM5 goes again after 1 s, the second unreadable MM6 settles it */
	run_until(&n, n.now + 1000);
	check_failure(&n, IKE_FAIL_PSK_MISMATCH);
	net_free(&n);
	secbuf_free(psk);
}

static void test_no_proposal(gconstpointer random_cookie)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	pc.reject_all_p1 = true;
	pc.reject_random_cky = GPOINTER_TO_INT(random_cookie);
	net_init(&n, &cfg, &pc);
	start(&n);
	run_until(&n, n.now + 100);
	check_failure(&n, IKE_FAIL_NO_PROPOSAL);
	/* the message lists what was offered */
	g_assert_nonnull(
		strstr(fail_detail(&n), "aes256-sha2_256-modp2048, aes128-sha2_256-modp2048"));
	g_assert_nonnull(strstr(fail_detail(&n), "3des-sha1-modp1024"));
	g_assert_nonnull(strstr(ike_fail_message(IKE_FAIL_NO_PROPOSAL), "probe"));
	net_free(&n);
	secbuf_free(psk);
}

static void test_group_choice(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	pc.only_group = 2;
	net_init(&n, &cfg, &pc);
	start(&n);
	run_until(&n, n.now + 100);
	g_assert_cmpstr(find_ev(&n, IKE_EV_PHASE1_UP, 0)->suite, ==, "aes256-sha1-modp1024");
	g_assert_nonnull(find_ev(&n, IKE_EV_CHILD_SA_UP, 0));
	net_free(&n);
	secbuf_free(psk);
}

static void test_remote_id_mismatch(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;

	default_cfg(&cfg, psk);
	default_peer(&pc); /* IDir 0.0.0.0 */
	cfg.remote_id = "10.0.0.1";
	net_init(&n, &cfg, &pc);
	start(&n);
	run_until(&n, n.now + 100);
	check_failure(&n, IKE_FAIL_ID_REJECTED);
	net_free(&n);
	secbuf_free(psk);
}

static void test_qm_rejected(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	pc.reject_qm = true;
	net_init(&n, &cfg, &pc);
	start(&n);
	run_until(&n, n.now + 100);
	g_assert_nonnull(find_ev(&n, IKE_EV_PHASE1_UP, 0));
	check_failure(&n, IKE_FAIL_QM_REJECTED);
	g_assert_nonnull(strstr(fail_detail(&n), "aes256-sha1, aes128-sha1, aes128-sha2_256"));
	net_free(&n);
	secbuf_free(psk);
}

static void test_no_response(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	uint64_t t0;
	struct net n;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	net_init(&n, &cfg, &pc);
	n.peer_silent = true;
	t0 = n.now;
	start(&n);
	run_until(&n, t0 + 29000);
	g_assert_null(find_ev(&n, IKE_EV_FAILED, 0));
	/* sent at 0, 1, 3, 7, 15, 23 s */
	g_assert_cmpuint(n.sent, ==, 6);
	run_until(&n, t0 + 31000);
	check_failure(&n, IKE_FAIL_NO_RESPONSE);
	g_assert_cmpuint(n.sent, ==, 6);
	net_free(&n);
	secbuf_free(psk);
}

static void test_natt_blocked(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	net_init(&n, &cfg, &pc);
	n.block_natt = true;
	start(&n);
	run_until(&n, n.now + 40000);
	check_failure(&n, IKE_FAIL_NATT_BLOCKED);
	net_free(&n);
	secbuf_free(psk);
}

static void test_retransmit_and_duplicates(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;
	uint64_t t0;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	net_init(&n, &cfg, &pc);
	t0 = n.now;
	/* MM1 lost: resent after 1 s */
	n.drop_c2p = 1;
	start(&n);
	run_until(&n, t0 + 999);
	g_assert_cmpuint(n.sent, ==, 1);
	g_assert_cmpuint(peer_stats(n.peer)->mm1, ==, 0);
	/*
	 * Server datagrams: #0 MM2 (twice: MM3 goes again), #1 MM4, #2 MM4 (the
	 * answer to the second MM3: MM5 goes again, no PSK alarm), #3 MM6 (twice:
	 * nothing to answer), #4 QM2 (twice: QM3 goes again).
	 */
	n.dup_mask = 1u << 0 | 1u << 3 | 1u << 4;
	run_until(&n, t0 + 1500);
	g_assert_cmpuint(peer_stats(n.peer)->mm1, ==, 1);
	g_assert_nonnull(find_ev(&n, IKE_EV_CHILD_SA_UP, 0));
	g_assert_null(find_ev(&n, IKE_EV_CHILD_SA_UP, 1));
	g_assert_null(find_ev(&n, IKE_EV_PHASE1_UP, 1));
	g_assert_null(find_ev(&n, IKE_EV_FAILED, 0));
	g_assert_cmpuint(n.n_p2c, ==, 5);
	/* MM1 x2, MM3 x2, MM5 x2, QM1, QM3 x2 */
	g_assert_cmpuint(n.sent, ==, 9);
	g_assert_cmpuint(peer_stats(n.peer)->mm3, ==, 1);
	g_assert_cmpuint(peer_stats(n.peer)->qm3, ==, 1);
	assert_keys_match_peer(&n, find_ev(&n, IKE_EV_CHILD_SA_UP, 0));
	net_free(&n);
	secbuf_free(psk);
}

static void test_lost_replies(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;
	uint64_t t0;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	net_init(&n, &cfg, &pc);
	t0 = n.now;
	n.drop_p2c = 1; /* MM2 lost: MM1 is resent and the peer repeats MM2 */
	start(&n);
	run_until(&n, t0 + 5000);
	g_assert_nonnull(find_ev(&n, IKE_EV_CHILD_SA_UP, 0));
	assert_keys_match_peer(&n, find_ev(&n, IKE_EV_CHILD_SA_UP, 0));
	net_free(&n);
	secbuf_free(psk);
}

static void test_dpd(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;
	uint64_t t0;
	unsigned sent;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	cfg.dpd_interval_s = 30;
	cfg.dpd_max_fail = 3;
	net_init(&n, &cfg, &pc);
	t0 = n.now;
	start(&n);
	run_until(&n, t0 + 100);
	g_assert_nonnull(find_ev(&n, IKE_EV_CHILD_SA_UP, 0));
	/* traffic keeps DPD quiet */
	for (int i = 1; i <= 10; i++) {
		run_until(&n, t0 + i * 10000);
		ike_sa_notify_traffic(n.sa, n.now);
	}
	g_assert_cmpuint(peer_stats(n.peer)->dpd_requests, ==, 0);
	/* idle: one R-U-THERE per interval, answered */
	run_until(&n, t0 + 100000 + 95000);
	g_assert_cmpuint(peer_stats(n.peer)->dpd_requests, ==, 3);
	g_assert_null(find_ev(&n, IKE_EV_FAILED, 0));
	/* the server answers our R-U-THERE and we answer its */
	peer_send_notify(n.peer, 36136, (const uint8_t *)"\0\0\0\7", 4);
	pump(&n);
	g_assert_cmpuint(peer_stats(n.peer)->dpd_acks, ==, 1);
	/* the peer goes silent: dead after 3 unanswered probes */
	sent = peer_stats(n.peer)->dpd_requests;
	n.peer_silent = true;
	run_until(&n, n.now + 60000);
	g_assert_nonnull(find_ev(&n, IKE_EV_PEER_DEAD, 0));
	check_failure(&n, IKE_FAIL_PEER_DEAD);
	g_assert_cmpuint(peer_stats(n.peer)->dpd_requests, ==, sent);
	net_free(&n);
	secbuf_free(psk);
}

/* The engine pings once after Quick Mode; the answer comes as IKE_EV_PEER_ALIVE. */
static void test_ping(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	net_init(&n, &cfg, &pc);
	g_assert_cmpint(ike_sa_ping(n.sa, n.now), ==, -ENOTCONN);
	start(&n);
	run_until(&n, n.now + 100);
	g_assert_nonnull(find_ev(&n, IKE_EV_CHILD_SA_UP, 0));
	g_assert_null(find_ev(&n, IKE_EV_PEER_ALIVE, 0));
	g_assert_cmpint(ike_sa_ping(n.sa, n.now), ==, 0);
	pump(&n);
	g_assert_cmpuint(peer_stats(n.peer)->dpd_requests, ==, 1);
	g_assert_nonnull(find_ev(&n, IKE_EV_PEER_ALIVE, 0));
	net_free(&n);

	pc.silent_dpd = true;
	net_init(&n, &cfg, &pc);
	start(&n);
	run_until(&n, n.now + 100);
	g_assert_cmpint(ike_sa_ping(n.sa, n.now), ==, 0);
	run_until(&n, n.now + 5000);
	g_assert_null(find_ev(&n, IKE_EV_PEER_ALIVE, 0));
	g_assert_null(find_ev(&n, IKE_EV_FAILED, 0));
	net_free(&n);
	secbuf_free(psk);
}

static void test_child_rekey(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	const struct rec_ev *c0, *c1, *del;
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;
	uint64_t t0;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	cfg.p2_lifetime_s = 600;
	pc.responder_lifetime_s = 300; /* RESPONDER-LIFETIME lowers it */
	net_init(&n, &cfg, &pc);
	t0 = n.now;
	start(&n);
	run_until(&n, t0 + 100);
	c0 = find_ev(&n, IKE_EV_CHILD_SA_UP, 0);
	g_assert_nonnull(c0);
	g_assert_cmpuint(c0->child.lifetime_s, ==, 300);
	run_until(&n, t0 + 260000);
	g_assert_null(find_ev(&n, IKE_EV_CHILD_SA_REKEYED, 0));
	/* rekey at 90 % of the lifetime */
	run_until(&n, t0 + 280000);
	c1 = find_ev(&n, IKE_EV_CHILD_SA_REKEYED, 0);
	g_assert_nonnull(c1);
	g_assert_cmpuint(c1->old_spi, ==, c0->child.spi_in);
	g_assert_cmpuint(c1->child.spi_in, !=, c0->child.spi_in);
	assert_keys_match_peer(&n, c1);
	del = find_ev(&n, IKE_EV_CHILD_SA_DELETED, 0);
	g_assert_nonnull(del);
	g_assert_true(del > c1); /* make before break */
	g_assert_cmpuint(del->del_in, ==, c0->child.spi_in);
	g_assert_cmpuint(peer_stats(n.peer)->n_deleted_esp, ==, 1);
	g_assert_cmpuint(peer_stats(n.peer)->deleted_esp[0], ==, c0->child.spi_in);
	g_assert_null(find_ev(&n, IKE_EV_FAILED, 0));
	net_free(&n);
	secbuf_free(psk);
}

static void test_p1_rekey(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;
	uint64_t t0;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	cfg.p1_lifetime_s = 1000;
	cfg.dpd_interval_s = 30;
	net_init(&n, &cfg, &pc);
	t0 = n.now;
	start(&n);
	run_until(&n, t0 + 100);
	g_assert_null(find_ev(&n, IKE_EV_PHASE1_UP, 1));
	/* ~10 % before expiry: a new Main Mode, the children stay */
	run_until(&n, t0 + 950000);
	g_assert_nonnull(find_ev(&n, IKE_EV_PHASE1_UP, 1));
	g_assert_true(find_ev(&n, IKE_EV_PHASE1_UP, 1)->rekey);
	g_assert_cmpuint(peer_stats(n.peer)->rekeys, ==, 1);
	g_assert_cmpuint(peer_stats(n.peer)->deleted_isakmp, ==, 1);
	g_assert_null(find_ev(&n, IKE_EV_CHILD_SA_DELETED, 0));
	g_assert_null(find_ev(&n, IKE_EV_CHILD_SA_UP, 1));
	/* DPD and Delete work under the new ISAKMP SA */
	run_until(&n, t0 + 1100000);
	g_assert_null(find_ev(&n, IKE_EV_FAILED, 0));
	g_assert_cmpuint(peer_stats(n.peer)->dpd_acks, ==, 0);
	g_assert_cmpuint(peer_stats(n.peer)->dpd_requests, >, 0);
	peer_send_delete_isakmp(n.peer);
	pump(&n);
	check_failure(&n, IKE_FAIL_PEER_DELETED);
	net_free(&n);
	secbuf_free(psk);
}

static void test_peer_deletes_child(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	const struct rec_ev *c, *d;
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	net_init(&n, &cfg, &pc);
	start(&n);
	run_until(&n, n.now + 100);
	c = find_ev(&n, IKE_EV_CHILD_SA_UP, 0);
	peer_send_delete_esp(n.peer, c->child.spi_out);
	pump(&n);
	d = find_ev(&n, IKE_EV_CHILD_SA_DELETED, 0);
	g_assert_nonnull(d);
	g_assert_cmpuint(d->del_out, ==, c->child.spi_out);
	g_assert_null(find_ev(&n, IKE_EV_FAILED, 0));
	net_free(&n);
	secbuf_free(psk);
}

static void test_pfs(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	cfg.pfs_group = 14;
	g_assert_cmpint(ike_p2_parse("aes128-md5", false, &cfg.p2, NULL, 0), ==, 0);
	net_init(&n, &cfg, &pc);
	start(&n);
	run_until(&n, n.now + 100);
	g_assert_true(peer_stats(n.peer)->pfs);
	g_assert_cmpuint(find_ev(&n, IKE_EV_CHILD_SA_UP, 0)->key_len, ==, 16 + 16);
	assert_keys_match_peer(&n, find_ev(&n, IKE_EV_CHILD_SA_UP, 0));
	net_free(&n);
	secbuf_free(psk);
}

static void test_probe(void)
{
	struct secbuf *psk = secbuf_new_str("x");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;

	/* accepted */
	default_cfg(&cfg, psk);
	default_peer(&pc);
	cfg.probe = true;
	g_assert_cmpint(ike_p1_parse("3des-md5-modp1536", false, &cfg.p1, NULL, 0), ==, 0);
	net_init(&n, &cfg, &pc);
	start(&n);
	run_until(&n, n.now + 100);
	g_assert_nonnull(find_ev(&n, IKE_EV_PROBE_RESULT, 0));
	g_assert_cmpint(find_ev(&n, IKE_EV_PROBE_RESULT, 0)->probe, ==, IKE_PROBE_ACCEPTED);
	g_assert_cmpuint(find_ev(&n, IKE_EV_PROBE_RESULT, 0)->chosen.group, ==, 5);
	g_assert_cmpuint(n.sent, ==, 1);
	g_assert_cmpuint(ike_sa_next_timeout(n.sa), ==, UINT64_MAX);
	net_free(&n);

	/* rejected, SoftEther style (random cookie) */
	g_assert_cmpint(ike_p1_parse("aes128-sha1-ecp256", false, &cfg.p1, NULL, 0), ==, 0);
	pc.reject_random_cky = true;
	net_init(&n, &cfg, &pc);
	start(&n);
	run_until(&n, n.now + 100);
	g_assert_cmpint(find_ev(&n, IKE_EV_PROBE_RESULT, 0)->probe, ==, IKE_PROBE_REJECTED);
	g_assert_null(find_ev(&n, IKE_EV_FAILED, 0));
	net_free(&n);

	/* no answer */
	net_init(&n, &cfg, &pc);
	n.peer_silent = true;
	start(&n);
	run_until(&n, n.now + 60000);
	g_assert_cmpint(find_ev(&n, IKE_EV_PROBE_RESULT, 0)->probe, ==, IKE_PROBE_NO_ANSWER);
	g_assert_null(find_ev(&n, IKE_EV_FAILED, 0));
	net_free(&n);
	secbuf_free(psk);
}

static void test_junk_ignored(void)
{
	struct secbuf *psk = secbuf_new_str("lab-psk-123");
	struct ike_config cfg;
	struct peer_cfg pc;
	struct net n;
	uint8_t junk[64];
	size_t i;

	default_cfg(&cfg, psk);
	default_peer(&pc);
	net_init(&n, &cfg, &pc);
	start(&n);
	/* random datagrams and a foreign cleartext notification leave no trace */
	for (i = 0; i < 200; i++) {
		prng(&n.rng, junk, sizeof(junk));
		if (i % 2)
			junk[17] = 0x10;
		g_assert_cmpint(ike_sa_rx(n.sa, false, junk, sizeof(junk), n.now), ==, 0);
	}
	run_until(&n, n.now + 100);
	g_assert_nonnull(find_ev(&n, IKE_EV_CHILD_SA_UP, 0));
	g_assert_null(find_ev(&n, IKE_EV_FAILED, 0));
	net_free(&n);
	secbuf_free(psk);
}

static void test_bad_args(void)
{
	struct secbuf *psk = secbuf_new_str("k");
	struct ike_config cfg;
	struct rand_source rnd = {prng, NULL};

	default_cfg(&cfg, psk);
	g_assert_null(ike_sa_new(&cfg, NULL, NULL, &rnd, NULL));
	cfg.psk = NULL;
	g_assert_null(ike_sa_new(&cfg, &cbs, NULL, &rnd, NULL));
	ike_sa_free(NULL);
	g_assert_cmpuint(ike_sa_next_timeout(NULL), ==, UINT64_MAX);
	g_assert_cmpstr(ike_fail_name(IKE_FAIL_PSK_MISMATCH), ==, "psk-mismatch");
	for (int i = IKE_FAIL_NONE; i <= IKE_FAIL_INTERNAL; i++)
		g_assert_true(g_str_has_suffix(ike_fail_message(i), "."));
	secbuf_free(psk);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ike-sa/full-softether", test_full_softether);
	g_test_add_func("/ike-sa/no-nat-transport", test_no_nat_plain_transport);
	g_test_add_func("/ike-sa/force-encaps", test_force_encaps);
	g_test_add_func("/ike-sa/draft-natt", test_draft_natt);
	g_test_add_func("/ike-sa/wrong-psk-repeat-mm4", test_wrong_psk_repeat_mm4);
	g_test_add_func("/ike-sa/wrong-psk-mm6", test_wrong_psk_mm6);
	g_test_add_data_func("/ike-sa/no-proposal", GINT_TO_POINTER(0), test_no_proposal);
	g_test_add_data_func("/ike-sa/no-proposal-random-cookie", GINT_TO_POINTER(1),
			     test_no_proposal);
	g_test_add_func("/ike-sa/group-choice", test_group_choice);
	g_test_add_func("/ike-sa/remote-id-mismatch", test_remote_id_mismatch);
	g_test_add_func("/ike-sa/qm-rejected", test_qm_rejected);
	g_test_add_func("/ike-sa/no-response", test_no_response);
	g_test_add_func("/ike-sa/natt-blocked", test_natt_blocked);
	g_test_add_func("/ike-sa/retransmit-duplicates", test_retransmit_and_duplicates);
	g_test_add_func("/ike-sa/lost-replies", test_lost_replies);
	g_test_add_func("/ike-sa/dpd", test_dpd);
	g_test_add_func("/ike-sa/ping", test_ping);
	g_test_add_func("/ike-sa/child-rekey", test_child_rekey);
	g_test_add_func("/ike-sa/p1-rekey", test_p1_rekey);
	g_test_add_func("/ike-sa/peer-deletes-child", test_peer_deletes_child);
	g_test_add_func("/ike-sa/pfs", test_pfs);
	g_test_add_func("/ike-sa/probe", test_probe);
	g_test_add_func("/ike-sa/junk", test_junk_ignored);
	g_test_add_func("/ike-sa/bad-args", test_bad_args);
	return g_test_run();
}
