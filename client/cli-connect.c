/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `connect`: in the foreground, one line per completed stage on stdout,
 * failures as one sentence on stderr. SIGINT/SIGTERM start the ordered
 * teardown; exit 0 only after a disconnect the user asked for.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "control.h"
#include "json.h"
#include "os.h"
#include "vpn-engine.h"

struct connect_ctx {
	GMainLoop *loop;
	struct vpn_engine *engine;
	struct vpn_control *control;
	bool verbose;
	bool timing;
	struct timespec t0; /* --timing: wall clock origin */
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

static double ts_ms(const struct timespec *t)
{
	return (double)t->tv_sec * 1e3 + (double)t->tv_nsec / 1e6;
}

/* Peak RSS of this program in kB; getrusage's ru_maxrss would also count the image that
 * exec replaced (a launcher's). One read into the stack: what --timing costs shows up in the
 * CPU time it reports. */
static long peak_rss_kb(void)
{
	char status[4096];
	const char *hwm;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, status, sizeof(status) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	status[n] = '\0';
	hwm = strstr(status, "\nVmHWM:");
	return hwm ? strtol(hwm + 7, NULL, 10) : -1;
}

/*
 * --timing: "timing: STATE wall W ms cpu C ms maxrss R kB" when STATE begins (so the previous
 * stage just ended): wall time since connect started; the process's CPU time, all threads,
 * in ns resolution (getrusage counts in 1-4 ms ticks; a connect is a few ms of CPU), since
 * the fork that made the process (exec does not reset it); the peak RSS so far.
 */
static void timing_line(struct connect_ctx *c, const char *stage)
{
	struct timespec now, cpu;

	if (!c->timing)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
	printf("timing: %s wall %.3f ms cpu %.3f ms maxrss %ld kB\n", stage,
	       ts_ms(&now) - ts_ms(&c->t0), ts_ms(&cpu), peak_rss_kb());
	fflush(stdout);
}

static void on_state(void *data, enum vpn_state state, const char *detail)
{
	struct connect_ctx *c = data;

	if (detail) {
		printf("%s\n", detail);
		/* with --timing its line follows at once: one write for both */
		if (!c->timing)
			fflush(stdout);
	}
	timing_line(c, vpn_state_name(state));
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

/*
 * SIGINT and SIGTERM reach the main loop through a pipe. g_unix_signal_add() would do the
 * same through GLib's worker thread, which it starts for this alone: a second thread and
 * about 80 us of CPU per connect.
 */
static int signal_pipe[2] = {-1, -1};

static void on_unix_signal(int sig)
{
	int saved = errno;

	if (write(signal_pipe[1], "", 1) < 0) {
		/* full pipe: a wakeup is pending anyway */
	}
	errno = saved;
}

static gboolean on_signal(int fd, GIOCondition cond, gpointer data)
{
	struct connect_ctx *c = data;
	char buf[16];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	vpn_engine_disconnect(c->engine);
	return G_SOURCE_CONTINUE;
}

static guint signals_watch(struct connect_ctx *c)
{
	struct sigaction sa = {.sa_handler = on_unix_signal, .sa_flags = SA_RESTART};

	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return os_watch_add(signal_pipe[0], G_IO_IN, on_signal, c);
}

static void signals_unwatch(guint watch)
{
	struct sigaction sa = {.sa_handler = SIG_DFL};

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (watch)
		g_source_remove(watch);
	for (int i = 0; i < 2; i++) {
		if (signal_pipe[i] >= 0)
			close(signal_pipe[i]);
		signal_pipe[i] = -1;
	}
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
	struct connect_ctx c = {.verbose = a->verbose, .timing = a->timing, .rc = CLI_EXIT_FAILED};
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
	struct vpn_profile *p;
	guint signals;

	clock_gettime(CLOCK_MONOTONIC, &c.t0);
	timing_line(&c, "start");
	p = cli_load_profile(a, true);
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
	signals = signals_watch(&c);
	if (!signals)
		fprintf(stderr,
			"l2tp-ipsec: warning: cannot watch SIGINT/SIGTERM (%s); use "
			"`l2tp-ipsec disconnect' to end the connection\n",
			g_strerror(errno));
	if (vpn_engine_connect(c.engine, &error))
		g_main_loop_run(c.loop);
	else
		fprintf(stderr, "l2tp-ipsec: %s\n", error->message);
	signals_unwatch(signals);
	vpn_control_free(c.control);
	vpn_engine_free(c.engine);
	g_main_loop_unref(c.loop);
	return c.rc;
}
