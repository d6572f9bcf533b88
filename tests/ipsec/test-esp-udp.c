/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 3948 helpers: classification on UDP 4500, keepalive, inner UDP header. */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "esp.h"

static void test_classify(void)
{
	const uint8_t ka[] = {0xff};
	const uint8_t ike[] = {0, 0, 0, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
	const uint8_t esp[] = {0xc0, 0xde, 0, 1, 0, 0, 0, 1};
	const uint8_t zero5[] = {0, 0, 0, 0};

	g_assert_cmpint(esp_udp_classify(ka, 1), ==, ESP_UDP_KEEPALIVE);
	g_assert_cmpint(esp_udp_classify(zero5, 1), ==, ESP_UDP_INVALID); /* one 0x00 */
	g_assert_cmpint(esp_udp_classify(ka, 0), ==, ESP_UDP_INVALID);
	g_assert_cmpint(esp_udp_classify(ike, sizeof(ike)), ==, ESP_UDP_IKE);
	g_assert_cmpint(esp_udp_classify(zero5, 4), ==, ESP_UDP_INVALID); /* marker only */
	g_assert_cmpint(esp_udp_classify(esp, sizeof(esp)), ==, ESP_UDP_ESP);
	g_assert_cmpint(esp_udp_classify(esp, 7), ==, ESP_UDP_INVALID); /* no full seq */
	g_assert_cmpint(esp_udp_classify(esp, 3), ==, ESP_UDP_INVALID);
}

static void test_keepalive(void)
{
	uint8_t b[2] = {0, 0};

	g_assert_cmpuint(esp_udp_keepalive(b, 0), ==, 0);
	g_assert_cmpuint(esp_udp_keepalive(b, sizeof(b)), ==, 1);
	g_assert_cmpuint(b[0], ==, 0xff);
	g_assert_cmpint(esp_udp_classify(b, 1), ==, ESP_UDP_KEEPALIVE);
}

static void test_l2tp_header(void)
{
	uint8_t h[8];
	const uint8_t want[] = {0x06, 0xa5, 0x06, 0xa5, 0x00, 0x22, 0x00, 0x00};

	g_assert_cmpint(esp_udp_l2tp_header(h, 26), ==, 0);
	g_assert_cmpmem(h, 8, want, 8);
	g_assert_cmpint(esp_udp_l2tp_header(h, 65535 - 8), ==, 0);
	g_assert_cmpint(esp_udp_l2tp_header(h, 65535 - 7), ==, -EINVAL);
}

/* Ones' complement sum over pseudo header + datagram; 0xffff when the checksum is right. */
static uint16_t verify_sum(const uint8_t *src, const uint8_t *dst, size_t al, const uint8_t *dg,
			   size_t len)
{
	uint32_t s = 17 + (uint32_t)len;

	for (size_t i = 0; i < al; i += 2)
		s += (uint32_t)(src[i] << 8 | src[i + 1]) + (uint32_t)(dst[i] << 8 | dst[i + 1]);
	for (size_t i = 0; i < len; i += 2)
		s += (uint32_t)(dg[i] << 8 | (i + 1 < len ? dg[i + 1] : 0));
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void test_checksum(void)
{
	const uint8_t src4[] = {192, 0, 2, 10}, dst4[] = {198, 51, 100, 7};
	uint8_t src6[16] = {0x20, 0x01, 0x0d, 0xb8}, dst6[16] = {0x20, 0x01, 0x0d, 0xb8};
	uint8_t dg[8 + 33];
	struct esp_udp_pseudo ph4 = {src4, dst4, 4}, ph6 = {src6, dst6, 16}, bad = {src4, dst4, 5};

	src6[15] = 1;
	dst6[15] = 2;
	for (size_t i = 0; i < 33; i++)
		dg[8 + i] = (uint8_t)(i * 13);
	for (size_t len = 32; len <= 33; len++) { /* even and odd payloads */
		g_assert_cmpint(esp_udp_inner_build(dg, 1701, 1701, dg + 8, len, &ph4), ==, 0);
		g_assert_cmpuint(get_u16(dg + 6), !=, 0);
		g_assert_cmpuint(verify_sum(src4, dst4, 4, dg, 8 + len), ==, 0xffff);
		g_assert_cmpint(esp_udp_inner_build(dg, 1701, 4321, dg + 8, len, &ph6), ==, 0);
		g_assert_cmpuint(verify_sum(src6, dst6, 16, dg, 8 + len), ==, 0xffff);
	}
	g_assert_cmpint(esp_udp_inner_build(dg, 1, 2, dg + 8, 4, &bad), ==, -EINVAL);
	g_assert_cmpint(esp_udp_inner_build(dg, 1, 2, dg + 8, 4, NULL), ==, 0);
	g_assert_cmpuint(get_u16(dg + 6), ==, 0);
}

static void test_parse(void)
{
	uint8_t dg[8 + 20];
	const uint8_t *pl;
	size_t pl_len;
	uint16_t sp, dp;

	memset(dg, 0x5a, sizeof(dg));
	g_assert_cmpint(esp_udp_l2tp_header(dg, 20), ==, 0);
	g_assert_cmpint(esp_udp_inner_parse(dg, sizeof(dg), &sp, &dp, &pl, &pl_len), ==, 0);
	g_assert_cmpuint(sp, ==, 1701);
	g_assert_cmpuint(dp, ==, 1701);
	g_assert_true(pl == dg + 8);
	g_assert_cmpuint(pl_len, ==, 20);
	/* A wrong (e.g. NATed) checksum is accepted, see RFC 3948 3.1.2. */
	dg[6] = 0x12;
	dg[7] = 0x34;
	g_assert_cmpint(esp_udp_inner_parse(dg, sizeof(dg), &sp, &dp, &pl, &pl_len), ==, 0);
	/* Length field must match the datagram. */
	g_assert_cmpint(esp_udp_inner_parse(dg, sizeof(dg) - 1, &sp, &dp, &pl, &pl_len), ==,
			-EBADMSG);
	dg[5] = 7;
	g_assert_cmpint(esp_udp_inner_parse(dg, 7, &sp, &dp, &pl, &pl_len), ==, -EBADMSG);
	g_assert_cmpint(esp_udp_inner_parse(dg, 0, &sp, &dp, &pl, &pl_len), ==, -EBADMSG);
	/* Header only, empty payload. */
	dg[4] = 0;
	dg[5] = 8;
	g_assert_cmpint(esp_udp_inner_parse(dg, 8, &sp, &dp, &pl, &pl_len), ==, 0);
	g_assert_cmpuint(pl_len, ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/esp-udp/classify", test_classify);
	g_test_add_func("/esp-udp/keepalive", test_keepalive);
	g_test_add_func("/esp-udp/l2tp-header", test_l2tp_header);
	g_test_add_func("/esp-udp/checksum", test_checksum);
	g_test_add_func("/esp-udp/parse", test_parse);
	return g_test_run();
}
