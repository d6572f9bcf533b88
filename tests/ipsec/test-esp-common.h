/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the ESP tests, the fuzz target's corpus writer and benchmarks. */
#ifndef L2I_TEST_ESP_COMMON_H
#define L2I_TEST_ESP_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "esp.h"

struct esp_suite {
	const char *name;
	uint8_t transform;
	uint16_t key_bits;
	uint16_t auth;
};

static const struct esp_suite esp_suites[] = {
	{"3des-md5", ESP_TRANSFORM_3DES, 0, ESP_AUTH_HMAC_MD5_96},
	{"3des-sha1", ESP_TRANSFORM_3DES, 192, ESP_AUTH_HMAC_SHA1_96},
	{"aes128-sha1", ESP_TRANSFORM_AES_CBC, 128, ESP_AUTH_HMAC_SHA1_96},
	{"aes192-sha256", ESP_TRANSFORM_AES_CBC, 192, ESP_AUTH_HMAC_SHA2_256_128},
	{"aes256-md5", ESP_TRANSFORM_AES_CBC, 256, ESP_AUTH_HMAC_MD5_96},
	{"aes256-sha256", ESP_TRANSFORM_AES_CBC, 256, ESP_AUTH_HMAC_SHA2_256_128},
	{"aes128gcm16", ESP_TRANSFORM_AES_GCM_16, 128, ESP_AUTH_NONE},
	{"aes192gcm16", ESP_TRANSFORM_AES_GCM_16, 192, ESP_AUTH_NONE},
	{"aes256gcm16", ESP_TRANSFORM_AES_GCM_16, 256, ESP_AUTH_NONE},
};

/* Deterministic byte stream (xorshift64*) standing in for a CSPRNG. */
static inline void test_rand_fill(void *ctx, void *out, size_t len)
{
	uint64_t *s = ctx;
	uint8_t *o = out;

	for (size_t i = 0; i < len; i++) {
		*s ^= *s >> 12;
		*s ^= *s << 25;
		*s ^= *s >> 27;
		o[i] = (uint8_t)((*s * 0x2545F4914F6CDD1DULL) >> 56);
	}
}

/* A fixed key of the suite's length: bytes 1, 2, 3, ... */
static inline size_t test_keymat(const struct esp_suite *s, uint8_t *km, size_t cap)
{
	size_t n = esp_keymat_len(s->transform, s->key_bits, s->auth);

	for (size_t i = 0; i < n && i < cap; i++)
		km[i] = (uint8_t)(i + 1);
	return n;
}

static inline struct esp_sa *test_sa_new(const struct esp_suite *s, enum esp_dir dir, uint32_t spi,
					 const struct rand_source *rnd)
{
	uint8_t km[64];
	struct esp_sa_config cfg = {
		.spi = spi,
		.esp_transform = s->transform,
		.key_bits = s->key_bits,
		.auth_alg = s->auth,
		.keymat = km,
		.keymat_len = test_keymat(s, km, sizeof(km)),
		.dir = dir,
		.rnd = rnd,
	};
	struct esp_sa *sa = esp_sa_new(&cfg);

	memset(km, 0, sizeof(km));
	return sa;
}

static inline size_t test_unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2;

	for (size_t i = 0; i < n && i < cap; i++) {
		unsigned v = 0;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return 0;
		out[i] = (uint8_t)v;
	}
	return n < cap ? n : cap;
}

#endif
