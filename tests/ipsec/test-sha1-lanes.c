/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HMAC-SHA1 in lanes (ipsec/sha1-lanes.c) against RFC 2202 and OpenSSL's HMAC: random keys,
 * lengths around every padding edge, equal and mixed lengths, any number of messages. */
#include <glib.h>
#include <string.h>

#include <openssl/hmac.h>

#include "common.h"
#include "sha1-lanes.h"

static gboolean skip_without_sha(void)
{
	if (sha1_lanes_supported())
		return FALSE;
	g_test_skip("this CPU has no SHA extensions: ESP uses EVP only");
	return TRUE;
}

/* RFC 2202 test cases 1 and 2. */
static void test_rfc2202(void)
{
	static const uint8_t want1[20] = {0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2, 0x8b,
					  0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e, 0xf1, 0x46, 0xbe, 0x00};
	static const uint8_t want2[20] = {0xef, 0xfc, 0xdf, 0x6a, 0xe5, 0xeb, 0x2f, 0xa2, 0xd2, 0x74,
					  0x16, 0xd5, 0xf1, 0x84, 0xdf, 0x9c, 0x25, 0x9a, 0x7c, 0x79};
	uint8_t key1[20], mac[2][20];
	struct hmac_sha1_lanes_key k1, k2;
	struct hmac_lane l1 = {(const uint8_t *)"Hi There", 8, mac[0]};
	struct hmac_lane l2 = {(const uint8_t *)"what do ya want for nothing?", 28, mac[1]};

	if (skip_without_sha())
		return;
	memset(key1, 0x0b, sizeof(key1));
	g_assert_true(hmac_sha1_lanes_set_key(&k1, key1, sizeof(key1)));
	g_assert_true(hmac_sha1_lanes_set_key(&k2, (const uint8_t *)"Jefe", 4));
	hmac_sha1_lanes(&k1, &l1, 1);
	hmac_sha1_lanes(&k2, &l2, 1);
	g_assert_cmpmem(mac[0], 20, want1, 20);
	g_assert_cmpmem(mac[1], 20, want2, 20);
}

static void test_random_against_openssl(void)
{
	enum { MAX_N = 11, MAX_LEN = 1600 };
	static uint8_t msgs[MAX_N][MAX_LEN], macs[MAX_N][20];
	GRand *r = g_rand_new_with_seed(2104);

	if (skip_without_sha()) {
		g_rand_free(r);
		return;
	}
	for (int round = 0; round < 400; round++) {
		size_t key_len = (size_t)g_rand_int_range(r, 1, 65);
		unsigned n = (unsigned)g_rand_int_range(r, 1, MAX_N + 1);
		/* lengths near the padding edges (55, 56, 63, 64 ...) and ESP-like sizes */
		size_t common = g_rand_boolean(r) ? (size_t)g_rand_int_range(r, 0, 200)
						  : (size_t)g_rand_int_range(r, 1380, MAX_LEN + 1);
		bool equal = g_rand_int_range(r, 0, 3) != 0;
		struct hmac_lane lanes[MAX_N];
		struct hmac_sha1_lanes_key k;
		uint8_t key[64];

		for (size_t i = 0; i < key_len; i++)
			key[i] = (uint8_t)g_rand_int(r);
		g_assert_true(hmac_sha1_lanes_set_key(&k, key, key_len));
		for (unsigned l = 0; l < n; l++) {
			size_t len = equal ? common : (size_t)g_rand_int_range(r, 0, MAX_LEN + 1);

			for (size_t i = 0; i < len; i++)
				msgs[l][i] = (uint8_t)g_rand_int(r);
			lanes[l] = (struct hmac_lane){msgs[l], len, macs[l]};
		}
		hmac_sha1_lanes(&k, lanes, n);
		for (unsigned l = 0; l < n; l++) {
			uint8_t want[20];
			unsigned want_len = 0;

			g_assert_nonnull(HMAC(EVP_sha1(), key, (int)key_len, msgs[l], lanes[l].len,
					      want, &want_len));
			g_assert_cmpmem(macs[l], 20, want, want_len);
		}
		secure_wipe(&k, sizeof(k));
	}
	g_rand_free(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ipsec/sha1-lanes/rfc2202", test_rfc2202);
	g_test_add_func("/ipsec/sha1-lanes/random-against-openssl", test_random_against_openssl);
	return g_test_run();
}
