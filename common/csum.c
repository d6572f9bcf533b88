/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Internet checksum (RFC 1071) for IP, UDP and TCP headers and payloads.
 *
 * The one's complement sum does not care about byte order as long as it is
 * swapped back at the end (RFC 1071 section 2(B)), so the loop adds 32-bit
 * words in host order into a 64-bit accumulator, which cannot overflow for
 * anything shorter than 16 GiB, and folds once.
 */
#include <string.h>

#include "common.h"

static uint16_t fold_host(uint64_t s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

uint32_t inet_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t s = 0, t = 0;
	uint32_t w;
	uint16_t be;

	/* two accumulators: the adds of one do not wait for the other's */
	for (; len >= 8; p += 8, len -= 8) {
		uint32_t a, b;

		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		s += a;
		t += b;
	}
	if (len >= 4) {
		memcpy(&w, p, 4);
		s += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t h;

		memcpy(&h, p, 2);
		s += h;
		p += 2;
		len -= 2;
	}
	be = fold_host(s + t);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	be = (uint16_t)(be << 8 | be >> 8);
#endif
	sum += be;
	if (len)
		sum += (uint32_t)p[0] << 8; /* an odd last byte is the high half of a word */
	return sum;
}

uint16_t inet_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
