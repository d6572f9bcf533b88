/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The L2TP codec, AVP table and reliable delivery, one piece at a time. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "l2tp-int.h"

/* ---- helpers ---- */

static void no_rand(void *ctx, void *buf, size_t len)
{
	memset(buf, 0x42, len);
}

static const struct rand_source rnd = {no_rand, NULL};

struct capture {
	unsigned int n;
	size_t len[32];
	uint8_t pkt[32][1024];
	unsigned int events;
};

static void cap_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct capture *c = ctx;

	g_assert_cmpuint(len, <=, sizeof(c->pkt[0]));
	if (c->n < G_N_ELEMENTS(c->pkt)) {
		memcpy(c->pkt[c->n], pkt, len);
		c->len[c->n++] = len;
	}
}

static void cap_event(void *ctx, const struct l2tp_event *ev)
{
	struct capture *c = ctx;

	c->events++;
}

static const struct l2tp_callbacks cap_cb = {cap_send, cap_event};

/* ---- header ---- */

static void test_hdr_control(void)
{
	/* RFC 2661 3.1 layout: T L S ver 2, Length 12, tunnel 1, session 0, Ns 3, Nr 4 */
	static const uint8_t zlb[] = {0xc8, 0x02, 0x00, 0x0c, 0x00, 0x01,
				      0x00, 0x00, 0x00, 0x03, 0x00, 0x04};
	uint8_t b[sizeof(zlb) + 2];
	struct l2tp_hdr h;

	g_assert_cmpint(l2tp_hdr_parse(zlb, sizeof(zlb), &h), ==, 0);
	g_assert_cmphex(h.flags, ==, 0xc802);
	g_assert_cmpuint(h.tunnel_id, ==, 1);
	g_assert_cmpuint(h.ns, ==, 3);
	g_assert_cmpuint(h.nr, ==, 4);
	g_assert_cmpuint(h.payload_len, ==, 0);
	/* bytes beyond Length are padding */
	memcpy(b, zlb, sizeof(zlb));
	b[12] = b[13] = 0xee;
	g_assert_cmpint(l2tp_hdr_parse(b, sizeof(b), &h), ==, 0);
	g_assert_cmpuint(h.payload_len, ==, 0);
	/* Length longer than the datagram */
	b[3] = 0x0f;
	g_assert_cmpint(l2tp_hdr_parse(b, 12, &h), ==, -EBADMSG);
	/* control without S, with O, wrong version */
	memcpy(b, zlb, sizeof(zlb));
	b[0] = 0xc0;
	g_assert_cmpint(l2tp_hdr_parse(b, sizeof(zlb), &h), ==, -EBADMSG);
	b[0] = 0xca;
	g_assert_cmpint(l2tp_hdr_parse(b, sizeof(zlb), &h), ==, -EBADMSG);
	b[0] = 0xc8;
	b[1] = 0x03;
	g_assert_cmpint(l2tp_hdr_parse(b, sizeof(zlb), &h), ==, -EBADMSG);
	for (size_t n = 0; n < sizeof(zlb); n++)
		g_assert_cmpint(l2tp_hdr_parse(zlb, n, &h), ==, -EBADMSG);
}

static void test_hdr_data(void)
{
	/* SoftEther: 0x0002, no length, no sequence */
	static const uint8_t plain[] = {0x00, 0x02, 0x00, 0x07, 0x00, 0x09, 0xff, 0x03, 0xc0, 0x21};
	/* L, S, O with 2 bytes of pad */
	static const uint8_t full[] = {0x4a, 0x02, 0x00, 0x12, 0x00, 0x07, 0x00, 0x09, 0x00,
				       0x05, 0x00, 0x00, 0x00, 0x02, 0xaa, 0xbb, 0xff, 0x03};
	struct l2tp_hdr h;

	g_assert_cmpint(l2tp_hdr_parse(plain, sizeof(plain), &h), ==, 0);
	g_assert_cmpuint(h.tunnel_id, ==, 7);
	g_assert_cmpuint(h.session_id, ==, 9);
	g_assert_cmpuint(h.payload_len, ==, 4);
	g_assert_cmphex(h.payload[0], ==, 0xff);
	g_assert_cmpint(l2tp_hdr_parse(full, sizeof(full), &h), ==, 0);
	g_assert_cmpuint(h.ns, ==, 5);
	g_assert_cmpuint(h.payload_len, ==, 2);
	g_assert_cmphex(h.payload[1], ==, 0x03);
	/* offset pad past the end */
	g_assert_cmpint(l2tp_hdr_parse(full, 15, &h), ==, -EBADMSG);
}

/* ---- messages ---- */

/* SCCRQ as RFC 2661 6.1 lays it out, with our AVPs, byte by byte. */
static const uint8_t sccrq_bytes[] = {
	0xc8, 0x02, 0x00, 0x4f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* M, len 8, vendor 0, Message Type (0) = SCCRQ (1) */
	0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	/* Protocol Version (2) = 1.0 */
	0x80, 0x08, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00,
	/* Host Name (7) = "lac" */
	0x80, 0x09, 0x00, 0x00, 0x00, 0x07, 'l', 'a', 'c',
	/* Framing Capabilities (3) = sync | async */
	0x80, 0x0a, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03,
	/* Assigned Tunnel ID (9) = 0x1234 */
	0x80, 0x08, 0x00, 0x00, 0x00, 0x09, 0x12, 0x34,
	/* Receive Window Size (10) = 4 */
	0x80, 0x08, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x04,
	/* Vendor Name (8), M clear */
	0x00, 0x10, 0x00, 0x00, 0x00, 0x08, 'l', '2', 't', 'p', '-', 'i', 'p', 's', 'e', 'c'};

static void test_sccrq_bytes(void)
{
	struct l2tp_config cfg = {.host_name = "lac", .tunnel_id = 0x1234};
	struct capture c = {0};
	struct l2tp_tunnel *t = l2tp_tunnel_new(&cfg, &cap_cb, &c, &rnd, NULL);
	struct l2tp_msg m;
	struct l2tp_hdr h;

	g_assert_cmpint(l2tp_tunnel_start(t, 0), ==, 0);
	g_assert_cmpint(l2tp_tunnel_start(t, 0), ==, -EALREADY);
	g_assert_cmpuint(c.n, ==, 1);
	g_assert_cmpmem(c.pkt[0], c.len[0], sccrq_bytes, sizeof(sccrq_bytes));
	/* and it parses back */
	g_assert_cmpint(l2tp_hdr_parse(c.pkt[0], c.len[0], &h), ==, 0);
	g_assert_cmpint(l2tp_msg_parse(h.payload, h.payload_len, NULL, &m), ==, 0);
	g_assert_cmpuint(m.type, ==, L2TP_MSG_SCCRQ);
	g_assert_cmpuint(m.assigned_tunnel_id, ==, 0x1234);
	g_assert_cmpuint(m.rws, ==, 4);
	g_assert_cmpuint(m.protocol_version, ==, 0x0100);
	g_assert_cmpmem(m.host_name.p, m.host_name.len, "lac", 3);
	l2tp_tunnel_free(t);
	l2tp_tunnel_free(NULL);
}

static int parse(const uint8_t *avps, size_t len, struct l2tp_msg *m)
{
	return l2tp_msg_parse(avps, len, NULL, m);
}

static void test_msg_rules(void)
{
	/* HELLO = Message Type 6 */
	uint8_t hello[] = {0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06};
	/* Assigned Tunnel ID before Message Type */
	static const uint8_t order[] = {0x80, 0x08, 0x00, 0x00, 0x00, 0x09, 0x00, 0x01,
					0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06};
	/* StopCCN without Result Code */
	static const uint8_t missing[] = {0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
					  0x80, 0x08, 0x00, 0x00, 0x00, 0x09, 0x00, 0x01};
	/* HELLO + Assigned Tunnel ID of 3 bytes */
	static const uint8_t badlen[] = {0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x80,
					 0x09, 0x00, 0x00, 0x00, 0x09, 0x00, 0x01, 0x02};
	/* HELLO + unknown vendor AVP, M clear, then M set */
	uint8_t unknown[] = {0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06,
			     0x00, 0x07, 0x00, 0x09, 0x00, 0x01, 0x55};
	/* Message Type 99, M set */
	uint8_t badtype[] = {0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 99};
	struct l2tp_msg m;

	g_assert_cmpint(parse(hello, sizeof(hello), &m), ==, 0);
	g_assert_cmpuint(m.type, ==, L2TP_MSG_HELLO);
	g_assert_false(m.unknown_mandatory);
	g_assert_cmpint(parse(hello, 0, &m), ==, 0);
	g_assert_cmpuint(m.type, ==, L2TP_MSG_ZLB);
	g_assert_cmpint(parse(order, sizeof(order), &m), ==, -EBADMSG);
	g_assert_cmpint(parse(missing, sizeof(missing), &m), ==, -EBADMSG);
	g_assert_cmpint(parse(badlen, sizeof(badlen), &m), ==, -EBADMSG);
	g_assert_cmpint(parse(unknown, sizeof(unknown), &m), ==, 0);
	g_assert_false(m.unknown_mandatory);
	unknown[8] = 0x80;
	g_assert_cmpint(parse(unknown, sizeof(unknown), &m), ==, 0);
	g_assert_true(m.unknown_mandatory);
	g_assert_cmpuint(m.unknown_vendor, ==, 9);
	g_assert_cmpuint(m.unknown_type, ==, 1);
	g_assert_cmpint(parse(badtype, sizeof(badtype), &m), ==, 0);
	g_assert_true(m.unknown_mandatory);
	badtype[0] = 0x00;
	g_assert_cmpint(parse(badtype, sizeof(badtype), &m), ==, 0);
	g_assert_false(m.unknown_mandatory);
	/* reserved bits, AVP length < 6, AVP past the end */
	hello[0] = 0x84;
	g_assert_cmpint(parse(hello, sizeof(hello), &m), ==, -EBADMSG);
	hello[0] = 0x80;
	hello[1] = 0x05;
	g_assert_cmpint(parse(hello, sizeof(hello), &m), ==, -EBADMSG);
	hello[1] = 0x09;
	g_assert_cmpint(parse(hello, sizeof(hello), &m), ==, -EBADMSG);
}

static void test_result_code(void)
{
	uint8_t buf[256];
	struct l2tp_msg m;
	struct wr w;
	int len;

	wr_init(&w, buf, sizeof(buf));
	l2tp_build_begin(&w, 1, 0, L2TP_MSG_STOPCCN);
	l2tp_put_u16(&w, L2TP_AVP_ASSIGNED_TUNNEL_ID, 7);
	l2tp_put_result(&w, 2, 6, "bye");
	len = l2tp_build_end(&w);
	g_assert_cmpint(len, ==, 12 + 8 + 8 + 6 + 7);
	g_assert_cmpint(parse(buf + 12, (size_t)len - 12, &m), ==, 0);
	g_assert_cmpuint(m.result_code, ==, 2);
	g_assert_cmpuint(m.error_code, ==, 6);
	g_assert_cmpmem(m.error_message.p, m.error_message.len, "bye", 3);
	g_assert_cmpstr(l2tp_stopccn_result_str(2), ==, "general error");
	g_assert_cmpstr(l2tp_error_str(8), ==, "unknown AVP with the M bit set");
	g_assert_cmpstr(l2tp_cdn_result_str(500), ==, "unknown");
	/* a 3-byte Result Code is malformed (length 8 or >= 10) */
	buf[12 + 8 + 8 + 1] = 6 + 3;
	g_assert_cmpint(parse(buf + 12, 8 + 8 + 6 + 3, &m), ==, -EBADMSG);
}

static void test_table(void)
{
	g_assert_cmpstr(l2tp_avp_lookup(0, L2TP_AVP_CHALLENGE_RESPONSE)->name, ==,
			"Challenge Response");
	g_assert_cmpuint(l2tp_avp_lookup(0, L2TP_AVP_CHALLENGE_RESPONSE)->min_len, ==, 16);
	g_assert_null(l2tp_avp_lookup(0, 20));
	g_assert_null(l2tp_avp_lookup(0, 40));
	g_assert_null(l2tp_avp_lookup(311, 1));
	g_assert_false(l2tp_avp_lookup(0, L2TP_AVP_VENDOR_NAME)->send_mandatory);
	g_assert_true(l2tp_msg_is_session(L2TP_MSG_CDN));
	g_assert_false(l2tp_msg_is_session(L2TP_MSG_STOPCCN));
	g_assert_cmpstr(l2tp_msg_name(L2TP_MSG_ICCN), ==, "ICCN");
	g_assert_cmpstr(l2tp_msg_name(5), ==, "unknown");
	g_assert_cmpuint(l2tp_msg_required(5), ==, 0);
}

/* ---- hidden AVPs and challenge (values computed with Python's hashlib) ---- */

static void test_chal_response(void)
{
	static const uint8_t expect[16] = {0x7b, 0x3a, 0xa1, 0xee, 0xa9, 0x68, 0xe7, 0xb9,
					   0x14, 0x95, 0xed, 0xe9, 0xeb, 0xd6, 0x34, 0xa1};
	struct secbuf *s = secbuf_new_str("lab-secret");
	uint8_t chal[16], out[16];

	for (int i = 0; i < 16; i++)
		chal[i] = (uint8_t)i;
	/* MD5(2 | "lab-secret" | 00..0f) */
	g_assert_cmpint(l2tp_chal_response(2, s, chal, 16, out), ==, 0);
	g_assert_cmpmem(out, 16, expect, 16);
	secbuf_free(s);
}

static void test_hidden(void)
{
	/* Random Vector 01..10, then hidden Assigned Tunnel ID 0x1234 and Host Name */
	static const uint8_t avps[] = {0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, /* HELLO */
				       0x80, 0x16, 0x00, 0x00, 0x00, 0x24, 1,	 2,    3,    4,
				       5,    6,	   7,	 8,    9,    10,   11,	 12,   13,   14,
				       15,   16,   0xc0, 0x0a, 0x00, 0x00, 0x00, 0x09, 0x91, 0x8c,
				       0x16, 0xb1, 0xc0, 0x1c, 0x00, 0x00, 0x00, 0x07, 0xd9, 0xed,
				       0x64, 0xb0, 0xfd, 0x9c, 0xa3, 0x8d, 0x17, 0x79, 0xde, 0x9d,
				       0xcd, 0x59, 0x1e, 0x4a, 0x3f, 0xfc, 0x36, 0x63, 0x76, 0x52};
	struct secbuf *s = secbuf_new_str("lab-secret");
	struct secbuf *wrong = secbuf_new_str("lab-secreT");
	static const uint8_t rv[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	static struct l2tp_msg m;
	uint8_t buf[256];
	struct wr w;

	g_assert_cmpint(l2tp_msg_parse(avps, sizeof(avps), s, &m), ==, 0);
	g_assert_cmphex(m.assigned_tunnel_id, ==, 0x1234);
	g_assert_cmpmem(m.host_name.p, m.host_name.len, "abcdefghijklmnopqrst", 20);
	g_assert_cmpint(l2tp_msg_parse(avps, sizeof(avps), NULL, &m), ==, -ENOKEY);
	/* a wrong secret decodes garbage: the original length no longer fits */
	g_assert_cmpint(l2tp_msg_parse(avps, sizeof(avps), wrong, &m), ==, -EBADMSG);
	/* hidden AVP before any Random Vector */
	g_assert_cmpint(l2tp_msg_parse(avps, 8, s, &m), ==, 0);
	memcpy(buf, avps, 8);
	memcpy(buf + 8, avps + 30, 10);
	g_assert_cmpint(l2tp_msg_parse(buf, 18, s, &m), ==, -ENOKEY);

	/* the encoder produces the same bytes */
	wr_init(&w, buf, sizeof(buf));
	l2tp_build_begin(&w, 1, 0, L2TP_MSG_HELLO);
	l2tp_put_bytes(&w, L2TP_AVP_RANDOM_VECTOR, rv, sizeof(rv));
	l2tp_put_hidden(&w, L2TP_AVP_ASSIGNED_TUNNEL_ID, "\x12\x34", 2, s, rv, sizeof(rv));
	l2tp_put_hidden(&w, L2TP_AVP_HOST_NAME, "abcdefghijklmnopqrst", 20, s, rv, sizeof(rv));
	g_assert_cmpint(l2tp_build_end(&w), ==, 12 + (int)sizeof(avps));
	g_assert_cmpmem(buf + 12, sizeof(avps), avps, sizeof(avps));
	secbuf_free(s);
	secbuf_free(wrong);
}

/* ---- reliable delivery ---- */

struct sent {
	unsigned int n;
	uint16_t ns[64], nr[64];
};

static void rel_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct sent *s = ctx;

	g_assert_cmpuint(len, >=, 12);
	s->ns[s->n % 64] = get_u16(pkt + 8);
	s->nr[s->n % 64] = get_u16(pkt + 10);
	s->n++;
}

static void queue_hello(struct l2tp_rel *r, uint64_t now)
{
	uint8_t *pkt = g_malloc(12 + 8);
	struct wr w;

	wr_init(&w, pkt, 20);
	l2tp_build_begin(&w, 1, 0, L2TP_MSG_HELLO);
	g_assert_cmpint(l2tp_build_end(&w), ==, 20);
	g_assert_cmpint(l2tp_rel_queue(r, pkt, 20, now), ==, 0);
}

static void test_seq_arith(void)
{
	g_assert_true(l2tp_seq_before(65535, 0));
	g_assert_true(l2tp_seq_before(65000, 10));
	g_assert_false(l2tp_seq_before(10, 65000));
	g_assert_false(l2tp_seq_before(5, 5));
	g_assert_true(l2tp_seq_before(0, 32767));
}

static void test_rel_window_and_wrap(void)
{
	struct sent s = {0};
	struct l2tp_rel r;

	l2tp_rel_init(&r, 1000, 8000, 5, rel_send, &s);
	r.ns = 65534;
	r.nr = 65535;
	r.peer_rws = 2;
	for (int i = 0; i < 4; i++)
		queue_hello(&r, 0);
	/* window 2: only 65534 and 65535 go out */
	g_assert_cmpuint(s.n, ==, 2);
	g_assert_cmpuint(s.ns[0], ==, 65534);
	g_assert_cmpuint(s.ns[1], ==, 65535);
	g_assert_cmpuint(s.nr[1], ==, 65535);
	/* the peer cannot ack what it never got */
	g_assert_false(l2tp_rel_nr_valid(&r, 1));
	g_assert_true(l2tp_rel_nr_valid(&r, 0));
	g_assert_true(l2tp_rel_nr_valid(&r, 65530));
	/* ack across the wrap: 65534, 65535 acked, 0 and 1 sent */
	l2tp_rel_ack(&r, 0, 10);
	g_assert_cmpuint(r.q_len, ==, 2);
	g_assert_cmpuint(s.n, ==, 4);
	g_assert_cmpuint(s.ns[2], ==, 0);
	g_assert_cmpuint(s.ns[3], ==, 1);
	g_assert_cmpuint(r.rtx_at, ==, 1010);
	/* classify around the peer's wrap */
	g_assert_cmpint(l2tp_rel_classify(&r, 65535), ==, L2TP_SEQ_IN_ORDER);
	l2tp_rel_accept(&r);
	g_assert_cmpuint(r.nr, ==, 0);
	g_assert_cmpint(l2tp_rel_classify(&r, 65535), ==, L2TP_SEQ_DUPLICATE);
	g_assert_cmpint(l2tp_rel_classify(&r, 0), ==, L2TP_SEQ_IN_ORDER);
	g_assert_cmpint(l2tp_rel_classify(&r, 3), ==, L2TP_SEQ_AHEAD);
	/* a stale ack changes nothing */
	l2tp_rel_ack(&r, 65535, 20);
	g_assert_cmpuint(r.q_len, ==, 2);
	l2tp_rel_ack(&r, 2, 30);
	g_assert_true(l2tp_rel_idle(&r));
	g_assert_cmpuint(r.rtx_at, ==, UINT64_MAX);
	l2tp_rel_clear(&r);
}

static void test_rel_backoff(void)
{
	static const uint64_t expect[] = {1000, 3000, 7000, 15000, 23000};
	struct sent s = {0};
	struct l2tp_rel r;
	uint64_t now = 0;
	unsigned int k = 0;

	l2tp_rel_init(&r, 1000, 8000, 5, rel_send, &s);
	queue_hello(&r, 0);
	g_assert_cmpuint(s.n, ==, 1);
	g_assert_cmpint(l2tp_rel_tick(&r, 999), ==, L2TP_RTX_NONE);
	for (;;) {
		enum l2tp_rtx_result res;

		now = r.rtx_at;
		res = l2tp_rel_tick(&r, now);
		if (res == L2TP_RTX_GIVE_UP)
			break;
		g_assert_cmpint(res, ==, L2TP_RTX_SENT);
		g_assert_cmpuint(k, <, G_N_ELEMENTS(expect));
		g_assert_cmpuint(now, ==, expect[k++]);
		/* each retransmission carries the current Nr */
		r.nr++;
		g_assert_cmpuint(s.nr[s.n - 1], ==, r.nr - 1);
	}
	g_assert_cmpuint(k, ==, 5);
	g_assert_cmpuint(now, ==, 31000);
	g_assert_cmpuint(s.n, ==, 6);
	g_assert_cmpuint(r.rtx_at, ==, UINT64_MAX);
	l2tp_rel_clear(&r);
}

/* ---- mutations: every truncation and bit flip of real messages ---- */

static size_t build_samples(uint8_t (*out)[256], size_t *lens, const struct secbuf *s)
{
	static const uint8_t rv[8] = {9, 8, 7, 6, 5, 4, 3, 2};
	uint8_t ver[2] = {1, 0};
	size_t n = 0;
	struct wr w;

	wr_init(&w, out[n], 256);
	l2tp_build_begin(&w, 0x1234, 0, L2TP_MSG_SCCRP);
	l2tp_put_bytes(&w, L2TP_AVP_PROTOCOL_VERSION, ver, 2);
	l2tp_put_bytes(&w, L2TP_AVP_HOST_NAME, "lab-lns", 7);
	l2tp_put_u32(&w, L2TP_AVP_FRAMING_CAP, 3);
	l2tp_put_bytes(&w, L2TP_AVP_RANDOM_VECTOR, rv, sizeof(rv));
	l2tp_put_hidden(&w, L2TP_AVP_ASSIGNED_TUNNEL_ID, "\x00\x01", 2, s, rv, sizeof(rv));
	l2tp_put_u16(&w, L2TP_AVP_RECEIVE_WINDOW_SIZE, 8);
	l2tp_put_bytes(&w, L2TP_AVP_CHALLENGE, "0123456789abcdef", 16);
	lens[n++] = (size_t)l2tp_build_end(&w);

	wr_init(&w, out[n], 256);
	l2tp_build_begin(&w, 0x1234, 0x5678, L2TP_MSG_ICRP);
	l2tp_put_u16(&w, L2TP_AVP_ASSIGNED_SESSION_ID, 1);
	lens[n++] = (size_t)l2tp_build_end(&w);

	wr_init(&w, out[n], 256);
	l2tp_build_begin(&w, 0x1234, 0x5678, L2TP_MSG_CDN);
	l2tp_put_result(&w, 2, 6, "no");
	l2tp_put_u16(&w, L2TP_AVP_ASSIGNED_SESSION_ID, 1);
	lens[n++] = (size_t)l2tp_build_end(&w);

	wr_init(&w, out[n], 256);
	l2tp_build_begin(&w, 0x1234, 0, L2TP_MSG_STOPCCN);
	l2tp_put_u16(&w, L2TP_AVP_ASSIGNED_TUNNEL_ID, 1);
	l2tp_put_result(&w, 6, 0, "shutdown");
	lens[n++] = (size_t)l2tp_build_end(&w);

	wr_init(&w, out[n], 256);
	l2tp_build_begin(&w, 0x1234, 0, L2TP_MSG_HELLO);
	lens[n++] = (size_t)l2tp_build_end(&w);

	wr_init(&w, out[n], 256);
	l2tp_build_begin(&w, 0x1234, 0, L2TP_MSG_ZLB);
	lens[n++] = (size_t)l2tp_build_end(&w);

	/* data, L + S + O */
	memcpy(out[n], "\x4a\x02\x00\x12\x12\x34\x56\x78\x00\x00\x00\x00\x00\x02\x00\x00\xff\x03",
	       18);
	lens[n++] = 18;
	return n;
}

static void feed_all(const uint8_t *pkt, size_t len, const struct secbuf *s)
{
	struct l2tp_config cfg = {.tunnel_id = 0x1234, .session_id = 0x5678, .tunnel_secret = s};
	static struct l2tp_msg m;
	struct capture c = {0};
	struct l2tp_tunnel *t;
	struct l2tp_hdr h;
	int err;

	if (l2tp_hdr_parse(pkt, len, &h) == 0 && (h.flags & L2TP_HDR_T)) {
		err = l2tp_msg_parse(h.payload, h.payload_len, s, &m);
		g_assert_true(err == 0 || err == -EBADMSG || err == -ENOKEY);
	}
	t = l2tp_tunnel_new(&cfg, &cap_cb, &c, &rnd, NULL);
	l2tp_tunnel_start(t, 0);
	err = l2tp_tunnel_rx(t, pkt, len, 1);
	g_assert_true(err == 0 || err == -EBADMSG || err == -ENOENT || err == -EAGAIN ||
		      err == -ESHUTDOWN);
	l2tp_tunnel_tick(t, 100000);
	l2tp_tunnel_close(t, 1, 100001);
	l2tp_tunnel_free(t);
}

static void test_mutations(void)
{
	struct secbuf *s = secbuf_new_str("lab-secret");
	static uint8_t samples[8][256];
	size_t lens[8], n = build_samples(samples, lens, s);
	uint8_t buf[256];

	for (size_t i = 0; i < n; i++) {
		for (size_t cut = 0; cut <= lens[i]; cut++)
			feed_all(samples[i], cut, s);
		for (size_t bit = 0; bit < lens[i] * 8; bit++) {
			memcpy(buf, samples[i], lens[i]);
			buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			feed_all(buf, lens[i], s);
			feed_all(buf, lens[i], NULL);
		}
		for (size_t byte = 0; byte < lens[i]; byte++) {
			memcpy(buf, samples[i], lens[i]);
			buf[byte] = 0xff;
			feed_all(buf, lens[i], s);
		}
	}
	secbuf_free(s);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/l2tp/hdr/control", test_hdr_control);
	g_test_add_func("/l2tp/hdr/data", test_hdr_data);
	g_test_add_func("/l2tp/msg/sccrq-bytes", test_sccrq_bytes);
	g_test_add_func("/l2tp/msg/rules", test_msg_rules);
	g_test_add_func("/l2tp/msg/result-code", test_result_code);
	g_test_add_func("/l2tp/avp/table", test_table);
	g_test_add_func("/l2tp/auth/challenge-response", test_chal_response);
	g_test_add_func("/l2tp/auth/hidden", test_hidden);
	g_test_add_func("/l2tp/rel/seq-arith", test_seq_arith);
	g_test_add_func("/l2tp/rel/window-and-wrap", test_rel_window_and_wrap);
	g_test_add_func("/l2tp/rel/backoff", test_rel_backoff);
	g_test_add_func("/l2tp/mutations", test_mutations);
	return g_test_run();
}
