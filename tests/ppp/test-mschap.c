/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Known answers: RFC 2759 9.2 (MS-CHAPv2) and RFC 1994 CHAP-MD5 against GLib's MD5. */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "mschap.h"

static void unhex(const char *h, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		g_assert_true(sscanf(h + 2 * i, "%2x", &v) == 1);
		out[i] = (uint8_t)v;
	}
}

/* RFC 2759 9.2 "Hash Example" */
static const char *const user = "User";
static const char *const pass = "clientPass";
static const char *const auth_chal_hex = "5B5D7C7D7B3F2F3E3C2C602132262628";
static const char *const peer_chal_hex = "21402324255E262A28295F2B3A337C7E";
static const char *const chal_hex = "D02E4386BCE91226";
static const char *const pw_hash_hex = "44EBBA8D5312B8D611474411F56989AE";
static const char *const nt_resp_hex = "82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF";
static const char *const auth_resp = "S=407A5589115FD0D6209F510FE9C04566932CDA56";

static void test_rfc2759_vectors(void)
{
	struct mschap_crypto *c = mschap_crypto_new();
	uint8_t auth_chal[16], peer_chal[16], chal[8], want_chal[8], hash[16], want_hash[16];
	uint8_t nt[24], want_nt[24];
	char s[MSCHAP_AUTH_RESPONSE_LEN + 1];

	g_assert_nonnull(c);
	unhex(auth_chal_hex, auth_chal, 16);
	unhex(peer_chal_hex, peer_chal, 16);
	unhex(chal_hex, want_chal, 8);
	unhex(pw_hash_hex, want_hash, 16);
	unhex(nt_resp_hex, want_nt, 24);

	g_assert_cmpint(mschap_challenge_hash(c, peer_chal, auth_chal, user, chal), ==, 0);
	g_assert_cmpmem(chal, 8, want_chal, 8);
	g_assert_cmpint(mschap_nt_password_hash(c, (const uint8_t *)pass, strlen(pass), hash), ==,
			0);
	g_assert_cmpmem(hash, 16, want_hash, 16);
	g_assert_cmpint(mschap_nt_response(c, auth_chal, peer_chal, user, (const uint8_t *)pass,
					   strlen(pass), nt),
			==, 0);
	g_assert_cmpmem(nt, 24, want_nt, 24);
	g_assert_cmpint(mschap_auth_response(c, (const uint8_t *)pass, strlen(pass), nt, peer_chal,
					     auth_chal, user, s),
			==, 0);
	g_assert_cmpstr(s, ==, auth_resp);

	/* a "DOMAIN\" prefix is not part of the challenge hash */
	g_assert_cmpint(mschap_challenge_hash(c, peer_chal, auth_chal, "CORP\\User", chal), ==, 0);
	g_assert_cmpmem(chal, 8, want_chal, 8);
	/* another password gives another response */
	g_assert_cmpint(mschap_nt_response(c, auth_chal, peer_chal, user,
					   (const uint8_t *)"clientPasS", 10, nt),
			==, 0);
	g_assert_true(memcmp(nt, want_nt, 24) != 0);
	mschap_crypto_free(c);
	mschap_crypto_free(NULL);
}

static void test_password_utf8(void)
{
	struct mschap_crypto *c = mschap_crypto_new();
	uint8_t h1[16], h2[16];
	/* "Pässwort" as UTF-8 vs. a broken sequence */
	static const uint8_t good[] = {'P', 0xc3, 0xa4, 's', 's'};
	static const uint8_t bad[] = {'P', 0xc3};
	uint8_t long_pw[300];

	g_assert_nonnull(c);
	g_assert_cmpint(mschap_nt_password_hash(c, good, sizeof(good), h1), ==, 0);
	g_assert_cmpint(mschap_nt_password_hash(c, bad, sizeof(bad), h2), ==, -EINVAL);
	memset(long_pw, 'a', sizeof(long_pw));
	/* RFC 2759: at most 256 Unicode characters */
	g_assert_cmpint(mschap_nt_password_hash(c, long_pw, 256, h2), ==, 0);
	g_assert_cmpint(mschap_nt_password_hash(c, long_pw, 257, h2), ==, -EINVAL);
	mschap_crypto_free(c);
}

static void test_chap_md5(void)
{
	static const uint8_t chal[] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe,
				       0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10, 0x42};
	const char *secret = "alice-pass";
	uint8_t id = 0x7a, out[16], want[16];
	gsize wlen = sizeof(want);
	GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);

	g_checksum_update(ck, &id, 1);
	g_checksum_update(ck, (const guchar *)secret, strlen(secret));
	g_checksum_update(ck, chal, sizeof(chal));
	g_checksum_get_digest(ck, want, &wlen);
	g_checksum_free(ck);

	g_assert_cmpint(chap_md5_response(id, (const uint8_t *)secret, strlen(secret), chal,
					  sizeof(chal), out),
			==, 0);
	g_assert_cmpmem(out, 16, want, 16);
	/* the identifier is part of the hash */
	g_assert_cmpint(chap_md5_response(id + 1, (const uint8_t *)secret, strlen(secret), chal,
					  sizeof(chal), out),
			==, 0);
	g_assert_true(memcmp(out, want, 16) != 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ppp/mschap/rfc2759-vectors", test_rfc2759_vectors);
	g_test_add_func("/ppp/mschap/password-utf8", test_password_utf8);
	g_test_add_func("/ppp/chap-md5/rfc1994", test_chap_md5);
	return g_test_run();
}
