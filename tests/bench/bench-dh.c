/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cost of one IKE Diffie-Hellman (ike_dh_new + ike_dh_shared) per group, and
 * what OpenSSL's full public key check (EVP_PKEY_public_check: y^q mod p == 1)
 * would add on MODP-2048 compared with our range check 1 < y < p-1.
 * A benchmark, not a test: it prints numbers and always succeeds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include "ike-crypto.h"

static void ossl_rand(void *ctx, void *buf, size_t len)
{
	if (RAND_bytes(buf, (int)len) != 1)
		abort();
}

/* CPU time of this thread, not wall time: the figures stay comparable on a busy machine and
 * with the CPU seconds per byte the throughput benchmark reads from the client. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const enum ike_group groups[] = {
	IKE_GROUP_MODP1024, IKE_GROUP_MODP1536, IKE_GROUP_MODP2048, IKE_GROUP_MODP3072,
	IKE_GROUP_MODP4096, IKE_GROUP_ECP256,	IKE_GROUP_ECP384,
};

/* Mean seconds for ike_dh_new + ike_dh_shared against a fixed peer value. */
static double dh_cost(enum ike_group g, int iters)
{
	struct rand_source rnd = {ossl_rand, NULL};
	struct ike_dh *peer = ike_dh_new(g, &rnd);
	uint8_t pub[512];
	size_t n = ike_group_pub_len(g);
	double t0;

	if (!peer || ike_dh_public(peer, pub, n))
		abort();
	t0 = now_s();
	for (int i = 0; i < iters; i++) {
		struct ike_dh *dh = ike_dh_new(g, &rnd);
		struct secbuf *z = NULL;

		if (!dh || ike_dh_shared(dh, pub, n, &z))
			abort();
		secbuf_free(z);
		ike_dh_free(dh);
	}
	t0 = (now_s() - t0) / iters;
	ike_dh_free(peer);
	return t0;
}

/* Mean seconds of EVP_PKEY_public_check on a MODP-2048 ("modp_2048") public value. */
static double full_check_cost(int iters)
{
	struct rand_source rnd = {ossl_rand, NULL};
	struct ike_dh *peer = ike_dh_new(IKE_GROUP_MODP2048, &rnd);
	uint8_t pub[256];
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	EVP_PKEY *key = NULL;
	OSSL_PARAM *params;
	BIGNUM *y;
	double t0;

	if (!peer || ike_dh_public(peer, pub, sizeof(pub)) || !bld || !ctx)
		abort();
	y = BN_bin2bn(pub, sizeof(pub), NULL);
	OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "modp_2048", 0);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y);
	params = OSSL_PARAM_BLD_to_param(bld);
	if (!params || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		abort();
	EVP_PKEY_CTX_free(ctx);
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	t0 = now_s();
	for (int i = 0; i < iters; i++) {
		if (EVP_PKEY_public_check(ctx) != 1)
			abort();
	}
	t0 = (now_s() - t0) / iters;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(key);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(y);
	ike_dh_free(peer);
	return t0;
}

int main(void)
{
	double modp2048 = 0, check;

	printf("%-10s %12s\n", "group", "new+shared");
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		int iters = groups[i] >= IKE_GROUP_MODP3072 && groups[i] <= IKE_GROUP_MODP4096
				    ? 20
				    : 100;
		double c = dh_cost(groups[i], iters);

		if (groups[i] == IKE_GROUP_MODP2048)
			modp2048 = c;
		printf("%-10s %9.3f ms\n", ike_group_name(groups[i]), c * 1e3);
	}
	check = full_check_cost(50);
	printf("\nmodp2048: EVP_PKEY_public_check %.3f ms per peer value\n", check * 1e3);
	printf("modp2048: full check / our whole DH = %.1fx; DH with full check = %.1fx the cost\n",
	       check / modp2048, (modp2048 + check) / modp2048);
	return 0;
}
