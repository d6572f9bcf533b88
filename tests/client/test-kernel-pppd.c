// SPDX-License-Identifier: LGPL-2.1-or-later
/* pppd command line and the plugin's report lines. */
#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

#include "kernel-pppd.h"

static char *join(const char **argv)
{
	return g_strjoinv(" ", (char **)argv);
}

static void test_argv(void)
{
	struct kernel_pppd_cfg cfg = {
		.plugin_path = "/usr/lib/l2tp-ipsec/l2i-pppd-plugin.so",
		.user = "alice",
		.auth = KERNEL_PPPD_MSCHAP_V2,
		.mtu = 1280,
		.mru = 1280,
		.lcp_echo_interval = 30,
		.lcp_echo_failure = 4,
		.ipparam = "conn-1",
	};
	const char *argv[64];
	char str[64];
	int n = kernel_pppd_build_argv(&cfg, argv, G_N_ELEMENTS(argv), str, sizeof(str));

	g_assert_cmpint(n, >, 0);
	g_assert_null(argv[n]);
	g_autofree char *s = join(argv);
	g_assert_cmpstr(s, ==,
			"/usr/sbin/pppd plugin pppol2tp.so pppol2tp 3 "
			"plugin /usr/lib/l2tp-ipsec/l2i-pppd-plugin.so l2i-secret-fd 4 "
			"l2i-report-fd 5 user alice nodetach noauth noipdefault ipcp-accept-local "
			"ipcp-accept-remote nodefaultroute usepeerdns noccp novj lcp-restart 1 noipv6 refuse-pap "
			"refuse-chap refuse-mschap refuse-eap mtu 1280 mru 1280 "
			"lcp-echo-interval 30 lcp-echo-failure 4 ipparam conn-1");
	for (int i = 0; i < n; i++)
		g_assert_null(strstr(argv[i], "password"));
}

static void test_argv_rejects(void)
{
	struct kernel_pppd_cfg cfg = {.plugin_path = "/p.so", .user = "-bob"};
	const char *argv[64];
	char str[64];

	/* A user name that pppd would read as an option, or with a newline, is refused. */
	g_assert_cmpint(kernel_pppd_build_argv(&cfg, argv, 64, str, sizeof(str)), ==, -EINVAL);
	cfg.user = "bob\nx";
	g_assert_cmpint(kernel_pppd_build_argv(&cfg, argv, 64, str, sizeof(str)), ==, -EINVAL);
	cfg.user = "bob";
	cfg.plugin_path = "relative.so";
	g_assert_cmpint(kernel_pppd_build_argv(&cfg, argv, 64, str, sizeof(str)), ==, -EINVAL);
	cfg.plugin_path = "/p.so";
	g_assert_cmpint(kernel_pppd_build_argv(&cfg, argv, 10, str, sizeof(str)), ==, -ENOBUFS);
	g_assert_cmpint(kernel_pppd_build_argv(&cfg, argv, 64, str, 3), ==, -ENOBUFS);
	/* Default auth: everything but EAP. */
	int n = kernel_pppd_build_argv(&cfg, argv, 64, str, sizeof(str));
	g_assert_cmpint(n, >, 0);
	g_autofree char *s = join(argv);
	g_assert_null(strstr(s, "refuse-pap"));
	g_assert_nonnull(strstr(s, "refuse-eap"));
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	g_assert_cmpint(inet_pton(AF_INET, s, &a), ==, 1);
	return a.s_addr;
}

static int parse(const char *line, struct kernel_pppd_event *ev)
{
	return kernel_pppd_parse_line(line, strlen(line), ev);
}

static void test_report(void)
{
	struct kernel_pppd_event ev;

	g_assert_cmpint(parse("event=ip-up ifname=ppp0 local=10.98.0.40 peer=10.98.0.33 "
			      "dns1=10.98.0.53 dns2=0.0.0.0",
			      &ev),
			==, 0);
	g_assert_cmpint(ev.type, ==, KERNEL_PPPD_EV_IP_UP);
	g_assert_cmpstr(ev.ifname, ==, "ppp0");
	g_assert_cmphex(ev.local, ==, ip("10.98.0.40"));
	g_assert_cmphex(ev.peer, ==, ip("10.98.0.33"));
	g_assert_cmphex(ev.dns1, ==, ip("10.98.0.53"));
	g_assert_cmphex(ev.dns2, ==, 0);

	g_assert_cmpint(parse("event=phase phase=8", &ev), ==, 0);
	g_assert_cmpint(ev.type, ==, KERNEL_PPPD_EV_PHASE);
	g_assert_cmpint(ev.phase, ==, 8);
	g_assert_cmpint(parse("event=exit status=19 future=yes", &ev), ==, 0);
	g_assert_cmpint(ev.type, ==, KERNEL_PPPD_EV_EXIT);
	g_assert_cmpint(ev.status, ==, 19);
	g_assert_cmpstr(kernel_pppd_exit_str(ev.status), ==,
			"authentication failed (our credentials)");
	g_assert_cmpstr(kernel_pppd_exit_str(99), ==, "unknown");
	g_assert_cmpint(parse("event=ip-down", &ev), ==, 0);
	g_assert_cmpint(ev.type, ==, KERNEL_PPPD_EV_IP_DOWN);
	g_assert_cmpint(parse("event=auth method=mschapv2", &ev), ==, 0);
	g_assert_cmpint(ev.type, ==, KERNEL_PPPD_EV_AUTH);
	g_assert_cmpstr(ev.method, ==, "mschapv2");

	static const char *const bad[] = {
		"",
		"phase=9",
		"event=phase",
		"event=phase phase=x",
		"event=phase phase=-1",
		"event=bogus phase=1",
		"event=phase event=exit phase=1",
		"event=ip-up ifname=ppp0",
		"event=ip-up ifname=ppp0 local=10.98.0",
		"event=ip-up ifname=averyveryverylongname local=10.0.0.1",
		"event=exit status",
		"event=auth",
		"event=auth method=",
		"event=auth method=averyveryverylongmethod",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		memset(&ev, 0x5a, sizeof(ev));
		g_assert_cmpint(parse(bad[i], &ev), ==, -EINVAL);
		g_assert_cmpint(ev.phase, ==, 0x5a5a5a5a); /* untouched on error */
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/kernel-pppd/argv", test_argv);
	g_test_add_func("/kernel-pppd/argv-rejects", test_argv_rejects);
	g_test_add_func("/kernel-pppd/report", test_report);
	return g_test_run();
}
