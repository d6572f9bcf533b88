// SPDX-License-Identifier: LGPL-2.1-or-later
/* kernel-pppd: pppd command line, spawn with inherited fds, plugin report parser. */
#include "kernel-pppd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

struct argv_b {
	const char **argv;
	size_t max, n;
	char *str;
	size_t cap, used;
	bool err;
};

static void arg(struct argv_b *a, const char *s)
{
	if (a->n + 1 >= a->max) {
		a->err = true;
		return;
	}
	a->argv[a->n++] = s;
	a->argv[a->n] = NULL;
}

static void arg_uint(struct argv_b *a, unsigned v)
{
	int n = snprintf(a->str + a->used, a->cap - a->used, "%u", v);

	if (n < 0 || (size_t)n >= a->cap - a->used) {
		a->err = true;
		return;
	}
	arg(a, a->str + a->used);
	a->used += (size_t)n + 1;
}

static void opt_uint(struct argv_b *a, const char *name, unsigned v)
{
	if (!v)
		return;
	arg(a, name);
	arg_uint(a, v);
}

static bool word_ok(const char *s)
{
	return s && *s && *s != '-' && !strpbrk(s, "\n\r");
}

int kernel_pppd_build_argv(const struct kernel_pppd_cfg *cfg, const char **argv, size_t max,
			   char *strbuf, size_t strcap)
{
	struct argv_b a = {.argv = argv, .max = max, .str = strbuf, .cap = strcap};
	unsigned auth = cfg->auth ? cfg->auth : ~(unsigned)KERNEL_PPPD_EAP;

	if (!word_ok(cfg->user) || !cfg->plugin_path || cfg->plugin_path[0] != '/' ||
	    (cfg->ipparam && !word_ok(cfg->ipparam)) || max == 0)
		return -EINVAL;
	arg(&a, cfg->pppd_path ? cfg->pppd_path : KERNEL_PPPD_PATH);
	arg(&a, "plugin");
	arg(&a, "pppol2tp.so");
	arg(&a, "pppol2tp");
	arg_uint(&a, KERNEL_PPPD_FD_PPPOX);
	arg(&a, "plugin");
	arg(&a, cfg->plugin_path);
	arg(&a, "l2i-secret-fd");
	arg_uint(&a, KERNEL_PPPD_FD_SECRET);
	arg(&a, "l2i-report-fd");
	arg_uint(&a, KERNEL_PPPD_FD_REPORT);
	arg(&a, "user");
	arg(&a, cfg->user);
	/* We are the client: the server need not authenticate to us; it assigns addresses. */
	arg(&a, "nodetach");
	arg(&a, "noauth");
	arg(&a, "noipdefault");
	arg(&a, "ipcp-accept-local");
	arg(&a, "ipcp-accept-remote");
	arg(&a, "nodefaultroute"); /* routes are the engine's job */
	arg(&a, "usepeerdns");	   /* asks for DNS in IPCP; the engine applies it */
	arg(&a, "noccp");
	arg(&a, "novj");
	/* The LNS starts its pppd when the session comes up; our first LCP request often
	 * arrives before it listens. Ask again after 1 s rather than pppd's 3 s. */
	arg(&a, "lcp-restart");
	arg(&a, "1");
	if (!cfg->ipv6)
		arg(&a, "noipv6");
	if (!(auth & KERNEL_PPPD_PAP))
		arg(&a, "refuse-pap");
	if (!(auth & KERNEL_PPPD_CHAP_MD5))
		arg(&a, "refuse-chap");
	if (!(auth & KERNEL_PPPD_MSCHAP))
		arg(&a, "refuse-mschap");
	if (!(auth & KERNEL_PPPD_MSCHAP_V2))
		arg(&a, "refuse-mschap-v2");
	if (!(auth & KERNEL_PPPD_EAP))
		arg(&a, "refuse-eap");
	opt_uint(&a, "mtu", cfg->mtu);
	opt_uint(&a, "mru", cfg->mru);
	opt_uint(&a, "lcp-echo-interval", cfg->lcp_echo_interval);
	opt_uint(&a, "lcp-echo-failure", cfg->lcp_echo_failure);
	if (cfg->ipparam) {
		arg(&a, "ipparam");
		arg(&a, cfg->ipparam);
	}
	if (cfg->debug)
		arg(&a, "debug");
	return a.err ? -ENOBUFS : (int)a.n;
}

/* Duplicates fd to a number above the child's targets, close-on-exec, so dup2 in the child
 * never meets a target that is already one of its sources. */
static int dup_high(int fd)
{
	return fcntl(fd, F_DUPFD_CLOEXEC, 10);
}

static void close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

int kernel_pppd_spawn(const struct kernel_pppd_cfg *cfg, int pppox_fd, struct kernel_pppd *out)
{
	const char *argv[64];
	char strbuf[128];
	int argc = kernel_pppd_build_argv(cfg, argv, ARRAY_SIZE(argv), strbuf, sizeof(strbuf));

	if (argc < 0)
		return argc;
	if (!cfg->password || cfg->password->len >= 256)
		return -EINVAL;

	/* fds: [0] secret read, [1] secret write, [2] report read, [3] report write, [4] pppox,
	 * [5] log read, [6] log write */
	int fds[7] = {-1, -1, -1, -1, -1, -1, -1};
	int err = 0;

	if (pipe2(&fds[0], O_CLOEXEC) < 0 || pipe2(&fds[2], O_CLOEXEC) < 0 ||
	    (cfg->capture_log && pipe2(&fds[5], O_CLOEXEC) < 0)) {
		err = -errno;
		goto out;
	}
	/* The password fits the pipe buffer: write it all now, then close our end (EOF). */
	if (write(fds[1], cfg->password->data, cfg->password->len) != (ssize_t)cfg->password->len) {
		err = -EIO;
		goto out;
	}
	close(fds[1]);
	fds[1] = -1;
	/* Above the child's target numbers, so no dup2 below overwrites a source. */
	int hi_secret = dup_high(fds[0]), hi_report = dup_high(fds[3]);
	fds[4] = dup_high(pppox_fd);
	close(fds[0]);
	close(fds[3]);
	fds[0] = hi_secret;
	fds[3] = hi_report;
	if (fds[6] >= 0) {
		int hi_log = dup_high(fds[6]);

		close(fds[6]);
		fds[6] = hi_log;
	}
	if (fds[0] < 0 || fds[3] < 0 || fds[4] < 0 || (cfg->capture_log && fds[6] < 0)) {
		err = -errno;
		goto out;
	}

	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (cfg->capture_log) {
		posix_spawn_file_actions_adddup2(&fa, fds[6], 1);
		posix_spawn_file_actions_adddup2(&fa, fds[6], 2);
	}
	posix_spawn_file_actions_adddup2(&fa, fds[4], KERNEL_PPPD_FD_PPPOX);
	posix_spawn_file_actions_adddup2(&fa, fds[0], KERNEL_PPPD_FD_SECRET);
	posix_spawn_file_actions_adddup2(&fa, fds[3], KERNEL_PPPD_FD_REPORT);
	pid_t pid;
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		err = -rc;
		goto out;
	}
	fcntl(fds[2], F_SETFL, O_NONBLOCK);
	out->pid = pid;
	out->report_fd = fds[2];
	fds[2] = -1;
	out->log_fd = fds[5];
	if (fds[5] >= 0)
		fcntl(fds[5], F_SETFL, O_NONBLOCK);
	fds[5] = -1;
out:
	close_all(fds, ARRAY_SIZE(fds));
	return err;
}

/* ---- report parser ---- */

static bool parse_int(const char *s, size_t n, int *v)
{
	int x = 0;

	if (n == 0 || n > 6)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

static bool parse_ip(const char *s, size_t n, uint32_t *v)
{
	char buf[INET_ADDRSTRLEN];
	struct in_addr in;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &in) != 1)
		return false;
	*v = in.s_addr;
	return true;
}

static bool key_is(const char *k, size_t kn, const char *want)
{
	return kn == strlen(want) && memcmp(k, want, kn) == 0;
}

int kernel_pppd_parse_line(const char *line, size_t len, struct kernel_pppd_event *ev)
{
	struct kernel_pppd_event e = {0};
	bool have_event = false, have_value = false;
	size_t i = 0;

	while (i < len) {
		while (i < len && line[i] == ' ')
			i++;
		size_t start = i;
		while (i < len && line[i] != ' ')
			i++;
		if (i == start)
			break;
		const char *eq = memchr(line + start, '=', i - start);
		if (!eq)
			return -EINVAL;
		const char *k = line + start, *v = eq + 1;
		size_t kn = (size_t)(eq - k), vn = (size_t)(line + i - v);
		bool ok = true;

		if (key_is(k, kn, "event")) {
			if (have_event)
				return -EINVAL;
			have_event = true;
			if (key_is(v, vn, "phase"))
				e.type = KERNEL_PPPD_EV_PHASE;
			else if (key_is(v, vn, "auth"))
				e.type = KERNEL_PPPD_EV_AUTH;
			else if (key_is(v, vn, "ip-up"))
				e.type = KERNEL_PPPD_EV_IP_UP;
			else if (key_is(v, vn, "ip-down"))
				e.type = KERNEL_PPPD_EV_IP_DOWN;
			else if (key_is(v, vn, "exit"))
				e.type = KERNEL_PPPD_EV_EXIT;
			else
				return -EINVAL;
		} else if (key_is(k, kn, "phase")) {
			ok = parse_int(v, vn, &e.phase);
			have_value = true;
		} else if (key_is(k, kn, "status")) {
			ok = parse_int(v, vn, &e.status);
			have_value = true;
		} else if (key_is(k, kn, "method")) {
			ok = vn > 0 && vn < sizeof(e.method);
			if (ok)
				memcpy(e.method, v, vn);
			have_value = true;
		} else if (key_is(k, kn, "ifname")) {
			ok = vn > 0 && vn < sizeof(e.ifname);
			if (ok)
				memcpy(e.ifname, v, vn);
		} else if (key_is(k, kn, "local")) {
			ok = parse_ip(v, vn, &e.local);
			have_value = true;
		} else if (key_is(k, kn, "peer")) {
			ok = parse_ip(v, vn, &e.peer);
		} else if (key_is(k, kn, "dns1")) {
			ok = parse_ip(v, vn, &e.dns1);
		} else if (key_is(k, kn, "dns2")) {
			ok = parse_ip(v, vn, &e.dns2);
		}
		if (!ok)
			return -EINVAL;
	}
	if (!have_event)
		return -EINVAL;
	/* Each event needs its main value: a phase, a status, our address. */
	if (e.type != KERNEL_PPPD_EV_IP_DOWN && !have_value)
		return -EINVAL;
	if (e.type == KERNEL_PPPD_EV_IP_UP && (!e.ifname[0] || !e.local))
		return -EINVAL;
	*ev = e;
	return 0;
}

const char *kernel_pppd_exit_str(int status)
{
	/* pppd(8) EXIT STATUS. */
	static const char *const str[] = {
		"ok",
		"fatal error",
		"option error",
		"not root",
		"no kernel PPP support",
		"terminated by signal",
		"lock failed",
		"open failed",
		"connect script failed",
		"pty command failed",
		"PPP negotiation failed",
		"peer authentication failed",
		"idle timeout",
		"connect time limit",
		"callback",
		"peer not responding (LCP echo)",
		"hangup",
		"loopback detected",
		"init script failed",
		"authentication failed (our credentials)",
		"traffic limit",
		"CNID authentication failed",
	};
	if (status < 0 || (size_t)status >= ARRAY_SIZE(str))
		return "unknown";
	return str[status];
}
