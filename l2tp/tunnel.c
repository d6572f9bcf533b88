/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The LAC's tunnel and its one session (RFC 2661 7.2, 7.4.1):
 *
 *   tunnel:  IDLE -SCCRQ-> WAIT_CTL_REPLY -SCCRP/SCCCN-> ESTABLISHED -> CLOSING -> CLOSED
 *   session: IDLE -ICRQ-> WAIT_REPLY -ICRP/ICCN-> ESTABLISHED -> DOWN
 *
 * Every way out sends CDN (when the LNS knows the session) and StopCCN (when
 * it knows the tunnel): SoftEther wedges when a client just vanishes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp-int.h"

#define DEFAULT_NAME	     "l2tp-ipsec"
#define MAX_MSG_LEN	     1024
#define CHALLENGE_LEN	     16
#define FRAMING_SYNC_ASYNC   3
/* How long a closing tunnel waits for the StopCCN of a peer that answered our CDN with its own */
#define L2TP_STOPCCN_LINGER_MS 1000
#define PROTOCOL_VERSION_1_0 0x0100

enum tunnel_state {
	T_IDLE,
	T_WAIT_CTL_REPLY,
	T_ESTABLISHED,
	T_CLOSING,
	T_CLOSED,
};

enum session_state {
	S_IDLE,
	S_WAIT_REPLY,
	S_ESTABLISHED,
	S_DOWN,
};

struct l2tp_tunnel {
	struct l2tp_config cfg;
	char host_name[256];
	char vendor_name[256];
	struct secbuf *secret;
	struct l2tp_callbacks cb;
	void *ctx;
	struct rand_source rnd;
	struct log_sink log;

	enum tunnel_state state;
	enum session_state sstate;
	uint16_t tunnel_id, peer_tunnel_id;
	uint16_t session_id, peer_session_id;
	uint32_t call_serial_number;
	uint8_t challenge[CHALLENGE_LEN];
	struct l2tp_rel rel;
	unsigned long tx_count;
	uint64_t last_rx_ms;
	uint64_t close_at;
	bool stop_pending; /* closed before SCCRP: StopCCN once the peer's id is known */
	bool peer_closing; /* the peer answered our CDN with its own: its StopCCN follows */
	uint16_t stop_result;

	bool data_seq; /* the peer sequences data messages: so do we */
	uint16_t data_ns;

	char message[256];
	char text[512];
};

static void tx(void *ctx, const uint8_t *pkt, size_t len)
{
	struct l2tp_tunnel *t = ctx;

	t->tx_count++;
	t->cb.send(t->ctx, pkt, len);
}

static void emit(struct l2tp_tunnel *t, struct l2tp_event *ev)
{
	l2tp_tunnel_get_ids(t, &ev->ids);
	if (!ev->message)
		ev->message = "";
	if (!ev->text)
		ev->text = "";
	t->cb.event(t->ctx, ev);
}

static void emit_down(struct l2tp_tunnel *t, enum l2tp_event_type type, uint16_t result,
		      uint16_t error, const char *msg, bool by_peer)
{
	struct l2tp_event ev = {.type = type,
				.result_code = result,
				.error_code = error,
				.message = msg,
				.by_peer = by_peer};
	emit(t, &ev);
}

static void emit_failed(struct l2tp_tunnel *t)
{
	struct l2tp_event ev = {.type = L2TP_EV_FAILED, .text = t->text};

	log_msg(&t->log, LOG_LVL_ERROR, "%s", t->text);
	emit(t, &ev);
}

static void finish(struct l2tp_tunnel *t)
{
	struct l2tp_event ev = {.type = L2TP_EV_CLOSED};

	t->state = T_CLOSED;
	t->sstate = S_DOWN;
	l2tp_rel_clear(&t->rel);
	log_msg(&t->log, LOG_LVL_INFO, "l2tp: tunnel %u closed", t->tunnel_id);
	emit(t, &ev);
}

/* Keeps the peer's text printable for logs and people. */
static const char *peer_text(struct l2tp_tunnel *t, const struct l2tp_bytes *b)
{
	size_t n = b->len < sizeof(t->message) - 1 ? b->len : sizeof(t->message) - 1;

	for (size_t i = 0; i < n; i++)
		t->message[i] = b->p[i] >= 0x20 && b->p[i] < 0x7f ? (char)b->p[i] : '?';
	t->message[n] = '\0';
	return t->message;
}

static uint16_t random_id(struct l2tp_tunnel *t)
{
	uint16_t id = 0;

	for (int i = 0; i < 8 && !id; i++)
		rand_fill(&t->rnd, &id, sizeof(id));
	return id ? id : 1;
}

/* ---- sending ---- */

static void begin(struct l2tp_tunnel *t, struct wr *w, uint8_t *buf, uint16_t session_id,
		  uint16_t type)
{
	wr_init(w, buf, MAX_MSG_LEN);
	l2tp_build_begin(w, t->peer_tunnel_id, session_id, type);
}

static int queue(struct l2tp_tunnel *t, struct wr *w, uint64_t now_ms)
{
	int len = l2tp_build_end(w);
	uint8_t *pkt;

	if (len < 0)
		return len;
	pkt = malloc((size_t)len);
	if (!pkt)
		return -ENOMEM;
	memcpy(pkt, w->p, (size_t)len);
	log_msg(&t->log, LOG_LVL_DEBUG, "l2tp: send %s Ns=%u Nr=%u (%d bytes)",
		l2tp_msg_name(get_u16(pkt + L2TP_CTL_HDR_LEN + L2TP_AVP_HDR_LEN)), t->rel.ns,
		t->rel.nr, len);
	return l2tp_rel_queue(&t->rel, pkt, (size_t)len, now_ms);
}

/* When the peer stopped answering: one last try, nothing to wait for. */
static void send_once(struct l2tp_tunnel *t, struct wr *w)
{
	if (l2tp_build_end(w) < 0)
		return;
	l2tp_set_ns_nr(w->p, t->rel.ns++, t->rel.nr);
	tx(t, w->p, w->len);
}

static void build_cdn(struct l2tp_tunnel *t, struct wr *w, uint8_t *buf, uint16_t result,
		      uint16_t error)
{
	begin(t, w, buf, t->peer_session_id, L2TP_MSG_CDN);
	l2tp_put_result(w, result, error, NULL);
	l2tp_put_u16(w, L2TP_AVP_ASSIGNED_SESSION_ID, t->session_id);
}

static void build_stopccn(struct l2tp_tunnel *t, struct wr *w, uint8_t *buf, uint16_t result,
			  uint16_t error, const char *msg)
{
	begin(t, w, buf, 0, L2TP_MSG_STOPCCN);
	l2tp_put_u16(w, L2TP_AVP_ASSIGNED_TUNNEL_ID, t->tunnel_id);
	l2tp_put_result(w, result, error, msg);
}

static bool session_known_to_peer(const struct l2tp_tunnel *t)
{
	switch (t->sstate) {
	case S_WAIT_REPLY:
	case S_ESTABLISHED:
		return true;
	case S_IDLE:
	case S_DOWN:
		return false;
	}
	return false;
}

/*
 * Sends CDN (if the LNS knows the session) and StopCCN reliably and waits
 * for their acks in CLOSING; emits the DOWN events. cdn_result 0: no CDN.
 */
static void begin_close(struct l2tp_tunnel *t, uint64_t now_ms, uint16_t cdn_result,
			uint16_t stop_result, uint16_t error, const char *msg)
{
	uint8_t buf[MAX_MSG_LEN];
	bool had_session = session_known_to_peer(t);
	struct wr w;

	t->state = T_CLOSING;
	t->sstate = S_DOWN;
	t->close_at = now_ms + t->cfg.close_timeout_ms;
	if (had_session && cdn_result) {
		build_cdn(t, &w, buf, cdn_result, error);
		queue(t, &w, now_ms);
	}
	build_stopccn(t, &w, buf, stop_result, error, msg);
	queue(t, &w, now_ms);
	if (had_session)
		emit_down(t, L2TP_EV_SESSION_DOWN, cdn_result, error, msg, false);
	emit_down(t, L2TP_EV_TUNNEL_DOWN, stop_result, error, msg, false);
}

/* A local failure: tell the peer, then a person. t->text is set by the caller. */
static void fail(struct l2tp_tunnel *t, uint64_t now_ms, uint16_t stop_result, uint16_t error,
		 const char *msg)
{
	begin_close(t, now_ms, 2, stop_result, error, msg);
	emit_failed(t);
}

/* ---- receiving ---- */

static void on_sccrp(struct l2tp_tunnel *t, const struct l2tp_msg *m, uint64_t now_ms)
{
	uint8_t buf[MAX_MSG_LEN], expect[L2TP_CHAL_RESP_LEN], resp[L2TP_CHAL_RESP_LEN];
	bool has_resp = m->present & (UINT64_C(1) << L2TP_AVP_CHALLENGE_RESPONSE);
	struct wr w;

	t->peer_tunnel_id = m->assigned_tunnel_id;
	if (m->present & (UINT64_C(1) << L2TP_AVP_RECEIVE_WINDOW_SIZE))
		t->rel.peer_rws = m->rws ? m->rws : 1;
	log_msg(&t->log, LOG_LVL_INFO, "l2tp: SCCRP from \"%s\", peer tunnel %u, window %u",
		peer_text(t, &m->host_name), t->peer_tunnel_id, t->rel.peer_rws);
	if (m->protocol_version != PROTOCOL_VERSION_1_0 || !t->peer_tunnel_id) {
		snprintf(t->text, sizeof(t->text),
			 "L2TP: the server answered with protocol version %u.%u or tunnel id %u; "
			 "it does not speak L2TPv2 as expected.",
			 m->protocol_version >> 8, m->protocol_version & 0xff, t->peer_tunnel_id);
		if (t->peer_tunnel_id) {
			fail(t, now_ms, 2, 3, "bad SCCRP");
			return;
		}
		emit_failed(t);
		finish(t);
		return;
	}
	if (t->secret) {
		/* 5.1.1: the LNS proves the secret with the ID of the SCCRP */
		if (!has_resp ||
		    l2tp_chal_response(L2TP_MSG_SCCRP, t->secret, t->challenge, CHALLENGE_LEN,
				       expect) != 0 ||
		    secure_memcmp(expect, m->challenge_response, sizeof(expect)) != 0) {
			snprintf(t->text, sizeof(t->text),
				 "L2TP: the server failed tunnel authentication (%s Challenge "
				 "Response); check the L2TP tunnel secret.",
				 has_resp ? "wrong" : "no");
			fail(t, now_ms, 4, 0, "tunnel authentication failed");
			return;
		}
	}
	if (m->challenge.p && !t->secret) {
		snprintf(t->text, sizeof(t->text),
			 "L2TP: the server requires tunnel authentication; set the L2TP tunnel "
			 "secret.");
		fail(t, now_ms, 4, 0, "no tunnel secret configured");
		return;
	}
	begin(t, &w, buf, 0, L2TP_MSG_SCCCN);
	if (m->challenge.p) {
		if (l2tp_chal_response(L2TP_MSG_SCCCN, t->secret, m->challenge.p, m->challenge.len,
				       resp) != 0) {
			snprintf(t->text, sizeof(t->text), "L2TP: MD5 is not available.");
			fail(t, now_ms, 2, 4, "internal error");
			return;
		}
		l2tp_put_bytes(&w, L2TP_AVP_CHALLENGE_RESPONSE, resp, sizeof(resp));
	}
	queue(t, &w, now_ms);
	t->state = T_ESTABLISHED;

	/* A remote-access client opens its one session at once. */
	begin(t, &w, buf, 0, L2TP_MSG_ICRQ);
	l2tp_put_u16(&w, L2TP_AVP_ASSIGNED_SESSION_ID, t->session_id);
	l2tp_put_u32(&w, L2TP_AVP_CALL_SERIAL_NUMBER, t->call_serial_number);
	queue(t, &w, now_ms);
	t->sstate = S_WAIT_REPLY;

	log_msg(&t->log, LOG_LVL_INFO, "l2tp: tunnel %u/%u up", t->tunnel_id, t->peer_tunnel_id);
	emit(t, &(struct l2tp_event){.type = L2TP_EV_TUNNEL_UP});
}

static void on_icrp(struct l2tp_tunnel *t, const struct l2tp_msg *m, uint64_t now_ms)
{
	uint8_t buf[MAX_MSG_LEN];
	struct wr w;

	if (!m->assigned_session_id) {
		snprintf(t->text, sizeof(t->text),
			 "L2TP: the server assigned session id 0; it does not speak L2TPv2 as "
			 "expected.");
		fail(t, now_ms, 2, 3, "bad ICRP");
		return;
	}
	t->peer_session_id = m->assigned_session_id;
	begin(t, &w, buf, t->peer_session_id, L2TP_MSG_ICCN);
	l2tp_put_u32(&w, L2TP_AVP_TX_CONNECT_SPEED, t->cfg.tx_connect_speed);
	l2tp_put_u32(&w, L2TP_AVP_FRAMING_TYPE, t->cfg.framing_type);
	queue(t, &w, now_ms);
	t->sstate = S_ESTABLISHED;
	log_msg(&t->log, LOG_LVL_INFO, "l2tp: session %u/%u up", t->session_id, t->peer_session_id);
	emit(t, &(struct l2tp_event){.type = L2TP_EV_SESSION_UP});
}

static void on_cdn(struct l2tp_tunnel *t, const struct l2tp_msg *m, uint64_t now_ms)
{
	const char *msg = peer_text(t, &m->error_message);
	uint8_t buf[MAX_MSG_LEN];
	struct wr w;

	snprintf(t->text, sizeof(t->text),
		 "L2TP: the server closed the session (CDN result %u: %s, error %u: %s%s%s%s); "
		 "check the server's L2TP log.",
		 m->result_code, l2tp_cdn_result_str(m->result_code), m->error_code,
		 l2tp_error_str(m->error_code), *msg ? ", \"" : "", msg, *msg ? "\"" : "");
	/* one session per tunnel: the tunnel goes with it */
	t->sstate = S_DOWN;
	t->state = T_CLOSING;
	t->close_at = now_ms + t->cfg.close_timeout_ms;
	build_stopccn(t, &w, buf, L2TP_STOPCCN_GENERAL_REQUEST, 0, NULL);
	queue(t, &w, now_ms);
	emit_down(t, L2TP_EV_SESSION_DOWN, m->result_code, m->error_code, msg, true);
	emit_failed(t);
	emit_down(t, L2TP_EV_TUNNEL_DOWN, L2TP_STOPCCN_GENERAL_REQUEST, 0, "", false);
}

static void on_stopccn(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	const char *msg = peer_text(t, &m->error_message);
	bool closing = t->state == T_CLOSING;
	bool had_session = session_known_to_peer(t);
	const char *hint;

	switch (m->result_code) {
	case 3:
		hint = "an old tunnel from this address still exists; wait a minute and retry";
		break;
	case 4:
		hint = "check the L2TP tunnel secret";
		break;
	case 5:
		hint = "the server does not support L2TPv2";
		break;
	case 6:
		hint = "the server is shutting down; retry later";
		break;
	default:
		hint = "check the server's L2TP log";
		break;
	}
	snprintf(t->text, sizeof(t->text),
		 "L2TP: the server closed the tunnel (StopCCN result %u: %s, error %u: %s%s%s%s); "
		 "%s.",
		 m->result_code, l2tp_stopccn_result_str(m->result_code), m->error_code,
		 l2tp_error_str(m->error_code), *msg ? ", \"" : "", msg, *msg ? "\"" : "", hint);
	/* 5.7: ack at once; the peer needs nothing more from us */
	l2tp_rel_send_zlb(&t->rel, t->peer_tunnel_id);
	t->state = T_CLOSED;
	t->sstate = S_DOWN;
	if (had_session)
		emit_down(t, L2TP_EV_SESSION_DOWN, m->result_code, m->error_code, msg, true);
	emit_down(t, L2TP_EV_TUNNEL_DOWN, m->result_code, m->error_code, msg, true);
	if (!closing)
		emit_failed(t);
	finish(t);
}

/* The message is in order and accepted; acts on it. */
static void handle(struct l2tp_tunnel *t, const struct l2tp_hdr *h, const struct l2tp_msg *m,
		   int parse_err, uint64_t now_ms)
{
	if (parse_err == -ENOKEY || m->unknown_mandatory) {
		if (parse_err == -ENOKEY)
			snprintf(t->text, sizeof(t->text),
				 "L2TP: the server hides AVPs but no tunnel secret is set; set the "
				 "L2TP tunnel secret.");
		else
			snprintf(t->text, sizeof(t->text),
				 "L2TP: the server sent an unknown mandatory AVP (vendor %u, type "
				 "%u) in %s; the tunnel was closed as RFC 2661 requires.",
				 m->unknown_vendor, m->unknown_type, l2tp_msg_name(m->type));
		if (t->state == T_WAIT_CTL_REPLY && m->type == L2TP_MSG_SCCRP &&
		    m->assigned_tunnel_id)
			t->peer_tunnel_id = m->assigned_tunnel_id;
		if (t->state == T_CLOSING)
			return;
		if (!t->peer_tunnel_id) {
			emit_failed(t);
			finish(t);
			return;
		}
		fail(t, now_ms, 2, parse_err == -ENOKEY ? 6 : 8, "unknown mandatory AVP");
		return;
	}
	if (m->type == L2TP_MSG_STOPCCN) {
		on_stopccn(t, m);
		return;
	}
	switch (t->state) {
	case T_IDLE:
	case T_CLOSED:
		break;
	case T_WAIT_CTL_REPLY:
		if (m->type == L2TP_MSG_SCCRP)
			on_sccrp(t, m, now_ms);
		break;
	case T_ESTABLISHED:
		if (m->type == L2TP_MSG_ICRP && t->sstate == S_WAIT_REPLY &&
		    h->session_id == t->session_id)
			on_icrp(t, m, now_ms);
		else if (m->type == L2TP_MSG_CDN && session_known_to_peer(t) &&
			 (h->session_id == t->session_id ||
			  (m->assigned_session_id == t->peer_session_id && t->peer_session_id)))
			on_cdn(t, m, now_ms);
		break;
	case T_CLOSING:
		if (m->type == L2TP_MSG_CDN)
			t->peer_closing = true;
		if (m->type == L2TP_MSG_SCCRP && t->stop_pending) {
			uint8_t buf[MAX_MSG_LEN];
			struct wr w;

			/* closed while SCCRQ was out: now the peer's tunnel can be stopped */
			t->stop_pending = false;
			t->peer_tunnel_id = m->assigned_tunnel_id;
			build_stopccn(t, &w, buf, t->stop_result, 0, NULL);
			queue(t, &w, now_ms);
		}
		break;
	}
}

static int rx_data(struct l2tp_tunnel *t, const struct l2tp_hdr *h)
{
	struct l2tp_event ev = {.type = L2TP_EV_PPP_FRAME};

	if (h->tunnel_id != t->tunnel_id || h->session_id != t->session_id)
		return -ENOENT;
	if (t->sstate != S_ESTABLISHED)
		return -ENOENT;
	/* 5.8 leaves data sequencing to the peer; follow its choice */
	if ((h->flags & L2TP_HDR_S) && !t->data_seq)
		t->data_seq = true;
	ev.data = h->payload;
	ev.len = h->payload_len;
	emit(t, &ev);
	return 0;
}

int l2tp_tunnel_rx(struct l2tp_tunnel *t, const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	struct l2tp_msg msg, *m = &msg;
	struct l2tp_hdr h;
	unsigned long sent;
	int err;

	switch (t->state) {
	case T_IDLE:
	case T_CLOSED:
		return -ESHUTDOWN;
	case T_WAIT_CTL_REPLY:
	case T_ESTABLISHED:
	case T_CLOSING:
		break;
	}
	if (l2tp_hdr_parse(pkt, len, &h) != 0)
		return -EBADMSG;
	if (!(h.flags & L2TP_HDR_T))
		return rx_data(t, &h);
	if (h.tunnel_id != t->tunnel_id)
		return -ENOENT;

	err = l2tp_msg_parse(h.payload, h.payload_len, t->secret, m);
	if ((err && err != -ENOKEY) || !l2tp_rel_nr_valid(&t->rel, h.nr)) {
		log_msg(&t->log, LOG_LVL_WARN, "l2tp: dropped malformed control message (%d)", err);
		return -EBADMSG;
	}
	if (err == 0 && m->type == L2TP_MSG_ZLB) {
		l2tp_rel_ack(&t->rel, h.nr, now_ms);
		t->last_rx_ms = now_ms;
		goto done;
	}
	switch (l2tp_rel_classify(&t->rel, h.ns)) {
	case L2TP_SEQ_DUPLICATE:
		/* our ack got lost: say it again */
		l2tp_rel_ack(&t->rel, h.nr, now_ms);
		l2tp_rel_send_zlb(&t->rel, t->peer_tunnel_id);
		t->last_rx_ms = now_ms;
		goto done;
	case L2TP_SEQ_AHEAD:
		log_msg(&t->log, LOG_LVL_DEBUG, "l2tp: dropped out-of-order Ns=%u, expected %u",
			h.ns, t->rel.nr);
		return -EAGAIN;
	case L2TP_SEQ_IN_ORDER:
		break;
	}
	log_msg(&t->log, LOG_LVL_DEBUG, "l2tp: recv %s Ns=%u Nr=%u", l2tp_msg_name(m->type), h.ns,
		h.nr);
	sent = t->tx_count;
	t->last_rx_ms = now_ms;
	l2tp_rel_accept(&t->rel);
	l2tp_rel_ack(&t->rel, h.nr, now_ms);
	handle(t, &h, m, err, now_ms);
	/* nothing went out that carries our Nr: ack with a ZLB */
	if (t->tx_count == sent && t->state != T_CLOSED)
		l2tp_rel_send_zlb(&t->rel, t->peer_tunnel_id);
done:
	if (t->state == T_CLOSING && !t->stop_pending && l2tp_rel_idle(&t->rel)) {
		/* A peer that mirrors our CDN sends a StopCCN next and retransmits it until it is
		 * acknowledged (SoftEther: for 3 s, holding back the next login); wait for it. */
		if (!t->peer_closing)
			finish(t);
		else if (t->close_at > now_ms + L2TP_STOPCCN_LINGER_MS)
			t->close_at = now_ms + L2TP_STOPCCN_LINGER_MS;
	}
	return 0;
}

/* ---- the API ---- */

struct l2tp_tunnel *l2tp_tunnel_new(const struct l2tp_config *cfg, const struct l2tp_callbacks *cb,
				    void *ctx, const struct rand_source *rnd,
				    const struct log_sink *log)
{
	struct l2tp_tunnel *t;

	if (!cfg || !cb || !cb->send || !cb->event || !rnd || !rnd->fn)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cfg = *cfg;
	t->cfg.tunnel_secret = NULL;
	if (cfg->tunnel_secret) {
		t->secret = secbuf_dup(cfg->tunnel_secret);
		if (!t->secret) {
			free(t);
			return NULL;
		}
	}
	snprintf(t->host_name, sizeof(t->host_name), "%s",
		 cfg->host_name && *cfg->host_name ? cfg->host_name : DEFAULT_NAME);
	snprintf(t->vendor_name, sizeof(t->vendor_name), "%s",
		 cfg->vendor_name ? cfg->vendor_name : DEFAULT_NAME);
	t->cfg.host_name = t->host_name;
	t->cfg.vendor_name = t->vendor_name;
	if (!t->cfg.rws)
		t->cfg.rws = 4;
	if (!t->cfg.hello_interval_ms)
		t->cfg.hello_interval_ms = 60000;
	if (!t->cfg.rtx_initial_ms)
		t->cfg.rtx_initial_ms = 1000;
	if (!t->cfg.rtx_max_ms)
		t->cfg.rtx_max_ms = 8000;
	if (!t->cfg.rtx_max_retries)
		t->cfg.rtx_max_retries = 5;
	if (!t->cfg.close_timeout_ms)
		t->cfg.close_timeout_ms = 3000;
	if (!t->cfg.tx_connect_speed)
		t->cfg.tx_connect_speed = 100000000;
	if (!t->cfg.framing_type)
		t->cfg.framing_type = 1;
	t->cb = *cb;
	t->ctx = ctx;
	t->rnd = *rnd;
	if (log)
		t->log = *log;
	t->tunnel_id = cfg->tunnel_id ? cfg->tunnel_id : random_id(t);
	t->session_id = cfg->session_id ? cfg->session_id : random_id(t);
	rand_fill(&t->rnd, &t->call_serial_number, sizeof(t->call_serial_number));
	l2tp_rel_init(&t->rel, t->cfg.rtx_initial_ms, t->cfg.rtx_max_ms, t->cfg.rtx_max_retries, tx,
		      t);
	return t;
}

void l2tp_tunnel_free(struct l2tp_tunnel *t)
{
	if (!t)
		return;
	l2tp_rel_clear(&t->rel);
	secbuf_free(t->secret);
	secure_wipe(t, sizeof(*t));
	free(t);
}

int l2tp_tunnel_start(struct l2tp_tunnel *t, uint64_t now_ms)
{
	uint8_t buf[MAX_MSG_LEN], ver[2] = {1, 0};
	struct wr w;

	switch (t->state) {
	case T_IDLE:
		break;
	case T_WAIT_CTL_REPLY:
	case T_ESTABLISHED:
	case T_CLOSING:
	case T_CLOSED:
		return -EALREADY;
	}
	begin(t, &w, buf, 0, L2TP_MSG_SCCRQ);
	l2tp_put_bytes(&w, L2TP_AVP_PROTOCOL_VERSION, ver, sizeof(ver));
	l2tp_put_bytes(&w, L2TP_AVP_HOST_NAME, t->host_name, strlen(t->host_name));
	l2tp_put_u32(&w, L2TP_AVP_FRAMING_CAP, FRAMING_SYNC_ASYNC);
	l2tp_put_u16(&w, L2TP_AVP_ASSIGNED_TUNNEL_ID, t->tunnel_id);
	l2tp_put_u16(&w, L2TP_AVP_RECEIVE_WINDOW_SIZE, t->cfg.rws);
	if (*t->vendor_name)
		l2tp_put_bytes(&w, L2TP_AVP_VENDOR_NAME, t->vendor_name, strlen(t->vendor_name));
	if (t->secret) {
		rand_fill(&t->rnd, t->challenge, sizeof(t->challenge));
		l2tp_put_bytes(&w, L2TP_AVP_CHALLENGE, t->challenge, sizeof(t->challenge));
	}
	t->state = T_WAIT_CTL_REPLY;
	t->last_rx_ms = now_ms;
	log_msg(&t->log, LOG_LVL_INFO, "l2tp: SCCRQ, tunnel %u, host \"%s\"", t->tunnel_id,
		t->host_name);
	return queue(t, &w, now_ms);
}

static void give_up(struct l2tp_tunnel *t)
{
	uint8_t buf[MAX_MSG_LEN];
	bool had_session = session_known_to_peer(t);
	struct wr w;

	snprintf(t->text, sizeof(t->text),
		 "L2TP: no answer from the server after %u retransmissions%s; check that the L2TP "
		 "server is running and reachable.",
		 t->cfg.rtx_max_retries, t->state == T_WAIT_CTL_REPLY ? " of SCCRQ" : "");
	/* Best effort, in case only one direction is broken. */
	if (t->peer_tunnel_id) {
		if (had_session) {
			build_cdn(t, &w, buf, 2, 0);
			send_once(t, &w);
		}
		build_stopccn(t, &w, buf, L2TP_STOPCCN_GENERAL_ERROR, 0, "peer not responding");
		send_once(t, &w);
	}
	t->state = T_CLOSED;
	t->sstate = S_DOWN;
	if (had_session)
		emit_down(t, L2TP_EV_SESSION_DOWN, 2, 0, "peer not responding", false);
	emit_down(t, L2TP_EV_TUNNEL_DOWN, L2TP_STOPCCN_GENERAL_ERROR, 0, "peer not responding",
		  false);
	emit_failed(t);
	finish(t);
}

void l2tp_tunnel_tick(struct l2tp_tunnel *t, uint64_t now_ms)
{
	uint8_t buf[MAX_MSG_LEN];
	struct wr w;

	switch (t->state) {
	case T_IDLE:
	case T_CLOSED:
		return;
	case T_CLOSING:
		if (now_ms >= t->close_at || l2tp_rel_tick(&t->rel, now_ms) == L2TP_RTX_GIVE_UP) {
			/* CDN/StopCCN the window still held back: one try at least */
			l2tp_rel_send_unsent(&t->rel);
			finish(t);
		}
		return;
	case T_WAIT_CTL_REPLY:
	case T_ESTABLISHED:
		if (l2tp_rel_tick(&t->rel, now_ms) == L2TP_RTX_GIVE_UP) {
			give_up(t);
			return;
		}
		break;
	}
	if (t->state == T_ESTABLISHED && l2tp_rel_idle(&t->rel) &&
	    now_ms >= t->last_rx_ms + t->cfg.hello_interval_ms) {
		begin(t, &w, buf, 0, L2TP_MSG_HELLO);
		queue(t, &w, now_ms);
	}
}

uint64_t l2tp_tunnel_next_timeout(const struct l2tp_tunnel *t)
{
	uint64_t at = t->rel.rtx_at;

	switch (t->state) {
	case T_IDLE:
	case T_CLOSED:
		return UINT64_MAX;
	case T_WAIT_CTL_REPLY:
		return at;
	case T_ESTABLISHED:
		if (l2tp_rel_idle(&t->rel) && t->last_rx_ms + t->cfg.hello_interval_ms < at)
			at = t->last_rx_ms + t->cfg.hello_interval_ms;
		return at;
	case T_CLOSING:
		return t->close_at < at ? t->close_at : at;
	}
	return UINT64_MAX;
}

int l2tp_tunnel_close(struct l2tp_tunnel *t, uint16_t result_code, uint64_t now_ms)
{
	switch (t->state) {
	case T_IDLE:
		finish(t);
		return 0;
	case T_WAIT_CTL_REPLY:
		/* the LNS may hold a tunnel already; stop it once SCCRP names it */
		l2tp_rel_clear(&t->rel);
		t->state = T_CLOSING;
		t->stop_pending = true;
		t->stop_result = result_code;
		t->close_at = now_ms + t->cfg.close_timeout_ms;
		emit_down(t, L2TP_EV_TUNNEL_DOWN, result_code, 0, "", false);
		return 0;
	case T_ESTABLISHED:
		log_msg(&t->log, LOG_LVL_INFO, "l2tp: closing tunnel %u (result %u)", t->tunnel_id,
			result_code);
		begin_close(t, now_ms, 3, result_code, 0, NULL);
		return 0;
	case T_CLOSING:
	case T_CLOSED:
		return -EALREADY;
	}
	return -EALREADY;
}

void l2tp_tunnel_get_ids(const struct l2tp_tunnel *t, struct l2tp_ids *ids)
{
	ids->tunnel_id = t->tunnel_id;
	ids->peer_tunnel_id = t->peer_tunnel_id;
	ids->session_id = t->session_id;
	ids->peer_session_id = t->peer_session_id;
	ids->ns = t->rel.ns;
	ids->nr = t->rel.nr;
}

bool l2tp_session_is_up(const struct l2tp_tunnel *t)
{
	return t->state == T_ESTABLISHED && t->sstate == S_ESTABLISHED;
}

/* ---- data path ---- */

int l2tp_data_header_len(const struct l2tp_tunnel *t)
{
	if (!l2tp_session_is_up(t))
		return -ENOTCONN;
	return 6 + (t->cfg.data_length_bit ? 2 : 0) + (t->data_seq ? 4 : 0);
}

int l2tp_write_data_header(struct l2tp_tunnel *t, uint8_t *buf, size_t frame_len)
{
	int hl = l2tp_data_header_len(t);
	uint16_t flags = L2TP_VERSION;
	uint8_t *p = buf;

	if (hl < 0)
		return hl;
	if (frame_len > UINT16_MAX - (size_t)hl)
		return -EMSGSIZE;
	if (t->cfg.data_length_bit)
		flags |= L2TP_HDR_L;
	if (t->data_seq)
		flags |= L2TP_HDR_S;
	put_u16(p, flags);
	p += 2;
	if (t->cfg.data_length_bit) {
		put_u16(p, (uint16_t)(hl + frame_len));
		p += 2;
	}
	put_u16(p, t->peer_tunnel_id);
	put_u16(p + 2, t->peer_session_id);
	p += 4;
	if (t->data_seq) {
		/* Nr is reserved in data messages */
		put_u16(p, t->data_ns++);
		put_u16(p + 2, 0);
	}
	return hl;
}

int l2tp_session_send_ppp(struct l2tp_tunnel *t, const uint8_t *frame, size_t len, uint8_t *out,
			  size_t cap, size_t *out_len)
{
	int hl = l2tp_data_header_len(t);

	if (hl < 0)
		return hl;
	if (cap < (size_t)hl + len)
		return -ENOBUFS;
	memmove(out + hl, frame, len);
	hl = l2tp_write_data_header(t, out, len);
	if (hl < 0)
		return hl;
	*out_len = (size_t)hl + len;
	return 0;
}
