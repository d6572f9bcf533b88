/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reliable delivery of control messages (RFC 2661 5.8): Ns/Nr in 16-bit
 * sequence space, the peer's receive window, retransmission with capped
 * exponential backoff, ZLB acks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp-int.h"

void l2tp_rel_init(struct l2tp_rel *r, uint32_t initial_ms, uint32_t max_ms, unsigned int retries,
		   void (*send)(void *, const uint8_t *, size_t), void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->peer_rws = 4; /* 5.8: the default without a Receive Window Size AVP */
	r->rtx_initial_ms = initial_ms;
	r->rtx_max_ms = max_ms < initial_ms ? initial_ms : max_ms;
	r->rtx_max_retries = retries;
	r->rtx_ms = initial_ms;
	r->rtx_at = UINT64_MAX;
	r->send = send;
	r->ctx = ctx;
}

void l2tp_rel_clear(struct l2tp_rel *r)
{
	for (unsigned int i = 0; i < r->q_len; i++)
		free(r->q[i].pkt);
	r->q_len = 0;
	r->rtx_at = UINT64_MAX;
}

/* Every transmission carries the latest Nr, retransmissions too. */
static void transmit(struct l2tp_rel *r, struct l2tp_txmsg *m)
{
	l2tp_set_ns_nr(m->pkt, m->ns, r->nr);
	r->send(r->ctx, m->pkt, m->len);
	m->sent = true;
}

/* Sends queued messages that fit in the peer's window. */
static void flush(struct l2tp_rel *r, uint64_t now_ms)
{
	for (unsigned int i = 0; i < r->q_len && i < r->peer_rws; i++) {
		if (r->q[i].sent)
			continue;
		transmit(r, &r->q[i]);
		if (r->rtx_at == UINT64_MAX)
			r->rtx_at = now_ms + r->rtx_ms;
	}
}

int l2tp_rel_queue(struct l2tp_rel *r, uint8_t *pkt, size_t len, uint64_t now_ms)
{
	if (r->q_len == L2TP_TXQ_MAX) {
		free(pkt);
		return -ENOBUFS;
	}
	r->q[r->q_len++] = (struct l2tp_txmsg){.pkt = pkt, .len = len, .ns = r->ns++};
	flush(r, now_ms);
	return 0;
}

/* The Ns the peer will see next: held-back messages do not count yet. */
static uint16_t next_unsent(const struct l2tp_rel *r)
{
	for (unsigned int i = 0; i < r->q_len; i++) {
		if (!r->q[i].sent)
			return r->q[i].ns;
	}
	return r->ns;
}

bool l2tp_rel_nr_valid(const struct l2tp_rel *r, uint16_t nr)
{
	/* A peer can only ack what it was sent. */
	return !l2tp_seq_before(next_unsent(r), nr);
}

void l2tp_rel_send_unsent(struct l2tp_rel *r)
{
	for (unsigned int i = 0; i < r->q_len; i++) {
		if (!r->q[i].sent)
			transmit(r, &r->q[i]);
	}
}

void l2tp_rel_ack(struct l2tp_rel *r, uint16_t nr, uint64_t now_ms)
{
	unsigned int n = 0;

	while (n < r->q_len && r->q[n].sent && l2tp_seq_before(r->q[n].ns, nr))
		free(r->q[n++].pkt);
	if (!n)
		return;
	memmove(r->q, r->q + n, (r->q_len - n) * sizeof(r->q[0]));
	r->q_len -= n;
	/* Progress: the backoff starts over for what is still outstanding. */
	r->retries = 0;
	r->rtx_ms = r->rtx_initial_ms;
	r->rtx_at = r->q_len && r->q[0].sent ? now_ms + r->rtx_ms : UINT64_MAX;
	flush(r, now_ms);
}

enum l2tp_seq_class l2tp_rel_classify(const struct l2tp_rel *r, uint16_t ns)
{
	if (ns == r->nr)
		return L2TP_SEQ_IN_ORDER;
	return l2tp_seq_before(ns, r->nr) ? L2TP_SEQ_DUPLICATE : L2TP_SEQ_AHEAD;
}

void l2tp_rel_accept(struct l2tp_rel *r)
{
	r->nr++;
}

void l2tp_rel_send_zlb(struct l2tp_rel *r, uint16_t peer_tunnel_id)
{
	uint8_t pkt[L2TP_CTL_HDR_LEN];
	struct wr w;

	/* A ZLB carries the next Ns without consuming it. */
	wr_init(&w, pkt, sizeof(pkt));
	l2tp_build_begin(&w, peer_tunnel_id, 0, L2TP_MSG_ZLB);
	l2tp_build_end(&w);
	l2tp_set_ns_nr(pkt, next_unsent(r), r->nr);
	r->send(r->ctx, pkt, sizeof(pkt));
}

enum l2tp_rtx_result l2tp_rel_tick(struct l2tp_rel *r, uint64_t now_ms)
{
	if (r->rtx_at == UINT64_MAX || now_ms < r->rtx_at)
		return L2TP_RTX_NONE;
	if (r->retries >= r->rtx_max_retries) {
		r->rtx_at = UINT64_MAX;
		return L2TP_RTX_GIVE_UP;
	}
	r->retries++;
	for (unsigned int i = 0; i < r->q_len && r->q[i].sent; i++)
		transmit(r, &r->q[i]);
	r->rtx_ms = r->rtx_ms * 2 > r->rtx_max_ms ? r->rtx_max_ms : r->rtx_ms * 2;
	r->rtx_at = now_ms + r->rtx_ms;
	return L2TP_RTX_SENT;
}
