/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IKEv1 cryptography (internal to ipsec/): algorithms by their RFC 2409
 * attribute numbers, the PRF and hash, CBC for ISAKMP payloads, Diffie-Hellman
 * over MODP and ECP groups, and the key derivations of RFC 2409 section 5.
 *
 * Everything goes through OpenSSL 3 EVP / BN / EC_POINT. Randomness (the DH
 * private value) comes from the caller's rand_source, so an exchange can be
 * replayed byte for byte in tests.
 *
 * Return values: 0 on success; -EINVAL for an unknown algorithm or a bad
 * length; -EBADMSG for a peer DH value out of range / off the curve;
 * -ENOMEM / -EIO when OpenSSL fails.
 */
#ifndef L2I_IKE_CRYPTO_H
#define L2I_IKE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* Encryption algorithm, RFC 2409 appendix A (phase 1 attribute 1). */
enum ike_encr {
	IKE_ENCR_DES_CBC = 1,
	IKE_ENCR_3DES_CBC = 5,
	IKE_ENCR_AES_CBC = 7,
};

/* Hash algorithm (phase 1 attribute 2); the PRF is HMAC with it. */
enum ike_hash {
	IKE_HASH_MD5 = 1,
	IKE_HASH_SHA1 = 2,
	IKE_HASH_SHA2_256 = 4,
	IKE_HASH_SHA2_384 = 5,
	IKE_HASH_SHA2_512 = 6,
};

/* Group description (phase 1 attribute 4). */
enum ike_group {
	IKE_GROUP_MODP1024 = 2,
	IKE_GROUP_MODP1536 = 5,
	IKE_GROUP_MODP2048 = 14,
	IKE_GROUP_MODP3072 = 15,
	IKE_GROUP_MODP4096 = 16,
	IKE_GROUP_ECP256 = 19,
	IKE_GROUP_ECP384 = 20,
};

#define IKE_MAX_HASH_LEN 64
#define IKE_MAX_BLOCK_LEN 16
#define IKE_MAX_KEY_LEN 32

/* A scatter list of byte ranges fed to a hash or PRF in order. */
struct ike_chunk {
	const void *ptr;
	size_t len;
};

/* Names as used in proposal strings: "aes256", "sha1", "sha2_256", "modp2048", "ecp384". */
const char *ike_hash_name(enum ike_hash h);
const char *ike_group_name(enum ike_group g);
/* key_bits is 0 for fixed-size ciphers; "aes128", "3des", "des". */
const char *ike_encr_name(enum ike_encr e, unsigned key_bits);

/* 0 for an unsupported value. */
size_t ike_hash_len(enum ike_hash h);
/* Block size (IV length) of the cipher; 0 if unsupported. */
size_t ike_encr_block_len(enum ike_encr e);
/* Key length in bytes for the negotiated key_bits (0 = the cipher's default). 0 if invalid. */
size_t ike_encr_key_len(enum ike_encr e, unsigned key_bits);
/* Length of the KE payload data for the group; 0 if unsupported. */
size_t ike_group_pub_len(enum ike_group g);
bool ike_group_supported(enum ike_group g);

/* out = HASH(chunks...) */
int ike_hash(enum ike_hash h, const struct ike_chunk *chunks, size_t n, uint8_t *out);
/* out = prf(key, chunks...) = HMAC-<h>(key, chunks...) */
int ike_prf(enum ike_hash h, const uint8_t *key, size_t key_len, const struct ike_chunk *chunks,
	    size_t n, uint8_t *out);

/*
 * CBC without padding over buf (len a multiple of the block size), in place.
 * iv is read and then replaced by the last ciphertext block, which is exactly
 * the chaining RFC 2409 asks for (the next message's IV).
 */
int ike_cbc(enum ike_encr e, const uint8_t *key, size_t key_len, uint8_t *iv, uint8_t *buf,
	    size_t len, bool encrypt);

/* ---- Diffie-Hellman ---- */

struct ike_dh;

/* Draws the private value from rnd. NULL for an unsupported group or no memory. */
struct ike_dh *ike_dh_new(enum ike_group g, const struct rand_source *rnd);
/* Wipes the private value; NULL is fine. */
void ike_dh_free(struct ike_dh *dh);
/* Public value as carried in KE: MODP big-endian left-padded to the prime length; ECP x|y. */
int ike_dh_public(const struct ike_dh *dh, uint8_t *out, size_t out_len);
/*
 * g^xy from the peer's KE data. MODP: checks 1 < y < p-1 (a range check, not
 * OpenSSL's full check which costs 7x on MODP-2048); ECP: checks the point is on
 * the curve. The secret is left-padded to the prime length (ECP: x coordinate).
 */
int ike_dh_shared(const struct ike_dh *dh, const uint8_t *peer, size_t peer_len,
		  struct secbuf **g_xy);

/* ---- RFC 2409 key derivation ---- */

struct ike_p1_keys {
	struct secbuf *skeyid;
	struct secbuf *skeyid_d;
	struct secbuf *skeyid_a;
	struct secbuf *skeyid_e;
	/* SKEYID_e cut or expanded (appendix B) to the cipher's key length. */
	struct secbuf *enc_key;
};

/* SKEYID = prf(pre-shared-key, Ni_b | Nr_b) */
int ike_skeyid_psk(enum ike_hash h, const struct secbuf *psk, const uint8_t *ni, size_t ni_len,
		   const uint8_t *nr, size_t nr_len, struct secbuf **skeyid);

/*
 * From SKEYID: SKEYID_d, SKEYID_a, SKEYID_e and the encryption key. Takes
 * ownership of skeyid (stored in keys->skeyid).
 */
int ike_derive_p1(enum ike_hash h, enum ike_encr e, size_t enc_key_len, struct secbuf *skeyid,
		  const struct secbuf *g_xy, const uint8_t cky_i[8], const uint8_t cky_r[8],
		  struct ike_p1_keys *keys);
/* Wipes and frees the members; the struct itself is the caller's. */
void ike_p1_keys_clear(struct ike_p1_keys *keys);

/* Phase 1 IV = HASH(g^xi | g^xr), first block_len bytes. */
int ike_p1_iv(enum ike_hash h, const uint8_t *gxi, size_t gxi_len, const uint8_t *gxr,
	      size_t gxr_len, size_t block_len, uint8_t *iv);
/* Phase 2 / informational IV = HASH(last phase 1 CBC block | M-ID), first block_len bytes. */
int ike_p2_iv(enum ike_hash h, const uint8_t *last_block, size_t block_len, uint32_t msg_id,
	      uint8_t *iv);

/*
 * KEYMAT = K1 | K2 | ... with K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b),
 * Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b); out_len bytes.
 * g_qm_xy is NULL without PFS. spi is in network byte order.
 */
int ike_keymat(enum ike_hash h, const struct secbuf *skeyid_d, const struct secbuf *g_qm_xy,
	       uint8_t protocol, const uint8_t spi[4], const uint8_t *ni, size_t ni_len,
	       const uint8_t *nr, size_t nr_len, uint8_t *out, size_t out_len);

/* NAT-D = HASH(CKY-I | CKY-R | IP | Port), RFC 3947; addr is 4 (IPv4) or 16 bytes. */
int ike_natd_hash(enum ike_hash h, const uint8_t cky_i[8], const uint8_t cky_r[8],
		  const uint8_t *addr, size_t addr_len, uint16_t port, uint8_t *out);

#endif
