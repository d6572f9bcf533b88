/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The RFC 1661 option negotiation automaton, shared by LCP, IPCP and IPV6CP.
 * Each protocol supplies option handlers in struct fsm_ops; the automaton owns
 * states, identifiers, the restart timer and the counters.
 */
#ifndef L2I_PPP_FSM_H
#define L2I_PPP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

struct ppp;
struct fsm;

enum fsm_code {
	CP_CONF_REQ = 1,
	CP_CONF_ACK = 2,
	CP_CONF_NAK = 3,
	CP_CONF_REJ = 4,
	CP_TERM_REQ = 5,
	CP_TERM_ACK = 6,
	CP_CODE_REJ = 7,
	CP_PROTO_REJ = 8,
	CP_ECHO_REQ = 9,
	CP_ECHO_REPLY = 10,
	CP_DISCARD_REQ = 11,
};

/* RFC 1661 4.2 */
enum fsm_state {
	FSM_INITIAL,
	FSM_STARTING,
	FSM_CLOSED,
	FSM_STOPPED,
	FSM_CLOSING,
	FSM_STOPPING,
	FSM_REQ_SENT,
	FSM_ACK_RCVD,
	FSM_ACK_SENT,
	FSM_OPENED,
};

struct fsm_ops {
	/* Fresh wishes before a new negotiation (Open / Up). */
	void (*reset)(struct fsm *f);
	/* Our Configure-Request options. */
	void (*add_req)(struct fsm *f, struct wr *w);
	/* A Configure-Nak / -Reject for our last request, options already known
	 * to be well-formed TLVs: validate, then adopt. <0 = malformed, dropped. */
	int (*rcv_nak)(struct fsm *f, struct rd *opts);
	int (*rcv_rej)(struct fsm *f, struct rd *opts);
	/* The peer's Configure-Request (well-formed TLVs). Writes the Nak or
	 * Reject options to reply and returns CP_CONF_ACK/NAK/REJ; adopts the
	 * peer's values only when it returns CP_CONF_ACK. may_nak false: Max-Failure
	 * reached, Reject what we would Nak. */
	int (*rcv_req)(struct fsm *f, struct rd *opts, struct wr *reply, bool may_nak);
	void (*up)(struct fsm *f);
	void (*down)(struct fsm *f);
	/* Negotiation over (Closed/Stopped reached). */
	void (*finished)(struct fsm *f);
	/* Codes beyond 7 (LCP: Protocol-Reject, Echo, Discard). false = unknown
	 * code, send Code-Reject. */
	bool (*ext_code)(struct fsm *f, uint8_t code, uint8_t id, struct rd *data);
	/* The peer sent Terminate-Request: its reason, for messages. */
	void (*peer_terminated)(struct fsm *f, const uint8_t *data, size_t len);
};

struct fsm {
	struct ppp *ppp;
	const struct fsm_ops *ops;
	const char *name;
	uint16_t protocol;
	enum fsm_state state;
	uint8_t id;	  /* last identifier we used */
	uint8_t reqid;	  /* identifier of our outstanding Configure-Request */
	bool reqid_valid; /* an Ack/Nak/Rej for reqid is still welcome */
	uint8_t term_id;
	unsigned restart;  /* restart counter */
	unsigned naks;	   /* Configure-Naks sent in a row */
	uint64_t due;	   /* restart timer, 0 = stopped */
	bool fatal_reject; /* the peer Rejected us in a way we cannot continue */
	bool peer_req_seen; /* a Configure-Request came from the peer since the layer started */
	/* our last Configure-Request's options, to check an Ack against */
	uint8_t req[256];
	size_t req_len;
	const char *term_reason;
};

void fsm_init(struct fsm *f, struct ppp *p, uint16_t protocol, const char *name,
	      const struct fsm_ops *ops);
void fsm_open(struct fsm *f);
void fsm_close(struct fsm *f, const char *reason);
void fsm_lower_up(struct fsm *f);
void fsm_lower_down(struct fsm *f);
/* One packet (code..). 0 handled, -EBADMSG dropped. */
int fsm_input(struct fsm *f, const uint8_t *pkt, size_t len);
void fsm_timeout(struct fsm *f);
/* RXJ- for this protocol: the peer Protocol-Rejected it, or a fatal Code-Reject. */
void fsm_rxj_bad(struct fsm *f);
/* Send a packet of this protocol with code, id and data. */
void fsm_send(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data, size_t len);
/* Well-formed option list (type, length >= 2, within bounds)? */
bool cp_options_valid(const uint8_t *p, size_t len);
const char *fsm_state_name(enum fsm_state s);

#endif
