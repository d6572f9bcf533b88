/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Informational exchanges (RFC 2408 4.8, RFC 2409 5.7): notifications in the
 * clear (before phase 1 is up) and encrypted ones with HASH(1), Delete in
 * both directions, and Dead Peer Detection (RFC 3706) R-U-THERE / -ACK.
 *
 *   HDR*, HASH(1), N/D     HASH(1) = prf(SKEYID_a, M-ID | N/D)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ike-internal.h"

#define DPD_RETRY_MS 5000

/* Builds, hashes, encrypts and sends one Informational with the given payloads. */
static int send_info(struct ike_sa *sa, struct ike_p1 *p, const struct isakmp_pl *pls, size_t n)
{
	struct isakmp_hdr h = {.exch = ISAKMP_EXCH_INFO};
	uint8_t buf[IKE_MSG_MAX], zero[IKE_MAX_HASH_LEN] = {0}, iv[IKE_MAX_BLOCK_LEN];
	struct isakmp_builder b;
	int hash_off, len;
	size_t i, rest;

	if (!p || p->state != P1_UP)
		return -ENOTCONN;
	memcpy(h.cky_i, p->cky_i, 8);
	memcpy(h.cky_r, p->cky_r, 8);
	h.msg_id = ike_random_mid(sa);
	isakmp_build_begin(&b, buf, sizeof(buf), &h);
	hash_off = isakmp_build_data(&b, ISAKMP_PL_HASH, zero, p->hash_len);
	for (i = 0; i < n; i++)
		isakmp_build_pl(&b, &pls[i]);
	len = isakmp_build_end(&b);
	if (hash_off < 0 || len < 0)
		return -ENOSPC;
	rest = (size_t)hash_off + ISAKMP_GEN_HDR_LEN + p->hash_len;
	if (ike_msg_hash(p, h.msg_id, NULL, 0, buf + rest, (size_t)len - rest,
			 buf + hash_off + ISAKMP_GEN_HDR_LEN) ||
	    ike_p2_iv(p->hash, p->last_block, p->block_len, h.msg_id, iv))
		return -EIO;
	len = ike_msg_encrypt(p, iv, buf, (size_t)len, sizeof(buf));
	if (len < 0)
		return len;
	ike_send(sa, buf, (size_t)len);
	return 0;
}

int ike_info_send_notify(struct ike_sa *sa, struct ike_p1 *p, uint16_t type, const uint8_t *data,
			 size_t data_len)
{
	struct isakmp_pl n = {.type = ISAKMP_PL_N};
	uint8_t spi[16];

	memcpy(spi, p->cky_i, 8);
	memcpy(spi + 8, p->cky_r, 8);
	n.doi = ISAKMP_DOI_IPSEC;
	n.proto_id = ISAKMP_PROTO_ISAKMP;
	n.spi_size = 16;
	n.spi = spi;
	n.notify_type = type;
	n.data = data;
	n.data_len = data_len;
	return send_info(sa, p, &n, 1);
}

int ike_info_send_delete_esp(struct ike_sa *sa, const uint32_t *spis, size_t n)
{
	struct isakmp_pl d = {.type = ISAKMP_PL_D};
	uint8_t data[4 * IKE_MAX_CHILD];
	size_t i;

	if (n == 0 || n > IKE_MAX_CHILD)
		return -EINVAL;
	for (i = 0; i < n; i++)
		put_u32(data + 4 * i, spis[i]);
	d.doi = ISAKMP_DOI_IPSEC;
	d.proto_id = ISAKMP_PROTO_IPSEC_ESP;
	d.spi_size = 4;
	d.n_spis = (uint16_t)n;
	d.data = data;
	d.data_len = 4 * n;
	return send_info(sa, sa->p1, &d, 1);
}

int ike_info_send_delete_isakmp(struct ike_sa *sa, struct ike_p1 *p)
{
	struct isakmp_pl d = {.type = ISAKMP_PL_D};
	uint8_t spi[16];

	memcpy(spi, p->cky_i, 8);
	memcpy(spi + 8, p->cky_r, 8);
	d.doi = ISAKMP_DOI_IPSEC;
	d.proto_id = ISAKMP_PROTO_ISAKMP;
	d.spi_size = 16;
	d.n_spis = 1;
	d.data = spi;
	d.data_len = 16;
	return send_info(sa, p, &d, 1);
}

static bool qm_pending(const struct ike_sa *sa)
{
	size_t i;

	for (i = 0; i < IKE_MAX_CHILD; i++)
		if (sa->qm[i].used && sa->qm[i].state == QM_SENT)
			return true;
	return false;
}

static void handle_notify(struct ike_sa *sa, struct ike_p1 *p, const struct isakmp_pl *n,
			  uint64_t now_ms)
{
	switch (n->notify_type) {
	case ISAKMP_N_R_U_THERE:
		if (n->data_len == 4)
			ike_info_send_notify(sa, p, ISAKMP_N_R_U_THERE_ACK, n->data, 4);
		return;
	case ISAKMP_N_R_U_THERE_ACK:
		if (n->data_len == 4 && sa->ping_seq && get_u32(n->data) == sa->ping_seq) {
			struct ike_event ev = {.type = IKE_EV_PEER_ALIVE};

			sa->ping_seq = 0;
			ike_emit(sa, &ev);
			return;
		}
		if (n->data_len == 4 && get_u32(n->data) == sa->dpd_seq && sa->dpd_outstanding &&
		    sa->cfg.dpd_interval_s) {
			sa->dpd_outstanding = 0;
			sa->dpd_next_ms = now_ms + (uint64_t)sa->cfg.dpd_interval_s * 1000;
		}
		return;
	case ISAKMP_N_NO_PROPOSAL_CHOSEN:
		if (qm_pending(sa)) {
			ike_qm_format_offer(sa, sa->detail, sizeof(sa->detail));
			ike_fail(sa, IKE_FAIL_QM_REJECTED, sa->detail);
		}
		return;
	case ISAKMP_N_INVALID_ID_INFORMATION:
		ike_fail(sa, IKE_FAIL_ID_REJECTED, "(the server rejected our traffic selectors)");
		return;
	case ISAKMP_N_INVALID_HASH_INFORMATION:
	case ISAKMP_N_AUTHENTICATION_FAILED:
		ike_fail(sa, IKE_FAIL_AUTH_FAILED, "");
		return;
	}
	if (n->notify_type < 8192 && qm_pending(sa)) {
		snprintf(sa->detail, sizeof(sa->detail), "(notification %u during Quick Mode)",
			 n->notify_type);
		ike_fail(sa, IKE_FAIL_PEER_ERROR, sa->detail);
		return;
	}
	log_msg(&sa->log, LOG_LVL_INFO, "ike: notification %u from the server", n->notify_type);
}

static void handle_delete(struct ike_sa *sa, struct ike_p1 *p, const struct isakmp_pl *d)
{
	size_t i, j;

	if (d->proto_id == ISAKMP_PROTO_ISAKMP) {
		if (d->spi_size == 16 && !memcmp(d->data, p->cky_i, 8) &&
		    !memcmp(d->data + 8, p->cky_r, 8))
			ike_fail(sa, IKE_FAIL_PEER_DELETED, "");
		return;
	}
	if (d->proto_id != ISAKMP_PROTO_IPSEC_ESP || d->spi_size != 4)
		return;
	for (i = 0; i < d->n_spis; i++) {
		uint32_t spi = get_u32(d->data + 4 * i);

		/* the server names the SA it receives on: our outbound SPI */
		for (j = 0; j < IKE_MAX_CHILD; j++) {
			struct ike_child *c = &sa->child[j];

			if (c->used && (c->sa.spi_out == spi || c->sa.spi_in == spi)) {
				log_msg(&sa->log, LOG_LVL_INFO, "ike: server deleted child SA %08x",
					spi);
				ike_child_remove(sa, c, true);
			}
		}
	}
}

void ike_info_rx(struct ike_sa *sa, const struct isakmp_msg *m, uint64_t now_ms)
{
	struct ike_p1 *p = sa->p1;
	uint8_t plain[IKE_MSG_MAX], iv[IKE_MAX_BLOCK_LEN];
	struct isakmp_msg d;
	size_t i;

	/* IV = HASH(last phase 1 CBC block | M-ID) */
	if (m->hdr.msg_id == 0 ||
	    ike_p2_iv(p->hash, p->last_block, p->block_len, m->hdr.msg_id, iv) ||
	    ike_msg_decrypt(p, iv, m, plain, &d) ||
	    isakmp_check_payloads(&d, ISAKMP_BIT(ISAKMP_PL_HASH),
				  ISAKMP_BIT(ISAKMP_PL_N) | ISAKMP_BIT(ISAKMP_PL_D)) ||
	    ike_msg_check_hash(p, &d, NULL, 0)) {
		log_msg(&sa->log, LOG_LVL_DEBUG, "ike: invalid Informational dropped");
		return;
	}
	/* validated: it is authentic, so the peer is alive */
	sa->last_rx_ms = now_ms > sa->last_rx_ms ? now_ms : sa->last_rx_ms;
	for (i = 1; i < d.n && !sa->dead; i++) {
		if (d.pl[i].type == ISAKMP_PL_N)
			handle_notify(sa, p, &d.pl[i], now_ms);
		else if (d.pl[i].type == ISAKMP_PL_D)
			handle_delete(sa, p, &d.pl[i]);
	}
}

/* Does this cleartext notification concern the phase 1 exchange p? */
static bool notify_for(const struct ike_p1 *p, const struct isakmp_msg *m,
		       const struct isakmp_pl *n)
{
	if (!memcmp(m->hdr.cky_i, p->cky_i, 8))
		return true;
	/* SoftEther: random header cookie, ours only in the SPI field */
	return n->spi_size >= 8 && !memcmp(n->spi, p->cky_i, 8);
}

bool ike_info_rx_clear(struct ike_sa *sa, const struct isakmp_msg *m, uint64_t now_ms)
{
	struct ike_p1 *p = sa->p1_next ? sa->p1_next : sa->p1;
	const struct isakmp_pl *n;
	unsigned i;

	(void)now_ms;
	if (p->state == P1_UP || p->state == P1_DEAD)
		return false; /* after authentication only encrypted notifications count */
	for (i = 0; (n = isakmp_find(m, ISAKMP_PL_N, i)); i++) {
		if (!notify_for(p, m, n) || n->notify_type >= 8192)
			continue;
		log_msg(&sa->log, LOG_LVL_INFO, "ike: cleartext notification %u from the server",
			n->notify_type);
		/* INVALID-COOKIE (4) in clear is about a stale exchange of an earlier
		 * attempt (seen from SoftEther after a failed one): not ours to end on. */
		if (n->notify_type == 4)
			continue;
		if (n->notify_type == ISAKMP_N_NO_PROPOSAL_CHOSEN && p->state == P1_MM1_SENT) {
			if (sa->cfg.probe) {
				struct ike_event ev = {.type = IKE_EV_PROBE_RESULT};

				ev.probe.result = IKE_PROBE_REJECTED;
				ev.probe.chosen = sa->cfg.p1.p[0];
				ike_rtx_stop(&p->rtx);
				sa->dead = true;
				ike_emit(sa, &ev);
				return true;
			}
			{
				char list[400];

				if (ike_p1_format(&sa->cfg.p1, list, sizeof(list)) < 0)
					snprintf(list, sizeof(list), "(list too long)");
				snprintf(sa->detail, sizeof(sa->detail), "(offered: %s)", list);
			}
			if (p->rekey) {
				ike_mm_timeout(sa, p, now_ms);
				return true;
			}
			ike_fail(sa, IKE_FAIL_NO_PROPOSAL, sa->detail);
			return true;
		}
		if (n->notify_type == ISAKMP_N_INVALID_ID_INFORMATION) {
			ike_fail(sa, IKE_FAIL_ID_REJECTED, "");
			return true;
		}
		if (p->state == P1_MM5_SENT) {
			/* the server could not read MM5: it holds another key */
			snprintf(sa->detail, sizeof(sa->detail),
				 "(the server answered MM5 with notification %u)", n->notify_type);
			ike_fail(sa, IKE_FAIL_PSK_MISMATCH, sa->detail);
			return true;
		}
		/* Any other unauthenticated error: anyone can forge it, so remember it
		 * for the failure message but let retransmission and timeout decide. */
		snprintf(sa->detail, sizeof(sa->detail), "(last notification from the server: %u)",
			 n->notify_type);
		return true;
	}
	return false;
}

static uint32_t next_dpd_seq(struct ike_sa *sa)
{
	if (!sa->dpd_seq) {
		/* RFC 3706 5.5: start at a random value below 2^31 */
		rand_fill(&sa->rnd, &sa->dpd_seq, sizeof(sa->dpd_seq));
		sa->dpd_seq = (sa->dpd_seq & 0x7fffffff) | 1;
	}
	return ++sa->dpd_seq;
}

int ike_sa_ping(struct ike_sa *sa, uint64_t now_ms)
{
	uint8_t seq[4];

	if (!sa->p1 || sa->p1->state != P1_UP)
		return -ENOTCONN;
	if (!(sa->p1->vendor & IKE_VENDOR_DPD))
		return -EOPNOTSUPP;
	sa->ping_seq = next_dpd_seq(sa);
	put_u32(seq, sa->ping_seq);
	log_msg(&sa->log, LOG_LVL_DEBUG, "ike: R-U-THERE seq %u (ping)", sa->ping_seq);
	return ike_info_send_notify(sa, sa->p1, ISAKMP_N_R_U_THERE, seq, 4);
}

void ike_dpd_tick(struct ike_sa *sa, uint64_t now_ms)
{
	uint64_t interval = (uint64_t)sa->cfg.dpd_interval_s * 1000;
	uint8_t seq[4];

	if (!interval || !(sa->p1->vendor & IKE_VENDOR_DPD) || !sa->dpd_next_ms ||
	    now_ms < sa->dpd_next_ms)
		return;
	if (!sa->dpd_outstanding && now_ms - sa->last_rx_ms < interval) {
		/* traffic arrived meanwhile: the peer is alive, wait for idleness again */
		sa->dpd_next_ms = sa->last_rx_ms + interval;
		return;
	}
	if (sa->dpd_outstanding >= sa->cfg.dpd_max_fail) {
		struct ike_event ev = {.type = IKE_EV_PEER_DEAD};

		ike_emit(sa, &ev);
		ike_fail(sa, IKE_FAIL_PEER_DEAD, "");
		return;
	}
	sa->dpd_outstanding++;
	put_u32(seq, next_dpd_seq(sa));
	log_msg(&sa->log, LOG_LVL_DEBUG, "ike: DPD R-U-THERE seq %u (%u outstanding)", sa->dpd_seq,
		sa->dpd_outstanding);
	ike_info_send_notify(sa, sa->p1, ISAKMP_N_R_U_THERE, seq, 4);
	sa->dpd_next_ms = now_ms + (interval < DPD_RETRY_MS ? interval : DPD_RETRY_MS);
}
