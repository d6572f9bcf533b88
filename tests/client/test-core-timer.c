/* SPDX-License-Identifier: GPL-2.0-or-later */
/* core_timer: fires once at the earliest deadline armed; later deadlines do not move it. */
#include <glib.h>

#include "core-timer.h"

struct rec {
	unsigned fired;
	uint64_t at;
	GMainLoop *loop;
};

static void on_fire(void *ctx, uint64_t now)
{
	struct rec *r = ctx;

	r->fired++;
	r->at = now;
	g_main_loop_quit(r->loop);
}

static gboolean give_up(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

static void run_for(struct rec *r, guint ms)
{
	GSource *limit = g_timeout_source_new(ms);

	g_source_set_callback(limit, give_up, r->loop, NULL);
	g_source_attach(limit, NULL);
	g_main_loop_run(r->loop);
	/* fine whether or not it fired */
	g_source_destroy(limit);
	g_source_unref(limit);
}

static void test_earliest_wins(void)
{
	struct rec r = {.loop = g_main_loop_new(NULL, FALSE)};
	struct core_timer t;
	uint64_t t0 = engine_now_ms();

	core_timer_init(&t, on_fire, &r);
	g_assert_cmpuint(t.due, ==, UINT64_MAX);
	core_timer_arm(&t, t0 + 40);
	/* a later deadline keeps the armed one; an earlier one replaces it */
	core_timer_arm(&t, t0 + 5000);
	g_assert_cmpuint(t.due, ==, t0 + 40);
	core_timer_arm(&t, t0 + 20);
	g_assert_cmpuint(t.due, ==, t0 + 20);
	core_timer_arm(&t, UINT64_MAX);
	g_assert_cmpuint(t.due, ==, t0 + 20);
	run_for(&r, 2000);
	g_assert_cmpuint(r.fired, ==, 1);
	g_assert_cmpuint(r.at, >=, t0 + 20);
	g_assert_cmpuint(r.at, <, t0 + 1000);
	/* disarmed after firing: nothing more comes */
	g_assert_cmpuint(t.due, ==, UINT64_MAX);
	g_assert_cmpuint(t.source, ==, 0);
	run_for(&r, 100);
	g_assert_cmpuint(r.fired, ==, 1);
	g_main_loop_unref(r.loop);
}

static void test_cancel_and_past(void)
{
	struct rec r = {.loop = g_main_loop_new(NULL, FALSE)};
	struct core_timer t;

	core_timer_init(&t, on_fire, &r);
	core_timer_arm(&t, engine_now_ms() + 30);
	core_timer_cancel(&t);
	run_for(&r, 100);
	g_assert_cmpuint(r.fired, ==, 0);
	/* a deadline in the past fires at the next loop iteration */
	core_timer_arm(&t, 1);
	run_for(&r, 1000);
	g_assert_cmpuint(r.fired, ==, 1);
	g_main_loop_unref(r.loop);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/core-timer/earliest-wins", test_earliest_wins);
	g_test_add_func("/core-timer/cancel-and-past", test_cancel_and_past);
	return g_test_run();
}
