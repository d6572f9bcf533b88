/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The engine: the one API front ends include (CLI now, NM plugin and GUI
 * later). A profile goes in; the engine connects on the GLib main loop of the
 * calling thread, reports each stage as it completes, applies the IP
 * configuration, and tears everything down in order on every exit path:
 * LCP Terminate, L2TP CDN + StopCCN, IKE DELETE, then routes, DNS and the
 * interface.
 *
 * It is the only layer doing I/O: UDP sockets, the TUN device (userspace
 * data path) or kernel XFRM/L2TP/pppd (kernel data path), rtnetlink, DNS.
 */
#ifndef L2I_VPN_ENGINE_H
#define L2I_VPN_ENGINE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* In connection order; a failure names the state it happened in. */
enum vpn_state {
	VPN_STATE_DOWN,
	VPN_STATE_IKE_PHASE1,
	VPN_STATE_IKE_PHASE2,
	VPN_STATE_L2TP_TUNNEL,
	VPN_STATE_L2TP_SESSION,
	VPN_STATE_PPP_LCP,
	VPN_STATE_PPP_AUTH,
	VPN_STATE_PPP_IPCP,
	VPN_STATE_UP,
	VPN_STATE_DISCONNECTING,
};

/* "ike-phase1", "up", ... stable names for logs, JSON and tests. */
const char *vpn_state_name(enum vpn_state s);
/* "IKE phase 1", ... for people. */
const char *vpn_state_title(enum vpn_state s);

struct vpn_ip_config {
	char ifname[16];
	int ifindex;
	uint32_t local, peer; /* network order */
	uint32_t dns[2];      /* network order; 0 = none */
	uint32_t mtu;
	const char *dns_method; /* "systemd-resolved", a resolv.conf path, or "none" */
	/* IPV6CP: link-local only, fe80::<interface identifier>/64 on ifname and the peer's */
	bool ipv6;
	uint8_t local6[16], peer6[16];
};

struct vpn_stats {
	uint64_t bytes_in, bytes_out; /* IP bytes through the tunnel */
	uint64_t packets_in, packets_out;
	uint64_t uptime_ms; /* since UP; 0 before */
	char ike_suite[64];
	uint32_t ike_lifetime_s;
	bool nat_t;
	char esp_suite[64];
	uint32_t esp_lifetime_s;
	uint32_t spi_in, spi_out;
	const char *encapsulation; /* "udp-transport" (NAT-T) or "transport" */
	uint16_t tunnel_id, peer_tunnel_id, session_id, peer_session_id;
	const char *auth_method; /* "PAP", "MS-CHAPv2", ... or "" */
	const char *data_path;	 /* "userspace" or "kernel" */
	char gateway[64];
};

struct vpn_failure {
	enum vpn_state stage;
	const char *message; /* one sentence that says what failed and what to try */
};

struct vpn_engine_callbacks {
	/* A stage completed or began; detail is one line for people ("aes256-sha1-modp2048").
	 * UP may come again while up when the IP configuration grows (IPv6 after IPv4). */
	void (*state_changed)(void *ctx, enum vpn_state state, const char *detail);
	/* A log line (cores and engine); never contains a secret. */
	void (*log)(void *ctx, enum log_level level, const char *line);
	/* Last call: failure NULL after a clean disconnect the user asked for. */
	void (*finished)(void *ctx, const struct vpn_failure *failure);
};

struct vpn_engine_options {
	const char *ifname;	      /* NULL: profile's, else "l2tp%d" */
	enum vpn_data_path data_path; /* overrides the profile's when not AUTO */
	bool no_dns;		      /* leave DNS alone */
	const char *state_dir;	      /* NULL: /run/l2tp-ipsec */
	const char *resolv_conf;      /* NULL: /etc/resolv.conf */
	enum log_level log_level;
};

struct vpn_engine;

/* Takes ownership of profile (its secrets are wiped when the engine is freed). */
struct vpn_engine *vpn_engine_new(struct vpn_profile *profile, const struct vpn_engine_options *opt,
				  const struct vpn_engine_callbacks *cb, void *ctx);
/* Stops without a goodbye if still connected (call disconnect first); NULL is fine. */
void vpn_engine_free(struct vpn_engine *e);

/* Starts connecting; false only for errors found before anything is sent. */
bool vpn_engine_connect(struct vpn_engine *e, GError **error);
/* Orderly teardown; finished(NULL) follows. Idempotent. */
void vpn_engine_disconnect(struct vpn_engine *e);

enum vpn_state vpn_engine_get_state(const struct vpn_engine *e);
const struct vpn_profile *vpn_engine_get_profile(const struct vpn_engine *e);
void vpn_engine_get_stats(const struct vpn_engine *e, struct vpn_stats *st);
/* False until the IP configuration is applied. */
bool vpn_engine_get_ip_config(const struct vpn_engine *e, struct vpn_ip_config *ip);

/* ---- probe: which phase 1 transforms a server accepts (engine-probe.c) ---- */

enum vpn_probe_grade {
	VPN_GRADE_STRONG,
	VPN_GRADE_ACCEPTABLE,
	VPN_GRADE_WEAK,
};

enum vpn_probe_answer {
	VPN_PROBE_ACCEPTED,
	VPN_PROBE_REJECTED,
	VPN_PROBE_NO_ANSWER,
};

struct vpn_probe_item {
	struct ike_p1_proposal proposal;
	enum vpn_probe_answer answer;
	enum vpn_probe_grade grade;
};

struct vpn_probe_report {
	char gateway[64];
	struct vpn_probe_item *items;
	unsigned n_items;
	bool ok; /* phase 1 and phase 2 completed with the best accepted transform */
	char phase1_suite[64];
	uint32_t phase1_lifetime_s;
	bool nat_t;
	char phase2_suite[64];
	uint32_t phase2_lifetime_s;
	uint32_t spi_in, spi_out;
	const char *encapsulation;
	char *error; /* one sentence, NULL when ok */
};

struct vpn_probe_callbacks {
	/* After each transform, for progress output; may be NULL. */
	void (*item)(void *ctx, const struct vpn_probe_item *item, unsigned index, unsigned total);
	void (*log)(void *ctx, enum log_level level, const char *line);
	/* Last call; the report lives until vpn_probe_free(). */
	void (*finished)(void *ctx, const struct vpn_probe_report *report);
};

struct vpn_probe;

/* legacy: also DES. Borrows profile (gateway, psk, ESP proposals) until freed. */
struct vpn_probe *vpn_probe_new(const struct vpn_profile *profile, bool legacy,
				const struct vpn_probe_callbacks *cb, void *ctx);
bool vpn_probe_start(struct vpn_probe *p, GError **error);
void vpn_probe_free(struct vpn_probe *p);

enum vpn_probe_grade vpn_probe_grade_of(const struct ike_p1_proposal *pr);
/* "aes256-sha2_256-modp2048" (ike_p1_proposal_name into a static-size buffer). */
const char *vpn_proposal_name(const struct ike_p1_proposal *pr, char *buf, size_t len);
const char *vpn_probe_grade_name(enum vpn_probe_grade g);
const char *vpn_probe_answer_name(enum vpn_probe_answer a);

#endif
