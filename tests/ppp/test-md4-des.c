/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MD4 and DES (md4-des.h): the RFC 1320 A.5 test suite, published DES known
 * answers, then random inputs against OpenSSL's legacy provider when it is
 * installed (the test only; the client does not load it).
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/provider.h>

#include "md4-des.h"

static void unhex(const char *h, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		g_assert_true(sscanf(h + 2 * i, "%2x", &v) == 1);
		out[i] = (uint8_t)v;
	}
}

static void test_md4_rfc1320(void)
{
	/* RFC 1320 appendix A.5 */
	static const struct {
		const char *in, *md;
	} v[] = {
		{"", "31d6cfe0d16ae931b73c59d7e0c089c0"},
		{"a", "bde52cb31de33e46245e05fbdbd6fb24"},
		{"abc", "a448017aaf21d8525fc10ae87aa6729d"},
		{"message digest", "d9130a8164549fe818874806e1c7014b"},
		{"abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		 "043f8582f241db351ce627e153e7f0e4"},
		{"1234567890123456789012345678901234567890123456789012345678901234567890123456"
		 "7890",
		 "e33b4ddc9c38f2199c3e7b164fcc0536"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(v); i++) {
		uint8_t got[16], want[16];

		unhex(v[i].md, want, 16);
		md4(v[i].in, strlen(v[i].in), got);
		g_assert_cmpmem(got, 16, want, 16);
	}
}

static void test_des_known_answers(void)
{
	static const struct {
		const char *key, *in, *out;
	} v[] = {
		/* the worked example in many DES texts (Grabbe, "The DES Algorithm Illustrated") */
		{"133457799BBCDFF1", "0123456789ABCDEF", "85E813540F0AB405"},
		/* NBS SP 500-20 variable-plaintext known answers (key 01..01 is all parity) */
		{"0101010101010101", "8000000000000000", "95F8A5E5DD31D900"},
		{"0101010101010101", "0000000000000001", "166B40B44ABA4BD6"},
		/* parity bits do not matter */
		{"0000000000000000", "8000000000000000", "95F8A5E5DD31D900"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(v); i++) {
		uint8_t key[8], in[8], out[8], want[8];

		unhex(v[i].key, key, 8);
		unhex(v[i].in, in, 8);
		unhex(v[i].out, want, 8);
		des_encrypt_block(key, in, out);
		g_assert_cmpmem(out, 8, want, 8);
	}
}

static void test_against_openssl_legacy(void)
{
	OSSL_LIB_CTX *lib = OSSL_LIB_CTX_new();
	OSSL_PROVIDER *legacy = lib ? OSSL_PROVIDER_load(lib, "legacy") : NULL;
	EVP_MD *m4 = legacy ? EVP_MD_fetch(lib, "MD4", NULL) : NULL;
	EVP_CIPHER *des = legacy ? EVP_CIPHER_fetch(lib, "DES-ECB", NULL) : NULL;
	GRand *rnd = g_rand_new_with_seed(2759);

	if (!m4 || !des) {
		g_test_skip("OpenSSL's legacy provider (MD4, DES) is not installed");
		goto out;
	}
	for (unsigned n = 0; n < 300; n++) {
		uint8_t buf[300], got[16], want[16];
		unsigned len;

		for (unsigned i = 0; i < n; i++)
			buf[i] = (uint8_t)g_rand_int(rnd);
		g_assert_true(EVP_Digest(buf, n, want, &len, m4, NULL));
		md4(buf, n, got);
		g_assert_cmpmem(got, 16, want, 16);
	}
	for (unsigned n = 0; n < 1000; n++) {
		uint8_t key[8], in[8], got[8], want[8];
		EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
		int len = 0;

		for (unsigned i = 0; i < 8; i++) {
			key[i] = (uint8_t)g_rand_int(rnd);
			in[i] = (uint8_t)g_rand_int(rnd);
		}
		g_assert_true(EVP_EncryptInit_ex2(x, des, key, NULL, NULL));
		g_assert_true(EVP_CIPHER_CTX_set_padding(x, 0));
		g_assert_true(EVP_EncryptUpdate(x, want, &len, in, 8) && len == 8);
		EVP_CIPHER_CTX_free(x);
		des_encrypt_block(key, in, got);
		g_assert_cmpmem(got, 8, want, 8);
	}
out:
	g_rand_free(rnd);
	EVP_MD_free(m4);
	EVP_CIPHER_free(des);
	if (legacy)
		OSSL_PROVIDER_unload(legacy);
	OSSL_LIB_CTX_free(lib);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/md4/rfc1320", test_md4_rfc1320);
	g_test_add_func("/des/known-answers", test_des_known_answers);
	g_test_add_func("/md4-des/against-openssl-legacy", test_against_openssl_legacy);
	return g_test_run();
}
