/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 2759 section 8 pseudo-code, function by function. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common.h"
#include "md4-des.h"
#include "mschap.h"

struct mschap_crypto {
	EVP_MD *sha1;
};

void mschap_crypto_free(struct mschap_crypto *c)
{
	if (!c)
		return;
	EVP_MD_free(c->sha1);
	free(c);
}

struct mschap_crypto *mschap_crypto_new(void)
{
	struct mschap_crypto *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	if (!c->sha1) {
		mschap_crypto_free(c);
		return NULL;
	}
	return c;
}

/* One-shot digest over up to three parts. */
static int digest3(const EVP_MD *md, const void *a, size_t alen, const void *b, size_t blen,
		   const void *d, size_t dlen, uint8_t *out)
{
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	int ok;

	if (!x)
		return -EIO;
	ok = EVP_DigestInit_ex(x, md, NULL) && EVP_DigestUpdate(x, a, alen) &&
	     (!blen || EVP_DigestUpdate(x, b, blen)) && (!dlen || EVP_DigestUpdate(x, d, dlen)) &&
	     EVP_DigestFinal_ex(x, out, NULL);
	EVP_MD_CTX_free(x);
	return ok ? 0 : -EIO;
}

/* UTF-8 -> UTF-16LE; returns bytes written or -EINVAL. */
static int utf16le(const uint8_t *s, size_t n, uint8_t *out, size_t cap)
{
	size_t i = 0, o = 0;

	while (i < n) {
		uint32_t cp;
		unsigned extra;

		if (s[i] < 0x80) {
			cp = s[i];
			extra = 0;
		} else if ((s[i] & 0xe0) == 0xc0) {
			cp = s[i] & 0x1f;
			extra = 1;
		} else if ((s[i] & 0xf0) == 0xe0) {
			cp = s[i] & 0x0f;
			extra = 2;
		} else if ((s[i] & 0xf8) == 0xf0) {
			cp = s[i] & 0x07;
			extra = 3;
		} else {
			return -EINVAL;
		}
		if (n - i <= extra)
			return -EINVAL;
		for (unsigned k = 1; k <= extra; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return -EINVAL;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		i += extra + 1;
		if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
			return -EINVAL;
		if (cp >= 0x10000) {
			if (o + 4 > cap)
				return -EINVAL;
			cp -= 0x10000;
			uint16_t hi = (uint16_t)(0xd800 | cp >> 10),
				 lo = (uint16_t)(0xdc00 | (cp & 0x3ff));
			out[o++] = (uint8_t)hi;
			out[o++] = (uint8_t)(hi >> 8);
			out[o++] = (uint8_t)lo;
			out[o++] = (uint8_t)(lo >> 8);
		} else {
			if (o + 2 > cap)
				return -EINVAL;
			out[o++] = (uint8_t)cp;
			out[o++] = (uint8_t)(cp >> 8);
		}
	}
	return (int)o;
}

int mschap_nt_password_hash(struct mschap_crypto *c, const uint8_t *pw, size_t pw_len,
			    uint8_t out[16])
{
	uint8_t u[512]; /* at most 256 Unicode characters (RFC 2759 8.3) */
	int n = utf16le(pw, pw_len, u, sizeof(u));

	if (n >= 0)
		md4(u, (size_t)n, out);
	secure_wipe(u, sizeof(u));
	return n < 0 ? n : 0;
}

int mschap_challenge_hash(struct mschap_crypto *c, const uint8_t peer_chal[16],
			  const uint8_t auth_chal[16], const char *user, uint8_t out[8])
{
	const char *bs = strrchr(user, '\\');
	uint8_t md[20];
	int err;

	if (bs)
		user = bs + 1;
	err = digest3(c->sha1, peer_chal, 16, auth_chal, 16, user, strlen(user), md);
	memcpy(out, md, 8);
	return err;
}

/* DesEncrypt: the 7-byte key spread over 8 bytes (parity bits unused). */
static void des_encrypt(const uint8_t clear[8], const uint8_t k7[7], uint8_t out[8])
{
	uint8_t key[8];

	key[0] = k7[0];
	for (int i = 1; i < 7; i++)
		key[i] = (uint8_t)(k7[i - 1] << (8 - i) | k7[i] >> i);
	key[7] = (uint8_t)(k7[6] << 1);
	des_encrypt_block(key, clear, out);
	secure_wipe(key, sizeof(key));
}

/* ChallengeResponse: three DES blocks keyed by the zero-padded hash. */
static void challenge_response(const uint8_t chal[8], const uint8_t hash[16], uint8_t out[24])
{
	uint8_t z[21] = {0};

	memcpy(z, hash, 16);
	des_encrypt(chal, z, out);
	des_encrypt(chal, z + 7, out + 8);
	des_encrypt(chal, z + 14, out + 16);
	secure_wipe(z, sizeof(z));
}

int mschap_nt_response(struct mschap_crypto *c, const uint8_t auth_chal[16],
		       const uint8_t peer_chal[16], const char *user, const uint8_t *pw,
		       size_t pw_len, uint8_t out[24])
{
	uint8_t chal[8], hash[16];
	int err;

	err = mschap_challenge_hash(c, peer_chal, auth_chal, user, chal);
	if (!err)
		err = mschap_nt_password_hash(c, pw, pw_len, hash);
	if (!err)
		challenge_response(chal, hash, out);
	secure_wipe(hash, sizeof(hash));
	return err;
}

int mschap_auth_response(struct mschap_crypto *c, const uint8_t *pw, size_t pw_len,
			 const uint8_t nt_resp[24], const uint8_t peer_chal[16],
			 const uint8_t auth_chal[16], const char *user,
			 char out[MSCHAP_AUTH_RESPONSE_LEN + 1])
{
	/* "Magic server to client signing constant" */
	static const uint8_t magic1[39] = "Magic server to client signing constant";
	/* "Pad to make it do more than one iteration" */
	static const uint8_t magic2[41] = "Pad to make it do more than one iteration";
	static const char hex[] = "0123456789ABCDEF";
	uint8_t hash[16], hashhash[16], digest[20], chal[8];
	int err;

	/* PasswordHashHash = MD4(NtPasswordHash(Password)) */
	err = mschap_nt_password_hash(c, pw, pw_len, hash);
	if (!err)
		md4(hash, 16, hashhash);
	/* Digest = SHA1(PasswordHashHash | NTResponse | Magic1) */
	if (!err)
		err = digest3(c->sha1, hashhash, 16, nt_resp, 24, magic1, sizeof(magic1), digest);
	if (!err)
		err = mschap_challenge_hash(c, peer_chal, auth_chal, user, chal);
	/* Digest = SHA1(Digest | Challenge | Magic2) */
	if (!err)
		err = digest3(c->sha1, digest, 20, chal, 8, magic2, sizeof(magic2), digest);
	secure_wipe(hash, sizeof(hash));
	secure_wipe(hashhash, sizeof(hashhash));
	if (err)
		return err;
	out[0] = 'S';
	out[1] = '=';
	for (int i = 0; i < 20; i++) {
		out[2 + 2 * i] = hex[digest[i] >> 4];
		out[3 + 2 * i] = hex[digest[i] & 15];
	}
	out[MSCHAP_AUTH_RESPONSE_LEN] = '\0';
	return 0;
}

int chap_md5_response(uint8_t id, const uint8_t *secret, size_t secret_len, const uint8_t *chal,
		      size_t chal_len, uint8_t out[16])
{
	return digest3(EVP_md5(), &id, 1, secret, secret_len, chal, chal_len, out);
}
