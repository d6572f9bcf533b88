/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ISAKMP codec: every payload body is a table of fields; isakmp_parse_chain()
 * and isakmp_build_pl() walk the tables. Validation (lengths, chain, the
 * per-type rules) runs before anything is handed to the exchange code.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "isakmp.h"

enum field_kind {
	F_END = 0,
	F_U8,
	F_U16,
	F_U32,
	F_RESERVED, /* n zero bytes, ignored on input */
	F_SPI,	    /* spi_size bytes */
	F_REST,	    /* the rest of the body */
};

struct field {
	uint8_t kind;
	uint8_t n;
	uint16_t off;
};

#define U8(m)                                          \
	{                                              \
		F_U8, 1, offsetof(struct isakmp_pl, m) \
	}
#define U16(m)                                          \
	{                                               \
		F_U16, 2, offsetof(struct isakmp_pl, m) \
	}
#define U32(m)                                          \
	{                                               \
		F_U32, 4, offsetof(struct isakmp_pl, m) \
	}
#define RSV(k)                   \
	{                        \
		F_RESERVED, k, 0 \
	}
#define SPI                 \
	{                   \
		F_SPI, 0, 0 \
	}
#define REST                 \
	{                    \
		F_REST, 0, 0 \
	}
#define END                 \
	{                   \
		F_END, 0, 0 \
	}

/*
 * SA (RFC 2408 3.4)
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !              Domain of Interpretation  (DOI)                  !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                           Situation                           ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * (proposals follow as the data)
 */
static const struct field sa_fields[] = {U32(doi), U32(situation), REST, END};

/*
 * Proposal (3.5)
 * ! Proposal #    !  Protocol-Id  !    SPI Size   !# of Transforms!
 * !                        SPI (variable)                         !
 */
static const struct field p_fields[] = {U8(num), U8(proto_id), U8(spi_size), U8(count),
					SPI,	 REST,	       END};

/*
 * Transform (3.6)
 * !  Transform #  !  Transform-Id !           RESERVED2           !
 * !                        SA Attributes                          ~
 */
static const struct field t_fields[] = {U8(num), U8(xf_id), RSV(2), REST, END};

/*
 * KE (3.7), HASH (3.11), Nonce (3.13), Vendor ID (3.16), NAT-D (RFC 3947 3.2):
 * !                       data (variable)                         ~
 */
static const struct field data_fields[] = {REST, END};

/*
 * Identification, IPsec DOI (RFC 2407 4.6.2)
 * !   ID Type     !  Protocol ID  !             Port              !
 * ~                     Identification Data                       ~
 */
static const struct field id_fields[] = {U8(id_type), U8(proto_id), U16(port), REST, END};

/*
 * Notification (3.14)
 * !              Domain of Interpretation  (DOI)                  !
 * !  Protocol-ID  !   SPI Size    !      Notify Message Type      !
 * ~                Security Parameter Index (SPI)                 ~
 * ~                       Notification Data                       ~
 */
static const struct field n_fields[] = {U32(doi), U8(proto_id), U8(spi_size), U16(notify_type),
					SPI,	  REST,		END};

/*
 * Delete (3.15)
 * !              Domain of Interpretation  (DOI)                  !
 * !  Protocol-Id  !   SPI Size    !           # of SPIs           !
 * ~               Security Parameter Index(es) (SPI)              ~
 */
static const struct field d_fields[] = {U32(doi),    U8(proto_id), U8(spi_size),
					U16(n_spis), REST,	   END};

/*
 * NAT-OA (RFC 3947 5.2)
 * !    ID Type    !    RESERVED   !            RESERVED           !
 * ~           IPv4 (4 octets) or IPv6 address (16 octets)         ~
 */
static const struct field natoa_fields[] = {U8(id_type), RSV(3), REST, END};

static const struct field *fields_for(uint8_t type)
{
	switch (type) {
	case ISAKMP_PL_SA:
		return sa_fields;
	case ISAKMP_PL_P:
		return p_fields;
	case ISAKMP_PL_T:
		return t_fields;
	case ISAKMP_PL_KE:
	case ISAKMP_PL_CERT:
	case ISAKMP_PL_CR:
	case ISAKMP_PL_HASH:
	case ISAKMP_PL_SIG:
	case ISAKMP_PL_NONCE:
	case ISAKMP_PL_VID:
	case ISAKMP_PL_NAT_D:
	case ISAKMP_PL_NAT_D_DRAFT:
		return data_fields;
	case ISAKMP_PL_ID:
		return id_fields;
	case ISAKMP_PL_N:
		return n_fields;
	case ISAKMP_PL_D:
		return d_fields;
	case ISAKMP_PL_NAT_OA:
	case ISAKMP_PL_NAT_OA_DRAFT:
		return natoa_fields;
	}
	return NULL;
}

uint32_t isakmp_pl_bit(uint8_t type)
{
	if (type == ISAKMP_PL_NAT_D_DRAFT)
		type = ISAKMP_PL_NAT_D;
	if (type == ISAKMP_PL_NAT_OA_DRAFT)
		type = ISAKMP_PL_NAT_OA;
	return type < 32 ? 1u << type : 0;
}

uint32_t isakmp_msg_present(const struct isakmp_msg *m)
{
	uint32_t set = 0;
	size_t i;

	for (i = 0; i < m->n; i++)
		set |= isakmp_pl_bit(m->pl[i].type);
	return set;
}

int isakmp_check_payloads(const struct isakmp_msg *m, uint32_t required, uint32_t allowed)
{
	uint32_t set = isakmp_msg_present(m);

	if ((set & required) != required)
		return -EBADMSG;
	if (set & ~(required | allowed))
		return -EBADMSG;
	return 0;
}

/* Reads the body of one payload through its table into pl. */
static int parse_body(struct isakmp_pl *pl, struct rd *r)
{
	const struct field *f = fields_for(pl->type);
	uint8_t *base = (uint8_t *)pl;
	size_t i;

	if (!f)
		return -EBADMSG;
	for (i = 0; f[i].kind != F_END; i++) {
		switch ((enum field_kind)f[i].kind) {
		case F_END:
			break;
		case F_U8:
			rd_u8(r, base + f[i].off);
			break;
		case F_U16:
			rd_u16(r, (uint16_t *)(void *)(base + f[i].off));
			break;
		case F_U32:
			rd_u32(r, (uint32_t *)(void *)(base + f[i].off));
			break;
		case F_RESERVED:
			rd_skip(r, f[i].n);
			break;
		case F_SPI:
			rd_ptr(r, pl->spi_size, &pl->spi);
			break;
		case F_REST:
			pl->data_len = rd_left(r);
			rd_ptr(r, pl->data_len, &pl->data);
			break;
		}
	}
	return r->err ? -EBADMSG : 0;
}

/* Per-type rules beyond the table's lengths. */
static int check_body(const struct isakmp_pl *pl)
{
	switch (pl->type) {
	case ISAKMP_PL_KE:
	case ISAKMP_PL_HASH:
	case ISAKMP_PL_VID:
	case ISAKMP_PL_NAT_D:
	case ISAKMP_PL_NAT_D_DRAFT:
		return pl->data_len > 0 ? 0 : -EBADMSG;
	case ISAKMP_PL_NONCE:
		/* RFC 2409 5: between 8 and 256 bytes */
		return pl->data_len >= 8 && pl->data_len <= 256 ? 0 : -EBADMSG;
	case ISAKMP_PL_ID:
		if (pl->id_type == ISAKMP_ID_IPV4_ADDR && pl->data_len != 4)
			return -EBADMSG;
		if (pl->id_type == ISAKMP_ID_IPV6_ADDR && pl->data_len != 16)
			return -EBADMSG;
		return pl->data_len > 0 ? 0 : -EBADMSG;
	case ISAKMP_PL_D:
		if (pl->spi_size == 0 || pl->n_spis == 0)
			return -EBADMSG;
		return pl->data_len == (size_t)pl->spi_size * pl->n_spis ? 0 : -EBADMSG;
	case ISAKMP_PL_NAT_OA:
	case ISAKMP_PL_NAT_OA_DRAFT:
		if (pl->id_type == ISAKMP_ID_IPV4_ADDR)
			return pl->data_len == 4 ? 0 : -EBADMSG;
		if (pl->id_type == ISAKMP_ID_IPV6_ADDR)
			return pl->data_len == 16 ? 0 : -EBADMSG;
		return -EBADMSG;
	case ISAKMP_PL_N:
		return pl->spi_size <= 16 ? 0 : -EBADMSG;
	}
	return 0;
}

int isakmp_parse_chain(struct isakmp_msg *m, uint8_t first, const uint8_t *buf, size_t len,
		       bool allow_padding)
{
	uint8_t type = first;
	struct rd r;

	m->n = 0;
	m->chain_end = buf;
	rd_init(&r, buf, len);
	while (type != ISAKMP_PL_NONE) {
		struct isakmp_pl *pl;
		uint8_t next, reserved;
		uint16_t plen;
		struct rd body;
		int err;

		if (m->n == ISAKMP_MAX_PAYLOADS)
			return -EBADMSG;
		pl = &m->pl[m->n];
		memset(pl, 0, sizeof(*pl));
		pl->type = type;
		pl->start = buf + r.off;
		if (!rd_u8(&r, &next) || !rd_u8(&r, &reserved) || !rd_u16(&r, &plen))
			return -EBADMSG;
		if (plen < ISAKMP_GEN_HDR_LEN || !rd_sub(&r, plen - ISAKMP_GEN_HDR_LEN, &body))
			return -EBADMSG;
		pl->body = body.p;
		pl->body_len = body.len;
		err = parse_body(pl, &body);
		if (err)
			return err;
		err = check_body(pl);
		if (err)
			return err;
		m->n++;
		type = next;
	}
	m->chain_end = buf + r.off;
	if (rd_left(&r) && !allow_padding)
		return -EBADMSG;
	return 0;
}

int isakmp_parse_hdr(const uint8_t *buf, size_t len, struct isakmp_hdr *hdr)
{
	struct rd r;

	rd_init(&r, buf, len);
	rd_bytes(&r, hdr->cky_i, 8);
	rd_bytes(&r, hdr->cky_r, 8);
	rd_u8(&r, &hdr->next);
	rd_u8(&r, &hdr->version);
	rd_u8(&r, &hdr->exch);
	rd_u8(&r, &hdr->flags);
	rd_u32(&r, &hdr->msg_id);
	rd_u32(&r, &hdr->len);
	if (r.err)
		return -EBADMSG;
	if ((hdr->version & 0xf0) != ISAKMP_VERSION)
		return -EPROTONOSUPPORT;
	if (hdr->len < ISAKMP_HDR_LEN || hdr->len > len)
		return -EBADMSG;
	return 0;
}

int isakmp_parse(const uint8_t *buf, size_t len, struct isakmp_msg *m)
{
	int err;

	memset(m, 0, sizeof(*m));
	err = isakmp_parse_hdr(buf, len, &m->hdr);
	if (err)
		return err;
	len = m->hdr.len;
	if (m->hdr.flags & ISAKMP_FLAG_ENC) {
		m->enc = buf + ISAKMP_HDR_LEN;
		m->enc_len = len - ISAKMP_HDR_LEN;
		if (m->enc_len == 0)
			return -EBADMSG;
		return 0;
	}
	return isakmp_parse_chain(m, m->hdr.next, buf + ISAKMP_HDR_LEN, len - ISAKMP_HDR_LEN,
				  false);
}

const struct isakmp_pl *isakmp_find(const struct isakmp_msg *m, uint8_t type, unsigned nth)
{
	uint32_t bit = isakmp_pl_bit(type);
	size_t i;

	for (i = 0; i < m->n; i++) {
		bool match = bit ? isakmp_pl_bit(m->pl[i].type) == bit : m->pl[i].type == type;

		if (match && nth-- == 0)
			return &m->pl[i];
	}
	return NULL;
}

/* ---- generator ---- */

int isakmp_build_begin(struct isakmp_builder *b, uint8_t *buf, size_t cap,
		       const struct isakmp_hdr *hdr)
{
	wr_init(&b->w, buf, cap);
	b->hdr_off = 0;
	wr_bytes(&b->w, hdr->cky_i, 8);
	wr_bytes(&b->w, hdr->cky_r, 8);
	b->next_field = wr_reserve(&b->w, 1);
	wr_u8(&b->w, hdr->version ? hdr->version : ISAKMP_VERSION);
	wr_u8(&b->w, hdr->exch);
	wr_u8(&b->w, hdr->flags);
	wr_u32(&b->w, hdr->msg_id);
	wr_u32(&b->w, 0);
	if (b->w.err)
		return -ENOSPC;
	*b->next_field = ISAKMP_PL_NONE;
	return 0;
}

int isakmp_build_pl(struct isakmp_builder *b, const struct isakmp_pl *pl)
{
	const struct field *f = fields_for(pl->type);
	const uint8_t *base = (const uint8_t *)pl;
	size_t start = b->w.len;
	uint8_t *next, *len;
	size_t i;

	if (!f)
		return -EINVAL;
	next = wr_reserve(&b->w, 1);
	wr_u8(&b->w, 0);
	len = wr_reserve(&b->w, 2);
	for (i = 0; f[i].kind != F_END; i++) {
		switch ((enum field_kind)f[i].kind) {
		case F_END:
			break;
		case F_U8:
			wr_u8(&b->w, base[f[i].off]);
			break;
		case F_U16:
			wr_u16(&b->w, *(const uint16_t *)(const void *)(base + f[i].off));
			break;
		case F_U32:
			wr_u32(&b->w, *(const uint32_t *)(const void *)(base + f[i].off));
			break;
		case F_RESERVED:
			wr_zero(&b->w, f[i].n);
			break;
		case F_SPI:
			if (pl->spi_size)
				wr_bytes(&b->w, pl->spi, pl->spi_size);
			break;
		case F_REST:
			if (pl->data_len)
				wr_bytes(&b->w, pl->data, pl->data_len);
			break;
		}
	}
	if (b->w.err || b->w.len - start > UINT16_MAX)
		return -ENOSPC;
	*next = ISAKMP_PL_NONE;
	put_u16(len, (uint16_t)(b->w.len - start));
	*b->next_field = pl->type;
	b->next_field = next;
	return (int)start;
}

int isakmp_build_data(struct isakmp_builder *b, uint8_t type, const void *data, size_t len)
{
	struct isakmp_pl pl = {.type = type, .data = data, .data_len = len};

	return isakmp_build_pl(b, &pl);
}

int isakmp_build_end(struct isakmp_builder *b)
{
	if (b->w.err || b->w.len < ISAKMP_HDR_LEN)
		return -ENOSPC;
	put_u32(b->w.p + b->hdr_off + 24, (uint32_t)b->w.len);
	return (int)b->w.len;
}
