/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel data path: ESP in XFRM, L2TP data in the kernel's l2tp_ppp, PPP in pppd.
 *
 *   Quick Mode done -> XFRM SAs, then policies for UDP between our L2TP port and the server's
 *                      1701 (fail closed: before them, l2tp_send refuses)
 *   L2TP control    -> our l2tp/ core on a connected UDP socket; the kernel encrypts it
 *   session up      -> kernel tunnel + session on that socket, PPPoL2TP socket, pppd with
 *                      pppol2tp.so and our plugin (password over a pipe, IPCP result back)
 *   teardown        -> pppd's LCP Terminate, our CDN/StopCCN, then kernel session, socket,
 *                      policies and SAs go, in that order
 *
 * ESP on UDP 4500 is the kernel's once UDP_ENCAP_ESPINUDP is set on the engine's socket; IKE
 * still reaches the engine behind the non-ESP marker.
 */
#include <errno.h>
#include <glib-unix.h>
#include <net/if.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "datapath.h"
#include "kernel-l2tp.h"
#include "kernel-pppd.h"
#include "kernel-xfrm.h"
#include "os.h"

#define L2TP_PORT	   1701
#define RX_BATCH	   32
#define PPPD_LOG_LINE_MAX  256
#define REPLAY_WINDOW	   32 /* the most the kernel's legacy replay state keeps */

/* pppd.h phases and exit codes the engine cares about */
enum {
	PPPD_PHASE_AUTHENTICATE = 5,
	PPPD_PHASE_NETWORK = 7,
	PPPD_PHASE_RUNNING = 8,
	PPPD_EXIT_USER_REQUEST = 5,
	PPPD_EXIT_PEER_DEAD = 15,
	PPPD_EXIT_AUTH_TOPEER_FAILED = 19,
};

/* One negotiated SA pair as the kernel holds it. */
struct kpair {
	uint32_t spi_in, spi_out;
	bool in, out; /* installed */
};

struct dp_kernel;

/* One of pppd's pipes (plugin reports, pppd's own output), read line by line. */
struct line_reader {
	struct dp_kernel *k;
	void (*fn)(struct dp_kernel *k, char *line);
	int fd;
	guint watch;
	char buf[PPPD_LOG_LINE_MAX];
	size_t len;
};

struct dp_kernel {
	struct vpn_datapath base;
	struct vpn_dp_host host;
	const struct vpn_profile *profile;
	char *plugin_path;

	int xfrm_fd;
	struct kernel_xfrm_flow flow;
	bool have_flow, policies;
	struct kpair pair[2]; /* [0] newest; [1] inbound kept through a rekey grace period */

	int l2tp_fd;
	guint l2tp_watch;
	struct kernel_l2tp kl2tp;
	struct kernel_l2tp_ids ids;
	bool kernel_session;

	struct kernel_pppd pppd;
	guint child_watch;
	struct line_reader report, log;
	char last_log[PPPD_LOG_LINE_MAX];
	bool pppd_running, lcp_up, auth_ok, ip_up, closing, ppp_done;
	enum ppp_auth_method method;
	char ifname[IF_NAMESIZE];
	int ifindex;
};

static struct dp_kernel *to_kernel(struct vpn_datapath *dp)
{
	return (struct dp_kernel *)dp;
}

/* ---- XFRM ---- */

static struct kernel_esp_sa esp_of(const struct ipsec_child_sa *sa)
{
	return (struct kernel_esp_sa){
		.spi_in = sa->spi_in,
		.spi_out = sa->spi_out,
		.esp_transform = sa->esp_transform,
		.key_bits = sa->key_bits,
		.auth_alg = sa->auth_alg,
		.keymat_in = sa->keymat_in->data,
		.keymat_out = sa->keymat_out->data,
		.keymat_len = sa->keymat_in->len,
	};
}

static void pair_del(struct dp_kernel *k, struct kpair *p, bool in, bool out)
{
	struct kernel_esp_sa id = {.spi_in = p->spi_in, .spi_out = p->spi_out};

	if (out && p->out) {
		(void)kernel_xfrm_del_sa(k->xfrm_fd, &k->flow, &id, KERNEL_XFRM_OUT);
		p->out = false;
	}
	if (in && p->in) {
		(void)kernel_xfrm_del_sa(k->xfrm_fd, &k->flow, &id, KERNEL_XFRM_IN);
		p->in = false;
	}
}

static gboolean l2tp_readable(gint fd, GIOCondition cond, gpointer data);

/* The first SA pair fixes where everything applies: addresses, NAT-T ports, our L2TP port. */
static int setup_flow(struct dp_kernel *k, const struct vpn_dp_flow *flow)
{
	g_autoptr(GError) error = NULL;
	struct in_addr server = {.s_addr = flow->remote_ip};
	unsigned removed = 0;
	uint16_t port = 0;
	int err;

	/* what a crashed run of ours left for this server would clash with the new policies */
	if (kernel_xfrm_cleanup(k->xfrm_fd, &server, &removed) == 0 && removed)
		log_msg(k->host.log, LOG_LVL_INFO,
			"removed %u IPsec SAs and policies an earlier run left for this server",
			removed);
	/* IKE must never be caught by an IPsec policy, ours or another daemon's (as charon) */
	if ((err = kernel_xfrm_socket_bypass(flow->ike_fd)) ||
	    (err = kernel_xfrm_socket_bypass(flow->natt_fd)))
		return err;
	if (flow->natt) {
		err = kernel_xfrm_socket_espinudp(flow->natt_fd);
		if (err)
			return err;
	}
	k->l2tp_fd = os_udp_open(flow->remote_ip, L2TP_PORT, L2TP_PORT, NULL, &port, &error);
	if (k->l2tp_fd < 0) {
		log_msg(k->host.log, LOG_LVL_WARN, "%s", error->message);
		return -EADDRNOTAVAIL;
	}
	k->flow = (struct kernel_xfrm_flow){
		.local.s_addr = flow->local_ip,
		.remote.s_addr = flow->remote_ip,
		.natt_local_port = flow->natt ? flow->local_port : 0,
		.natt_remote_port = flow->natt ? flow->remote_port : 0,
		.l2tp_local_port = port,
		.l2tp_remote_port = L2TP_PORT,
		/* one connection per process: the pid tells ours apart in `ip xfrm` */
		.reqid = KERNEL_XFRM_REQID_MIN | ((uint32_t)getpid() & 0xffffu),
		.replay_window = REPLAY_WINDOW,
	};
	k->have_flow = true;
	k->l2tp_watch = os_watch_add(k->l2tp_fd, G_IO_IN, l2tp_readable, k);
	return 0;
}

static int dp_add_sa(struct vpn_datapath *dp, const struct ipsec_child_sa *sa,
		     const struct vpn_dp_flow *flow)
{
	struct dp_kernel *k = to_kernel(dp);
	struct kernel_esp_sa esp = esp_of(sa);
	int err;

	if (!k->have_flow && (err = setup_flow(k, flow)))
		return err;
	err = kernel_xfrm_add_sas(k->xfrm_fd, &k->flow, &esp);
	if (err)
		return err;
	/* the kernel picks the newest outbound SA; taking the old one away makes that certain */
	pair_del(k, &k->pair[1], true, true);
	pair_del(k, &k->pair[0], false, true);
	k->pair[1] = k->pair[0];
	k->pair[0] = (struct kpair){sa->spi_in, sa->spi_out, true, true};
	if (!k->policies) {
		err = kernel_xfrm_add_policies(k->xfrm_fd, &k->flow);
		if (err) {
			pair_del(k, &k->pair[0], true, true);
			return err;
		}
		k->policies = true;
	}
	return 0;
}

static void dp_del_sa(struct vpn_datapath *dp, uint32_t spi_in)
{
	struct dp_kernel *k = to_kernel(dp);

	for (int i = 0; i < 2; i++)
		if ((k->pair[i].in || k->pair[i].out) && k->pair[i].spi_in == spi_in)
			pair_del(k, &k->pair[i], true, true);
	/* policies stay: without an SA they drop L2TP instead of letting it out in clear */
}

static void dp_esp_rx(struct vpn_datapath *dp, const uint8_t *pkt, size_t len)
{
	/* ESP is the kernel's after UDP_ENCAP_ESPINUDP; anything before that is dropped */
}

/* ---- L2TP socket ---- */

static int dp_l2tp_send(struct vpn_datapath *dp, const uint8_t *pkt, size_t len)
{
	struct dp_kernel *k = to_kernel(dp);

	if (!k->policies || !k->pair[0].out)
		return -ENOTCONN;
	if (send(k->l2tp_fd, pkt, len, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

static gboolean l2tp_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct dp_kernel *k = data;
	uint8_t buf[2048];

	for (int i = 0; i < RX_BATCH; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && (errno == EINTR || errno == ECONNREFUSED))
			continue;
		if (n <= 0)
			break;
		/* the policy made the kernel drop anything that did not come through our SA */
		k->host.l2tp_rx(k->host.ctx, buf, (size_t)n);
	}
	return G_SOURCE_CONTINUE;
}

/* ---- pppd ---- */

static void emit(struct dp_kernel *k, enum ppp_event_type type, const char *message, bool by_peer)
{
	struct ppp_event ev = {.type = type, .method = k->method, .message = message,
			       .by_peer = by_peer};

	k->host.ppp_event(k->host.ctx, &ev);
}

static enum ppp_auth_method method_from(const char *name)
{
	static const struct {
		const char *name;
		enum ppp_auth_method m;
	} map[] = {
		{"pap", PPP_AUTH_PAP},		{"chap", PPP_AUTH_CHAP_MD5},
		{"mschap", PPP_AUTH_MSCHAP},	{"mschapv2", PPP_AUTH_MSCHAPV2},
		{"eap", PPP_AUTH_EAP},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
		if (!strcmp(name, map[i].name))
			return map[i].m;
	return PPP_AUTH_NONE;
}

/* pppd is gone (its exit report, or the process ended without one): one terminal event. */
static void pppd_ended(struct dp_kernel *k, int status)
{
	g_autofree char *msg = NULL;

	if (k->ppp_done)
		return;
	k->ppp_done = true;
	k->ip_up = false;
	if (k->closing || status == PPPD_EXIT_USER_REQUEST) {
		emit(k, PPP_EV_TERMINATED, "PPP: link closed.", !k->closing);
		return;
	}
	if (status == PPPD_EXIT_AUTH_TOPEER_FAILED) {
		emit(k, PPP_EV_AUTH_FAILED,
		     "PPP: the server rejected our credentials; check the user name and password.",
		     true);
		return;
	}
	if (status == PPPD_EXIT_PEER_DEAD) {
		emit(k, PPP_EV_LINK_DEAD, "PPP: the server stopped answering LCP echoes.", true);
		return;
	}
	msg = g_strdup_printf("PPP: pppd exited: %s (status %d)%s%s", kernel_pppd_exit_str(status),
			      status, k->last_log[0] ? "; its last words: " : "", k->last_log);
	/* the server ending the link during authentication means bad credentials (engine) */
	emit(k, k->lcp_up && !k->auth_ok ? PPP_EV_TERMINATED : PPP_EV_FAILED, msg, true);
}

static void pppd_event(struct dp_kernel *k, const struct kernel_pppd_event *ev)
{
	struct ppp_event up = {.type = PPP_EV_IPCP_UP};

	switch (ev->type) {
	case KERNEL_PPPD_EV_AUTH:
		k->method = method_from(ev->method);
		break;
	case KERNEL_PPPD_EV_PHASE:
		if (ev->phase >= PPPD_PHASE_AUTHENTICATE && ev->phase <= PPPD_PHASE_RUNNING &&
		    !k->lcp_up) {
			k->lcp_up = true;
			emit(k, PPP_EV_LCP_UP, NULL, false);
		}
		if ((ev->phase == PPPD_PHASE_NETWORK || ev->phase == PPPD_PHASE_RUNNING) &&
		    !k->auth_ok) {
			k->auth_ok = true;
			emit(k, PPP_EV_AUTH_OK, NULL, false);
		}
		break;
	case KERNEL_PPPD_EV_IP_UP:
		g_strlcpy(k->ifname, ev->ifname, sizeof(k->ifname));
		k->ifindex = (int)if_nametoindex(k->ifname);
		k->ip_up = true;
		up.method = k->method;
		up.local_addr = ev->local;
		up.peer_addr = ev->peer;
		up.dns1 = ev->dns1;
		up.dns2 = ev->dns2;
		k->host.ppp_event(k->host.ctx, &up);
		break;
	case KERNEL_PPPD_EV_IP_DOWN:
		if (k->ip_up && !k->closing)
			emit(k, PPP_EV_LINK_DOWN, NULL, true);
		k->ip_up = false;
		break;
	case KERNEL_PPPD_EV_EXIT:
		pppd_ended(k, ev->status);
		break;
	}
}

/* Reads what is there; calls r->fn for each complete line. False at EOF or error. */
static bool read_lines(struct line_reader *r)
{
	for (;;) {
		ssize_t n = read(r->fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len);
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN;
		if (n == 0)
			return false;
		r->len += (size_t)n;
		while ((nl = memchr(r->buf, '\n', r->len))) {
			*nl = '\0';
			r->fn(r->k, r->buf);
			r->len -= (size_t)(nl + 1 - r->buf);
			memmove(r->buf, nl + 1, r->len);
		}
		if (r->len == sizeof(r->buf) - 1) { /* an overlong line: take it as it is */
			r->buf[r->len] = '\0';
			r->fn(r->k, r->buf);
			r->len = 0;
		}
	}
}

static void report_line(struct dp_kernel *k, char *line)
{
	struct kernel_pppd_event ev;

	if (kernel_pppd_parse_line(line, strlen(line), &ev) == 0)
		pppd_event(k, &ev);
	else
		log_msg(k->host.log, LOG_LVL_DEBUG, "pppd plugin: unreadable report `%s'", line);
}

static void log_line(struct dp_kernel *k, char *line)
{
	if (!*line)
		return;
	g_strlcpy(k->last_log, line, sizeof(k->last_log));
	log_msg(k->host.log, LOG_LVL_DEBUG, "pppd: %s", line);
}

static gboolean lines_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct line_reader *r = data;

	if (read_lines(r))
		return G_SOURCE_CONTINUE;
	r->watch = 0;
	return G_SOURCE_REMOVE;
}

static void lines_watch(struct dp_kernel *k, struct line_reader *r, int fd,
			void (*fn)(struct dp_kernel *k, char *line))
{
	r->k = k;
	r->fn = fn;
	r->fd = fd;
	r->len = 0;
	r->watch = os_watch_add(fd, G_IO_IN | G_IO_HUP, lines_readable, r);
}

static void pppd_exited(GPid pid, gint wait_status, gpointer data)
{
	struct dp_kernel *k = data;

	k->child_watch = 0;
	k->pppd_running = false;
	g_spawn_close_pid(pid);
	/* the last report and log lines may still sit in the pipes */
	if (k->report.watch)
		(void)read_lines(&k->report);
	if (k->log.watch)
		(void)read_lines(&k->log);
	if (WIFEXITED(wait_status))
		pppd_ended(k, WEXITSTATUS(wait_status));
	else
		pppd_ended(k, -WTERMSIG(wait_status));
}

static unsigned pppd_auth(const struct vpn_profile *p)
{
	unsigned a = KERNEL_PPPD_PAP | KERNEL_PPPD_CHAP_MD5 | KERNEL_PPPD_MSCHAP |
		     KERNEL_PPPD_MSCHAP_V2 | KERNEL_PPPD_EAP;

	if (p->refuse_pap)
		a &= ~(unsigned)KERNEL_PPPD_PAP;
	if (p->refuse_chap)
		a &= ~(unsigned)KERNEL_PPPD_CHAP_MD5;
	if (p->refuse_mschap)
		a &= ~(unsigned)KERNEL_PPPD_MSCHAP;
	if (p->refuse_mschapv2)
		a &= ~(unsigned)KERNEL_PPPD_MSCHAP_V2;
	if (p->refuse_eap)
		a &= ~(unsigned)KERNEL_PPPD_EAP;
	/* every method refused: pppd would take 0 for "all"; keep one impossible bit instead */
	return a ? a : 1u << 31;
}

static int dp_ppp_start(struct vpn_datapath *dp, struct l2tp_tunnel *tunnel)
{
	struct dp_kernel *k = to_kernel(dp);
	const struct vpn_profile *p = k->profile;
	g_autofree char *user =
		p->domain ? g_strdup_printf("%s\\%s", p->domain, p->user) : g_strdup(p->user);
	struct kernel_pppd_cfg c = {
		.plugin_path = k->plugin_path,
		.user = user,
		.password = p->password,
		.auth = pppd_auth(p),
		.mtu = p->mtu,
		.mru = p->mru,
		.lcp_echo_interval = p->lcp_echo_interval_s,
		.lcp_echo_failure = p->lcp_echo_failure,
		.ipparam = p->name,
		.debug = k->host.log && k->host.log->max_level >= LOG_LVL_DEBUG,
		.capture_log = true,
	};
	struct l2tp_ids ids;
	int pppox, err;

	if (k->pppd_running || k->kernel_session)
		return -EALREADY;
	l2tp_tunnel_get_ids(tunnel, &ids);
	k->ids = (struct kernel_l2tp_ids){ids.tunnel_id, ids.peer_tunnel_id, ids.session_id,
					  ids.peer_session_id};
	err = kernel_l2tp_create(&k->kl2tp, k->l2tp_fd, &k->ids);
	if (err) {
		log_msg(k->host.log, LOG_LVL_WARN, "kernel L2TP session: %s", g_strerror(-err));
		return err;
	}
	k->kernel_session = true;
	pppox = kernel_l2tp_pppox_open(k->l2tp_fd, &k->ids);
	if (pppox < 0) {
		log_msg(k->host.log, LOG_LVL_WARN, "PPPoL2TP socket: %s", g_strerror(-pppox));
		return pppox;
	}
	err = kernel_pppd_spawn(&c, pppox, &k->pppd);
	close(pppox); /* pppd has its own copy */
	if (err) {
		log_msg(k->host.log, LOG_LVL_WARN, "cannot start pppd: %s", g_strerror(-err));
		return err;
	}
	k->pppd_running = true;
	lines_watch(k, &k->report, k->pppd.report_fd, report_line);
	lines_watch(k, &k->log, k->pppd.log_fd, log_line);
	k->child_watch = g_child_watch_add(k->pppd.pid, pppd_exited, k);
	return 0;
}

static void dp_ppp_rx(struct vpn_datapath *dp, const uint8_t *frame, size_t len)
{
	/* PPP frames that reached our socket before the kernel session existed: pppd's LCP
	 * retransmits or the server's cover them */
}

static bool dp_ppp_close(struct vpn_datapath *dp)
{
	struct dp_kernel *k = to_kernel(dp);

	if (!k->pppd_running || k->ppp_done)
		return false;
	k->closing = true;
	/* pppd sends LCP Terminate-Request, waits for the Ack, and exits (status 5) */
	kill(k->pppd.pid, SIGTERM);
	return true;
}

/* A number from /sys/class/net/IFNAME/NAME; 0 when unreadable. */
static uint64_t read_sys(const char *ifname, const char *name)
{
	g_autofree char *path = g_strdup_printf("/sys/class/net/%s/%s", ifname, name);
	g_autofree char *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	return g_ascii_strtoull(text, NULL, 10);
}

static bool dp_get_interface(struct vpn_datapath *dp, char ifname[16], int *ifindex,
			     unsigned *mtu)
{
	struct dp_kernel *k = to_kernel(dp);

	if (!k->ifname[0] || !k->ifindex)
		return false;
	/* pppd set it from LCP (its mtu option capped by the server's MRU) */
	*mtu = (unsigned)read_sys(k->ifname, "mtu");
	g_strlcpy(ifname, k->ifname, 16);
	*ifindex = k->ifindex;
	return true;
}

static void dp_get_stats(struct vpn_datapath *dp, struct vpn_dp_stats *st)
{
	struct dp_kernel *k = to_kernel(dp);

	memset(st, 0, sizeof(*st));
	if (!k->ip_up)
		return;
	st->bytes_in = read_sys(k->ifname, "statistics/rx_bytes");
	st->bytes_out = read_sys(k->ifname, "statistics/tx_bytes");
	st->packets_in = read_sys(k->ifname, "statistics/rx_packets");
	st->packets_out = read_sys(k->ifname, "statistics/tx_packets");
}

static void stop_pppd(struct dp_kernel *k)
{
	if (k->child_watch) {
		g_source_remove(k->child_watch);
		k->child_watch = 0;
	}
	if (k->pppd_running) {
		/* no goodbyes here: the orderly path went through dp_ppp_close */
		kill(k->pppd.pid, SIGKILL);
		while (waitpid(k->pppd.pid, NULL, 0) < 0 && errno == EINTR)
			;
		k->pppd_running = false;
	}
	if (k->report.watch)
		g_source_remove(k->report.watch);
	if (k->log.watch)
		g_source_remove(k->log.watch);
	k->report.watch = k->log.watch = 0;
	if (k->pppd.report_fd >= 0)
		close(k->pppd.report_fd);
	if (k->pppd.log_fd >= 0)
		close(k->pppd.log_fd);
	k->pppd.report_fd = k->pppd.log_fd = -1;
}

static void dp_free(struct vpn_datapath *dp)
{
	struct dp_kernel *k = to_kernel(dp);

	stop_pppd(k);
	if (k->kernel_session)
		(void)kernel_l2tp_delete(&k->kl2tp, &k->ids);
	kernel_l2tp_close(&k->kl2tp);
	if (k->l2tp_watch)
		g_source_remove(k->l2tp_watch);
	if (k->l2tp_fd >= 0)
		close(k->l2tp_fd);
	/* the L2TP socket is closed: nothing can leave in clear while policies and SAs go */
	if (k->policies)
		(void)kernel_xfrm_del_policies(k->xfrm_fd, &k->flow);
	pair_del(k, &k->pair[0], true, true);
	pair_del(k, &k->pair[1], true, true);
	if (k->xfrm_fd >= 0)
		close(k->xfrm_fd);
	g_free(k->plugin_path);
	g_free(k);
}

static const struct vpn_datapath_ops kernel_ops = {
	.name = "kernel",
	.add_sa = dp_add_sa,
	.del_sa = dp_del_sa,
	.esp_rx = dp_esp_rx,
	.l2tp_send = dp_l2tp_send,
	.ppp_start = dp_ppp_start,
	.ppp_rx = dp_ppp_rx,
	.ppp_close = dp_ppp_close,
	.get_interface = dp_get_interface,
	.get_stats = dp_get_stats,
	.free = dp_free,
};

struct vpn_datapath *vpn_dp_kernel_new(const struct vpn_profile *profile,
				       const struct vpn_dp_host *host, GError **error)
{
	struct dp_kernel *k = g_new0(struct dp_kernel, 1);
	g_autofree char *reason = NULL;
	int err;

	k->base.ops = &kernel_ops;
	k->host = *host;
	k->profile = profile;
	k->l2tp_fd = -1;
	k->kl2tp.fd = -1;
	k->pppd.report_fd = k->pppd.log_fd = -1;
	if (!vpn_dp_kernel_check(&k->xfrm_fd, &k->plugin_path, &reason)) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_UNSUPPORTED,
			    "the kernel data path cannot be used: %s; use --data-path userspace",
			    reason);
		g_free(k);
		return NULL;
	}
	err = kernel_l2tp_open(&k->kl2tp);
	if (err) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_UNSUPPORTED,
			    "kernel L2TP netlink: %s", g_strerror(-err));
		dp_free(&k->base);
		return NULL;
	}
	return &k->base;
}
