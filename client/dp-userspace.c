/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The userspace data path: ESP (ipsec/esp.h), the built-in PPP (ppp/) and a
 * TUN device. Every L2TP byte, control or data, leaves inside our ESP on UDP
 * 4500; without an outbound SA nothing is sent (fail closed).
 *
 *   TUN read (a TCP super-segment is cut into packets: tun-offload.h)
 *   -> [inner UDP | L2TP data hdr | PPP hdr | IP packet] built in headroom
 *   -> esp_encrypt -> runs of UDP 4500 datagrams (one GSO send each)
 *   UDP 4500 -> esp_decrypt -> inner UDP -> engine (L2TP core) -> PPP frame
 *   -> ppp_rx -> IP packet -> TCP packets of one flow in a row merged (tun_gro)
 *   -> TUN write, at the latest when the wakeup's datagrams are done
 *
 * Buffers are fixed in the struct: no allocation per packet.
 */
#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "config.h"
#include "core-timer.h"
#include "datapath.h"
#include "os.h"
#include "tun-offload.h"

/* inner UDP 8 + L2TP data header (at most 16) + PPP 4, rounded up */
#define DP_HEADROOM 32
#define DP_PKT_MAX  2048
/* ESP header + IV + padding + trailer + ICV, generously */
#define DP_ESP_SLACK 96
/* TUN packets (after cutting super-segments) per wakeup before yielding to the main loop */
#define DP_BATCH 64
/* One TUN read: a TCP super-segment of up to 64 KiB after the virtio_net_hdr */
#define DP_TUN_READ_MAX (TUN_VNET_HDR_LEN + 65536)
/* A run of ESP packets for one UDP GSO send. 16: against SoftEther, runs of 32 or 64 burst past
 * what it drains and halved the TCP rate; 16 kept the rate (105-116 vs 94 Mbit/s) at 0.6 s of
 * CPU per Gbit instead of 0.97 (docs/PERFORMANCE.md). DP_RUN_MAX: one UDP datagram. */
#define DP_RUN_SEGS 16
#define DP_RUN_MAX  65000

struct dp_user {
	struct vpn_datapath base;
	struct vpn_dp_host host;
	const struct vpn_profile *profile;

	struct esp_sa *out;
	uint32_t out_pair_spi_in; /* inbound SPI negotiated together with out */
	struct esp_sa *in[2];	  /* [0] newest; [1] kept through a rekey grace period */

	struct l2tp_tunnel *tunnel;
	struct ppp *ppp;
	struct core_timer ppp_timer;
	bool ppp_done; /* a terminal event was seen */
	bool ip_up, ipv6_up;
	bool ipv6_ok; /* IPV6CP worth negotiating: the profile wants it and the TUN can carry it */

	int tun_fd;
	bool tun_vnet; /* a virtio_net_hdr before each packet, TCP super-segments (tun-offload.h) */
	guint tun_watch;
	char ifname[16];
	int ifindex;

	struct vpn_dp_stats st;
	uint8_t pkt[DP_HEADROOM + DP_PKT_MAX];
	uint8_t *tun_in; /* DP_TUN_READ_MAX bytes */
	struct tun_gro gro; /* received TCP packets being merged, in a DP_TUN_READ_MAX frame */
	uint8_t esp[DP_HEADROOM + DP_PKT_MAX + DP_ESP_SLACK];
	uint8_t dec[DP_PKT_MAX + DP_ESP_SLACK];
	/* TUN traffic of one wakeup, staged back to back and sealed as one batch (the AES of
	 * its packets runs side by side): equal sizes, the last may be shorter */
	uint8_t *run; /* DP_RUN_MAX bytes */
	struct esp_batch_pkt run_pkts[DP_RUN_SEGS];
	size_t run_len, run_seg;
	unsigned run_n;
	bool run_closed; /* a shorter packet ended the run */
	uint64_t run_ip_bytes; /* IP bytes staged, for the counters */
};

static struct dp_user *to_user(struct vpn_datapath *dp)
{
	return (struct dp_user *)dp;
}

/* Encrypt [inner UDP | payload] at p (len bytes) and send it. */
static int seal_and_send(struct dp_user *u, const uint8_t *p, size_t len)
{
	size_t out_len;
	int r;

	if (!u->out)
		return -ENOTCONN;
	r = esp_encrypt(u->out, 17, p, len, u->esp, sizeof(u->esp), &out_len);
	if (r) {
		log_msg(u->host.log, LOG_LVL_WARN, "esp: encrypt failed (%d), packet dropped", r);
		return r;
	}
	u->host.send_natt(u->host.ctx, u->esp, out_len);
	return 0;
}

/* Seal the staged packets in one batch and send them with one UDP GSO send. */
static void run_flush(struct dp_user *u)
{
	int r = u->run_n && u->out ? esp_encrypt_batch(u->out, 17, u->run_pkts, u->run_n) : 0;

	if (r)
		log_msg(u->host.log, LOG_LVL_WARN, "esp: encrypt failed (%d), %u packets dropped", r,
			u->run_n);
	else if (u->run_n && u->out) {
		u->host.send_natt_run(u->host.ctx, u->run, u->run_len, u->run_seg);
		u->st.packets_out += u->run_n;
		u->st.bytes_out += u->run_ip_bytes;
	}
	u->run_len = u->run_seg = 0;
	u->run_n = 0;
	u->run_closed = false;
	u->run_ip_bytes = 0;
}

/* Where an ESP payload of len bytes goes in the run: the run is sent first when the packet
 * cannot join it (full, or not the size of its packets). */
static uint8_t *run_slot(struct dp_user *u, size_t len)
{
	size_t out_len = esp_encrypt_len(u->out, len);

	if (u->run_n && (u->run_n == DP_RUN_SEGS || u->run_closed || out_len > u->run_seg ||
			 DP_RUN_MAX - u->run_len < out_len))
		run_flush(u);
	return u->run + u->run_len + esp_payload_offset(u->out);
}

/* The payload at the last run_slot() is complete: it joins the run. */
static void run_commit(struct dp_user *u, size_t len, size_t ip_len)
{
	size_t out_len = esp_encrypt_len(u->out, len);

	u->run_pkts[u->run_n] = (struct esp_batch_pkt){
		.out = u->run + u->run_len,
		.len = len,
		.cap = out_len,
	};
	if (!u->run_n)
		u->run_seg = out_len;
	else if (out_len < u->run_seg)
		u->run_closed = true;
	u->run_len += out_len;
	u->run_n++;
	u->run_ip_bytes += ip_len;
}

static int dp_l2tp_send(struct vpn_datapath *dp, const uint8_t *pkt, size_t len)
{
	struct dp_user *u = to_user(dp);

	if (len > DP_PKT_MAX)
		return -EMSGSIZE;
	if (!u->out)
		return -ENOTCONN;
	memcpy(u->pkt + ESP_UDP_HDR_LEN, pkt, len);
	esp_udp_l2tp_header(u->pkt, len);
	return seal_and_send(u, u->pkt, ESP_UDP_HDR_LEN + len);
}

static struct esp_sa *new_sa(struct dp_user *u, const struct ipsec_child_sa *sa, bool out)
{
	struct esp_sa_config c = {
		.spi = out ? sa->spi_out : sa->spi_in,
		.esp_transform = sa->esp_transform,
		.key_bits = sa->key_bits,
		.auth_alg = sa->auth_alg,
		.keymat = out ? sa->keymat_out->data : sa->keymat_in->data,
		.keymat_len = out ? sa->keymat_out->len : sa->keymat_in->len,
		.dir = out ? ESP_DIR_OUTBOUND : ESP_DIR_INBOUND,
		.rnd = u->host.rnd,
	};

	return esp_sa_new(&c);
}

static int dp_add_sa(struct vpn_datapath *dp, const struct ipsec_child_sa *sa,
		     const struct vpn_dp_flow *flow)
{
	struct dp_user *u = to_user(dp);
	struct esp_sa *in = new_sa(u, sa, false), *out = new_sa(u, sa, true);

	if (!in || !out) {
		esp_sa_free(in);
		esp_sa_free(out);
		return -EINVAL;
	}
	run_flush(u); /* staged packets belong to the old SA */
	esp_sa_free(u->in[1]);
	u->in[1] = u->in[0];
	u->in[0] = in;
	esp_sa_free(u->out);
	u->out = out;
	u->out_pair_spi_in = sa->spi_in;
	return 0;
}

static void dp_del_sa(struct vpn_datapath *dp, uint32_t spi_in)
{
	struct dp_user *u = to_user(dp);

	for (int i = 0; i < 2; i++) {
		if (u->in[i] && esp_sa_spi(u->in[i]) == spi_in) {
			esp_sa_free(u->in[i]);
			u->in[i] = NULL;
		}
	}
	if (!u->in[0]) {
		u->in[0] = u->in[1];
		u->in[1] = NULL;
	}
	if (u->out && u->out_pair_spi_in == spi_in) {
		run_flush(u);
		esp_sa_free(u->out);
		u->out = NULL;
	}
}

static void dp_esp_rx(struct vpn_datapath *dp, const uint8_t *pkt, size_t len)
{
	struct dp_user *u = to_user(dp);
	uint32_t spi = len >= 4 ? get_u32(pkt) : 0;
	struct esp_sa *sa = NULL;
	const uint8_t *payload;
	size_t out_len, plen;
	uint16_t sport, dport;
	uint8_t nh;
	int r;

	for (int i = 0; i < 2; i++)
		if (u->in[i] && esp_sa_spi(u->in[i]) == spi)
			sa = u->in[i];
	if (!sa)
		return; /* unknown SPI: not ours, or an SA already deleted */
	r = esp_decrypt(sa, pkt, len, u->dec, sizeof(u->dec), &out_len, &nh);
	if (r) {
		if (r != -ENODATA)
			log_msg(u->host.log, LOG_LVL_DEBUG, "esp: dropped inbound packet (%d)", r);
		return;
	}
	u->host.esp_alive(u->host.ctx);
	if (nh != 17 || esp_udp_inner_parse(u->dec, out_len, &sport, &dport, &payload, &plen) ||
	    dport != ESP_UDP_L2TP_PORT)
		return; /* the SA's selectors allow only L2TP */
	u->host.l2tp_rx(u->host.ctx, payload, plen);
}

/* ---- PPP ---- */

static void ppp_rearm(struct dp_user *u)
{
	if (u->ppp)
		core_timer_arm(&u->ppp_timer, ppp_next_timeout(u->ppp));
}

static void ppp_timer_fired(void *ctx, uint64_t now)
{
	struct dp_user *u = ctx;

	ppp_tick(u->ppp, now);
	ppp_rearm(u);
}

/* A PPP frame from the core: L2TP data header in front, inner UDP, ESP. */
static void on_ppp_send(void *ctx, const uint8_t *frame, size_t len)
{
	struct dp_user *u = ctx;
	size_t l2tp_len;

	if (l2tp_session_send_ppp(u->tunnel, frame, len, u->pkt + ESP_UDP_HDR_LEN,
				  sizeof(u->pkt) - ESP_UDP_HDR_LEN, &l2tp_len))
		return;
	esp_udp_l2tp_header(u->pkt, l2tp_len);
	(void)seal_and_send(u, u->pkt, ESP_UDP_HDR_LEN + l2tp_len);
}

static void on_ppp_event(void *ctx, const struct ppp_event *ev)
{
	struct dp_user *u = ctx;

	switch (ev->type) {
	case PPP_EV_IPCP_UP:
		u->ip_up = true;
		break;
	case PPP_EV_IPV6CP_UP:
		u->ipv6_up = true;
		break;
	case PPP_EV_LINK_DOWN:
		u->ip_up = u->ipv6_up = false;
		break;
	case PPP_EV_AUTH_FAILED:
	case PPP_EV_FAILED:
	case PPP_EV_LINK_DEAD:
	case PPP_EV_TERMINATED:
		u->ip_up = u->ipv6_up = false;
		u->ppp_done = true;
		break;
	case PPP_EV_LCP_UP:
	case PPP_EV_AUTH_OK:
		break;
	}
	u->host.ppp_event(u->host.ctx, ev);
}

/* One IP packet to the TUN as it is. */
static void tun_write_plain(struct dp_user *u, const uint8_t *pkt, size_t len)
{
	static const uint8_t no_offload[TUN_VNET_HDR_LEN]; /* checksum complete, not GSO */
	struct iovec iov[2] = {
		{.iov_base = (void *)no_offload, .iov_len = sizeof(no_offload)},
		{.iov_base = (void *)pkt, .iov_len = len},
	};
	size_t hdr = u->tun_vnet ? sizeof(no_offload) : 0;

	if (writev(u->tun_fd, iov + !hdr, 1 + !!hdr) == (ssize_t)(hdr + len)) {
		u->st.packets_in++;
		u->st.bytes_in += len;
	}
}

/* What tun_gro holds, to the TUN: one write for all its packets. */
static void gro_flush(struct dp_user *u)
{
	unsigned nseg = u->gro.nseg;
	size_t hdr_len = u->gro.hdr_len;
	const uint8_t *frame;
	size_t len = tun_gro_frame(&u->gro, &frame);

	if (len && write(u->tun_fd, frame, len) == (ssize_t)len) {
		u->st.packets_in += nseg;
		u->st.bytes_in += len - TUN_VNET_HDR_LEN + (nseg - 1) * hdr_len;
	}
}

static void on_ppp_deliver(void *ctx, const uint8_t *pkt, size_t len, bool is_ipv6)
{
	struct dp_user *u = ctx;

	if (!u->tun_vnet) {
		tun_write_plain(u, pkt, len);
		return;
	}
	for (;;) {
		switch (tun_gro_add(&u->gro, pkt, len)) {
		case TUN_GRO_HELD:
			return;
		case TUN_GRO_FLUSH:
			gro_flush(u);
			continue;
		case TUN_GRO_PASS:
			tun_write_plain(u, pkt, len);
			return;
		}
	}
}

static void dp_rx_flush(struct vpn_datapath *dp)
{
	gro_flush(to_user(dp));
}

static const struct ppp_callbacks ppp_cb = {
	.send = on_ppp_send,
	.event = on_ppp_event,
	.deliver_ip = on_ppp_deliver,
};

static int dp_ppp_start(struct vpn_datapath *dp, struct l2tp_tunnel *tunnel)
{
	struct dp_user *u = to_user(dp);
	const struct vpn_profile *p = u->profile;
	g_autofree char *user =
		p->domain ? g_strdup_printf("%s\\%s", p->domain, p->user) : g_strdup(p->user);
	struct ppp_config c;

	if (u->ppp)
		return -EALREADY;
	ppp_config_init(&c);
	c.username = user;
	c.password = p->password;
	c.allowed_auth = PPP_AUTH_ALL;
	if (p->refuse_pap)
		c.allowed_auth &= ~(unsigned)PPP_AUTH_PAP;
	if (p->refuse_chap)
		c.allowed_auth &= ~(unsigned)PPP_AUTH_CHAP_MD5;
	if (p->refuse_mschapv2)
		c.allowed_auth &= ~(unsigned)PPP_AUTH_MSCHAPV2;
	c.mru = (uint16_t)p->mru;
	c.echo_interval_ms = p->lcp_echo_interval_s * 1000;
	c.echo_failure = p->lcp_echo_failure;
	c.want_dns = true;
	c.want_ipv6 = u->ipv6_ok;
	u->tunnel = tunnel;
	u->ppp = ppp_new(&c, &ppp_cb, u, u->host.rnd, u->host.log);
	if (!u->ppp)
		return -ENOMEM;
	ppp_start(u->ppp, engine_now_ms());
	ppp_rearm(u);
	return 0;
}

static void dp_ppp_rx(struct vpn_datapath *dp, const uint8_t *frame, size_t len)
{
	struct dp_user *u = to_user(dp);

	if (!u->ppp)
		return;
	(void)ppp_rx(u->ppp, frame, len, engine_now_ms());
	ppp_rearm(u);
}

static bool dp_ppp_close(struct vpn_datapath *dp)
{
	struct dp_user *u = to_user(dp);

	if (!u->ppp || u->ppp_done)
		return false;
	ppp_close(u->ppp, engine_now_ms());
	ppp_rearm(u);
	return !u->ppp_done;
}

/* ---- TUN ---- */

/* Room in the run for an IP packet of len bytes: where to put it, with its inner UDP, L2TP
 * and PPP headers (hl bytes) to go in front. NULL when it cannot be sent now. */
static uint8_t *stage_ip(struct dp_user *u, size_t len, bool v6, size_t *hl)
{
	size_t ppp_hl = ppp_ip_header_len(u->ppp);
	int l2tp_hl = l2tp_data_header_len(u->tunnel);

	if (v6 ? !u->ipv6_up : !u->ip_up)
		return NULL;
	if (l2tp_hl < 0 || len > ppp_get_mtu(u->ppp))
		return NULL;
	*hl = ESP_UDP_HDR_LEN + (size_t)l2tp_hl + ppp_hl;
	return run_slot(u, *hl + len) + *hl;
}

/* The IP packet at ip (from stage_ip) is in place: headers in front, then into the run. */
static void commit_ip(struct dp_user *u, uint8_t *ip, size_t len, bool v6, size_t hl)
{
	size_t ppp_hl = ppp_ip_header_len(u->ppp);
	uint8_t *start = ip - hl;
	size_t l2tp_len = hl - ESP_UDP_HDR_LEN + len;

	ppp_write_ip_header(u->ppp, ip - ppp_hl, v6);
	if (l2tp_write_data_header(u->tunnel, start + ESP_UDP_HDR_LEN, ppp_hl + len) < 0)
		return;
	esp_udp_l2tp_header(start, l2tp_len);
	run_commit(u, ESP_UDP_HDR_LEN + l2tp_len, len);
}

/* One IP packet read from the TUN: copied into the run. */
static void tun_packet(struct dp_user *u, const uint8_t *pkt, size_t len)
{
	bool v6 = (pkt[0] >> 4) == 6;
	size_t hl;
	uint8_t *ip = stage_ip(u, len, v6, &hl);

	if (!ip)
		return;
	memcpy(ip, pkt, len);
	commit_ip(u, ip, len, v6, hl);
}

/* A read with a virtio_net_hdr: a packet, or a super-segment cut straight into the run.
 * The number of packets it made. */
static unsigned tun_offloaded(struct dp_user *u, uint8_t *frame, size_t len)
{
	struct tun_offload_pkt t;

	if (tun_offload_parse(frame, len, &t)) {
		log_msg(u->host.log, LOG_LVL_DEBUG, "tun: dropped a packet of %zu bytes with an "
			"offload header we cannot follow", len);
		return 1;
	}
	if (!t.super) {
		tun_packet(u, t.ip, t.len);
		return 1;
	}
	for (unsigned i = 0; i < t.nseg; i++) {
		size_t hl, n = tun_offload_segment_len(&t, i);
		uint8_t *ip = stage_ip(u, n, t.v6, &hl);

		if (ip && tun_offload_segment(&t, i, ip, n) == n)
			commit_ip(u, ip, n, t.v6, hl);
	}
	return t.nseg;
}

static gboolean tun_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct dp_user *u = data;
	size_t hdr = u->tun_vnet ? TUN_VNET_HDR_LEN : 0;
	uint8_t *at = u->tun_in + TUN_VNET_HDR_LEN - hdr;

	for (unsigned done = 0; done < DP_BATCH;) {
		ssize_t n = read(fd, at, hdr ? DP_TUN_READ_MAX : DP_PKT_MAX);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (!u->ppp || !u->out) {
			done++; /* nothing may leave yet: dropped */
		} else if (hdr) {
			done += tun_offloaded(u, at, (size_t)n);
		} else {
			tun_packet(u, at, (size_t)n);
			done++;
		}
	}
	run_flush(u);
	return G_SOURCE_CONTINUE;
}

static bool dp_get_interface(struct vpn_datapath *dp, char ifname[16], int *ifindex,
			     unsigned *mtu)
{
	struct dp_user *u = to_user(dp);

	/* larger packets would be dropped in tun_packet: the server's MRU bounds the TUN */
	*mtu = MIN(u->profile->mtu, u->ppp ? ppp_get_mtu(u->ppp) : 1500u);
	g_strlcpy(ifname, u->ifname, 16);
	*ifindex = u->ifindex;
	return true;
}

static void dp_get_stats(struct vpn_datapath *dp, struct vpn_dp_stats *st)
{
	*st = to_user(dp)->st;
}

static void dp_free(struct vpn_datapath *dp)
{
	struct dp_user *u = to_user(dp);

	core_timer_cancel(&u->ppp_timer);
	ppp_free(u->ppp);
	if (u->tun_watch)
		g_source_remove(u->tun_watch);
	if (u->tun_fd >= 0)
		close(u->tun_fd);
	esp_sa_free(u->out);
	esp_sa_free(u->in[0]);
	esp_sa_free(u->in[1]);
	secure_wipe(u->pkt, sizeof(u->pkt));
	secure_wipe(u->tun_in, DP_TUN_READ_MAX);
	secure_wipe(u->run, DP_RUN_MAX);
	secure_wipe(u->gro.frame, DP_TUN_READ_MAX);
	g_free(u->tun_in);
	g_free(u->run);
	g_free(u->gro.frame);
	secure_wipe(u->dec, sizeof(u->dec));
	g_free(u);
}

static const struct vpn_datapath_ops userspace_ops = {
	.name = "userspace",
	.add_sa = dp_add_sa,
	.del_sa = dp_del_sa,
	.esp_rx = dp_esp_rx,
	.rx_flush = dp_rx_flush,
	.l2tp_send = dp_l2tp_send,
	.ppp_start = dp_ppp_start,
	.ppp_rx = dp_ppp_rx,
	.ppp_close = dp_ppp_close,
	.get_interface = dp_get_interface,
	.get_stats = dp_get_stats,
	.free = dp_free,
};

/* No kernel-made link-local address on the TUN: IPv6 is there only when IPV6CP gives it. */
static bool ipv6_prepare(struct dp_user *u)
{
	g_autoptr(GError) why = NULL;
	bool ok = os_net_ipv6_prepare(u->ifindex, u->ifname, &why);

	if (!u->profile->ipv6)
		return false;
	if (!ok) {
		log_msg(u->host.log, LOG_LVL_INFO, "IPv6 inside the tunnel is off: %s",
			why->message);
		return false;
	}
	if (u->profile->mtu < 1280) {
		log_msg(u->host.log, LOG_LVL_INFO,
			"IPv6 inside the tunnel is off: it needs an MTU of at least 1280 (profile "
			"mtu=%u)",
			u->profile->mtu);
		return false;
	}
	return true;
}

struct vpn_datapath *vpn_dp_userspace_new(const struct vpn_profile *profile, const char *ifname,
					  const struct vpn_dp_host *host, GError **error)
{
	struct dp_user *u = g_new0(struct dp_user, 1);

	u->base.ops = &userspace_ops;
	u->host = *host;
	/* apart, and not zeroed: 192 KiB that are touched only as traffic needs them */
	u->tun_in = g_malloc(DP_TUN_READ_MAX);
	u->run = g_malloc(DP_RUN_MAX);
	tun_gro_init(&u->gro, g_malloc(DP_TUN_READ_MAX), DP_TUN_READ_MAX);
	u->profile = profile;
	core_timer_init(&u->ppp_timer, ppp_timer_fired, u);
	u->tun_vnet = true;
	u->tun_fd = os_tun_open(ifname, u->ifname, &u->ifindex, &u->tun_vnet, error);
	if (u->tun_fd < 0) {
		g_free(u->tun_in);
		g_free(u->run);
		g_free(u->gro.frame);
		g_free(u);
		return NULL;
	}
	u->tun_watch = os_watch_add(u->tun_fd, G_IO_IN, tun_readable, u);
	u->ipv6_ok = ipv6_prepare(u);
	return &u->base;
}
