/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON shapes of `status --json` and `probe --json`, and the probe's grading. */
#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

#include "json.h"

static void test_escape(void)
{
	g_autoptr(GString) s = g_string_new(NULL);

	json_append_string(s, "a\"b\\c\n\x01");
	g_assert_cmpstr(s->str, ==, "\"a\\\"b\\\\c\\n\\u0001\"");
	g_string_truncate(s, 0);
	json_append_string(s, NULL);
	g_assert_cmpstr(s->str, ==, "null");
}

static void test_status(void)
{
	struct vpn_stats st = {
		.bytes_in = 840,
		.bytes_out = 1260,
		.packets_in = 10,
		.packets_out = 15,
		.uptime_ms = 61500,
		.ike_suite = "aes256-sha1-modp2048",
		.ike_lifetime_s = 28800,
		.nat_t = true,
		.esp_suite = "aes256-sha1",
		.esp_lifetime_s = 3600,
		.spi_in = 0xc0ffee01,
		.spi_out = 0x1234,
		.encapsulation = "udp-transport",
		.tunnel_id = 7,
		.peer_tunnel_id = 8,
		.session_id = 9,
		.peer_session_id = 10,
		.auth_method = "PAP",
		.data_path = "userspace",
		.gateway = "10.99.0.1",
	};
	struct vpn_ip_config ip = {
		.ifname = "l2i0",
		.local = inet_addr("192.168.30.10"),
		.peer = inet_addr("192.168.30.1"),
		.dns = {inet_addr("192.168.30.1"), 0},
	};
	g_autofree char *up = vpn_status_to_json("alice", VPN_STATE_UP, &st, &ip);
	g_autofree char *early = NULL;
	struct vpn_stats none = {.data_path = "userspace", .gateway = "gw"};

	g_assert_cmpstr(
		up, ==,
		"{\"name\":\"alice\",\"state\":\"up\",\"gateway\":\"10.99.0.1\","
		"\"data_path\":\"userspace\",\"interface\":\"l2i0\","
		"\"address\":\"192.168.30.10\",\"peer\":\"192.168.30.1\","
		"\"dns\":[\"192.168.30.1\"],\"ipv6\":null,\"ike_suite\":\"aes256-sha1-modp2048\","
		"\"ike_lifetime\":28800,\"nat_t\":true,\"esp_suite\":\"aes256-sha1\","
		"\"esp_lifetime\":3600,\"spi_in\":\"0xc0ffee01\",\"spi_out\":\"0x00001234\","
		"\"encapsulation\":\"udp-transport\",\"tunnel_id\":7,\"peer_tunnel_id\":8,"
		"\"session_id\":9,\"peer_session_id\":10,\"auth\":\"PAP\",\"bytes_in\":840,"
		"\"bytes_out\":1260,\"packets_in\":10,\"packets_out\":15,\"uptime\":61}");
	/* before IPCP: no interface facts yet, nulls rather than zeros */
	early = vpn_status_to_json("bob", VPN_STATE_IKE_PHASE1, &none, NULL);
	g_assert_true(g_str_has_prefix(
		early, "{\"name\":\"bob\",\"state\":\"ike-phase1\",\"gateway\":\"gw\","
		       "\"data_path\":\"userspace\",\"interface\":null,\"address\":null,"
		       "\"peer\":null,\"dns\":[],\"ipv6\":null,\"ike_suite\":null,"));
}

/* IPV6CP up: the link-local pair in JSON and in the text status. */
static void test_status_ipv6(void)
{
	struct vpn_stats st = {.data_path = "userspace", .gateway = "10.98.0.1"};
	struct vpn_ip_config ip = {
		.ifname = "l2tp0",
		.local = inet_addr("10.98.0.40"),
		.peer = inet_addr("10.98.0.33"),
		.dns_method = "none",
		.ipv6 = true,
		.local6 = {0xfe, 0x80, [8] = 0x1c, 0x2d, 0, 0, 0, 0, 0x3e, 0x4f},
		.peer6 = {0xfe, 0x80, [8] = 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55},
	};
	g_autofree char *json = vpn_status_to_json("lab", VPN_STATE_UP, &st, &ip);
	g_autofree char *text = vpn_status_to_text("lab", VPN_STATE_UP, &st, &ip);

	g_assert_nonnull(strstr(json, "\"dns\":[],\"ipv6\":{\"address\":\"fe80::1c2d:0:0:3e4f\","
				      "\"prefix_len\":64,\"peer\":\"fe80::211:22ff:fe33:4455\"},"
				      "\"ike_suite\":null,"));
	g_assert_nonnull(strstr(text, "\n  IPv6       fe80::1c2d:0:0:3e4f/64 peer "
				      "fe80::211:22ff:fe33:4455 (link-local)\n"));
	ip.ipv6 = false;
	g_free(text);
	text = vpn_status_to_text("lab", VPN_STATE_UP, &st, &ip);
	g_assert_null(strstr(text, "IPv6"));
}

static void test_probe(void)
{
	struct vpn_probe_item items[] = {
		{{7, 256, 4, 14}, VPN_PROBE_ACCEPTED, VPN_GRADE_STRONG},
		{{7, 128, 2, 19}, VPN_PROBE_REJECTED, VPN_GRADE_ACCEPTABLE},
		{{5, 0, 1, 2}, VPN_PROBE_NO_ANSWER, VPN_GRADE_WEAK},
	};
	struct vpn_probe_report r = {
		.gateway = "10.99.0.1",
		.items = items,
		.n_items = 3,
		.ok = true,
		.phase1_suite = "aes256-sha2_256-modp2048",
		.phase1_lifetime_s = 28800,
		.nat_t = true,
		.phase2_suite = "aes256-sha1",
		.phase2_lifetime_s = 3600,
		.spi_in = 0xa1b2c3d4,
		.spi_out = 0x01020304,
		.encapsulation = "udp-transport",
	};
	g_autofree char *ok = vpn_probe_to_json(&r);
	g_autofree char *failed = NULL;
	struct vpn_probe_report f = {.gateway = "10.99.0.9", .error = "no answer on UDP 500"};

	g_assert_cmpstr(ok, ==,
			"{\"gateway\":\"10.99.0.1\",\"transforms\":["
			"{\"suite\":\"aes256-sha2_256-modp2048\",\"result\":\"accepted\","
			"\"grade\":\"strong\"},"
			"{\"suite\":\"aes128-sha1-ecp256\",\"result\":\"rejected\","
			"\"grade\":\"acceptable\"},"
			"{\"suite\":\"3des-md5-modp1024\",\"result\":\"no-answer\","
			"\"grade\":\"weak\"}],"
			"\"phase1\":{\"suite\":\"aes256-sha2_256-modp2048\",\"lifetime\":28800,"
			"\"nat_t\":true},"
			"\"phase2\":{\"suite\":\"aes256-sha1\",\"lifetime\":3600,"
			"\"spi_in\":\"0xa1b2c3d4\",\"spi_out\":\"0x01020304\","
			"\"encapsulation\":\"udp-transport\"},\"result\":\"ok\",\"error\":null}");
	failed = vpn_probe_to_json(&f);
	g_assert_cmpstr(
		failed, ==,
		"{\"gateway\":\"10.99.0.9\",\"transforms\":[],\"phase1\":null,"
		"\"phase2\":null,\"result\":\"failed\",\"error\":\"no answer on UDP 500\"}");
}

static void test_grades(void)
{
	static const struct {
		struct ike_p1_proposal p;
		enum vpn_probe_grade g;
	} cases[] = {
		{{7, 256, 4, 14}, VPN_GRADE_STRONG},	 {{7, 128, 6, 20}, VPN_GRADE_STRONG},
		{{7, 256, 2, 14}, VPN_GRADE_ACCEPTABLE}, {{7, 256, 4, 5}, VPN_GRADE_WEAK},
		{{7, 256, 1, 14}, VPN_GRADE_WEAK},	 {{5, 0, 4, 14}, VPN_GRADE_WEAK},
		{{1, 0, 2, 2}, VPN_GRADE_WEAK},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
		g_assert_cmpint(vpn_probe_grade_of(&cases[i].p), ==, cases[i].g);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/json/escape", test_escape);
	g_test_add_func("/json/status", test_status);
	g_test_add_func("/json/status-ipv6", test_status_ipv6);
	g_test_add_func("/json/probe", test_probe);
	g_test_add_func("/json/grades", test_grades);
	return g_test_run();
}
