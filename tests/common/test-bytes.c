/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bounded reader/writer: reads past the end fail and stay failed. */
#include <glib.h>
#include <string.h>

#include "common.h"

static void test_reader_bounds(void)
{
	static const uint8_t buf[] = {0x12, 0x34, 0x56, 0x78, 0x9a};
	struct rd r, sub;
	uint16_t v16;
	uint32_t v32;
	uint8_t v8;

	rd_init(&r, buf, sizeof(buf));
	g_assert_true(rd_u16(&r, &v16));
	g_assert_cmphex(v16, ==, 0x1234);
	g_assert_true(rd_sub(&r, 2, &sub));
	g_assert_true(rd_u16(&sub, &v16));
	g_assert_cmphex(v16, ==, 0x5678);
	g_assert_false(rd_u8(&sub, &v8));
	g_assert_true(sub.err);
	g_assert_false(rd_u32(&r, &v32));
	g_assert_true(r.err);
	/* sticky: even a read that would fit fails now */
	g_assert_false(rd_u8(&r, &v8));
	g_assert_cmpuint(rd_left(&r), ==, 0);
}

static void test_reader_huge_length(void)
{
	static const uint8_t buf[4];
	const uint8_t *p;
	struct rd r;

	rd_init(&r, buf, sizeof(buf));
	g_assert_true(rd_skip(&r, 1));
	g_assert_false(rd_ptr(&r, SIZE_MAX, &p));
}

static void test_writer(void)
{
	uint8_t buf[7];
	uint8_t *len;
	struct wr w;

	wr_init(&w, buf, sizeof(buf));
	len = wr_reserve(&w, 2);
	g_assert_nonnull(len);
	g_assert_true(wr_u32(&w, 0xdeadbeef));
	put_u16(len, (uint16_t)w.len);
	g_assert_cmpuint(get_u16(buf), ==, 6);
	g_assert_cmphex(get_u32(buf + 2), ==, 0xdeadbeef);
	g_assert_false(wr_u16(&w, 1));
	g_assert_true(w.err);
	g_assert_false(wr_u8(&w, 1));
	g_assert_cmpuint(w.len, ==, 6);
}

static void test_secbuf(void)
{
	struct secbuf *b = secbuf_new_str("lab-psk-123");
	struct secbuf *c = secbuf_dup(b);

	g_assert_cmpuint(b->len, ==, 11);
	g_assert_cmpstr((char *)c->data, ==, "lab-psk-123");
	g_assert_cmpint(secure_memcmp(b->data, c->data, b->len), ==, 0);
	c->data[3] ^= 1;
	g_assert_cmpint(secure_memcmp(b->data, c->data, b->len), !=, 0);
	secbuf_free(b);
	secbuf_free(c);
	secbuf_free(NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/common/reader/bounds", test_reader_bounds);
	g_test_add_func("/common/reader/huge-length", test_reader_huge_length);
	g_test_add_func("/common/writer", test_writer);
	g_test_add_func("/common/secbuf", test_secbuf);
	return g_test_run();
}
