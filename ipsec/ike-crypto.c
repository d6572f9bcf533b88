/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IKEv1 cryptography over OpenSSL 3: hashes, HMAC PRF, CBC, MODP/ECP
 * Diffie-Hellman and the RFC 2409 section 5 key derivations.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "ike-crypto.h"

/* ---- algorithm tables ---- */

const char *ike_hash_name(enum ike_hash h)
{
	switch (h) {
	case IKE_HASH_MD5:
		return "md5";
	case IKE_HASH_SHA1:
		return "sha1";
	case IKE_HASH_SHA2_256:
		return "sha2_256";
	case IKE_HASH_SHA2_384:
		return "sha2_384";
	case IKE_HASH_SHA2_512:
		return "sha2_512";
	}
	return NULL;
}

const char *ike_group_name(enum ike_group g)
{
	switch (g) {
	case IKE_GROUP_MODP1024:
		return "modp1024";
	case IKE_GROUP_MODP1536:
		return "modp1536";
	case IKE_GROUP_MODP2048:
		return "modp2048";
	case IKE_GROUP_MODP3072:
		return "modp3072";
	case IKE_GROUP_MODP4096:
		return "modp4096";
	case IKE_GROUP_ECP256:
		return "ecp256";
	case IKE_GROUP_ECP384:
		return "ecp384";
	}
	return NULL;
}

const char *ike_encr_name(enum ike_encr e, unsigned key_bits)
{
	switch (e) {
	case IKE_ENCR_DES_CBC:
		return key_bits == 0 || key_bits == 64 ? "des" : NULL;
	case IKE_ENCR_3DES_CBC:
		return key_bits == 0 || key_bits == 192 ? "3des" : NULL;
	case IKE_ENCR_AES_CBC:
		switch (key_bits) {
		case 0:
		case 128:
			return "aes128";
		case 192:
			return "aes192";
		case 256:
			return "aes256";
		}
		return NULL;
	}
	return NULL;
}

static const EVP_MD *hash_md(enum ike_hash h)
{
	switch (h) {
	case IKE_HASH_MD5:
		return EVP_md5();
	case IKE_HASH_SHA1:
		return EVP_sha1();
	case IKE_HASH_SHA2_256:
		return EVP_sha256();
	case IKE_HASH_SHA2_384:
		return EVP_sha384();
	case IKE_HASH_SHA2_512:
		return EVP_sha512();
	}
	return NULL;
}

/* OpenSSL digest names for EVP_MAC's "digest" parameter. */
static const char *hash_ossl_name(enum ike_hash h)
{
	switch (h) {
	case IKE_HASH_MD5:
		return "MD5";
	case IKE_HASH_SHA1:
		return "SHA1";
	case IKE_HASH_SHA2_256:
		return "SHA2-256";
	case IKE_HASH_SHA2_384:
		return "SHA2-384";
	case IKE_HASH_SHA2_512:
		return "SHA2-512";
	}
	return NULL;
}

size_t ike_hash_len(enum ike_hash h)
{
	switch (h) {
	case IKE_HASH_MD5:
		return 16;
	case IKE_HASH_SHA1:
		return 20;
	case IKE_HASH_SHA2_256:
		return 32;
	case IKE_HASH_SHA2_384:
		return 48;
	case IKE_HASH_SHA2_512:
		return 64;
	}
	return 0;
}

size_t ike_encr_block_len(enum ike_encr e)
{
	switch (e) {
	case IKE_ENCR_DES_CBC:
	case IKE_ENCR_3DES_CBC:
		return 8;
	case IKE_ENCR_AES_CBC:
		return 16;
	}
	return 0;
}

size_t ike_encr_key_len(enum ike_encr e, unsigned key_bits)
{
	if (!ike_encr_name(e, key_bits))
		return 0;
	switch (e) {
	case IKE_ENCR_DES_CBC:
		return 8;
	case IKE_ENCR_3DES_CBC:
		return 24;
	case IKE_ENCR_AES_CBC:
		return key_bits ? key_bits / 8 : 16;
	}
	return 0;
}

static const EVP_CIPHER *encr_cipher(enum ike_encr e, size_t key_len)
{
	switch (e) {
	case IKE_ENCR_DES_CBC:
		/* Only with OpenSSL's legacy provider loaded; else init fails (-EIO). */
		return key_len == 8 ? EVP_des_cbc() : NULL;
	case IKE_ENCR_3DES_CBC:
		return key_len == 24 ? EVP_des_ede3_cbc() : NULL;
	case IKE_ENCR_AES_CBC:
		switch (key_len) {
		case 16:
			return EVP_aes_128_cbc();
		case 24:
			return EVP_aes_192_cbc();
		case 32:
			return EVP_aes_256_cbc();
		}
		return NULL;
	}
	return NULL;
}

/* ---- hash, PRF, CBC ---- */

int ike_hash(enum ike_hash h, const struct ike_chunk *chunks, size_t n, uint8_t *out)
{
	const EVP_MD *md = hash_md(h);
	EVP_MD_CTX *ctx;
	int ok;

	if (!md)
		return -EINVAL;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, md, NULL);
	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, chunks[i].ptr, chunks[i].len);
	ok = ok && EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

int ike_prf(enum ike_hash h, const uint8_t *key, size_t key_len, const struct ike_chunk *chunks,
	    size_t n, uint8_t *out)
{
	const char *dname = hash_ossl_name(h);
	OSSL_PARAM params[2];
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx = NULL;
	/* HMAC rejects a NULL key; an empty key is still a key. */
	static const uint8_t empty;
	size_t out_len = 0;
	int ok = 0;

	if (!dname)
		return -EINVAL;
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac)
		ctx = EVP_MAC_CTX_new(mac);
	if (!ctx) {
		EVP_MAC_free(mac);
		return -ENOMEM;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)dname, 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = EVP_MAC_init(ctx, key_len ? key : &empty, key_len, params);
	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_MAC_update(ctx, chunks[i].ptr, chunks[i].len);
	ok = ok && EVP_MAC_final(ctx, out, &out_len, IKE_MAX_HASH_LEN);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok && out_len == ike_hash_len(h) ? 0 : -EIO;
}

int ike_cbc(enum ike_encr e, const uint8_t *key, size_t key_len, uint8_t *iv, uint8_t *buf,
	    size_t len, bool encrypt)
{
	const EVP_CIPHER *cipher = encr_cipher(e, key_len);
	size_t bl = ike_encr_block_len(e);
	uint8_t next_iv[IKE_MAX_BLOCK_LEN];
	EVP_CIPHER_CTX *ctx;
	int outl = 0, ok;

	if (!cipher || len % bl || len > INT_MAX)
		return -EINVAL;
	if (len == 0)
		return 0;
	/* Decrypting in place destroys the last ciphertext block: keep it first. */
	memcpy(next_iv, buf + len - bl, bl);
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_CipherInit_ex(ctx, cipher, NULL, key, iv, encrypt ? 1 : 0) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) && EVP_CipherUpdate(ctx, buf, &outl, buf, (int)len);
	EVP_CIPHER_CTX_free(ctx);
	if (!ok || (size_t)outl != len)
		return -EIO;
	memcpy(iv, encrypt ? buf + len - bl : next_iv, bl);
	return 0;
}

/* ---- Diffie-Hellman ---- */

struct ike_dh {
	enum ike_group group;
	size_t plen; /* prime / coordinate length in bytes */
	BIGNUM *priv;
	/* MODP */
	BIGNUM *p;
	BIGNUM *pub;
	/* ECP */
	EC_GROUP *ec;
	EC_POINT *ec_pub;
};

/* RFC 2409 section 6.2 (group 2) and RFC 3526 (groups 5, 14, 15, 16), generator 2. */
static BIGNUM *modp_prime(enum ike_group g, size_t *priv_bits)
{
	switch (g) {
	case IKE_GROUP_MODP1024:
		*priv_bits = 256;
		return BN_get_rfc2409_prime_1024(NULL);
	case IKE_GROUP_MODP1536:
		*priv_bits = 256;
		return BN_get_rfc3526_prime_1536(NULL);
	case IKE_GROUP_MODP2048:
		*priv_bits = 320;
		return BN_get_rfc3526_prime_2048(NULL);
	case IKE_GROUP_MODP3072:
		*priv_bits = 384;
		return BN_get_rfc3526_prime_3072(NULL);
	case IKE_GROUP_MODP4096:
		*priv_bits = 512;
		return BN_get_rfc3526_prime_4096(NULL);
	case IKE_GROUP_ECP256:
	case IKE_GROUP_ECP384:
		break;
	}
	return NULL;
}

static int ecp_nid(enum ike_group g, size_t *coord_len)
{
	switch (g) {
	case IKE_GROUP_ECP256:
		*coord_len = 32;
		return NID_X9_62_prime256v1;
	case IKE_GROUP_ECP384:
		*coord_len = 48;
		return NID_secp384r1;
	case IKE_GROUP_MODP1024:
	case IKE_GROUP_MODP1536:
	case IKE_GROUP_MODP2048:
	case IKE_GROUP_MODP3072:
	case IKE_GROUP_MODP4096:
		break;
	}
	return NID_undef;
}

bool ike_group_supported(enum ike_group g)
{
	return ike_group_pub_len(g) != 0;
}

size_t ike_group_pub_len(enum ike_group g)
{
	switch (g) {
	case IKE_GROUP_MODP1024:
		return 128;
	case IKE_GROUP_MODP1536:
		return 192;
	case IKE_GROUP_MODP2048:
		return 256;
	case IKE_GROUP_MODP3072:
		return 384;
	case IKE_GROUP_MODP4096:
		return 512;
	case IKE_GROUP_ECP256:
		return 64;
	case IKE_GROUP_ECP384:
		return 96;
	}
	return 0;
}

void ike_dh_free(struct ike_dh *dh)
{
	if (!dh)
		return;
	BN_clear_free(dh->priv);
	BN_free(dh->p);
	BN_free(dh->pub);
	EC_POINT_free(dh->ec_pub);
	EC_GROUP_free(dh->ec);
	free(dh);
}

/* A private value of priv_bits random bits; g^x mod p. */
static int modp_init(struct ike_dh *dh, size_t priv_bits, const struct rand_source *rnd, BN_CTX *bn)
{
	uint8_t raw[64];
	size_t n = priv_bits / 8;
	BIGNUM *g = BN_new();
	int ok;

	rand_fill(rnd, raw, n);
	dh->priv = BN_secure_new();
	dh->pub = BN_new();
	ok = g && dh->priv && dh->pub && BN_set_word(g, 2) && BN_bin2bn(raw, (int)n, dh->priv);
	secure_wipe(raw, sizeof(raw));
	/* x < 2 would give a trivial public value. */
	ok = ok && BN_cmp(dh->priv, BN_value_one()) > 0;
	if (ok)
		BN_set_flags(dh->priv, BN_FLG_CONSTTIME);
	ok = ok && BN_mod_exp(dh->pub, g, dh->priv, dh->p, bn);
	BN_free(g);
	return ok ? 0 : -EIO;
}

/* A scalar 1 <= d < n from rnd (a few draws at most), Q = d*G. */
static int ecp_init(struct ike_dh *dh, const struct rand_source *rnd, BN_CTX *bn)
{
	const BIGNUM *order = EC_GROUP_get0_order(dh->ec);
	uint8_t raw[48];
	int ok = 0;

	dh->priv = BN_secure_new();
	dh->ec_pub = EC_POINT_new(dh->ec);
	if (!dh->priv || !dh->ec_pub)
		return -ENOMEM;
	for (int tries = 0; tries < 8 && !ok; tries++) {
		rand_fill(rnd, raw, dh->plen);
		ok = BN_bin2bn(raw, (int)dh->plen, dh->priv) && !BN_is_zero(dh->priv) &&
		     BN_cmp(dh->priv, order) < 0;
	}
	secure_wipe(raw, sizeof(raw));
	if (!ok)
		return -EIO;
	BN_set_flags(dh->priv, BN_FLG_CONSTTIME);
	return EC_POINT_mul(dh->ec, dh->ec_pub, dh->priv, NULL, NULL, bn) ? 0 : -EIO;
}

struct ike_dh *ike_dh_new(enum ike_group g, const struct rand_source *rnd)
{
	struct ike_dh *dh;
	size_t priv_bits = 0;
	BN_CTX *bn;
	int nid, r = -ENOMEM;

	if (!ike_group_supported(g) || !rnd || !rnd->fn)
		return NULL;
	dh = calloc(1, sizeof(*dh));
	bn = BN_CTX_new();
	if (!dh || !bn)
		goto out;
	dh->group = g;
	dh->p = modp_prime(g, &priv_bits);
	if (dh->p) {
		dh->plen = (size_t)BN_num_bytes(dh->p);
		r = modp_init(dh, priv_bits, rnd, bn);
	} else {
		nid = ecp_nid(g, &dh->plen);
		dh->ec = EC_GROUP_new_by_curve_name(nid);
		if (dh->ec)
			r = ecp_init(dh, rnd, bn);
	}
out:
	BN_CTX_free(bn);
	if (r) {
		ike_dh_free(dh);
		return NULL;
	}
	return dh;
}

/* ECP points travel as x|y (RFC 5903 section 7), OpenSSL wants 0x04|x|y. */
static int ecp_to_bytes(const struct ike_dh *dh, const EC_POINT *pt, uint8_t *out, BN_CTX *bn)
{
	uint8_t buf[1 + 2 * 48];
	size_t n = 1 + 2 * dh->plen;

	if (EC_POINT_point2oct(dh->ec, pt, POINT_CONVERSION_UNCOMPRESSED, buf, n, bn) != n)
		return -EIO;
	memcpy(out, buf + 1, n - 1);
	return 0;
}

int ike_dh_public(const struct ike_dh *dh, uint8_t *out, size_t out_len)
{
	BN_CTX *bn;
	int r;

	if (!dh || out_len != ike_group_pub_len(dh->group))
		return -EINVAL;
	if (dh->p)
		return BN_bn2binpad(dh->pub, out, (int)out_len) == (int)out_len ? 0 : -EIO;
	bn = BN_CTX_new();
	if (!bn)
		return -ENOMEM;
	r = ecp_to_bytes(dh, dh->ec_pub, out, bn);
	BN_CTX_free(bn);
	return r;
}

/* MODP: 1 < y < p-1, then y^x mod p. */
static int modp_shared(const struct ike_dh *dh, const uint8_t *peer, size_t peer_len,
		       struct secbuf *out, BN_CTX *bn)
{
	BIGNUM *y = BN_bin2bn(peer, (int)peer_len, NULL);
	BIGNUM *pm1 = BN_dup(dh->p);
	BIGNUM *z = BN_secure_new();
	int r = -ENOMEM;

	if (!y || !pm1 || !z || !BN_sub_word(pm1, 1))
		goto out;
	r = -EBADMSG;
	if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm1) >= 0)
		goto out;
	r = -EIO;
	if (!BN_mod_exp(z, y, dh->priv, dh->p, bn) ||
	    BN_bn2binpad(z, out->data, (int)out->len) != (int)out->len)
		goto out;
	r = 0;
out:
	BN_free(y);
	BN_free(pm1);
	BN_clear_free(z);
	return r;
}

/* ECP: the peer point must decode, lie on the curve and not be infinity; secret = x of d*Q. */
static int ecp_shared(const struct ike_dh *dh, const uint8_t *peer, size_t peer_len,
		      struct secbuf *out, BN_CTX *bn)
{
	uint8_t buf[1 + 2 * 48];
	EC_POINT *q = EC_POINT_new(dh->ec);
	EC_POINT *z = EC_POINT_new(dh->ec);
	BIGNUM *x = BN_secure_new();
	int r = -ENOMEM;

	if (!q || !z || !x)
		goto out;
	buf[0] = POINT_CONVERSION_UNCOMPRESSED;
	memcpy(buf + 1, peer, peer_len);
	r = -EBADMSG;
	if (!EC_POINT_oct2point(dh->ec, q, buf, 1 + peer_len, bn) ||
	    EC_POINT_is_on_curve(dh->ec, q, bn) != 1 || EC_POINT_is_at_infinity(dh->ec, q))
		goto out;
	r = -EIO;
	if (!EC_POINT_mul(dh->ec, z, NULL, q, dh->priv, bn) || EC_POINT_is_at_infinity(dh->ec, z) ||
	    !EC_POINT_get_affine_coordinates(dh->ec, z, x, NULL, bn) ||
	    BN_bn2binpad(x, out->data, (int)out->len) != (int)out->len)
		goto out;
	r = 0;
out:
	EC_POINT_free(q);
	EC_POINT_clear_free(z);
	BN_clear_free(x);
	return r;
}

int ike_dh_shared(const struct ike_dh *dh, const uint8_t *peer, size_t peer_len,
		  struct secbuf **g_xy)
{
	struct secbuf *s;
	BN_CTX *bn;
	int r;

	if (!dh || !peer || !g_xy)
		return -EINVAL;
	*g_xy = NULL;
	/* KE data is padded to the full length (RFC 2409 section 5, RFC 5903 section 7). */
	if (peer_len != ike_group_pub_len(dh->group))
		return -EBADMSG;
	s = secbuf_new(dh->plen);
	bn = BN_CTX_secure_new();
	if (!s || !bn) {
		secbuf_free(s);
		BN_CTX_free(bn);
		return -ENOMEM;
	}
	if (dh->p)
		r = modp_shared(dh, peer, peer_len, s, bn);
	else
		r = ecp_shared(dh, peer, peer_len, s, bn);
	BN_CTX_free(bn);
	if (r) {
		secbuf_free(s);
		return r;
	}
	*g_xy = s;
	return 0;
}

/* ---- RFC 2409 key derivation ---- */

int ike_skeyid_psk(enum ike_hash h, const struct secbuf *psk, const uint8_t *ni, size_t ni_len,
		   const uint8_t *nr, size_t nr_len, struct secbuf **skeyid)
{
	const struct ike_chunk c[] = {{ni, ni_len}, {nr, nr_len}};
	size_t hl = ike_hash_len(h);
	struct secbuf *s;
	int r;

	if (!hl || !psk || !skeyid)
		return -EINVAL;
	*skeyid = NULL;
	s = secbuf_new(hl);
	if (!s)
		return -ENOMEM;
	/* SKEYID = prf(pre-shared-key, Ni_b | Nr_b) */
	r = ike_prf(h, psk->data, psk->len, c, ARRAY_SIZE(c), s->data);
	if (r) {
		secbuf_free(s);
		return r;
	}
	*skeyid = s;
	return 0;
}

/* out = prf(SKEYID, [prev |] g^xy | CKY-I | CKY-R | n) */
static int skeyid_x(enum ike_hash h, const struct secbuf *skeyid, const struct secbuf *prev,
		    const struct secbuf *g_xy, const uint8_t *cky_i, const uint8_t *cky_r,
		    uint8_t n, struct secbuf **out)
{
	const struct ike_chunk c[] = {
		{prev ? prev->data : NULL, prev ? prev->len : 0},
		{g_xy->data, g_xy->len},
		{cky_i, 8},
		{cky_r, 8},
		{&n, 1},
	};
	int r;

	*out = secbuf_new(ike_hash_len(h));
	if (!*out)
		return -ENOMEM;
	r = ike_prf(h, skeyid->data, skeyid->len, c, ARRAY_SIZE(c), (*out)->data);
	return r;
}

/*
 * RFC 2409 appendix B: when SKEYID_e is too short for the cipher,
 * Ka = K1 | K2 | ... with K1 = prf(SKEYID_e, 0) (one zero octet), Kn = prf(SKEYID_e, Kn-1).
 */
static int enc_key_expand(enum ike_hash h, const struct secbuf *skeyid_e, size_t key_len,
			  struct secbuf **out)
{
	size_t hl = ike_hash_len(h);
	uint8_t k[IKE_MAX_HASH_LEN];
	static const uint8_t zero;
	int r = 0;

	*out = secbuf_new(key_len);
	if (!*out)
		return -ENOMEM;
	if (key_len <= skeyid_e->len) {
		memcpy((*out)->data, skeyid_e->data, key_len);
		return 0;
	}
	for (size_t off = 0; off < key_len && !r; off += hl) {
		struct ike_chunk c = off ? (struct ike_chunk){k, hl} : (struct ike_chunk){&zero, 1};
		size_t n = key_len - off < hl ? key_len - off : hl;

		r = ike_prf(h, skeyid_e->data, skeyid_e->len, &c, 1, k);
		if (!r)
			memcpy((*out)->data + off, k, n);
	}
	secure_wipe(k, sizeof(k));
	return r;
}

int ike_derive_p1(enum ike_hash h, enum ike_encr e, size_t enc_key_len, struct secbuf *skeyid,
		  const struct secbuf *g_xy, const uint8_t cky_i[8], const uint8_t cky_r[8],
		  struct ike_p1_keys *keys)
{
	int r;

	if (!keys) {
		secbuf_free(skeyid);
		return -EINVAL;
	}
	memset(keys, 0, sizeof(*keys));
	keys->skeyid = skeyid;
	if (!enc_key_len)
		enc_key_len = ike_encr_key_len(e, 0);
	if (!skeyid || !g_xy || !ike_hash_len(h) || !encr_cipher(e, enc_key_len)) {
		r = -EINVAL;
		goto fail;
	}
	/* SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0) */
	r = skeyid_x(h, skeyid, NULL, g_xy, cky_i, cky_r, 0, &keys->skeyid_d);
	/* SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1) */
	if (!r)
		r = skeyid_x(h, skeyid, keys->skeyid_d, g_xy, cky_i, cky_r, 1, &keys->skeyid_a);
	/* SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2) */
	if (!r)
		r = skeyid_x(h, skeyid, keys->skeyid_a, g_xy, cky_i, cky_r, 2, &keys->skeyid_e);
	if (!r)
		r = enc_key_expand(h, keys->skeyid_e, enc_key_len, &keys->enc_key);
	if (!r)
		return 0;
fail:
	ike_p1_keys_clear(keys);
	return r;
}

void ike_p1_keys_clear(struct ike_p1_keys *keys)
{
	if (!keys)
		return;
	secbuf_free(keys->skeyid);
	secbuf_free(keys->skeyid_d);
	secbuf_free(keys->skeyid_a);
	secbuf_free(keys->skeyid_e);
	secbuf_free(keys->enc_key);
	memset(keys, 0, sizeof(*keys));
}

/* IV = first block_len bytes of HASH(chunks) */
static int hash_iv(enum ike_hash h, const struct ike_chunk *c, size_t n, size_t block_len,
		   uint8_t *iv)
{
	uint8_t md[IKE_MAX_HASH_LEN];
	int r;

	if (!block_len || block_len > IKE_MAX_BLOCK_LEN || block_len > ike_hash_len(h))
		return -EINVAL;
	r = ike_hash(h, c, n, md);
	if (!r)
		memcpy(iv, md, block_len);
	return r;
}

int ike_p1_iv(enum ike_hash h, const uint8_t *gxi, size_t gxi_len, const uint8_t *gxr,
	      size_t gxr_len, size_t block_len, uint8_t *iv)
{
	/* IV = HASH(g^xi | g^xr) */
	const struct ike_chunk c[] = {{gxi, gxi_len}, {gxr, gxr_len}};

	return hash_iv(h, c, ARRAY_SIZE(c), block_len, iv);
}

int ike_p2_iv(enum ike_hash h, const uint8_t *last_block, size_t block_len, uint32_t msg_id,
	      uint8_t *iv)
{
	uint8_t mid[4];
	/* IV = HASH(last phase 1 CBC output block | M-ID) */
	const struct ike_chunk c[] = {{last_block, block_len}, {mid, 4}};

	put_u32(mid, msg_id);
	return hash_iv(h, c, ARRAY_SIZE(c), block_len, iv);
}

int ike_keymat(enum ike_hash h, const struct secbuf *skeyid_d, const struct secbuf *g_qm_xy,
	       uint8_t protocol, const uint8_t spi[4], const uint8_t *ni, size_t ni_len,
	       const uint8_t *nr, size_t nr_len, uint8_t *out, size_t out_len)
{
	size_t hl = ike_hash_len(h);
	uint8_t k[IKE_MAX_HASH_LEN];
	/* Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b), K0 empty */
	struct ike_chunk c[] = {
		{k, 0},		{g_qm_xy ? g_qm_xy->data : NULL, g_qm_xy ? g_qm_xy->len : 0},
		{&protocol, 1}, {spi, 4},
		{ni, ni_len},	{nr, nr_len},
	};
	int r = 0;

	if (!hl || !skeyid_d || !spi || !out)
		return -EINVAL;
	for (size_t off = 0; off < out_len && !r; off += hl) {
		size_t n = out_len - off < hl ? out_len - off : hl;

		r = ike_prf(h, skeyid_d->data, skeyid_d->len, c, ARRAY_SIZE(c), k);
		if (!r)
			memcpy(out + off, k, n);
		c[0].len = hl;
	}
	secure_wipe(k, sizeof(k));
	if (r)
		secure_wipe(out, out_len);
	return r;
}

int ike_natd_hash(enum ike_hash h, const uint8_t cky_i[8], const uint8_t cky_r[8],
		  const uint8_t *addr, size_t addr_len, uint16_t port, uint8_t *out)
{
	uint8_t p[2];
	/* NAT-D = HASH(CKY-I | CKY-R | IP | Port) */
	const struct ike_chunk c[] = {{cky_i, 8}, {cky_r, 8}, {addr, addr_len}, {p, 2}};

	if (addr_len != 4 && addr_len != 16)
		return -EINVAL;
	put_u16(p, port);
	return ike_hash(h, c, ARRAY_SIZE(c), out);
}
