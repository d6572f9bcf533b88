/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the PPP fuzz targets and the test that writes their seed corpus:
 * a deterministic client, so recorded server frames replay meaningfully.
 *
 * Input: one selector byte (client configuration), then records
 *   [op][len][len bytes]; op 0xff = advance time by len * 100 ms and tick,
 *   any other op = one frame (how the frame is built depends on the target).
 */
#ifndef L2I_TEST_PPP_FUZZ_HARNESS_H
#define L2I_TEST_PPP_FUZZ_HARNESS_H

#include <stdint.h>
#include <string.h>

#include "ppp.h"

#define FUZZ_OP_TICK 0xff

static void fuzz_rand(void *ctx, void *buf, size_t len)
{
	uint64_t *s = ctx;
	uint8_t *b = buf;

	for (size_t i = 0; i < len; i++) {
		*s ^= *s << 13;
		*s ^= *s >> 7;
		*s ^= *s << 17;
		b[i] = (uint8_t)*s;
	}
}

#define FUZZ_RAND_SEED 0x9e3779b97f4a7c15ull

/* Selector -> configuration: the auth set and IPv6 wish vary. */
static void fuzz_config(uint8_t sel, struct ppp_config *cfg, struct secbuf *pw)
{
	static const unsigned auth[] = {PPP_AUTH_ALL, PPP_AUTH_PAP, PPP_AUTH_CHAP_MD5,
					PPP_AUTH_MSCHAPV2};

	ppp_config_init(cfg);
	cfg->username = "alice";
	cfg->password = pw;
	cfg->allowed_auth = auth[sel % 4];
	cfg->want_ipv6 = (sel & 4) == 0;
	cfg->echo_interval_ms = 10000;
}

#endif
