/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "engine-int.h"

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
