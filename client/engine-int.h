/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine's insides, shared by engine*.c only. */
#ifndef L2I_CLIENT_ENGINE_INT_H
#define L2I_CLIENT_ENGINE_INT_H

#include "core-timer.h"
#include "datapath.h"
#include "ipsec.h"
#include "l2tp.h"
#include "os.h"
#include "ppp.h"
#include "vpn-engine.h"

/* How long an old inbound SA still decrypts after a rekey. */
#define ENGINE_REKEY_GRACE_MS 10000
/* NAT keepalive when nothing else went out on UDP 4500 for this long. */
#define ENGINE_NATT_KEEPALIVE_MS 20000
/* How long L2TP waits for each post-Quick-Mode R-U-THERE to be answered, and how many. */
#define ENGINE_PING_WAIT_MS 1000
#define ENGINE_GATE_PINGS   2
/* Upper bound for the whole teardown (each core has its own timeouts below it). */
#define ENGINE_TEARDOWN_MAX_MS 12000

struct vpn_engine {
	struct vpn_profile *profile;
	char *ifname;
	enum vpn_data_path data_path;
	char *dp_note; /* why auto chose this data path (NULL when the profile or CLI chose) */
	bool no_dns;
	char *state_dir;
	char *resolv_conf;

	struct vpn_engine_callbacks cb;
	void *cb_ctx;
	struct log_sink log;
	struct rand_source rnd;

	enum vpn_state state;
	enum vpn_state fail_stage;
	char *fail_msg; /* first failure wins */
	bool tearing_down, finished;
	guint step_idle, teardown_deadline;

	/* sockets */
	uint32_t server_ip, local_ip; /* network order */
	uint16_t local_port, local_port_natt;
	int fd500, fd4500;
	guint watch500, watch4500;
	bool refused500; /* ICMP port unreachable seen on UDP 500 */
	bool no_gso;	 /* UDP_SEGMENT refused: runs go out one datagram at a time */
	uint64_t last_tx_natt;
	struct core_timer keepalive;

	/* IKE */
	struct ike_sa *ike;
	struct core_timer ike_timer;
	bool ike_closing, ike_closed;
	bool have_child;
	uint32_t spi_in, spi_out;
	struct core_timer grace;
	uint32_t grace_spi_in;
	enum { GATE_CLOSED, GATE_PING, GATE_WAIT, GATE_OPEN } gate; /* before L2TP starts */
	unsigned gate_acks;
	struct core_timer gate_timer;

	/* L2TP */
	struct l2tp_tunnel *l2tp;
	struct core_timer l2tp_timer;
	bool l2tp_closing, l2tp_closed;

	/* data path, PPP */
	struct vpn_datapath *dp;
	bool ppp_running, ppp_closing;
	const char *auth_method;

	/* IP configuration */
	struct os_net *net;
	struct os_dns *dns;
	struct vpn_ip_config ip;
	bool ip_applied;
	bool ipv6_negotiated; /* IPV6CP up: the identifiers below wait for IPv4 to be applied */
	uint8_t ipv6_ifid[8], ipv6_peer_ifid[8];
	uint64_t up_since_ms;

	/* for status */
	struct vpn_stats st;
};

/* engine.c */
void engine_set_state(struct vpn_engine *e, enum vpn_state s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Record the failure (first one wins) and start the teardown. */
void engine_fail(struct vpn_engine *e, enum vpn_state stage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Run the next teardown step from the main loop (never inside a core's callback). */
void engine_schedule_step(struct vpn_engine *e);

/* engine-ike.c */
bool engine_ike_start(struct vpn_engine *e, GError **error);
void engine_ike_rearm(struct vpn_engine *e);
void engine_send_natt(void *ctx, const uint8_t *pkt, size_t len);
void engine_send_natt_run(void *ctx, const uint8_t *buf, size_t len, size_t seg);
void engine_sockets_close(struct vpn_engine *e);
/* Fill ike_config from the profile (also used by the probe). */
void engine_ike_config(const struct vpn_profile *p, struct ike_config *c);

/* engine-l2tp.c */
bool engine_l2tp_start(struct vpn_engine *e);
void engine_l2tp_rearm(struct vpn_engine *e);
void engine_l2tp_rx(void *ctx, const uint8_t *pkt, size_t len);

/* engine-net.c */
void engine_ppp_event(void *ctx, const struct ppp_event *ev);
void engine_net_restore(struct vpn_engine *e);

/* engine-ipv6.c */
void engine_ipv6_up(struct vpn_engine *e, const struct ppp_event *ev);
/* After IPv4 is applied: configures an IPv6 pair negotiated earlier; returns ", IPv6 ADDR"
 * for the connected line, or "" (g_free). */
char *engine_ipv6_apply_pending(struct vpn_engine *e);
void engine_ipv6_forget(struct vpn_engine *e);

/* engine-util.c */
/* OpenSSL with its configuration, before any crypto. */
bool engine_crypto_init(GError **error);
void engine_rand(void *ctx, void *buf, size_t len);
char *engine_ip_str(uint32_t addr_be); /* g_free */

#endif
