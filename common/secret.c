/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Buffers for keys and passwords: wiped before they are freed. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

void secure_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

int secure_memcmp(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= x[i] ^ y[i];
	return diff;
}

struct secbuf *secbuf_new(size_t len)
{
	struct secbuf *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	/* One spare NUL so text secrets can be used as C strings. */
	b->data = calloc(1, len + 1);
	if (!b->data) {
		free(b);
		return NULL;
	}
	b->len = len;
	return b;
}

struct secbuf *secbuf_new_from(const void *src, size_t len)
{
	struct secbuf *b = secbuf_new(len);

	if (b && len)
		memcpy(b->data, src, len);
	return b;
}

struct secbuf *secbuf_new_str(const char *s)
{
	return secbuf_new_from(s, strlen(s));
}

struct secbuf *secbuf_dup(const struct secbuf *b)
{
	return b ? secbuf_new_from(b->data, b->len) : NULL;
}

void secbuf_free(struct secbuf *b)
{
	if (!b)
		return;
	secure_wipe(b->data, b->len + 1);
	free(b->data);
	free(b);
}
