/* SPDX-License-Identifier: GPL-2.0-or-later */
/* l2tp-ipsec: the headless front end of the engine. */
#include <signal.h>
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *usage = NULL;
	struct cli_args a;

	/*
	 * No setlocale(): every message is English, and the C locale keeps numbers in
	 * --timing and JSON output with a decimal point. Loading the user's locale cost
	 * ~0.15 ms of CPU per run (a dozen locale files), and strerror() then answered in
	 * another language inside our English sentences.
	 */
	signal(SIGPIPE, SIG_IGN);
	if (!cli_parse(argc, argv, &a, &error)) {
		usage = cli_usage(NULL);
		fprintf(stderr, "l2tp-ipsec: %s\n\n%s", error->message, usage);
		return CLI_EXIT_USAGE;
	}
	switch (a.cmd) {
	case CLI_CONNECT:
		return cli_connect(&a);
	case CLI_STATUS:
		return cli_status(&a);
	case CLI_DISCONNECT:
		return cli_disconnect(&a);
	case CLI_PROBE:
		return cli_probe(&a);
	case CLI_VERSION:
		printf("l2tp-ipsec %s\n", L2I_VERSION);
		return CLI_EXIT_OK;
	case CLI_HELP:
		usage = cli_usage(a.name);
		if (!usage) {
			fprintf(stderr, "l2tp-ipsec: unknown command `%s'\n", a.name);
			return CLI_EXIT_USAGE;
		}
		fputs(usage, stdout);
		return CLI_EXIT_OK;
	}
	return CLI_EXIT_USAGE;
}
