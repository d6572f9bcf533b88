/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for esp_decrypt() (and the RFC 3948 helpers behind it).
 * Input: one byte choosing the suite, then the ESP packet from the SPI on.
 * Keys are fixed (test_keymat()), SPI FUZZ_ESP_SPI, a fresh SA per input, so
 * the seed corpus (valid packets from test-esp-corpus) reaches the trailer and
 * inner UDP parsing while mutations exercise every check before it.
 */
#include <stdint.h>
#include <stdlib.h>

#include "test-esp-common.h"

#define FUZZ_ESP_SPI 0xf022f022u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[70000];
	const struct esp_suite *s;
	struct esp_sa *sa;
	size_t n = 0;
	uint8_t nh = 0;

	if (size < 1)
		return 0;
	s = &esp_suites[data[0] % ARRAY_SIZE(esp_suites)];
	(void)esp_udp_classify(data + 1, size - 1);
	sa = test_sa_new(s, ESP_DIR_INBOUND, FUZZ_ESP_SPI, NULL);
	if (!sa)
		abort();
	if (esp_decrypt(sa, data + 1, size - 1, out, sizeof(out), &n, &nh) == 0) {
		const uint8_t *pl;
		size_t pl_len;
		uint16_t sp, dp;

		if (n > size)
			abort();
		if (nh == 17)
			(void)esp_udp_inner_parse(out, n, &sp, &dp, &pl, &pl_len);
	}
	esp_sa_free(sa);
	return 0;
}
