/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ike-crypto: HMAC known answers (RFC 2202, RFC 4231), the RFC 2409 key
 * derivation chain against values computed by kat-gen.py, CBC chaining, and
 * Diffie-Hellman for every group (agreement, range checks, RFC 5903 vectors).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "ike-crypto.h"
#include "kat-ike.h"

/* ---- helpers ---- */

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2;

	g_assert_cmpuint(strlen(hex) % 2, ==, 0);
	g_assert_cmpuint(n, <=, cap);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		g_assert_true(sscanf(hex + 2 * i, "%2x", &v) == 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static void assert_hex(const uint8_t *got, size_t len, const char *want_hex)
{
	uint8_t want[1024];
	size_t n = unhex(want_hex, want, sizeof(want));

	g_assert_cmpuint(len, ==, n);
	g_assert_cmpmem(got, len, want, n);
}

/* Returns the bytes of a fixed buffer in order (cycling), e.g. a known private value. */
struct fixed_rand {
	uint8_t buf[128];
	size_t len, off;
};

static void fixed_fill(void *ctx, void *out, size_t len)
{
	struct fixed_rand *f = ctx;
	uint8_t *o = out;

	for (size_t i = 0; i < len; i++) {
		o[i] = f->buf[f->off++ % f->len];
	}
}

/* xorshift64*: deterministic "random" values for agreement tests. */
static void xorshift_fill(void *ctx, void *out, size_t len)
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

/* ---- names and sizes ---- */

static void test_names(void)
{
	g_assert_cmpstr(ike_hash_name(IKE_HASH_SHA2_256), ==, "sha2_256");
	g_assert_cmpstr(ike_group_name(IKE_GROUP_ECP384), ==, "ecp384");
	g_assert_cmpstr(ike_encr_name(IKE_ENCR_AES_CBC, 256), ==, "aes256");
	g_assert_cmpstr(ike_encr_name(IKE_ENCR_AES_CBC, 0), ==, "aes128");
	g_assert_cmpstr(ike_encr_name(IKE_ENCR_3DES_CBC, 0), ==, "3des");
	g_assert_null(ike_encr_name(IKE_ENCR_AES_CBC, 100));
	g_assert_null(ike_hash_name((enum ike_hash)3));
	g_assert_cmpuint(ike_hash_len(IKE_HASH_SHA2_384), ==, 48);
	g_assert_cmpuint(ike_hash_len((enum ike_hash)99), ==, 0);
	g_assert_cmpuint(ike_encr_key_len(IKE_ENCR_AES_CBC, 192), ==, 24);
	g_assert_cmpuint(ike_encr_key_len(IKE_ENCR_AES_CBC, 0), ==, 16);
	g_assert_cmpuint(ike_encr_key_len(IKE_ENCR_3DES_CBC, 0), ==, 24);
	g_assert_cmpuint(ike_encr_key_len(IKE_ENCR_AES_CBC, 64), ==, 0);
	g_assert_cmpuint(ike_encr_block_len(IKE_ENCR_3DES_CBC), ==, 8);
	g_assert_cmpuint(ike_group_pub_len(IKE_GROUP_MODP2048), ==, 256);
	g_assert_cmpuint(ike_group_pub_len(IKE_GROUP_ECP256), ==, 64);
	g_assert_true(ike_group_supported(IKE_GROUP_MODP4096));
	g_assert_false(ike_group_supported((enum ike_group)1));
}

/* ---- hash and PRF ---- */

static void test_hash(void)
{
	uint8_t md[IKE_MAX_HASH_LEN];
	/* FIPS 180 "abc", split over two chunks. */
	const struct ike_chunk c[] = {{"a", 1}, {"bc", 2}};

	g_assert_cmpint(ike_hash(IKE_HASH_SHA1, c, 2, md), ==, 0);
	assert_hex(md, 20, "a9993e364706816aba3e25717850c26c9cd0d89d");
	g_assert_cmpint(ike_hash((enum ike_hash)0, c, 2, md), ==, -EINVAL);
}

static void test_hmac_kat(void)
{
	for (size_t i = 0; i < kat_hmac_count; i++) {
		const struct kat_hmac *v = &kat_hmac_vectors[i];
		uint8_t key[256], mac[IKE_MAX_HASH_LEN];
		size_t dl = strlen(v->data);
		/* Split the data so the chunk list is exercised too. */
		const struct ike_chunk c[] = {{v->data, dl / 3}, {v->data + dl / 3, dl - dl / 3}};

		if (v->key_text)
			memcpy(key, v->key_text, v->key_len);
		else
			memset(key, v->key_fill, v->key_len);
		g_test_message("%s", v->source);
		g_assert_cmpint(ike_prf(v->hash, key, v->key_len, c, 2, mac), ==, 0);
		assert_hex(mac, ike_hash_len(v->hash), v->mac);
	}
}

/* ---- RFC 2409 derivation chain ---- */

static struct secbuf *secbuf_hex(const char *hex)
{
	uint8_t buf[512];
	size_t n = unhex(hex, buf, sizeof(buf));

	return secbuf_new_from(buf, n);
}

static void check_p1_vector(const struct kat_p1 *v)
{
	uint8_t ni[64], nr[64], cky_i[8], cky_r[8], gxi[256], gxr[256], last[16], spi[4];
	uint8_t ni2[64], nr2[64], iv[16], out[256], addr[16];
	size_t ni_len = unhex(v->ni, ni, sizeof(ni)), nr_len = unhex(v->nr, nr, sizeof(nr));
	size_t bl = ike_encr_block_len(v->encr), km_len = strlen(v->keymat) / 2;
	struct secbuf *psk = secbuf_new_str(v->psk), *g_xy = secbuf_hex(v->g_xy);
	struct secbuf *qm = secbuf_hex(v->qm_g_xy), *skeyid = NULL;
	struct ike_p1_keys keys;

	g_test_message("vector %s", v->name);
	unhex(v->cky_i, cky_i, 8);
	unhex(v->cky_r, cky_r, 8);

	g_assert_cmpint(ike_skeyid_psk(v->hash, psk, ni, ni_len, nr, nr_len, &skeyid), ==, 0);
	assert_hex(skeyid->data, skeyid->len, v->skeyid);

	g_assert_cmpint(
		ike_derive_p1(v->hash, v->encr, v->key_len, skeyid, g_xy, cky_i, cky_r, &keys), ==,
		0);
	g_assert_true(keys.skeyid == skeyid);
	assert_hex(keys.skeyid_d->data, keys.skeyid_d->len, v->skeyid_d);
	assert_hex(keys.skeyid_a->data, keys.skeyid_a->len, v->skeyid_a);
	assert_hex(keys.skeyid_e->data, keys.skeyid_e->len, v->skeyid_e);
	assert_hex(keys.enc_key->data, keys.enc_key->len, v->enc_key);

	g_assert_cmpint(ike_p1_iv(v->hash, gxi, unhex(v->gxi, gxi, sizeof(gxi)), gxr,
				  unhex(v->gxr, gxr, sizeof(gxr)), bl, iv),
			==, 0);
	assert_hex(iv, bl, v->p1_iv);

	unhex(v->last_block, last, sizeof(last));
	g_assert_cmpint(ike_p2_iv(v->hash, last, bl, v->msg_id, iv), ==, 0);
	assert_hex(iv, bl, v->p2_iv);

	unhex(v->spi, spi, 4);
	size_t ni2_len = unhex(v->ni2, ni2, sizeof(ni2)), nr2_len = unhex(v->nr2, nr2, sizeof(nr2));
	g_assert_cmpint(ike_keymat(v->hash, keys.skeyid_d, NULL, v->protocol, spi, ni2, ni2_len,
				   nr2, nr2_len, out, km_len),
			==, 0);
	assert_hex(out, km_len, v->keymat);
	g_assert_cmpint(ike_keymat(v->hash, keys.skeyid_d, qm, v->protocol, spi, ni2, ni2_len, nr2,
				   nr2_len, out, km_len),
			==, 0);
	assert_hex(out, km_len, v->keymat_pfs);
	/* A shorter request is a prefix of the longer one. */
	g_assert_cmpint(ike_keymat(v->hash, keys.skeyid_d, NULL, v->protocol, spi, ni2, ni2_len,
				   nr2, nr2_len, out, 7),
			==, 0);
	uint8_t full[256];
	unhex(v->keymat, full, sizeof(full));
	g_assert_cmpmem(out, 7, full, 7);

	size_t al = unhex(v->natd_addr, addr, sizeof(addr));
	g_assert_cmpint(ike_natd_hash(v->hash, cky_i, cky_r, addr, al, v->natd_port, out), ==, 0);
	assert_hex(out, ike_hash_len(v->hash), v->natd);
	g_assert_cmpint(ike_natd_hash(v->hash, cky_i, cky_r, addr, 5, v->natd_port, out), ==,
			-EINVAL);

	ike_p1_keys_clear(&keys);
	g_assert_null(keys.skeyid);
	g_assert_null(keys.enc_key);
	ike_p1_keys_clear(&keys);
	secbuf_free(psk);
	secbuf_free(g_xy);
	secbuf_free(qm);
}

static void test_p1_chain(void)
{
	g_assert_cmpuint(kat_p1_count, >=, 4);
	for (size_t i = 0; i < kat_p1_count; i++)
		check_p1_vector(&kat_p1_vectors[i]);
}

static void test_derive_errors(void)
{
	struct secbuf *g_xy = secbuf_new(128), *skeyid = secbuf_new(20);
	const uint8_t cky[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct ike_p1_keys keys;

	/* Unknown cipher: -EINVAL, skeyid consumed, keys left empty. */
	g_assert_cmpint(
		ike_derive_p1(IKE_HASH_SHA1, (enum ike_encr)99, 16, skeyid, g_xy, cky, cky, &keys),
		==, -EINVAL);
	g_assert_null(keys.skeyid);
	g_assert_null(keys.skeyid_d);
	/* Key length that does not fit the cipher. */
	skeyid = secbuf_new(20);
	g_assert_cmpint(
		ike_derive_p1(IKE_HASH_SHA1, IKE_ENCR_AES_CBC, 20, skeyid, g_xy, cky, cky, &keys),
		==, -EINVAL);
	/* enc_key_len 0 means the cipher's default. */
	skeyid = secbuf_new(20);
	g_assert_cmpint(
		ike_derive_p1(IKE_HASH_SHA1, IKE_ENCR_3DES_CBC, 0, skeyid, g_xy, cky, cky, &keys),
		==, 0);
	g_assert_cmpuint(keys.enc_key->len, ==, 24);
	ike_p1_keys_clear(&keys);
	secbuf_free(g_xy);
	ike_p1_keys_clear(NULL);
}

/* ---- CBC ---- */

static void test_cbc(void)
{
	/* NIST SP 800-38A F.2.1 CBC-AES128.Encrypt, blocks 1 and 2. */
	uint8_t key[16], iv0[16], iv[16], buf[32], pt[32];

	unhex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
	unhex("000102030405060708090a0b0c0d0e0f", iv0, 16);
	unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51", pt, 32);

	memcpy(buf, pt, 32);
	memcpy(iv, iv0, 16);
	g_assert_cmpint(ike_cbc(IKE_ENCR_AES_CBC, key, 16, iv, buf, 32, true), ==, 0);
	assert_hex(buf, 32, "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2");
	/* The IV chains on: it is now the last ciphertext block. */
	g_assert_cmpmem(iv, 16, buf + 16, 16);

	/* Block by block with the chained IV gives the same bytes. */
	memcpy(iv, iv0, 16);
	uint8_t b1[16], b2[16];
	memcpy(b1, pt, 16);
	memcpy(b2, pt + 16, 16);
	g_assert_cmpint(ike_cbc(IKE_ENCR_AES_CBC, key, 16, iv, b1, 16, true), ==, 0);
	g_assert_cmpint(ike_cbc(IKE_ENCR_AES_CBC, key, 16, iv, b2, 16, true), ==, 0);
	g_assert_cmpmem(b1, 16, buf, 16);
	g_assert_cmpmem(b2, 16, buf + 16, 16);

	/* Decrypt in place; the IV becomes the last ciphertext block too. */
	memcpy(iv, iv0, 16);
	uint8_t last[16];
	memcpy(last, buf + 16, 16);
	g_assert_cmpint(ike_cbc(IKE_ENCR_AES_CBC, key, 16, iv, buf, 32, false), ==, 0);
	g_assert_cmpmem(buf, 32, pt, 32);
	g_assert_cmpmem(iv, 16, last, 16);

	/* 3DES round trip with 8-byte blocks. */
	uint8_t k3[24], iv3[8] = {0}, iv3b[8] = {0}, d[24];
	memset(k3, 0x5a, 24);
	k3[8] = 0x11;
	k3[16] = 0x22;
	memcpy(d, pt, 24);
	g_assert_cmpint(ike_cbc(IKE_ENCR_3DES_CBC, k3, 24, iv3, d, 24, true), ==, 0);
	g_assert_true(memcmp(d, pt, 24) != 0);
	g_assert_cmpint(ike_cbc(IKE_ENCR_3DES_CBC, k3, 24, iv3b, d, 24, false), ==, 0);
	g_assert_cmpmem(d, 24, pt, 24);
	g_assert_cmpmem(iv3, 8, iv3b, 8);

	/* Errors: length not a block multiple, wrong key length. */
	g_assert_cmpint(ike_cbc(IKE_ENCR_AES_CBC, key, 16, iv, buf, 15, true), ==, -EINVAL);
	g_assert_cmpint(ike_cbc(IKE_ENCR_AES_CBC, key, 17, iv, buf, 16, true), ==, -EINVAL);
	g_assert_cmpint(ike_cbc((enum ike_encr)2, key, 16, iv, buf, 16, true), ==, -EINVAL);
}

/* ---- Diffie-Hellman ---- */

static const enum ike_group all_groups[] = {
	IKE_GROUP_MODP1024, IKE_GROUP_MODP1536, IKE_GROUP_MODP2048, IKE_GROUP_MODP3072,
	IKE_GROUP_MODP4096, IKE_GROUP_ECP256,	IKE_GROUP_ECP384,
};

static void test_dh_agree(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(all_groups); i++) {
		enum ike_group g = all_groups[i];
		uint64_t sa = 0x1234567 + i, sb = 0x7654321 + i;
		struct rand_source ra = {xorshift_fill, &sa}, rb = {xorshift_fill, &sb};
		struct ike_dh *a = ike_dh_new(g, &ra), *b = ike_dh_new(g, &rb);
		size_t n = ike_group_pub_len(g);
		uint8_t pa[512], pb[512];
		struct secbuf *za = NULL, *zb = NULL;

		g_test_message("group %s", ike_group_name(g));
		g_assert_nonnull(a);
		g_assert_nonnull(b);
		g_assert_cmpint(ike_dh_public(a, pa, n), ==, 0);
		g_assert_cmpint(ike_dh_public(b, pb, n), ==, 0);
		g_assert_cmpint(ike_dh_public(a, pa, n - 1), ==, -EINVAL);
		g_assert_true(memcmp(pa, pb, n) != 0);
		g_assert_cmpint(ike_dh_shared(a, pb, n, &za), ==, 0);
		g_assert_cmpint(ike_dh_shared(b, pa, n, &zb), ==, 0);
		g_assert_cmpuint(za->len, ==, g >= IKE_GROUP_ECP256 ? n / 2 : n);
		g_assert_cmpmem(za->data, za->len, zb->data, zb->len);
		secbuf_free(za);
		/* Wrong length is refused, and *g_xy is NULL after an error. */
		g_assert_cmpint(ike_dh_shared(a, pb, n - 1, &za), ==, -EBADMSG);
		g_assert_null(za);
		secbuf_free(zb);
		ike_dh_free(a);
		ike_dh_free(b);
	}
	ike_dh_free(NULL);
	uint64_t s = 1;
	struct rand_source r = {xorshift_fill, &s};
	g_assert_null(ike_dh_new((enum ike_group)3, &r));
}

/* out = p - k, big-endian, n bytes. */
static void modp_minus(const uint8_t *p, size_t n, unsigned k, uint8_t *out)
{
	unsigned borrow = k;

	memcpy(out, p, n);
	for (size_t i = n; i-- > 0 && borrow;) {
		unsigned v = out[i];

		out[i] = (uint8_t)(v - (borrow & 0xff));
		borrow = (borrow >> 8) + (v < (borrow & 0xff));
	}
}

static void test_dh_modp_range(void)
{
	/* All ones is above every prime: the exact p and p-1 are in dh-modp-edges. */
	for (size_t i = 0; i < 5; i++) {
		enum ike_group g = all_groups[i];
		size_t n = ike_group_pub_len(g);
		uint64_t s = 99;
		struct rand_source r = {xorshift_fill, &s};
		struct ike_dh *dh = ike_dh_new(g, &r);
		uint8_t y[513];
		struct secbuf *z = NULL;

		g_test_message("group %s", ike_group_name(g));
		memset(y, 0, n);
		g_assert_cmpint(ike_dh_shared(dh, y, n, &z), ==, -EBADMSG); /* 0 */
		y[n - 1] = 1;
		g_assert_cmpint(ike_dh_shared(dh, y, n, &z), ==, -EBADMSG); /* 1 */
		y[n - 1] = 2;
		g_assert_cmpint(ike_dh_shared(dh, y, n, &z), ==, 0); /* 2 is fine */
		secbuf_free(z);
		memset(y, 0xff, n);
		g_assert_cmpint(ike_dh_shared(dh, y, n, &z), ==, -EBADMSG);	/* > p */
		g_assert_cmpint(ike_dh_shared(dh, y, n + 1, &z), ==, -EBADMSG); /* too long */
		ike_dh_free(dh);
	}
}

/* RFC 3526 section 3: the 2048-bit MODP prime, to test p-1, p and p-2 exactly. */
static const char modp2048_p[] = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
				 "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
				 "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
				 "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
				 "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
				 "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
				 "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
				 "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF";

static void test_dh_modp_edges(void)
{
	uint64_t s = 7;
	struct rand_source r = {xorshift_fill, &s};
	struct ike_dh *dh = ike_dh_new(IKE_GROUP_MODP2048, &r);
	uint8_t p[256], y[256];
	struct secbuf *z = NULL;

	unhex(modp2048_p, p, sizeof(p));
	g_assert_cmpint(ike_dh_shared(dh, p, 256, &z), ==, -EBADMSG); /* p */
	modp_minus(p, 256, 1, y);
	g_assert_cmpint(ike_dh_shared(dh, y, 256, &z), ==, -EBADMSG); /* p-1 */
	modp_minus(p, 256, 2, y);
	g_assert_cmpint(ike_dh_shared(dh, y, 256, &z), ==, 0); /* p-2 */
	secbuf_free(z);
	ike_dh_free(dh);
}

static void test_dh_modp_kat(void)
{
	for (size_t i = 0; i < kat_modp_count; i++) {
		const struct kat_modp *v = &kat_modp_vectors[i];
		struct fixed_rand fr = {0};
		struct rand_source r = {fixed_fill, &fr};
		uint8_t pub[512], peer[512];
		size_t n = ike_group_pub_len(v->group), pl;
		struct ike_dh *dh;
		struct secbuf *z = NULL;

		fr.len = unhex(v->priv, fr.buf, sizeof(fr.buf));
		dh = ike_dh_new(v->group, &r);
		g_assert_nonnull(dh);
		g_assert_cmpuint(fr.off, ==, fr.len); /* drew exactly the private value */
		g_assert_cmpint(ike_dh_public(dh, pub, n), ==, 0);
		assert_hex(pub, n, v->pub);
		pl = unhex(v->peer, peer, sizeof(peer));
		g_assert_cmpint(ike_dh_shared(dh, peer, pl, &z), ==, 0);
		assert_hex(z->data, z->len, v->shared);
		secbuf_free(z);
		ike_dh_free(dh);
	}
}

/* RFC 5903 section 8: i, g^i = (gix, giy), r, g^r, g^ir x coordinate. */
static const struct {
	enum ike_group group;
	const char *i, *gi, *r, *gr, *gir;
} rfc5903[] = {
	{IKE_GROUP_ECP256, "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
	 "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
	 "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
	 "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
	 "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
	 "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
	 "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE"},
	{IKE_GROUP_ECP384,
	 "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655"
	 "E35B538041E649EE3FAEF896783AB194",
	 "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6"
	 "DE3AC808ACB4BDB4C88732AEE95F41AA9482ED1FC0EEB9CAFC4984625CCFC23F"
	 "65032149E0E144ADA024181535A0F38EEB9FCFF3C2C947DAE69B4C634573A81C",
	 "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942"
	 "E0308312916B8ED2960E4BD55A7448FC",
	 "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D"
	 "0D1AC43A0336DEF96FDA41D0774A3571DCFBEC7AACF3196472169E838430367F"
	 "66EEBE3C6E70C416DD5F0C68759DD1FFF83FA40142209DFF5EAAD96DB9E6386C",
	 "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4"
	 "D603135569B9E9D09CF5D4A270F59746"},
};

static void test_dh_ecp_kat(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(rfc5903); i++) {
		struct fixed_rand fi = {0}, fr = {0};
		struct rand_source ri = {fixed_fill, &fi}, rr = {fixed_fill, &fr};
		size_t n = ike_group_pub_len(rfc5903[i].group);
		uint8_t pub[96], peer[96];
		struct secbuf *z = NULL;
		struct ike_dh *a, *b;

		fi.len = unhex(rfc5903[i].i, fi.buf, sizeof(fi.buf));
		fr.len = unhex(rfc5903[i].r, fr.buf, sizeof(fr.buf));
		a = ike_dh_new(rfc5903[i].group, &ri);
		b = ike_dh_new(rfc5903[i].group, &rr);
		g_assert_nonnull(a);
		g_assert_nonnull(b);
		g_assert_cmpint(ike_dh_public(a, pub, n), ==, 0);
		assert_hex(pub, n, rfc5903[i].gi);
		g_assert_cmpint(ike_dh_public(b, pub, n), ==, 0);
		assert_hex(pub, n, rfc5903[i].gr);

		unhex(rfc5903[i].gr, peer, sizeof(peer));
		g_assert_cmpint(ike_dh_shared(a, peer, n, &z), ==, 0);
		assert_hex(z->data, z->len, rfc5903[i].gir);
		secbuf_free(z);
		unhex(rfc5903[i].gi, peer, sizeof(peer));
		g_assert_cmpint(ike_dh_shared(b, peer, n, &z), ==, 0);
		assert_hex(z->data, z->len, rfc5903[i].gir);
		secbuf_free(z);

		/* Off the curve: flip a bit of y. */
		peer[n - 1] ^= 1;
		g_assert_cmpint(ike_dh_shared(a, peer, n, &z), ==, -EBADMSG);
		g_assert_null(z);
		/* All zero is not a curve point (infinity has no affine form). */
		memset(peer, 0, n);
		g_assert_cmpint(ike_dh_shared(a, peer, n, &z), ==, -EBADMSG);
		/* x beyond the field prime. */
		memset(peer, 0xff, n);
		g_assert_cmpint(ike_dh_shared(a, peer, n, &z), ==, -EBADMSG);
		ike_dh_free(a);
		ike_dh_free(b);
	}
}

/* A private scalar of zero or >= n is redrawn; a source that only gives zeros fails. */
static void test_dh_ecp_bad_scalar(void)
{
	struct fixed_rand f = {.len = 1};
	struct rand_source r = {fixed_fill, &f};

	g_assert_null(ike_dh_new(IKE_GROUP_ECP256, &r));
	memset(f.buf, 0xff, 1);
	g_assert_null(ike_dh_new(IKE_GROUP_ECP384, &r));
	/* MODP: 0 or 1 as a private value is refused. */
	f.buf[0] = 0;
	g_assert_null(ike_dh_new(IKE_GROUP_MODP1024, &r));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ike-crypto/names", test_names);
	g_test_add_func("/ike-crypto/hash", test_hash);
	g_test_add_func("/ike-crypto/hmac-kat", test_hmac_kat);
	g_test_add_func("/ike-crypto/p1-chain", test_p1_chain);
	g_test_add_func("/ike-crypto/derive-errors", test_derive_errors);
	g_test_add_func("/ike-crypto/cbc", test_cbc);
	g_test_add_func("/ike-crypto/dh-agree", test_dh_agree);
	g_test_add_func("/ike-crypto/dh-modp-range", test_dh_modp_range);
	g_test_add_func("/ike-crypto/dh-modp-edges", test_dh_modp_edges);
	g_test_add_func("/ike-crypto/dh-modp-kat", test_dh_modp_kat);
	g_test_add_func("/ike-crypto/dh-ecp-kat", test_dh_ecp_kat);
	g_test_add_func("/ike-crypto/dh-ecp-bad-scalar", test_dh_ecp_bad_scalar);
	return g_test_run();
}
