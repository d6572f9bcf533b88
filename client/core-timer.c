/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "core-timer.h"

uint64_t engine_now_ms(void)
{
	return (uint64_t)(g_get_monotonic_time() / 1000);
}

void core_timer_init(struct core_timer *t, core_timer_fn fn, void *ctx)
{
	t->source = 0;
	t->due = UINT64_MAX;
	t->fn = fn;
	t->ctx = ctx;
}

static gboolean fire(gpointer data)
{
	struct core_timer *t = data;

	t->source = 0;
	t->due = UINT64_MAX;
	t->fn(t->ctx, engine_now_ms());
	return G_SOURCE_REMOVE;
}

void core_timer_arm(struct core_timer *t, uint64_t due)
{
	uint64_t now;

	if (due == UINT64_MAX || due >= t->due)
		return;
	core_timer_cancel(t);
	now = engine_now_ms();
	t->due = due;
	t->source =
		g_timeout_add_full(G_PRIORITY_DEFAULT,
				   due > now ? (guint)MIN(due - now, G_MAXUINT) : 0, fire, t, NULL);
}

void core_timer_cancel(struct core_timer *t)
{
	if (t->source)
		g_source_remove(t->source);
	t->source = 0;
	t->due = UINT64_MAX;
}
