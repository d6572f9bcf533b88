/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MD4, RFC 1320 section 3, step by step. */
#include <string.h>

#include "common.h"
#include "md4-des.h"

static uint32_t rol(uint32_t x, unsigned s)
{
	return x << s | x >> (32 - s);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Step 4: one 16-word block. */
static void md4_block(uint32_t st[4], const uint8_t *block)
{
	/* round 2 and 3 word orders; the shifts repeat every four steps */
	static const uint8_t k2[16] = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};
	static const uint8_t k3[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
	static const uint8_t s1[4] = {3, 7, 11, 19}, s2[4] = {3, 5, 9, 13}, s3[4] = {3, 9, 11, 15};
	uint32_t x[16], v[4] = {st[0], st[1], st[2], st[3]};

	for (int i = 0; i < 16; i++)
		x[i] = le32(block + 4 * i);
	/* v[(16 - i) % 4] is a, b, c, d rotating: [abcd k s], [dabc k s], [cdab k s], [bcda k s] */
	for (int i = 0; i < 16; i++) {
		uint32_t *a = &v[(16 - i) % 4];
		uint32_t b = v[(17 - i) % 4], c = v[(18 - i) % 4], d = v[(19 - i) % 4];

		/* F(X,Y,Z) = XY v not(X) Z */
		*a = rol(*a + ((b & c) | (~b & d)) + x[i], s1[i % 4]);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t *a = &v[(16 - i) % 4];
		uint32_t b = v[(17 - i) % 4], c = v[(18 - i) % 4], d = v[(19 - i) % 4];

		/* G(X,Y,Z) = XY v XZ v YZ */
		*a = rol(*a + ((b & c) | (b & d) | (c & d)) + x[k2[i]] + 0x5a827999, s2[i % 4]);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t *a = &v[(16 - i) % 4];
		uint32_t b = v[(17 - i) % 4], c = v[(18 - i) % 4], d = v[(19 - i) % 4];

		/* H(X,Y,Z) = X xor Y xor Z */
		*a = rol(*a + (b ^ c ^ d) + x[k3[i]] + 0x6ed9eba1, s3[i % 4]);
	}
	for (int i = 0; i < 4; i++)
		st[i] += v[i];
	secure_wipe(x, sizeof(x));
	secure_wipe(v, sizeof(v));
}

void md4(const void *data, size_t len, uint8_t out[16])
{
	uint32_t st[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
	const uint8_t *p = data;
	uint8_t tail[128] = {0};
	size_t rest = len % 64, tail_len = rest < 56 ? 64 : 128;
	uint64_t bits = (uint64_t)len * 8;

	for (size_t i = 0; i + 64 <= len; i += 64)
		md4_block(st, p + i);
	/* steps 1 and 2: a 1 bit, zeros to 56 mod 64 bytes, the bit length little-endian */
	memcpy(tail, p + len - rest, rest);
	tail[rest] = 0x80;
	for (int i = 0; i < 8; i++)
		tail[tail_len - 8 + i] = (uint8_t)(bits >> (8 * i));
	md4_block(st, tail);
	if (tail_len == 128)
		md4_block(st, tail + 64);
	for (int i = 0; i < 16; i++)
		out[i] = (uint8_t)(st[i / 4] >> (8 * (i % 4)));
	secure_wipe(tail, sizeof(tail));
	secure_wipe(st, sizeof(st));
}
