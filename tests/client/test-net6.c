/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPv6 link-local addresses on a real TUN device, in a network namespace of
 * our own (needs root; skipped otherwise): the kernel adds none of its own,
 * ours is usable without DAD (an ICMPv6 echo written into the TUN is answered
 * from it), a new pair replaces the old one, restore removes it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "os.h"
#include "rtnl.h"

static const uint8_t local6[16] = {0xfe, 0x80, [8] = 0x1c, 0x2d, 0, 0, 0, 0, 0x3e, 0x4f};
static const uint8_t peer6[16] = {0xfe, 0x80, [8] = 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55};
static const uint8_t other6[16] = {0xfe, 0x80, [8] = 0x5a, 0x5b, 0, 0, 0, 0, 0, 0x01};

/* Lines of /proc/net/if_inet6 for one interface: "<32 hex> <idx> <plen> <scope> <flags> <if>". */
static GPtrArray *addresses(const char *ifname)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents("/proc/net/if_inet6", &text, NULL, NULL))
		return out;
	lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		g_auto(GStrv) f = g_strsplit_set(g_strstrip(*l), " ", -1);
		GPtrArray *words = g_ptr_array_new();

		for (char **w = f; *w; w++)
			if (**w)
				g_ptr_array_add(words, *w);
		if (words->len == 6 && !strcmp(words->pdata[5], ifname))
			g_ptr_array_add(out, g_strdup_printf("%s/%s", (char *)words->pdata[0],
							     (char *)words->pdata[2]));
		g_ptr_array_free(words, TRUE);
	}
	return out;
}

static uint16_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* ICMPv6 echo request peer -> local, as the server would send it through the tunnel. */
static size_t echo_request(uint8_t *pkt)
{
	static const uint8_t payload[8] = "l2i-ping";
	const size_t icmp_len = 8 + sizeof(payload);
	uint8_t pseudo[40] = {0};
	uint8_t *icmp = pkt + 40;
	uint16_t sum;

	memset(pkt, 0, 40 + icmp_len);
	pkt[0] = 0x60;
	pkt[5] = (uint8_t)icmp_len;
	pkt[6] = 58; /* ICMPv6 */
	pkt[7] = 255;
	memcpy(pkt + 8, peer6, 16);
	memcpy(pkt + 24, local6, 16);
	icmp[0] = 128; /* echo request */
	icmp[5] = 0x2a;
	icmp[7] = 1;
	memcpy(icmp + 8, payload, sizeof(payload));
	memcpy(pseudo, pkt + 8, 32);
	memcpy(pseudo + 32, (uint8_t[]){0, 0, 0, (uint8_t)icmp_len, 0, 0, 0, 58}, 8);
	sum = csum_add(csum_add(0, pseudo, sizeof(pseudo)), icmp, icmp_len);
	sum = (uint16_t)~sum;
	icmp[2] = (uint8_t)(sum >> 8);
	icmp[3] = (uint8_t)sum;
	return 40 + icmp_len;
}

/* Reads from the TUN until an echo reply comes (other packets, e.g. MLD, are skipped). */
static bool read_echo_reply(int fd, uint8_t *src, int timeout_ms)
{
	uint8_t buf[2048];
	gint64 end = g_get_monotonic_time() + timeout_ms * 1000;

	while (g_get_monotonic_time() < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, 50) <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n >= 48 && buf[0] >> 4 == 6 && buf[6] == 58 && buf[40] == 129) {
			memcpy(src, buf + 8, 16);
			return true;
		}
	}
	return false;
}

/* In place: /proc files cannot be replaced by a rename. */
static bool write_sysctl(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(value, f) >= 0;
	return (fclose(f) == 0) && ok;
}

static void test_link_local(void)
{
	g_autoptr(GError) error = NULL;
	struct os_net_config nc = {
		.local = inet_addr("10.0.0.2"),
		.peer = inet_addr("10.0.0.1"),
		.mtu = 1400,
		.gateway = inet_addr("127.0.0.1"),
		.never_default = true,
	};
	g_autoptr(GPtrArray) before = NULL, after = NULL, replaced = NULL, gone = NULL;
	char ifname[16];
	uint8_t pkt[128], src[16];
	bool answered = false;
	struct os_net *n;
	int ifindex, fd;

	fd = os_tun_open("l2i6t%d", ifname, &ifindex, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(os_net_ipv6_prepare(ifindex, ifname, &error));
	g_assert_no_error(error);
	nc.ifindex = ifindex;
	n = os_net_apply(&nc, &error);
	g_assert_no_error(error);
	g_assert_nonnull(n);

	/* up, but no address the kernel made up (it would be a random fe80::) */
	before = addresses(ifname);
	g_assert_cmpuint(before->len, ==, 0);

	g_assert_true(os_net_add_ipv6(n, local6, peer6, &error));
	g_assert_no_error(error);
	after = addresses(ifname);
	g_assert_cmpuint(after->len, ==, 1);
	g_assert_cmpstr(after->pdata[0], ==, "fe800000000000001c2d000000003e4f/40");

	/* usable without DAD: the kernel answers the peer's echo from our address (the address
	 * goes live from a kernel work item a moment after the ack, hence a few tries) */
	for (int i = 0; i < 10 && !answered; i++) {
		g_assert_cmpint(write(fd, pkt, echo_request(pkt)), >, 0);
		answered = read_echo_reply(fd, src, 300);
	}
	g_assert_true(answered);
	g_assert_cmpmem(src, 16, local6, 16);

	/* the same pair again changes nothing; another pair replaces it */
	g_assert_true(os_net_add_ipv6(n, local6, peer6, &error));
	g_assert_true(os_net_add_ipv6(n, other6, peer6, &error));
	g_assert_no_error(error);
	replaced = addresses(ifname);
	g_assert_cmpuint(replaced->len, ==, 1);
	g_assert_cmpstr(replaced->pdata[0], ==, "fe800000000000005a5b000000000001/40");

	os_net_restore(n);
	gone = addresses(ifname);
	g_assert_cmpuint(gone->len, ==, 0);
	close(fd);
}

/* IPv6 switched off for new interfaces: the TUN says so, and IPV6CP is then not negotiated. */
static void test_disabled(void)
{
	g_autoptr(GError) error = NULL;
	char ifname[16];
	int ifindex, fd;

	g_assert_true(write_sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1"));
	fd = os_tun_open("l2i6d%d", ifname, &ifindex, NULL, &error);
	g_assert_no_error(error);
	g_assert_false(os_net_ipv6_prepare(ifindex, ifname, &error));
	g_assert_error(error, OS_ERROR, EOPNOTSUPP);
	g_assert_nonnull(strstr(error->message, "IPv6 is disabled on l2i6d"));
	close(fd);
	g_assert_true(write_sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "0"));
}

int main(int argc, char **argv)
{
	struct rtnl_msg m;
	struct rtnl *nl;
	int lo;

	g_test_init(&argc, &argv, NULL);
	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0 || access("/dev/net/tun", R_OK | W_OK)) {
		g_test_skip("needs root, a network namespace and /dev/net/tun");
		return g_test_run();
	}
	if (access("/proc/sys/net/ipv6", F_OK)) {
		g_test_skip("the kernel has no IPv6");
		return g_test_run();
	}
	/* our own namespace: these settings vanish with it */
	g_assert_true(write_sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "0"));
	/* lo up: os_net_apply pins the server's /32 through it (127.0.0.1 plays the server) */
	lo = (int)if_nametoindex("lo");
	nl = rtnl_open();
	g_assert_nonnull(nl);
	rtnl_build_link(&m, 0, lo, true, 0);
	g_assert_cmpint(rtnl_request(nl, &m), ==, 0);
	rtnl_close(nl);
	g_test_add_func("/net6/link-local", test_link_local);
	g_test_add_func("/net6/disabled", test_disabled);
	return g_test_run();
}
