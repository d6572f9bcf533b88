/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Proposals, transforms and data attributes inside an SA payload. The
 * proposal and transform headers go through the tables in isakmp.c; the
 * attributes (RFC 2408 3.3) are a TV/TLV list:
 *
 * !A!       Attribute Type        !    AF=0  Attribute Length     !
 * !F!                             !    AF=1  Attribute Value      !
 * .                   AF=0  Attribute Value                       .
 */
#include <errno.h>
#include <string.h>

#include "isakmp-sa.h"

#define ATTR_AF 0x8000

static void set_attr(struct isakmp_xf *xf, bool phase1, uint16_t type, uint32_t v,
		     uint16_t *life_type)
{
	if (phase1) {
		switch (type) {
		case IKE_ATTR_ENCR:
			xf->encr = (uint16_t)v;
			return;
		case IKE_ATTR_HASH:
			xf->hash = (uint16_t)v;
			return;
		case IKE_ATTR_AUTH:
			xf->auth = (uint16_t)v;
			return;
		case IKE_ATTR_GROUP:
			xf->group = (uint16_t)v;
			return;
		case IKE_ATTR_KEY_LEN:
			xf->key_len = (uint16_t)v;
			return;
		case IKE_ATTR_LIFE_TYPE:
			*life_type = (uint16_t)v;
			return;
		case IKE_ATTR_LIFE_DURATION:
			break;
		default:
			xf->unknown_attr = true;
			return;
		}
	} else {
		switch (type) {
		case IPSEC_ATTR_GROUP:
			xf->group = (uint16_t)v;
			return;
		case IPSEC_ATTR_ENCAP:
			xf->encap = (uint16_t)v;
			return;
		case IPSEC_ATTR_AUTH_ALG:
			xf->auth_alg = (uint16_t)v;
			return;
		case IPSEC_ATTR_KEY_LEN:
			xf->key_len = (uint16_t)v;
			return;
		case IPSEC_ATTR_LIFE_TYPE:
			*life_type = (uint16_t)v;
			return;
		case IPSEC_ATTR_LIFE_DURATION:
			break;
		default:
			xf->unknown_attr = true;
			return;
		}
	}
	/* life duration: meaning given by the preceding life type (RFC 2407 4.5) */
	if (*life_type == LIFE_TYPE_SECONDS)
		xf->life_s = v;
	else if (*life_type == LIFE_TYPE_KB)
		xf->life_kb = v;
	else
		xf->unknown_attr = true;
}

static int parse_attrs(struct rd *r, bool phase1, struct isakmp_xf *xf)
{
	uint16_t life_type = 0;

	while (rd_left(r)) {
		uint16_t type, lv;
		uint32_t v = 0;

		if (!rd_u16(r, &type) || !rd_u16(r, &lv))
			return -EBADMSG;
		if (type & ATTR_AF) {
			v = lv;
		} else {
			const uint8_t *p;
			uint16_t i;

			if (lv == 0 || !rd_ptr(r, lv, &p))
				return -EBADMSG;
			/* long values (a life over 2^32) saturate */
			for (i = 0; i < lv; i++)
				v = (v > 0xffffffu) ? UINT32_MAX : v << 8 | p[i];
		}
		set_attr(xf, phase1, type & ~ATTR_AF, v, &life_type);
	}
	return 0;
}

int isakmp_attrs_parse(const uint8_t *buf, size_t len, bool phase1, struct isakmp_xf *xf)
{
	struct rd r;

	memset(xf, 0, sizeof(*xf));
	rd_init(&r, buf, len);
	return parse_attrs(&r, phase1, xf);
}

static int parse_transforms(struct isakmp_prop *prop, const uint8_t *buf, size_t len, bool phase1,
			    uint8_t count)
{
	struct isakmp_msg m;
	size_t i;
	int err;

	if (count == 0 || count > ISAKMP_MAX_XF)
		return -EBADMSG;
	err = isakmp_parse_chain(&m, ISAKMP_PL_T, buf, len, false);
	if (err)
		return err;
	if (m.n != count)
		return -EBADMSG;
	for (i = 0; i < m.n; i++) {
		struct isakmp_xf *xf = &prop->xf[i];
		struct rd r;

		if (m.pl[i].type != ISAKMP_PL_T)
			return -EBADMSG;
		memset(xf, 0, sizeof(*xf));
		xf->num = m.pl[i].num;
		xf->id = m.pl[i].xf_id;
		rd_init(&r, m.pl[i].data, m.pl[i].data_len);
		err = parse_attrs(&r, phase1, xf);
		if (err)
			return err;
	}
	prop->n_xf = (uint8_t)m.n;
	return 0;
}

int isakmp_sa_parse(const struct isakmp_pl *pl, bool phase1, struct isakmp_sa *sa)
{
	/* static would not be re-entrant; the message struct is big but bounded */
	struct isakmp_msg m;
	size_t i;
	int err;

	memset(sa, 0, sizeof(*sa));
	if (pl->type != ISAKMP_PL_SA)
		return -EINVAL;
	sa->doi = pl->doi;
	sa->situation = pl->situation;
	err = isakmp_parse_chain(&m, ISAKMP_PL_P, pl->data, pl->data_len, false);
	if (err)
		return err;
	if (m.n == 0 || m.n > ISAKMP_MAX_PROP)
		return -EBADMSG;
	for (i = 0; i < m.n; i++) {
		const struct isakmp_pl *p = &m.pl[i];
		struct isakmp_prop *prop = &sa->prop[i];

		if (p->type != ISAKMP_PL_P || p->spi_size > sizeof(prop->spi))
			return -EBADMSG;
		prop->num = p->num;
		prop->proto = p->proto_id;
		prop->spi_size = p->spi_size;
		if (p->spi_size)
			memcpy(prop->spi, p->spi, p->spi_size);
		err = parse_transforms(prop, p->data, p->data_len, phase1, p->count);
		if (err)
			return err;
	}
	sa->n_prop = (uint8_t)m.n;
	return 0;
}

/* Basic (TV) when the value fits 16 bits, else a 4-byte TLV. */
static void put_attr(struct wr *w, uint16_t type, uint32_t v)
{
	if (v <= 0xffff) {
		wr_u16(w, type | ATTR_AF);
		wr_u16(w, (uint16_t)v);
	} else {
		wr_u16(w, type);
		wr_u16(w, 4);
		wr_u32(w, v);
	}
}

static void put_attrs(struct wr *w, const struct isakmp_xf *xf, bool phase1)
{
	if (phase1) {
		put_attr(w, IKE_ATTR_ENCR, xf->encr);
		if (xf->key_len)
			put_attr(w, IKE_ATTR_KEY_LEN, xf->key_len);
		put_attr(w, IKE_ATTR_HASH, xf->hash);
		put_attr(w, IKE_ATTR_AUTH, xf->auth);
		put_attr(w, IKE_ATTR_GROUP, xf->group);
		if (xf->life_s) {
			put_attr(w, IKE_ATTR_LIFE_TYPE, LIFE_TYPE_SECONDS);
			put_attr(w, IKE_ATTR_LIFE_DURATION, xf->life_s);
		}
		return;
	}
	if (xf->life_s) {
		put_attr(w, IPSEC_ATTR_LIFE_TYPE, LIFE_TYPE_SECONDS);
		put_attr(w, IPSEC_ATTR_LIFE_DURATION, xf->life_s);
	}
	if (xf->life_kb) {
		put_attr(w, IPSEC_ATTR_LIFE_TYPE, LIFE_TYPE_KB);
		put_attr(w, IPSEC_ATTR_LIFE_DURATION, xf->life_kb);
	}
	if (xf->group)
		put_attr(w, IPSEC_ATTR_GROUP, xf->group);
	if (xf->encap)
		put_attr(w, IPSEC_ATTR_ENCAP, xf->encap);
	if (xf->auth_alg)
		put_attr(w, IPSEC_ATTR_AUTH_ALG, xf->auth_alg);
	if (xf->key_len)
		put_attr(w, IPSEC_ATTR_KEY_LEN, xf->key_len);
}

int isakmp_sa_build(struct isakmp_builder *b, const struct isakmp_sa *sa, bool phase1)
{
	/* proposals are built in a scratch area first: their length goes into the SA header */
	uint8_t body[2048];
	struct isakmp_builder pb;
	struct isakmp_pl pl;
	size_t i, j;

	pb.w.p = body;
	pb.w.cap = sizeof(body);
	pb.w.len = 0;
	pb.w.err = false;
	for (i = 0; i < sa->n_prop; i++) {
		const struct isakmp_prop *prop = &sa->prop[i];
		uint8_t xfs[1024];
		struct isakmp_builder tb;
		uint8_t dummy = 0;

		tb.w.p = xfs;
		tb.w.cap = sizeof(xfs);
		tb.w.len = 0;
		tb.w.err = false;
		tb.next_field = &dummy;
		for (j = 0; j < prop->n_xf; j++) {
			uint8_t attrs[128];
			struct wr aw;

			wr_init(&aw, attrs, sizeof(attrs));
			put_attrs(&aw, &prop->xf[j], phase1);
			if (aw.err)
				return -ENOSPC;
			memset(&pl, 0, sizeof(pl));
			pl.type = ISAKMP_PL_T;
			pl.num = prop->xf[j].num;
			pl.xf_id = prop->xf[j].id;
			pl.data = attrs;
			pl.data_len = aw.len;
			if (isakmp_build_pl(&tb, &pl) < 0)
				return -ENOSPC;
		}
		/* the last transform's "next" stays 0; the chain's type is implicit (3) */
		memset(&pl, 0, sizeof(pl));
		pl.type = ISAKMP_PL_P;
		pl.num = prop->num;
		pl.proto_id = prop->proto;
		pl.spi_size = prop->spi_size;
		pl.spi = prop->spi;
		pl.count = prop->n_xf;
		pl.data = xfs;
		pl.data_len = tb.w.len;
		pb.next_field = i ? pb.next_field : &dummy;
		if (isakmp_build_pl(&pb, &pl) < 0)
			return -ENOSPC;
	}
	memset(&pl, 0, sizeof(pl));
	pl.type = ISAKMP_PL_SA;
	pl.doi = sa->doi;
	pl.situation = sa->situation;
	pl.data = body;
	pl.data_len = pb.w.len;
	return isakmp_build_pl(b, &pl);
}
