/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ESP throughput for 1400-byte payloads per suite (esp_encrypt, esp_decrypt),
 * and the raw EVP ceiling for AES-128-CBC + HMAC-SHA1 over the same bytes, so
 * the overhead of our packet path shows as a ratio.
 * A benchmark, not a test: it prints numbers and always succeeds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "../ipsec/test-esp-common.h"

#define PAYLOAD 1400
#define NPKT	1024
#define ROUNDS	20

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

static uint8_t pkts[NPKT][PAYLOAD + 128];
static size_t lens[NPKT];

static double mbps(double bytes, double secs)
{
	return bytes / secs / 1e6;
}

/* Encrypt NPKT*ROUNDS packets, then decrypt NPKT packets ROUNDS times (fresh SA per round). */
static void bench_suite(const struct esp_suite *s, double *enc, double *dec)
{
	struct rand_source rnd = {ossl_rand, NULL};
	struct esp_sa *out = test_sa_new(s, ESP_DIR_OUTBOUND, 0x1000, &rnd);
	static uint8_t payload[PAYLOAD], plain[PAYLOAD + 128];
	double t;

	if (!out)
		abort();
	t = now_s();
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < NPKT; i++) {
			if (esp_encrypt(out, 17, payload, PAYLOAD, pkts[i], sizeof(pkts[i]),
					&lens[i]))
				abort();
		}
	}
	*enc = mbps((double)PAYLOAD * NPKT * ROUNDS, now_s() - t);
	esp_sa_free(out);

	t = now_s();
	for (int r = 0; r < ROUNDS; r++) {
		struct esp_sa *in = test_sa_new(s, ESP_DIR_INBOUND, 0x1000, NULL);

		/* The last round's packets carry the highest sequence numbers: all new. */
		for (int i = 0; i < NPKT; i++) {
			size_t n;
			uint8_t nh;

			if (esp_decrypt(in, pkts[i], lens[i], plain, sizeof(plain), &n, &nh))
				abort();
		}
		esp_sa_free(in);
	}
	*dec = mbps((double)PAYLOAD * NPKT * ROUNDS, now_s() - t);
}

/* Encrypt in batches of 16 with the payload in place, as the userspace data path does. */
static double bench_batch(const struct esp_suite *s)
{
	struct rand_source rnd = {ossl_rand, NULL};
	struct esp_sa *out = test_sa_new(s, ESP_DIR_OUTBOUND, 0x1000, &rnd);
	struct esp_batch_pkt b[16];
	double t;

	if (!out)
		abort();
	t = now_s();
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < NPKT; i += 16) {
			for (int j = 0; j < 16; j++)
				b[j] = (struct esp_batch_pkt){pkts[i + j], PAYLOAD, sizeof(pkts[0]), 0};
			if (esp_encrypt_batch(out, 17, b, 16))
				abort();
		}
	}
	t = now_s() - t;
	esp_sa_free(out);
	return mbps((double)PAYLOAD * NPKT * ROUNDS, t);
}

/* The ceiling: AES-128-CBC over 1408 bytes + HMAC-SHA1 over 1432, keyed once, nothing else. */
static double bench_raw(int enc)
{
	static uint8_t buf[PAYLOAD + 64];
	uint8_t key[36] = {1}, iv[16] = {2}, md[EVP_MAX_MD_SIZE];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *m = EVP_MAC_CTX_new(mac);
	OSSL_PARAM p[] = {OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA1", 0), OSSL_PARAM_END};
	size_t ct = 1408, md_len;
	int outl;
	double t;

	if (!EVP_CipherInit_ex(c, EVP_aes_128_cbc(), NULL, key, iv, enc) ||
	    !EVP_MAC_init(m, key + 16, 20, p))
		abort();
	EVP_CIPHER_CTX_set_padding(c, 0);
	t = now_s();
	for (int i = 0; i < NPKT * ROUNDS; i++) {
		if (!EVP_CipherInit_ex(c, NULL, NULL, NULL, iv, -1) ||
		    !EVP_CipherUpdate(c, buf + 24, &outl, buf + 24, (int)ct) ||
		    !EVP_MAC_init(m, NULL, 0, NULL) || !EVP_MAC_update(m, buf, 24 + ct) ||
		    !EVP_MAC_final(m, md, &md_len, sizeof(md)))
			abort();
	}
	t = mbps((double)PAYLOAD * NPKT * ROUNDS, now_s() - t);
	EVP_CIPHER_CTX_free(c);
	EVP_MAC_CTX_free(m);
	EVP_MAC_free(mac);
	return t;
}

int main(void)
{
	double raw_enc, raw_dec, aes_sha1_enc = 0, aes_sha1_dec = 0;

	/* The first run warms the CPU clock up and is thrown away. */
	bench_raw(1);
	raw_enc = bench_raw(1);
	raw_dec = bench_raw(0);

	printf("%-15s %12s %12s   (payload %d bytes)\n", "suite", "encrypt", "decrypt", PAYLOAD);
	for (size_t i = 0; i < ARRAY_SIZE(esp_suites); i++) {
		double e, d;

		bench_suite(&esp_suites[i], &e, &d);
		if (esp_suites[i].transform == ESP_TRANSFORM_AES_CBC &&
		    esp_suites[i].key_bits == 128 && esp_suites[i].auth == ESP_AUTH_HMAC_SHA1_96) {
			aes_sha1_enc = e;
			aes_sha1_dec = d;
		}
		printf("%-15s %7.1f MB/s %7.1f MB/s\n", esp_suites[i].name, e, d);
	}
	printf("\nbatches of 16 (esp_encrypt_batch, as the userspace data path sends):\n");
	for (size_t i = 0; i < ARRAY_SIZE(esp_suites); i++)
		printf("  %-15s %7.1f MB/s\n", esp_suites[i].name, bench_batch(&esp_suites[i]));
	printf("\nraw EVP AES-128-CBC + HMAC-SHA1: encrypt %.1f MB/s, decrypt %.1f MB/s\n", raw_enc,
	       raw_dec);
	printf("aes128-sha1 vs raw: encrypt %.0f %%, decrypt %.0f %% (target >= 35 %%)\n",
	       100 * aes_sha1_enc / raw_enc, 100 * aes_sha1_dec / raw_dec);
	return 0;
}
