/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ppp: the built-in PPP peer (client side) as a pure core.
 *
 * LCP, IPCP and IPV6CP run one RFC 1661 option negotiation automaton each;
 * the client authenticates itself with PAP (RFC 1334), CHAP-MD5 (RFC 1994) or
 * MS-CHAPv2 (RFC 2759, the server's authenticator response is verified).
 *
 * Frames in and out are PPP frames as carried over L2TP: FF 03 followed by the
 * protocol field. We always send FF 03 and a 2-byte protocol; we accept
 * frames with or without FF 03 and with a 1-byte (compressed) protocol.
 *
 * No I/O, no clocks: the caller passes now_ms, calls ppp_tick() when
 * ppp_next_timeout() is due, and gets frames and events through callbacks.
 * Callbacks must not call back into the same struct ppp (except the getters).
 */
#ifndef L2I_PPP_H
#define L2I_PPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#define PPP_PROTO_IP   0x0021
#define PPP_PROTO_IPV6 0x0057

/* Authentication methods, also used as bits of ppp_config.allowed_auth. */
enum ppp_auth_method {
	PPP_AUTH_NONE = 0,
	PPP_AUTH_PAP = 1 << 0,
	PPP_AUTH_CHAP_MD5 = 1 << 1,
	PPP_AUTH_MSCHAPV2 = 1 << 2,
	/* Names only: pppd on the kernel path may use them; the built-in PPP does not. */
	PPP_AUTH_MSCHAP = 1 << 3,
	PPP_AUTH_EAP = 1 << 4,
};

#define PPP_AUTH_ALL (PPP_AUTH_PAP | PPP_AUTH_CHAP_MD5 | PPP_AUTH_MSCHAPV2)

struct ppp_config {
	const char *username;	       /* copied; NULL means "" */
	const struct secbuf *password; /* copied into our own secbuf, wiped on free */
	unsigned allowed_auth;	       /* PPP_AUTH_* bits (refuse-pap etc. clear bits) */
	uint16_t mru;		       /* MRU we ask for; 0 = do not ask (1500) */
	uint32_t echo_interval_ms;     /* LCP echo period; 0 = no echo requests */
	unsigned echo_failure;	       /* unanswered echoes before LINK_DEAD */
	uint32_t restart_ms;	       /* restart timer (RFC 1661 4.6) */
	unsigned max_configure;	       /* Configure-Requests before giving up */
	unsigned max_terminate;	       /* Terminate-Requests before giving up */
	unsigned max_failure;	       /* Configure-Naks before we Reject instead */
	bool want_dns;		       /* ask for DNS 129/131 in IPCP */
	bool want_ipv6;		       /* answer IPV6CP when the server starts it (else
					* Protocol-Reject it); we never start it first */
};

/* Defaults: all methods, MRU 1400, echo 30 s x 4, restart 3 s, 10 configure
 * attempts (SoftEther's IPCP waits up to 1.6 s for DHCP), 2 terminates,
 * 5 Naks, DNS on, IPv6 on. */
void ppp_config_init(struct ppp_config *cfg);

enum ppp_event_type {
	PPP_EV_LCP_UP,	  /* link options agreed */
	PPP_EV_AUTH_OK,	  /* .method */
	PPP_EV_IPCP_UP,	  /* .local_addr .peer_addr .dns1 .dns2 */
	PPP_EV_IPV6CP_UP, /* .local_ifid .peer_ifid */
	PPP_EV_LINK_DOWN, /* the peer restarted LCP: IP traffic paused until *_UP again */
	/* Terminal events: exactly one of these ends a session; the object is
	 * dead afterwards (ppp_rx drops everything, ppp_next_timeout = UINT64_MAX). */
	PPP_EV_AUTH_FAILED, /* .method, .message */
	PPP_EV_FAILED,	    /* negotiation failed: .message */
	PPP_EV_LINK_DEAD,   /* echo requests unanswered: .message */
	PPP_EV_TERMINATED,  /* .by_peer, .message (peer's reason or ours) */
};

struct ppp_event {
	enum ppp_event_type type;
	enum ppp_auth_method method;
	const char *message; /* one sentence, valid during the callback */
	bool by_peer;
	uint32_t local_addr, peer_addr, dns1, dns2; /* network order; 0 = none */
	uint8_t local_ifid[8], peer_ifid[8];
};

struct ppp_callbacks {
	/* One PPP frame (FF 03 + protocol + information). */
	void (*send)(void *ctx, const uint8_t *frame, size_t len);
	void (*event)(void *ctx, const struct ppp_event *ev);
	/* An IPv4 (is_ipv6 false) or IPv6 packet; points into the frame given to ppp_rx. */
	void (*deliver_ip)(void *ctx, const uint8_t *pkt, size_t len, bool is_ipv6);
};

struct ppp;

/* NULL on allocation failure or an invalid config (restart_ms, max_configure
 * or max_terminate 0; missing send/event callback or rand_source). log may be
 * NULL. An empty allowed_auth is valid: the link then works only with servers
 * that do not ask for authentication. */
struct ppp *ppp_new(const struct ppp_config *cfg, const struct ppp_callbacks *cb, void *ctx,
		    const struct rand_source *rnd, const struct log_sink *log);
/* NULL-safe; wipes the password and MS-CHAPv2 material. */
void ppp_free(struct ppp *p);

/* The lower layer (L2TP session) is up: send the first LCP Configure-Request. */
void ppp_start(struct ppp *p, uint64_t now_ms);

/*
 * One received frame. Returns
 *   0         handled (or silently discarded as RFC 1661 asks),
 *   -EBADMSG  malformed frame or packet, dropped without side effects,
 *   -ESHUTDOWN the session is over (after a terminal event).
 */
int ppp_rx(struct ppp *p, const uint8_t *frame, size_t len, uint64_t now_ms);

/* Earliest time ppp_tick() must be called; UINT64_MAX when nothing is pending. */
uint64_t ppp_next_timeout(const struct ppp *p);
void ppp_tick(struct ppp *p, uint64_t now_ms);

/* Orderly close: LCP Terminate-Request, then TERMINATED (by_peer false) on
 * Terminate-Ack or after max_terminate restarts. */
void ppp_close(struct ppp *p, uint64_t now_ms);

/*
 * IP fast path. ppp_ip_header_len() bytes of PPP header go in front of the
 * packet; ppp_write_ip_header() writes them and returns how many.
 * ppp_send_ip() copies header + packet and calls send(). Returns 0,
 * -ENOTCONN (IPCP/IPV6CP not opened), -EMSGSIZE (larger than the peer's MRU).
 */
size_t ppp_ip_header_len(const struct ppp *p);
size_t ppp_write_ip_header(const struct ppp *p, uint8_t *buf, bool is_ipv6);
int ppp_send_ip(struct ppp *p, const uint8_t *pkt, size_t len, bool is_ipv6);

/* Largest IP packet we may send: the peer's MRU, at most 1500. */
uint16_t ppp_get_mtu(const struct ppp *p);
/* Our MRU as agreed. */
uint16_t ppp_get_mru(const struct ppp *p);
enum ppp_auth_method ppp_get_auth_method(const struct ppp *p);
const char *ppp_auth_method_name(enum ppp_auth_method m);

#endif
