/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Quick Mode (RFC 2409 5.5) for one ESP transport-mode SA pair carrying
 * L2TP: selectors udp/1701 between the two hosts, NAT-OA when NAT-T is in
 * use (RFC 3947 5.2), optional PFS.
 *
 *   QM1  HDR*, HASH(1), SA, Ni [, KE], IDci, IDcr [, NAT-OAi, NAT-OAr]  ->
 *   QM2                 <- HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr] [, NAT-OA..]
 *   QM3  HDR*, HASH(3)                                                  ->
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ike-internal.h"

#define L2TP_PORT   1701
#define QM_CACHE_MS 60000

static uint16_t encap_mode(const struct ike_sa *sa)
{
	if (!sa->floated)
		return ENCAP_TRANSPORT;
	return sa->p1->natoa_type == ISAKMP_PL_NAT_OA ? ENCAP_UDP_TRANSPORT
						      : ENCAP_UDP_TRANSPORT_DRAFT;
}

void ike_qm_format_offer(const struct ike_sa *sa, char *out, size_t len)
{
	char list[400];

	if (ike_p2_format(&sa->cfg.p2, list, sizeof(list)) < 0)
		snprintf(list, sizeof(list), "(list too long)");
	snprintf(out, len, "(offered ESP: %s; %s%s)", list,
		 encap_mode(sa) == ENCAP_TRANSPORT ? "Transport" : "UDP-Transport",
		 sa->cfg.pfs_group ? ", PFS" : "");
}

static size_t enc_key_len(uint8_t t, uint16_t bits)
{
	switch (t) {
	case 2:
		return 8;
	case 3:
		return 24;
	case 12:
		return bits / 8u;
	case 20:
		return bits / 8u + 4; /* key then salt (RFC 4106 8.1) */
	}
	return 0;
}

static size_t auth_key_len(uint16_t a)
{
	switch (a) {
	case 0:
		return 0;
	case 1:
		return 16;
	case 2:
		return 20;
	case 5:
		return 32;
	}
	return SIZE_MAX;
}

static void fill_p2_sa(const struct ike_sa *sa, uint32_t spi_in, struct isakmp_sa *isa)
{
	size_t i;

	memset(isa, 0, sizeof(*isa));
	isa->doi = ISAKMP_DOI_IPSEC;
	isa->situation = ISAKMP_SIT_IDENTITY_ONLY;
	isa->n_prop = 1;
	isa->prop[0].num = 1;
	isa->prop[0].proto = ISAKMP_PROTO_IPSEC_ESP;
	isa->prop[0].spi_size = 4;
	put_u32(isa->prop[0].spi, spi_in);
	for (i = 0; i < sa->cfg.p2.n && i < ISAKMP_MAX_XF; i++) {
		const struct ike_p2_proposal *pp = &sa->cfg.p2.p[i];
		struct isakmp_xf *xf = &isa->prop[0].xf[i];

		xf->num = (uint8_t)(i + 1);
		xf->id = pp->esp_transform;
		xf->key_len = pp->key_bits;
		xf->auth_alg = pp->auth_alg;
		xf->encap = encap_mode(sa);
		xf->life_s = sa->cfg.p2_lifetime_s;
		xf->life_kb = sa->cfg.p2_lifetime_kb;
		xf->group = sa->cfg.pfs_group;
	}
	isa->prop[0].n_xf = (uint8_t)i;
}

static struct ike_qm *qm_slot(struct ike_sa *sa)
{
	size_t i;

	for (i = 0; i < IKE_MAX_CHILD; i++)
		if (!sa->qm[i].used)
			return &sa->qm[i];
	/* reuse a finished exchange kept only for its reply cache */
	for (i = 0; i < IKE_MAX_CHILD; i++)
		if (sa->qm[i].state == QM_DONE) {
			ike_qm_clear(&sa->qm[i]);
			return &sa->qm[i];
		}
	return NULL;
}

static void build_ids(const struct ike_sa *sa, struct isakmp_pl *ci, struct isakmp_pl *cr)
{
	memset(ci, 0, sizeof(*ci));
	ci->type = ISAKMP_PL_ID;
	ci->id_type = ISAKMP_ID_IPV4_ADDR;
	ci->proto_id = 17;
	ci->port = L2TP_PORT;
	*cr = *ci;
	ci->data = sa->cfg.local_ip;
	ci->data_len = 4;
	cr->data = sa->cfg.remote_ip;
	cr->data_len = 4;
}

int ike_qm_start(struct ike_sa *sa, uint32_t replaces_spi_in, uint64_t now_ms)
{
	struct isakmp_hdr h = {.exch = ISAKMP_EXCH_QUICK};
	struct ike_p1 *p = sa->p1;
	struct ike_qm *qm = qm_slot(sa);
	uint8_t buf[IKE_MSG_MAX], zero[IKE_MAX_HASH_LEN] = {0};
	struct isakmp_pl ci, cr, oa;
	struct isakmp_builder b;
	struct isakmp_sa isa;
	int hash_off, len;

	if (!qm) {
		ike_fail(sa, IKE_FAIL_INTERNAL, "(too many Quick Modes)");
		return -ENOMEM;
	}
	qm->used = true;
	qm->state = QM_SENT;
	qm->mid = ike_random_mid(sa);
	qm->replaces_spi_in = replaces_spi_in;
	do
		rand_fill(&sa->rnd, &qm->spi_in, sizeof(qm->spi_in));
	while (qm->spi_in < 256 || ike_child_by_spi_in(sa, qm->spi_in)); /* 1..255 reserved */
	rand_fill(&sa->rnd, qm->ni, sizeof(qm->ni));
	/* IV = HASH(last phase 1 CBC block | M-ID) */
	if (ike_p2_iv(p->hash, p->last_block, p->block_len, qm->mid, qm->iv))
		goto internal;
	if (sa->cfg.pfs_group) {
		qm->dh = ike_dh_new(sa->cfg.pfs_group, &sa->rnd);
		qm->gx_len = ike_group_pub_len(sa->cfg.pfs_group);
		if (!qm->dh || qm->gx_len > IKE_MAX_PUB ||
		    ike_dh_public(qm->dh, qm->gxi, qm->gx_len))
			goto internal;
	}

	memcpy(h.cky_i, p->cky_i, 8);
	memcpy(h.cky_r, p->cky_r, 8);
	h.msg_id = qm->mid;
	isakmp_build_begin(&b, buf, sizeof(buf), &h);
	hash_off = isakmp_build_data(&b, ISAKMP_PL_HASH, zero, p->hash_len);
	fill_p2_sa(sa, qm->spi_in, &isa);
	isakmp_sa_build(&b, &isa, false);
	isakmp_build_data(&b, ISAKMP_PL_NONCE, qm->ni, sizeof(qm->ni));
	if (qm->dh)
		isakmp_build_data(&b, ISAKMP_PL_KE, qm->gxi, qm->gx_len);
	build_ids(sa, &ci, &cr);
	isakmp_build_pl(&b, &ci);
	isakmp_build_pl(&b, &cr);
	if (sa->floated) {
		/* NAT-OAi: our address as we know it; NAT-OAr: the server's */
		memset(&oa, 0, sizeof(oa));
		oa.type = p->natoa_type;
		oa.id_type = ISAKMP_ID_IPV4_ADDR;
		oa.data = sa->cfg.local_ip;
		oa.data_len = 4;
		isakmp_build_pl(&b, &oa);
		oa.data = sa->cfg.remote_ip;
		isakmp_build_pl(&b, &oa);
	}
	len = isakmp_build_end(&b);
	if (hash_off < 0 || len < 0)
		goto internal;
	/* HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ]) */
	{
		size_t rest = (size_t)hash_off + ISAKMP_GEN_HDR_LEN + p->hash_len;

		if (ike_msg_hash(p, qm->mid, NULL, 0, buf + rest, (size_t)len - rest,
				 buf + hash_off + ISAKMP_GEN_HDR_LEN))
			goto internal;
	}
	len = ike_msg_encrypt(p, qm->iv, buf, (size_t)len, sizeof(buf));
	if (len < 0 || ike_rtx_start(sa, &qm->rtx, buf, (size_t)len, now_ms))
		goto internal;
	log_msg(&sa->log, LOG_LVL_DEBUG, "ike: QM1 mid %08x spi %08x%s", qm->mid, qm->spi_in,
		replaces_spi_in ? " (rekey)" : "");
	return 0;
internal:
	ike_qm_clear(qm);
	ike_fail(sa, IKE_FAIL_INTERNAL, "(Quick Mode)");
	return -EIO;
}

static const struct ike_p2_proposal *match_p2(const struct ike_sa *sa, const struct isakmp_sa *isa,
					      uint32_t *spi_out, uint32_t *life_s,
					      uint32_t *life_kb)
{
	const struct isakmp_prop *prop = &isa->prop[0];
	const struct isakmp_xf *xf = &prop->xf[0];
	size_t i;

	if (isa->n_prop != 1 || prop->n_xf != 1 || prop->proto != ISAKMP_PROTO_IPSEC_ESP ||
	    prop->spi_size != 4 || xf->unknown_attr)
		return NULL;
	if (xf->encap != encap_mode(sa) || xf->group != sa->cfg.pfs_group)
		return NULL;
	*spi_out = get_u32(prop->spi);
	*life_s = xf->life_s && xf->life_s < sa->cfg.p2_lifetime_s ? xf->life_s
								   : sa->cfg.p2_lifetime_s;
	*life_kb = xf->life_kb && (!sa->cfg.p2_lifetime_kb || xf->life_kb < sa->cfg.p2_lifetime_kb)
			   ? xf->life_kb
			   : sa->cfg.p2_lifetime_kb;
	for (i = 0; i < sa->cfg.p2.n; i++) {
		const struct ike_p2_proposal *pp = &sa->cfg.p2.p[i];

		if (pp->esp_transform == xf->id && pp->key_bits == xf->key_len &&
		    pp->auth_alg == xf->auth_alg)
			return pp;
	}
	return NULL;
}

/* RESPONDER-LIFETIME (RFC 2407 4.6.3.1) for our ESP SA lowers its lifetime. */
static void responder_lifetime(const struct isakmp_msg *d, uint32_t spi_in, uint32_t spi_out,
			       uint32_t *life_s, uint32_t *life_kb)
{
	const struct isakmp_pl *n;
	struct isakmp_xf xf;
	unsigned i;

	for (i = 0; (n = isakmp_find(d, ISAKMP_PL_N, i)); i++) {
		if (n->notify_type != ISAKMP_N_RESPONDER_LIFETIME ||
		    n->proto_id != ISAKMP_PROTO_IPSEC_ESP ||
		    /* RFC 2407 does not say whose SPI it names: take either */
		    (n->spi_size == 4 && get_u32(n->spi) != spi_out && get_u32(n->spi) != spi_in))
			continue;
		if (isakmp_attrs_parse(n->data, n->data_len, false, &xf))
			continue;
		if (xf.life_s && xf.life_s < *life_s)
			*life_s = xf.life_s;
		if (xf.life_kb && (!*life_kb || xf.life_kb < *life_kb))
			*life_kb = xf.life_kb;
	}
}

static int keymat(const struct ike_p1 *p, const struct secbuf *g_qm_xy, uint32_t spi,
		  const struct ike_qm *qm, const uint8_t *nr, size_t nr_len, size_t len,
		  struct secbuf **out)
{
	uint8_t spi_b[4];
	struct secbuf *k = secbuf_new(len);

	if (!k)
		return -ENOMEM;
	put_u32(spi_b, spi);
	/* KEYMAT = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b), expanded */
	if (ike_keymat(p->hash, p->keys.skeyid_d, g_qm_xy, ISAKMP_PROTO_IPSEC_ESP, spi_b, qm->ni,
		       sizeof(qm->ni), nr, nr_len, k->data, len)) {
		secbuf_free(k);
		return -EIO;
	}
	*out = k;
	return 0;
}

static void install_child(struct ike_sa *sa, struct ike_qm *qm, struct ike_child *c,
			  uint64_t now_ms)
{
	struct ike_event ev = {.type = IKE_EV_CHILD_SA_UP};
	struct ike_child *old = NULL;

	c->used = true;
	c->expire_ms = now_ms + (uint64_t)c->sa.lifetime_s * 1000;
	c->rekey_ms = c->expire_ms - ike_rekey_margin_ms(sa, c->sa.lifetime_s);
	if (qm->replaces_spi_in)
		old = ike_child_by_spi_in(sa, qm->replaces_spi_in);
	log_msg(&sa->log, LOG_LVL_INFO, "ike: child SA up: %s, in %08x out %08x, %u s", c->sa.suite,
		c->sa.spi_in, c->sa.spi_out, c->sa.lifetime_s);
	ev.child.sa = &c->sa;
	if (old) {
		/* the new pair is up: only now may the old one go (make before break) */
		uint32_t spi = old->sa.spi_in;

		ev.type = IKE_EV_CHILD_SA_REKEYED;
		ev.child.old_spi_in = spi;
		ike_emit(sa, &ev);
		ike_info_send_delete_esp(sa, &spi, 1);
		ike_child_remove(sa, old, true);
		return;
	}
	ike_emit(sa, &ev);
}

static struct ike_child *child_slot(struct ike_sa *sa)
{
	size_t i;

	for (i = 0; i < IKE_MAX_CHILD; i++)
		if (!sa->child[i].used)
			return &sa->child[i];
	return NULL;
}

/* QM2: the server's choice; then KEYMAT, QM3 and the new child SA. */
static void rx_qm2(struct ike_sa *sa, struct ike_qm *qm, const struct isakmp_msg *m,
		   const uint8_t *raw, size_t raw_len, uint64_t now_ms)
{
	struct isakmp_hdr h = {.exch = ISAKMP_EXCH_QUICK};
	struct ike_p1 *p = sa->p1;
	uint8_t plain[IKE_MSG_MAX], buf[256], iv[IKE_MAX_BLOCK_LEN], zero = 0;
	const struct isakmp_pl *nr, *ke;
	const struct ike_p2_proposal *pp;
	struct secbuf *g_qm_xy = NULL;
	uint32_t spi_out, life_s, life_kb;
	struct isakmp_builder b;
	struct isakmp_msg d;
	struct isakmp_sa isa;
	struct ike_child *c;
	size_t ek, ak;
	int len;

	memcpy(iv, qm->iv, p->block_len);
	if (ike_msg_decrypt(p, iv, m, plain, &d) ||
	    isakmp_check_payloads(&d,
				  ISAKMP_BIT(ISAKMP_PL_HASH) | ISAKMP_BIT(ISAKMP_PL_SA) |
					  ISAKMP_BIT(ISAKMP_PL_NONCE),
				  ISAKMP_BIT(ISAKMP_PL_KE) | ISAKMP_BIT(ISAKMP_PL_ID) |
					  ISAKMP_BIT_NAT_OA | ISAKMP_BIT(ISAKMP_PL_N)) ||
	    /* HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ]) */
	    ike_msg_check_hash(p, &d, qm->ni, sizeof(qm->ni))) {
		log_msg(&sa->log, LOG_LVL_DEBUG, "ike: QM2 invalid (decryption/payloads/HASH(2))");
		return;
	}
	nr = isakmp_find(&d, ISAKMP_PL_NONCE, 0);
	ke = isakmp_find(&d, ISAKMP_PL_KE, 0);
	if (isakmp_sa_parse(isakmp_find(&d, ISAKMP_PL_SA, 0), false, &isa) ||
	    !(pp = match_p2(sa, &isa, &spi_out, &life_s, &life_kb)) || (qm->dh && !ke) ||
	    (!qm->dh && ke)) {
		ike_fail(sa, IKE_FAIL_BAD_RESPONSE,
			 "(QM2 chose an ESP transform we did not offer)");
		return;
	}
	if (qm->dh && (ke->data_len != qm->gx_len ||
		       ike_dh_shared(qm->dh, ke->data, ke->data_len, &g_qm_xy))) {
		ike_fail(sa, IKE_FAIL_BAD_RESPONSE, "(QM2 KE invalid)");
		return;
	}
	responder_lifetime(&d, qm->spi_in, spi_out, &life_s, &life_kb);
	memcpy(qm->iv, iv, p->block_len);
	ike_rtx_stop(&qm->rtx);

	c = child_slot(sa);
	ek = enc_key_len(pp->esp_transform, pp->key_bits);
	ak = auth_key_len(pp->auth_alg);
	if (!c || !ek || ak == SIZE_MAX ||
	    keymat(p, g_qm_xy, qm->spi_in, qm, nr->data, nr->data_len, ek + ak, &c->sa.keymat_in) ||
	    keymat(p, g_qm_xy, spi_out, qm, nr->data, nr->data_len, ek + ak, &c->sa.keymat_out)) {
		secbuf_free(g_qm_xy);
		if (c) {
			secbuf_free(c->sa.keymat_in);
			c->sa.keymat_in = NULL;
		}
		ike_fail(sa, IKE_FAIL_INTERNAL, "(KEYMAT)");
		return;
	}
	secbuf_free(g_qm_xy);
	c->sa.spi_in = qm->spi_in;
	c->sa.spi_out = spi_out;
	c->sa.esp_transform = pp->esp_transform;
	c->sa.key_bits = pp->key_bits;
	c->sa.auth_alg = pp->auth_alg;
	c->sa.encap_mode = encap_mode(sa);
	c->sa.lifetime_s = life_s;
	c->sa.lifetime_kb = life_kb;
	ike_p2_proposal_name(pp, c->sa.suite, sizeof(c->sa.suite));

	/* QM3: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b) */
	memcpy(h.cky_i, p->cky_i, 8);
	memcpy(h.cky_r, p->cky_r, 8);
	h.msg_id = qm->mid;
	{
		uint8_t mid_b[4], h3[IKE_MAX_HASH_LEN];
		struct ike_chunk ch[4] = {
			{&zero, 1}, {mid_b, 4}, {qm->ni, sizeof(qm->ni)}, {nr->data, nr->data_len}};

		put_u32(mid_b, qm->mid);
		if (ike_prf(p->hash, p->keys.skeyid_a->data, p->keys.skeyid_a->len, ch, 4, h3)) {
			ike_fail(sa, IKE_FAIL_INTERNAL, "(HASH(3))");
			return;
		}
		isakmp_build_begin(&b, buf, sizeof(buf), &h);
		isakmp_build_data(&b, ISAKMP_PL_HASH, h3, p->hash_len);
	}
	len = isakmp_build_end(&b);
	if (len > 0)
		len = ike_msg_encrypt(p, qm->iv, buf, (size_t)len, sizeof(buf));
	if (len < 0) {
		ike_fail(sa, IKE_FAIL_INTERNAL, "(QM3)");
		return;
	}
	ike_send(sa, buf, (size_t)len);
	ike_cache_set(&qm->cache, raw, raw_len, buf, (size_t)len);
	qm->state = QM_DONE;
	qm->done_ms = now_ms + QM_CACHE_MS;
	ike_dh_free(qm->dh);
	qm->dh = NULL;
	install_child(sa, qm, c, now_ms);
}

void ike_qm_rx(struct ike_sa *sa, const struct isakmp_msg *m, const uint8_t *raw, size_t raw_len,
	       uint64_t now_ms)
{
	size_t i;

	if (!(m->hdr.flags & ISAKMP_FLAG_ENC))
		return;
	for (i = 0; i < IKE_MAX_CHILD; i++) {
		struct ike_qm *qm = &sa->qm[i];

		if (!qm->used || qm->mid != m->hdr.msg_id)
			continue;
		switch (qm->state) {
		case QM_SENT:
			rx_qm2(sa, qm, m, raw, raw_len, now_ms);
			return;
		case QM_DONE:
			/* QM3 was lost: the server repeats QM2 */
			if (qm->cache.rx && qm->cache.rx_len == raw_len &&
			    !memcmp(qm->cache.rx, raw, raw_len))
				ike_send(sa, qm->cache.tx, qm->cache.tx_len);
			return;
		}
	}
	log_msg(&sa->log, LOG_LVL_DEBUG, "ike: Quick Mode with unknown message ID %08x dropped",
		m->hdr.msg_id);
}

void ike_qm_timeout(struct ike_sa *sa, struct ike_qm *qm, uint64_t now_ms)
{
	struct ike_child *old =
		qm->replaces_spi_in ? ike_child_by_spi_in(sa, qm->replaces_spi_in) : NULL;

	ike_qm_clear(qm);
	if (old) {
		/* the old pair still works until it expires; try again */
		log_msg(&sa->log, LOG_LVL_WARN, "ike: child rekey unanswered; retrying");
		old->rekeying = false;
		old->rekey_ms = now_ms + 10000;
		return;
	}
	ike_qm_format_offer(sa, sa->detail, sizeof(sa->detail));
	ike_fail(sa, IKE_FAIL_QM_NO_RESPONSE, sa->detail);
}
