/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One GLib timeout per pure core, armed at the core's next_timeout(). No
 * polling: the timer sleeps until the earliest deadline the core reported.
 * Re-arming to a later time keeps the earlier timer (cores accept an early
 * tick and report the new deadline then), so the per-packet path does not
 * create GSources.
 */
#ifndef L2I_CLIENT_CORE_TIMER_H
#define L2I_CLIENT_CORE_TIMER_H

#include <glib.h>
#include <stdint.h>

typedef void (*core_timer_fn)(void *ctx, uint64_t now_ms);

struct core_timer {
	guint source;
	uint64_t due; /* UINT64_MAX: not armed */
	core_timer_fn fn;
	void *ctx;
};

/* Monotonic milliseconds: the now_ms every core is given. */
uint64_t engine_now_ms(void);

void core_timer_init(struct core_timer *t, core_timer_fn fn, void *ctx);
/* Fire at due (absolute ms); UINT64_MAX leaves an armed timer alone. */
void core_timer_arm(struct core_timer *t, uint64_t due);
void core_timer_cancel(struct core_timer *t);

#endif
