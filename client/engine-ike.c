/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IKE glue: the UDP 500 and 4500 sockets, the IKE core's callbacks, NAT
 * keepalives. UDP 4500 carries IKE (behind the 4-byte non-ESP marker), ESP
 * (handed to the data path) and keepalives; esp_udp_classify() tells them
 * apart.
 */
#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "engine-int.h"

#define RX_BATCH 64
#define RX_BUF	 4096

void engine_ike_config(const struct vpn_profile *p, struct ike_config *c)
{
	memset(c, 0, sizeof(*c));
	c->p1 = p->ike;
	c->p2 = p->esp;
	c->psk = p->ipsec_psk;
	c->p1_lifetime_s = p->ike_lifetime_s;
	c->p2_lifetime_s = p->sa_lifetime_s;
	if (p->pfs_group == VPN_PFS_SAME_GROUP) {
		struct ike_p1_list def;

		ike_p1_default(&def);
		/* the group we offer first: the one the server most likely picks */
		c->pfs_group = p->ike.n ? p->ike.p[0].group : def.p[0].group;
	} else {
		c->pfs_group = p->pfs_group;
	}
	c->remote_id = p->ipsec_remote_id;
	c->dpd_interval_s = p->dpd_interval_s;
	c->initial_contact = true;
	/* the userspace path sends ESP only on UDP 4500 (fail closed, one socket to guard); the
	 * kernel path follows the profile (engine_ike_start) */
	c->force_encaps = true;
}

void engine_ike_rearm(struct vpn_engine *e)
{
	if (e->ike)
		core_timer_arm(&e->ike_timer, ike_sa_next_timeout(e->ike));
}

static void send_on(struct vpn_engine *e, int fd, const struct iovec *iov, int n)
{
	struct msghdr mh = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)n};

	if (fd < 0)
		return;
	if (sendmsg(fd, &mh, MSG_DONTWAIT) < 0 && errno != EAGAIN)
		log_msg(&e->log, LOG_LVL_DEBUG, "udp send: %s", g_strerror(errno));
}

static void keepalive_due(void *ctx, uint64_t now)
{
	struct vpn_engine *e = ctx;
	uint8_t ka[1];

	if (!e->ike || !ike_sa_natt_active(e->ike))
		return;
	if (now - e->last_tx_natt >= ENGINE_NATT_KEEPALIVE_MS)
		engine_send_natt(e, ka, esp_udp_keepalive(ka, sizeof(ka)));
	core_timer_arm(&e->keepalive, e->last_tx_natt + ENGINE_NATT_KEEPALIVE_MS);
}

/* UDP GSO (UDP_SEGMENT): one sendmsg and one pass down the stack for a run of ESP packets,
 * which the kernel (or the NIC) cuts into seg-sized datagrams. */
void engine_send_natt_run(void *ctx, const uint8_t *buf, size_t len, size_t seg)
{
	struct vpn_engine *e = ctx;
	union {
		char buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr align;
	} ctrl;
	struct iovec iov = {(void *)buf, len};
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctrl.buf,
		.msg_controllen = sizeof(ctrl.buf),
	};
	struct cmsghdr *c;
	uint16_t gso = (uint16_t)seg;

	if (len > seg && !e->no_gso && e->fd4500 >= 0) {
		memset(&ctrl, 0, sizeof(ctrl));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(gso));
		memcpy(CMSG_DATA(c), &gso, sizeof(gso));
		if (sendmsg(e->fd4500, &mh, MSG_DONTWAIT) >= 0 || errno == EAGAIN ||
		    errno == ENOBUFS) {
			/* sent, or dropped like a single datagram on a full socket */
			e->last_tx_natt = engine_now_ms();
			return;
		}
		log_msg(&e->log, LOG_LVL_DEBUG, "UDP GSO refused (%s): one datagram at a time",
			g_strerror(errno));
		e->no_gso = true;
	}
	for (size_t off = 0; off < len; off += seg)
		engine_send_natt(e, buf + off, MIN(seg, len - off));
}

void engine_send_natt(void *ctx, const uint8_t *pkt, size_t len)
{
	struct vpn_engine *e = ctx;
	struct iovec iov = {(void *)pkt, len};

	send_on(e, e->fd4500, &iov, 1);
	e->last_tx_natt = engine_now_ms();
}

static void ike_send(void *ctx, bool natt_port, const uint8_t *msg, size_t len)
{
	struct vpn_engine *e = ctx;
	static const uint8_t marker[ESP_NON_ESP_MARKER_LEN];
	struct iovec iov[2] = {{(void *)marker, sizeof(marker)}, {(void *)msg, len}};

	if (natt_port) {
		send_on(e, e->fd4500, iov, 2);
		e->last_tx_natt = engine_now_ms();
		core_timer_arm(&e->keepalive, e->last_tx_natt + ENGINE_NATT_KEEPALIVE_MS);
	} else {
		send_on(e, e->fd500, &iov[1], 1);
	}
}

static const char *encap_name(uint16_t mode)
{
	/* RFC 3947 3/4, draft 61443/61444 are UDP-encapsulated */
	return mode == 1 || mode == 2 ? "transport" : "udp-transport";
}

static void child_up(struct vpn_engine *e, const struct ike_event *ev)
{
	const struct ipsec_child_sa *sa = ev->child.sa;
	struct vpn_dp_flow flow = {
		.local_ip = e->local_ip,
		.remote_ip = e->server_ip,
		.natt = sa->encap_mode != 1 && sa->encap_mode != 2,
		.local_port = e->local_port_natt,
		.remote_port = ike_sa_peer_port(e->ike),
		.natt_fd = e->fd4500,
		.ike_fd = e->fd500,
	};
	int r = e->dp->ops->add_sa(e->dp, sa, &flow);

	if (r) {
		engine_fail(e, VPN_STATE_IKE_PHASE2,
			    "the negotiated ESP suite %s cannot be used (%s); offer another with "
			    "ipsec-esp",
			    sa->suite, g_strerror(-r));
		return;
	}
	e->spi_in = sa->spi_in;
	e->spi_out = sa->spi_out;
	g_strlcpy(e->st.esp_suite, sa->suite, sizeof(e->st.esp_suite));
	e->st.esp_lifetime_s = sa->lifetime_s;
	e->st.encapsulation = encap_name(sa->encap_mode);
	if (ev->type == IKE_EV_CHILD_SA_REKEYED) {
		log_msg(&e->log, LOG_LVL_INFO, "IPsec SA rekeyed: SPIs in 0x%08x out 0x%08x",
			sa->spi_in, sa->spi_out);
		/* the old inbound SA still decrypts what the server sent before switching */
		if (e->grace_spi_in)
			e->dp->ops->del_sa(e->dp, e->grace_spi_in);
		e->grace_spi_in = ev->child.old_spi_in;
		core_timer_cancel(&e->grace);
		core_timer_arm(&e->grace, engine_now_ms() + ENGINE_REKEY_GRACE_MS);
		return;
	}
	if (e->have_child)
		return;
	e->have_child = true;
	engine_set_state(e, VPN_STATE_L2TP_TUNNEL,
			 "IKE phase 2 up: %s, SPIs in 0x%08x out 0x%08x, %s, lifetime %u s",
			 sa->suite, sa->spi_in, sa->spi_out, e->st.encapsulation, sa->lifetime_s);
	/* ping from the main loop: the IKE core is inside this callback */
	e->gate = GATE_PING;
	e->gate_acks = 0;
	core_timer_arm(&e->gate_timer, engine_now_ms());
}

static void open_gate(struct vpn_engine *e)
{
	e->gate = GATE_OPEN;
	core_timer_cancel(&e->gate_timer);
	if (!e->tearing_down && !engine_l2tp_start(e))
		engine_fail(e, VPN_STATE_L2TP_TUNNEL, "out of memory starting L2TP");
}

/*
 * L2TP waits for R-U-THERE round trips after Quick Mode: a server answers them only once it has
 * installed its SAs and policies, and an SCCRQ that comes earlier makes strongSwan and libreswan
 * servers send their SCCRP in clear (dropped here: a retransmission later). Two, one after the
 * other: charon's worker threads may take our first R-U-THERE before QM3 (both wait for the same
 * IKE SA, in no set order); the second leaves only after the first was answered, behind QM3.
 */
static void gate_due(void *ctx, uint64_t now)
{
	struct vpn_engine *e = ctx;

	if (e->gate == GATE_PING && e->ike && ike_sa_ping(e->ike, now) == 0) {
		e->gate = GATE_WAIT;
		core_timer_arm(&e->gate_timer, now + ENGINE_PING_WAIT_MS);
		engine_ike_rearm(e);
		return;
	}
	if (e->gate == GATE_WAIT)
		log_msg(&e->log, LOG_LVL_DEBUG, "no answer to R-U-THERE within %d ms; L2TP anyway",
			ENGINE_PING_WAIT_MS);
	open_gate(e);
}

static void grace_over(void *ctx, uint64_t now)
{
	struct vpn_engine *e = ctx;

	if (e->grace_spi_in && e->dp)
		e->dp->ops->del_sa(e->dp, e->grace_spi_in);
	e->grace_spi_in = 0;
}

static void ike_event(void *ctx, const struct ike_event *ev)
{
	struct vpn_engine *e = ctx;

	switch (ev->type) {
	case IKE_EV_PHASE1_UP:
		g_strlcpy(e->st.ike_suite, ev->phase1.suite, sizeof(e->st.ike_suite));
		e->st.ike_lifetime_s = ev->phase1.lifetime_s;
		e->st.nat_t = ev->phase1.natt;
		if (ev->phase1.rekey) {
			log_msg(&e->log, LOG_LVL_INFO, "IKE SA rekeyed: %s", ev->phase1.suite);
			break;
		}
		engine_set_state(e, VPN_STATE_IKE_PHASE2, "IKE phase 1 up: %s, lifetime %u s%s%s",
				 ev->phase1.suite, ev->phase1.lifetime_s,
				 ev->phase1.natt ? ", NAT-T" : "",
				 ev->phase1.nat_detected ? " (NAT detected)" : "");
		break;
	case IKE_EV_CHILD_SA_UP:
	case IKE_EV_CHILD_SA_REKEYED:
		child_up(e, ev);
		break;
	case IKE_EV_CHILD_SA_DELETED:
		if (e->dp)
			e->dp->ops->del_sa(e->dp, ev->deleted.spi_in);
		if (ev->deleted.spi_in == e->spi_in && !e->tearing_down)
			engine_fail(e, e->state,
				    "the server deleted the IPsec SA (SPI 0x%08x); reconnect, and "
				    "check the server's log if it repeats",
				    ev->deleted.spi_in);
		break;
	case IKE_EV_FAILED:
		if (ev->failed.code == IKE_FAIL_NO_RESPONSE && e->refused500)
			engine_fail(
				e, e->state,
				"the server refused UDP port 500 (ICMP port unreachable): is its "
				"IPsec service running and is the gateway address right?");
		else
			engine_fail(e, e->state, "%s%s%s", ev->failed.message,
				    *ev->failed.detail ? " " : "", ev->failed.detail);
		break;
	case IKE_EV_PEER_DEAD:
		engine_fail(e, e->state,
			    "the server stopped answering (dead peer detection); check the "
			    "network and reconnect");
		break;
	case IKE_EV_CLOSED:
		e->ike_closed = true;
		if (!e->tearing_down)
			engine_fail(e, e->state, "the IKE SA closed unexpectedly");
		engine_schedule_step(e);
		break;
	case IKE_EV_PEER_ALIVE:
		if (e->gate != GATE_WAIT)
			break;
		if (++e->gate_acks < ENGINE_GATE_PINGS) {
			/* the next ping from the main loop: the IKE core is inside this callback */
			e->gate = GATE_PING;
			core_timer_cancel(&e->gate_timer);
			core_timer_arm(&e->gate_timer, engine_now_ms());
		} else {
			open_gate(e);
		}
		break;
	case IKE_EV_PROBE_RESULT:
		break;
	}
}

static const struct ike_callbacks ike_cb = {
	.send = ike_send,
	.event = ike_event,
};

static void ike_timer_fired(void *ctx, uint64_t now)
{
	struct vpn_engine *e = ctx;

	ike_sa_tick(e->ike, now);
	engine_ike_rearm(e);
}

static void rx_natt(struct vpn_engine *e, const uint8_t *buf, size_t n, uint64_t now)
{
	switch (esp_udp_classify(buf, n)) {
	case ESP_UDP_IKE:
		ike_sa_rx(e->ike, true, buf + ESP_NON_ESP_MARKER_LEN, n - ESP_NON_ESP_MARKER_LEN,
			  now);
		break;
	case ESP_UDP_ESP:
		if (e->dp)
			e->dp->ops->esp_rx(e->dp, buf, n);
		break;
	case ESP_UDP_KEEPALIVE:
	case ESP_UDP_INVALID:
		break;
	}
}

static gboolean socket_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct vpn_engine *e = data;
	uint8_t buf[RX_BUF];

	for (int i = 0; i < RX_BATCH; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		uint64_t now = engine_now_ms();

		if (n < 0) {
			if (errno == ECONNREFUSED && fd == e->fd500)
				e->refused500 = true;
			if (errno == EINTR || errno == ECONNREFUSED)
				continue;
			break;
		}
		if (!e->ike)
			break;
		if (fd == e->fd500)
			ike_sa_rx(e->ike, false, buf, (size_t)n, now);
		else
			rx_natt(e, buf, (size_t)n, now);
	}
	if (fd == e->fd4500 && e->dp && e->dp->ops->rx_flush)
		e->dp->ops->rx_flush(e->dp);
	/* one re-arm per batch: cores only move their deadlines when fed */
	engine_ike_rearm(e);
	engine_l2tp_rearm(e);
	return G_SOURCE_CONTINUE;
}

void engine_sockets_close(struct vpn_engine *e)
{
	if (e->watch500)
		g_source_remove(e->watch500);
	if (e->watch4500)
		g_source_remove(e->watch4500);
	e->watch500 = e->watch4500 = 0;
	if (e->fd500 >= 0)
		close(e->fd500);
	if (e->fd4500 >= 0)
		close(e->fd4500);
	e->fd500 = e->fd4500 = -1;
}

bool engine_ike_start(struct vpn_engine *e, GError **error)
{
	struct ike_config c;

	if (!os_resolve_ipv4(e->profile->gateway, &e->server_ip, error))
		return false;
	e->fd500 = os_udp_open(e->server_ip, 500, 500, &e->local_ip, &e->local_port, error);
	if (e->fd500 < 0)
		return false;
	e->fd4500 = os_udp_open(e->server_ip, 4500, 4500, NULL, &e->local_port_natt, error);
	if (e->fd4500 < 0)
		return false;
	e->watch500 = os_watch_add(e->fd500, G_IO_IN, socket_readable, e);
	e->watch4500 = os_watch_add(e->fd4500, G_IO_IN, socket_readable, e);

	engine_ike_config(e->profile, &c);
	/* the kernel path may send plain ESP (IP protocol 50) when no NAT is in between */
	if (e->data_path == VPN_DATA_PATH_KERNEL)
		c.force_encaps = e->profile->force_encaps;
	memcpy(c.local_ip, &e->local_ip, 4);
	memcpy(c.remote_ip, &e->server_ip, 4);
	c.local_port = e->local_port;
	core_timer_init(&e->ike_timer, ike_timer_fired, e);
	core_timer_init(&e->keepalive, keepalive_due, e);
	core_timer_init(&e->grace, grace_over, e);
	core_timer_init(&e->gate_timer, gate_due, e);
	e->ike = ike_sa_new(&c, &ike_cb, e, &e->rnd, &e->log);
	if (!e->ike) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_INVALID,
			    "profile %s: the IKE configuration was refused (proposals or PSK)",
			    e->profile->name);
		return false;
	}
	{
		g_autofree char *local = engine_ip_str(e->local_ip);
		g_autofree char *server = engine_ip_str(e->server_ip);

		g_autofree char *path = e->dp_note ? g_strdup(e->dp_note)
						    : g_strdup_printf("%s data path", e->dp->ops->name);

		engine_set_state(e, VPN_STATE_IKE_PHASE1, "IKE from %s port %u to %s port 500 (%s)",
				 local, e->local_port, server, path);
	}
	if (ike_sa_start(e->ike, engine_now_ms())) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_INVALID, "cannot start IKE");
		return false;
	}
	engine_ike_rearm(e);
	return true;
}
