// SPDX-License-Identifier: LGPL-2.1-or-later
/* kernel-l2tp: kernel L2TPv2 tunnel + PPP session via generic netlink, and PPPoL2TP sockets. */
#include "kernel-l2tp.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/if_pppol2tp.h>
#include <linux/if_pppox.h>
#include <linux/l2tp.h>
#include <linux/ppp-ioctl.h>

static struct nlmsghdr *genl_begin(struct nlbuf *b, uint16_t family, uint8_t cmd, uint8_t version,
				   uint32_t seq)
{
	struct nlmsghdr *h = nl_msg_begin(b, family, NLM_F_REQUEST | NLM_F_ACK, seq);
	struct genlmsghdr *g = nl_put_hdr(b, sizeof(*g));

	if (g) {
		g->cmd = cmd;
		g->version = version;
	}
	return h;
}

static int finish(struct nlbuf *b, struct nlmsghdr *h)
{
	nl_msg_end(b, h);
	return b->err ? -ENOBUFS : 0;
}

int kernel_l2tp_build_getfamily(struct nlbuf *b, uint32_t seq)
{
	struct nlmsghdr *h = genl_begin(b, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, seq);

	nl_put_str(b, CTRL_ATTR_FAMILY_NAME, L2TP_GENL_NAME);
	return finish(b, h);
}

int kernel_l2tp_build_tunnel_create(struct nlbuf *b, uint16_t family, uint32_t seq, int udp_fd,
				    const struct kernel_l2tp_ids *ids)
{
	if (udp_fd < 0 || !ids->tunnel_id || !ids->peer_tunnel_id)
		return -EINVAL;
	struct nlmsghdr *h = genl_begin(b, family, L2TP_CMD_TUNNEL_CREATE, L2TP_GENL_VERSION, seq);

	nl_put_u32(b, L2TP_ATTR_CONN_ID, ids->tunnel_id);
	nl_put_u32(b, L2TP_ATTR_PEER_CONN_ID, ids->peer_tunnel_id);
	nl_put_u8(b, L2TP_ATTR_PROTO_VERSION, 2);
	nl_put_u16(b, L2TP_ATTR_ENCAP_TYPE, L2TP_ENCAPTYPE_UDP);
	nl_put_u32(b, L2TP_ATTR_FD, (uint32_t)udp_fd);
	return finish(b, h);
}

int kernel_l2tp_build_session_create(struct nlbuf *b, uint16_t family, uint32_t seq,
				     const struct kernel_l2tp_ids *ids)
{
	if (!ids->tunnel_id || !ids->session_id || !ids->peer_session_id)
		return -EINVAL;
	struct nlmsghdr *h = genl_begin(b, family, L2TP_CMD_SESSION_CREATE, L2TP_GENL_VERSION, seq);

	nl_put_u32(b, L2TP_ATTR_CONN_ID, ids->tunnel_id);
	nl_put_u32(b, L2TP_ATTR_SESSION_ID, ids->session_id);
	nl_put_u32(b, L2TP_ATTR_PEER_SESSION_ID, ids->peer_session_id);
	nl_put_u16(b, L2TP_ATTR_PW_TYPE, L2TP_PWTYPE_PPP);
	return finish(b, h);
}

int kernel_l2tp_build_session_delete(struct nlbuf *b, uint16_t family, uint32_t seq,
				     const struct kernel_l2tp_ids *ids)
{
	struct nlmsghdr *h = genl_begin(b, family, L2TP_CMD_SESSION_DELETE, L2TP_GENL_VERSION, seq);

	nl_put_u32(b, L2TP_ATTR_CONN_ID, ids->tunnel_id);
	nl_put_u32(b, L2TP_ATTR_SESSION_ID, ids->session_id);
	return finish(b, h);
}

int kernel_l2tp_build_tunnel_delete(struct nlbuf *b, uint16_t family, uint32_t seq,
				    const struct kernel_l2tp_ids *ids)
{
	struct nlmsghdr *h = genl_begin(b, family, L2TP_CMD_TUNNEL_DELETE, L2TP_GENL_VERSION, seq);

	nl_put_u32(b, L2TP_ATTR_CONN_ID, ids->tunnel_id);
	return finish(b, h);
}

/* ---- I/O ---- */

static int family_reply(void *ctx, const struct nlmsghdr *h)
{
	uint16_t *family = ctx;
	size_t len;
	const void *id = nl_find_attr(h, sizeof(struct genlmsghdr), CTRL_ATTR_FAMILY_ID, &len);

	if (id && len >= sizeof(uint16_t))
		memcpy(family, id, sizeof(*family));
	return 0;
}

typedef int (*build_fn)(struct nlbuf *b, uint16_t family, uint32_t seq,
			const struct kernel_l2tp_ids *ids);

static int run(struct kernel_l2tp *k, build_fn fn, const struct kernel_l2tp_ids *ids)
{
	uint8_t mem[256] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlbuf b;

	nlbuf_init(&b, mem, sizeof(mem));
	int err = fn(&b, k->family, ++k->seq, ids);

	return err ? err : nl_request(k->fd, &b);
}

int kernel_l2tp_open(struct kernel_l2tp *k)
{
	uint8_t mem[128] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlbuf b;

	memset(k, 0, sizeof(*k));
	k->fd = nl_open(NETLINK_GENERIC);
	if (k->fd < 0) {
		int err = k->fd;

		k->fd = -1;
		return err;
	}
	nlbuf_init(&b, mem, sizeof(mem));
	int err = kernel_l2tp_build_getfamily(&b, ++k->seq);

	if (!err)
		err = nl_transact(k->fd, &b, family_reply, &k->family);
	if (!err && !k->family)
		err = -ENOENT;
	if (err) {
		kernel_l2tp_close(k);
		return err;
	}
	return 0;
}

void kernel_l2tp_close(struct kernel_l2tp *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

int kernel_l2tp_create(struct kernel_l2tp *k, int udp_fd, const struct kernel_l2tp_ids *ids)
{
	uint8_t mem[256] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlbuf b;

	nlbuf_init(&b, mem, sizeof(mem));
	int err = kernel_l2tp_build_tunnel_create(&b, k->family, ++k->seq, udp_fd, ids);

	if (!err)
		err = nl_request(k->fd, &b);
	if (err)
		return err;
	err = run(k, kernel_l2tp_build_session_create, ids);
	if (err)
		run(k, kernel_l2tp_build_tunnel_delete, ids);
	return err;
}

int kernel_l2tp_delete(struct kernel_l2tp *k, const struct kernel_l2tp_ids *ids)
{
	/* Closing the PPPoL2TP socket (pppd exiting) already deletes the session: -ENODEV. */
	int err = run(k, kernel_l2tp_build_session_delete, ids);

	if (err == -ENOENT || err == -ENODEV)
		err = 0;
	int err2 = run(k, kernel_l2tp_build_tunnel_delete, ids);

	if (err2 == -ENOENT || err2 == -ENODEV)
		err2 = 0;
	return err ? err : err2;
}

int kernel_l2tp_pppox_open(int udp_fd, const struct kernel_l2tp_ids *ids)
{
	int fd = socket(AF_PPPOX, SOCK_DGRAM | SOCK_CLOEXEC, PX_PROTO_OL2TP);

	if (fd < 0)
		return -errno;
	struct sockaddr_pppol2tp sa = {
		.sa_family = AF_PPPOX,
		.sa_protocol = PX_PROTO_OL2TP,
		.pppol2tp =
			{
				.fd = udp_fd,
				.s_tunnel = ids->tunnel_id,
				.s_session = ids->session_id,
				.d_tunnel = ids->peer_tunnel_id,
				.d_session = ids->peer_session_id,
			},
	};
	/* PPPIOCGCHAN marks the socket bound: from then on the session's frames queue on the PPP
	 * channel, where pppd reads them once it attaches. Before it, they would sit in this
	 * socket's own queue, which nobody reads: the server's first LCP request was lost and
	 * LCP waited for its retransmission (3 s with pppd). */
	int chan;

	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    ioctl(fd, PPPIOCGCHAN, &chan) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}
