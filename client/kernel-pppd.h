/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel-pppd: runs pppd on a PPPoL2TP socket with our plugin, and reads the plugin's reports.
 *
 * The child gets three fds: the PPPoL2TP socket (`pppol2tp 3`), a pipe holding the password
 * (`l2i-secret-fd 4`, never on the command line) and the report pipe (`l2i-report-fd 5`).
 * pppd's own log goes to its stdout/stderr: inherited, or a pipe (capture_log).
 */
#ifndef L2I_KERNEL_PPPD_H
#define L2I_KERNEL_PPPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common.h"

#define KERNEL_PPPD_PATH "/usr/sbin/pppd"

/* Authentication methods pppd may answer with (bit set = allowed; the rest are refused). */
enum kernel_pppd_auth {
	KERNEL_PPPD_PAP = 1 << 0,
	KERNEL_PPPD_CHAP_MD5 = 1 << 1,
	KERNEL_PPPD_MSCHAP = 1 << 2,
	KERNEL_PPPD_MSCHAP_V2 = 1 << 3,
	KERNEL_PPPD_EAP = 1 << 4,
};

struct kernel_pppd_cfg {
	const char *pppd_path;	 /* NULL: KERNEL_PPPD_PATH */
	const char *plugin_path; /* our l2i-pppd-plugin.so, absolute */
	const char *user;
	const struct secbuf *password;
	unsigned auth;	   /* enum kernel_pppd_auth bits; 0 = all but EAP */
	unsigned mtu, mru; /* 0: pppd's default */
	unsigned lcp_echo_interval, lcp_echo_failure; /* 0: off */
	const char *ipparam;			      /* NULL: none */
	bool ipv6; /* false: noipv6 (the engine configures IPv4 only) */
	bool debug;
	/* pppd's stdout/stderr to a pipe (struct kernel_pppd.log_fd) instead of ours. The reader
	 * must drain it: pppd blocks on a full pipe. */
	bool capture_log;
};

/* Child-side fd numbers. */
enum { KERNEL_PPPD_FD_PPPOX = 3, KERNEL_PPPD_FD_SECRET = 4, KERNEL_PPPD_FD_REPORT = 5 };

/* Builds pppd's argv into argv[max] (NULL-terminated) using strbuf for numbers. Returns argc
 * or -EINVAL (missing user/plugin, user starting with '-' or containing a newline) / -ENOBUFS. */
int kernel_pppd_build_argv(const struct kernel_pppd_cfg *cfg, const char **argv, size_t max,
			   char *strbuf, size_t strcap);

struct kernel_pppd {
	pid_t pid;
	int report_fd; /* read end, non-blocking, close-on-exec; the engine watches it */
	int log_fd;    /* pppd's output with capture_log (same flags), else -1 */
};

/* Spawns pppd. pppox_fd stays open in the caller (close it after spawning if not needed).
 * Returns 0 or -errno. */
int kernel_pppd_spawn(const struct kernel_pppd_cfg *cfg, int pppox_fd, struct kernel_pppd *out);

/* ---- report lines from the plugin ---- */

enum kernel_pppd_event_type {
	KERNEL_PPPD_EV_PHASE,
	KERNEL_PPPD_EV_AUTH,
	KERNEL_PPPD_EV_IP_UP,
	KERNEL_PPPD_EV_IP_DOWN,
	KERNEL_PPPD_EV_EXIT,
};

struct kernel_pppd_event {
	enum kernel_pppd_event_type type;
	int phase;	 /* PHASE: pppd's phase number (pppd.h PHASE_*; 8 = running) */
	int status;	 /* EXIT: pppd's exit status (pppd.h EXIT_*; 19 = auth failed) */
	char method[12]; /* AUTH: pap, chap, mschap, mschapv2, eap or none */
	char ifname[16]; /* IP_UP */
	uint32_t local, peer, dns1, dns2; /* IP_UP: network order, 0 = none */
};

/* Parses one line (without the newline). Returns 0, or -EINVAL for a line that is not a
 * well-formed event (unknown keys are ignored, for forward compatibility). */
int kernel_pppd_parse_line(const char *line, size_t len, struct kernel_pppd_event *ev);

/* A short text for pppd's exit status, e.g. "authentication failed". */
const char *kernel_pppd_exit_str(int status);

#endif
