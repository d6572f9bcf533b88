/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtnetlink message building and reply parsing: bytes only, no socket. */
#include <errno.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "rtnl.h"

static struct nlmsghdr *start(struct rtnl_msg *m, uint16_t type, uint16_t flags, uint32_t seq,
			      size_t body_len)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(void *)m->buf;

	memset(m->buf, 0, sizeof(m->buf));
	m->len = NLMSG_LENGTH(body_len);
	nh->nlmsg_len = (uint32_t)m->len;
	nh->nlmsg_type = type;
	nh->nlmsg_flags = NLM_F_REQUEST | flags;
	nh->nlmsg_seq = seq;
	return nh;
}

static void *body(struct rtnl_msg *m)
{
	return m->buf + NLMSG_HDRLEN;
}

/* Appends one attribute; the builders only ever add a handful (fits RTNL_MSG_MAX). */
static void put_attr(struct rtnl_msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(void *)m->buf;
	struct rtattr *rta = (struct rtattr *)(void *)(m->buf + NLMSG_ALIGN(m->len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	m->len = NLMSG_ALIGN(m->len) + RTA_ALIGN(rta->rta_len);
	nh->nlmsg_len = (uint32_t)m->len;
}

static void put_u32(struct rtnl_msg *m, uint16_t type, uint32_t v)
{
	put_attr(m, type, &v, sizeof(v));
}

/* A nested attribute: returns where it starts; nest_end() fixes its length. */
static size_t nest_start(struct rtnl_msg *m, uint16_t type)
{
	size_t at = NLMSG_ALIGN(m->len);

	put_attr(m, type, NULL, 0);
	return at;
}

static void nest_end(struct rtnl_msg *m, size_t at)
{
	struct rtattr *rta = (struct rtattr *)(void *)(m->buf + at);

	rta->rta_len = (unsigned short)(m->len - at);
}

void rtnl_build_addr(struct rtnl_msg *m, uint16_t type, uint32_t seq, int ifindex, uint32_t local,
		     uint32_t peer)
{
	struct ifaddrmsg *ifa;

	start(m, type, NLM_F_ACK | (type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_REPLACE : 0), seq,
	      sizeof(*ifa));
	ifa = body(m);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 32;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	put_u32(m, IFA_LOCAL, local);
	put_u32(m, IFA_ADDRESS, peer);
}

void rtnl_build_addr6(struct rtnl_msg *m, uint16_t type, uint32_t seq, int ifindex,
		      const uint8_t local[16], const uint8_t *peer, uint8_t prefix_len)
{
	struct ifaddrmsg *ifa;

	start(m, type, NLM_F_ACK | (type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_REPLACE : 0), seq,
	      sizeof(*ifa));
	ifa = body(m);
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = prefix_len;
	ifa->ifa_flags = IFA_F_NODAD;
	/* fe80::/10 */
	ifa->ifa_scope =
		local[0] == 0xfe && (local[1] & 0xc0) == 0x80 ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	put_attr(m, IFA_LOCAL, local, 16);
	if (peer)
		put_attr(m, IFA_ADDRESS, peer, 16);
}

void rtnl_build_link_addrgen_none(struct rtnl_msg *m, uint32_t seq, int ifindex)
{
	struct ifinfomsg *ifi;
	uint8_t mode = IN6_ADDR_GEN_MODE_NONE;
	size_t spec, inet6;

	start(m, RTM_NEWLINK, NLM_F_ACK, seq, sizeof(*ifi));
	ifi = body(m);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	spec = nest_start(m, IFLA_AF_SPEC);
	inet6 = nest_start(m, AF_INET6);
	put_attr(m, IFLA_INET6_ADDR_GEN_MODE, &mode, sizeof(mode));
	nest_end(m, inet6);
	nest_end(m, spec);
}

void rtnl_build_link(struct rtnl_msg *m, uint32_t seq, int ifindex, bool up, uint32_t mtu)
{
	struct ifinfomsg *ifi;

	start(m, RTM_NEWLINK, NLM_F_ACK, seq, sizeof(*ifi));
	ifi = body(m);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	if (mtu)
		put_u32(m, IFLA_MTU, mtu);
}

void rtnl_build_route(struct rtnl_msg *m, uint16_t type, uint32_t seq, const struct rtnl_route *r)
{
	struct rtmsg *rt;

	start(m, type, NLM_F_ACK | (type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0), seq,
	      sizeof(*rt));
	rt = body(m);
	rt->rtm_family = AF_INET;
	rt->rtm_dst_len = r->dst_len;
	rt->rtm_table = r->table ? r->table : RT_TABLE_MAIN;
	rt->rtm_protocol = r->protocol ? r->protocol : RTPROT_STATIC;
	rt->rtm_scope = r->scope ? r->scope : r->gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rt->rtm_type = RTN_UNICAST;
	if (type == RTM_DELROUTE)
		rt->rtm_scope = RT_SCOPE_NOWHERE; /* match any scope */
	put_u32(m, RTA_DST, r->dst);
	if (r->gateway)
		put_u32(m, RTA_GATEWAY, r->gateway);
	if (r->oif)
		put_u32(m, RTA_OIF, (uint32_t)r->oif);
	if (r->priority)
		put_u32(m, RTA_PRIORITY, r->priority);
}

void rtnl_build_getroute(struct rtnl_msg *m, uint32_t seq, uint32_t dst)
{
	struct rtmsg *rt;

	start(m, RTM_GETROUTE, 0, seq, sizeof(*rt));
	rt = body(m);
	rt->rtm_family = AF_INET;
	rt->rtm_dst_len = 32;
	put_u32(m, RTA_DST, dst);
}

/* Walk the messages in buf; returns the one for seq or NULL. */
static const struct nlmsghdr *find_seq(const void *buf, size_t len, uint32_t seq, int *bad)
{
	const struct nlmsghdr *nh = buf;
	size_t left = len;

	*bad = 0;
	/* NLMSG_OK checks the header fits and nlmsg_len is within what is left */
	for (; NLMSG_OK(nh, left); nh = NLMSG_NEXT(nh, left)) {
		if (nh->nlmsg_seq == seq)
			return nh;
	}
	if (left)
		*bad = 1;
	return NULL;
}

static int error_of(const struct nlmsghdr *nh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);

	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EBADMSG;
	return e->error; /* 0 for an ack, else -errno */
}

int rtnl_parse_ack(const void *buf, size_t len, uint32_t seq)
{
	int bad;
	const struct nlmsghdr *nh = find_seq(buf, len, seq, &bad);

	if (!nh)
		return bad ? -EBADMSG : -EAGAIN;
	if (nh->nlmsg_type != NLMSG_ERROR)
		return -EAGAIN;
	return error_of(nh);
}

int rtnl_parse_route(const void *buf, size_t len, uint32_t seq, struct rtnl_route *r)
{
	int bad;
	const struct nlmsghdr *nh = find_seq(buf, len, seq, &bad);
	const struct rtmsg *rt;
	const struct rtattr *rta;
	size_t alen;

	if (!nh)
		return bad ? -EBADMSG : -EAGAIN;
	if (nh->nlmsg_type == NLMSG_ERROR)
		return error_of(nh) ? error_of(nh) : -EAGAIN;
	if (nh->nlmsg_type != RTM_NEWROUTE || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*rt)))
		return -EBADMSG;
	rt = NLMSG_DATA(nh);
	memset(r, 0, sizeof(*r));
	r->dst_len = rt->rtm_dst_len;
	r->table = rt->rtm_table;
	r->protocol = rt->rtm_protocol;
	r->scope = rt->rtm_scope;
	alen = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*rt));
	for (rta = RTM_RTA(rt); RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen)) {
		uint32_t v;

		if (RTA_PAYLOAD(rta) != sizeof(v))
			continue;
		memcpy(&v, RTA_DATA(rta), sizeof(v));
		switch (rta->rta_type) {
		case RTA_DST:
			r->dst = v;
			break;
		case RTA_GATEWAY:
			r->gateway = v;
			break;
		case RTA_PREFSRC:
			r->prefsrc = v;
			break;
		case RTA_OIF:
			r->oif = (int)v;
			break;
		case RTA_PRIORITY:
			r->priority = v;
			break;
		default:
			break;
		}
	}
	return 0;
}
