/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * AES-CBC encryption of several independent messages at once (ESP internal).
 *
 * CBC encryption is serial within a message: each block waits for the one
 * before, so one message keeps the CPU's AES unit a tenth busy. Eight ESP
 * packets side by side keep it full: about 7x the single-message rate on the
 * machines we measured (docs/PERFORMANCE.md). x86-64 with AES-NI only, chosen
 * at run time; elsewhere aes_lanes_supported() is false and ESP stays on EVP.
 * AES-128 and AES-256 (the suites servers pick); AES-192 stays on EVP.
 */
#ifndef L2I_AES_LANES_H
#define L2I_AES_LANES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AES_LANES_MAX 8

struct aes_lanes_key {
	uint8_t rk[15][16]; /* the encryption round keys */
	unsigned rounds;    /* 10 or 14 */
};

/* One message: blocks * 16 bytes at data, encrypted in place, chained from iv. */
struct aes_lane {
	uint8_t *data;
	const uint8_t *iv;
	size_t blocks;
};

bool aes_lanes_supported(void);
/* key_len 16 or 32; false otherwise or without AES-NI. Wipe k (secure_wipe) when done. */
bool aes_lanes_set_key(struct aes_lanes_key *k, const uint8_t *key, size_t key_len);
/* Encrypt n messages of any lengths (n may exceed AES_LANES_MAX). The iv of a lane may be
 * the 16 bytes just before its data. */
void aes_lanes_cbc_encrypt(const struct aes_lanes_key *k, const struct aes_lane *lanes,
			   unsigned n);

#endif
