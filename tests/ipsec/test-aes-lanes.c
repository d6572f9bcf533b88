/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AES-CBC in lanes (ipsec/aes-lanes.c) against OpenSSL: FIPS 197 vectors, then random keys,
 * lane counts and lengths, including a lane's IV sitting just before its data. */
#include <glib.h>
#include <string.h>

#include <openssl/evp.h>

#include "aes-lanes.h"
#include "common.h"

static void evp_cbc(const uint8_t *key, size_t key_len, const uint8_t *iv, uint8_t *data,
		    size_t len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int outl;

	g_assert_nonnull(c);
	g_assert_true(EVP_EncryptInit_ex(c, key_len == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc(),
					 NULL, key, iv));
	EVP_CIPHER_CTX_set_padding(c, 0);
	g_assert_true(EVP_EncryptUpdate(c, data, &outl, data, (int)len));
	g_assert_cmpint(outl, ==, (int)len);
	EVP_CIPHER_CTX_free(c);
}

static gboolean skip_without_aesni(void)
{
	if (aes_lanes_supported())
		return FALSE;
	g_test_skip("this CPU has no AES-NI: ESP uses EVP only");
	return TRUE;
}

/* FIPS 197 appendix C.1 and C.3: one block, zero IV (CBC of one block is ECB). */
static void test_fips197(void)
{
	static const uint8_t pt[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
				       0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
	static const uint8_t ct128[16] = {0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
					  0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a};
	static const uint8_t ct256[16] = {0x8e, 0xa2, 0xb7, 0xca, 0x51, 0x67, 0x45, 0xbf,
					  0xea, 0xfc, 0x49, 0x90, 0x4b, 0x49, 0x60, 0x89};
	static const uint8_t iv[16];
	uint8_t key[32], buf[16];
	struct aes_lanes_key k;
	struct aes_lane lane = {.data = buf, .iv = iv, .blocks = 1};

	if (skip_without_aesni())
		return;
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	g_assert_true(aes_lanes_set_key(&k, key, 16));
	memcpy(buf, pt, 16);
	aes_lanes_cbc_encrypt(&k, &lane, 1);
	g_assert_cmpmem(buf, 16, ct128, 16);
	g_assert_true(aes_lanes_set_key(&k, key, 32));
	memcpy(buf, pt, 16);
	aes_lanes_cbc_encrypt(&k, &lane, 1);
	g_assert_cmpmem(buf, 16, ct256, 16);
	g_assert_false(aes_lanes_set_key(&k, key, 24));
}

static void test_random_against_evp(void)
{
	enum { MAX_LANES = 21, MAX_BLOCKS = 100 };
	static uint8_t bufs[MAX_LANES][16 + 16 * MAX_BLOCKS], want[MAX_LANES][16 * MAX_BLOCKS];
	GRand *r = g_rand_new_with_seed(197);

	if (skip_without_aesni()) {
		g_rand_free(r);
		return;
	}
	for (int round = 0; round < 300; round++) {
		size_t key_len = g_rand_boolean(r) ? 16 : 32;
		unsigned n = (unsigned)g_rand_int_range(r, 1, MAX_LANES + 1);
		/* equal lengths as in an ESP run, or any */
		bool equal = g_rand_boolean(r);
		size_t common = (size_t)g_rand_int_range(r, 0, MAX_BLOCKS + 1);
		struct aes_lane lanes[MAX_LANES];
		struct aes_lanes_key k;
		uint8_t key[32];

		for (size_t i = 0; i < sizeof(key); i++)
			key[i] = (uint8_t)g_rand_int(r);
		for (unsigned l = 0; l < n; l++) {
			size_t blocks = equal ? common : (size_t)g_rand_int_range(r, 0, MAX_BLOCKS + 1);

			for (size_t i = 0; i < sizeof(bufs[l]); i++)
				bufs[l][i] = (uint8_t)g_rand_int(r);
			/* the IV just before the data, as in an ESP packet */
			lanes[l] = (struct aes_lane){bufs[l] + 16, bufs[l], blocks};
			memcpy(want[l], bufs[l] + 16, 16 * blocks);
			evp_cbc(key, key_len, bufs[l], want[l], 16 * blocks);
		}
		g_assert_true(aes_lanes_set_key(&k, key, key_len));
		aes_lanes_cbc_encrypt(&k, lanes, n);
		for (unsigned l = 0; l < n; l++)
			g_assert_cmpmem(bufs[l] + 16, 16 * lanes[l].blocks, want[l],
					16 * lanes[l].blocks);
		secure_wipe(&k, sizeof(k));
	}
	g_rand_free(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ipsec/aes-lanes/fips197", test_fips197);
	g_test_add_func("/ipsec/aes-lanes/random-against-evp", test_random_against_evp);
	return g_test_run();
}
