/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Engine lifecycle: connect, states, failures and the ordered teardown.
 *
 * Teardown runs as steps from an idle callback, never inside a core's
 * callback (cores forbid re-entry). Each step closes one layer and waits for
 * that layer's terminal event: PPP (LCP Terminate), L2TP (CDN + StopCCN, sent
 * on every exit path: SoftEther wedges otherwise), IKE (DELETE for both
 * SAs), then routes, DNS and the interface. A deadline bounds the whole walk.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine-int.h"

static void engine_log(void *ctx, enum log_level level, const char *msg)
{
	struct vpn_engine *e = ctx;

	if (e->cb.log)
		e->cb.log(e->cb_ctx, level, msg);
}

struct vpn_engine *vpn_engine_new(struct vpn_profile *profile, const struct vpn_engine_options *opt,
				  const struct vpn_engine_callbacks *cb, void *ctx)
{
	struct vpn_engine *e = g_new0(struct vpn_engine, 1);

	e->profile = profile;
	e->ifname = g_strdup(opt->ifname       ? opt->ifname
			     : profile->ifname ? profile->ifname
					       : "l2tp%d");
	e->data_path = opt->data_path != VPN_DATA_PATH_AUTO ? opt->data_path : profile->data_path;
	e->no_dns = opt->no_dns;
	e->state_dir = g_strdup(opt->state_dir ? opt->state_dir : "/run/l2tp-ipsec");
	e->resolv_conf = g_strdup(opt->resolv_conf ? opt->resolv_conf : "/etc/resolv.conf");
	e->cb = *cb;
	e->cb_ctx = ctx;
	e->log = (struct log_sink){engine_log, e, opt->log_level};
	e->rnd = (struct rand_source){engine_rand, NULL};
	e->fd500 = e->fd4500 = -1;
	e->state = VPN_STATE_DOWN;
	e->auth_method = "";
	return e;
}

static void release_all(struct vpn_engine *e)
{
	if (e->step_idle)
		g_source_remove(e->step_idle);
	if (e->teardown_deadline)
		g_source_remove(e->teardown_deadline);
	e->step_idle = e->teardown_deadline = 0;
	core_timer_cancel(&e->ike_timer);
	core_timer_cancel(&e->l2tp_timer);
	core_timer_cancel(&e->keepalive);
	core_timer_cancel(&e->grace);
	core_timer_cancel(&e->gate_timer);
	engine_net_restore(e);
	if (e->dp)
		e->dp->ops->free(e->dp);
	e->dp = NULL;
	l2tp_tunnel_free(e->l2tp);
	e->l2tp = NULL;
	ike_sa_free(e->ike);
	e->ike = NULL;
	engine_sockets_close(e);
}

void vpn_engine_free(struct vpn_engine *e)
{
	if (!e)
		return;
	release_all(e);
	vpn_profile_free(e->profile);
	g_free(e->ifname);
	g_free(e->state_dir);
	g_free(e->resolv_conf);
	g_free(e->fail_msg);
	g_free(e->dp_note);
	g_free(e);
}

void engine_set_state(struct vpn_engine *e, enum vpn_state s, const char *fmt, ...)
{
	g_autofree char *detail = NULL;
	va_list ap;

	if (e->tearing_down && s != VPN_STATE_DISCONNECTING)
		return;
	e->state = s;
	if (fmt) {
		va_start(ap, fmt);
		detail = g_strdup_vprintf(fmt, ap);
		va_end(ap);
	}
	if (e->cb.state_changed)
		e->cb.state_changed(e->cb_ctx, s, detail);
}

static void dp_fatal(void *ctx, const char *sentence)
{
	struct vpn_engine *e = ctx;

	engine_fail(e, e->state, "%s", sentence);
}

static void dp_esp_alive(void *ctx)
{
	struct vpn_engine *e = ctx;

	if (e->ike)
		ike_sa_notify_traffic(e->ike, engine_now_ms());
}

/* kernel when asked, or when auto finds every piece; userspace otherwise. Says which and why. */
static struct vpn_datapath *data_path_new(struct vpn_engine *e, const struct vpn_dp_host *host,
					  GError **error)
{
	g_autofree char *reason = NULL;

	if (e->data_path == VPN_DATA_PATH_KERNEL)
		return vpn_dp_kernel_new(e->profile, host, error);
	if (e->data_path == VPN_DATA_PATH_AUTO) {
		if (vpn_dp_kernel_usable(&reason)) {
			e->data_path = VPN_DATA_PATH_KERNEL;
			e->dp_note = g_strdup("kernel data path: XFRM ESP, kernel L2TP and pppd "
					      "are usable");
			return vpn_dp_kernel_new(e->profile, host, error);
		}
		e->dp_note = g_strdup_printf("userspace data path, as %s", reason);
	}
	e->data_path = VPN_DATA_PATH_USERSPACE;
	return vpn_dp_userspace_new(e->profile, e->ifname, host, error);
}

bool vpn_engine_connect(struct vpn_engine *e, GError **error)
{
	struct vpn_dp_host host = {
		.ctx = e,
		.l2tp_rx = engine_l2tp_rx,
		.esp_alive = dp_esp_alive,
		.ppp_event = engine_ppp_event,
		.send_natt = engine_send_natt,
		.send_natt_run = engine_send_natt_run,
		.fatal = dp_fatal,
		.log = &e->log,
		.rnd = &e->rnd,
	};
	const char *missing[2];

	g_return_val_if_fail(e->state == VPN_STATE_DOWN && !e->finished, FALSE);
	if (!vpn_profile_check(e->profile, error))
		return false;
	if (vpn_profile_missing_secrets(e->profile, missing, G_N_ELEMENTS(missing))) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_MISSING,
			    "profile %s: secret `%s' is missing", e->profile->name, missing[0]);
		return false;
	}
	if (!engine_crypto_init(error))
		return false;
	g_mkdir_with_parents(e->state_dir, 0700);
	if (!e->no_dns) {
		g_autofree char *backup = os_resolv_backup_path(e->state_dir, e->resolv_conf);

		/* a crashed run's resolv.conf backup goes back before anything else */
		if (os_resolv_recover(e->resolv_conf, backup))
			log_msg(&e->log, LOG_LVL_INFO, "restored %s left by an earlier run",
				e->resolv_conf);
	}
	e->dp = data_path_new(e, &host, error);
	if (!e->dp)
		return false;
	if (!engine_ike_start(e, error)) {
		release_all(e);
		return false;
	}
	return true;
}

static gboolean teardown_deadline_hit(gpointer data)
{
	struct vpn_engine *e = data;

	e->teardown_deadline = 0;
	log_msg(&e->log, LOG_LVL_WARN, "teardown took longer than %d s; stopping without waiting",
		ENGINE_TEARDOWN_MAX_MS / 1000);
	e->ppp_running = false;
	e->l2tp_closed = true;
	e->ike_closed = true;
	engine_schedule_step(e);
	return G_SOURCE_REMOVE;
}

static void start_teardown(struct vpn_engine *e)
{
	if (e->tearing_down)
		return;
	engine_set_state(e, VPN_STATE_DISCONNECTING, NULL);
	e->tearing_down = true;
	e->teardown_deadline = g_timeout_add(ENGINE_TEARDOWN_MAX_MS, teardown_deadline_hit, e);
	engine_schedule_step(e);
}

void engine_fail(struct vpn_engine *e, enum vpn_state stage, const char *fmt, ...)
{
	va_list ap;

	if (!e->fail_msg && !e->tearing_down) {
		va_start(ap, fmt);
		e->fail_msg = g_strdup_vprintf(fmt, ap);
		va_end(ap);
		e->fail_stage = stage;
		log_msg(&e->log, LOG_LVL_DEBUG, "%s failed: %s", vpn_state_title(stage),
			e->fail_msg);
	}
	start_teardown(e);
}

void vpn_engine_disconnect(struct vpn_engine *e)
{
	if (e->finished)
		return;
	start_teardown(e);
}

static void finish(struct vpn_engine *e)
{
	struct vpn_failure f = {e->fail_stage, e->fail_msg};

	release_all(e);
	e->state = VPN_STATE_DOWN;
	e->finished = true;
	if (e->cb.state_changed)
		e->cb.state_changed(e->cb_ctx, VPN_STATE_DOWN, NULL);
	if (e->cb.finished)
		e->cb.finished(e->cb_ctx, e->fail_msg ? &f : NULL);
}

/* One layer at a time, outermost last; see the file comment. */
static gboolean teardown_step(gpointer data)
{
	struct vpn_engine *e = data;
	uint64_t now = engine_now_ms();

	e->step_idle = 0;
	if (!e->tearing_down || e->finished)
		return G_SOURCE_REMOVE;
	if (e->ppp_running) {
		if (!e->ppp_closing) {
			e->ppp_closing = true;
			if (e->dp->ops->ppp_close(e->dp))
				return G_SOURCE_REMOVE; /* wait for TERMINATED */
		} else {
			return G_SOURCE_REMOVE;
		}
		e->ppp_running = false;
	}
	if (e->l2tp && !e->l2tp_closed) {
		if (e->l2tp_closing)
			return G_SOURCE_REMOVE;
		e->l2tp_closing = true;
		if (l2tp_tunnel_close(e->l2tp, L2TP_STOPCCN_GENERAL_REQUEST, now) == 0) {
			engine_l2tp_rearm(e);
			return G_SOURCE_REMOVE; /* wait for CLOSED */
		}
		/* -EALREADY: it is closing on its own; CLOSED comes, or the deadline */
		return G_SOURCE_REMOVE;
	}
	if (e->ike && !e->ike_closed) {
		if (e->ike_closing)
			return G_SOURCE_REMOVE;
		e->ike_closing = true;
		if (ike_sa_close(e->ike, now) == 0 && !e->ike_closed) {
			engine_ike_rearm(e);
			return G_SOURCE_REMOVE; /* wait for CLOSED */
		}
		e->ike_closed = true;
	}
	finish(e);
	return G_SOURCE_REMOVE;
}

void engine_schedule_step(struct vpn_engine *e)
{
	if (!e->step_idle && e->tearing_down && !e->finished)
		e->step_idle = g_idle_add(teardown_step, e);
}

enum vpn_state vpn_engine_get_state(const struct vpn_engine *e)
{
	return e->state;
}

const struct vpn_profile *vpn_engine_get_profile(const struct vpn_engine *e)
{
	return e->profile;
}

void vpn_engine_get_stats(const struct vpn_engine *e, struct vpn_stats *st)
{
	struct vpn_dp_stats d = {0};
	struct l2tp_ids ids = {0};

	*st = e->st;
	if (e->dp)
		e->dp->ops->get_stats(e->dp, &d);
	st->bytes_in = d.bytes_in;
	st->bytes_out = d.bytes_out;
	st->packets_in = d.packets_in;
	st->packets_out = d.packets_out;
	st->uptime_ms = e->state == VPN_STATE_UP ? engine_now_ms() - e->up_since_ms : 0;
	st->spi_in = e->spi_in;
	st->spi_out = e->spi_out;
	if (e->l2tp)
		l2tp_tunnel_get_ids(e->l2tp, &ids);
	st->tunnel_id = ids.tunnel_id;
	st->peer_tunnel_id = ids.peer_tunnel_id;
	st->session_id = ids.session_id;
	st->peer_session_id = ids.peer_session_id;
	st->auth_method = e->auth_method;
	st->data_path = e->data_path == VPN_DATA_PATH_KERNEL ? "kernel" : "userspace";
	g_strlcpy(st->gateway, e->profile->gateway, sizeof(st->gateway));
}

bool vpn_engine_get_ip_config(const struct vpn_engine *e, struct vpn_ip_config *ip)
{
	if (!e->ip_applied)
		return false;
	*ip = e->ip;
	return true;
}
