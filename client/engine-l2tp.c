/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * L2TP glue: the LAC core's packets go out through the data path (inside
 * ESP); its PPP frames go to the data path's PPP. The core's HELLO runs at
 * 60 s beside DPD (profile, default 30 s) and LCP echo (default 30 s x 4):
 * whichever notices a dead server first ends the connection.
 */
#include <errno.h>

#include "engine-int.h"

#define L2TP_HELLO_MS 60000

void engine_l2tp_rearm(struct vpn_engine *e)
{
	if (e->l2tp)
		core_timer_arm(&e->l2tp_timer, l2tp_tunnel_next_timeout(e->l2tp));
}

static void l2tp_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct vpn_engine *e = ctx;

	/* -ENOTCONN without an SA: dropped, never sent in the clear */
	(void)e->dp->ops->l2tp_send(e->dp, pkt, len);
}

static void l2tp_event(void *ctx, const struct l2tp_event *ev)
{
	struct vpn_engine *e = ctx;
	int r;

	switch (ev->type) {
	case L2TP_EV_TUNNEL_UP:
		engine_set_state(e, VPN_STATE_L2TP_SESSION, "L2TP tunnel up: tunnel id %u, peer %u",
				 ev->ids.tunnel_id, ev->ids.peer_tunnel_id);
		break;
	case L2TP_EV_SESSION_UP:
		engine_set_state(e, VPN_STATE_PPP_LCP, "L2TP session up: session id %u, peer %u",
				 ev->ids.session_id, ev->ids.peer_session_id);
		r = e->dp->ops->ppp_start(e->dp, e->l2tp);
		if (r == 0)
			e->ppp_running = true;
		else
			engine_fail(e, VPN_STATE_PPP_LCP,
				    "cannot start PPP on the %s data path (%s); the log above has the "
				    "details, or try --data-path userspace",
				    e->dp->ops->name, g_strerror(-r));
		break;
	case L2TP_EV_PPP_FRAME:
		e->dp->ops->ppp_rx(e->dp, ev->data, ev->len);
		break;
	case L2TP_EV_SESSION_DOWN:
	case L2TP_EV_TUNNEL_DOWN:
		if (ev->by_peer && !e->tearing_down && e->state == VPN_STATE_PPP_AUTH)
			/* xl2tpd drops the session as soon as its pppd rejected us, often before
			 * our PPP has seen the verdict */
			engine_fail(e, e->state,
				    "the server closed the L2TP %s during authentication as `%s' "
				    "(result %u); check the user name and password",
				    ev->type == L2TP_EV_SESSION_DOWN ? "session" : "tunnel",
				    e->profile->user, ev->result_code);
		else if (ev->by_peer && !e->tearing_down)
			engine_fail(e, e->state,
				    "the server closed the L2TP %s (result %u, error %u: %s)",
				    ev->type == L2TP_EV_SESSION_DOWN ? "session" : "tunnel",
				    ev->result_code, ev->error_code, ev->message);
		/* PPP cannot outlive its session */
		if (e->ppp_running && ev->by_peer)
			e->ppp_running = false;
		break;
	case L2TP_EV_FAILED:
		engine_fail(e, e->state, "%s", ev->text);
		break;
	case L2TP_EV_CLOSED:
		e->l2tp_closed = true;
		e->ppp_running = false;
		if (!e->tearing_down)
			engine_fail(e, e->state, "the L2TP tunnel closed unexpectedly");
		engine_schedule_step(e);
		break;
	}
}

static const struct l2tp_callbacks l2tp_cb = {
	.send = l2tp_send,
	.event = l2tp_event,
};

static void l2tp_timer_fired(void *ctx, uint64_t now)
{
	struct vpn_engine *e = ctx;

	l2tp_tunnel_tick(e->l2tp, now);
	engine_l2tp_rearm(e);
}

void engine_l2tp_rx(void *ctx, const uint8_t *pkt, size_t len)
{
	struct vpn_engine *e = ctx;

	if (!e->l2tp)
		return;
	(void)l2tp_tunnel_rx(e->l2tp, pkt, len, engine_now_ms());
	/* cheap when the deadline did not move (core_timer_arm) */
	engine_l2tp_rearm(e);
}

bool engine_l2tp_start(struct vpn_engine *e)
{
	struct l2tp_config c = {
		.host_name = e->profile->hostname,
		.tunnel_secret = e->profile->tunnel_secret,
		.hello_interval_ms = L2TP_HELLO_MS,
	};

	core_timer_init(&e->l2tp_timer, l2tp_timer_fired, e);
	e->l2tp = l2tp_tunnel_new(&c, &l2tp_cb, e, &e->rnd, &e->log);
	if (!e->l2tp)
		return false;
	l2tp_tunnel_start(e->l2tp, engine_now_ms());
	engine_l2tp_rearm(e);
	return true;
}
