/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFC 1661 section 4 automaton. The event names in comments (RCR+, RTA, TO-
 * ...) and actions (tlu, scr, sca ...) are the RFC's state table.
 */
#include <errno.h>
#include <string.h>

#include "ppp-internal.h"

const char *fsm_state_name(enum fsm_state s)
{
	switch (s) {
	case FSM_INITIAL:
		return "Initial";
	case FSM_STARTING:
		return "Starting";
	case FSM_CLOSED:
		return "Closed";
	case FSM_STOPPED:
		return "Stopped";
	case FSM_CLOSING:
		return "Closing";
	case FSM_STOPPING:
		return "Stopping";
	case FSM_REQ_SENT:
		return "Req-Sent";
	case FSM_ACK_RCVD:
		return "Ack-Rcvd";
	case FSM_ACK_SENT:
		return "Ack-Sent";
	case FSM_OPENED:
		return "Opened";
	}
	return "?";
}

void fsm_init(struct fsm *f, struct ppp *p, uint16_t protocol, const char *name,
	      const struct fsm_ops *ops)
{
	memset(f, 0, sizeof(*f));
	f->ppp = p;
	f->protocol = protocol;
	f->name = name;
	f->ops = ops;
	f->state = FSM_INITIAL;
}

static void set_state(struct fsm *f, enum fsm_state s)
{
	if (f->state != s)
		log_msg(ppp_log(f->ppp), LOG_LVL_DEBUG, "%s: %s -> %s", f->name,
			fsm_state_name(f->state), fsm_state_name(s));
	f->state = s;
}

void fsm_send(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
	uint8_t pkt[PPP_CTRL_MAX];
	uint16_t max = f->ppp->lcps.peer_mru ? f->ppp->lcps.peer_mru : 1500;

	if (max > sizeof(pkt))
		max = sizeof(pkt);
	/* RFC 1661 5.6/5.7: data is truncated to fit the peer's MRU */
	if (len > (size_t)max - 4)
		len = (size_t)max - 4;
	pkt[0] = code;
	pkt[1] = id;
	put_u16(pkt + 2, (uint16_t)(len + 4));
	if (len)
		memcpy(pkt + 4, data, len);
	ppp_send_frame(f->ppp, f->protocol, pkt, len + 4);
}

static void timer_start(struct fsm *f)
{
	f->due = f->ppp->now + f->ppp->cfg.restart_ms;
	if (f->due == 0)
		f->due = 1;
}

static void timer_stop(struct fsm *f)
{
	f->due = 0;
}

/* irc for Configure-Request and for Terminate-Request */
static void irc_conf(struct fsm *f)
{
	f->restart = f->ppp->cfg.max_configure;
}

static void irc_term(struct fsm *f)
{
	f->restart = f->ppp->cfg.max_terminate;
}

/* scr */
static void send_conf_req(struct fsm *f)
{
	struct wr w;

	wr_init(&w, f->req, sizeof(f->req));
	f->ops->add_req(f, &w);
	f->req_len = w.err ? 0 : w.len;
	f->reqid = ++f->id;
	f->reqid_valid = true;
	if (f->restart > 0)
		f->restart--;
	fsm_send(f, CP_CONF_REQ, f->reqid, f->req, f->req_len);
	timer_start(f);
}

/* str */
static void send_term_req(struct fsm *f)
{
	const char *r = f->term_reason ? f->term_reason : "";

	f->term_id = ++f->id;
	if (f->restart > 0)
		f->restart--;
	fsm_send(f, CP_TERM_REQ, f->term_id, (const uint8_t *)r, strlen(r));
	timer_start(f);
}

static void this_layer_up(struct fsm *f)
{
	timer_stop(f);
	f->naks = 0;
	set_state(f, FSM_OPENED);
	f->ops->up(f);
}

static void this_layer_down(struct fsm *f)
{
	f->ops->down(f);
}

static void this_layer_finished(struct fsm *f)
{
	timer_stop(f);
	f->ops->finished(f);
}

void fsm_lower_up(struct fsm *f)
{
	f->peer_req_seen = false;
	switch (f->state) {
	case FSM_INITIAL:
		set_state(f, FSM_CLOSED);
		break;
	case FSM_STARTING:
		f->ops->reset(f);
		irc_conf(f);
		send_conf_req(f);
		set_state(f, FSM_REQ_SENT);
		break;
	case FSM_CLOSED:
	case FSM_STOPPED:
	case FSM_CLOSING:
	case FSM_STOPPING:
	case FSM_REQ_SENT:
	case FSM_ACK_RCVD:
	case FSM_ACK_SENT:
	case FSM_OPENED:
		break;
	}
}

void fsm_lower_down(struct fsm *f)
{
	switch (f->state) {
	case FSM_INITIAL:
	case FSM_STARTING:
		break;
	case FSM_CLOSED:
		set_state(f, FSM_INITIAL);
		break;
	case FSM_STOPPED:
		set_state(f, FSM_STARTING);
		break;
	case FSM_CLOSING:
		timer_stop(f);
		set_state(f, FSM_INITIAL);
		break;
	case FSM_STOPPING:
	case FSM_REQ_SENT:
	case FSM_ACK_RCVD:
	case FSM_ACK_SENT:
		timer_stop(f);
		set_state(f, FSM_STARTING);
		break;
	case FSM_OPENED:
		timer_stop(f);
		set_state(f, FSM_STARTING);
		this_layer_down(f);
		break;
	}
}

void fsm_open(struct fsm *f)
{
	f->peer_req_seen = false;
	f->naks = 0;
	f->fatal_reject = false;
	switch (f->state) {
	case FSM_INITIAL:
		set_state(f, FSM_STARTING);
		break;
	case FSM_CLOSED:
		f->ops->reset(f);
		irc_conf(f);
		send_conf_req(f);
		set_state(f, FSM_REQ_SENT);
		break;
	case FSM_CLOSING:
		set_state(f, FSM_STOPPING);
		break;
	case FSM_STARTING:
	case FSM_STOPPED:
	case FSM_STOPPING:
	case FSM_REQ_SENT:
	case FSM_ACK_RCVD:
	case FSM_ACK_SENT:
	case FSM_OPENED:
		break;
	}
}

void fsm_close(struct fsm *f, const char *reason)
{
	f->term_reason = reason;
	switch (f->state) {
	case FSM_INITIAL:
	case FSM_CLOSED:
	case FSM_CLOSING:
		break;
	case FSM_STARTING:
		set_state(f, FSM_INITIAL);
		this_layer_finished(f);
		break;
	case FSM_STOPPED:
		set_state(f, FSM_CLOSED);
		break;
	case FSM_STOPPING:
		set_state(f, FSM_CLOSING);
		break;
	case FSM_OPENED:
		this_layer_down(f);
		irc_term(f);
		send_term_req(f);
		set_state(f, FSM_CLOSING);
		break;
	case FSM_REQ_SENT:
	case FSM_ACK_RCVD:
	case FSM_ACK_SENT:
		irc_term(f);
		send_term_req(f);
		set_state(f, FSM_CLOSING);
		break;
	}
}

void fsm_timeout(struct fsm *f)
{
	f->due = 0;
	switch (f->state) {
	case FSM_CLOSING:
	case FSM_STOPPING:
		if (f->restart > 0) { /* TO+ */
			send_term_req(f);
		} else { /* TO- */
			set_state(f, f->state == FSM_CLOSING ? FSM_CLOSED : FSM_STOPPED);
			this_layer_finished(f);
		}
		break;
	case FSM_REQ_SENT:
	case FSM_ACK_RCVD:
	case FSM_ACK_SENT:
		if (f->restart > 0) {
			log_msg(ppp_log(f->ppp), LOG_LVL_DEBUG,
				"%s: no answer, resending Configure-Request", f->name);
			send_conf_req(f);
			if (f->state == FSM_ACK_RCVD)
				set_state(f, FSM_REQ_SENT);
		} else {
			set_state(f, FSM_STOPPED);
			this_layer_finished(f);
		}
		break;
	case FSM_INITIAL:
	case FSM_STARTING:
	case FSM_CLOSED:
	case FSM_STOPPED:
	case FSM_OPENED:
		break;
	}
}

bool cp_options_valid(const uint8_t *p, size_t len)
{
	struct rd r;

	rd_init(&r, p, len);
	while (rd_left(&r) > 0) {
		uint8_t type, olen;

		if (!rd_u8(&r, &type) || !rd_u8(&r, &olen) || olen < 2 || !rd_skip(&r, olen - 2u))
			return false;
	}
	return true;
}

static void send_term_ack(struct fsm *f, uint8_t id)
{
	fsm_send(f, CP_TERM_ACK, id, NULL, 0);
}

/* RCR+ / RCR- */
static void rcv_conf_req(struct fsm *f, uint8_t id, const uint8_t *opts, size_t len)
{
	uint8_t reply[PPP_CTRL_MAX];
	struct wr w;
	struct rd r;
	int code;

	switch (f->state) {
	case FSM_CLOSED:
		send_term_ack(f, id); /* sta */
		return;
	case FSM_CLOSING:
	case FSM_STOPPING:
	case FSM_INITIAL:
	case FSM_STARTING:
		return;
	case FSM_OPENED:
		/* the peer renegotiates: tld, scr */
		this_layer_down(f);
		f->ops->reset(f);
		irc_conf(f);
		send_conf_req(f);
		set_state(f, FSM_REQ_SENT);
		break;
	case FSM_STOPPED:
		f->ops->reset(f);
		irc_conf(f);
		send_conf_req(f);
		set_state(f, FSM_REQ_SENT);
		break;
	case FSM_REQ_SENT:
		/* The peer's first request while ours is unanswered: the peer has just started
		 * (pppd spawned by the LNS, or entering its network phase) and most likely
		 * dropped ours. Repeat it now (same Identifier: a second Ack is ignored) instead
		 * of after the 3 s restart timer. */
		if (!f->peer_req_seen && f->reqid_valid)
			fsm_send(f, CP_CONF_REQ, f->reqid, f->req, f->req_len);
		break;
	case FSM_ACK_RCVD:
	case FSM_ACK_SENT:
		break;
	}
	f->peer_req_seen = true;

	rd_init(&r, opts, len);
	wr_init(&w, reply, sizeof(reply));
	code = f->ops->rcv_req(f, &r, &w, f->naks < f->ppp->cfg.max_failure);
	if (code == CP_CONF_ACK) {
		f->naks = 0;
		fsm_send(f, CP_CONF_ACK, id, opts, len);
		if (f->state == FSM_ACK_RCVD)
			this_layer_up(f);
		else
			set_state(f, FSM_ACK_SENT);
		return;
	}
	if (code == CP_CONF_NAK)
		f->naks++;
	fsm_send(f, (uint8_t)code, id, reply, w.len);
	if (f->state == FSM_ACK_SENT)
		set_state(f, FSM_REQ_SENT);
}

/* RCA */
static void rcv_conf_ack(struct fsm *f, uint8_t id, const uint8_t *opts, size_t len)
{
	if (!f->reqid_valid || id != f->reqid)
		return;
	if (len != f->req_len || memcmp(opts, f->req, len) != 0) {
		log_msg(ppp_log(f->ppp), LOG_LVL_DEBUG,
			"%s: Configure-Ack does not match our request, ignored", f->name);
		return;
	}
	f->reqid_valid = false;
	switch (f->state) {
	case FSM_CLOSED:
	case FSM_STOPPED:
		send_term_ack(f, id);
		break;
	case FSM_REQ_SENT:
		/* the restart timer keeps running in Ack-Rcvd (RFC 1661 4.2): if the
		 * peer's request never comes we ask again */
		irc_conf(f);
		set_state(f, FSM_ACK_RCVD);
		break;
	case FSM_ACK_RCVD: /* crossed connection */
		send_conf_req(f);
		set_state(f, FSM_REQ_SENT);
		break;
	case FSM_ACK_SENT:
		irc_conf(f);
		this_layer_up(f);
		break;
	case FSM_OPENED:
		this_layer_down(f);
		send_conf_req(f);
		set_state(f, FSM_REQ_SENT);
		break;
	case FSM_INITIAL:
	case FSM_STARTING:
	case FSM_CLOSING:
	case FSM_STOPPING:
		break;
	}
}

/* RCN (Nak or Reject) */
static int rcv_conf_nak_rej(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *opts,
			    size_t len)
{
	struct rd r;
	int err;

	if (!f->reqid_valid || id != f->reqid)
		return 0;
	switch (f->state) {
	case FSM_CLOSED:
	case FSM_STOPPED:
		send_term_ack(f, id);
		return 0;
	case FSM_INITIAL:
	case FSM_STARTING:
	case FSM_CLOSING:
	case FSM_STOPPING:
		return 0;
	case FSM_REQ_SENT:
	case FSM_ACK_RCVD:
	case FSM_ACK_SENT:
	case FSM_OPENED:
		break;
	}
	rd_init(&r, opts, len);
	err = code == CP_CONF_NAK ? f->ops->rcv_nak(f, &r) : f->ops->rcv_rej(f, &r);
	if (err < 0)
		return err;
	f->reqid_valid = false;
	if (f->fatal_reject) {
		/* the handler saw something we cannot live without */
		fsm_rxj_bad(f);
		return 0;
	}
	switch (f->state) {
	case FSM_REQ_SENT:
	case FSM_ACK_SENT:
		irc_conf(f);
		send_conf_req(f);
		break;
	case FSM_ACK_RCVD:
		send_conf_req(f);
		set_state(f, FSM_REQ_SENT);
		break;
	case FSM_OPENED:
		this_layer_down(f);
		send_conf_req(f);
		set_state(f, FSM_REQ_SENT);
		break;
	case FSM_INITIAL:
	case FSM_STARTING:
	case FSM_CLOSED:
	case FSM_STOPPED:
	case FSM_CLOSING:
	case FSM_STOPPING:
		break;
	}
	return 0;
}

/* RTR */
static void rcv_term_req(struct fsm *f, uint8_t id, const uint8_t *data, size_t len)
{
	switch (f->state) {
	case FSM_INITIAL:
	case FSM_STARTING:
		return;
	case FSM_CLOSED:
	case FSM_STOPPED:
	case FSM_CLOSING:
	case FSM_STOPPING:
		send_term_ack(f, id);
		return;
	case FSM_REQ_SENT:
	case FSM_ACK_RCVD:
	case FSM_ACK_SENT:
		send_term_ack(f, id);
		if (f->ops->peer_terminated)
			f->ops->peer_terminated(f, data, len);
		set_state(f, FSM_REQ_SENT);
		return;
	case FSM_OPENED:
		send_term_ack(f, id);
		/* before tld, so the handler still sees the phase it ended */
		if (f->ops->peer_terminated)
			f->ops->peer_terminated(f, data, len);
		this_layer_down(f);
		f->restart = 0; /* zrc: wait one restart period, then finished */
		timer_start(f);
		set_state(f, FSM_STOPPING);
		return;
	}
}

/* RTA */
static void rcv_term_ack(struct fsm *f, uint8_t id)
{
	switch (f->state) {
	case FSM_CLOSING:
		if (id != f->term_id)
			return;
		set_state(f, FSM_CLOSED);
		this_layer_finished(f);
		break;
	case FSM_STOPPING:
		set_state(f, FSM_STOPPED);
		this_layer_finished(f);
		break;
	case FSM_ACK_RCVD:
		set_state(f, FSM_REQ_SENT);
		break;
	case FSM_OPENED:
		this_layer_down(f);
		send_conf_req(f);
		set_state(f, FSM_REQ_SENT);
		break;
	case FSM_INITIAL:
	case FSM_STARTING:
	case FSM_CLOSED:
	case FSM_STOPPED:
	case FSM_REQ_SENT:
	case FSM_ACK_SENT:
		break;
	}
}

void fsm_rxj_bad(struct fsm *f)
{
	switch (f->state) {
	case FSM_INITIAL:
	case FSM_STARTING:
		break;
	case FSM_CLOSED:
	case FSM_STOPPED:
		this_layer_finished(f);
		break;
	case FSM_CLOSING:
		set_state(f, FSM_CLOSED);
		this_layer_finished(f);
		break;
	case FSM_STOPPING:
	case FSM_REQ_SENT:
	case FSM_ACK_RCVD:
	case FSM_ACK_SENT:
		set_state(f, FSM_STOPPED);
		this_layer_finished(f);
		break;
	case FSM_OPENED:
		this_layer_down(f);
		irc_term(f);
		send_term_req(f);
		set_state(f, FSM_STOPPING);
		break;
	}
}

/* RXJ+ / RXJ- for a Code-Reject */
static void rcv_code_rej(struct fsm *f, const uint8_t *data, size_t len)
{
	uint8_t code;

	if (len < 1)
		return;
	code = data[0];
	log_msg(ppp_log(f->ppp), LOG_LVL_WARN, "%s: the peer rejected our code %u", f->name, code);
	if (code >= CP_CONF_REQ && code <= CP_CODE_REJ) {
		fsm_rxj_bad(f);
		return;
	}
	if (f->ops->ext_code) {
		struct rd r;

		rd_init(&r, data, len);
		f->ops->ext_code(f, CP_CODE_REJ, 0, &r);
	}
	if (f->state == FSM_ACK_RCVD)
		set_state(f, FSM_REQ_SENT);
}

int fsm_input(struct fsm *f, const uint8_t *pkt, size_t len)
{
	struct rd r;
	uint8_t code, id;
	uint16_t plen;
	const uint8_t *data;
	size_t dlen;

	rd_init(&r, pkt, len);
	rd_u8(&r, &code);
	rd_u8(&r, &id);
	rd_u16(&r, &plen);
	if (r.err || plen < 4 || plen > len) {
		log_msg(ppp_log(f->ppp), LOG_LVL_DEBUG,
			"%s: malformed packet (length %u, have %zu)", f->name, r.err ? 0u : plen,
			len);
		return -EBADMSG;
	}
	/* bytes past the length field are padding (RFC 1661 5) */
	data = pkt + 4;
	dlen = (size_t)plen - 4;
	if (f->state == FSM_INITIAL || f->state == FSM_STARTING)
		return 0; /* not running: silently discarded */

	switch (code) {
	case CP_CONF_REQ:
	case CP_CONF_NAK:
	case CP_CONF_REJ:
	case CP_CONF_ACK:
		if (!cp_options_valid(data, dlen)) {
			log_msg(ppp_log(f->ppp), LOG_LVL_DEBUG, "%s: malformed options (code %u)",
				f->name, code);
			return -EBADMSG;
		}
		if (code == CP_CONF_REQ)
			rcv_conf_req(f, id, data, dlen);
		else if (code == CP_CONF_ACK)
			rcv_conf_ack(f, id, data, dlen);
		else
			return rcv_conf_nak_rej(f, code, id, data, dlen);
		return 0;
	case CP_TERM_REQ:
		rcv_term_req(f, id, data, dlen);
		return 0;
	case CP_TERM_ACK:
		rcv_term_ack(f, id);
		return 0;
	case CP_CODE_REJ:
		rcv_code_rej(f, data, dlen);
		return 0;
	default:
		break;
	}
	if (f->ops->ext_code) {
		struct rd d;

		rd_init(&d, data, dlen);
		if (f->ops->ext_code(f, code, id, &d))
			return 0;
	}
	/* RUC: scj with the whole rejected packet */
	fsm_send(f, CP_CODE_REJ, ++f->id, pkt, plen);
	return 0;
}
