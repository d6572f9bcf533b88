// SPDX-License-Identifier: LGPL-2.1-or-later
/* Kernel L2TP generic netlink messages, compared byte for byte. */
#include <glib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/l2tp.h>

#include "kernel-l2tp.h"

static uint8_t mem[512] __attribute__((aligned(4)));
static const struct kernel_l2tp_ids ids = {
	.tunnel_id = 0x1234,
	.peer_tunnel_id = 0x00ab,
	.session_id = 0x4321,
	.peer_session_id = 0x00cd,
};

#define HDR(len, family, flags, seq, cmd) \
	(len), 0, 0, 0, (family), 0, (flags), 0, (seq), 0, 0, 0, 0, 0, 0, 0, (cmd), 1, 0, 0

static void test_tunnel_create(void)
{
	static const uint8_t want[] = {
		HDR(60, 0x1c, 0x05, 3, L2TP_CMD_TUNNEL_CREATE),
		8,
		0,
		L2TP_ATTR_CONN_ID,
		0,
		0x34,
		0x12,
		0,
		0,
		8,
		0,
		L2TP_ATTR_PEER_CONN_ID,
		0,
		0xab,
		0,
		0,
		0,
		5,
		0,
		L2TP_ATTR_PROTO_VERSION,
		0,
		2,
		0,
		0,
		0,
		6,
		0,
		L2TP_ATTR_ENCAP_TYPE,
		0,
		L2TP_ENCAPTYPE_UDP,
		0,
		0,
		0,
		8,
		0,
		L2TP_ATTR_FD,
		0,
		7,
		0,
		0,
		0,
	};
	struct nlbuf b;

	nlbuf_init(&b, mem, sizeof(mem));
	g_assert_cmpint(kernel_l2tp_build_tunnel_create(&b, 0x1c, 3, 7, &ids), ==, 0);
	g_assert_cmpmem(mem, b.len, want, sizeof(want));
}

static void test_session_create(void)
{
	static const uint8_t want[] = {
		HDR(52, 0x1c, 0x05, 4, L2TP_CMD_SESSION_CREATE),
		8,
		0,
		L2TP_ATTR_CONN_ID,
		0,
		0x34,
		0x12,
		0,
		0,
		8,
		0,
		L2TP_ATTR_SESSION_ID,
		0,
		0x21,
		0x43,
		0,
		0,
		8,
		0,
		L2TP_ATTR_PEER_SESSION_ID,
		0,
		0xcd,
		0,
		0,
		0,
		6,
		0,
		L2TP_ATTR_PW_TYPE,
		0,
		L2TP_PWTYPE_PPP,
		0,
		0,
		0,
	};
	struct nlbuf b;

	nlbuf_init(&b, mem, sizeof(mem));
	g_assert_cmpint(kernel_l2tp_build_session_create(&b, 0x1c, 4, &ids), ==, 0);
	g_assert_cmpmem(mem, b.len, want, sizeof(want));
}

static void test_deletes(void)
{
	static const uint8_t want_sess[] = {
		HDR(36, 0x1c, 0x05, 5, L2TP_CMD_SESSION_DELETE),
		8,
		0,
		L2TP_ATTR_CONN_ID,
		0,
		0x34,
		0x12,
		0,
		0,
		8,
		0,
		L2TP_ATTR_SESSION_ID,
		0,
		0x21,
		0x43,
		0,
		0,
	};
	static const uint8_t want_tun[] = {
		HDR(28, 0x1c, 0x05, 6, L2TP_CMD_TUNNEL_DELETE),
		8,
		0,
		L2TP_ATTR_CONN_ID,
		0,
		0x34,
		0x12,
		0,
		0,
	};
	struct nlbuf b;

	nlbuf_init(&b, mem, sizeof(mem));
	g_assert_cmpint(kernel_l2tp_build_session_delete(&b, 0x1c, 5, &ids), ==, 0);
	g_assert_cmpmem(mem, b.len, want_sess, sizeof(want_sess));
	nlbuf_init(&b, mem, sizeof(mem));
	g_assert_cmpint(kernel_l2tp_build_tunnel_delete(&b, 0x1c, 6, &ids), ==, 0);
	g_assert_cmpmem(mem, b.len, want_tun, sizeof(want_tun));
}

static void test_getfamily(void)
{
	static const uint8_t want[] = {
		HDR(32, GENL_ID_CTRL, 0x05, 1, CTRL_CMD_GETFAMILY),
		9,
		0,
		CTRL_ATTR_FAMILY_NAME,
		0,
		'l',
		'2',
		't',
		'p',
		0,
		0,
		0,
		0,
	};
	struct nlbuf b;

	nlbuf_init(&b, mem, sizeof(mem));
	g_assert_cmpint(kernel_l2tp_build_getfamily(&b, 1), ==, 0);
	g_assert_cmpmem(mem, b.len, want, sizeof(want));
}

static void test_rejects(void)
{
	struct kernel_l2tp_ids bad = ids;
	struct nlbuf b;

	nlbuf_init(&b, mem, sizeof(mem));
	g_assert_cmpint(kernel_l2tp_build_tunnel_create(&b, 0x1c, 1, -1, &ids), ==, -EINVAL);
	bad.peer_tunnel_id = 0;
	g_assert_cmpint(kernel_l2tp_build_tunnel_create(&b, 0x1c, 1, 7, &bad), ==, -EINVAL);
	bad = ids;
	bad.peer_session_id = 0;
	g_assert_cmpint(kernel_l2tp_build_session_create(&b, 0x1c, 1, &bad), ==, -EINVAL);
	g_assert_cmpuint(b.len, ==, 0);
	nlbuf_init(&b, mem, 40);
	g_assert_cmpint(kernel_l2tp_build_tunnel_create(&b, 0x1c, 1, 7, &ids), ==, -ENOBUFS);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/kernel-l2tp/tunnel-create", test_tunnel_create);
	g_test_add_func("/kernel-l2tp/session-create", test_session_create);
	g_test_add_func("/kernel-l2tp/deletes", test_deletes);
	g_test_add_func("/kernel-l2tp/getfamily", test_getfamily);
	g_test_add_func("/kernel-l2tp/rejects", test_rejects);
	return g_test_run();
}
