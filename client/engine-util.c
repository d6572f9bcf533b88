/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include <openssl/crypto.h>

#include "engine-int.h"

/*
 * OpenSSL's first use, once per process: with its configuration (system crypto policy, FIPS)
 * as usual, but without two tables nothing here reads, ~0.4 ms of CPU per connect together:
 * its error strings (we never print OpenSSL's error queue; they load with the first error
 * mark, which loading the configuration sets), and the legacy EVP_get_cipherbyname() /
 * EVP_get_digestbyname() tables, whose names would also be copied into the provider name
 * map: every algorithm here comes from a provider, fetched by name or implicitly through
 * EVP_aes_*() and friends, which do not use them. (X.509 work would need them back.)
 */
bool engine_crypto_init(GError **error)
{
	if (OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG | OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS |
					OPENSSL_INIT_NO_ADD_ALL_CIPHERS |
					OPENSSL_INIT_NO_ADD_ALL_DIGESTS,
				NULL))
		return true;
	g_set_error(error, OS_ERROR, EIO,
		    "OpenSSL did not start: check its configuration (OPENSSL_CONF, else "
		    "openssl.cnf in `openssl version -d')");
	return false;
}

/* The cores' randomness: the kernel CSPRNG. A failure here is not recoverable. */
void engine_rand(void *ctx, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			g_error("getrandom failed: %s", g_strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
}

char *engine_ip_str(uint32_t addr_be)
{
	char s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &addr_be, s, sizeof(s));
	return g_strdup(s);
}
