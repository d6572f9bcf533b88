/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An in-memory LNS for the tests: the server side of RFC 2661 built from the
 * core's codec and reliable delivery, with switches for the misbehaviour the
 * tests need (hidden AVPs, challenges, wrong responses, unknown AVPs).
 */
#ifndef L2I_TEST_LNS_PEER_H
#define L2I_TEST_LNS_PEER_H

#include "l2tp-int.h"

struct lns_opts {
	uint16_t tunnel_id, session_id; /* ours (the LNS's); default 1 and 1 like SoftEther */
	uint16_t rws;			/* advertised; 0: no Receive Window Size AVP */
	const struct secbuf *secret;	/* answer the LAC's Challenge; verify its response */
	bool send_challenge;		/* challenge the LAC in SCCRP */
	bool wrong_response;		/* send a bad Challenge Response */
	bool hide_avps;			/* hide Assigned Tunnel/Session ID */
	bool unknown_m_avp;		/* put an unknown mandatory AVP into SCCRP */
	bool unknown_avp;		/* put an unknown optional AVP into SCCRP */
	bool data_seq;			/* sequence our data messages */
	bool data_offset;		/* put an Offset Size field into data messages */
	bool mirror_close;		/* answer StopCCN with our CDN and StopCCN, as SoftEther */
};

#define LNS_MAX_LOG 64

struct lns_peer {
	struct lns_opts o;
	struct l2tp_rel rel;
	uint16_t peer_tunnel_id, peer_session_id;
	uint8_t challenge[16];
	bool auth_failed;
	unsigned int n_msgs; /* every control message taken in order, by type */
	uint16_t msgs[LNS_MAX_LOG];
	unsigned long hellos;
	uint16_t last_result, last_error;
	uint16_t data_ns;
	unsigned int n_frames;
	uint8_t last_frame[2048];
	size_t last_frame_len;
	void (*send)(void *ctx, const uint8_t *pkt, size_t len);
	void *ctx;
};

void lns_init(struct lns_peer *p, const struct lns_opts *o,
	      void (*send)(void *ctx, const uint8_t *pkt, size_t len), void *ctx);
void lns_clear(struct lns_peer *p);
void lns_rx(struct lns_peer *p, const uint8_t *pkt, size_t len, uint64_t now_ms);
uint64_t lns_next_timeout(const struct lns_peer *p);
void lns_tick(struct lns_peer *p, uint64_t now_ms);
void lns_send_stopccn(struct lns_peer *p, uint16_t result, uint16_t error, const char *msg,
		      uint64_t now_ms);
void lns_send_cdn(struct lns_peer *p, uint16_t result, uint16_t error, const char *msg,
		  uint64_t now_ms);
void lns_send_hello(struct lns_peer *p, uint64_t now_ms);
void lns_send_data(struct lns_peer *p, const uint8_t *frame, size_t len);
/* How many messages of this type the LNS took. */
unsigned int lns_count(const struct lns_peer *p, uint16_t type);

#endif
