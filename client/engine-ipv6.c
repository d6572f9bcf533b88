/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPv6 inside the tunnel. IPV6CP agrees on two interface identifiers; the
 * interface gets fe80::<ours>/64 with the peer's fe80::<theirs>, as pppd
 * does on a PPP link. Link-local only: global addresses (router
 * advertisements, DHCPv6) are not handled. IPv4 stays the connection's
 * backbone: the pair is applied once IPCP's configuration is in place, and a
 * failure here is a warning, not a failed connection.
 */
#include <arpa/inet.h>
#include <string.h>

#include "engine-int.h"

static void link_local(uint8_t out[16], const uint8_t ifid[8])
{
	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	memcpy(out + 8, ifid, 8);
}

static bool apply(struct vpn_engine *e)
{
	g_autoptr(GError) error = NULL;
	uint8_t local[16], peer[16];

	if (!e->ipv6_negotiated || !e->net)
		return false;
	link_local(local, e->ipv6_ifid);
	link_local(peer, e->ipv6_peer_ifid);
	if (!os_net_add_ipv6(e->net, local, peer, &error)) {
		log_msg(&e->log, LOG_LVL_WARN, "IPv6 not configured (IPv4 is not affected): %s",
			error->message);
		e->ip.ipv6 = false;
		return false;
	}
	e->ip.ipv6 = true;
	memcpy(e->ip.local6, local, 16);
	memcpy(e->ip.peer6, peer, 16);
	return true;
}

char *engine_ipv6_apply_pending(struct vpn_engine *e)
{
	char a[INET6_ADDRSTRLEN];

	if (!apply(e))
		return g_strdup("");
	inet_ntop(AF_INET6, e->ip.local6, a, sizeof(a));
	return g_strdup_printf(", IPv6 %s", a);
}

void engine_ipv6_up(struct vpn_engine *e, const struct ppp_event *ev)
{
	char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN];

	memcpy(e->ipv6_ifid, ev->local_ifid, 8);
	memcpy(e->ipv6_peer_ifid, ev->peer_ifid, 8);
	e->ipv6_negotiated = true;
	if (!e->ip_applied)
		return; /* IPCP not done yet: the connected line will carry it */
	if (!apply(e))
		return;
	inet_ntop(AF_INET6, e->ip.local6, a, sizeof(a));
	inet_ntop(AF_INET6, e->ip.peer6, p, sizeof(p));
	engine_set_state(e, VPN_STATE_UP, "IPv6 up: address %s/64, peer %s on %s", a, p,
			 e->ip.ifname);
}

void engine_ipv6_forget(struct vpn_engine *e)
{
	e->ipv6_negotiated = false;
	e->ip.ipv6 = false;
	memset(e->ip.local6, 0, 16);
	memset(e->ip.peer6, 0, 16);
}
