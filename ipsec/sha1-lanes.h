/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * HMAC-SHA1 over several messages at once (ESP internal), the ICV half of
 * what aes-lanes.h does for the cipher: SHA-1 is serial within a message,
 * and the CPU's SHA unit is kept busy only by a few messages side by side
 * (about 2.3x the rate of one at a time with four, docs/PERFORMANCE.md).
 * x86-64 with the SHA extensions only, chosen at run time; elsewhere
 * sha1_lanes_supported() is false and ESP stays on EVP's HMAC.
 */
#ifndef L2I_SHA1_LANES_H
#define L2I_SHA1_LANES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA1_LANES_MAX 4
#define SHA1_DIGEST_LEN 20

/* The SHA-1 states after the key's inner and outer pad blocks (RFC 2104): a keyed HMAC. */
struct hmac_sha1_lanes_key {
	uint32_t inner[5], outer[5];
};

struct hmac_lane {
	const uint8_t *data;
	size_t len;
	uint8_t *mac; /* SHA1_DIGEST_LEN bytes out */
};

bool sha1_lanes_supported(void);
/* key_len at most 64 (ESP's HMAC-SHA1-96 key is 20). Wipe k (secure_wipe) when done. */
bool hmac_sha1_lanes_set_key(struct hmac_sha1_lanes_key *k, const uint8_t *key, size_t key_len);
/* HMAC of n messages (n may exceed SHA1_LANES_MAX); neighbours of equal length go together. */
void hmac_sha1_lanes(const struct hmac_sha1_lanes_key *k, const struct hmac_lane *lanes,
		     unsigned n);

#endif
