/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command table, the option parser and the usage text it generates. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum opt_kind {
	OPT_FLAG,
	OPT_STRING,
	OPT_FD,
	OPT_DATA_PATH,
};

struct cli_option {
	const char *name;
	char short_name;
	enum opt_kind kind;
	size_t off;
	const char *arg;
	const char *help;
};

#define A(m) offsetof(struct cli_args, m)

static const struct cli_option opt_config = {
	"config",  'c',	   OPT_STRING,
	A(config), "FILE", "the connection profile (key file, [vpn] group)"};
static const struct cli_option opt_ifname = {
	"ifname", 0, OPT_STRING, A(ifname), "NAME", "tunnel interface name (default l2tp%d)"};
static const struct cli_option opt_data_path = {"data-path",
						0,
						OPT_DATA_PATH,
						A(data_path),
						"auto|userspace|kernel",
						"where ESP, L2TP data and PPP run"};
static const struct cli_option opt_secrets_fd = {
	"secrets-fd", 0,
	OPT_FD,	      A(secrets_fd),
	"N",	      "read password=, ipsec-psk=, tunnel-secret= lines from file descriptor N"};
static const struct cli_option opt_no_dns = {"no-dns",	0,    OPT_FLAG,
					     A(no_dns), NULL, "leave the DNS configuration alone"};
static const struct cli_option opt_verbose = {"verbose",  'v',	OPT_FLAG,
					      A(verbose), NULL, "log protocol details to stderr"};
static const struct cli_option opt_timing = {
	"timing",  0,	 OPT_FLAG,
	A(timing), NULL, "after each stage, print wall and CPU milliseconds since start"};
static const struct cli_option opt_json = {"json",  0,	  OPT_FLAG,
					   A(json), NULL, "print JSON instead of a table"};
static const struct cli_option opt_legacy = {"legacy",	0,    OPT_FLAG,
					     A(legacy), NULL, "also probe single DES"};
static const struct cli_option opt_run_dir = {
	"run-dir",  0,	   OPT_STRING,
	A(run_dir), "DIR", "control sockets (default " CLI_DEFAULT_RUN_DIR ")"};

struct cli_command {
	const char *name;
	enum cli_command_id id;
	const char *positional; /* "[NAME]" or NULL */
	size_t positional_off;
	const char *summary;
	const struct cli_option *opts[10];
	bool needs_config;
};

static const struct cli_command commands[] = {
	{"connect",
	 CLI_CONNECT,
	 NULL,
	 0,
	 "connect and stay in the foreground until SIGINT/SIGTERM or failure",
	 {&opt_config, &opt_ifname, &opt_data_path, &opt_secrets_fd, &opt_no_dns, &opt_run_dir,
	  &opt_verbose, &opt_timing},
	 true},
	{"status",
	 CLI_STATUS,
	 NULL,
	 0,
	 "list running connections: state, addresses, suites, counters, uptime",
	 {&opt_json, &opt_run_dir}},
	{"disconnect",
	 CLI_DISCONNECT,
	 "[NAME]",
	 A(name),
	 "disconnect NAME (or the only connection) and wait until it is down",
	 {&opt_run_dir}},
	{"probe",
	 CLI_PROBE,
	 NULL,
	 0,
	 "list the phase 1 transforms the server accepts, then try phase 1 and 2",
	 {&opt_config, &opt_json, &opt_legacy, &opt_secrets_fd, &opt_verbose},
	 true},
	{"version", CLI_VERSION, NULL, 0, "print the version", {NULL}},
	{"help", CLI_HELP, "[COMMAND]", A(name), "show this help or a command's", {NULL}},
};

static const struct cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static const struct cli_option *find_option(const struct cli_command *c, const char *arg)
{
	for (size_t i = 0; i < G_N_ELEMENTS(c->opts) && c->opts[i]; i++) {
		const struct cli_option *o = c->opts[i];

		if (arg[1] == '-' ? !strcmp(arg + 2, o->name)
				  : (o->short_name && arg[1] == o->short_name && !arg[2]))
			return o;
	}
	return NULL;
}

static bool set_option(struct cli_args *a, const struct cli_option *o, const char *v,
		       GError **error)
{
	char *p = (char *)a + o->off;
	char *end;
	long n;

	switch (o->kind) {
	case OPT_FLAG:
		*(bool *)(void *)p = true;
		return true;
	case OPT_STRING:
		*(const char **)(void *)p = v;
		return true;
	case OPT_FD:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || *end || end == v || n < 0 || n > 65535) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    "--%s: `%s' is not a file descriptor number", o->name, v);
			return false;
		}
		*(int *)(void *)p = (int)n;
		return true;
	case OPT_DATA_PATH:
		if (!strcmp(v, "auto"))
			a->data_path = VPN_DATA_PATH_AUTO;
		else if (!strcmp(v, "userspace"))
			a->data_path = VPN_DATA_PATH_USERSPACE;
		else if (!strcmp(v, "kernel"))
			a->data_path = VPN_DATA_PATH_KERNEL;
		else {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    "--data-path: `%s' is not auto, userspace or kernel", v);
			return false;
		}
		return true;
	}
	return false;
}

bool cli_parse(int argc, char **argv, struct cli_args *a, GError **error)
{
	const struct cli_command *c;
	bool positional_seen = false;

	memset(a, 0, sizeof(*a));
	a->secrets_fd = -1;
	a->run_dir = CLI_DEFAULT_RUN_DIR;
	if (argc < 2) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "no command given");
		return false;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		c = find_command("help");
	else if (!strcmp(argv[1], "--version"))
		c = find_command("version");
	else
		c = find_command(argv[1]);
	if (!c) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "unknown command `%s'",
			    argv[1]);
		return false;
	}
	a->cmd = c->id;
	for (int i = 2; i < argc; i++) {
		const char *arg = argv[i];
		const struct cli_option *o;
		const char *value = NULL;

		if (arg[0] != '-' || !arg[1]) {
			if (!c->positional || positional_seen) {
				g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
					    "%s: unexpected argument `%s'", c->name, arg);
				return false;
			}
			*(const char **)(void *)((char *)a + c->positional_off) = arg;
			positional_seen = true;
			continue;
		}
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			a->cmd = CLI_HELP;
			a->name = c->name;
			return true;
		}
		/* --name=value */
		if (arg[1] == '-' && strchr(arg, '=')) {
			g_autofree char *name = g_strndup(arg, (gsize)(strchr(arg, '=') - arg));

			o = find_option(c, name);
			value = strchr(arg, '=') + 1;
			if (o && o->kind == OPT_FLAG)
				o = NULL;
		} else {
			o = find_option(c, arg);
		}
		if (!o) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
				    "%s: unknown option `%s'", c->name, arg);
			return false;
		}
		if (o->kind != OPT_FLAG && !value) {
			if (i + 1 >= argc) {
				g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
					    "%s: option --%s needs %s", c->name, o->name, o->arg);
				return false;
			}
			value = argv[++i];
		}
		if (!set_option(a, o, value, error))
			return false;
	}
	if (c->needs_config && !a->config) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    "%s: --config FILE is required", c->name);
		return false;
	}
	return true;
}

static void usage_line(GString *s, const struct cli_command *c)
{
	g_string_append_printf(s, "  l2tp-ipsec %s", c->name);
	for (size_t i = 0; i < G_N_ELEMENTS(c->opts) && c->opts[i]; i++) {
		const struct cli_option *o = c->opts[i];
		bool required = o == &opt_config && c->needs_config;

		g_string_append_printf(s, " %s--%s%s%s%s", required ? "" : "[", o->name,
				       o->arg ? " " : "", o->arg ? o->arg : "",
				       required ? "" : "]");
	}
	if (c->positional)
		g_string_append_printf(s, " %s", c->positional);
	g_string_append_c(s, '\n');
}

char *cli_usage(const char *command)
{
	GString *s = g_string_new(NULL);

	if (command) {
		const struct cli_command *c = find_command(command);

		if (!c) {
			g_string_free(s, TRUE);
			return NULL;
		}
		g_string_append_printf(s, "Usage:\n");
		usage_line(s, c);
		g_string_append_printf(s, "\n%s.\n", c->summary);
		if (c->opts[0])
			g_string_append(s, "\nOptions:\n");
		for (size_t i = 0; i < G_N_ELEMENTS(c->opts) && c->opts[i]; i++) {
			const struct cli_option *o = c->opts[i];
			g_autofree char *left = g_strdup_printf(
				"%s%c%s--%s%s%s", o->short_name ? "-" : "",
				o->short_name ? o->short_name : ' ', o->short_name ? ", " : " ",
				o->name, o->arg ? " " : "", o->arg ? o->arg : "");

			g_string_append_printf(s, "  %-36s %s\n", left, o->help);
		}
		return g_string_free(s, FALSE);
	}
	g_string_append(s, "Usage:\n");
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		usage_line(s, &commands[i]);
	g_string_append(s, "\nCommands:\n");
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		g_string_append_printf(s, "  %-12s %s\n", commands[i].name, commands[i].summary);
	g_string_append(s, "\nSecrets come from the profile (mode 600), --secrets-fd or a terminal "
			   "prompt; never from arguments or the environment.\n");
	return g_string_free(s, FALSE);
}
