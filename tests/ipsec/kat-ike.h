/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Known-answer data for the IKEv1 crypto tests; values in kat-ike-data.c. */
#ifndef L2I_KAT_IKE_H
#define L2I_KAT_IKE_H

#include <stddef.h>
#include <stdint.h>

#include "ike-crypto.h"

/* The RFC 2409 chain for one hash/cipher; hex strings. */
struct kat_p1 {
	const char *name;
	enum ike_hash hash;
	enum ike_encr encr;
	size_t key_len;
	const char *psk;
	const char *ni, *nr, *g_xy, *cky_i, *cky_r;
	const char *skeyid, *skeyid_d, *skeyid_a, *skeyid_e, *enc_key;
	const char *gxi, *gxr, *p1_iv;
	const char *last_block;
	uint32_t msg_id;
	const char *p2_iv;
	uint8_t protocol;
	const char *spi, *ni2, *nr2, *keymat, *qm_g_xy, *keymat_pfs;
	const char *natd_addr;
	uint16_t natd_port;
	const char *natd;
};

/* A MODP exchange with fixed private values, checked with Python's pow(). */
struct kat_modp {
	enum ike_group group;
	const char *priv, *pub, *peer, *shared;
};

/* HMAC vector: the key is either text or key_fill repeated key_len times. */
struct kat_hmac {
	const char *source;
	enum ike_hash hash;
	const char *key_text;
	uint8_t key_fill;
	size_t key_len;
	const char *data;
	const char *mac;
};

extern const struct kat_hmac kat_hmac_vectors[];
extern const size_t kat_hmac_count;
extern const struct kat_p1 kat_p1_vectors[];
extern const size_t kat_p1_count;
extern const struct kat_modp kat_modp_vectors[];
extern const size_t kat_modp_count;

#endif
