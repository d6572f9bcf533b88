/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rtnetlink, written directly (no libnl): message builders and reply parsers
 * that touch no socket (unit-tested byte for byte), and a small synchronous
 * client (os-rtnl.c) that sends one request and waits for its ack.
 *
 * IPv4 addresses are in network byte order throughout; IPv6 ones are 16 bytes.
 */
#ifndef L2I_CLIENT_RTNL_H
#define L2I_CLIENT_RTNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTNL_MSG_MAX 256

struct rtnl_msg {
	/* aligned for struct nlmsghdr */
	uint8_t buf[RTNL_MSG_MAX] __attribute__((aligned(8)));
	size_t len;
};

struct rtnl_route {
	uint32_t dst;
	uint8_t dst_len;
	uint32_t gateway; /* 0: none (on-link / device route) */
	uint32_t prefsrc; /* 0: none */
	int oif;	  /* 0: none */
	uint32_t priority;
	uint8_t table;	  /* 0: RT_TABLE_MAIN */
	uint8_t protocol; /* 0: RTPROT_STATIC */
	uint8_t scope;	  /* RT_SCOPE_*; builders pick LINK when there is no gateway */
};

/* RTM_NEWADDR / RTM_DELADDR: point-to-point local -> peer, /32. */
void rtnl_build_addr(struct rtnl_msg *m, uint16_t type, uint32_t seq, int ifindex, uint32_t local,
		     uint32_t peer);
/* RTM_NEWADDR / RTM_DELADDR: IPv6 local/prefix_len with the peer's address (NULL: none),
 * IFA_F_NODAD (PPP's IPV6CP already made the identifiers unique on the link), scope link for
 * fe80::/10 else universe. */
void rtnl_build_addr6(struct rtnl_msg *m, uint16_t type, uint32_t seq, int ifindex,
		      const uint8_t local[16], const uint8_t *peer, uint8_t prefix_len);
/* RTM_NEWLINK: IPv6 address generation mode "none" (ip link set addrgenmode none), so the
 * kernel adds no random link-local address of its own to a TUN device. */
void rtnl_build_link_addrgen_none(struct rtnl_msg *m, uint32_t seq, int ifindex);
/* RTM_NEWLINK: set IFF_UP or clear it, and the MTU when mtu != 0. */
void rtnl_build_link(struct rtnl_msg *m, uint32_t seq, int ifindex, bool up, uint32_t mtu);
/* RTM_NEWROUTE (create, fail if it exists) / RTM_DELROUTE. */
void rtnl_build_route(struct rtnl_msg *m, uint16_t type, uint32_t seq, const struct rtnl_route *r);
/* RTM_GETROUTE for one destination: "ip route get DST". */
void rtnl_build_getroute(struct rtnl_msg *m, uint32_t seq, uint32_t dst);

/*
 * Parse a reply stream. rtnl_parse_ack: 0 when buf holds the ack for seq,
 * a negative errno when it holds an error for seq, -EAGAIN when neither.
 * rtnl_parse_route: fills r from the first RTM_NEWROUTE for seq; returns 0,
 * the error of an NLMSG_ERROR for seq, -EAGAIN when not found, -EBADMSG when
 * malformed.
 */
int rtnl_parse_ack(const void *buf, size_t len, uint32_t seq);
int rtnl_parse_route(const void *buf, size_t len, uint32_t seq, struct rtnl_route *r);

/* ---- the socket side (os-rtnl.c) ---- */

struct rtnl;

/* NULL with errno set. */
struct rtnl *rtnl_open(void);
void rtnl_close(struct rtnl *nl);
/* Sends m (its seq is filled in here) and waits for the ack: 0 or -errno. */
int rtnl_request(struct rtnl *nl, struct rtnl_msg *m);
/* "ip route get": the route the kernel would use for dst. */
int rtnl_get_route(struct rtnl *nl, uint32_t dst, struct rtnl_route *r);
uint32_t rtnl_next_seq(struct rtnl *nl);

#endif
