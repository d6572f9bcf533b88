/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * l2tp internals shared by the core's files and its tests: the header/AVP
 * codec (codec.c), the AVP and message tables (avp.c) and reliable delivery
 * of control messages (reliable.c).
 */
#ifndef L2I_L2TP_INT_H
#define L2I_L2TP_INT_H

#include "l2tp.h"

/*
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |T|L|x|x|S|x|O|P|x|x|x|x|  Ver  |          Length (opt)         |
 * |           Tunnel ID           |           Session ID          |
 * |             Ns (opt)          |             Nr (opt)          |
 * |      Offset Size (opt)        |    Offset pad... (opt)
 */
#define L2TP_HDR_T   0x8000
#define L2TP_HDR_L   0x4000
#define L2TP_HDR_S   0x0800
#define L2TP_HDR_O   0x0200
#define L2TP_HDR_P   0x0100
#define L2TP_HDR_VER 0x000f
#define L2TP_VERSION 2

/* Control header: T, L, S set; Ns at offset 8, Nr at 10. */
#define L2TP_CTL_HDR_LEN 12
#define L2TP_CTL_NS_OFF	 8
#define L2TP_CTL_NR_OFF	 10

struct l2tp_hdr {
	uint16_t flags;
	uint16_t tunnel_id;
	uint16_t session_id;
	uint16_t ns, nr; /* valid when flags & L2TP_HDR_S */
	const uint8_t *payload;
	size_t payload_len;
};

/* 0 or -EBADMSG. Control messages must have T, L, S and no O. */
int l2tp_hdr_parse(const uint8_t *pkt, size_t len, struct l2tp_hdr *h);

/*
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |M|H| rsvd  |      Length       |           Vendor ID           |
 * |         Attribute Type        |        Attribute Value...
 */
#define L2TP_AVP_M	   0x8000
#define L2TP_AVP_H	   0x4000
#define L2TP_AVP_RSVD	   0x3c00
#define L2TP_AVP_LEN	   0x03ff
#define L2TP_AVP_HDR_LEN   6
#define L2TP_AVP_MAX_VALUE (L2TP_AVP_LEN - L2TP_AVP_HDR_LEN)

enum l2tp_msg_type {
	L2TP_MSG_ZLB = 0, /* no Message Type AVP at all */
	L2TP_MSG_SCCRQ = 1,
	L2TP_MSG_SCCRP = 2,
	L2TP_MSG_SCCCN = 3,
	L2TP_MSG_STOPCCN = 4,
	L2TP_MSG_HELLO = 6,
	L2TP_MSG_OCRQ = 7,
	L2TP_MSG_OCRP = 8,
	L2TP_MSG_OCCN = 9,
	L2TP_MSG_ICRQ = 10,
	L2TP_MSG_ICRP = 11,
	L2TP_MSG_ICCN = 12,
	L2TP_MSG_CDN = 14,
	L2TP_MSG_WEN = 15,
	L2TP_MSG_SLI = 16,
};

enum l2tp_avp_type {
	L2TP_AVP_MESSAGE_TYPE = 0,
	L2TP_AVP_RESULT_CODE = 1,
	L2TP_AVP_PROTOCOL_VERSION = 2,
	L2TP_AVP_FRAMING_CAP = 3,
	L2TP_AVP_BEARER_CAP = 4,
	L2TP_AVP_TIE_BREAKER = 5,
	L2TP_AVP_FIRMWARE_REV = 6,
	L2TP_AVP_HOST_NAME = 7,
	L2TP_AVP_VENDOR_NAME = 8,
	L2TP_AVP_ASSIGNED_TUNNEL_ID = 9,
	L2TP_AVP_RECEIVE_WINDOW_SIZE = 10,
	L2TP_AVP_CHALLENGE = 11,
	L2TP_AVP_Q931_CAUSE = 12,
	L2TP_AVP_CHALLENGE_RESPONSE = 13,
	L2TP_AVP_ASSIGNED_SESSION_ID = 14,
	L2TP_AVP_CALL_SERIAL_NUMBER = 15,
	L2TP_AVP_MINIMUM_BPS = 16,
	L2TP_AVP_MAXIMUM_BPS = 17,
	L2TP_AVP_BEARER_TYPE = 18,
	L2TP_AVP_FRAMING_TYPE = 19,
	L2TP_AVP_CALLED_NUMBER = 21,
	L2TP_AVP_CALLING_NUMBER = 22,
	L2TP_AVP_SUB_ADDRESS = 23,
	L2TP_AVP_TX_CONNECT_SPEED = 24,
	L2TP_AVP_PHYSICAL_CHANNEL_ID = 25,
	L2TP_AVP_INITIAL_RCVD_CONFREQ = 26,
	L2TP_AVP_LAST_SENT_CONFREQ = 27,
	L2TP_AVP_LAST_RCVD_CONFREQ = 28,
	L2TP_AVP_PROXY_AUTHEN_TYPE = 29,
	L2TP_AVP_PROXY_AUTHEN_NAME = 30,
	L2TP_AVP_PROXY_AUTHEN_CHALLENGE = 31,
	L2TP_AVP_PROXY_AUTHEN_ID = 32,
	L2TP_AVP_PROXY_AUTHEN_RESPONSE = 33,
	L2TP_AVP_CALL_ERRORS = 34,
	L2TP_AVP_ACCM = 35,
	L2TP_AVP_RANDOM_VECTOR = 36,
	L2TP_AVP_PRIVATE_GROUP_ID = 37,
	L2TP_AVP_RX_CONNECT_SPEED = 38,
	L2TP_AVP_SEQUENCING_REQUIRED = 39,
	L2TP_AVP_TYPE_COUNT = 40,
};

/* ---- avp.c: the tables ---- */

struct l2tp_avp_info {
	const char *name; /* NULL: no such attribute in RFC 2661 */
	uint16_t min_len; /* value length bounds, header excluded */
	uint16_t max_len;
	bool send_mandatory; /* M bit when we send it */
};

/* NULL for a vendor AVP or a type RFC 2661 does not define. */
const struct l2tp_avp_info *l2tp_avp_lookup(uint16_t vendor, uint16_t type);
const char *l2tp_msg_name(uint16_t msg_type);
/* Bit (1 << avp type) for each AVP the message must carry; 0 for unknown types. */
uint64_t l2tp_msg_required(uint16_t msg_type);
/* Tunnel-level messages use session id 0; the others belong to a session. */
bool l2tp_msg_is_session(uint16_t msg_type);
const char *l2tp_stopccn_result_str(uint16_t result);
const char *l2tp_cdn_result_str(uint16_t result);
const char *l2tp_error_str(uint16_t error);

/* ---- codec.c: messages ---- */

#define L2TP_MAX_HIDDEN	   2048 /* room for decrypted hidden values per message */
#define L2TP_CHAL_RESP_LEN 16

struct l2tp_bytes {
	const uint8_t *p;
	size_t len;
};

/* A parsed control message; pointers borrow the packet or m->hidden. */
struct l2tp_msg {
	uint16_t type;
	uint64_t present; /* 1 << avp type for each RFC 2661 AVP seen */
	bool unknown_mandatory;
	uint16_t unknown_vendor, unknown_type;
	uint16_t protocol_version;
	uint32_t framing_cap, bearer_cap;
	struct l2tp_bytes host_name, vendor_name;
	uint16_t assigned_tunnel_id;
	uint16_t rws;
	struct l2tp_bytes challenge;
	uint8_t challenge_response[L2TP_CHAL_RESP_LEN];
	uint16_t assigned_session_id;
	uint32_t call_serial_number;
	uint32_t tx_connect_speed, framing_type;
	uint16_t result_code, error_code;
	struct l2tp_bytes error_message;
	size_t hidden_used;
	uint8_t hidden[L2TP_MAX_HIDDEN];
};

/*
 * Parses the AVPs of a control message (the header's payload). secret may be
 * NULL. 0: valid message (maybe with m->unknown_mandatory set, which the
 * caller must act on); -EBADMSG: malformed, a known AVP with a bad length,
 * Message Type not first, or a required AVP missing; -ENOKEY: a hidden AVP
 * without a secret or Random Vector. m is scratch until 0 is returned.
 */
int l2tp_msg_parse(const uint8_t *avps, size_t len, const struct secbuf *secret,
		   struct l2tp_msg *m);

/* Message builder: header and Message Type AVP; Ns/Nr filled in at send. */
void l2tp_build_begin(struct wr *w, uint16_t tunnel_id, uint16_t session_id, uint16_t msg_type);
/* Raw AVP: flags may carry L2TP_AVP_M and L2TP_AVP_H (value already hidden). */
void l2tp_put_avp(struct wr *w, uint16_t flags, uint16_t vendor, uint16_t type, const void *v,
		  size_t len);
void l2tp_put_u16(struct wr *w, uint16_t type, uint16_t v);
void l2tp_put_u32(struct wr *w, uint16_t type, uint32_t v);
void l2tp_put_bytes(struct wr *w, uint16_t type, const void *v, size_t len);
void l2tp_put_result(struct wr *w, uint16_t result, uint16_t error, const char *msg);
/* Hidden AVP (RFC 2661 4.3); a Random Vector AVP must come before it. */
void l2tp_put_hidden(struct wr *w, uint16_t type, const void *v, size_t len,
		     const struct secbuf *secret, const uint8_t *rv, size_t rv_len);
/* Fills in Length; returns the message length or -EMSGSIZE. */
int l2tp_build_end(struct wr *w);
void l2tp_set_ns_nr(uint8_t *pkt, uint16_t ns, uint16_t nr);

/* CHAP-style response = MD5(msg_type | secret | challenge); 0 or -EIO. */
int l2tp_chal_response(uint8_t msg_type, const struct secbuf *secret, const uint8_t *chal,
		       size_t chal_len, uint8_t out[L2TP_CHAL_RESP_LEN]);

/* ---- reliable.c: Ns/Nr, window, retransmission (RFC 2661 5.8) ---- */

#define L2TP_TXQ_MAX 16

/* a precedes b in 16-bit sequence space */
static inline bool l2tp_seq_before(uint16_t a, uint16_t b)
{
	return (int16_t)(uint16_t)(a - b) < 0;
}

struct l2tp_txmsg {
	uint8_t *pkt; /* owned; Ns/Nr rewritten at each transmission */
	size_t len;
	uint16_t ns;
	bool sent;
};

struct l2tp_rel {
	uint16_t ns;	   /* next Ns to assign */
	uint16_t nr;	   /* next Ns expected from the peer */
	uint16_t peer_rws; /* how many unacked messages the peer accepts */
	uint32_t rtx_initial_ms, rtx_max_ms;
	unsigned int rtx_max_retries;
	unsigned int retries;
	uint32_t rtx_ms; /* current interval */
	uint64_t rtx_at; /* UINT64_MAX: nothing outstanding */
	unsigned int q_len;
	struct l2tp_txmsg q[L2TP_TXQ_MAX]; /* oldest first */
	void (*send)(void *ctx, const uint8_t *pkt, size_t len);
	void *ctx;
};

enum l2tp_seq_class {
	L2TP_SEQ_IN_ORDER,
	L2TP_SEQ_DUPLICATE,
	L2TP_SEQ_AHEAD,
};

enum l2tp_rtx_result {
	L2TP_RTX_NONE,
	L2TP_RTX_SENT,
	L2TP_RTX_GIVE_UP,
};

void l2tp_rel_init(struct l2tp_rel *r, uint32_t initial_ms, uint32_t max_ms, unsigned int retries,
		   void (*send)(void *, const uint8_t *, size_t), void *ctx);
void l2tp_rel_clear(struct l2tp_rel *r);
/* Takes pkt (malloc'd, a finished control message) and sends it when the
 * window allows. 0 or -ENOBUFS (pkt freed). */
int l2tp_rel_queue(struct l2tp_rel *r, uint8_t *pkt, size_t len, uint64_t now_ms);
/* Whether the peer's Nr acks only messages we sent. */
bool l2tp_rel_nr_valid(const struct l2tp_rel *r, uint16_t nr);
/* Drops acked messages and sends ones the window now allows. */
void l2tp_rel_ack(struct l2tp_rel *r, uint16_t nr, uint64_t now_ms);
/* Last resort before giving up: sends what the window held back, once. */
void l2tp_rel_send_unsent(struct l2tp_rel *r);
enum l2tp_seq_class l2tp_rel_classify(const struct l2tp_rel *r, uint16_t ns);
void l2tp_rel_accept(struct l2tp_rel *r);
void l2tp_rel_send_zlb(struct l2tp_rel *r, uint16_t peer_tunnel_id);
enum l2tp_rtx_result l2tp_rel_tick(struct l2tp_rel *r, uint64_t now_ms);
static inline bool l2tp_rel_idle(const struct l2tp_rel *r)
{
	return r->q_len == 0;
}

#endif
