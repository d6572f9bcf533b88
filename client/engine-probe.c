/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * probe: which phase 1 transforms a server accepts, then one real phase 1 +
 * phase 2 with the best of them, then DELETE so the server is left clean.
 *
 * Transforms are probed one at a time (the IKE core's probe mode: one MM1
 * with one transform), each from a fresh ephemeral UDP port so that the
 * server's MM2 retransmissions for earlier probes never mix in, 20 ms apart,
 * with a 1.5 s timeout and one retransmission. If the very first probe gets
 * no answer at all the server is not there: stop at once.
 */
#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "engine-int.h"

#define PROBE_SPACING_MS  20
#define PROBE_RT_MS	  750
#define PROBE_TIMEOUT_MS  1500
#define PROBE_DEADLINE_MS 120000

static const struct {
	uint8_t encr;
	uint16_t bits;
	bool legacy;
} probe_encrs[] = {{7, 256, false}, {7, 192, false}, {7, 128, false}, {5, 0, false}, {1, 0, true}};
static const uint8_t probe_hashes[] = {6, 5, 4, 2, 1};
static const uint16_t probe_groups[] = {20, 19, 16, 15, 14, 5, 2};

enum probe_phase {
	PROBE_MATRIX,
	PROBE_FULL,
	PROBE_CLOSING,
	PROBE_DONE,
};

struct vpn_probe {
	const struct vpn_profile *profile;
	struct vpn_probe_callbacks cb;
	void *ctx;
	struct log_sink log;
	struct rand_source rnd;
	uint32_t server_ip;

	enum probe_phase phase;
	unsigned index;
	int fd500, fd4500;
	guint watch500, watch4500;
	struct ike_sa *ike;
	struct core_timer timer;
	guint next_idle, deadline;

	struct vpn_probe_report report;
};

static void probe_log(void *ctx, enum log_level level, const char *msg)
{
	struct vpn_probe *p = ctx;

	if (p->cb.log)
		p->cb.log(p->ctx, level, msg);
}

struct vpn_probe *vpn_probe_new(const struct vpn_profile *profile, bool legacy,
				const struct vpn_probe_callbacks *cb, void *ctx)
{
	struct vpn_probe *p = g_new0(struct vpn_probe, 1);
	unsigned n = 0;

	p->profile = profile;
	p->cb = *cb;
	p->ctx = ctx;
	p->log = (struct log_sink){probe_log, p, LOG_LVL_INFO};
	p->rnd = (struct rand_source){engine_rand, NULL};
	p->fd500 = p->fd4500 = -1;
	p->report.items = g_new0(struct vpn_probe_item, G_N_ELEMENTS(probe_encrs) *
								G_N_ELEMENTS(probe_hashes) *
								G_N_ELEMENTS(probe_groups));
	for (size_t e = 0; e < G_N_ELEMENTS(probe_encrs); e++) {
		if (probe_encrs[e].legacy && !legacy)
			continue;
		for (size_t h = 0; h < G_N_ELEMENTS(probe_hashes); h++) {
			for (size_t g = 0; g < G_N_ELEMENTS(probe_groups); g++) {
				struct vpn_probe_item *it = &p->report.items[n++];

				it->proposal = (struct ike_p1_proposal){
					probe_encrs[e].encr, probe_encrs[e].bits, probe_hashes[h],
					probe_groups[g]};
				it->grade = vpn_probe_grade_of(&it->proposal);
				it->answer = VPN_PROBE_NO_ANSWER;
			}
		}
	}
	p->report.n_items = n;
	g_strlcpy(p->report.gateway, profile->gateway, sizeof(p->report.gateway));
	return p;
}

static void close_sockets(struct vpn_probe *p)
{
	if (p->watch500)
		g_source_remove(p->watch500);
	if (p->watch4500)
		g_source_remove(p->watch4500);
	p->watch500 = p->watch4500 = 0;
	if (p->fd500 >= 0)
		close(p->fd500);
	if (p->fd4500 >= 0)
		close(p->fd4500);
	p->fd500 = p->fd4500 = -1;
}

static void drop_ike(struct vpn_probe *p)
{
	core_timer_cancel(&p->timer);
	ike_sa_free(p->ike);
	p->ike = NULL;
	close_sockets(p);
}

void vpn_probe_free(struct vpn_probe *p)
{
	if (!p)
		return;
	drop_ike(p);
	if (p->next_idle)
		g_source_remove(p->next_idle);
	if (p->deadline)
		g_source_remove(p->deadline);
	g_free(p->report.items);
	g_free(p->report.error);
	g_free(p);
}

static void rearm(struct vpn_probe *p)
{
	if (p->ike)
		core_timer_arm(&p->timer, ike_sa_next_timeout(p->ike));
}

static void timer_fired(void *ctx, uint64_t now)
{
	struct vpn_probe *p = ctx;

	if (!p->ike)
		return;
	ike_sa_tick(p->ike, now);
	rearm(p);
}

static void probe_send(void *ctx, bool natt_port, const uint8_t *msg, size_t len)
{
	struct vpn_probe *p = ctx;
	static const uint8_t marker[ESP_NON_ESP_MARKER_LEN];
	struct iovec iov[2] = {{(void *)marker, sizeof(marker)}, {(void *)msg, len}};
	struct msghdr mh = {.msg_iov = natt_port ? iov : &iov[1], .msg_iovlen = natt_port ? 2 : 1};
	int fd = natt_port ? p->fd4500 : p->fd500;

	if (fd >= 0)
		(void)sendmsg(fd, &mh, MSG_DONTWAIT);
}

static gboolean readable(gint fd, GIOCondition cond, gpointer data)
{
	struct vpn_probe *p = data;
	uint8_t buf[4096];

	for (int i = 0; i < 16 && p->ike; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && (errno == EINTR || errno == ECONNREFUSED))
			continue;
		if (n < 0)
			break;
		if (fd == p->fd500)
			ike_sa_rx(p->ike, false, buf, (size_t)n, engine_now_ms());
		else if (esp_udp_classify(buf, (size_t)n) == ESP_UDP_IKE)
			ike_sa_rx(p->ike, true, buf + 4, (size_t)n - 4, engine_now_ms());
	}
	rearm(p);
	return G_SOURCE_CONTINUE;
}

static void finish(struct vpn_probe *p)
{
	drop_ike(p);
	p->phase = PROBE_DONE;
	if (p->deadline)
		g_source_remove(p->deadline);
	p->deadline = 0;
	p->cb.finished(p->ctx, &p->report);
}

static void fail(struct vpn_probe *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct vpn_probe *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->report.error) {
		va_start(ap, fmt);
		p->report.error = g_strdup_vprintf(fmt, ap);
		va_end(ap);
	}
}

static gboolean step(gpointer data);

static void schedule(struct vpn_probe *p, unsigned delay_ms)
{
	if (!p->next_idle)
		p->next_idle = g_timeout_add(delay_ms, step, p);
}

static void probe_event(void *ctx, const struct ike_event *ev)
{
	struct vpn_probe *p = ctx;

	switch (ev->type) {
	case IKE_EV_PROBE_RESULT: {
		struct vpn_probe_item *it = &p->report.items[p->index];

		it->answer = ev->probe.result == IKE_PROBE_ACCEPTED   ? VPN_PROBE_ACCEPTED
			     : ev->probe.result == IKE_PROBE_REJECTED ? VPN_PROBE_REJECTED
								      : VPN_PROBE_NO_ANSWER;
		schedule(p, PROBE_SPACING_MS);
		break;
	}
	case IKE_EV_PHASE1_UP:
		g_strlcpy(p->report.phase1_suite, ev->phase1.suite, sizeof(p->report.phase1_suite));
		p->report.phase1_lifetime_s = ev->phase1.lifetime_s;
		p->report.nat_t = ev->phase1.natt;
		break;
	case IKE_EV_CHILD_SA_UP: {
		const struct ipsec_child_sa *sa = ev->child.sa;

		g_strlcpy(p->report.phase2_suite, sa->suite, sizeof(p->report.phase2_suite));
		p->report.phase2_lifetime_s = sa->lifetime_s;
		p->report.spi_in = sa->spi_in;
		p->report.spi_out = sa->spi_out;
		p->report.encapsulation =
			sa->encap_mode == 1 || sa->encap_mode == 2 ? "transport" : "udp-transport";
		p->report.ok = true;
		schedule(p, 0);
		break;
	}
	case IKE_EV_FAILED:
		if (p->phase == PROBE_MATRIX) {
			/* a probe ends in PROBE_RESULT; anything else counts as no answer */
			schedule(p, PROBE_SPACING_MS);
			break;
		}
		fail(p, "%s%s%s", ev->failed.message, *ev->failed.detail ? " " : "",
		     ev->failed.detail);
		p->report.ok = false;
		p->phase = PROBE_CLOSING;
		schedule(p, 0);
		break;
	case IKE_EV_CLOSED:
		if (p->phase != PROBE_MATRIX)
			p->phase = PROBE_CLOSING;
		schedule(p, p->phase == PROBE_MATRIX ? PROBE_SPACING_MS : 0);
		break;
	case IKE_EV_CHILD_SA_REKEYED:
	case IKE_EV_CHILD_SA_DELETED:
	case IKE_EV_PEER_DEAD:
	case IKE_EV_PEER_ALIVE:
		break;
	}
}

static const struct ike_callbacks probe_cb = {
	.send = probe_send,
	.event = probe_event,
};

/* Fresh sockets and IKE SA for one step; natt: also UDP 4500 (the full run). */
static bool start_ike(struct vpn_probe *p, const struct ike_config *base, bool full)
{
	g_autoptr(GError) error = NULL;
	struct ike_config c = *base;
	uint32_t local_ip;
	uint16_t local_port;

	p->fd500 = os_udp_open(p->server_ip, 500, full ? 500 : 0, &local_ip, &local_port, &error);
	if (p->fd500 >= 0 && full)
		p->fd4500 = os_udp_open(p->server_ip, 4500, 4500, NULL, NULL, &error);
	if (p->fd500 < 0 || (full && p->fd4500 < 0)) {
		fail(p, "%s", error->message);
		return false;
	}
	p->watch500 = g_unix_fd_add(p->fd500, G_IO_IN, readable, p);
	if (full)
		p->watch4500 = g_unix_fd_add(p->fd4500, G_IO_IN, readable, p);
	memcpy(c.local_ip, &local_ip, 4);
	memcpy(c.remote_ip, &p->server_ip, 4);
	c.local_port = local_port;
	p->ike = ike_sa_new(&c, &probe_cb, p, &p->rnd, &p->log);
	if (!p->ike || ike_sa_start(p->ike, engine_now_ms())) {
		fail(p, "the IKE core refused the probe configuration");
		return false;
	}
	rearm(p);
	return true;
}

static bool start_matrix_item(struct vpn_probe *p)
{
	struct ike_config c;

	engine_ike_config(p->profile, &c);
	c.p1.n = 1;
	c.p1.p[0] = p->report.items[p->index].proposal;
	c.probe = true;
	c.rt_initial_ms = PROBE_RT_MS;
	c.rt_max_ms = PROBE_RT_MS;
	c.rt_total_ms = PROBE_TIMEOUT_MS;
	return start_ike(p, &c, false);
}

/* Strongest accepted: grade, then cipher key length, hash, group (the tables' order). */
static int best_accepted(const struct vpn_probe *p)
{
	int best = -1;

	for (unsigned i = 0; i < p->report.n_items; i++) {
		const struct vpn_probe_item *it = &p->report.items[i];

		if (it->answer != VPN_PROBE_ACCEPTED)
			continue;
		if (best < 0 || it->grade < p->report.items[best].grade)
			best = (int)i;
	}
	return best;
}

static bool start_full(struct vpn_probe *p, int best)
{
	struct ike_config c;

	engine_ike_config(p->profile, &c);
	c.p1.n = 1;
	c.p1.p[0] = p->report.items[best].proposal;
	c.dpd_interval_s = 0;
	return start_ike(p, &c, true);
}

static gboolean step(gpointer data)
{
	struct vpn_probe *p = data;
	char name[64];
	int best;

	p->next_idle = 0;
	switch (p->phase) {
	case PROBE_MATRIX:
		if (p->ike) {
			struct vpn_probe_item *it = &p->report.items[p->index];

			drop_ike(p);
			if (p->cb.item)
				p->cb.item(p->ctx, it, p->index, p->report.n_items);
			if (p->index == 0 && it->answer == VPN_PROBE_NO_ANSWER) {
				fail(p,
				     "no answer on UDP 500 from %s: the server is down, "
				     "unreachable, or not an IKEv1 server",
				     p->profile->gateway);
				finish(p);
				return G_SOURCE_REMOVE;
			}
			p->index++;
		}
		if (p->index < p->report.n_items) {
			if (!start_matrix_item(p))
				finish(p);
			return G_SOURCE_REMOVE;
		}
		best = best_accepted(p);
		if (best < 0) {
			fail(p, "the server accepted none of the %u phase 1 transforms",
			     p->report.n_items);
			finish(p);
			return G_SOURCE_REMOVE;
		}
		log_msg(&p->log, LOG_LVL_INFO, "phase 1 and 2 with %s",
			vpn_proposal_name(&p->report.items[best].proposal, name, sizeof(name)));
		p->phase = PROBE_FULL;
		if (!start_full(p, best))
			finish(p);
		return G_SOURCE_REMOVE;
	case PROBE_FULL:
		/* phase 2 is up: delete both SAs so the server is left clean */
		p->phase = PROBE_CLOSING;
		if (ike_sa_close(p->ike, engine_now_ms()) == 0) {
			rearm(p);
			return G_SOURCE_REMOVE; /* CLOSED follows */
		}
		finish(p);
		return G_SOURCE_REMOVE;
	case PROBE_CLOSING:
		finish(p);
		return G_SOURCE_REMOVE;
	case PROBE_DONE:
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_REMOVE;
}

static gboolean deadline_hit(gpointer data)
{
	struct vpn_probe *p = data;

	p->deadline = 0;
	fail(p, "the probe did not finish within %d s", PROBE_DEADLINE_MS / 1000);
	p->report.ok = false;
	finish(p);
	return G_SOURCE_REMOVE;
}

bool vpn_probe_start(struct vpn_probe *p, GError **error)
{
	if (!p->profile->ipsec_psk) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_MISSING,
			    "profile %s: secret `ipsec-psk' is missing", p->profile->name);
		return false;
	}
	if (!engine_crypto_init(error) ||
	    !os_resolve_ipv4(p->profile->gateway, &p->server_ip, error))
		return false;
	core_timer_init(&p->timer, timer_fired, p);
	p->deadline = g_timeout_add(PROBE_DEADLINE_MS, deadline_hit, p);
	schedule(p, 0);
	return true;
}
