/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The IKEv1 initiator's driver: lifetime of struct ike_sa, datagram dispatch
 * (by cookie, exchange type and message ID), retransmission, timers, events.
 * The exchanges themselves live in ike-mm.c, ike-qm.c and ike-info.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ike-internal.h"

static char *dup_str(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = malloc(strlen(s) + 1);
	if (d)
		strcpy(d, s);
	return d;
}

struct ike_sa *ike_sa_new(const struct ike_config *cfg, const struct ike_callbacks *cb,
			  void *cb_ctx, const struct rand_source *rnd, const struct log_sink *log)
{
	struct ike_sa *sa;

	if (!cfg || !cb || !cb->send || !cb->event || !rnd || !rnd->fn || !cfg->psk)
		return NULL;
	if (cfg->p1.n > IKE_MAX_PROPOSALS || cfg->p2.n > IKE_MAX_PROPOSALS)
		return NULL;
	sa = calloc(1, sizeof(*sa));
	if (!sa)
		return NULL;
	sa->cfg = *cfg;
	if (!sa->cfg.p1.n)
		ike_p1_default(&sa->cfg.p1);
	if (!sa->cfg.p2.n)
		ike_p2_default(&sa->cfg.p2);
	if (!sa->cfg.p1_lifetime_s)
		sa->cfg.p1_lifetime_s = 28800;
	if (!sa->cfg.p2_lifetime_s)
		sa->cfg.p2_lifetime_s = 3600;
	if (!sa->cfg.local_port)
		sa->cfg.local_port = IKE_PORT;
	if (!sa->cfg.rt_initial_ms)
		sa->cfg.rt_initial_ms = 1000;
	if (!sa->cfg.rt_max_ms)
		sa->cfg.rt_max_ms = 8000;
	if (!sa->cfg.rt_total_ms)
		sa->cfg.rt_total_ms = 30000;
	if (!sa->cfg.dpd_max_fail)
		sa->cfg.dpd_max_fail = 5;
	sa->psk = secbuf_dup(cfg->psk);
	sa->local_id = dup_str(cfg->local_id);
	sa->remote_id = dup_str(cfg->remote_id);
	sa->cfg.psk = NULL;
	sa->cfg.local_id = sa->local_id;
	sa->cfg.remote_id = sa->remote_id;
	if (!sa->psk || (cfg->local_id && !sa->local_id) || (cfg->remote_id && !sa->remote_id)) {
		ike_sa_free(sa);
		return NULL;
	}
	sa->cb = *cb;
	sa->cb_ctx = cb_ctx;
	sa->rnd = *rnd;
	if (log)
		sa->log = *log;
	return sa;
}

void ike_cache_clear(struct ike_reply_cache *c)
{
	free(c->rx);
	free(c->tx);
	memset(c, 0, sizeof(*c));
}

void ike_cache_set(struct ike_reply_cache *c, const uint8_t *rx, size_t rx_len, const uint8_t *tx,
		   size_t tx_len)
{
	ike_cache_clear(c);
	c->rx = malloc(rx_len);
	c->tx = tx_len ? malloc(tx_len) : NULL;
	if (!c->rx || (tx_len && !c->tx)) {
		ike_cache_clear(c);
		return;
	}
	memcpy(c->rx, rx, rx_len);
	c->rx_len = rx_len;
	if (tx_len)
		memcpy(c->tx, tx, tx_len);
	c->tx_len = tx_len;
}

void ike_rtx_stop(struct ike_rtx *rtx)
{
	free(rtx->buf);
	memset(rtx, 0, sizeof(*rtx));
}

void ike_p1_free(struct ike_p1 *p)
{
	if (!p)
		return;
	ike_dh_free(p->dh);
	ike_p1_keys_clear(&p->keys);
	free(p->sai_b);
	free(p->mm4);
	ike_rtx_stop(&p->rtx);
	ike_cache_clear(&p->cache);
	secure_wipe(p, sizeof(*p));
	free(p);
}

void ike_qm_clear(struct ike_qm *qm)
{
	ike_dh_free(qm->dh);
	ike_rtx_stop(&qm->rtx);
	ike_cache_clear(&qm->cache);
	secure_wipe(qm, sizeof(*qm));
}

static void child_clear(struct ike_child *c)
{
	secbuf_free(c->sa.keymat_in);
	secbuf_free(c->sa.keymat_out);
	memset(c, 0, sizeof(*c));
}

void ike_sa_free(struct ike_sa *sa)
{
	size_t i;

	if (!sa)
		return;
	ike_p1_free(sa->p1);
	ike_p1_free(sa->p1_next);
	for (i = 0; i < IKE_MAX_CHILD; i++) {
		ike_qm_clear(&sa->qm[i]);
		child_clear(&sa->child[i]);
	}
	secbuf_free(sa->psk);
	free(sa->local_id);
	free(sa->remote_id);
	secure_wipe(sa, sizeof(*sa));
	free(sa);
}

void ike_emit(struct ike_sa *sa, const struct ike_event *ev)
{
	sa->cb.event(sa->cb_ctx, ev);
}

void ike_send(struct ike_sa *sa, const uint8_t *buf, size_t len)
{
	sa->cb.send(sa->cb_ctx, sa->floated, buf, len);
}

/* Stops everything and reports the reason once. */
void ike_fail(struct ike_sa *sa, enum ike_fail code, const char *detail)
{
	struct ike_event ev = {.type = IKE_EV_FAILED};
	size_t i;

	if (sa->dead)
		return;
	sa->dead = true;
	log_msg(&sa->log, LOG_LVL_ERROR, "ike: %s: %s%s%s", ike_fail_name(code),
		ike_fail_message(code), detail && *detail ? " " : "", detail ? detail : "");
	ike_rtx_stop(&sa->p1->rtx);
	if (sa->p1_next)
		ike_rtx_stop(&sa->p1_next->rtx);
	for (i = 0; i < IKE_MAX_CHILD; i++)
		ike_rtx_stop(&sa->qm[i].rtx);
	ev.failed.code = code;
	ev.failed.message = ike_fail_message(code);
	ev.failed.detail = detail ? detail : "";
	ike_emit(sa, &ev);
}

uint32_t ike_random_mid(struct ike_sa *sa)
{
	uint32_t mid = 0;

	while (mid == 0)
		rand_fill(&sa->rnd, &mid, sizeof(mid));
	return mid;
}

int ike_rtx_start(struct ike_sa *sa, struct ike_rtx *rtx, const uint8_t *buf, size_t len,
		  uint64_t now_ms)
{
	ike_rtx_stop(rtx);
	rtx->buf = malloc(len);
	if (!rtx->buf)
		return -ENOMEM;
	memcpy(rtx->buf, buf, len);
	rtx->len = len;
	rtx->active = true;
	rtx->first_ms = now_ms;
	rtx->interval_ms = sa->cfg.rt_initial_ms;
	rtx->next_ms = now_ms + rtx->interval_ms;
	ike_send(sa, buf, len);
	return 0;
}

/* true: resent; false: the time is up and the caller reports the failure. */
static bool rtx_fire(struct ike_sa *sa, struct ike_rtx *rtx, uint64_t now_ms)
{
	uint64_t interval;

	if (now_ms - rtx->first_ms >= sa->cfg.rt_total_ms)
		return false;
	interval = (uint64_t)rtx->interval_ms * 2;
	rtx->interval_ms = (uint32_t)(interval > sa->cfg.rt_max_ms ? sa->cfg.rt_max_ms : interval);
	rtx->next_ms = now_ms + rtx->interval_ms;
	/* never wait past the deadline: the last timer is the verdict */
	if (rtx->next_ms > rtx->first_ms + sa->cfg.rt_total_ms)
		rtx->next_ms = rtx->first_ms + sa->cfg.rt_total_ms;
	rtx->count++;
	log_msg(&sa->log, LOG_LVL_DEBUG, "ike: retransmit #%u (%zu bytes)", rtx->count, rtx->len);
	ike_send(sa, rtx->buf, rtx->len);
	return true;
}

uint32_t ike_rekey_margin_ms(const struct ike_sa *sa, uint32_t lifetime_s)
{
	uint32_t m = sa->cfg.rekey_margin_s;

	if (!m) {
		m = lifetime_s / 10;
		if (m > 540)
			m = 540;
	}
	if (m >= lifetime_s)
		m = lifetime_s / 2;
	return m * 1000;
}

struct ike_child *ike_child_by_spi_in(struct ike_sa *sa, uint32_t spi_in)
{
	size_t i;

	for (i = 0; i < IKE_MAX_CHILD; i++)
		if (sa->child[i].used && sa->child[i].sa.spi_in == spi_in)
			return &sa->child[i];
	return NULL;
}

void ike_child_remove(struct ike_sa *sa, struct ike_child *c, bool emit)
{
	struct ike_event ev = {.type = IKE_EV_CHILD_SA_DELETED};

	ev.deleted.spi_in = c->sa.spi_in;
	ev.deleted.spi_out = c->sa.spi_out;
	child_clear(c);
	if (emit)
		ike_emit(sa, &ev);
}

int ike_sa_start(struct ike_sa *sa, uint64_t now_ms)
{
	if (!sa)
		return -EINVAL;
	if (sa->started)
		return -EALREADY;
	sa->started = true;
	sa->last_rx_ms = now_ms;
	sa->p1 = ike_mm_new(sa, false);
	if (!sa->p1) {
		sa->dead = true;
		return -ENOMEM;
	}
	return ike_mm_start(sa, sa->p1, now_ms);
}

/* The ISAKMP SA a header belongs to, by both cookies (CKY-R may still be zero in MM). */
static struct ike_p1 *p1_for(struct ike_sa *sa, const struct isakmp_hdr *h)
{
	struct ike_p1 *cand[2] = {sa->p1, sa->p1_next};
	size_t i;

	for (i = 0; i < 2; i++) {
		struct ike_p1 *p = cand[i];

		if (!p || memcmp(p->cky_i, h->cky_i, 8))
			continue;
		if (p->state == P1_MM1_SENT || !memcmp(p->cky_r, h->cky_r, 8))
			return p;
	}
	return NULL;
}

int ike_sa_rx(struct ike_sa *sa, bool natt_port, const uint8_t *msg, size_t len, uint64_t now_ms)
{
	struct isakmp_msg m;
	struct ike_p1 *p;
	int err;

	if (!sa || (!msg && len))
		return -EINVAL;
	if (sa->dead)
		return -ESHUTDOWN;
	if (!sa->started)
		return 0;
	err = isakmp_parse(msg, len, &m);
	if (err) {
		log_msg(&sa->log, LOG_LVL_DEBUG, "ike: dropping malformed datagram (%zu bytes): %d",
			len, err);
		return 0;
	}
	p = p1_for(sa, &m.hdr);
	if (!p) {
		/* SoftEther: a cleartext NO-PROPOSAL-CHOSEN under a random cookie */
		if (!(m.hdr.flags & ISAKMP_FLAG_ENC) && m.hdr.exch == ISAKMP_EXCH_INFO)
			ike_info_rx_clear(sa, &m, now_ms);
		else
			log_msg(&sa->log, LOG_LVL_DEBUG,
				"ike: dropping datagram with unknown cookies");
		return 0;
	}
	/* a repeat of a datagram we already answered: answer again from the cache */
	if (p->cache.rx && p->cache.rx_len == len && !memcmp(p->cache.rx, msg, len)) {
		log_msg(&sa->log, LOG_LVL_DEBUG, "ike: duplicate, resending cached reply");
		if (p->cache.tx)
			ike_send(sa, p->cache.tx, p->cache.tx_len);
		if (p->state == P1_MM3_SENT)
			p->mm3_sent++;
		if (p->state == P1_MM5_SENT && p->mm4 && p->mm4_len == len &&
		    !memcmp(p->mm4, msg, len))
			ike_mm_rx(sa, p, &m, msg, len, natt_port, now_ms);
		return 0;
	}
	switch (m.hdr.exch) {
	case ISAKMP_EXCH_MAIN:
		ike_mm_rx(sa, p, &m, msg, len, natt_port, now_ms);
		break;
	case ISAKMP_EXCH_QUICK:
		if (p == sa->p1 && p->state == P1_UP)
			ike_qm_rx(sa, &m, msg, len, now_ms);
		break;
	case ISAKMP_EXCH_INFO:
		if (m.hdr.flags & ISAKMP_FLAG_ENC) {
			if (p->state == P1_UP)
				ike_info_rx(sa, &m, now_ms);
		} else {
			ike_info_rx_clear(sa, &m, now_ms);
		}
		break;
	default:
		log_msg(&sa->log, LOG_LVL_DEBUG, "ike: ignoring exchange type %u", m.hdr.exch);
		break;
	}
	return 0;
}

static void consider(uint64_t *t, uint64_t cand)
{
	if (cand && cand < *t)
		*t = cand;
}

uint64_t ike_sa_next_timeout(const struct ike_sa *sa)
{
	uint64_t t = UINT64_MAX;
	size_t i;

	if (!sa || sa->dead || !sa->started)
		return UINT64_MAX;
	if (sa->p1->rtx.active)
		consider(&t, sa->p1->rtx.next_ms);
	if (sa->p1_next && sa->p1_next->rtx.active)
		consider(&t, sa->p1_next->rtx.next_ms);
	if (sa->p1->state == P1_UP) {
		if (!sa->p1_next)
			consider(&t, sa->p1->rekey_ms);
		consider(&t, sa->p1->expire_ms);
		consider(&t, sa->dpd_next_ms);
	}
	for (i = 0; i < IKE_MAX_CHILD; i++) {
		if (sa->qm[i].used && sa->qm[i].rtx.active)
			consider(&t, sa->qm[i].rtx.next_ms);
		if (sa->qm[i].used && sa->qm[i].state == QM_DONE)
			consider(&t, sa->qm[i].done_ms);
		if (sa->child[i].used) {
			if (!sa->child[i].rekeying)
				consider(&t, sa->child[i].rekey_ms);
			consider(&t, sa->child[i].expire_ms);
		}
	}
	return t;
}

static void tick_children(struct ike_sa *sa, uint64_t now_ms)
{
	size_t i;

	for (i = 0; i < IKE_MAX_CHILD && !sa->dead; i++) {
		struct ike_qm *qm = &sa->qm[i];
		struct ike_child *c = &sa->child[i];

		if (qm->used && qm->rtx.active && now_ms >= qm->rtx.next_ms &&
		    !rtx_fire(sa, &qm->rtx, now_ms))
			ike_qm_timeout(sa, qm, now_ms);
		/* a finished QM keeps its QM3 for repeats of QM2 for a while */
		if (qm->used && qm->state == QM_DONE && now_ms >= qm->done_ms)
			ike_qm_clear(qm);
		if (sa->dead || !c->used)
			continue;
		if (now_ms >= c->expire_ms) {
			uint32_t spi = c->sa.spi_in;

			log_msg(&sa->log, LOG_LVL_INFO, "ike: child SA %08x expired", spi);
			ike_info_send_delete_esp(sa, &spi, 1);
			ike_child_remove(sa, c, true);
		} else if (!c->rekeying && now_ms >= c->rekey_ms && sa->p1->state == P1_UP &&
			   !sa->p1_next) {
			c->rekeying = true;
			log_msg(&sa->log, LOG_LVL_INFO, "ike: rekeying child SA %08x",
				c->sa.spi_in);
			ike_qm_start(sa, c->sa.spi_in, now_ms);
		}
	}
}

static void tick_p1(struct ike_sa *sa, struct ike_p1 *p, uint64_t now_ms)
{
	if (!p->rtx.active || now_ms < p->rtx.next_ms)
		return;
	if (!rtx_fire(sa, &p->rtx, now_ms))
		ike_mm_timeout(sa, p, now_ms);
	else if (p->state == P1_MM3_SENT)
		p->mm3_sent++;
}

void ike_sa_tick(struct ike_sa *sa, uint64_t now_ms)
{
	if (!sa || sa->dead || !sa->started)
		return;
	tick_p1(sa, sa->p1, now_ms);
	if (sa->dead)
		return;
	if (sa->p1_next)
		tick_p1(sa, sa->p1_next, now_ms);
	if (sa->dead)
		return;
	if (sa->p1->state == P1_UP) {
		if (now_ms >= sa->p1->expire_ms) {
			ike_fail(sa, IKE_FAIL_PEER_ERROR,
				 "(the ISAKMP SA expired before its rekey)");
			return;
		}
		if (!sa->p1_next && now_ms >= sa->p1->rekey_ms) {
			log_msg(&sa->log, LOG_LVL_INFO, "ike: rekeying the ISAKMP SA");
			sa->p1_next = ike_mm_new(sa, true);
			if (!sa->p1_next || ike_mm_start(sa, sa->p1_next, now_ms)) {
				ike_fail(sa, IKE_FAIL_INTERNAL, "(phase 1 rekey)");
				return;
			}
		}
		ike_dpd_tick(sa, now_ms);
	}
	if (!sa->dead)
		tick_children(sa, now_ms);
}

int ike_sa_close(struct ike_sa *sa, uint64_t now_ms)
{
	struct ike_event ev = {.type = IKE_EV_CLOSED};
	uint32_t spis[IKE_MAX_CHILD];
	size_t i, n = 0;

	if (!sa)
		return -EINVAL;
	if (sa->dead)
		return -ESHUTDOWN;
	if (sa->started && sa->p1->state == P1_UP) {
		for (i = 0; i < IKE_MAX_CHILD; i++)
			if (sa->child[i].used)
				spis[n++] = sa->child[i].sa.spi_in;
		if (n)
			ike_info_send_delete_esp(sa, spis, n);
		ike_info_send_delete_isakmp(sa, sa->p1);
	}
	for (i = 0; i < IKE_MAX_CHILD; i++)
		if (sa->child[i].used)
			ike_child_remove(sa, &sa->child[i], true);
	sa->dead = true;
	if (sa->started)
		ike_rtx_stop(&sa->p1->rtx);
	for (i = 0; i < IKE_MAX_CHILD; i++)
		ike_rtx_stop(&sa->qm[i].rtx);
	(void)now_ms;
	ike_emit(sa, &ev);
	return 0;
}

void ike_sa_notify_traffic(struct ike_sa *sa, uint64_t now_ms)
{
	if (!sa)
		return;
	if (now_ms > sa->last_rx_ms)
		sa->last_rx_ms = now_ms;
	sa->dpd_outstanding = 0;
	if (sa->cfg.dpd_interval_s && sa->p1 && sa->p1->state == P1_UP)
		sa->dpd_next_ms = sa->last_rx_ms + (uint64_t)sa->cfg.dpd_interval_s * 1000;
}

bool ike_sa_natt_active(const struct ike_sa *sa)
{
	return sa && sa->floated;
}

uint16_t ike_sa_peer_port(const struct ike_sa *sa)
{
	return sa && sa->floated ? IKE_NATT_PORT : IKE_PORT;
}
