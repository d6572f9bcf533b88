/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The headless CLI `l2tp-ipsec`. Subcommands and their options come from one
 * static table (cli-args.c); parsing and the usage text are generated from it.
 */
#ifndef L2I_CLIENT_CLI_H
#define L2I_CLIENT_CLI_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"

enum cli_command_id {
	CLI_CONNECT,
	CLI_STATUS,
	CLI_DISCONNECT,
	CLI_PROBE,
	CLI_VERSION,
	CLI_HELP,
};

struct cli_args {
	enum cli_command_id cmd;
	const char *config;
	const char *ifname;
	const char *name;    /* disconnect NAME, help COMMAND */
	const char *run_dir; /* control sockets; default /run/l2tp-ipsec */
	enum vpn_data_path data_path;
	int secrets_fd; /* -1: none */
	bool json, verbose, legacy, no_dns, timing;
};

/* Exit statuses. */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILED = 1, /* the connection or probe failed */
	CLI_EXIT_USAGE = 2,
};

#define CLI_DEFAULT_RUN_DIR "/run/l2tp-ipsec"

/* argv[0] is the program; false with a message for people on a usage error. */
bool cli_parse(int argc, char **argv, struct cli_args *a, GError **error);
/* Usage of one command by name, or of all (NULL); g_free. NULL for an unknown name. */
char *cli_usage(const char *command);

/* The commands (cli-*.c). */
int cli_connect(const struct cli_args *a);
int cli_status(const struct cli_args *a);
int cli_disconnect(const struct cli_args *a);
int cli_probe(const struct cli_args *a);

/* Profile + secrets from --secrets-fd or the terminal (cli-connect.c). */
struct vpn_profile *cli_load_profile(const struct cli_args *a, bool need_password);

#endif
