/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Main Mode with pre-shared key (RFC 2409 5, 5.4), NAT-T detection (RFC 3947
 * and draft-ietf-ipsec-nat-t-ike-02/03) and the vendor IDs that go with it.
 *
 *   MM1  HDR, SA, VID...             ->
 *   MM2                              <- HDR, SA, VID...
 *   MM3  HDR, KE, Ni, NAT-D, NAT-D   ->
 *   MM4                              <- HDR, KE, Nr, NAT-D, NAT-D
 *   MM5  HDR*, IDii, HASH_I [, N]    ->      (UDP 4500 from here when NAT)
 *   MM6                              <- HDR*, IDir, HASH_R
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike-internal.h"

struct vid {
	uint8_t id[16];
	uint32_t flag;
};

/* Sent in this order; recognised in any order. */
static const struct vid vids[] = {
	/* RFC 3947 */
	{{0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45, 0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45,
	  0x2f},
	 IKE_VENDOR_NATT_RFC},
	/* draft-ietf-ipsec-nat-t-ike-03 */
	{{0x7d, 0x94, 0x19, 0xa6, 0x53, 0x10, 0xca, 0x6f, 0x2c, 0x17, 0x9d, 0x92, 0x15, 0x52, 0x9d,
	  0x56},
	 IKE_VENDOR_NATT_DRAFT03},
	/* draft-ietf-ipsec-nat-t-ike-02\n */
	{{0x90, 0xcb, 0x80, 0x91, 0x3e, 0xbb, 0x69, 0x6e, 0x08, 0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b,
	  0x1f},
	 IKE_VENDOR_NATT_DRAFT02N},
	/* draft-ietf-ipsec-nat-t-ike-02 */
	{{0xcd, 0x60, 0x46, 0x43, 0x35, 0xdf, 0x21, 0xf8, 0x7c, 0xfd, 0xb2, 0xfc, 0x68, 0xb6, 0xa4,
	  0x48},
	 IKE_VENDOR_NATT_DRAFT02},
	/* RFC 3706 DPD, version 1.0 */
	{{0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9, 0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01,
	  0x00},
	 IKE_VENDOR_DPD},
};

#define NATT_ANY                                                                    \
	(IKE_VENDOR_NATT_RFC | IKE_VENDOR_NATT_DRAFT02 | IKE_VENDOR_NATT_DRAFT02N | \
	 IKE_VENDOR_NATT_DRAFT03)

static uint32_t vendor_flags(const struct isakmp_msg *m)
{
	uint32_t flags = 0;
	const struct isakmp_pl *v;
	unsigned i, j;

	for (i = 0; (v = isakmp_find(m, ISAKMP_PL_VID, i)); i++)
		for (j = 0; j < ARRAY_SIZE(vids); j++)
			if (v->data_len == 16 && !memcmp(v->data, vids[j].id, 16))
				flags |= vids[j].flag;
	return flags;
}

struct ike_p1 *ike_mm_new(struct ike_sa *sa, bool rekey)
{
	struct ike_p1 *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	do
		rand_fill(&sa->rnd, p->cky_i, 8);
	while (!memcmp(p->cky_i, "\0\0\0\0\0\0\0\0", 8));
	rand_fill(&sa->rnd, p->ni, sizeof(p->ni));
	p->rekey = rekey;
	p->state = P1_MM1_SENT;
	return p;
}

static void fill_p1_sa(const struct ike_sa *sa, struct isakmp_sa *isa)
{
	size_t i, n = sa->cfg.probe ? 1 : sa->cfg.p1.n;

	memset(isa, 0, sizeof(*isa));
	isa->doi = ISAKMP_DOI_IPSEC;
	isa->situation = ISAKMP_SIT_IDENTITY_ONLY;
	isa->n_prop = 1;
	isa->prop[0].num = 1;
	isa->prop[0].proto = ISAKMP_PROTO_ISAKMP;
	/* one proposal, every transform carrying its own group (RFC 2409 5) */
	for (i = 0; i < n && i < ISAKMP_MAX_XF; i++) {
		const struct ike_p1_proposal *pp = &sa->cfg.p1.p[i];
		struct isakmp_xf *xf = &isa->prop[0].xf[i];

		xf->num = (uint8_t)(i + 1);
		xf->id = IKE_XF_KEY_IKE;
		xf->encr = pp->encr;
		xf->key_len = pp->encr == IKE_ENCR_AES_CBC ? pp->key_bits : 0;
		xf->hash = pp->hash;
		xf->auth = IKE_AUTH_PSK;
		xf->group = pp->group;
		xf->life_s = sa->cfg.p1_lifetime_s;
	}
	isa->prop[0].n_xf = (uint8_t)i;
}

int ike_mm_start(struct ike_sa *sa, struct ike_p1 *p, uint64_t now_ms)
{
	struct isakmp_hdr h = {.exch = ISAKMP_EXCH_MAIN};
	uint8_t buf[IKE_MSG_MAX];
	struct isakmp_builder b;
	struct isakmp_sa isa;
	int off, len;
	size_t i;

	memcpy(h.cky_i, p->cky_i, 8);
	fill_p1_sa(sa, &isa);
	isakmp_build_begin(&b, buf, sizeof(buf), &h);
	off = isakmp_sa_build(&b, &isa, true);
	if (off < 0)
		return off;
	/* SAi_b: the SA payload's body, for HASH_I and HASH_R */
	p->sai_b_len = get_u16(buf + off + 2) - ISAKMP_GEN_HDR_LEN;
	p->sai_b = malloc(p->sai_b_len);
	if (!p->sai_b)
		return -ENOMEM;
	memcpy(p->sai_b, buf + off + ISAKMP_GEN_HDR_LEN, p->sai_b_len);
	for (i = 0; i < ARRAY_SIZE(vids); i++) {
		if (sa->cfg.no_natt && (vids[i].flag & NATT_ANY))
			continue;
		isakmp_build_data(&b, ISAKMP_PL_VID, vids[i].id, 16);
	}
	len = isakmp_build_end(&b);
	if (len < 0)
		return len;
	log_msg(&sa->log, LOG_LVL_DEBUG, "ike: MM1 (%d bytes, %u transforms)", len,
		isa.prop[0].n_xf);
	return ike_rtx_start(sa, &p->rtx, buf, (size_t)len, now_ms);
}

static const struct ike_p1_proposal *match_p1(const struct ike_sa *sa, const struct isakmp_sa *isa)
{
	const struct isakmp_xf *xf;
	size_t i, n = sa->cfg.probe ? 1 : sa->cfg.p1.n;

	if (isa->n_prop != 1 || isa->prop[0].n_xf != 1 || isa->prop[0].proto != ISAKMP_PROTO_ISAKMP)
		return NULL;
	xf = &isa->prop[0].xf[0];
	if (xf->unknown_attr || xf->auth != IKE_AUTH_PSK || xf->id != IKE_XF_KEY_IKE)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct ike_p1_proposal *pp = &sa->cfg.p1.p[i];
		uint16_t kl = pp->encr == IKE_ENCR_AES_CBC ? pp->key_bits : 0;

		if (pp->encr == xf->encr && kl == xf->key_len && pp->hash == xf->hash &&
		    pp->group == xf->group)
			return pp;
	}
	return NULL;
}

static void fail_badmsg(struct ike_sa *sa, const char *what)
{
	ike_fail(sa, IKE_FAIL_BAD_RESPONSE, what);
}

static void p1_event(struct ike_sa *sa, struct ike_p1 *p)
{
	struct ike_event ev = {.type = IKE_EV_PHASE1_UP};
	char suite[64];

	ike_p1_proposal_name(&p->chosen, suite, sizeof(suite));
	ev.phase1.suite = suite;
	ev.phase1.lifetime_s = p->lifetime_s;
	ev.phase1.nat_detected = sa->floated;
	ev.phase1.natt = p->natt;
	ev.phase1.peer_port = ike_sa_peer_port(sa);
	ev.phase1.peer_vendor = p->vendor;
	ev.phase1.rekey = p->rekey;
	log_msg(&sa->log, LOG_LVL_INFO, "ike: ISAKMP SA up: %s, %u s%s", suite, p->lifetime_s,
		sa->floated ? ", NAT-T" : "");
	ike_emit(sa, &ev);
}

/* MM2: the server's choice. */
static void rx_mm2(struct ike_sa *sa, struct ike_p1 *p, const struct isakmp_msg *m,
		   const uint8_t *raw, size_t raw_len, uint64_t now_ms)
{
	struct isakmp_hdr h = {.exch = ISAKMP_EXCH_MAIN};
	uint8_t buf[IKE_MSG_MAX], natd[IKE_MAX_HASH_LEN];
	const struct ike_p1_proposal *pp;
	struct isakmp_builder b;
	struct isakmp_sa isa;
	uint16_t peer_port;
	int len;

	if (isakmp_check_payloads(m, ISAKMP_BIT(ISAKMP_PL_SA),
				  ISAKMP_BIT(ISAKMP_PL_VID) | ISAKMP_BIT(ISAKMP_PL_N)) ||
	    !memcmp(m->hdr.cky_r, "\0\0\0\0\0\0\0\0", 8) || m->hdr.msg_id != 0) {
		log_msg(&sa->log, LOG_LVL_DEBUG, "ike: MM2 malformed, dropped");
		return;
	}
	if (isakmp_sa_parse(isakmp_find(m, ISAKMP_PL_SA, 0), true, &isa) ||
	    !(pp = match_p1(sa, &isa))) {
		fail_badmsg(sa, "(MM2 chose a transform we did not offer)");
		return;
	}
	ike_rtx_stop(&p->rtx);
	p->chosen = *pp;
	if (sa->cfg.probe) {
		struct ike_event ev = {.type = IKE_EV_PROBE_RESULT};

		ev.probe.result = IKE_PROBE_ACCEPTED;
		ev.probe.chosen = *pp;
		sa->dead = true;
		ike_emit(sa, &ev);
		return;
	}
	memcpy(p->cky_r, m->hdr.cky_r, 8);
	p->lifetime_s = sa->cfg.p1_lifetime_s;
	if (isa.prop[0].xf[0].life_s && isa.prop[0].xf[0].life_s < p->lifetime_s)
		p->lifetime_s = isa.prop[0].xf[0].life_s;
	p->hash = pp->hash;
	p->encr = pp->encr;
	p->hash_len = ike_hash_len(p->hash);
	p->block_len = ike_encr_block_len(p->encr);
	p->key_len = ike_encr_key_len(p->encr, pp->key_bits);
	p->vendor = vendor_flags(m);
	p->natt = !sa->cfg.no_natt && (p->vendor & NATT_ANY);
	p->natd_type = p->vendor & IKE_VENDOR_NATT_RFC ? ISAKMP_PL_NAT_D : ISAKMP_PL_NAT_D_DRAFT;
	p->natoa_type = p->vendor & IKE_VENDOR_NATT_RFC ? ISAKMP_PL_NAT_OA : ISAKMP_PL_NAT_OA_DRAFT;
	if (!p->hash_len || !p->block_len || !p->key_len) {
		ike_fail(sa, IKE_FAIL_INTERNAL, "(unsupported algorithm)");
		return;
	}
	p->dh = ike_dh_new(pp->group, &sa->rnd);
	p->gx_len = ike_group_pub_len(pp->group);
	if (!p->dh || p->gx_len > IKE_MAX_PUB || ike_dh_public(p->dh, p->gxi, p->gx_len)) {
		ike_fail(sa, IKE_FAIL_INTERNAL, "(Diffie-Hellman)");
		return;
	}

	/* MM3: KE, Ni [, NAT-D(peer), NAT-D(us)] */
	memcpy(h.cky_i, p->cky_i, 8);
	memcpy(h.cky_r, p->cky_r, 8);
	isakmp_build_begin(&b, buf, sizeof(buf), &h);
	isakmp_build_data(&b, ISAKMP_PL_KE, p->gxi, p->gx_len);
	isakmp_build_data(&b, ISAKMP_PL_NONCE, p->ni, sizeof(p->ni));
	if (p->natt) {
		peer_port = ike_sa_peer_port(sa);
		/* NAT-D = HASH(CKY-I | CKY-R | IP | Port): the peer's first, then ours */
		ike_natd_hash(p->hash, p->cky_i, p->cky_r, sa->cfg.remote_ip, 4, peer_port, natd);
		isakmp_build_data(&b, p->natd_type, natd, p->hash_len);
		if (sa->cfg.force_encaps)
			/* a hash that cannot match makes the server see a NAT too */
			rand_fill(&sa->rnd, natd, p->hash_len);
		else
			ike_natd_hash(p->hash, p->cky_i, p->cky_r, sa->cfg.local_ip, 4,
				      sa->floated ? IKE_NATT_PORT : sa->cfg.local_port, natd);
		isakmp_build_data(&b, p->natd_type, natd, p->hash_len);
	}
	len = isakmp_build_end(&b);
	if (len < 0 || ike_rtx_start(sa, &p->rtx, buf, (size_t)len, now_ms)) {
		ike_fail(sa, IKE_FAIL_INTERNAL, "(MM3)");
		return;
	}
	ike_cache_set(&p->cache, raw, raw_len, buf, (size_t)len);
	p->state = P1_MM3_SENT;
	p->mm3_sent = 1;
	log_msg(&sa->log, LOG_LVL_DEBUG, "ike: MM2 ok, vendor 0x%x; MM3 sent", p->vendor);
}

/* NAT-D in MM4: the first is over our address as the server saw it, the rest over its own. */
static void check_natd(struct ike_sa *sa, struct ike_p1 *p, const struct isakmp_msg *m)
{
	uint8_t h_local[IKE_MAX_HASH_LEN], h_remote[IKE_MAX_HASH_LEN];
	const struct isakmp_pl *d;
	unsigned i;

	ike_natd_hash(p->hash, p->cky_i, p->cky_r, sa->cfg.local_ip, 4,
		      sa->floated ? IKE_NATT_PORT : sa->cfg.local_port, h_local);
	ike_natd_hash(p->hash, p->cky_i, p->cky_r, sa->cfg.remote_ip, 4, ike_sa_peer_port(sa),
		      h_remote);
	d = isakmp_find(m, ISAKMP_PL_NAT_D, 0);
	p->nat_local = !d || d->data_len != p->hash_len || memcmp(d->data, h_local, p->hash_len);
	p->nat_remote = true;
	for (i = 1; (d = isakmp_find(m, ISAKMP_PL_NAT_D, i)); i++)
		if (d->data_len == p->hash_len && !memcmp(d->data, h_remote, p->hash_len))
			p->nat_remote = false;
}

static int hash_i_r(struct ike_p1 *p, bool initiator, const uint8_t *id_b, size_t id_b_len,
		    uint8_t *out)
{
	/* HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
	 * HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b) */
	struct ike_chunk c[6] = {
		{initiator ? p->gxi : p->gxr, p->gx_len},
		{initiator ? p->gxr : p->gxi, p->gx_len},
		{initiator ? p->cky_i : p->cky_r, 8},
		{initiator ? p->cky_r : p->cky_i, 8},
		{p->sai_b, p->sai_b_len},
		{id_b, id_b_len},
	};

	return ike_prf(p->hash, p->keys.skeyid->data, p->keys.skeyid->len, c, 6, out);
}

/* MM4: keys, NAT detection, then MM5. */
static void rx_mm4(struct ike_sa *sa, struct ike_p1 *p, const struct isakmp_msg *m,
		   const uint8_t *raw, size_t raw_len, bool natt_port, uint64_t now_ms)
{
	struct isakmp_hdr h = {.exch = ISAKMP_EXCH_MAIN};
	const struct isakmp_pl *ke, *nr;
	uint8_t buf[IKE_MSG_MAX], hash_i[IKE_MAX_HASH_LEN], id_data[256], spi[16];
	struct secbuf *g_xy = NULL, *skeyid = NULL;
	struct isakmp_builder b;
	struct isakmp_pl id, n;
	int off, len;

	if (m->hdr.flags & ISAKMP_FLAG_ENC ||
	    isakmp_check_payloads(m, ISAKMP_BIT(ISAKMP_PL_KE) | ISAKMP_BIT(ISAKMP_PL_NONCE),
				  ISAKMP_BIT_NAT_D | ISAKMP_BIT(ISAKMP_PL_VID) |
					  ISAKMP_BIT(ISAKMP_PL_CR))) {
		log_msg(&sa->log, LOG_LVL_DEBUG, "ike: MM4 malformed, dropped");
		return;
	}
	ke = isakmp_find(m, ISAKMP_PL_KE, 0);
	nr = isakmp_find(m, ISAKMP_PL_NONCE, 0);
	if (ke->data_len != p->gx_len) {
		log_msg(&sa->log, LOG_LVL_DEBUG, "ike: MM4 KE length %zu != %zu, dropped",
			ke->data_len, p->gx_len);
		return;
	}
	if (ike_dh_shared(p->dh, ke->data, ke->data_len, &g_xy)) {
		log_msg(&sa->log, LOG_LVL_DEBUG, "ike: MM4 KE out of range, dropped");
		return;
	}
	memcpy(p->gxr, ke->data, p->gx_len);
	memcpy(p->nr, nr->data, nr->data_len);
	p->nr_len = nr->data_len;
	/* SKEYID = prf(pre-shared-key, Ni_b | Nr_b); SKEYID_d/a/e from it (RFC 2409 5) */
	if (ike_skeyid_psk(p->hash, sa->psk, p->ni, sizeof(p->ni), p->nr, p->nr_len, &skeyid) ||
	    ike_derive_p1(p->hash, p->encr, p->key_len, skeyid, g_xy, p->cky_i, p->cky_r,
			  &p->keys) ||
	    ike_p1_iv(p->hash, p->gxi, p->gx_len, p->gxr, p->gx_len, p->block_len, p->iv)) {
		secbuf_free(g_xy);
		ike_fail(sa, IKE_FAIL_INTERNAL, "(key derivation)");
		return;
	}
	secbuf_free(g_xy);
	ike_dh_free(p->dh);
	p->dh = NULL;
	if (p->natt) {
		check_natd(sa, p, m);
		if (p->nat_local || p->nat_remote || sa->cfg.force_encaps)
			sa->floated = true;
	}
	log_msg(&sa->log, LOG_LVL_DEBUG, "ike: MM4 ok; NAT local %d remote %d", p->nat_local,
		p->nat_remote);

	/* MM5: IDii, HASH_I [, N(INITIAL-CONTACT)], encrypted */
	if (ike_id_payload(sa->cfg.local_id, sa->cfg.local_ip, 17, IKE_PORT, &id, id_data,
			   sizeof(id_data))) {
		ike_fail(sa, IKE_FAIL_INTERNAL, "(local id)");
		return;
	}
	memcpy(h.cky_i, p->cky_i, 8);
	memcpy(h.cky_r, p->cky_r, 8);
	isakmp_build_begin(&b, buf, sizeof(buf), &h);
	off = isakmp_build_pl(&b, &id);
	if (off < 0 || (size_t)get_u16(buf + off + 2) > sizeof(p->idii_b) + ISAKMP_GEN_HDR_LEN) {
		ike_fail(sa, IKE_FAIL_INTERNAL, "(MM5)");
		return;
	}
	p->idii_b_len = get_u16(buf + off + 2) - ISAKMP_GEN_HDR_LEN;
	memcpy(p->idii_b, buf + off + ISAKMP_GEN_HDR_LEN, p->idii_b_len);
	hash_i_r(p, true, p->idii_b, p->idii_b_len, hash_i);
	isakmp_build_data(&b, ISAKMP_PL_HASH, hash_i, p->hash_len);
	if (sa->cfg.initial_contact && !p->rekey) {
		memcpy(spi, p->cky_i, 8);
		memcpy(spi + 8, p->cky_r, 8);
		memset(&n, 0, sizeof(n));
		n.type = ISAKMP_PL_N;
		n.doi = ISAKMP_DOI_IPSEC;
		n.proto_id = ISAKMP_PROTO_ISAKMP;
		n.spi_size = 16;
		n.spi = spi;
		n.notify_type = ISAKMP_N_INITIAL_CONTACT;
		isakmp_build_pl(&b, &n);
	}
	len = isakmp_build_end(&b);
	if (len > 0)
		len = ike_msg_encrypt(p, p->iv, buf, (size_t)len, sizeof(buf));
	if (len < 0 || ike_rtx_start(sa, &p->rtx, buf, (size_t)len, now_ms)) {
		ike_fail(sa, IKE_FAIL_INTERNAL, "(MM5)");
		return;
	}
	ike_cache_set(&p->cache, raw, raw_len, buf, (size_t)len);
	free(p->mm4);
	p->mm4 = malloc(raw_len);
	if (p->mm4) {
		memcpy(p->mm4, raw, raw_len);
		p->mm4_len = raw_len;
	}
	p->mm4_on_500 = !natt_port;
	p->mm4_rx = 1;
	p->state = P1_MM5_SENT;
}

static bool id_matches(const char *want, const struct isakmp_pl *id)
{
	struct isakmp_pl exp;
	uint8_t data[256];

	if (ike_id_payload(want, NULL, 0, 0, &exp, data, sizeof(data)))
		return false;
	return exp.id_type == id->id_type && exp.data_len == id->data_len &&
	       !memcmp(exp.data, id->data, id->data_len);
}

static void p1_up(struct ike_sa *sa, struct ike_p1 *p, uint64_t now_ms)
{
	uint64_t life_ms = (uint64_t)p->lifetime_s * 1000;
	struct ike_p1 *old;

	p->state = P1_UP;
	memcpy(p->last_block, p->iv, p->block_len);
	p->up_ms = now_ms;
	p->expire_ms = now_ms + life_ms;
	p->rekey_ms = p->expire_ms - ike_rekey_margin_ms(sa, p->lifetime_s);
	ike_rtx_stop(&p->rtx);
	free(p->mm4);
	p->mm4 = NULL;
	sa->last_rx_ms = now_ms;
	if (sa->cfg.dpd_interval_s && (p->vendor & IKE_VENDOR_DPD))
		sa->dpd_next_ms = now_ms + (uint64_t)sa->cfg.dpd_interval_s * 1000;
	p1_event(sa, p);
	if (p->rekey) {
		/* the new ISAKMP SA takes over; child SAs stay (they do not depend on it) */
		old = sa->p1;
		sa->p1 = p;
		sa->p1_next = NULL;
		ike_info_send_delete_isakmp(sa, old);
		ike_p1_free(old);
		return;
	}
	ike_qm_start(sa, 0, now_ms);
}

/*
 * An MM6 we cannot read means another key, or junk from someone else: one
 * alone changes nothing; a second (the answer to our MM5 retransmission), or
 * MM5's timeout, is a verdict.
 */
static void bad_mm6(struct ike_sa *sa, struct ike_p1 *p, const char *why)
{
	log_msg(&sa->log, LOG_LVL_DEBUG, "ike: MM6 dropped %s", why);
	if (++p->bad_mm6 >= 2)
		ike_fail(sa, IKE_FAIL_PSK_MISMATCH, why);
}

/* MM6: authenticate the server. */
static void rx_mm6(struct ike_sa *sa, struct ike_p1 *p, const struct isakmp_msg *m,
		   const uint8_t *raw, size_t raw_len, uint64_t now_ms)
{
	uint8_t plain[IKE_MSG_MAX], hash_r[IKE_MAX_HASH_LEN];
	const struct isakmp_pl *id, *hash;
	struct isakmp_msg d;

	if (!(m->hdr.flags & ISAKMP_FLAG_ENC)) {
		/*
		 * SoftEther answers a wrong PSK by repeating MM4. A repeat our own
		 * MM3 retransmissions explain is not evidence; two more are.
		 */
		if (p->mm4 && raw_len == p->mm4_len && !memcmp(raw, p->mm4, raw_len) &&
		    ++p->mm4_rx >= p->mm3_sent + 2)
			ike_fail(sa, IKE_FAIL_PSK_MISMATCH,
				 "(the server repeated MM4 instead of sending MM6)");
		return;
	}
	if (ike_msg_decrypt(p, p->iv, m, plain, &d) ||
	    isakmp_check_payloads(&d, ISAKMP_BIT(ISAKMP_PL_ID) | ISAKMP_BIT(ISAKMP_PL_HASH),
				  ISAKMP_BIT(ISAKMP_PL_N) | ISAKMP_BIT(ISAKMP_PL_VID))) {
		bad_mm6(sa, p, "(MM6 does not decrypt with our key)");
		return;
	}
	id = isakmp_find(&d, ISAKMP_PL_ID, 0);
	hash = isakmp_find(&d, ISAKMP_PL_HASH, 0);
	if (hash_i_r(p, false, id->body, id->body_len, hash_r)) {
		ike_fail(sa, IKE_FAIL_INTERNAL, "(HASH_R)");
		return;
	}
	if (hash->data_len != p->hash_len || secure_memcmp(hash_r, hash->data, p->hash_len)) {
		bad_mm6(sa, p, "(HASH_R does not verify)");
		return;
	}
	if (sa->cfg.remote_id && !id_matches(sa->cfg.remote_id, id)) {
		snprintf(sa->detail, sizeof(sa->detail),
			 "(the server identified itself as something other than `%s')",
			 sa->cfg.remote_id);
		ike_fail(sa, IKE_FAIL_ID_REJECTED, sa->detail);
		return;
	}
	ike_cache_set(&p->cache, raw, raw_len, NULL, 0);
	p1_up(sa, p, now_ms);
}

void ike_mm_rx(struct ike_sa *sa, struct ike_p1 *p, const struct isakmp_msg *m, const uint8_t *raw,
	       size_t raw_len, bool natt_port, uint64_t now_ms)
{
	switch (p->state) {
	case P1_MM1_SENT:
		if (!(m->hdr.flags & ISAKMP_FLAG_ENC))
			rx_mm2(sa, p, m, raw, raw_len, now_ms);
		break;
	case P1_MM3_SENT:
		rx_mm4(sa, p, m, raw, raw_len, natt_port, now_ms);
		break;
	case P1_MM5_SENT:
		rx_mm6(sa, p, m, raw, raw_len, now_ms);
		break;
	case P1_UP:
	case P1_DEAD:
		break;
	}
}

void ike_mm_timeout(struct ike_sa *sa, struct ike_p1 *p, uint64_t now_ms)
{
	if (p->rekey) {
		/* keep the old ISAKMP SA and try again a little later */
		log_msg(&sa->log, LOG_LVL_WARN, "ike: phase 1 rekey unanswered; retrying later");
		sa->p1_next = NULL;
		sa->p1->rekey_ms = now_ms + 60000;
		ike_p1_free(p);
		return;
	}
	switch (p->state) {
	case P1_MM1_SENT:
		if (sa->cfg.probe) {
			struct ike_event ev = {.type = IKE_EV_PROBE_RESULT};

			ev.probe.result = IKE_PROBE_NO_ANSWER;
			ev.probe.chosen = sa->cfg.p1.p[0];
			ike_rtx_stop(&p->rtx);
			sa->dead = true;
			ike_emit(sa, &ev);
			return;
		}
		ike_fail(sa, IKE_FAIL_NO_RESPONSE, "");
		break;
	case P1_MM3_SENT:
		ike_fail(sa, IKE_FAIL_NO_RESPONSE, "(the server stopped answering after MM2)");
		break;
	case P1_MM5_SENT:
		if (p->mm4_rx > p->mm3_sent)
			ike_fail(sa, IKE_FAIL_PSK_MISMATCH,
				 "(the server repeated MM4 instead of sending MM6)");
		else if (p->bad_mm6)
			ike_fail(sa, IKE_FAIL_PSK_MISMATCH, "(MM6 does not decrypt with our key)");
		else if (sa->floated && p->mm4_on_500)
			ike_fail(sa, IKE_FAIL_NATT_BLOCKED, "");
		else
			ike_fail(sa, IKE_FAIL_PSK_MISMATCH, "(no MM6)");
		break;
	case P1_UP:
	case P1_DEAD:
		break;
	}
}
