/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * engine_crypto_init() starts OpenSSL without its legacy name tables and error strings:
 * every algorithm the IKE core can negotiate must still work afterwards, with known answers
 * where RFCs give them.
 */
#include <string.h>

#include "engine-int.h"
#include "ike-crypto.h"

static void test_after_init(void)
{
	static const enum ike_hash hashes[] = {IKE_HASH_MD5, IKE_HASH_SHA1, IKE_HASH_SHA2_256,
					       IKE_HASH_SHA2_384, IKE_HASH_SHA2_512};
	static const struct {
		enum ike_encr encr;
		size_t key_len;
	} ciphers[] = {{IKE_ENCR_3DES_CBC, 24},
		       {IKE_ENCR_AES_CBC, 16},
		       {IKE_ENCR_AES_CBC, 24},
		       {IKE_ENCR_AES_CBC, 32}};
	/* FIPS 180 "abc"; RFC 2202 HMAC-SHA1 test case 1 */
	static const uint8_t sha1_abc[20] = {0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81,
					     0x6a, 0xba, 0x3e, 0x25, 0x71, 0x78, 0x50,
					     0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d};
	static const uint8_t hmac_1[20] = {0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72,
					   0x64, 0xe2, 0x8b, 0xc0, 0xb6, 0xfb, 0x37,
					   0x8c, 0x8e, 0xf1, 0x46, 0xbe, 0x00};
	const struct ike_chunk abc = {(const uint8_t *)"abc", 3};
	const struct ike_chunk hi = {(const uint8_t *)"Hi There", 8};
	g_autoptr(GError) error = NULL;
	uint8_t key[32], out[IKE_MAX_HASH_LEN], iv[16], buf[64], orig[64];

	g_assert_true(engine_crypto_init(&error));
	g_assert_no_error(error);
	memset(key, 0x0b, sizeof(key));
	g_assert_cmpint(ike_hash(IKE_HASH_SHA1, &abc, 1, out), ==, 0);
	g_assert_cmpmem(out, 20, sha1_abc, 20);
	g_assert_cmpint(ike_prf(IKE_HASH_SHA1, key, 20, &hi, 1, out), ==, 0);
	g_assert_cmpmem(out, 20, hmac_1, 20);
	for (size_t i = 0; i < G_N_ELEMENTS(hashes); i++) {
		g_assert_cmpint(ike_hash(hashes[i], &abc, 1, out), ==, 0);
		g_assert_cmpint(ike_prf(hashes[i], key, 20, &hi, 1, out), ==, 0);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(ciphers); i++) {
		for (size_t j = 0; j < sizeof(orig); j++)
			orig[j] = (uint8_t)(j * 7 + i);
		memcpy(buf, orig, sizeof(buf));
		memset(iv, 1, sizeof(iv));
		g_assert_cmpint(ike_cbc(ciphers[i].encr, key, ciphers[i].key_len, iv, buf,
					sizeof(buf), true),
				==, 0);
		g_assert_true(memcmp(buf, orig, sizeof(buf)) != 0);
		memset(iv, 1, sizeof(iv));
		g_assert_cmpint(ike_cbc(ciphers[i].encr, key, ciphers[i].key_len, iv, buf,
					sizeof(buf), false),
				==, 0);
		g_assert_cmpmem(buf, sizeof(buf), orig, sizeof(orig));
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/crypto-init/algorithms", test_after_init);
	return g_test_run();
}
