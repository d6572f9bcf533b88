/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal IKEv1 responder for the in-memory tests (see ike-peer.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike-peer.h"
#include "isakmp-sa.h"
#include "isakmp.h"

enum sess_state { S_FREE, S_WAIT_MM3, S_WAIT_MM5, S_UP };

struct qm_r {
	uint32_t mid;
	uint8_t iv[16];
	uint8_t ni[256], nr[32];
	size_t ni_len;
	bool done;
};

struct sess {
	enum sess_state state;
	uint8_t cky_i[8], cky_r[8];
	uint8_t sai_b[1024];
	size_t sai_b_len;
	struct isakmp_xf chosen;
	enum ike_hash hash;
	enum ike_encr encr;
	size_t key_len, block_len, hash_len;
	struct ike_dh *dh;
	uint8_t gxi[512], gxr[512];
	size_t gx_len;
	uint8_t ni[256], nr[32];
	size_t ni_len;
	struct ike_p1_keys keys;
	uint8_t iv[16], last_block[16];
	uint8_t mm2[PEER_MSG_MAX], mm4[PEER_MSG_MAX];
	size_t mm2_len, mm4_len;
	struct qm_r qm[4];
	unsigned nqm;
};

struct peer {
	struct peer_cfg cfg;
	struct secbuf *psk;
	uint32_t rng;
	struct rand_source rnd;
	struct sess sess[2];
	struct sess *cur;
	struct peer_out out[PEER_MAX_OUT];
	size_t n_out;
	bool natt_used;
	struct peer_stats st;
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

struct peer *peer_new(const struct peer_cfg *cfg, uint32_t seed)
{
	struct peer *p = calloc(1, sizeof(*p));

	p->cfg = *cfg;
	p->psk = secbuf_new_str(cfg->psk);
	p->rng = seed ? seed : 1;
	p->rnd.fn = prng;
	p->rnd.ctx = &p->rng;
	return p;
}

static void sess_clear(struct sess *s)
{
	ike_dh_free(s->dh);
	ike_p1_keys_clear(&s->keys);
	memset(s, 0, sizeof(*s));
}

void peer_free(struct peer *p)
{
	if (!p)
		return;
	sess_clear(&p->sess[0]);
	sess_clear(&p->sess[1]);
	secbuf_free(p->psk);
	free(p);
}

const struct peer_stats *peer_stats(const struct peer *p)
{
	return &p->st;
}

bool peer_pop(struct peer *p, struct peer_out *out)
{
	if (!p->n_out)
		return false;
	*out = p->out[0];
	memmove(p->out, p->out + 1, (p->n_out - 1) * sizeof(p->out[0]));
	p->n_out--;
	return true;
}

static void queue(struct peer *p, const uint8_t *buf, size_t len)
{
	if (p->n_out == PEER_MAX_OUT)
		abort();
	p->out[p->n_out].natt = p->natt_used;
	p->out[p->n_out].len = len;
	memcpy(p->out[p->n_out].buf, buf, len);
	p->n_out++;
}

static void hdr_for(const struct sess *s, struct isakmp_hdr *h, uint8_t exch, uint32_t mid)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->cky_i, s->cky_i, 8);
	memcpy(h->cky_r, s->cky_r, 8);
	h->exch = exch;
	h->msg_id = mid;
}

/* With IKE_CORPUS_DIR set, plaintext chains go there as fuzz seeds (first type byte + chain). */
static void dump_chain(uint8_t first, const uint8_t *plain, size_t len)
{
	const char *dir = getenv("IKE_CORPUS_DIR");
	static unsigned seq;
	char path[512];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/chain-%03u", dir, seq++);
	f = fopen(path, "wb");
	if (!f)
		abort();
	fputc(first, f);
	fwrite(plain, 1, len, f);
	fclose(f);
}

static int encrypt(const struct sess *s, uint8_t *iv, uint8_t *buf, size_t len)
{
	size_t body = len - ISAKMP_HDR_LEN,
	       pad = (s->block_len - body % s->block_len) % s->block_len;

	memset(buf + len, 0, pad);
	len += pad;
	dump_chain(buf[16], buf + ISAKMP_HDR_LEN, len - ISAKMP_HDR_LEN);
	buf[19] |= ISAKMP_FLAG_ENC;
	put_u32(buf + 24, (uint32_t)len);
	ike_cbc(s->encr, s->keys.enc_key->data, s->keys.enc_key->len, iv, buf + ISAKMP_HDR_LEN,
		len - ISAKMP_HDR_LEN, true);
	return (int)len;
}

static int decrypt(const struct sess *s, uint8_t *iv, const struct isakmp_msg *m, uint8_t *plain,
		   struct isakmp_msg *d)
{
	if (m->enc_len % s->block_len)
		return -1;
	memcpy(plain, m->enc, m->enc_len);
	ike_cbc(s->encr, s->keys.enc_key->data, s->keys.enc_key->len, iv, plain, m->enc_len, false);
	d->hdr = m->hdr;
	dump_chain(m->hdr.next, plain, m->enc_len);
	return isakmp_parse_chain(d, m->hdr.next, plain, m->enc_len, true);
}

static void prf_a(const struct sess *s, const void *a, size_t al, const void *b, size_t bl,
		  const void *c, size_t cl, uint8_t *out)
{
	struct ike_chunk ch[3] = {{a, al}, {b, bl}, {c, cl}};

	ike_prf(s->hash, s->keys.skeyid_a->data, s->keys.skeyid_a->len, ch, 3, out);
}

/* HDR*, HASH(1), payload: the responder's informational. */
static void send_info(struct peer *p, const struct isakmp_pl *pl)
{
	struct sess *s = p->cur;
	uint8_t buf[PEER_MSG_MAX], zero[64] = {0}, iv[16], mid_b[4];
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint32_t mid;
	int off, len;
	size_t rest;

	prng(&p->rng, &mid, 4);
	mid |= 1;
	hdr_for(s, &h, ISAKMP_EXCH_INFO, mid);
	isakmp_build_begin(&b, buf, sizeof(buf), &h);
	off = isakmp_build_data(&b, ISAKMP_PL_HASH, zero, s->hash_len);
	isakmp_build_pl(&b, pl);
	len = isakmp_build_end(&b);
	rest = (size_t)off + 4 + s->hash_len;
	put_u32(mid_b, mid);
	prf_a(s, mid_b, 4, buf + rest, (size_t)len - rest, NULL, 0, buf + off + 4);
	ike_p2_iv(s->hash, s->last_block, s->block_len, mid, iv);
	len = encrypt(s, iv, buf, (size_t)len);
	queue(p, buf, (size_t)len);
}

void peer_send_notify(struct peer *p, uint16_t type, const uint8_t *data, size_t len)
{
	struct isakmp_pl n = {.type = ISAKMP_PL_N};
	uint8_t spi[16];

	memcpy(spi, p->cur->cky_i, 8);
	memcpy(spi + 8, p->cur->cky_r, 8);
	n.doi = 1;
	n.proto_id = 1;
	n.spi_size = 16;
	n.spi = spi;
	n.notify_type = type;
	n.data = data;
	n.data_len = len;
	send_info(p, &n);
}

void peer_send_delete_isakmp(struct peer *p)
{
	struct isakmp_pl d = {.type = ISAKMP_PL_D};
	uint8_t spi[16];

	memcpy(spi, p->cur->cky_i, 8);
	memcpy(spi + 8, p->cur->cky_r, 8);
	d.doi = 1;
	d.proto_id = 1;
	d.spi_size = 16;
	d.n_spis = 1;
	d.data = spi;
	d.data_len = 16;
	send_info(p, &d);
}

void peer_send_delete_esp(struct peer *p, uint32_t spi)
{
	struct isakmp_pl d = {.type = ISAKMP_PL_D};
	uint8_t b[4];

	put_u32(b, spi);
	d.doi = 1;
	d.proto_id = 3;
	d.spi_size = 4;
	d.n_spis = 1;
	d.data = b;
	d.data_len = 4;
	send_info(p, &d);
}

static const uint8_t vid_rfc[16] = {0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
				    0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f};
static const uint8_t vid_d02[16] = {0xcd, 0x60, 0x46, 0x43, 0x35, 0xdf, 0x21, 0xf8,
				    0x7c, 0xfd, 0xb2, 0xfc, 0x68, 0xb6, 0xa4, 0x48};
static const uint8_t vid_dpd[16] = {0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
				    0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00};

static void reject_mm1(struct peer *p, const struct isakmp_msg *m)
{
	struct isakmp_hdr h = {.exch = ISAKMP_EXCH_INFO};
	struct isakmp_pl n = {.type = ISAKMP_PL_N};
	uint8_t buf[256], spi[16];
	struct isakmp_builder b;

	memcpy(spi, m->hdr.cky_i, 8);
	memset(spi + 8, 0, 8);
	if (p->cfg.reject_random_cky) {
		/* SoftEther: a cookie pair of its own */
		prng(&p->rng, h.cky_i, 8);
		prng(&p->rng, h.cky_r, 8);
	} else
		memcpy(h.cky_i, m->hdr.cky_i, 8);
	n.doi = 1;
	n.proto_id = 1;
	n.spi_size = 16;
	n.spi = spi;
	n.notify_type = ISAKMP_N_NO_PROPOSAL_CHOSEN;
	isakmp_build_begin(&b, buf, sizeof(buf), &h);
	isakmp_build_pl(&b, &n);
	queue(p, buf, (size_t)isakmp_build_end(&b));
}

static bool p1_acceptable(const struct peer *p, const struct isakmp_xf *xf)
{
	if (xf->group >= 19) /* like SoftEther: MODP only */
		return false;
	if (p->cfg.only_group && xf->group != p->cfg.only_group)
		return false;
	return xf->auth == 1 && ike_encr_key_len(xf->encr, xf->key_len) && ike_hash_len(xf->hash);
}

static void rx_mm1(struct peer *p, const struct isakmp_msg *m)
{
	/* a new exchange never replaces the current ISAKMP SA (phase 1 rekey) */
	struct sess *s = &p->sess[p->cur == &p->sess[0] ? 1 : 0];
	const struct isakmp_pl *sapl = isakmp_find(m, ISAKMP_PL_SA, 0);
	uint8_t buf[PEER_MSG_MAX];
	struct isakmp_builder b;
	struct isakmp_sa isa, reply;
	struct isakmp_hdr h;
	size_t i;

	p->st.mm1++;
	if (!sapl || isakmp_sa_parse(sapl, true, &isa))
		return;
	sess_clear(s);
	for (i = 0; i < isa.prop[0].n_xf; i++)
		if (!p->cfg.reject_all_p1 && p1_acceptable(p, &isa.prop[0].xf[i]))
			break;
	if (i == isa.prop[0].n_xf) {
		reject_mm1(p, m);
		return;
	}
	s->chosen = isa.prop[0].xf[i];
	memcpy(s->cky_i, m->hdr.cky_i, 8);
	prng(&p->rng, s->cky_r, 8);
	s->sai_b_len = sapl->body_len;
	memcpy(s->sai_b, sapl->body, sapl->body_len);
	s->hash = s->chosen.hash;
	s->encr = s->chosen.encr;
	s->hash_len = ike_hash_len(s->hash);
	s->block_len = ike_encr_block_len(s->encr);
	s->key_len = ike_encr_key_len(s->encr, s->chosen.key_len);
	s->state = S_WAIT_MM3;

	memset(&reply, 0, sizeof(reply));
	reply.doi = 1;
	reply.situation = 1;
	reply.n_prop = 1;
	reply.prop[0] = isa.prop[0];
	reply.prop[0].n_xf = 1;
	reply.prop[0].xf[0] = s->chosen;
	hdr_for(s, &h, ISAKMP_EXCH_MAIN, 0);
	isakmp_build_begin(&b, buf, sizeof(buf), &h);
	isakmp_sa_build(&b, &reply, true);
	if (!p->cfg.no_natt)
		isakmp_build_data(&b, ISAKMP_PL_VID, p->cfg.vid_draft_only ? vid_d02 : vid_rfc, 16);
	isakmp_build_data(&b, ISAKMP_PL_VID, vid_dpd, 16);
	s->mm2_len = (size_t)isakmp_build_end(&b);
	memcpy(s->mm2, buf, s->mm2_len);
	queue(p, buf, s->mm2_len);
}

static void rx_mm3(struct peer *p, struct sess *s, const struct isakmp_msg *m)
{
	const struct isakmp_pl *ke = isakmp_find(m, ISAKMP_PL_KE, 0);
	const struct isakmp_pl *ni = isakmp_find(m, ISAKMP_PL_NONCE, 0);
	const struct isakmp_pl *d1 = isakmp_find(m, ISAKMP_PL_NAT_D, 1);
	uint8_t buf[PEER_MSG_MAX], natd[64];
	struct secbuf *gxy = NULL, *skeyid = NULL;
	struct isakmp_builder b;
	struct isakmp_hdr h;
	uint8_t natd_type = p->cfg.vid_draft_only ? 130 : 20;

	p->st.mm3++;
	if (!ke || !ni)
		return;
	s->dh = ike_dh_new(s->chosen.group, &p->rnd);
	s->gx_len = ike_group_pub_len(s->chosen.group);
	ike_dh_public(s->dh, s->gxr, s->gx_len);
	memcpy(s->gxi, ke->data, s->gx_len);
	memcpy(s->ni, ni->data, ni->data_len);
	s->ni_len = ni->data_len;
	prng(&p->rng, s->nr, sizeof(s->nr));
	if (ike_dh_shared(s->dh, ke->data, ke->data_len, &gxy))
		return;
	ike_skeyid_psk(s->hash, p->psk, s->ni, s->ni_len, s->nr, sizeof(s->nr), &skeyid);
	ike_derive_p1(s->hash, s->encr, s->key_len, skeyid, gxy, s->cky_i, s->cky_r, &s->keys);
	secbuf_free(gxy);
	ike_p1_iv(s->hash, s->gxi, s->gx_len, s->gxr, s->gx_len, s->block_len, s->iv);
	if (d1) {
		/* the initiator's own NAT-D: does it match its address as we see it? */
		ike_natd_hash(s->hash, s->cky_i, s->cky_r, (const uint8_t[]){10, 0, 0, 2}, 4, 500,
			      natd);
		p->st.natt_seen_local = memcmp(natd, d1->data, s->hash_len) != 0;
		p->st.natd_type = d1->type;
	}

	hdr_for(s, &h, ISAKMP_EXCH_MAIN, 0);
	isakmp_build_begin(&b, buf, sizeof(buf), &h);
	isakmp_build_data(&b, ISAKMP_PL_KE, s->gxr, s->gx_len);
	isakmp_build_data(&b, ISAKMP_PL_NONCE, s->nr, sizeof(s->nr));
	if (!p->cfg.no_natt && d1) {
		if (p->cfg.fake_nat)
			prng(&p->rng, natd, s->hash_len);
		else
			ike_natd_hash(s->hash, s->cky_i, s->cky_r, (const uint8_t[]){10, 0, 0, 2},
				      4, 500, natd);
		isakmp_build_data(&b, natd_type, natd, s->hash_len);
		ike_natd_hash(s->hash, s->cky_i, s->cky_r, p->cfg.ip, 4, 500, natd);
		isakmp_build_data(&b, natd_type, natd, s->hash_len);
	}
	s->mm4_len = (size_t)isakmp_build_end(&b);
	memcpy(s->mm4, buf, s->mm4_len);
	queue(p, buf, s->mm4_len);
	s->state = S_WAIT_MM5;
}

static void hash_ir(const struct sess *s, bool initiator, const uint8_t *id_b, size_t id_len,
		    uint8_t *out)
{
	struct ike_chunk c[6] = {
		{initiator ? s->gxi : s->gxr, s->gx_len},
		{initiator ? s->gxr : s->gxi, s->gx_len},
		{initiator ? s->cky_i : s->cky_r, 8},
		{initiator ? s->cky_r : s->cky_i, 8},
		{s->sai_b, s->sai_b_len},
		{id_b, id_len},
	};

	ike_prf(s->hash, s->keys.skeyid->data, s->keys.skeyid->len, c, 6, out);
}

static void rx_mm5(struct peer *p, struct sess *s, const struct isakmp_msg *m, bool natt)
{
	uint8_t plain[PEER_MSG_MAX], buf[PEER_MSG_MAX], h_i[64], iv[16], idb[8];
	const struct isakmp_pl *id, *hash;
	struct isakmp_builder b;
	struct isakmp_msg d;
	struct isakmp_pl idr;
	struct isakmp_hdr h;
	size_t i;
	int len;

	if (!m->enc) {
		queue(p, s->mm4, s->mm4_len); /* MM3 again: MM4 was lost */
		return;
	}
	p->st.mm5++;
	p->natt_used = natt;
	memcpy(iv, s->iv, 16);
	if (!m->enc || decrypt(s, iv, m, plain, &d) || !(id = isakmp_find(&d, ISAKMP_PL_ID, 0)) ||
	    !(hash = isakmp_find(&d, ISAKMP_PL_HASH, 0)))
		goto bad_psk;
	hash_ir(s, true, id->body, id->body_len, h_i);
	if (memcmp(h_i, hash->data, s->hash_len))
		goto bad_psk;
	memcpy(s->iv, iv, 16);
	p->st.id_proto = id->proto_id;
	p->st.id_port = id->port;
	if (isakmp_find(&d, ISAKMP_PL_N, 0) &&
	    isakmp_find(&d, ISAKMP_PL_N, 0)->notify_type == ISAKMP_N_INITIAL_CONTACT)
		p->st.initial_contact = true;

	/* MM6: IDir (proto 0, port 0 like SoftEther), HASH_R */
	memset(&idr, 0, sizeof(idr));
	idr.type = ISAKMP_PL_ID;
	idr.id_type = 1;
	memcpy(idb, p->cfg.idr, 4);
	idr.data = idb;
	idr.data_len = 4;
	hdr_for(s, &h, ISAKMP_EXCH_MAIN, 0);
	isakmp_build_begin(&b, buf, sizeof(buf), &h);
	isakmp_build_pl(&b, &idr);
	{
		uint8_t body[8] = {1, 0, 0, 0};

		memcpy(body + 4, idb, 4);
		hash_ir(s, false, body, 8, h_i);
	}
	isakmp_build_data(&b, ISAKMP_PL_HASH, h_i, s->hash_len);
	len = isakmp_build_end(&b);
	len = encrypt(s, s->iv, buf, (size_t)len);
	/* the base of phase 2 IVs (a loop: GCC's -Wstringop-overflow misreads a memcpy here) */
	for (i = 0; i < sizeof(s->last_block); i++)
		s->last_block[i] = s->iv[i];
	queue(p, buf, (size_t)len);
	if (p->cur && p->cur != s) {
		p->st.rekeys++;
	}
	p->cur = s;
	s->state = S_UP;
	return;
bad_psk:
	if (p->cfg.bad_psk == PEER_BAD_PSK_REPEAT_MM4) {
		queue(p, s->mm4, s->mm4_len);
		return;
	}
	/* an MM6 under our (different) keys: the initiator cannot decrypt it */
	hdr_for(s, &h, ISAKMP_EXCH_MAIN, 0);
	isakmp_build_begin(&b, buf, sizeof(buf), &h);
	isakmp_build_data(&b, ISAKMP_PL_ID, (const uint8_t[]){1, 0, 0, 0, 0, 0, 0, 0}, 8);
	isakmp_build_data(&b, ISAKMP_PL_HASH, h_i, s->hash_len);
	len = isakmp_build_end(&b);
	len = encrypt(s, s->iv, buf, (size_t)len);
	queue(p, buf, (size_t)len);
}

static size_t esp_key_len(const struct isakmp_xf *xf)
{
	size_t e = xf->id == 3 ? 24 : xf->id == 20 ? xf->key_len / 8u + 4 : xf->key_len / 8u;
	size_t a = xf->auth_alg == 1 ? 16 : xf->auth_alg == 2 ? 20 : xf->auth_alg == 5 ? 32 : 0;

	return e + a;
}

static void rx_qm1(struct peer *p, struct sess *s, const struct isakmp_msg *m)
{
	uint8_t plain[PEER_MSG_MAX], buf[PEER_MSG_MAX], zero[64] = {0}, mid_b[4], h1[64], spi_b[4];
	const struct isakmp_pl *sapl, *ni, *ke;
	struct secbuf *gqm = NULL;
	struct ike_dh *dh = NULL;
	uint8_t gxr[512];
	struct isakmp_builder b;
	struct isakmp_sa isa, reply;
	struct isakmp_msg d;
	struct isakmp_hdr h;
	struct qm_r *q;
	size_t i, rest;
	int off, len;

	p->st.qm1++;
	if (s->nqm == 4)
		return;
	q = &s->qm[s->nqm];
	memset(q, 0, sizeof(*q));
	q->mid = m->hdr.msg_id;
	ike_p2_iv(s->hash, s->last_block, s->block_len, q->mid, q->iv);
	if (decrypt(s, q->iv, m, plain, &d) || d.pl[0].type != ISAKMP_PL_HASH)
		return;
	put_u32(mid_b, q->mid);
	prf_a(s, mid_b, 4, d.pl[1].start, (size_t)(d.chain_end - d.pl[1].start), NULL, 0, h1);
	if (memcmp(h1, d.pl[0].data, s->hash_len))
		return;
	s->nqm++;
	sapl = isakmp_find(&d, ISAKMP_PL_SA, 0);
	ni = isakmp_find(&d, ISAKMP_PL_NONCE, 0);
	ke = isakmp_find(&d, ISAKMP_PL_KE, 0);
	p->st.natoa = isakmp_find(&d, ISAKMP_PL_NAT_OA, 1) ? 2 : 0;
	if (!sapl || !ni || isakmp_sa_parse(sapl, false, &isa))
		return;
	memcpy(q->ni, ni->data, ni->data_len);
	q->ni_len = ni->data_len;
	prng(&p->rng, q->nr, sizeof(q->nr));
	for (i = 0; i < isa.prop[0].n_xf; i++)
		if (!p->cfg.only_esp_auth || isa.prop[0].xf[i].auth_alg == p->cfg.only_esp_auth)
			break;
	if (p->cfg.reject_qm || i == isa.prop[0].n_xf) {
		struct isakmp_pl n = {.type = ISAKMP_PL_N};

		n.doi = 1;
		n.proto_id = 3;
		n.spi_size = 4;
		n.spi = isa.prop[0].spi;
		n.notify_type = ISAKMP_N_NO_PROPOSAL_CHOSEN;
		send_info(p, &n);
		return;
	}
	memset(&reply, 0, sizeof(reply));
	reply.doi = 1;
	reply.situation = 1;
	reply.n_prop = 1;
	reply.prop[0] = isa.prop[0];
	reply.prop[0].n_xf = 1;
	reply.prop[0].xf[0] = isa.prop[0].xf[i];
	p->st.spi_i = get_u32(isa.prop[0].spi);
	prng(&p->rng, &p->st.spi_r, 4);
	p->st.spi_r |= 0x1000;
	put_u32(reply.prop[0].spi, p->st.spi_r);
	p->st.encap = isa.prop[0].xf[i].encap;
	p->st.pfs = ke != NULL;
	if (ke) {
		dh = ike_dh_new(isa.prop[0].xf[i].group, &p->rnd);
		ike_dh_public(dh, gxr, ke->data_len);
		ike_dh_shared(dh, ke->data, ke->data_len, &gqm);
	}

	hdr_for(s, &h, ISAKMP_EXCH_QUICK, q->mid);
	isakmp_build_begin(&b, buf, sizeof(buf), &h);
	off = isakmp_build_data(&b, ISAKMP_PL_HASH, zero, s->hash_len);
	isakmp_sa_build(&b, &reply, false);
	isakmp_build_data(&b, ISAKMP_PL_NONCE, q->nr, sizeof(q->nr));
	if (ke)
		isakmp_build_data(&b, ISAKMP_PL_KE, gxr, ke->data_len);
	for (i = 0; i < d.n; i++)
		if (d.pl[i].type == ISAKMP_PL_ID || d.pl[i].type == ISAKMP_PL_NAT_OA ||
		    d.pl[i].type == ISAKMP_PL_NAT_OA_DRAFT)
			isakmp_build_pl(&b, &d.pl[i]);
	if (p->cfg.responder_lifetime_s) {
		struct isakmp_pl n = {.type = ISAKMP_PL_N};
		uint8_t attrs[8];

		put_u16(attrs, 0x8001);
		put_u16(attrs + 2, 1);
		put_u16(attrs + 4, 0x8002);
		put_u16(attrs + 6, (uint16_t)p->cfg.responder_lifetime_s);
		put_u32(spi_b, p->st.spi_i);
		n.doi = 1;
		n.proto_id = 3;
		n.spi_size = 4;
		n.spi = spi_b;
		n.notify_type = ISAKMP_N_RESPONDER_LIFETIME;
		n.data = attrs;
		n.data_len = 8;
		isakmp_build_pl(&b, &n);
	}
	len = isakmp_build_end(&b);
	rest = (size_t)off + 4 + s->hash_len;
	/* HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr ...) */
	prf_a(s, mid_b, 4, q->ni, q->ni_len, buf + rest, (size_t)len - rest, buf + off + 4);
	len = encrypt(s, q->iv, buf, (size_t)len);
	queue(p, buf, (size_t)len);

	p->st.keymat_len = esp_key_len(&reply.prop[0].xf[0]);
	put_u32(spi_b, p->st.spi_i);
	ike_keymat(s->hash, s->keys.skeyid_d, gqm, 3, spi_b, q->ni, q->ni_len, q->nr, sizeof(q->nr),
		   p->st.keymat_spi_i, p->st.keymat_len);
	put_u32(spi_b, p->st.spi_r);
	ike_keymat(s->hash, s->keys.skeyid_d, gqm, 3, spi_b, q->ni, q->ni_len, q->nr, sizeof(q->nr),
		   p->st.keymat_spi_r, p->st.keymat_len);
	secbuf_free(gqm);
	ike_dh_free(dh);
}

static void rx_qm3(struct peer *p, struct sess *s, struct qm_r *q, const struct isakmp_msg *m)
{
	uint8_t plain[PEER_MSG_MAX], h3[64], mid_b[4], zero = 0;
	struct isakmp_msg d;
	struct ike_chunk c[4] = {
		{&zero, 1}, {mid_b, 4}, {q->ni, q->ni_len}, {q->nr, sizeof(q->nr)}};

	if (decrypt(s, q->iv, m, plain, &d) || d.n != 1 || d.pl[0].type != ISAKMP_PL_HASH)
		return;
	put_u32(mid_b, q->mid);
	ike_prf(s->hash, s->keys.skeyid_a->data, s->keys.skeyid_a->len, c, 4, h3);
	if (!memcmp(h3, d.pl[0].data, s->hash_len)) {
		q->done = true;
		p->st.qm3++;
	}
}

static void rx_info(struct peer *p, struct sess *s, const struct isakmp_msg *m)
{
	uint8_t plain[PEER_MSG_MAX], iv[16], mid_b[4], h1[64];
	struct isakmp_msg d;
	size_t i;

	ike_p2_iv(s->hash, s->last_block, s->block_len, m->hdr.msg_id, iv);
	if (decrypt(s, iv, m, plain, &d) || d.n < 2 || d.pl[0].type != ISAKMP_PL_HASH)
		return;
	put_u32(mid_b, m->hdr.msg_id);
	prf_a(s, mid_b, 4, d.pl[1].start, (size_t)(d.chain_end - d.pl[1].start), NULL, 0, h1);
	if (memcmp(h1, d.pl[0].data, s->hash_len))
		return;
	p->st.info++;
	for (i = 1; i < d.n; i++) {
		const struct isakmp_pl *pl = &d.pl[i];

		if (pl->type == ISAKMP_PL_N && pl->notify_type == ISAKMP_N_R_U_THERE) {
			p->st.dpd_requests++;
			if (!p->cfg.silent_dpd) {
				struct sess *keep = p->cur;

				p->cur = s;
				peer_send_notify(p, ISAKMP_N_R_U_THERE_ACK, pl->data, pl->data_len);
				p->cur = keep;
			}
		} else if (pl->type == ISAKMP_PL_N && pl->notify_type == ISAKMP_N_R_U_THERE_ACK) {
			p->st.dpd_acks++;
		} else if (pl->type == ISAKMP_PL_D && pl->proto_id == 1) {
			p->st.deleted_isakmp++;
		} else if (pl->type == ISAKMP_PL_D && pl->proto_id == 3) {
			size_t j;

			for (j = 0; j < pl->n_spis && p->st.n_deleted_esp < 8; j++)
				p->st.deleted_esp[p->st.n_deleted_esp++] =
					get_u32(pl->data + 4 * j);
		}
	}
}

void peer_rx(struct peer *p, bool natt, const uint8_t *msg, size_t len)
{
	struct isakmp_msg m;
	struct sess *s = NULL;
	size_t i;

	if (isakmp_parse(msg, len, &m))
		return;
	if (p->sess[0].state != S_FREE && !memcmp(p->sess[0].cky_i, m.hdr.cky_i, 8))
		s = &p->sess[0];
	else if (p->sess[1].state != S_FREE && !memcmp(p->sess[1].cky_i, m.hdr.cky_i, 8))
		s = &p->sess[1];
	p->natt_used = natt;
	if (m.hdr.exch == ISAKMP_EXCH_MAIN && !s) {
		rx_mm1(p, &m);
		return;
	}
	if (!s)
		return;
	switch (m.hdr.exch) {
	case ISAKMP_EXCH_MAIN:
		if (s->state == S_WAIT_MM3 && isakmp_find(&m, ISAKMP_PL_SA, 0))
			queue(p, s->mm2, s->mm2_len); /* MM1 again: MM2 was lost */
		else if (s->state == S_WAIT_MM3)
			rx_mm3(p, s, &m);
		else if (s->state == S_WAIT_MM5)
			rx_mm5(p, s, &m, natt);
		break;
	case ISAKMP_EXCH_QUICK:
		for (i = 0; i < s->nqm; i++)
			if (s->qm[i].mid == m.hdr.msg_id) {
				rx_qm3(p, s, &s->qm[i], &m);
				return;
			}
		rx_qm1(p, s, &m);
		break;
	case ISAKMP_EXCH_INFO:
		rx_info(p, s, &m);
		break;
	}
}
