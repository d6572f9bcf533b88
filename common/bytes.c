/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The bounded reader and writer. */
#include <string.h>

#include "common.h"

void rd_init(struct rd *r, const void *buf, size_t len)
{
	r->p = buf;
	r->len = buf ? len : 0;
	r->off = 0;
	r->err = false;
}

size_t rd_left(const struct rd *r)
{
	return r->err ? 0 : r->len - r->off;
}

/* Every read goes through here: one place that checks bounds. */
static const uint8_t *rd_take(struct rd *r, size_t n)
{
	const uint8_t *p;

	if (r->err || n > r->len - r->off) {
		r->err = true;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

bool rd_u8(struct rd *r, uint8_t *v)
{
	const uint8_t *p = rd_take(r, 1);

	if (!p)
		return false;
	*v = p[0];
	return true;
}

bool rd_u16(struct rd *r, uint16_t *v)
{
	const uint8_t *p = rd_take(r, 2);

	if (!p)
		return false;
	*v = get_u16(p);
	return true;
}

bool rd_u32(struct rd *r, uint32_t *v)
{
	const uint8_t *p = rd_take(r, 4);

	if (!p)
		return false;
	*v = get_u32(p);
	return true;
}

bool rd_u64(struct rd *r, uint64_t *v)
{
	const uint8_t *p = rd_take(r, 8);

	if (!p)
		return false;
	*v = (uint64_t)get_u32(p) << 32 | get_u32(p + 4);
	return true;
}

bool rd_bytes(struct rd *r, void *out, size_t n)
{
	const uint8_t *p = rd_take(r, n);

	if (!p)
		return false;
	if (n)
		memcpy(out, p, n);
	return true;
}

bool rd_ptr(struct rd *r, size_t n, const uint8_t **out)
{
	const uint8_t *p = rd_take(r, n);

	if (!p)
		return false;
	*out = p;
	return true;
}

bool rd_skip(struct rd *r, size_t n)
{
	return rd_take(r, n) != NULL;
}

bool rd_sub(struct rd *r, size_t n, struct rd *sub)
{
	const uint8_t *p = rd_take(r, n);

	if (!p) {
		rd_init(sub, NULL, 0);
		sub->err = true;
		return false;
	}
	rd_init(sub, p, n);
	return true;
}

void wr_init(struct wr *w, void *buf, size_t cap)
{
	w->p = buf;
	w->cap = buf ? cap : 0;
	w->len = 0;
	w->err = false;
}

uint8_t *wr_reserve(struct wr *w, size_t n)
{
	uint8_t *p;

	if (w->err || n > w->cap - w->len) {
		w->err = true;
		return NULL;
	}
	p = w->p + w->len;
	w->len += n;
	return p;
}

bool wr_u8(struct wr *w, uint8_t v)
{
	uint8_t *p = wr_reserve(w, 1);

	if (!p)
		return false;
	p[0] = v;
	return true;
}

bool wr_u16(struct wr *w, uint16_t v)
{
	uint8_t *p = wr_reserve(w, 2);

	if (!p)
		return false;
	put_u16(p, v);
	return true;
}

bool wr_u32(struct wr *w, uint32_t v)
{
	uint8_t *p = wr_reserve(w, 4);

	if (!p)
		return false;
	put_u32(p, v);
	return true;
}

bool wr_u64(struct wr *w, uint64_t v)
{
	uint8_t *p = wr_reserve(w, 8);

	if (!p)
		return false;
	put_u32(p, (uint32_t)(v >> 32));
	put_u32(p + 4, (uint32_t)v);
	return true;
}

bool wr_bytes(struct wr *w, const void *src, size_t n)
{
	uint8_t *p = wr_reserve(w, n);

	if (!p)
		return false;
	if (n)
		memcpy(p, src, n);
	return true;
}

bool wr_zero(struct wr *w, size_t n)
{
	uint8_t *p = wr_reserve(w, n);

	if (!p)
		return false;
	memset(p, 0, n);
	return true;
}
