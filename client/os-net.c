/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interface address and routes for an established tunnel.
 *
 * The default route goes through the tunnel as two /1 routes (0.0.0.0/1 and
 * 128.0.0.0/1) rather than a replaced or lower-metric default: being more
 * specific than any default they win without touching the existing one, so
 * there is nothing to restore, a DHCP client re-adding its default changes
 * nothing, and if we die the kernel drops them with the interface. The
 * server's own address keeps a /32 route through the path it had before
 * (looked up with RTM_GETROUTE), so ESP never loops into the tunnel.
 *
 * IPv6 (IPV6CP) brings only link-local addresses: fe80::<our identifier>/64
 * with the peer's fe80::<identifier>. No IPv6 routes: global addresses (RA,
 * DHCPv6) are not handled here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>

#include "os.h"
#include "rtnl.h"

#define NET_MAX_ROUTES (VPN_MAX_ROUTES + 4)

struct os_net {
	struct rtnl *nl;
	int ifindex;
	uint32_t local, peer;
	bool addr_added;
	bool addr6_added;
	uint8_t local6[16], peer6[16];
	struct rtnl_route routes[NET_MAX_ROUTES]; /* added by us, in order */
	unsigned n_routes;
};

static char *route_text(const struct rtnl_route *r)
{
	char dst[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN], dev[IF_NAMESIZE] = "?";

	inet_ntop(AF_INET, &r->dst, dst, sizeof(dst));
	inet_ntop(AF_INET, &r->gateway, gw, sizeof(gw));
	if_indextoname((unsigned)r->oif, dev);
	if (r->gateway)
		return g_strdup_printf("%s/%u via %s dev %s", dst, r->dst_len, gw, dev);
	return g_strdup_printf("%s/%u dev %s", dst, r->dst_len, dev);
}

static bool add_route(struct os_net *n, const struct rtnl_route *r, bool exist_ok, GError **error)
{
	struct rtnl_msg m;
	int err;

	rtnl_build_route(&m, RTM_NEWROUTE, 0, r);
	err = rtnl_request(n->nl, &m);
	if (err == -EEXIST && exist_ok)
		return true; /* someone else's route: not ours to delete */
	if (err) {
		g_autofree char *text = route_text(r);

		if (err == -EEXIST && r->dst_len == 1)
			g_set_error(error, OS_ERROR, EEXIST,
				    "cannot add route %s: another VPN already holds the default "
				    "route this way; disconnect it, or set never-default=yes",
				    text);
		else
			g_set_error(error, OS_ERROR, -err, "cannot add route %s: %s", text,
				    g_strerror(-err));
		return false;
	}
	n->routes[n->n_routes++] = *r;
	return true;
}

/* The server's /32 through whatever path reaches it now. */
static bool pin_server_route(struct os_net *n, uint32_t server, GError **error)
{
	struct rtnl_route now, pin = {0};
	int err = rtnl_get_route(n->nl, server, &now);

	if (err) {
		char addr[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &server, addr, sizeof(addr));
		g_set_error(error, OS_ERROR, -err, "no route to the server %s: %s", addr,
			    g_strerror(-err));
		return false;
	}
	if (now.oif == n->ifindex)
		return true; /* already through us (reconnect race); leave it */
	pin.dst = server;
	pin.dst_len = 32;
	pin.gateway = now.gateway;
	pin.oif = now.oif;
	return add_route(n, &pin, true, error);
}

static bool apply(struct os_net *n, const struct os_net_config *cfg, GError **error)
{
	struct rtnl_msg m;
	int err;

	if (cfg->link_ready)
		goto routes;
	rtnl_build_addr(&m, RTM_NEWADDR, 0, cfg->ifindex, cfg->local, cfg->peer);
	err = rtnl_request(n->nl, &m);
	if (err) {
		g_set_error(error, OS_ERROR, -err, "cannot set the tunnel address: %s",
			    g_strerror(-err));
		return false;
	}
	n->addr_added = true;
	rtnl_build_link(&m, 0, cfg->ifindex, true, cfg->mtu);
	err = rtnl_request(n->nl, &m);
	if (err) {
		g_set_error(error, OS_ERROR, -err,
			    "cannot bring the tunnel interface up (MTU %u): %s", cfg->mtu,
			    g_strerror(-err));
		return false;
	}
routes:
	if (!pin_server_route(n, cfg->gateway, error))
		return false;
	if (!cfg->never_default) {
		struct rtnl_route lo = {.dst = 0, .dst_len = 1, .oif = cfg->ifindex};
		struct rtnl_route hi = {
			.dst = htonl(0x80000000u), .dst_len = 1, .oif = cfg->ifindex};

		if (!add_route(n, &lo, false, error) || !add_route(n, &hi, false, error))
			return false;
	}
	for (unsigned i = 0; i < cfg->n_routes; i++) {
		struct rtnl_route r = {.dst = htonl(cfg->routes[i].addr),
				       .dst_len = cfg->routes[i].prefix_len,
				       .oif = cfg->ifindex};

		if (!add_route(n, &r, true, error))
			return false;
	}
	return true;
}

struct os_net *os_net_apply(const struct os_net_config *cfg, GError **error)
{
	struct os_net *n = g_new0(struct os_net, 1);

	n->nl = rtnl_open();
	if (!n->nl) {
		g_set_error(error, OS_ERROR, errno, "cannot open rtnetlink: %s", g_strerror(errno));
		g_free(n);
		return NULL;
	}
	n->ifindex = cfg->ifindex;
	n->local = cfg->local;
	n->peer = cfg->peer;
	if (!apply(n, cfg, error)) {
		os_net_restore(n);
		return NULL;
	}
	return n;
}

void os_net_restore(struct os_net *n)
{
	struct rtnl_msg m;

	if (!n)
		return;
	while (n->n_routes) {
		rtnl_build_route(&m, RTM_DELROUTE, 0, &n->routes[--n->n_routes]);
		/* ESRCH: gone with the interface already */
		(void)rtnl_request(n->nl, &m);
	}
	if (n->addr6_added) {
		rtnl_build_addr6(&m, RTM_DELADDR, 0, n->ifindex, n->local6, n->peer6, 64);
		(void)rtnl_request(n->nl, &m);
	}
	if (n->addr_added) {
		rtnl_build_link(&m, 0, n->ifindex, false, 0);
		(void)rtnl_request(n->nl, &m);
		rtnl_build_addr(&m, RTM_DELADDR, 0, n->ifindex, n->local, n->peer);
		(void)rtnl_request(n->nl, &m);
	}
	rtnl_close(n->nl);
	g_free(n);
}

bool os_net_ipv6_prepare(int ifindex, const char *ifname, GError **error)
{
	g_autofree char *path = g_strdup_printf("/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	g_autofree char *text = NULL;
	struct rtnl_msg m;
	struct rtnl *nl;
	int err;

	if (!g_file_get_contents(path, &text, NULL, NULL)) {
		g_set_error(error, OS_ERROR, EOPNOTSUPP, "the kernel has no IPv6 on %s", ifname);
		return false;
	}
	if (g_ascii_strtoull(text, NULL, 10) != 0) {
		g_set_error(error, OS_ERROR, EOPNOTSUPP,
			    "IPv6 is disabled on %s (net.ipv6.conf.default.disable_ipv6=1 is "
			    "inherited by new interfaces)",
			    ifname);
		return false;
	}
	nl = rtnl_open();
	if (!nl) {
		g_set_error(error, OS_ERROR, errno, "cannot open rtnetlink: %s", g_strerror(errno));
		return false;
	}
	rtnl_build_link_addrgen_none(&m, 0, ifindex);
	err = rtnl_request(nl, &m);
	rtnl_close(nl);
	if (err) {
		g_set_error(error, OS_ERROR, -err,
			    "cannot turn off IPv6 address generation on %s: %s", ifname,
			    g_strerror(-err));
		return false;
	}
	return true;
}

bool os_net_add_ipv6(struct os_net *n, const uint8_t local[16], const uint8_t peer[16],
		     GError **error)
{
	struct rtnl_msg m;
	int err;

	if (n->addr6_added && !memcmp(n->local6, local, 16) && !memcmp(n->peer6, peer, 16))
		return true;
	if (n->addr6_added) {
		/* the server restarted PPP and we were given other identifiers */
		rtnl_build_addr6(&m, RTM_DELADDR, 0, n->ifindex, n->local6, n->peer6, 64);
		(void)rtnl_request(n->nl, &m);
		n->addr6_added = false;
	}
	rtnl_build_addr6(&m, RTM_NEWADDR, 0, n->ifindex, local, peer, 64);
	err = rtnl_request(n->nl, &m);
	if (err) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, local, a, sizeof(a));
		g_set_error(error, OS_ERROR, -err,
			    "cannot add the IPv6 address %s/64 to the tunnel: %s", a,
			    g_strerror(-err));
		return false;
	}
	memcpy(n->local6, local, 16);
	memcpy(n->peer6, peer, 16);
	n->addr6_added = true;
	return true;
}

char *os_net_describe(const struct os_net *n)
{
	GString *s = g_string_new(NULL);

	for (unsigned i = 0; n && i < n->n_routes; i++) {
		g_autofree char *t = route_text(&n->routes[i]);

		g_string_append_printf(s, "%s%s", i ? "\n" : "", t);
	}
	return g_string_free(s, FALSE);
}
