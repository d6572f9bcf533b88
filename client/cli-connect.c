/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `connect`: in the foreground, one line per completed stage on stdout,
 * failures as one sentence on stderr. SIGINT/SIGTERM start the ordered
 * teardown; exit 0 only after a disconnect the user asked for.
 */
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "control.h"
#include "json.h"
#include "vpn-engine.h"

struct connect_ctx {
	GMainLoop *loop;
	struct vpn_engine *engine;
	struct vpn_control *control;
	bool verbose;
	int rc;
};

static const char *const level_names[] = {"error", "warning", "info", "debug"};

static void on_log(void *data, enum log_level level, const char *line)
{
	struct connect_ctx *c = data;

	/* errors end the connection and come back as its failure sentence: print them once */
	if (level == LOG_LVL_WARN || c->verbose)
		fprintf(stderr, "l2tp-ipsec: %s: %s\n", level_names[level], line);
}

static void on_state(void *data, enum vpn_state state, const char *detail)
{
	if (detail) {
		printf("%s\n", detail);
		fflush(stdout);
	}
}

static void on_finished(void *data, const struct vpn_failure *f)
{
	struct connect_ctx *c = data;

	if (f) {
		fprintf(stderr, "l2tp-ipsec: %s failed: %s\n", vpn_state_title(f->stage),
			f->message);
		c->rc = CLI_EXIT_FAILED;
	} else {
		printf("disconnected\n");
		c->rc = CLI_EXIT_OK;
	}
	fflush(stdout);
	g_main_loop_quit(c->loop);
}

static gboolean on_signal(gpointer data)
{
	struct connect_ctx *c = data;

	vpn_engine_disconnect(c->engine);
	return G_SOURCE_CONTINUE;
}

static char *control_status(void *data)
{
	struct connect_ctx *c = data;
	struct vpn_stats st;
	struct vpn_ip_config ip;
	bool have_ip = vpn_engine_get_ip_config(c->engine, &ip);

	vpn_engine_get_stats(c->engine, &st);
	return vpn_status_to_json(vpn_engine_get_profile(c->engine)->name,
				  vpn_engine_get_state(c->engine), &st, have_ip ? &ip : NULL);
}

static char *control_status_text(void *data)
{
	struct connect_ctx *c = data;
	struct vpn_stats st;
	struct vpn_ip_config ip;
	bool have_ip = vpn_engine_get_ip_config(c->engine, &ip);

	vpn_engine_get_stats(c->engine, &st);
	return vpn_status_to_text(vpn_engine_get_profile(c->engine)->name,
				  vpn_engine_get_state(c->engine), &st, have_ip ? &ip : NULL);
}

static void control_disconnect(void *data)
{
	struct connect_ctx *c = data;

	vpn_engine_disconnect(c->engine);
}

static const struct vpn_control_ops control_ops = {
	.status = control_status,
	.status_text = control_status_text,
	.disconnect = control_disconnect,
};

struct vpn_profile *cli_load_profile(const struct cli_args *a, bool need_password)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(vpn_profile) p = vpn_profile_load(a->config, &error);
	const char *missing[2];
	unsigned n;

	if (!p)
		goto fail;
	if (a->secrets_fd >= 0 && !vpn_profile_read_secrets_fd(p, a->secrets_fd, &error))
		goto fail;
	n = vpn_profile_missing_secrets(p, missing, G_N_ELEMENTS(missing));
	if (n && !(n == 1 && !need_password && !strcmp(missing[0], "password")) &&
	    !vpn_profile_prompt_secrets(p, &error))
		goto fail;
	return g_steal_pointer(&p);
fail:
	fprintf(stderr, "l2tp-ipsec: %s\n", error->message);
	return NULL;
}

int cli_connect(const struct cli_args *a)
{
	g_autoptr(GError) error = NULL;
	struct connect_ctx c = {.verbose = a->verbose, .rc = CLI_EXIT_FAILED};
	struct vpn_engine_options opt = {
		.ifname = a->ifname,
		.data_path = a->data_path,
		.no_dns = a->no_dns,
		.state_dir = a->run_dir,
		.log_level = a->verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO,
	};
	static const struct vpn_engine_callbacks cb = {
		.state_changed = on_state,
		.log = on_log,
		.finished = on_finished,
	};
	struct vpn_profile *p = cli_load_profile(a, true);
	guint sigint, sigterm;

	if (!p)
		return CLI_EXIT_FAILED;
	if (!vpn_profile_check(p, &error)) {
		fprintf(stderr, "l2tp-ipsec: %s\n", error->message);
		vpn_profile_free(p);
		return CLI_EXIT_FAILED;
	}
	c.loop = g_main_loop_new(NULL, FALSE);
	c.control = vpn_control_new(a->run_dir, p->name, &control_ops, &c, &error);
	if (!c.control) {
		fprintf(stderr, "l2tp-ipsec: %s\n", error->message);
		vpn_profile_free(p);
		g_main_loop_unref(c.loop);
		return CLI_EXIT_FAILED;
	}
	printf("connecting to %s (profile %s)\n", p->gateway, p->name);
	fflush(stdout);
	c.engine = vpn_engine_new(p, &opt, &cb, &c);
	sigint = g_unix_signal_add(SIGINT, on_signal, &c);
	sigterm = g_unix_signal_add(SIGTERM, on_signal, &c);
	if (vpn_engine_connect(c.engine, &error))
		g_main_loop_run(c.loop);
	else
		fprintf(stderr, "l2tp-ipsec: %s\n", error->message);
	g_source_remove(sigint);
	g_source_remove(sigterm);
	vpn_control_free(c.control);
	vpn_engine_free(c.engine);
	g_main_loop_unref(c.loop);
	return c.rc;
}
