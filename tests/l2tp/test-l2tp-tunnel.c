/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The LAC against the in-memory LNS over a simulated network with virtual
 * time, loss, duplication and reordering.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "lns-peer.h"

enum { TO_LNS, TO_LAC };

struct pkt {
	uint64_t at;
	int dir;
	size_t len;
	uint8_t data[1100];
};

struct sim {
	uint64_t now;
	uint64_t rng;
	struct pkt q[512];
	unsigned int n;
	/* faults, per direction */
	unsigned int loss_pct[2], dup_pct[2], jitter_ms[2];
	unsigned int drop_first[2]; /* drop the next N packets */
	bool blackhole[2];
	unsigned long sent[2];
	uint64_t lac_sent_at[64];
	/* the two parties */
	struct l2tp_tunnel *lac;
	struct lns_peer lns;
	/* what the LAC reported */
	unsigned int n_ev;
	enum l2tp_event_type ev[64];
	bool up, session_up, closed, failed;
	char failed_text[512];
	struct l2tp_event tunnel_down, session_down;
	char down_msg[256];
	unsigned int frames;
	uint8_t frame[2048];
	size_t frame_len;
	const char *corpus_prefix;
	unsigned int corpus_n;
};

static uint32_t rnd32(struct sim *s)
{
	/* xorshift64: deterministic faults */
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return (uint32_t)(s->rng >> 11);
}

static void det_rand(void *ctx, void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(0x5a + i);
}

static const struct rand_source rnd = {det_rand, NULL};

/* Seeds for fuzz-l2tp: what the LNS sends, when L2TP_CORPUS_DIR is set. */
static void save_corpus(struct sim *s, const uint8_t *pkt, size_t len)
{
	const char *dir = g_getenv("L2TP_CORPUS_DIR");
	char *path;

	if (!dir || !s->corpus_prefix || s->corpus_n >= 10)
		return;
	path = g_strdup_printf("%s/%s-%u", dir, s->corpus_prefix, s->corpus_n++);
	g_assert_true(g_file_set_contents(path, (const char *)pkt, (gssize)len, NULL));
	g_free(path);
}

static void enqueue(struct sim *s, int dir, const uint8_t *pkt, size_t len)
{
	unsigned int copies = 1;

	s->sent[dir]++;
	if (dir == TO_LAC)
		save_corpus(s, pkt, len);
	if (s->blackhole[dir])
		return;
	if (s->drop_first[dir]) {
		s->drop_first[dir]--;
		return;
	}
	if (s->loss_pct[dir] && rnd32(s) % 100 < s->loss_pct[dir])
		return;
	if (s->dup_pct[dir] && rnd32(s) % 100 < s->dup_pct[dir])
		copies = 2;
	for (unsigned int i = 0; i < copies; i++) {
		struct pkt *p;

		g_assert_cmpuint(s->n, <, G_N_ELEMENTS(s->q));
		g_assert_cmpuint(len, <=, sizeof(p->data));
		p = &s->q[s->n++];
		p->at = s->now + 5 + (s->jitter_ms[dir] ? rnd32(s) % s->jitter_ms[dir] : 0);
		p->dir = dir;
		p->len = len;
		memcpy(p->data, pkt, len);
	}
}

static void lac_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct sim *s = ctx;

	if (s->sent[TO_LNS] < G_N_ELEMENTS(s->lac_sent_at))
		s->lac_sent_at[s->sent[TO_LNS]] = s->now;
	enqueue(s, TO_LNS, pkt, len);
}

static void lns_send(void *ctx, const uint8_t *pkt, size_t len)
{
	enqueue(ctx, TO_LAC, pkt, len);
}

static void lac_event(void *ctx, const struct l2tp_event *ev)
{
	struct sim *s = ctx;

	g_assert_false(s->closed); /* CLOSED is the last event */
	g_assert_nonnull(ev->message);
	g_assert_nonnull(ev->text);
	if (s->n_ev < G_N_ELEMENTS(s->ev))
		s->ev[s->n_ev++] = ev->type;
	switch (ev->type) {
	case L2TP_EV_TUNNEL_UP:
		s->up = true;
		g_assert_cmpuint(ev->ids.peer_tunnel_id, ==, s->lns.o.tunnel_id);
		break;
	case L2TP_EV_SESSION_UP:
		s->session_up = true;
		g_assert_cmpuint(ev->ids.peer_session_id, ==, s->lns.o.session_id);
		break;
	case L2TP_EV_PPP_FRAME:
		s->frames++;
		memcpy(s->frame, ev->data, ev->len);
		s->frame_len = ev->len;
		break;
	case L2TP_EV_SESSION_DOWN:
		s->session_down = *ev;
		break;
	case L2TP_EV_TUNNEL_DOWN:
		s->tunnel_down = *ev;
		g_strlcpy(s->down_msg, ev->message, sizeof(s->down_msg));
		break;
	case L2TP_EV_FAILED:
		s->failed = true;
		g_strlcpy(s->failed_text, ev->text, sizeof(s->failed_text));
		break;
	case L2TP_EV_CLOSED:
		s->closed = true;
		break;
	}
}

static const struct l2tp_callbacks lac_cb = {lac_send, lac_event};

static void sim_init(struct sim *s, const struct l2tp_config *cfg, const struct lns_opts *o)
{
	struct l2tp_config c = *cfg;

	memset(s, 0, sizeof(*s));
	s->rng = 0x9e3779b97f4a7c15ull;
	s->now = 1000;
	if (!c.tunnel_id)
		c.tunnel_id = 0x1234;
	if (!c.session_id)
		c.session_id = 0x5678;
	lns_init(&s->lns, o, lns_send, s);
	s->lac = l2tp_tunnel_new(&c, &lac_cb, s, &rnd, NULL);
	g_assert_nonnull(s->lac);
}

static void sim_free(struct sim *s)
{
	l2tp_tunnel_free(s->lac);
	lns_clear(&s->lns);
}

/* Runs the network until stop() holds or the deadline passes; true if stop() held. */
static bool sim_run(struct sim *s, uint64_t until, bool (*stop)(struct sim *))
{
	for (;;) {
		uint64_t next = UINT64_MAX;
		int best = -1;

		if (stop && stop(s))
			return true;
		for (unsigned int i = 0; i < s->n; i++) {
			if (best < 0 || s->q[i].at < s->q[best].at)
				best = (int)i;
		}
		if (best >= 0)
			next = s->q[best].at;
		if (!s->closed && l2tp_tunnel_next_timeout(s->lac) < next)
			next = l2tp_tunnel_next_timeout(s->lac);
		if (lns_next_timeout(&s->lns) < next)
			next = lns_next_timeout(&s->lns);
		if (next == UINT64_MAX || next > until)
			return false;
		if (next > s->now)
			s->now = next;
		if (best >= 0 && s->q[best].at <= s->now) {
			struct pkt p = s->q[best];

			/* keep the rest in order: packets sent together arrive in order */
			memmove(&s->q[best], &s->q[best + 1], (s->n - (unsigned)best - 1) * sizeof(s->q[0]));
			s->n--;
			if (p.dir == TO_LNS)
				lns_rx(&s->lns, p.data, p.len, s->now);
			else if (!s->closed)
				l2tp_tunnel_rx(s->lac, p.data, p.len, s->now);
			continue;
		}
		if (!s->closed && l2tp_tunnel_next_timeout(s->lac) <= s->now)
			l2tp_tunnel_tick(s->lac, s->now);
		if (lns_next_timeout(&s->lns) <= s->now)
			lns_tick(&s->lns, s->now);
	}
}

static bool is_session_up(struct sim *s)
{
	return s->session_up && lns_count(&s->lns, L2TP_MSG_ICCN) == 1;
}

static bool is_closed(struct sim *s)
{
	return s->closed;
}

static bool quiet(struct sim *s)
{
	return s->n == 0;
}

static void bring_up(struct sim *s)
{
	g_assert_cmpint(l2tp_tunnel_start(s->lac, s->now), ==, 0);
	g_assert_true(sim_run(s, s->now + 60000, is_session_up));
	g_assert_true(l2tp_session_is_up(s->lac));
	g_assert_cmpuint(lns_count(&s->lns, L2TP_MSG_ICCN), ==, 1);
	g_assert_true(sim_run(s, s->now + 60000, quiet));
}

static void send_ppp(struct sim *s, const uint8_t *frame, size_t len)
{
	uint8_t buf[1100];
	int hl = l2tp_data_header_len(s->lac);

	g_assert_cmpint(hl, >, 0);
	memcpy(buf + hl, frame, len);
	g_assert_cmpint(l2tp_write_data_header(s->lac, buf, len), ==, hl);
	lac_send(s, buf, (size_t)hl + len);
}

/* ---- tests ---- */

static void test_up_and_data(void)
{
	static const uint8_t lcp[] = {0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04};
	struct l2tp_config cfg = {0};
	struct lns_opts o = {.rws = 8};
	struct l2tp_ids ids;
	struct sim s;
	size_t out_len;
	uint8_t out[64];

	sim_init(&s, &cfg, &o);
	s.corpus_prefix = "up";
	g_assert_cmpint(l2tp_data_header_len(s.lac), ==, -ENOTCONN);
	bring_up(&s);
	g_assert_cmpuint(s.ev[0], ==, L2TP_EV_TUNNEL_UP);
	g_assert_cmpuint(s.ev[1], ==, L2TP_EV_SESSION_UP);
	g_assert_cmpuint(s.lns.msgs[0], ==, L2TP_MSG_SCCRQ);
	g_assert_cmpuint(s.lns.msgs[1], ==, L2TP_MSG_SCCCN);
	g_assert_cmpuint(s.lns.msgs[2], ==, L2TP_MSG_ICRQ);
	g_assert_cmpuint(s.lns.msgs[3], ==, L2TP_MSG_ICCN);
	l2tp_tunnel_get_ids(s.lac, &ids);
	g_assert_cmpuint(ids.tunnel_id, ==, 0x1234);
	g_assert_cmpuint(ids.session_id, ==, 0x5678);
	g_assert_cmpuint(ids.peer_tunnel_id, ==, 1);
	g_assert_cmpuint(ids.peer_session_id, ==, 1);
	g_assert_cmpuint(ids.ns, ==, 4);
	g_assert_cmpuint(ids.nr, ==, 2);
	g_assert_cmpuint(s.lac_sent_at[0], ==, 1000);
	g_assert_cmpuint(s.lns.rel.peer_rws, ==, 4);

	/* LAC -> LNS: 6-byte header, no L, no S */
	g_assert_cmpint(l2tp_data_header_len(s.lac), ==, 6);
	send_ppp(&s, lcp, sizeof(lcp));
	g_assert_true(sim_run(&s, s.now + 100, quiet));
	g_assert_cmpuint(s.lns.n_frames, ==, 1);
	g_assert_cmpmem(s.lns.last_frame, s.lns.last_frame_len, lcp, sizeof(lcp));
	g_assert_cmpint(l2tp_session_send_ppp(s.lac, lcp, sizeof(lcp), out, sizeof(out), &out_len),
			==, 0);
	g_assert_cmpuint(out_len, ==, 6 + sizeof(lcp));
	g_assert_cmphex(get_u16(out), ==, 0x0002);
	g_assert_cmpuint(get_u16(out + 2), ==, 1);
	g_assert_cmpint(l2tp_session_send_ppp(s.lac, lcp, sizeof(lcp), out, 10, &out_len), ==,
			-ENOBUFS);

	/* LNS -> LAC with L and O; then with S, which the LAC then mirrors */
	s.lns.o.data_offset = true;
	lns_send_data(&s.lns, lcp, sizeof(lcp));
	g_assert_true(sim_run(&s, s.now + 100, quiet));
	g_assert_cmpuint(s.frames, ==, 1);
	g_assert_cmpmem(s.frame, s.frame_len, lcp, sizeof(lcp));
	s.lns.o.data_seq = true;
	lns_send_data(&s.lns, lcp + 2, 4);
	g_assert_true(sim_run(&s, s.now + 100, quiet));
	g_assert_cmpuint(s.frames, ==, 2);
	g_assert_cmpmem(s.frame, s.frame_len, lcp + 2, 4);
	g_assert_cmpint(l2tp_data_header_len(s.lac), ==, 10);
	send_ppp(&s, lcp, sizeof(lcp));
	send_ppp(&s, lcp, sizeof(lcp));
	g_assert_true(sim_run(&s, s.now + 100, quiet));
	g_assert_cmpuint(s.lns.n_frames, ==, 3);
	g_assert_cmpmem(s.lns.last_frame, s.lns.last_frame_len, lcp, sizeof(lcp));

	/* data for another session or tunnel is not ours */
	{
		uint8_t d[] = {0x00, 0x02, 0x12, 0x34, 0x56, 0x79, 0xff};

		g_assert_cmpint(l2tp_tunnel_rx(s.lac, d, sizeof(d), s.now), ==, -ENOENT);
		d[5] = 0x78;
		g_assert_cmpint(l2tp_tunnel_rx(s.lac, d, sizeof(d), s.now), ==, 0);
		d[3] = 0x35;
		g_assert_cmpint(l2tp_tunnel_rx(s.lac, d, sizeof(d), s.now), ==, -ENOENT);
	}
	sim_free(&s);
}

static void test_hello(void)
{
	struct l2tp_config cfg = {.hello_interval_ms = 5000};
	struct lns_opts o = {0};
	uint64_t t0;
	struct sim s;

	sim_init(&s, &cfg, &o);
	s.corpus_prefix = "hello";
	bring_up(&s);
	t0 = s.now;
	g_assert_cmpuint(l2tp_tunnel_next_timeout(s.lac), <=, t0 + 5000);
	g_assert_true(sim_run(&s, t0 + 4900, NULL) == false);
	g_assert_cmpuint(s.lns.hellos, ==, 0);
	sim_run(&s, t0 + 5100, NULL);
	g_assert_cmpuint(s.lns.hellos, ==, 1);
	sim_run(&s, t0 + 31000, NULL);
	g_assert_cmpuint(s.lns.hellos, ==, 6);
	/* the LNS's own HELLO is acked and counts as traffic */
	lns_send_hello(&s.lns, s.now);
	g_assert_true(sim_run(&s, s.now + 100, quiet));
	g_assert_true(l2tp_rel_idle(&s.lns.rel));
	g_assert_false(s.failed);
	sim_free(&s);
}

static void test_retransmit_then_up(void)
{
	struct l2tp_config cfg = {0};
	struct lns_opts o = {0};
	struct sim s;

	sim_init(&s, &cfg, &o);
	s.drop_first[TO_LNS] = 2; /* SCCRQ and its first retransmission */
	s.drop_first[TO_LAC] = 1; /* and then the SCCRP */
	bring_up(&s);
	g_assert_cmpuint(s.lac_sent_at[0], ==, 1000);
	g_assert_cmpuint(s.lac_sent_at[1], ==, 2000);
	g_assert_cmpuint(s.lac_sent_at[2], ==, 4000);
	g_assert_cmpuint(lns_count(&s.lns, L2TP_MSG_SCCRQ), ==, 1);
	g_assert_false(s.failed);
	sim_free(&s);
}

static void test_give_up(void)
{
	struct l2tp_config cfg = {0};
	struct lns_opts o = {0};
	struct sim s;

	sim_init(&s, &cfg, &o);
	bring_up(&s);
	s.blackhole[TO_LNS] = true;
	lns_send_hello(&s.lns, s.now); /* starts nothing on our side: its ack is lost */
	s.blackhole[TO_LAC] = true;
	g_assert_true(sim_run(&s, s.now + 100000, is_closed));
	g_assert_true(s.failed);
	g_assert_nonnull(strstr(s.failed_text, "no answer from the server after 5"));
	/* HELLO at 60 s of silence, then 1+2+4+8+8 s */
	g_assert_cmpuint(s.now - s.lac_sent_at[5], ==, 31000);
	g_assert_cmpuint(s.ev[s.n_ev - 1], ==, L2TP_EV_CLOSED);
	g_assert_cmpuint(s.ev[s.n_ev - 2], ==, L2TP_EV_FAILED);
	g_assert_false(s.tunnel_down.by_peer);
	g_assert_cmpint(l2tp_tunnel_rx(s.lac, (const uint8_t *)"\x00\x02", 2, s.now), ==,
			-ESHUTDOWN);
	sim_free(&s);
}

static void test_no_answer_to_sccrq(void)
{
	struct l2tp_config cfg = {.rtx_max_retries = 2};
	struct lns_opts o = {0};
	struct sim s;

	sim_init(&s, &cfg, &o);
	s.blackhole[TO_LNS] = true;
	l2tp_tunnel_start(s.lac, s.now);
	g_assert_true(sim_run(&s, s.now + 100000, is_closed));
	g_assert_nonnull(strstr(s.failed_text, "of SCCRQ"));
	g_assert_cmpuint(s.sent[TO_LNS], ==, 3);
	sim_free(&s);
}

static void test_server_stopccn(void)
{
	struct l2tp_config cfg = {0};
	struct lns_opts o = {0};
	struct sim s;

	sim_init(&s, &cfg, &o);
	s.corpus_prefix = "stopccn";
	bring_up(&s);
	lns_send_stopccn(&s.lns, 2, 6, "hub \"LAB\" is offline", s.now);
	g_assert_true(sim_run(&s, s.now + 10000, is_closed));
	g_assert_true(s.failed);
	g_assert_nonnull(strstr(s.failed_text, "StopCCN result 2: general error"));
	g_assert_nonnull(strstr(s.failed_text, "hub \"LAB\" is offline"));
	g_assert_true(s.tunnel_down.by_peer);
	g_assert_cmpuint(s.tunnel_down.result_code, ==, 2);
	g_assert_cmpuint(s.tunnel_down.error_code, ==, 6);
	g_assert_cmpstr(s.down_msg, ==, "hub \"LAB\" is offline");
	g_assert_true(s.session_down.by_peer);
	/* the StopCCN was acked */
	g_assert_true(sim_run(&s, s.now + 1000, quiet));
	g_assert_true(l2tp_rel_idle(&s.lns.rel));
	sim_free(&s);
}

static void test_server_cdn(void)
{
	struct l2tp_config cfg = {0};
	struct lns_opts o = {0};
	struct sim s;

	sim_init(&s, &cfg, &o);
	s.corpus_prefix = "cdn";
	bring_up(&s);
	lns_send_cdn(&s.lns, 3, 0, "admin", s.now);
	g_assert_true(sim_run(&s, s.now + 10000, is_closed));
	g_assert_true(s.session_down.by_peer);
	g_assert_cmpuint(s.session_down.result_code, ==, 3);
	g_assert_nonnull(strstr(s.failed_text, "CDN result 3"));
	/* the LAC stops the tunnel too, and the LNS acked it */
	g_assert_cmpuint(lns_count(&s.lns, L2TP_MSG_STOPCCN), ==, 1);
	g_assert_cmpuint(s.lns.last_result, ==, 1);
	g_assert_cmpuint(s.now, <, 1000000);
	g_assert_true(l2tp_rel_idle(&s.lns.rel));
	sim_free(&s);
}

static void test_close(void)
{
	struct l2tp_config cfg = {0};
	struct lns_opts o = {0};
	uint64_t t0;
	struct sim s;

	sim_init(&s, &cfg, &o);
	bring_up(&s);
	s.drop_first[TO_LNS] = 1; /* lose the CDN once */
	t0 = s.now;
	g_assert_cmpint(l2tp_tunnel_close(s.lac, L2TP_STOPCCN_GENERAL_REQUEST, s.now), ==, 0);
	g_assert_cmpint(l2tp_tunnel_close(s.lac, 1, s.now), ==, -EALREADY);
	g_assert_false(l2tp_session_is_up(s.lac));
	g_assert_true(sim_run(&s, s.now + 10000, is_closed));
	g_assert_cmpuint(s.now - t0, <, 2000);
	g_assert_cmpuint(s.lns.msgs[4], ==, L2TP_MSG_CDN);
	g_assert_cmpuint(s.lns.msgs[5], ==, L2TP_MSG_STOPCCN);
	g_assert_cmpuint(s.lns.last_result, ==, 1);
	g_assert_false(s.failed);
	g_assert_false(s.tunnel_down.by_peer);
	g_assert_cmpuint(s.session_down.result_code, ==, 3);
	sim_free(&s);
}

/* SoftEther answers our CDN and StopCCN with its own and retransmits its StopCCN until acked. */
static void test_close_peer_mirrors(void)
{
	struct l2tp_config cfg = {0};
	struct lns_opts o = {.mirror_close = true};
	uint64_t t0;
	struct sim s;

	sim_init(&s, &cfg, &o);
	bring_up(&s);
	t0 = s.now;
	g_assert_cmpint(l2tp_tunnel_close(s.lac, L2TP_STOPCCN_GENERAL_REQUEST, s.now), ==, 0);
	g_assert_true(sim_run(&s, s.now + 10000, is_closed));
	g_assert_cmpuint(s.now - t0, <, 1000);
	g_assert_cmpuint(lns_count(&s.lns, L2TP_MSG_STOPCCN), ==, 1);
	/* deliver what is in flight (our ZLB); the LNS then has nothing left to retransmit */
	g_assert_false(sim_run(&s, s.now + 10000, NULL));
	g_assert_true(l2tp_rel_idle(&s.lns.rel));
	g_assert_false(s.failed);
	sim_free(&s);
}

static void test_close_times_out(void)
{
	struct l2tp_config cfg = {0};
	struct lns_opts o = {0};
	uint64_t t0;
	struct sim s;

	sim_init(&s, &cfg, &o);
	bring_up(&s);
	s.blackhole[TO_LNS] = true;
	t0 = s.now;
	l2tp_tunnel_close(s.lac, 1, s.now);
	g_assert_true(sim_run(&s, s.now + 100000, is_closed));
	g_assert_cmpuint(s.now - t0, ==, 3000);
	g_assert_cmpuint(s.sent[TO_LNS] - 4, >=, 4); /* CDN + StopCCN, retransmitted */
	sim_free(&s);
}

static void test_close_before_sccrp(void)
{
	struct l2tp_config cfg = {0};
	struct lns_opts o = {0};
	struct sim s;

	sim_init(&s, &cfg, &o);
	l2tp_tunnel_start(s.lac, s.now);
	g_assert_cmpint(l2tp_tunnel_close(s.lac, 6, s.now + 1), ==, 0);
	g_assert_true(sim_run(&s, s.now + 10000, is_closed));
	/* the SCCRP named the LNS's tunnel, which then got its StopCCN */
	g_assert_cmpuint(lns_count(&s.lns, L2TP_MSG_STOPCCN), ==, 1);
	g_assert_cmpuint(s.lns.last_result, ==, 6);
	g_assert_false(s.up);
	sim_free(&s);
}

static void test_hidden_avps(void)
{
	struct secbuf *secret = secbuf_new_str("tunnel-secret");
	struct l2tp_config cfg = {.tunnel_secret = secret};
	struct lns_opts o = {
		.secret = secret, .hide_avps = true, .tunnel_id = 0x0bad, .session_id = 0x0f00};
	struct sim s;

	sim_init(&s, &cfg, &o);
	s.corpus_prefix = "hidden";
	bring_up(&s);
	g_assert_false(s.failed);
	sim_free(&s);

	/* without a secret the LAC cannot read them and says so */
	cfg.tunnel_secret = NULL;
	o.secret = secret;
	sim_init(&s, &cfg, &o);
	l2tp_tunnel_start(s.lac, s.now);
	g_assert_true(sim_run(&s, s.now + 60000, is_closed));
	g_assert_true(s.failed);
	g_assert_nonnull(strstr(s.failed_text, "hides AVPs"));
	sim_free(&s);
	secbuf_free(secret);
}

static void test_challenge(void)
{
	struct secbuf *secret = secbuf_new_str("tunnel-secret");
	struct secbuf *other = secbuf_new_str("other-secret");
	struct l2tp_config cfg = {.tunnel_secret = secret};
	struct lns_opts o = {.secret = secret, .send_challenge = true};
	struct sim s;

	/* both sides prove the secret */
	sim_init(&s, &cfg, &o);
	s.corpus_prefix = "chal";
	bring_up(&s);
	g_assert_false(s.lns.auth_failed);
	g_assert_false(s.failed);
	sim_free(&s);

	/* the LNS answers wrongly */
	o.wrong_response = true;
	sim_init(&s, &cfg, &o);
	l2tp_tunnel_start(s.lac, s.now);
	g_assert_true(sim_run(&s, s.now + 60000, is_closed));
	g_assert_nonnull(strstr(s.failed_text, "failed tunnel authentication (wrong"));
	g_assert_false(s.up);
	g_assert_cmpuint(lns_count(&s.lns, L2TP_MSG_STOPCCN), ==, 1);
	g_assert_cmpuint(s.lns.last_result, ==, 4);
	sim_free(&s);

	/* the LNS does not answer our Challenge at all */
	o.wrong_response = false;
	o.secret = NULL;
	o.send_challenge = false;
	sim_init(&s, &cfg, &o);
	l2tp_tunnel_start(s.lac, s.now);
	g_assert_true(sim_run(&s, s.now + 60000, is_closed));
	g_assert_nonnull(strstr(s.failed_text, "(no Challenge Response)"));
	sim_free(&s);

	/* the LNS challenges a LAC without a secret */
	cfg.tunnel_secret = NULL;
	o.secret = secret;
	o.send_challenge = true;
	sim_init(&s, &cfg, &o);
	l2tp_tunnel_start(s.lac, s.now);
	g_assert_true(sim_run(&s, s.now + 60000, is_closed));
	g_assert_nonnull(strstr(s.failed_text, "requires tunnel authentication"));
	g_assert_cmpuint(s.lns.last_result, ==, 4);
	sim_free(&s);

	/* the LAC has the wrong secret: the LNS stops the tunnel */
	cfg.tunnel_secret = other;
	o.secret = secret;
	o.send_challenge = false;
	sim_init(&s, &cfg, &o);
	l2tp_tunnel_start(s.lac, s.now);
	g_assert_true(sim_run(&s, s.now + 60000, is_closed));
	g_assert_nonnull(strstr(s.failed_text, "failed tunnel authentication"));
	sim_free(&s);
	o.send_challenge = true;
	sim_init(&s, &cfg, &o);
	s.lns.o.secret = secret;
	l2tp_tunnel_start(s.lac, s.now);
	g_assert_true(sim_run(&s, s.now + 60000, is_closed));
	g_assert_true(s.failed);
	sim_free(&s);

	secbuf_free(secret);
	secbuf_free(other);
}

static void test_unknown_avps(void)
{
	struct l2tp_config cfg = {0};
	struct lns_opts o = {.unknown_avp = true};
	struct sim s;

	/* an optional unknown AVP is ignored */
	sim_init(&s, &cfg, &o);
	bring_up(&s);
	sim_free(&s);

	/* a mandatory one clears the tunnel with error 8 */
	o.unknown_m_avp = true;
	sim_init(&s, &cfg, &o);
	s.corpus_prefix = "unknown";
	l2tp_tunnel_start(s.lac, s.now);
	g_assert_true(sim_run(&s, s.now + 60000, is_closed));
	g_assert_nonnull(strstr(s.failed_text, "unknown mandatory AVP (vendor 0, type 200)"));
	g_assert_cmpuint(lns_count(&s.lns, L2TP_MSG_STOPCCN), ==, 1);
	g_assert_cmpuint(s.lns.last_result, ==, 2);
	g_assert_cmpuint(s.lns.last_error, ==, 8);
	g_assert_false(s.up);
	sim_free(&s);
}

static bool lac_wrapped(struct sim *s)
{
	struct l2tp_ids ids;

	l2tp_tunnel_get_ids(s->lac, &ids);
	return s->lns.hellos > 65540 && ids.ns > 3 && ids.ns < 100;
}

static void test_sequence_wrap(void)
{
	static const uint8_t frame[] = {0xff, 0x03, 0x00, 0x21, 0x45};
	struct l2tp_config cfg = {.hello_interval_ms = 1};
	struct lns_opts o = {0};
	struct sim s;

	sim_init(&s, &cfg, &o);
	bring_up(&s);
	/* ~65540 HELLOs in virtual time: Ns and Nr go through 65535 -> 0 */
	g_assert_true(sim_run(&s, UINT64_MAX - 1, lac_wrapped));
	g_assert_false(s.failed);
	lns_send_hello(&s.lns, s.now);
	lns_send_data(&s.lns, frame, sizeof(frame));
	sim_run(&s, s.now + 1000, quiet);
	g_assert_cmpuint(s.frames, ==, 1);
	g_assert_true(l2tp_session_is_up(s.lac));
	l2tp_tunnel_close(s.lac, 1, s.now);
	g_assert_true(sim_run(&s, s.now + 10000, is_closed));
	/* the LNS's message log is full by now; its last Result Code is the StopCCN's */
	g_assert_cmpuint(s.lns.last_result, ==, 1);
	g_assert_true(l2tp_rel_idle(&s.lns.rel));
	g_assert_false(s.failed);
	sim_free(&s);
}

static void test_lossy_network(void)
{
	static const uint8_t frame[] = {0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08};
	unsigned int stopped = 0, runs = 60;

	for (unsigned int seed = 1; seed <= runs; seed++) {
		struct l2tp_config cfg = {.hello_interval_ms = 2000, .close_timeout_ms = 20000};
		struct lns_opts o = {.rws = (uint16_t)(seed % 3 + 1)};
		struct sim s;

		sim_init(&s, &cfg, &o);
		s.rng += seed * 0x1000193u;
		for (int d = 0; d < 2; d++) {
			s.loss_pct[d] = 20;
			s.dup_pct[d] = 15;
			s.jitter_ms[d] = 400; /* reorders */
		}
		bring_up(&s);
		/* HELLOs through the mess, then the LNS's own data */
		sim_run(&s, s.now + 20000, NULL);
		g_assert_false(s.failed);
		for (int i = 0; i < 10; i++)
			lns_send_data(&s.lns, frame, sizeof(frame));
		sim_run(&s, s.now + 1000, quiet);
		g_assert_cmpuint(s.frames, >, 0);
		g_assert_cmpint(l2tp_tunnel_close(s.lac, 1, s.now), ==, 0);
		g_assert_true(sim_run(&s, s.now + 60000, is_closed));
		g_assert_false(s.failed);
		g_assert_cmpuint(lns_count(&s.lns, L2TP_MSG_SCCRQ), ==, 1);
		g_assert_cmpuint(lns_count(&s.lns, L2TP_MSG_STOPCCN), <=, 1);
		stopped += lns_count(&s.lns, L2TP_MSG_STOPCCN);
		sim_free(&s);
	}
	/* 20 % loss each way can still eat every try of a StopCCN now and then */
	printf("# %u of %u closes reached the LNS\n", stopped, runs);
	g_assert_cmpuint(stopped, >=, runs - 3);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/l2tp/tunnel/up-and-data", test_up_and_data);
	g_test_add_func("/l2tp/tunnel/close-peer-mirrors", test_close_peer_mirrors);
	g_test_add_func("/l2tp/tunnel/hello", test_hello);
	g_test_add_func("/l2tp/tunnel/retransmit-then-up", test_retransmit_then_up);
	g_test_add_func("/l2tp/tunnel/give-up", test_give_up);
	g_test_add_func("/l2tp/tunnel/no-answer-to-sccrq", test_no_answer_to_sccrq);
	g_test_add_func("/l2tp/tunnel/server-stopccn", test_server_stopccn);
	g_test_add_func("/l2tp/tunnel/server-cdn", test_server_cdn);
	g_test_add_func("/l2tp/tunnel/close", test_close);
	g_test_add_func("/l2tp/tunnel/close-times-out", test_close_times_out);
	g_test_add_func("/l2tp/tunnel/close-before-sccrp", test_close_before_sccrp);
	g_test_add_func("/l2tp/tunnel/hidden-avps", test_hidden_avps);
	g_test_add_func("/l2tp/tunnel/challenge", test_challenge);
	g_test_add_func("/l2tp/tunnel/unknown-avps", test_unknown_avps);
	g_test_add_func("/l2tp/tunnel/sequence-wrap", test_sequence_wrap);
	g_test_add_func("/l2tp/tunnel/lossy-network", test_lossy_network);
	return g_test_run();
}
