/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `status` and `disconnect`: talk to each running `connect` over its control
 * socket in the run directory. A socket nobody answers on is a leftover of a
 * crashed run and is removed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "control.h"
#include "os.h"

#define DISCONNECT_WAIT_MS 20000
#define DISCONNECT_POLL_MS 50

/* Names of connections with a live control socket, sorted. */
static GPtrArray *running(const char *run_dir)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GDir) dir = g_dir_open(run_dir, 0, NULL);
	const char *f;

	while (dir && (f = g_dir_read_name(dir))) {
		g_autofree char *name = NULL, *path = NULL;
		g_autoptr(GError) error = NULL;

		if (!g_str_has_suffix(f, ".sock"))
			continue;
		name = g_strndup(f, strlen(f) - 5);
		path = vpn_control_path(run_dir, name);
		g_free(vpn_control_query(path, "status", &error));
		if (g_error_matches(error, OS_ERROR, ECONNREFUSED)) {
			unlink(path);
			continue;
		}
		g_ptr_array_add(names, g_steal_pointer(&name));
	}
	g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
	return names;
}

int cli_status(const struct cli_args *a)
{
	g_autoptr(GPtrArray) names = running(a->run_dir);
	int rc = CLI_EXIT_OK;

	if (a->json)
		printf("[");
	else if (!names->len)
		printf("no connections\n");
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *path = vpn_control_path(a->run_dir, names->pdata[i]);
		g_autoptr(GError) error = NULL;
		g_autofree char *reply =
			vpn_control_query(path, a->json ? "status" : "status-text", &error);

		if (!reply) {
			fprintf(stderr, "l2tp-ipsec: %s\n", error->message);
			rc = CLI_EXIT_FAILED;
			continue;
		}
		if (a->json)
			printf("%s%s", i ? "," : "", reply);
		else
			printf("%s%s\n", i ? "\n" : "", reply);
	}
	if (a->json)
		printf("]\n");
	return rc;
}

int cli_disconnect(const struct cli_args *a)
{
	g_autoptr(GPtrArray) names = running(a->run_dir);
	g_autoptr(GError) error = NULL;
	g_autofree char *path = NULL, *reply = NULL;
	const char *name = a->name;

	if (!name) {
		if (names->len != 1) {
			fprintf(stderr, "l2tp-ipsec: %s; name one: l2tp-ipsec disconnect NAME\n",
				names->len ? "several connections are running"
					   : "no connection is running");
			return names->len ? CLI_EXIT_USAGE : CLI_EXIT_FAILED;
		}
		name = names->pdata[0];
	}
	path = vpn_control_path(a->run_dir, name);
	reply = vpn_control_query(path, "disconnect", &error);
	if (!reply) {
		fprintf(stderr, "l2tp-ipsec: no running connection `%s' (%s)\n", name,
			error->message);
		return CLI_EXIT_FAILED;
	}
	/* the socket goes away when `connect' has finished its teardown */
	for (int waited = 0; waited < DISCONNECT_WAIT_MS; waited += DISCONNECT_POLL_MS) {
		if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
			printf("%s: disconnected\n", name);
			return CLI_EXIT_OK;
		}
		g_usleep(DISCONNECT_POLL_MS * 1000);
	}
	fprintf(stderr, "l2tp-ipsec: `%s' is still disconnecting after %d s\n", name,
		DISCONNECT_WAIT_MS / 1000);
	return CLI_EXIT_FAILED;
}
