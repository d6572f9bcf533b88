/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket of a running `connect`: RUN_DIR/NAME.sock, mode 0600,
 * one request line and the reply, then the server closes:
 *   status      -> one JSON object line
 *   status-text -> the same for people, several lines
 *   disconnect  -> {"result":"disconnecting"}; the teardown starts
 */
#ifndef L2I_CLIENT_CONTROL_H
#define L2I_CLIENT_CONTROL_H

#include <glib.h>
#include <stdbool.h>

struct vpn_control_ops {
	char *(*status)(void *ctx);	 /* a JSON object, g_free */
	char *(*status_text)(void *ctx); /* lines for people, g_free */
	void (*disconnect)(void *ctx);
};

struct vpn_control;

/* Fails when a live connection of that name already owns the socket. */
struct vpn_control *vpn_control_new(const char *run_dir, const char *name,
				    const struct vpn_control_ops *ops, void *ctx, GError **error);
/* Closes and removes the socket; NULL is fine. */
void vpn_control_free(struct vpn_control *c);

/* Client side: send request, return the reply line (without newline). */
char *vpn_control_query(const char *path, const char *request, GError **error);
/* The socket path for a name. */
char *vpn_control_path(const char *run_dir, const char *name);

#endif
