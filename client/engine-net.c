/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PPP progress and the IP configuration that IPCP brings: address on the
 * tunnel interface, routes, DNS. Undone in engine_net_restore() after the
 * protocols have said goodbye.
 */
#include "engine-int.h"

static void apply_ip(struct vpn_engine *e, const struct ppp_event *ev)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *local = engine_ip_str(ev->local_addr);
	g_autofree char *peer = engine_ip_str(ev->peer_addr);
	g_autofree char *dns = NULL, *v6 = NULL;
	struct os_net_config nc = {0};
	unsigned mtu = 0;
	uint32_t servers[2];
	unsigned n = 0;

	if (!e->dp->ops->get_interface(e->dp, e->ip.ifname, &e->ip.ifindex, &mtu)) {
		engine_fail(e, VPN_STATE_PPP_IPCP, "the tunnel interface is gone");
		return;
	}
	e->ip.local = ev->local_addr;
	e->ip.peer = ev->peer_addr;
	e->ip.dns[0] = ev->dns1;
	e->ip.dns[1] = ev->dns2 != ev->dns1 ? ev->dns2 : 0;
	nc.ifindex = e->ip.ifindex;
	nc.local = ev->local_addr;
	nc.peer = ev->peer_addr;
	e->ip.mtu = mtu ? mtu : MIN(e->profile->mtu, 1500);
	nc.mtu = e->ip.mtu;
	nc.gateway = e->server_ip;
	nc.never_default = e->profile->never_default;
	/* pppd has set the address and brought its interface up */
	nc.link_ready = e->data_path == VPN_DATA_PATH_KERNEL;
	nc.routes = e->profile->routes;
	nc.n_routes = e->profile->n_routes;
	e->net = os_net_apply(&nc, &error);
	if (!e->net) {
		engine_fail(e, VPN_STATE_PPP_IPCP, "%s", error->message);
		return;
	}
	if (ev->dns1)
		servers[n++] = ev->dns1;
	/* pppd servers often hand out one address as both primary and secondary */
	if (ev->dns2 && ev->dns2 != ev->dns1)
		servers[n++] = ev->dns2;
	e->ip.dns_method = "none";
	if (n && !e->no_dns) {
		e->dns = os_dns_apply(e->profile->name, e->ip.ifindex, servers, n,
				      !e->profile->never_default, e->resolv_conf, e->state_dir,
				      &error);
		if (e->dns && os_dns_note(e->dns))
			log_msg(&e->log, LOG_LVL_INFO, "DNS: %s", os_dns_note(e->dns));
		if (e->dns)
			e->ip.dns_method = os_dns_method(e->dns);
		else
			/* the tunnel works without it: say so and carry on */
			log_msg(&e->log, LOG_LVL_WARN, "DNS not configured: %s", error->message);
	}
	e->ip_applied = true;
	e->up_since_ms = engine_now_ms();
	v6 = engine_ipv6_apply_pending(e);
	dns = n ? engine_ip_str(servers[0]) : g_strdup("none");
	engine_set_state(e, VPN_STATE_UP, "connected: address %s, peer %s%s, DNS %s%s%s on %s",
			 local, peer, v6, dns, n > 1 ? " +1" : "",
			 e->profile->never_default ? ", default route unchanged"
						   : ", default route",
			 e->ip.ifname);
}

/* The PPP core's sentences start with "PPP: "; the stage title says that already. */
static const char *sentence(const struct ppp_event *ev)
{
	const char *m = ev->message ? ev->message : "";

	return g_str_has_prefix(m, "PPP: ") ? m + 5 : m;
}

void engine_ppp_event(void *ctx, const struct ppp_event *ev)
{
	struct vpn_engine *e = ctx;

	switch (ev->type) {
	case PPP_EV_LCP_UP:
		engine_set_state(e, VPN_STATE_PPP_AUTH, "PPP link up (LCP)");
		break;
	case PPP_EV_AUTH_OK:
		e->auth_method = ppp_auth_method_name(ev->method);
		engine_set_state(e, VPN_STATE_PPP_IPCP, "PPP authenticated with %s",
				 e->auth_method);
		break;
	case PPP_EV_IPCP_UP:
		if (!e->ip_applied)
			apply_ip(e, ev);
		break;
	case PPP_EV_IPV6CP_UP:
		engine_ipv6_up(e, ev);
		break;
	case PPP_EV_LINK_DOWN:
		log_msg(&e->log, LOG_LVL_WARN, "PPP: the server restarted the link");
		break;
	case PPP_EV_AUTH_FAILED:
		e->ppp_running = false;
		engine_fail(e, VPN_STATE_PPP_AUTH, "user `%s': %s", e->profile->user, sentence(ev));
		engine_schedule_step(e);
		break;
	case PPP_EV_FAILED:
	case PPP_EV_LINK_DEAD:
	case PPP_EV_TERMINATED:
		e->ppp_running = false;
		if (!e->tearing_down) {
			/* SoftEther answers a wrong PAP password with Terminate-Request */
			if (ev->type == PPP_EV_TERMINATED && ev->by_peer &&
			    e->state == VPN_STATE_PPP_AUTH)
				engine_fail(e, VPN_STATE_PPP_AUTH,
					    "the server ended PPP during authentication as `%s' "
					    "(%s); check the user name and password",
					    e->profile->user, sentence(ev));
			else
				engine_fail(e, e->state, "%s", sentence(ev));
		}
		engine_schedule_step(e);
		break;
	}
}

void engine_net_restore(struct vpn_engine *e)
{
	os_dns_restore(e->dns);
	e->dns = NULL;
	os_net_restore(e->net);
	e->net = NULL;
	e->ip_applied = false;
	engine_ipv6_forget(e);
}
