/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test LNS: answers SCCRQ and ICRQ, acks, and misbehaves on request. */
#include <stdlib.h>
#include <string.h>

#include "lns-peer.h"

#define BUF 1024

void lns_init(struct lns_peer *p, const struct lns_opts *o,
	      void (*send)(void *ctx, const uint8_t *pkt, size_t len), void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->o = *o;
	if (!p->o.tunnel_id)
		p->o.tunnel_id = 1;
	if (!p->o.session_id)
		p->o.session_id = 1;
	p->send = send;
	p->ctx = ctx;
	for (size_t i = 0; i < sizeof(p->challenge); i++)
		p->challenge[i] = (uint8_t)(0xa0 + i);
	l2tp_rel_init(&p->rel, 1000, 8000, 5, send, ctx);
}

void lns_clear(struct lns_peer *p)
{
	l2tp_rel_clear(&p->rel);
}

static void queue(struct lns_peer *p, struct wr *w, uint64_t now_ms)
{
	int len = l2tp_build_end(w);
	uint8_t *pkt;

	if (len < 0)
		abort();
	pkt = malloc((size_t)len);
	memcpy(pkt, w->p, (size_t)len);
	l2tp_rel_queue(&p->rel, pkt, (size_t)len, now_ms);
}

static void put_id(struct lns_peer *p, struct wr *w, uint16_t type, uint16_t id)
{
	static const uint8_t rv[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17};
	uint8_t b[2];

	if (!p->o.hide_avps) {
		l2tp_put_u16(w, type, id);
		return;
	}
	put_u16(b, id);
	l2tp_put_bytes(w, L2TP_AVP_RANDOM_VECTOR, rv, sizeof(rv));
	l2tp_put_hidden(w, type, b, sizeof(b), p->o.secret, rv, sizeof(rv));
}

static void on_sccrq(struct lns_peer *p, const struct l2tp_msg *m, uint64_t now_ms)
{
	uint8_t buf[BUF], ver[2] = {1, 0}, resp[16];
	struct wr w;

	p->peer_tunnel_id = m->assigned_tunnel_id;
	wr_init(&w, buf, sizeof(buf));
	l2tp_build_begin(&w, p->peer_tunnel_id, 0, L2TP_MSG_SCCRP);
	l2tp_put_bytes(&w, L2TP_AVP_PROTOCOL_VERSION, ver, 2);
	l2tp_put_bytes(&w, L2TP_AVP_HOST_NAME, "lab-lns", 7);
	l2tp_put_u32(&w, L2TP_AVP_FRAMING_CAP, 3);
	put_id(p, &w, L2TP_AVP_ASSIGNED_TUNNEL_ID, p->o.tunnel_id);
	if (p->o.rws)
		l2tp_put_u16(&w, L2TP_AVP_RECEIVE_WINDOW_SIZE, p->o.rws);
	l2tp_put_bytes(&w, L2TP_AVP_VENDOR_NAME, "L2TP", 4);
	if (p->o.secret && m->challenge.p) {
		l2tp_chal_response(L2TP_MSG_SCCRP, p->o.secret, m->challenge.p, m->challenge.len,
				   resp);
		if (p->o.wrong_response)
			resp[0] ^= 1;
		l2tp_put_bytes(&w, L2TP_AVP_CHALLENGE_RESPONSE, resp, sizeof(resp));
	}
	if (p->o.send_challenge)
		l2tp_put_bytes(&w, L2TP_AVP_CHALLENGE, p->challenge, sizeof(p->challenge));
	if (p->o.unknown_m_avp)
		l2tp_put_avp(&w, L2TP_AVP_M, 0, 200, "x", 1);
	if (p->o.unknown_avp)
		l2tp_put_avp(&w, 0, 9, 1, "vendor", 6);
	queue(p, &w, now_ms);
}

static void on_scccn(struct lns_peer *p, const struct l2tp_msg *m, uint64_t now_ms)
{
	uint8_t expect[16];

	if (!p->o.send_challenge)
		return;
	l2tp_chal_response(L2TP_MSG_SCCCN, p->o.secret, p->challenge, sizeof(p->challenge), expect);
	if (!(m->present & (UINT64_C(1) << L2TP_AVP_CHALLENGE_RESPONSE)) ||
	    memcmp(expect, m->challenge_response, 16) != 0) {
		p->auth_failed = true;
		lns_send_stopccn(p, 4, 0, "Challenge Response mismatch", now_ms);
	}
}

static void on_icrq(struct lns_peer *p, const struct l2tp_msg *m, uint64_t now_ms)
{
	uint8_t buf[BUF];
	struct wr w;

	p->peer_session_id = m->assigned_session_id;
	wr_init(&w, buf, sizeof(buf));
	l2tp_build_begin(&w, p->peer_tunnel_id, p->peer_session_id, L2TP_MSG_ICRP);
	put_id(p, &w, L2TP_AVP_ASSIGNED_SESSION_ID, p->o.session_id);
	queue(p, &w, now_ms);
}

static void handle(struct lns_peer *p, const struct l2tp_msg *m, uint64_t now_ms)
{
	if (p->n_msgs < LNS_MAX_LOG)
		p->msgs[p->n_msgs++] = m->type;
	switch (m->type) {
	case L2TP_MSG_SCCRQ:
		on_sccrq(p, m, now_ms);
		break;
	case L2TP_MSG_SCCCN:
		on_scccn(p, m, now_ms);
		break;
	case L2TP_MSG_ICRQ:
		on_icrq(p, m, now_ms);
		break;
	case L2TP_MSG_HELLO:
		p->hellos++;
		break;
	case L2TP_MSG_CDN:
	case L2TP_MSG_STOPCCN:
		p->last_result = m->result_code;
		p->last_error = m->error_code;
		/* after both: its CDN then acks our StopCCN too, as SoftEther's does */
		if (p->o.mirror_close && m->type == L2TP_MSG_STOPCCN) {
			lns_send_cdn(p, 3, 0, "", now_ms);
			lns_send_stopccn(p, 1, 0, "", now_ms);
		}
		break;
	default:
		break;
	}
}

void lns_rx(struct lns_peer *p, const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	struct l2tp_msg m;
	struct l2tp_hdr h;
	uint16_t ns_before;

	if (l2tp_hdr_parse(pkt, len, &h) != 0)
		return;
	if (!(h.flags & L2TP_HDR_T)) {
		if (h.tunnel_id == p->o.tunnel_id && h.session_id == p->o.session_id &&
		    h.payload_len <= sizeof(p->last_frame)) {
			p->n_frames++;
			memcpy(p->last_frame, h.payload, h.payload_len);
			p->last_frame_len = h.payload_len;
		}
		return;
	}
	if (l2tp_msg_parse(h.payload, h.payload_len, p->o.secret, &m) != 0 ||
	    !l2tp_rel_nr_valid(&p->rel, h.nr))
		return;
	if (h.tunnel_id != (m.type == L2TP_MSG_SCCRQ ? 0 : p->o.tunnel_id))
		return;
	if (m.type == L2TP_MSG_ZLB) {
		l2tp_rel_ack(&p->rel, h.nr, now_ms);
		return;
	}
	switch (l2tp_rel_classify(&p->rel, h.ns)) {
	case L2TP_SEQ_DUPLICATE:
		l2tp_rel_ack(&p->rel, h.nr, now_ms);
		l2tp_rel_send_zlb(&p->rel, p->peer_tunnel_id);
		return;
	case L2TP_SEQ_AHEAD:
		return;
	case L2TP_SEQ_IN_ORDER:
		break;
	}
	l2tp_rel_accept(&p->rel);
	l2tp_rel_ack(&p->rel, h.nr, now_ms);
	ns_before = p->rel.ns;
	handle(p, &m, now_ms);
	/* simplest ack policy: a ZLB unless a reply went out (window allowing) */
	if (p->rel.ns == ns_before || !p->rel.q[p->rel.q_len - 1].sent)
		l2tp_rel_send_zlb(&p->rel, p->peer_tunnel_id);
}

uint64_t lns_next_timeout(const struct lns_peer *p)
{
	return p->rel.rtx_at;
}

void lns_tick(struct lns_peer *p, uint64_t now_ms)
{
	l2tp_rel_tick(&p->rel, now_ms);
}

void lns_send_stopccn(struct lns_peer *p, uint16_t result, uint16_t error, const char *msg,
		      uint64_t now_ms)
{
	uint8_t buf[BUF];
	struct wr w;

	wr_init(&w, buf, sizeof(buf));
	l2tp_build_begin(&w, p->peer_tunnel_id, 0, L2TP_MSG_STOPCCN);
	l2tp_put_u16(&w, L2TP_AVP_ASSIGNED_TUNNEL_ID, p->o.tunnel_id);
	l2tp_put_result(&w, result, error, msg);
	queue(p, &w, now_ms);
}

void lns_send_cdn(struct lns_peer *p, uint16_t result, uint16_t error, const char *msg,
		  uint64_t now_ms)
{
	uint8_t buf[BUF];
	struct wr w;

	wr_init(&w, buf, sizeof(buf));
	l2tp_build_begin(&w, p->peer_tunnel_id, p->peer_session_id, L2TP_MSG_CDN);
	l2tp_put_result(&w, result, error, msg);
	l2tp_put_u16(&w, L2TP_AVP_ASSIGNED_SESSION_ID, p->o.session_id);
	queue(p, &w, now_ms);
}

void lns_send_hello(struct lns_peer *p, uint64_t now_ms)
{
	uint8_t buf[BUF];
	struct wr w;

	wr_init(&w, buf, sizeof(buf));
	l2tp_build_begin(&w, p->peer_tunnel_id, 0, L2TP_MSG_HELLO);
	queue(p, &w, now_ms);
}

void lns_send_data(struct lns_peer *p, const uint8_t *frame, size_t len)
{
	uint8_t buf[2048];
	uint16_t flags = L2TP_VERSION | L2TP_HDR_L;
	struct wr w;

	if (p->o.data_seq)
		flags |= L2TP_HDR_S;
	if (p->o.data_offset)
		flags |= L2TP_HDR_O;
	wr_init(&w, buf, sizeof(buf));
	wr_u16(&w, flags);
	wr_u16(&w, 0);
	wr_u16(&w, p->peer_tunnel_id);
	wr_u16(&w, p->peer_session_id);
	if (p->o.data_seq) {
		wr_u16(&w, p->data_ns++);
		wr_u16(&w, 0);
	}
	if (p->o.data_offset) {
		wr_u16(&w, 3);
		wr_zero(&w, 3);
	}
	wr_bytes(&w, frame, len);
	if (w.err)
		abort();
	put_u16(buf + 2, (uint16_t)w.len);
	p->send(p->ctx, buf, w.len);
}

unsigned int lns_count(const struct lns_peer *p, uint16_t type)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < p->n_msgs; i++)
		n += p->msgs[i] == type;
	return n;
}
