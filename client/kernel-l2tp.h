/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel-l2tp: the kernel's L2TPv2 data path (generic netlink family "l2tp", no libnl).
 *
 * Our l2tp/ core runs the control connection over a connected UDP 1701 socket. Once the session
 * is established, the engine hands that socket to the kernel as a tunnel (the kernel then takes
 * data messages and still passes control messages, T bit set, to the socket), creates the PPP
 * session, and opens a PPPoL2TP socket for pppd (`plugin pppol2tp.so pppol2tp <fd>`).
 *
 * Ids are the L2TP header's 16-bit values, host order: tunnel_id/session_id are ours (what the
 * peer puts in packets to us), peer_tunnel_id/peer_session_id the peer's.
 */
#ifndef L2I_KERNEL_L2TP_H
#define L2I_KERNEL_L2TP_H

#include <stdint.h>

#include "kernel-nl.h"

struct kernel_l2tp_ids {
	uint16_t tunnel_id;
	uint16_t peer_tunnel_id;
	uint16_t session_id;
	uint16_t peer_session_id;
};

/* ---- message builders (pure) ---- */

/* CTRL_CMD_GETFAMILY for "l2tp". */
int kernel_l2tp_build_getfamily(struct nlbuf *b, uint32_t seq);
/* L2TP_CMD_TUNNEL_CREATE: version 2, UDP encapsulation, over the given connected UDP socket. */
int kernel_l2tp_build_tunnel_create(struct nlbuf *b, uint16_t family, uint32_t seq, int udp_fd,
				    const struct kernel_l2tp_ids *ids);
/* L2TP_CMD_SESSION_CREATE: pseudowire type PPP. */
int kernel_l2tp_build_session_create(struct nlbuf *b, uint16_t family, uint32_t seq,
				     const struct kernel_l2tp_ids *ids);
int kernel_l2tp_build_session_delete(struct nlbuf *b, uint16_t family, uint32_t seq,
				     const struct kernel_l2tp_ids *ids);
int kernel_l2tp_build_tunnel_delete(struct nlbuf *b, uint16_t family, uint32_t seq,
				    const struct kernel_l2tp_ids *ids);

/* ---- kernel I/O ---- */

struct kernel_l2tp {
	int fd;		 /* generic netlink socket */
	uint16_t family; /* resolved id of "l2tp" */
	uint32_t seq;
};

/* Opens the genl socket and resolves the family. -ENOENT: l2tp_netlink not loaded/available. */
int kernel_l2tp_open(struct kernel_l2tp *k);
void kernel_l2tp_close(struct kernel_l2tp *k);
/* Tunnel, then session. On session failure the tunnel is deleted again. Returns 0 or -errno
 * (-EEXIST: ids in use, -EBADF/-EINVAL: socket not a connected UDP socket). */
int kernel_l2tp_create(struct kernel_l2tp *k, int udp_fd, const struct kernel_l2tp_ids *ids);
/* Deletes session then tunnel (also closes the PPP channel); already gone is not an error. */
int kernel_l2tp_delete(struct kernel_l2tp *k, const struct kernel_l2tp_ids *ids);

/* Opens and connects a PPPoL2TP socket (AF_PPPOX, PX_PROTO_OL2TP) to the session; close-on-exec
 * (the pppd launcher moves it to the child). Returns the fd or -errno (-EAFNOSUPPORT: l2tp_ppp
 * missing). */
int kernel_l2tp_pppox_open(int udp_fd, const struct kernel_l2tp_ids *ids);

#endif
