// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * l2i-kdp-tool: drives the kernel data path modules (client/kernel-*.c) from VM scenarios,
 * without the engine.
 *
 *   xfrm-install LOCAL REMOTE REQID SPI_IN SPI_OUT TRANSFORM KEY_BITS AUTH KEYIN KEYOUT [NATT]
 *   xfrm-remove  (same arguments)
 *   xfrm-cleanup
 *   udp-send LOCAL REMOTE TEXT  one datagram 1701 -> 1701
 *   udp-recv LOCAL SECONDS      prints the first datagram received on 1701
 *   natt-socket LOCAL          UDP 4500 socket with ESP-in-UDP + IKE bypass; sleeps until killed
 *   l2tp-client LOCAL REMOTE TID PTID SID PSID USER PLUGIN   password on stdin; kernel tunnel +
 *               session + PPPoL2TP socket, pppd via kernel_pppd_spawn, prints the plugin's events
 *   l2tp-server LOCAL REMOTE TID PTID SID PSID PPPD_OPTIONS... kernel side as above, runs pppd
 *               with the given options on the PPPoL2TP socket as fd 3
 *
 * Keys are hex; SPIs and REQID hex or decimal; NATT = 4500 (both ports).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel-l2tp.h"
#include "kernel-pppd.h"
#include "kernel-xfrm.h"

static void die(const char *what, int err)
{
	fprintf(stderr, "l2i-kdp-tool: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static struct in_addr addr(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "l2i-kdp-tool: bad address `%s'\n", s);
		exit(2);
	}
	return a;
}

static uint32_t num(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*end || end == s) {
		fprintf(stderr, "l2i-kdp-tool: bad number `%s'\n", s);
		exit(2);
	}
	return (uint32_t)v;
}

static size_t hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s) / 2;

	if (strlen(s) % 2 || n > cap)
		exit(2);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			exit(2);
		out[i] = (uint8_t)v;
	}
	return n;
}

static int xfrm(int argc, char **argv, bool install)
{
	uint8_t kin[64], kout[64];

	if (argc < 10)
		return 2;
	struct kernel_xfrm_flow f = {
		.local = addr(argv[0]),
		.remote = addr(argv[1]),
		.l2tp_local_port = 1701,
		.l2tp_remote_port = 1701,
		.reqid = num(argv[2]),
		.replay_window = 32,
	};
	struct kernel_esp_sa sa = {
		.spi_in = num(argv[3]),
		.spi_out = num(argv[4]),
		.esp_transform = (uint16_t)num(argv[5]),
		.key_bits = (uint16_t)num(argv[6]),
		.auth_alg = (uint16_t)num(argv[7]),
		.keymat_in = kin,
		.keymat_out = kout,
	};
	sa.keymat_len = hex(argv[8], kin, sizeof(kin));
	if (hex(argv[9], kout, sizeof(kout)) != sa.keymat_len)
		return 2;
	if (argc > 10)
		f.natt_local_port = f.natt_remote_port = (uint16_t)num(argv[10]);
	int fd = kernel_xfrm_open();
	if (fd < 0)
		die("xfrm socket", fd);
	int err = install ? kernel_xfrm_install(fd, &f, &sa) : kernel_xfrm_remove(fd, &f, &sa);
	if (err)
		die(install ? "install" : "remove", err);
	return 0;
}

static int cleanup(void)
{
	unsigned n;
	int fd = kernel_xfrm_open();

	if (fd < 0)
		die("xfrm socket", fd);
	int err = kernel_xfrm_cleanup(fd, NULL, &n);
	if (err)
		die("cleanup", err);
	printf("removed %u\n", n);
	return 0;
}

static int udp_socket(const char *local, uint16_t lport, const char *remote, uint16_t rport)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(lport)};

	if (fd < 0)
		die("socket", errno);
	sa.sin_addr = addr(local);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind", errno);
	if (remote) {
		sa.sin_port = htons(rport);
		sa.sin_addr = addr(remote);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			die("connect", errno);
	}
	return fd;
}

static int udp_send(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	int fd = udp_socket(argv[0], 1701, argv[1], 1701);

	if (send(fd, argv[2], strlen(argv[2]), 0) < 0)
		die("send", errno);
	return 0;
}

static int udp_recv(int argc, char **argv)
{
	char buf[512];

	if (argc < 2)
		return 2;
	int fd = udp_socket(argv[0], 1701, NULL, 0);
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	if (poll(&pfd, 1, (int)num(argv[1]) * 1000) <= 0)
		return 1;
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		die("recv", errno);
	printf("%.*s\n", (int)n, buf);
	return 0;
}

static int natt_socket(int argc, char **argv)
{
	if (argc < 1)
		return 2;
	int fd = udp_socket(argv[0], 4500, NULL, 0);
	int err = kernel_xfrm_socket_bypass(fd);

	if (!err)
		err = kernel_xfrm_socket_espinudp(fd);
	if (err)
		die("natt socket", err);
	printf("natt socket ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
	stop = 1;
}

/* Kernel tunnel + session over a connected UDP 1701 socket; returns the PPPoL2TP fd. */
static int l2tp_setup(char **argv, struct kernel_l2tp *k, struct kernel_l2tp_ids *ids)
{
	int udp = udp_socket(argv[0], 1701, argv[1], 1701);

	ids->tunnel_id = (uint16_t)num(argv[2]);
	ids->peer_tunnel_id = (uint16_t)num(argv[3]);
	ids->session_id = (uint16_t)num(argv[4]);
	ids->peer_session_id = (uint16_t)num(argv[5]);
	int err = kernel_l2tp_open(k);
	if (err)
		die("genl l2tp", err);
	err = kernel_l2tp_create(k, udp, ids);
	if (err)
		die("tunnel/session create", err);
	int px = kernel_l2tp_pppox_open(udp, ids);
	if (px < 0)
		die("pppol2tp socket", px);
	printf("l2tp tunnel %u/%u session %u/%u ready\n", ids->tunnel_id, ids->peer_tunnel_id,
	       ids->session_id, ids->peer_session_id);
	fflush(stdout);
	return px;
}

static int wait_child(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int l2tp_client(int argc, char **argv)
{
	struct kernel_l2tp k;
	struct kernel_l2tp_ids ids;
	char pw[256];

	if (argc < 8 || !fgets(pw, sizeof(pw), stdin))
		return 2;
	pw[strcspn(pw, "\n")] = '\0';
	int px = l2tp_setup(argv, &k, &ids);
	struct secbuf *secret = secbuf_new_str(pw);
	secure_wipe(pw, sizeof(pw));
	struct kernel_pppd_cfg cfg = {
		.plugin_path = argv[7],
		.user = argv[6],
		.password = secret,
		.auth = KERNEL_PPPD_MSCHAP_V2,
		.mtu = 1280,
		.mru = 1280,
		.lcp_echo_interval = 30,
		.lcp_echo_failure = 4,
		.ipparam = "l2i-test",
		.debug = true,
	};
	struct kernel_pppd p;
	int err = kernel_pppd_spawn(&cfg, px, &p);
	secbuf_free(secret);
	close(px);
	if (err)
		die("pppd spawn", err);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	/* Print each well-formed report line as the engine would see it, until pppd exits and
	 * the pipe reaches EOF; SIGTERM to us stops pppd first. */
	char buf[1024];
	size_t have = 0;
	bool stopping = false;
	struct pollfd pfd = {.fd = p.report_fd, .events = POLLIN};
	for (;;) {
		if (stop && !stopping) {
			kill(p.pid, SIGTERM);
			stopping = true;
		}
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		ssize_t n = read(p.report_fd, buf + have, sizeof(buf) - 1 - have);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			break;
		if (n < 0)
			continue;
		have += (size_t)n;
		char *nl;
		while ((nl = memchr(buf, '\n', have))) {
			struct kernel_pppd_event ev;
			size_t len = (size_t)(nl - buf);

			if (kernel_pppd_parse_line(buf, len, &ev) == 0) {
				char l[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

				switch (ev.type) {
				case KERNEL_PPPD_EV_PHASE:
					printf("report: phase %d\n", ev.phase);
					break;
				case KERNEL_PPPD_EV_AUTH:
					printf("report: auth %s\n", ev.method);
					break;
				case KERNEL_PPPD_EV_IP_UP:
					printf("report: ip-up %s local %s peer %s dns1 %s\n",
					       ev.ifname,
					       inet_ntop(AF_INET, &ev.local, l, sizeof(l)),
					       inet_ntop(AF_INET, &ev.peer, r, sizeof(r)),
					       inet_ntop(AF_INET, &ev.dns1, d, sizeof(d)));
					break;
				case KERNEL_PPPD_EV_IP_DOWN:
					printf("report: ip-down\n");
					break;
				case KERNEL_PPPD_EV_EXIT:
					printf("report: exit %d (%s)\n", ev.status,
					       kernel_pppd_exit_str(ev.status));
					break;
				}
			} else {
				printf("report: malformed line `%.*s'\n", (int)len, buf);
			}
			fflush(stdout);
			memmove(buf, nl + 1, have - len - 1);
			have -= len + 1;
		}
	}
	int rc = wait_child(p.pid);
	printf("pppd exited %d\n", rc);
	err = kernel_l2tp_delete(&k, &ids);
	printf("l2tp delete: %d\n", err);
	return err ? 1 : 0;
}

static int l2tp_server(int argc, char **argv)
{
	struct kernel_l2tp k;
	struct kernel_l2tp_ids ids;

	if (argc < 7)
		return 2;
	int px = l2tp_setup(argv, &k, &ids);
	pid_t pid = fork();
	if (pid == 0) {
		const char *av[64] = {"/usr/sbin/pppd", "plugin", "pppol2tp.so", "pppol2tp", "3"};
		int n = 5;

		for (int i = 6; i < argc && n < 63; i++)
			av[n++] = argv[i];
		if (dup2(px, 3) < 0)
			_exit(127);
		execv(av[0], (char *const *)av);
		_exit(127);
	}
	close(px);
	signal(SIGTERM, on_signal);
	while (!stop && waitpid(pid, NULL, WNOHANG) == 0)
		usleep(100000);
	kill(pid, SIGTERM);
	int rc = wait_child(pid);
	printf("server pppd exited %d\n", rc);
	return kernel_l2tp_delete(&k, &ids) ? 1 : 0;
}

int main(int argc, char **argv)
{
	int rc = 2;

	if (argc < 2)
		goto usage;
	if (!strcmp(argv[1], "xfrm-install"))
		rc = xfrm(argc - 2, argv + 2, true);
	else if (!strcmp(argv[1], "xfrm-remove"))
		rc = xfrm(argc - 2, argv + 2, false);
	else if (!strcmp(argv[1], "xfrm-cleanup"))
		rc = cleanup();
	else if (!strcmp(argv[1], "udp-send"))
		rc = udp_send(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "udp-recv"))
		rc = udp_recv(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "natt-socket"))
		rc = natt_socket(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "l2tp-client"))
		rc = l2tp_client(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "l2tp-server"))
		rc = l2tp_server(argc - 2, argv + 2);
	if (rc != 2)
		return rc;
usage:
	fprintf(stderr, "usage: see the comment at the top of tests/vm/tools/l2i-kdp-tool.c\n");
	return 2;
}
