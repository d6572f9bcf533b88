/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * l2tp: the L2TPv2 LAC of RFC 2661 as a pure core.
 *
 * One l2tp_tunnel carries exactly one l2tp_session (a remote-access client).
 * l2tp_tunnel_start() sends SCCRQ; once the control connection is up the
 * session is opened with ICRQ/ICCN automatically. Bytes come in through
 * l2tp_tunnel_rx(), everything else goes out through the callbacks: UDP
 * payloads to the LNS through send(), state changes and received PPP frames
 * through event(). Time is passed in; the caller arms one timer at
 * l2tp_tunnel_next_timeout() and calls l2tp_tunnel_tick() when it fires.
 *
 * Callbacks must not call l2tp_tunnel_* on the same tunnel (the data header
 * functions l2tp_data_header_len/l2tp_write_data_header/l2tp_session_send_ppp
 * are fine). Free the tunnel only outside callbacks.
 *
 * Names follow the kernel (net/l2tp/l2tp_core.h): tunnel_id and session_id
 * are ours, peer_tunnel_id and peer_session_id are the LNS's.
 */
#ifndef L2I_L2TP_H
#define L2I_L2TP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

struct l2tp_tunnel;

/* Every field may be left 0/NULL for its default. */
struct l2tp_config {
	const char *host_name;		    /* Host Name AVP; default "l2tp-ipsec" */
	const char *vendor_name;	    /* Vendor Name AVP; default "l2tp-ipsec" */
	const struct secbuf *tunnel_secret; /* copied; NULL: no tunnel authentication */
	uint16_t rws;			    /* our Receive Window Size; default 4 */
	uint16_t tunnel_id;		    /* 0: random */
	uint16_t session_id;		    /* 0: random */
	uint32_t hello_interval_ms;	    /* HELLO after this much silence; default 60000 */
	uint32_t rtx_initial_ms;	    /* first retransmission; default 1000 */
	uint32_t rtx_max_ms;		    /* backoff cap; default 8000 */
	unsigned int rtx_max_retries;	    /* retransmissions before giving up; default 5 */
	uint32_t close_timeout_ms;	    /* wait for CDN/StopCCN acks; default 3000 */
	uint32_t tx_connect_speed;	    /* ICCN (Tx) Connect Speed; default 100000000 */
	uint32_t framing_type;		    /* ICCN Framing Type; default 1 (synchronous) */
	bool data_length_bit;		    /* put the L bit and Length in data messages */
};

enum l2tp_event_type {
	L2TP_EV_TUNNEL_UP,    /* SCCCN sent: ids valid */
	L2TP_EV_SESSION_UP,   /* ICCN sent: PPP may start; ids valid */
	L2TP_EV_PPP_FRAME,    /* data, len: one PPP frame, borrowed from the rx buffer */
	L2TP_EV_SESSION_DOWN, /* CDN sent or received: result_code, error_code, message, by_peer */
	L2TP_EV_TUNNEL_DOWN,  /* StopCCN sent or received: same fields */
	L2TP_EV_FAILED,	      /* the connection failed (not a local close): text */
	L2TP_EV_CLOSED,	      /* last event: nothing more to send, the tunnel may be freed */
};

struct l2tp_ids {
	uint16_t tunnel_id;
	uint16_t peer_tunnel_id;
	uint16_t session_id;
	uint16_t peer_session_id;
	uint16_t ns; /* next control Ns we send */
	uint16_t nr; /* next control Ns we expect */
};

struct l2tp_event {
	enum l2tp_event_type type;
	struct l2tp_ids ids;
	const uint8_t *data;
	size_t len;
	uint16_t result_code;
	uint16_t error_code;
	bool by_peer;
	const char *message; /* peer's or our error message, printable, never NULL */
	const char *text;    /* FAILED: one sentence for a person, never NULL */
};

struct l2tp_callbacks {
	void (*send)(void *ctx, const uint8_t *pkt, size_t len);
	void (*event)(void *ctx, const struct l2tp_event *ev);
};

/* StopCCN Result Codes (RFC 2661 4.4.2) the caller may pass to close. */
enum {
	L2TP_STOPCCN_GENERAL_REQUEST = 1,
	L2TP_STOPCCN_GENERAL_ERROR = 2,
	L2TP_STOPCCN_SHUTTING_DOWN = 6,
};

/* NULL on allocation failure or when cfg, cb or rnd is NULL. */
struct l2tp_tunnel *l2tp_tunnel_new(const struct l2tp_config *cfg, const struct l2tp_callbacks *cb,
				    void *ctx, const struct rand_source *rnd,
				    const struct log_sink *log);
/* NULL-safe; wipes the tunnel secret. */
void l2tp_tunnel_free(struct l2tp_tunnel *t);

/* Sends SCCRQ. 0, or -EALREADY when already started. */
int l2tp_tunnel_start(struct l2tp_tunnel *t, uint64_t now_ms);

/*
 * One UDP payload from the LNS. Returns 0 when it was taken (possibly as a
 * duplicate that was only acked), -EBADMSG for malformed input, -ENOENT when
 * the tunnel or session id is not ours, -EAGAIN for a control message out of
 * order (dropped; the peer retransmits), -ESHUTDOWN after CLOSED. Every error
 * means the input was dropped without any change of state.
 */
int l2tp_tunnel_rx(struct l2tp_tunnel *t, const uint8_t *pkt, size_t len, uint64_t now_ms);

/* Absolute time of the next tick in ms, UINT64_MAX when none is due. */
uint64_t l2tp_tunnel_next_timeout(const struct l2tp_tunnel *t);
/* Retransmissions, HELLO, close timeout. Harmless when called early. */
void l2tp_tunnel_tick(struct l2tp_tunnel *t, uint64_t now_ms);

/*
 * Local close: CDN (if a session exists) then StopCCN with result_code, both
 * reliable; CLOSED follows once both are acked or close_timeout_ms passed.
 * 0, or -EALREADY when already closing or closed.
 */
int l2tp_tunnel_close(struct l2tp_tunnel *t, uint16_t result_code, uint64_t now_ms);

void l2tp_tunnel_get_ids(const struct l2tp_tunnel *t, struct l2tp_ids *ids);
bool l2tp_session_is_up(const struct l2tp_tunnel *t);

/*
 * Data path, no allocation. The header is written in front of a PPP frame
 * (address/control bytes, if any, are the PPP layer's business):
 *   hl = l2tp_data_header_len(t); put the frame at buf + hl;
 *   l2tp_write_data_header(t, buf, frame_len); send hl + frame_len bytes.
 * The length changes only when the peer turns on data sequencing (rx).
 * Both return -ENOTCONN while the session is not up; write returns the header
 * length, -EMSGSIZE when the message would exceed 65535 bytes.
 */
int l2tp_data_header_len(const struct l2tp_tunnel *t);
int l2tp_write_data_header(struct l2tp_tunnel *t, uint8_t *buf, size_t frame_len);
/* Same, copying frame into out: 0, -ENOTCONN, -ENOBUFS (cap too small). */
int l2tp_session_send_ppp(struct l2tp_tunnel *t, const uint8_t *frame, size_t len, uint8_t *out,
			  size_t cap, size_t *out_len);

#endif
