/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MS-CHAPv2 (RFC 2759) and CHAP-MD5 (RFC 1994) response computation.
 *
 * SHA-1 and MD5 come from OpenSSL; MD4 and DES, which OpenSSL 3 keeps in its
 * legacy provider, from md4-des.h.
 */
#ifndef L2I_PPP_MSCHAP_H
#define L2I_PPP_MSCHAP_H

#include <stddef.h>
#include <stdint.h>

#define MSCHAP_CHALLENGE_LEN   16
#define MSCHAP_NT_RESPONSE_LEN 24
/* "S=" + 40 hex digits */
#define MSCHAP_AUTH_RESPONSE_LEN 42

struct mschap_crypto;

/* NULL when OpenSSL has no SHA-1 (out of memory, or no default provider). */
struct mschap_crypto *mschap_crypto_new(void);
void mschap_crypto_free(struct mschap_crypto *c);

/* NtPasswordHash: MD4 of the UTF-16LE password (password given as UTF-8).
 * 0 or -EINVAL (not UTF-8, longer than 256 characters), -EIO (crypto). */
int mschap_nt_password_hash(struct mschap_crypto *c, const uint8_t *pw, size_t pw_len,
			    uint8_t out[16]);
/* ChallengeHash: SHA1(PeerChallenge | AuthenticatorChallenge | UserName)[0..7];
 * the user name without a "DOMAIN\" prefix. */
int mschap_challenge_hash(struct mschap_crypto *c, const uint8_t peer_chal[16],
			  const uint8_t auth_chal[16], const char *user, uint8_t out[8]);
/* GenerateNTResponse */
int mschap_nt_response(struct mschap_crypto *c, const uint8_t auth_chal[16],
		       const uint8_t peer_chal[16], const char *user, const uint8_t *pw,
		       size_t pw_len, uint8_t out[24]);
/* GenerateAuthenticatorResponse: writes "S=<40 upper-case hex>" and a NUL. */
int mschap_auth_response(struct mschap_crypto *c, const uint8_t *pw, size_t pw_len,
			 const uint8_t nt_resp[24], const uint8_t peer_chal[16],
			 const uint8_t auth_chal[16], const char *user,
			 char out[MSCHAP_AUTH_RESPONSE_LEN + 1]);
/* RFC 1994: MD5(Identifier | secret | Challenge). 0 or -EIO. */
int chap_md5_response(uint8_t id, const uint8_t *secret, size_t secret_len, const uint8_t *chal,
		      size_t chal_len, uint8_t out[16]);

#endif
