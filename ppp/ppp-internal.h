/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ppp internals shared by fsm.c, lcp.c, ipcp.c, ipv6cp.c, auth.c and ppp.c. */
#ifndef L2I_PPP_INTERNAL_H
#define L2I_PPP_INTERNAL_H

#include "fsm.h"
#include "mschap.h"
#include "ppp.h"

#define PPP_PROTO_LCP	 0xc021
#define PPP_PROTO_PAP	 0xc023
#define PPP_PROTO_CHAP	 0xc223
#define PPP_PROTO_EAP	 0xc227
#define PPP_PROTO_IPCP	 0x8021
#define PPP_PROTO_IPV6CP 0x8057

#define CHAP_ALG_MD5	  5
#define CHAP_ALG_MSCHAP	  0x80
#define CHAP_ALG_MSCHAPV2 0x81

/* Largest control packet we build (an LCP packet inside the peer's MRU). */
#define PPP_CTRL_MAX 1500
#define PPP_HDR_LEN  4

enum ppp_phase {
	PHASE_DEAD,
	PHASE_ESTABLISH,
	PHASE_AUTHENTICATE,
	PHASE_NETWORK,
	PHASE_TERMINATE,
	PHASE_FINISHED, /* a terminal event was emitted */
};

/* What the server offered in LCP Auth-Protocol, for error messages. */
enum {
	OFFER_PAP = 1 << 0,
	OFFER_CHAP_MD5 = 1 << 1,
	OFFER_MSCHAPV2 = 1 << 2,
	OFFER_EAP = 1 << 3,
	OFFER_MSCHAP = 1 << 4,
	OFFER_OTHER = 1 << 5,
};

struct lcp_state {
	/* ours */
	bool neg_mru, neg_magic;
	uint16_t mru;
	uint32_t magic;
	/* the peer's, agreed in its Configure-Request */
	uint16_t peer_mru;
	uint32_t peer_magic;
	enum ppp_auth_method auth; /* what we Acked */
	unsigned offered;	   /* OFFER_* seen in Auth-Protocol */
	unsigned auth_naks;	   /* Auth-Protocol Naks sent: rotates our suggestion */
	/* echo */
	uint64_t echo_due;
	unsigned echo_pending;
	uint8_t echo_id;
	bool echo_off; /* peer Code-Rejected Echo-Request */
};

struct ipcp_state {
	bool neg_addr, neg_dns1, neg_dns2;
	uint32_t addr, dns1, dns2, peer_addr; /* network order, kept as bytes */
};

struct ipv6cp_state {
	bool neg_ifid;
	uint8_t ifid[8], peer_ifid[8];
};

enum auth_state {
	AUTH_IDLE,
	AUTH_PAP_SENT,	     /* Authenticate-Request out, waiting for Ack/Nak */
	AUTH_CHAP_WAIT,	     /* waiting for a Challenge */
	AUTH_CHAP_RESPONDED, /* Response out, waiting for Success/Failure */
	AUTH_DONE,
};

struct auth_ctx {
	enum auth_state state;
	uint8_t id;
	unsigned tries;
	uint64_t due; /* retransmit / give-up time; 0 = off */
	/* last CHAP response, resent for a repeated Challenge or on timeout */
	uint8_t resp[1 + 49 + 255];
	size_t resp_len;
	uint8_t chal_id;
	bool have_resp;
	char expect_s[MSCHAP_AUTH_RESPONSE_LEN + 1]; /* "S=..." we expect */
};

struct ppp {
	struct ppp_config cfg;
	char *username;
	struct secbuf *password;
	struct ppp_callbacks cb;
	void *ctx;
	struct rand_source rnd;
	struct log_sink log;
	bool have_log;

	enum ppp_phase phase;
	uint64_t now;
	bool closing_by_us;
	bool in_auth_terminate; /* peer ended LCP while we authenticated */

	struct fsm lcp, ipcp, ipv6cp;
	struct lcp_state lcps;
	struct ipcp_state ipcps;
	struct ipv6cp_state ipv6cps;
	struct auth_ctx auth;
	bool ipcp_reported, ipv6cp_reported;
	bool ipv6cp_pending; /* want_ipv6: IPV6CP waits for the server to start it (ppp.c) */

	struct mschap_crypto *crypto;
	uint8_t buf[PPP_HDR_LEN + PPP_CTRL_MAX];
};

const struct log_sink *ppp_log(const struct ppp *p);
/* Frame header + payload out through cb.send; payload = code..end of packet. */
void ppp_send_frame(struct ppp *p, uint16_t proto, const uint8_t *payload, size_t len);
void ppp_emit(struct ppp *p, struct ppp_event *ev);
/* Terminal: emits ev (AUTH_FAILED, FAILED, LINK_DEAD, TERMINATED) once. */
void ppp_finish(struct ppp *p, struct ppp_event *ev);
void ppp_fail(struct ppp *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The peer sent LCP Terminate-Request: what it means depends on the phase. */
void ppp_peer_terminated(struct ppp *p, const uint8_t *data, size_t len);
void ppp_send_protocol_reject(struct ppp *p, uint16_t proto, const uint8_t *info, size_t len);

/* Phase changes driven by LCP. */
void ppp_lcp_up(struct ppp *p);
void ppp_lcp_down(struct ppp *p);
void ppp_lcp_finished(struct ppp *p);
void ppp_auth_done(struct ppp *p);
void ppp_ncp_up(struct ppp *p, struct fsm *f);
void ppp_ncp_finished(struct ppp *p, struct fsm *f);

extern const struct fsm_ops lcp_ops, ipcp_ops, ipv6cp_ops;

/* LCP extras (lcp.c) */
void lcp_echo_start(struct ppp *p);
void lcp_echo_tick(struct ppp *p);
/* Describe OFFER_* bits as "EAP, MS-CHAPv2" into buf. */
void lcp_describe_offers(unsigned offered, char *buf, size_t len);
const char *auth_list_names(unsigned methods, char *buf, size_t len);

/* auth.c */
void auth_start(struct ppp *p);
/* 0 or -EBADMSG */
int auth_rx(struct ppp *p, uint16_t proto, const uint8_t *pkt, size_t len);
void auth_tick(struct ppp *p);
void auth_reset(struct ppp *p);

#endif
