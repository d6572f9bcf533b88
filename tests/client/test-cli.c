/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CLI: the command table's parser and the usage text generated from it. */
#include <glib.h>
#include <string.h>

#include "cli.h"

static void test_connect(void)
{
	g_autoptr(GError) error = NULL;
	struct cli_args a;
	char **argv = g_strsplit("l2tp-ipsec connect --config alice.conf --ifname l2i0 "
				 "--data-path userspace --secrets-fd 3 -v --no-dns --timing",
				 " ", -1);

	g_assert_true(cli_parse((int)g_strv_length(argv), argv, &a, &error));
	g_assert_no_error(error);
	g_assert_cmpint(a.cmd, ==, CLI_CONNECT);
	g_assert_cmpstr(a.config, ==, "alice.conf");
	g_assert_cmpstr(a.ifname, ==, "l2i0");
	g_assert_cmpint(a.data_path, ==, VPN_DATA_PATH_USERSPACE);
	g_assert_cmpint(a.secrets_fd, ==, 3);
	g_assert_true(a.verbose);
	g_assert_true(a.no_dns);
	g_assert_true(a.timing);
	g_assert_false(a.json);
	g_assert_cmpstr(a.run_dir, ==, CLI_DEFAULT_RUN_DIR);
	g_strfreev(argv);
}

static void test_forms(void)
{
	g_autoptr(GError) error = NULL;
	struct cli_args a;
	char *argv1[] = {"l2tp-ipsec", "probe", "--config=x.conf", "--json", "--legacy", NULL};
	char *argv2[] = {"l2tp-ipsec", "disconnect", "office", NULL};
	char *argv3[] = {"l2tp-ipsec", "status", "--json", "--run-dir", "/tmp/r", NULL};
	char *argv4[] = {"l2tp-ipsec", "connect", "--help", NULL};
	char *argv5[] = {"l2tp-ipsec", "--version", NULL};

	g_assert_true(cli_parse(5, argv1, &a, &error));
	g_assert_cmpint(a.cmd, ==, CLI_PROBE);
	g_assert_cmpstr(a.config, ==, "x.conf");
	g_assert_true(a.json && a.legacy);
	g_assert_true(cli_parse(3, argv2, &a, &error));
	g_assert_cmpint(a.cmd, ==, CLI_DISCONNECT);
	g_assert_cmpstr(a.name, ==, "office");
	g_assert_true(cli_parse(5, argv3, &a, &error));
	g_assert_cmpstr(a.run_dir, ==, "/tmp/r");
	g_assert_true(cli_parse(3, argv4, &a, &error));
	g_assert_cmpint(a.cmd, ==, CLI_HELP);
	g_assert_cmpstr(a.name, ==, "connect");
	g_assert_true(cli_parse(2, argv5, &a, &error));
	g_assert_cmpint(a.cmd, ==, CLI_VERSION);
}

static void test_errors(void)
{
	static const struct {
		const char *line;
		const char *message;
	} cases[] = {
		{"l2tp-ipsec", "no command given"},
		{"l2tp-ipsec dial", "unknown command `dial'"},
		{"l2tp-ipsec connect", "connect: --config FILE is required"},
		{"l2tp-ipsec connect --config", "connect: option --config needs FILE"},
		{"l2tp-ipsec connect --config a --json", "connect: unknown option `--json'"},
		{"l2tp-ipsec connect --config a --data-path fast",
		 "--data-path: `fast' is not auto, userspace or kernel"},
		{"l2tp-ipsec connect --config a --secrets-fd x",
		 "--secrets-fd: `x' is not a file descriptor number"},
		{"l2tp-ipsec status extra", "status: unexpected argument `extra'"},
		{"l2tp-ipsec disconnect a b", "disconnect: unexpected argument `b'"},
		{"l2tp-ipsec status --json=yes", "status: unknown option `--json=yes'"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		char **argv = g_strsplit(cases[i].line, " ", -1);
		struct cli_args a;

		g_assert_false(cli_parse((int)g_strv_length(argv), argv, &a, &error));
		g_assert_cmpstr(error->message, ==, cases[i].message);
		g_strfreev(argv);
	}
}

static void test_usage(void)
{
	g_autofree char *all = cli_usage(NULL);
	g_autofree char *connect = cli_usage("connect");

	/* one line per command, generated from the table */
	g_assert_nonnull(strstr(all, "  l2tp-ipsec connect --config FILE [--ifname NAME] "
				     "[--data-path auto|userspace|kernel] [--secrets-fd N] "
				     "[--no-dns] [--run-dir DIR] [--verbose] [--timing]\n"));
	g_assert_nonnull(strstr(all, "  l2tp-ipsec disconnect [--run-dir DIR] [NAME]\n"));
	g_assert_nonnull(strstr(all, "  l2tp-ipsec probe --config FILE [--json] [--legacy]"));
	g_assert_nonnull(strstr(all, "  version      print the version\n"));
	g_assert_nonnull(strstr(connect, "  -c, --config FILE"));
	g_assert_nonnull(strstr(connect, "  -v, --verbose"));
	g_assert_null(cli_usage("dial"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cli/connect", test_connect);
	g_test_add_func("/cli/forms", test_forms);
	g_test_add_func("/cli/errors", test_errors);
	g_test_add_func("/cli/usage", test_usage);
	return g_test_run();
}
