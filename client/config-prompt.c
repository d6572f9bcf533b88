/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Asking for a missing secret on the controlling terminal, with echo off.
 * /dev/tty, not stdin: stdin may be a pipe carrying something else, and a
 * secret must never come from argv or the environment.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "config.h"

#define PROMPT_MAX 1024

static struct secbuf *read_noecho(int fd, const char *prompt, GError **error)
{
	struct termios old, raw;
	struct secbuf *s;
	char buf[PROMPT_MAX];
	size_t len = 0;
	bool restore;

	if (write(fd, prompt, strlen(prompt)) < 0)
		return NULL;
	restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)ECHO;
		raw.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &raw);
	}
	while (len < sizeof(buf) - 1) {
		char c;
		ssize_t n = read(fd, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c == '\n')
			break;
		buf[len++] = c;
	}
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (len && buf[len - 1] == '\r')
		len--;
	s = len ? secbuf_new_from(buf, len) : NULL;
	secure_wipe(buf, sizeof(buf));
	if (!s)
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_MISSING, "no secret entered");
	return s;
}

bool vpn_profile_prompt_secrets(struct vpn_profile *p, GError **error)
{
	const char *missing[4];
	unsigned n = vpn_profile_missing_secrets(p, missing, ARRAY_SIZE(missing));
	int fd;

	if (!n)
		return true;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_MISSING,
			    "profile %s: secret `%s' missing and no terminal to ask on; put it "
			    "in the profile (mode 600) or pass --secrets-fd",
			    p->path ? p->path : "(memory)", missing[0]);
		return false;
	}
	for (unsigned i = 0; i < n; i++) {
		g_autofree char *prompt = NULL;
		struct secbuf *s;

		if (!strcmp(missing[i], "password"))
			prompt = g_strdup_printf("Password for %s at %s: ", p->user, p->gateway);
		else
			prompt = g_strdup_printf("IPsec pre-shared key for %s: ", p->gateway);
		s = read_noecho(fd, prompt, error);
		if (!s) {
			close(fd);
			return false;
		}
		if (!strcmp(missing[i], "password"))
			p->password = s;
		else
			p->ipsec_psk = s;
	}
	close(fd);
	return true;
}
