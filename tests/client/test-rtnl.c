/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtnetlink messages byte for byte (netlink is host order: little-endian hosts only). */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "rtnl.h"

static void assert_bytes(const struct rtnl_msg *m, const uint8_t *want, size_t len)
{
	g_assert_cmpmem(m->buf, m->len, want, len);
}

static void test_addr(void)
{
	/* ip addr add 192.168.30.10 peer 192.168.30.1 dev #7 */
	static const uint8_t want[] = {
		40, 0,	0, 0, 20,  0,	0x05, 0x05, 0x11, 0, 0, 0, 0, 0, 0, 0, /* nlmsghdr */
		2,  32, 0, 0, 7,   0,	0,    0,			       /* ifaddrmsg */
		8,  0,	2, 0, 192, 168, 30,   10,			       /* IFA_LOCAL */
		8,  0,	1, 0, 192, 168, 30,   1,			       /* IFA_ADDRESS */
	};
	struct rtnl_msg m;

	rtnl_build_addr(&m, RTM_NEWADDR, 0x11, 7, inet_addr("192.168.30.10"),
			inet_addr("192.168.30.1"));
	assert_bytes(&m, want, sizeof(want));
}

static void test_addr6(void)
{
	/* ip addr add fe80::1c2d:0:0:3e4f/64 peer fe80::211:22ff:fe33:4455 dev #7 nodad */
	/* clang-format off */
	static const uint8_t want[] = {
		64, 0, 0, 0, 20, 0, 0x05, 0x05, 0x11, 0, 0, 0, 0, 0, 0, 0,	/* nlmsghdr */
		10, 64, 0x02, 253, 7, 0, 0, 0,		/* ifaddrmsg: NODAD, scope link */
		20, 0, 2, 0,				/* IFA_LOCAL */
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x1c, 0x2d, 0, 0, 0, 0, 0x3e, 0x4f,
		20, 0, 1, 0,				/* IFA_ADDRESS */
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55,
	};
	static const uint8_t local[16] = {0xfe, 0x80, [8] = 0x1c, 0x2d, 0, 0, 0, 0, 0x3e, 0x4f};
	static const uint8_t peer[16] = {0xfe, 0x80, [8] = 0x02, 0x11, 0x22, 0xff,
					 0xfe, 0x33, 0x44, 0x55};
	/* clang-format on */
	static const uint8_t global[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	struct rtnl_msg m;

	rtnl_build_addr6(&m, RTM_NEWADDR, 0x11, 7, local, peer, 64);
	assert_bytes(&m, want, sizeof(want));
	/* deleting: no CREATE/REPLACE; without a peer no IFA_ADDRESS */
	rtnl_build_addr6(&m, RTM_DELADDR, 0x12, 7, local, NULL, 64);
	g_assert_cmpuint(m.len, ==, 44);
	g_assert_cmphex(m.buf[4], ==, RTM_DELADDR);
	g_assert_cmphex(m.buf[6], ==, 0x05);
	g_assert_cmphex(m.buf[7], ==, 0x00);
	rtnl_build_addr6(&m, RTM_NEWADDR, 0x13, 7, global, NULL, 64);
	g_assert_cmpuint(m.buf[19], ==, RT_SCOPE_UNIVERSE);
}

static void test_link_addrgen(void)
{
	/* ip link set #7 addrgenmode none */
	/* clang-format off */
	static const uint8_t want[] = {
		48, 0, 0, 0, 16, 0, 0x05, 0x00, 4, 0, 0, 0, 0, 0, 0, 0, /* NEWLINK, ACK */
		0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* ifinfomsg */
		16, 0, 26, 0,					/* IFLA_AF_SPEC */
		12, 0, 10, 0,					/*  AF_INET6 */
		5, 0, 8, 0, 1, 0, 0, 0,		/*   IFLA_INET6_ADDR_GEN_MODE none */
	};
	/* clang-format on */
	struct rtnl_msg m;

	rtnl_build_link_addrgen_none(&m, 4, 7);
	assert_bytes(&m, want, sizeof(want));
}

static void test_link(void)
{
	/* ip link set #7 up mtu 1400 */
	static const uint8_t want[] = {
		40, 0, 0, 0, 16,   0,	 0x05, 0x00, 3, 0, 0, 0, 0, 0, 0, 0, /* RTM_NEWLINK, ACK */
		0,  0, 0, 0, 7,	   0,	 0,    0,    1, 0, 0, 0, 1, 0, 0, 0, /* ifinfomsg: up/up */
		8,  0, 4, 0, 0x78, 0x05, 0,    0,			     /* IFLA_MTU 1400 */
	};
	struct rtnl_msg m;

	rtnl_build_link(&m, 3, 7, true, 1400);
	assert_bytes(&m, want, sizeof(want));
}

static void test_route(void)
{
	/* ip route add 128.0.0.0/1 dev #7: NEWROUTE CREATE|EXCL, scope link, static, main */
	static const uint8_t want[] = {
		44, 0, 0, 0, 24,  0, 0x05, 0x06, 9,   0, 0, 0, 0, 0,
		0,  0, 2, 1, 0,	  0, 254,  4,	 253, 1, 0, 0, 0, 0, /* rtmsg */
		8,  0, 1, 0, 128, 0, 0,	   0,			     /* RTA_DST */
		8,  0, 4, 0, 7,	  0, 0,	   0,			     /* RTA_OIF */
	};
	/* ip route del 10.99.0.1/32 via 10.0.0.1 dev #2 */
	static const uint8_t want_del[] =
		{
			52, 0, 0,  0,  25, 0,	0x05, 0x00, 10, 0, 0,  0, 0, 0, 0,
			0,  2, 32, 0,  0,  254, 4,    255,  1,	0, 0,  0, 0, 8, 0,
			1,  0, 10, 99, 0,  1,	8,    0,    5,	0, 10, 0, 0, 1, /* RTA_GATEWAY */
			8,  0, 4,  0,  2,  0,	0,    0,
		};
	struct rtnl_route r = {.dst = inet_addr("128.0.0.0"), .dst_len = 1, .oif = 7};
	struct rtnl_route pin = {.dst = inet_addr("10.99.0.1"),
				 .dst_len = 32,
				 .gateway = inet_addr("10.0.0.1"),
				 .oif = 2};
	struct rtnl_msg m;

	rtnl_build_route(&m, RTM_NEWROUTE, 9, &r);
	assert_bytes(&m, want, sizeof(want));
	rtnl_build_route(&m, RTM_DELROUTE, 10, &pin);
	assert_bytes(&m, want_del, sizeof(want_del));
}

static void test_getroute_reply(void)
{
	/* a kernel answer to "ip route get 10.99.0.1": via 10.0.0.1 dev 2 src 10.0.0.5 */
	static const uint8_t reply[] = {
		60, 0, 0,   0, 24, 0, 0, 0, 42, 0, 0, 0, 0,  0, 0,  0,	2, 32,
		0,  0, 254, 2, 0,  1, 0, 2, 0,	0, 8, 0, 1,  0, 10, 99, 0, 1,
		8,  0, 4,   0, 2,  0, 0, 0, 8,	0, 7, 0, 10, 0, 0,  5, /* RTA_PREFSRC */
		8,  0, 5,   0, 10, 0, 0, 1,
	};
	struct rtnl_route r;
	struct rtnl_msg m;

	rtnl_build_getroute(&m, 42, inet_addr("10.99.0.1"));
	g_assert_cmpuint(m.len, ==, 36);
	g_assert_cmpint(rtnl_parse_route(reply, sizeof(reply), 42, &r), ==, 0);
	g_assert_cmphex(r.dst, ==, inet_addr("10.99.0.1"));
	g_assert_cmphex(r.gateway, ==, inet_addr("10.0.0.1"));
	g_assert_cmphex(r.prefsrc, ==, inet_addr("10.0.0.5"));
	g_assert_cmpint(r.oif, ==, 2);
	g_assert_cmpint(rtnl_parse_route(reply, sizeof(reply), 43, &r), ==, -EAGAIN);
	/* truncated: the header claims more than there is */
	g_assert_cmpint(rtnl_parse_route(reply, 30, 42, &r), ==, -EBADMSG);
}

static void test_ack(void)
{
	uint8_t buf[36] __attribute__((aligned(8))) = {0};
	struct nlmsghdr *nh = (struct nlmsghdr *)(void *)buf;
	struct nlmsgerr *e = NLMSG_DATA(nh);

	nh->nlmsg_len = sizeof(buf);
	nh->nlmsg_type = NLMSG_ERROR;
	nh->nlmsg_seq = 5;
	e->error = -EEXIST;
	g_assert_cmpint(rtnl_parse_ack(buf, sizeof(buf), 5), ==, -EEXIST);
	e->error = 0;
	g_assert_cmpint(rtnl_parse_ack(buf, sizeof(buf), 5), ==, 0);
	g_assert_cmpint(rtnl_parse_ack(buf, sizeof(buf), 6), ==, -EAGAIN);
	nh->nlmsg_len = 20; /* too short for struct nlmsgerr */
	g_assert_cmpint(rtnl_parse_ack(buf, 20, 5), ==, -EBADMSG);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	if (G_BYTE_ORDER != G_LITTLE_ENDIAN) {
		g_test_skip("expected bytes are written for little-endian hosts");
		return g_test_run();
	}
	g_test_add_func("/rtnl/addr", test_addr);
	g_test_add_func("/rtnl/addr6", test_addr6);
	g_test_add_func("/rtnl/link", test_link);
	g_test_add_func("/rtnl/link-addrgen", test_link_addrgen);
	g_test_add_func("/rtnl/route", test_route);
	g_test_add_func("/rtnl/getroute-reply", test_getroute_reply);
	g_test_add_func("/rtnl/ack", test_ack);
	return g_test_run();
}
