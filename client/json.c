/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>

#include "json.h"

void json_append_string(GString *s, const char *v)
{
	if (!v) {
		g_string_append(s, "null");
		return;
	}
	g_string_append_c(s, '"');
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		switch (*p) {
		case '"':
			g_string_append(s, "\\\"");
			break;
		case '\\':
			g_string_append(s, "\\\\");
			break;
		case '\n':
			g_string_append(s, "\\n");
			break;
		case '\t':
			g_string_append(s, "\\t");
			break;
		default:
			if (*p < 0x20)
				g_string_append_printf(s, "\\u%04x", *p);
			else
				g_string_append_c(s, (char)*p);
		}
	}
	g_string_append_c(s, '"');
}

static void key(GString *s, const char *k)
{
	if (s->len && s->str[s->len - 1] != '{' && s->str[s->len - 1] != '[')
		g_string_append_c(s, ',');
	json_append_string(s, k);
	g_string_append_c(s, ':');
}

static void kv_str(GString *s, const char *k, const char *v)
{
	key(s, k);
	json_append_string(s, v && *v ? v : NULL);
}

static void kv_u64(GString *s, const char *k, guint64 v)
{
	key(s, k);
	g_string_append_printf(s, "%" G_GUINT64_FORMAT, v);
}

static void kv_bool(GString *s, const char *k, bool v)
{
	key(s, k);
	g_string_append(s, v ? "true" : "false");
}

static void kv_spi(GString *s, const char *k, uint32_t spi)
{
	g_autofree char *hex = g_strdup_printf("0x%08x", spi);

	kv_str(s, k, spi ? hex : NULL);
}

static void kv_ip(GString *s, const char *k, uint32_t a)
{
	char buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, buf, sizeof(buf));
	kv_str(s, k, a ? buf : NULL);
}

/* "ipv6": {"address": …, "prefix_len": 64, "peer": …} or null. */
static void kv_ipv6(GString *s, const struct vpn_ip_config *ip)
{
	char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN];

	key(s, "ipv6");
	if (!ip || !ip->ipv6) {
		g_string_append(s, "null");
		return;
	}
	inet_ntop(AF_INET6, ip->local6, a, sizeof(a));
	inet_ntop(AF_INET6, ip->peer6, p, sizeof(p));
	g_string_append_c(s, '{');
	kv_str(s, "address", a);
	kv_u64(s, "prefix_len", 64);
	kv_str(s, "peer", p);
	g_string_append_c(s, '}');
}

char *vpn_status_to_json(const char *name, enum vpn_state state, const struct vpn_stats *st,
			 const struct vpn_ip_config *ip)
{
	GString *s = g_string_new("{");

	kv_str(s, "name", name);
	kv_str(s, "state", vpn_state_name(state));
	kv_str(s, "gateway", st->gateway);
	kv_str(s, "data_path", st->data_path);
	kv_str(s, "interface", ip ? ip->ifname : NULL);
	kv_ip(s, "address", ip ? ip->local : 0);
	kv_ip(s, "peer", ip ? ip->peer : 0);
	key(s, "dns");
	g_string_append_c(s, '[');
	for (int i = 0; ip && i < 2; i++) {
		char buf[INET_ADDRSTRLEN];

		if (!ip->dns[i])
			continue;
		inet_ntop(AF_INET, &ip->dns[i], buf, sizeof(buf));
		if (s->str[s->len - 1] != '[')
			g_string_append_c(s, ',');
		json_append_string(s, buf);
	}
	g_string_append_c(s, ']');
	kv_ipv6(s, ip);
	kv_str(s, "ike_suite", st->ike_suite);
	kv_u64(s, "ike_lifetime", st->ike_lifetime_s);
	kv_bool(s, "nat_t", st->nat_t);
	kv_str(s, "esp_suite", st->esp_suite);
	kv_u64(s, "esp_lifetime", st->esp_lifetime_s);
	kv_spi(s, "spi_in", st->spi_in);
	kv_spi(s, "spi_out", st->spi_out);
	kv_str(s, "encapsulation", st->encapsulation);
	kv_u64(s, "tunnel_id", st->tunnel_id);
	kv_u64(s, "peer_tunnel_id", st->peer_tunnel_id);
	kv_u64(s, "session_id", st->session_id);
	kv_u64(s, "peer_session_id", st->peer_session_id);
	kv_str(s, "auth", st->auth_method);
	kv_u64(s, "bytes_in", st->bytes_in);
	kv_u64(s, "bytes_out", st->bytes_out);
	kv_u64(s, "packets_in", st->packets_in);
	kv_u64(s, "packets_out", st->packets_out);
	kv_u64(s, "uptime", st->uptime_ms / 1000);
	g_string_append_c(s, '}');
	return g_string_free(s, FALSE);
}

char *vpn_probe_to_json(const struct vpn_probe_report *r)
{
	GString *s = g_string_new("{");

	kv_str(s, "gateway", r->gateway);
	key(s, "transforms");
	g_string_append_c(s, '[');
	for (unsigned i = 0; i < r->n_items; i++) {
		char name[64];

		if (i)
			g_string_append_c(s, ',');
		g_string_append_c(s, '{');
		kv_str(s, "suite", vpn_proposal_name(&r->items[i].proposal, name, sizeof(name)));
		kv_str(s, "result", vpn_probe_answer_name(r->items[i].answer));
		kv_str(s, "grade", vpn_probe_grade_name(r->items[i].grade));
		g_string_append_c(s, '}');
	}
	g_string_append_c(s, ']');
	key(s, "phase1");
	if (r->phase1_suite[0]) {
		g_string_append_c(s, '{');
		kv_str(s, "suite", r->phase1_suite);
		kv_u64(s, "lifetime", r->phase1_lifetime_s);
		kv_bool(s, "nat_t", r->nat_t);
		g_string_append_c(s, '}');
	} else {
		g_string_append(s, "null");
	}
	key(s, "phase2");
	if (r->phase2_suite[0]) {
		g_string_append_c(s, '{');
		kv_str(s, "suite", r->phase2_suite);
		kv_u64(s, "lifetime", r->phase2_lifetime_s);
		kv_spi(s, "spi_in", r->spi_in);
		kv_spi(s, "spi_out", r->spi_out);
		kv_str(s, "encapsulation", r->encapsulation);
		g_string_append_c(s, '}');
	} else {
		g_string_append(s, "null");
	}
	kv_str(s, "result", r->ok ? "ok" : "failed");
	kv_str(s, "error", r->error);
	g_string_append_c(s, '}');
	return g_string_free(s, FALSE);
}
