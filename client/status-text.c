/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `status` for people: the same facts as the JSON, one block per connection. */
#include <arpa/inet.h>

#include "json.h"

char *vpn_status_to_text(const char *name, enum vpn_state state, const struct vpn_stats *st,
			 const struct vpn_ip_config *ip)
{
	GString *s = g_string_new(NULL);
	guint64 up = st->uptime_ms / 1000;

	g_string_append_printf(s, "%s: %s (%s data path)\n", name, vpn_state_title(state),
			       st->data_path);
	g_string_append_printf(s, "  gateway    %s\n", st->gateway);
	if (ip) {
		char l[INET_ADDRSTRLEN], p[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN] = "none";

		inet_ntop(AF_INET, &ip->local, l, sizeof(l));
		inet_ntop(AF_INET, &ip->peer, p, sizeof(p));
		if (ip->dns[0])
			inet_ntop(AF_INET, &ip->dns[0], d, sizeof(d));
		g_string_append_printf(s, "  interface  %s: %s peer %s, DNS %s (%s)\n", ip->ifname,
				       l, p, d, ip->dns_method);
	}
	if (ip && ip->ipv6) {
		char l6[INET6_ADDRSTRLEN], p6[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, ip->local6, l6, sizeof(l6));
		inet_ntop(AF_INET6, ip->peer6, p6, sizeof(p6));
		g_string_append_printf(s, "  IPv6       %s/64 peer %s (link-local)\n", l6, p6);
	}
	if (st->ike_suite[0])
		g_string_append_printf(s, "  IKE        %s, lifetime %u s%s\n", st->ike_suite,
				       st->ike_lifetime_s, st->nat_t ? ", NAT-T" : "");
	if (st->esp_suite[0])
		g_string_append_printf(s, "  ESP        %s, SPIs in 0x%08x out 0x%08x, %s\n",
				       st->esp_suite, st->spi_in, st->spi_out, st->encapsulation);
	if (st->tunnel_id)
		g_string_append_printf(s, "  L2TP       tunnel %u/%u, session %u/%u\n",
				       st->tunnel_id, st->peer_tunnel_id, st->session_id,
				       st->peer_session_id);
	if (st->auth_method && *st->auth_method)
		g_string_append_printf(s, "  PPP        authenticated with %s\n", st->auth_method);
	g_string_append_printf(s,
			       "  traffic    in %" G_GUINT64_FORMAT " B / %" G_GUINT64_FORMAT
			       " packets, out %" G_GUINT64_FORMAT " B / %" G_GUINT64_FORMAT
			       " packets\n",
			       st->bytes_in, st->packets_in, st->bytes_out, st->packets_out);
	g_string_append_printf(s, "  uptime     %" G_GUINT64_FORMAT ":%02u:%02u\n", up / 3600,
			       (unsigned)(up / 60 % 60), (unsigned)(up % 60));
	return g_string_free(s, FALSE);
}
