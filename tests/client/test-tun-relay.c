/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TUN offloads against the kernel's own TCP: two network namespaces, each with a TUN that
 * has TSO on (os_tun_open), and this process relaying between them the way the userspace
 * data path does: a super-segment read on one side is cut with tun_offload_segment(). In
 * one test the packets go to the other side as plain packets, whose kernel then checks
 * every IP and TCP checksum; in the other they are merged again with tun_gro_add() (as the
 * data path does with what it receives) and written as GSO packets, which that kernel's
 * TCP takes whole. 8 MiB go each way over IPv4 and over IPv6 and arrive intact, and the
 * relay must have cut (and merged) super-segments, else nothing was shown.
 * Servers do not catch a bad checksum here: SoftEther's stack ignores them, and Linux takes
 * UDP-encapsulated transport-mode ESP as checksum-verified (esp4 sets CHECKSUM_UNNECESSARY).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "os.h"
#include "tun-offload.h"

#define XFER (8u << 20)

struct side {
	int tun, ns;
	char ifname[16];
};

static struct side a, b;
static unsigned supers, packets, merged;
static bool use_gro;
static uint8_t gro_buf[TUN_VNET_HDR_LEN + 65536];
static struct tun_gro gro;

static void sh(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void sh(const char *fmt, ...)
{
	g_autofree char *cmd = NULL;
	va_list ap;

	va_start(ap, fmt);
	cmd = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_assert_cmpint(system(cmd), ==, 0);
}

/* A new namespace with a TUN in it: addr/peer for IPv4 and IPv6. */
static void side_up(struct side *s, const char *name, const char *v4, const char *peer4,
		    const char *v6, const char *peer6)
{
	g_autoptr(GError) error = NULL;
	bool offload = true;
	int ifindex;

	g_assert_cmpint(unshare(CLONE_NEWNET), ==, 0);
	s->ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	g_assert_cmpint(s->ns, >=, 0);
	s->tun = os_tun_open(name, s->ifname, &ifindex, &offload, &error);
	g_assert_no_error(error);
	g_assert_true(offload);
	sh("ip link set lo up && ip link set %s up mtu 1400 && "
	   "ip addr add %s peer %s dev %s && ip -6 addr add %s peer %s dev %s nodad",
	   s->ifname, v4, peer4, s->ifname, v6, peer6, s->ifname);
}

static void put_plain(int fd, const uint8_t *ip, size_t len)
{
	static const uint8_t hdr[TUN_VNET_HDR_LEN]; /* checksums complete: the kernel checks */
	struct iovec iov[2] = {{(void *)hdr, sizeof(hdr)}, {(void *)ip, len}};

	if (writev(fd, iov, 2) == (ssize_t)(sizeof(hdr) + len))
		packets++;
}

static void gro_flush(int fd)
{
	unsigned nseg = gro.nseg;
	const uint8_t *f;
	size_t len = tun_gro_frame(&gro, &f);

	if (len && write(fd, f, len) == (ssize_t)len) {
		packets += nseg;
		merged += nseg > 1;
	}
}

/* One packet towards fd: as it is, or through the merger. */
static void put(int fd, const uint8_t *ip, size_t len)
{
	if (!use_gro) {
		put_plain(fd, ip, len);
		return;
	}
	for (;;) {
		enum tun_gro_verdict v = tun_gro_add(&gro, ip, len);

		if (v == TUN_GRO_HELD)
			return;
		if (v == TUN_GRO_PASS) {
			put_plain(fd, ip, len);
			return;
		}
		gro_flush(fd);
	}
}

/* One read from `from`, relayed to `to`. */
static void relay(int from, int to)
{
	static uint8_t frame[TUN_VNET_HDR_LEN + 65536], seg[2048];
	struct tun_offload_pkt t;
	ssize_t n = read(from, frame, sizeof(frame));

	if (n <= 0)
		return;
	g_assert_cmpint(tun_offload_parse(frame, (size_t)n, &t), ==, 0);
	if (!t.super) {
		put(to, t.ip, t.len);
	} else {
		supers++;
		for (unsigned i = 0; i < t.nseg; i++) {
			size_t len = tun_offload_segment(&t, i, seg, sizeof(seg));

			g_assert_cmpuint(len, >, 0);
			put(to, seg, len);
		}
	}
	gro_flush(to); /* the end of a batch, as at the end of a wakeup */
}

static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 2654435761u >> 13);
}

static bool send_all(int fd)
{
	uint8_t buf[65536];

	for (size_t off = 0; off < XFER; off += sizeof(buf)) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = pattern(off + i);
		if (send(fd, buf, sizeof(buf), MSG_NOSIGNAL) != (ssize_t)sizeof(buf))
			return false;
	}
	return true;
}

static bool recv_all(int fd)
{
	uint8_t buf[65536];
	size_t got = 0;

	while (got < XFER) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n <= 0)
			return false;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != pattern(got + (size_t)i))
				return false;
		got += (size_t)n;
	}
	return true;
}

/* In a child: the server in b's namespace (receive, then send), or the client in a's. */
static pid_t endpoint(bool server, int family, const char *addr)
{
	pid_t pid = fork();
	struct sockaddr_storage ss = {0};
	socklen_t sl;
	int fd, c, one = 1;
	bool ok;

	g_assert_cmpint(pid, >=, 0);
	if (pid)
		return pid;
	alarm(60);
	if (setns(server ? b.ns : a.ns, CLONE_NEWNET) < 0)
		_exit(2);
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(5001);
		inet_pton(AF_INET, addr, &s4->sin_addr);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(5001);
		inet_pton(AF_INET6, addr, &s6->sin6_addr);
		sl = sizeof(*s6);
	}
	fd = socket(family, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (server) {
		if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 1) < 0)
			_exit(3);
		c = accept(fd, NULL, NULL);
		ok = c >= 0 && recv_all(c) && send_all(c);
	} else {
		for (int i = 0; i < 50 && connect(fd, (struct sockaddr *)&ss, sl) < 0; i++) {
			close(fd);
			fd = socket(family, SOCK_STREAM, 0);
			usleep(20000); /* the server's listen() */
		}
		ok = send_all(fd) && recv_all(fd);
	}
	_exit(ok ? 0 : 1);
}

static void transfer(int family, const char *server_addr, bool with_gro)
{
	pid_t pids[2] = {endpoint(true, family, server_addr), endpoint(false, family, server_addr)};
	int done = 0, status;
	unsigned supers0 = supers, merged0 = merged;

	use_gro = with_gro;
	tun_gro_init(&gro, gro_buf, sizeof(gro_buf));

	while (done < 2) {
		struct pollfd p[2] = {{a.tun, POLLIN, 0}, {b.tun, POLLIN, 0}};

		if (poll(p, 2, 100) > 0) {
			if (p[0].revents & POLLIN)
				relay(a.tun, b.tun);
			if (p[1].revents & POLLIN)
				relay(b.tun, a.tun);
		}
		for (pid_t *pid = pids; pid < pids + 2; pid++) {
			if (*pid > 0 && waitpid(*pid, &status, WNOHANG) == *pid) {
				if (WIFSIGNALED(status))
					g_error("the transfer stalled for 60 s: the receiving kernel drops "
						"what the relay writes (a bad checksum?)");
				g_assert_cmpint(WEXITSTATUS(status), ==, 0);
				*pid = 0;
				done++;
			}
		}
	}
	g_test_message("%u super-segments cut, %u merged again, %u packets written",
		       supers - supers0, merged - merged0, packets);
	g_assert_cmpuint(supers - supers0, >, 0);
	if (with_gro)
		g_assert_cmpuint(merged - merged0, >, 0);
}

static void test_tcp_v4(void)
{
	transfer(AF_INET, "10.77.0.2", false);
}

static void test_tcp_v6(void)
{
	transfer(AF_INET6, "fd77::2", false);
}

static void test_tcp_v4_gro(void)
{
	transfer(AF_INET, "10.77.0.2", true);
}

static void test_tcp_v6_gro(void)
{
	transfer(AF_INET6, "fd77::2", true);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	if (geteuid() != 0 || access("/dev/net/tun", R_OK | W_OK) || system("ip -V >/dev/null")) {
		g_test_skip("needs root, /dev/net/tun and ip(8)");
		return g_test_run();
	}
	side_up(&b, "l2irb%d", "10.77.0.2", "10.77.0.1", "fd77::2", "fd77::1");
	side_up(&a, "l2ira%d", "10.77.0.1", "10.77.0.2", "fd77::1", "fd77::2");
	g_test_add_func("/tun-relay/tcp-v4", test_tcp_v4);
	g_test_add_func("/tun-relay/tcp-v6", test_tcp_v6);
	g_test_add_func("/tun-relay/tcp-v4-merged", test_tcp_v4_gro);
	g_test_add_func("/tun-relay/tcp-v6-merged", test_tcp_v6_gro);
	return g_test_run();
}
