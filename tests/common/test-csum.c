/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Internet checksum: RFC 1071's example, and a plain word-by-word sum for any split. */
#include <glib.h>
#include <string.h>

#include "common.h"

static uint32_t plain_sum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i < len; i++)
		s += i & 1 ? p[i] : (uint32_t)p[i] << 8;
	return s;
}

static void test_rfc1071_example(void)
{
	/* RFC 1071 section 3: these words sum to ddf2 (with carries folded) */
	static const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

	g_assert_cmphex(inet_csum_fold(inet_csum_add(0, b, sizeof(b))), ==, 0xffff & ~0xddf2);
	/* a packet with its checksum in place sums to all ones */
	{
		uint8_t with[10];
		uint16_t c = inet_csum_fold(inet_csum_add(0, b, sizeof(b)));

		memcpy(with, b, sizeof(b));
		put_u16(with + 8, c);
		g_assert_cmphex(inet_csum_fold(inet_csum_add(0, with, sizeof(with))), ==, 0);
	}
}

static void test_any_length_and_split(void)
{
	uint8_t buf[3000];
	GRand *r = g_rand_new_with_seed(1071);

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)g_rand_int(r);
	for (int round = 0; round < 2000; round++) {
		size_t off = (size_t)g_rand_int_range(r, 0, 64);
		size_t len = (size_t)g_rand_int_range(r, 0, (gint32)(sizeof(buf) - off));
		/* an even split point: pieces other than the last must be even */
		size_t cut = (size_t)g_rand_int_range(r, 0, (gint32)len + 1) & ~(size_t)1;
		uint32_t want = plain_sum(buf + off, len);
		uint32_t got = inet_csum_add(inet_csum_add(0, buf + off, cut), buf + off + cut,
					     len - cut);

		g_assert_cmphex(inet_csum_fold(got), ==, inet_csum_fold(want));
	}
	g_rand_free(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/common/csum/rfc1071", test_rfc1071_example);
	g_test_add_func("/common/csum/any-length-and-split", test_any_length_and_split);
	return g_test_run();
}
