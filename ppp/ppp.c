/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PPP session: RFC 1661 3 phases (Establish, Authenticate, Network,
 * Terminate), frame demultiplexing, timers and events.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ppp-internal.h"

void ppp_config_init(struct ppp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->allowed_auth = PPP_AUTH_ALL;
	cfg->mru = 1400;
	cfg->echo_interval_ms = 30000;
	cfg->echo_failure = 4;
	cfg->restart_ms = 3000;
	cfg->max_configure = 10;
	cfg->max_terminate = 2;
	cfg->max_failure = 5;
	cfg->want_dns = true;
	cfg->want_ipv6 = true;
}

const char *ppp_auth_method_name(enum ppp_auth_method m)
{
	switch (m) {
	case PPP_AUTH_NONE:
		return "none";
	case PPP_AUTH_PAP:
		return "PAP";
	case PPP_AUTH_CHAP_MD5:
		return "CHAP-MD5";
	case PPP_AUTH_MSCHAPV2:
		return "MS-CHAPv2";
	case PPP_AUTH_MSCHAP:
		return "MS-CHAP";
	case PPP_AUTH_EAP:
		return "EAP";
	}
	return "?";
}

const struct log_sink *ppp_log(const struct ppp *p)
{
	return p->have_log ? &p->log : NULL;
}

struct ppp *ppp_new(const struct ppp_config *cfg, const struct ppp_callbacks *cb, void *ctx,
		    const struct rand_source *rnd, const struct log_sink *log)
{
	struct ppp *p;

	if (!cfg || !cb || !cb->send || !cb->event || !rnd || !rnd->fn)
		return NULL;
	if (cfg->restart_ms == 0 || cfg->max_configure == 0 || cfg->max_terminate == 0)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->cfg = *cfg;
	p->cfg.username = NULL;
	p->cfg.password = NULL;
	p->username = strdup(cfg->username ? cfg->username : "");
	p->password = cfg->password ? secbuf_dup(cfg->password) : secbuf_new(0);
	if (!p->username || !p->password) {
		ppp_free(p);
		return NULL;
	}
	p->cb = *cb;
	p->ctx = ctx;
	p->rnd = *rnd;
	if (log) {
		p->log = *log;
		p->have_log = true;
	}
	p->phase = PHASE_DEAD;
	fsm_init(&p->lcp, p, PPP_PROTO_LCP, "LCP", &lcp_ops);
	fsm_init(&p->ipcp, p, PPP_PROTO_IPCP, "IPCP", &ipcp_ops);
	fsm_init(&p->ipv6cp, p, PPP_PROTO_IPV6CP, "IPV6CP", &ipv6cp_ops);
	p->lcps.peer_mru = 1500;
	return p;
}

void ppp_free(struct ppp *p)
{
	if (!p)
		return;
	mschap_crypto_free(p->crypto);
	secbuf_free(p->password);
	free(p->username);
	secure_wipe(p, sizeof(*p));
	free(p);
}

void ppp_send_frame(struct ppp *p, uint16_t proto, const uint8_t *payload, size_t len)
{
	if (len > PPP_CTRL_MAX)
		return;
	p->buf[0] = 0xff;
	p->buf[1] = 0x03;
	put_u16(p->buf + 2, proto);
	memcpy(p->buf + PPP_HDR_LEN, payload, len);
	p->cb.send(p->ctx, p->buf, PPP_HDR_LEN + len);
}

void ppp_emit(struct ppp *p, struct ppp_event *ev)
{
	p->cb.event(p->ctx, ev);
}

void ppp_finish(struct ppp *p, struct ppp_event *ev)
{
	if (p->phase == PHASE_FINISHED)
		return;
	/* say goodbye on a link that is still up; the answer is not awaited */
	if (p->lcp.state == FSM_OPENED && ev->type != PPP_EV_LINK_DEAD &&
	    ev->type != PPP_EV_TERMINATED) {
		static const char bye[] = "Client gives up";

		fsm_send(&p->lcp, CP_TERM_REQ, ++p->lcp.id, (const uint8_t *)bye, sizeof(bye) - 1);
	}
	p->phase = PHASE_FINISHED;
	p->lcp.due = p->ipcp.due = p->ipv6cp.due = 0;
	p->lcps.echo_due = 0;
	p->auth.due = 0;
	log_msg(ppp_log(p), ev->type == PPP_EV_TERMINATED ? LOG_LVL_INFO : LOG_LVL_ERROR, "%s",
		ev->message ? ev->message : "PPP: finished");
	ppp_emit(p, ev);
}

void ppp_fail(struct ppp *p, const char *fmt, ...)
{
	struct ppp_event ev = {.type = PPP_EV_FAILED};
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ev.message = msg;
	ppp_finish(p, &ev);
}

void ppp_send_protocol_reject(struct ppp *p, uint16_t proto, const uint8_t *info, size_t len)
{
	uint8_t data[PPP_CTRL_MAX];

	if (len > sizeof(data) - 2)
		len = sizeof(data) - 2;
	put_u16(data, proto);
	memcpy(data + 2, info, len);
	/* fsm_send truncates to the peer's MRU */
	fsm_send(&p->lcp, CP_PROTO_REJ, ++p->lcp.id, data, len + 2);
}

void ppp_start(struct ppp *p, uint64_t now_ms)
{
	if (p->phase != PHASE_DEAD)
		return;
	p->now = now_ms;
	p->phase = PHASE_ESTABLISH;
	fsm_open(&p->lcp);
	fsm_lower_up(&p->lcp);
}

void ppp_lcp_up(struct ppp *p)
{
	struct ppp_event ev = {.type = PPP_EV_LCP_UP};

	if (p->phase == PHASE_FINISHED)
		return;
	log_msg(ppp_log(p), LOG_LVL_INFO, "LCP up: MRU %u, peer MRU %u, authentication %s",
		ppp_get_mru(p), p->lcps.peer_mru, ppp_auth_method_name(p->lcps.auth));
	ppp_emit(p, &ev);
	lcp_echo_start(p);
	if (p->lcps.auth == PPP_AUTH_NONE) {
		p->phase = PHASE_AUTHENTICATE;
		ppp_auth_done(p);
		return;
	}
	p->phase = PHASE_AUTHENTICATE;
	auth_start(p);
}

void ppp_auth_done(struct ppp *p)
{
	struct ppp_event ev = {.type = PPP_EV_AUTH_OK, .method = p->lcps.auth};

	if (p->phase != PHASE_AUTHENTICATE)
		return;
	p->phase = PHASE_NETWORK;
	if (p->lcps.auth != PPP_AUTH_NONE)
		ppp_emit(p, &ev);
	p->ipv6cp_pending = p->cfg.want_ipv6;
	fsm_open(&p->ipcp);
	fsm_lower_up(&p->ipcp);
}

/*
 * IPV6CP is passive: it starts when the server sends IPV6CP, i.e. when the
 * server offers IPv6 (pppd with +ipv6 does at once). SoftEther never starts
 * IPV6CP but answers ours slowly: sent during IPCP it left IPCP unanswered
 * until our 3 s retransmission (its IPCP waits for DHCP), and sent after IPCP
 * it stalled IPv4 traffic for seconds; its IPv6 carries nothing anyway.
 */
static void ipv6cp_start(struct ppp *p)
{
	if (!p->ipv6cp_pending || p->phase != PHASE_NETWORK)
		return;
	p->ipv6cp_pending = false;
	fsm_open(&p->ipv6cp);
	fsm_lower_up(&p->ipv6cp);
}

void ppp_lcp_down(struct ppp *p)
{
	bool was_up = p->ipcp_reported || p->ipv6cp_reported;
	struct ppp_event ev = {.type = PPP_EV_LINK_DOWN};

	p->lcps.echo_due = 0;
	auth_reset(p);
	fsm_lower_down(&p->ipcp);
	fsm_lower_down(&p->ipv6cp);
	p->ipcp_reported = p->ipv6cp_reported = false;
	if (p->phase == PHASE_FINISHED)
		return;
	p->phase = p->closing_by_us ? PHASE_TERMINATE : PHASE_ESTABLISH;
	if (was_up && !p->closing_by_us) {
		ev.message = "PPP: the server restarted link negotiation.";
		ppp_emit(p, &ev);
	}
}

void ppp_lcp_finished(struct ppp *p)
{
	char offers[96], allowed[96];
	struct ppp_event ev = {.type = PPP_EV_TERMINATED};

	if (p->phase == PHASE_FINISHED)
		return;
	if (p->closing_by_us) {
		ev.message = "PPP: connection closed.";
		ppp_finish(p, &ev);
		return;
	}
	if (p->lcps.auth_naks) {
		lcp_describe_offers(p->lcps.offered, offers, sizeof(offers));
		ppp_fail(p,
			 "PPP: no common authentication method: the server offered %s, the profile "
			 "allows %s. Allow one of the server's methods.",
			 offers, auth_list_names(p->cfg.allowed_auth, allowed, sizeof(allowed)));
		return;
	}
	ppp_fail(p,
		 "PPP: link negotiation (LCP) with the server failed after %u attempts; check "
		 "that the server offers PPP on this L2TP session.",
		 p->cfg.max_configure);
}

void ppp_peer_terminated(struct ppp *p, const uint8_t *data, size_t len)
{
	char reason[128], msg[320], offers[96], allowed[96];
	struct ppp_event ev = {.type = PPP_EV_TERMINATED, .by_peer = true};
	size_t o = 0;

	if (p->phase == PHASE_FINISHED || p->closing_by_us)
		return;
	for (size_t i = 0; i < len && o + 1 < sizeof(reason); i++)
		reason[o++] = (data[i] >= 0x20 && data[i] < 0x7f) ? (char)data[i] : '?';
	reason[o] = '\0';

	switch (p->phase) {
	case PHASE_AUTHENTICATE:
		/* SoftEther answers a wrong PAP password this way, without a Nak */
		ev.type = PPP_EV_AUTH_FAILED;
		ev.method = p->lcps.auth;
		snprintf(msg, sizeof(msg),
			 "PPP: the server ended the connection during %s authentication%s%s%s; the "
			 "user name or password is probably wrong. Check them.",
			 ppp_auth_method_name(p->lcps.auth), o ? " (\"" : "", reason,
			 o ? "\")" : "");
		break;
	case PHASE_ESTABLISH:
		if (p->lcps.auth_naks) {
			lcp_describe_offers(p->lcps.offered, offers, sizeof(offers));
			snprintf(msg, sizeof(msg),
				 "PPP: no common authentication method: the server offered %s, the "
				 "profile allows %s. Allow one of the server's methods.",
				 offers,
				 auth_list_names(p->cfg.allowed_auth, allowed, sizeof(allowed)));
		} else {
			snprintf(msg, sizeof(msg), "PPP: the server ended link negotiation%s%s%s.",
				 o ? " (\"" : "", reason, o ? "\")" : "");
		}
		ev.type = PPP_EV_FAILED;
		break;
	case PHASE_DEAD:
	case PHASE_NETWORK:
	case PHASE_TERMINATE:
	case PHASE_FINISHED:
		snprintf(msg, sizeof(msg), "PPP: the server closed the connection%s%s%s.",
			 o ? " (\"" : "", reason, o ? "\")" : "");
		break;
	}
	ev.message = msg;
	ppp_finish(p, &ev);
}

void ppp_ncp_up(struct ppp *p, struct fsm *f)
{
	struct ppp_event ev = {0};

	if (p->phase == PHASE_FINISHED)
		return;
	if (f == &p->ipcp) {
		if (p->ipcps.addr == 0) {
			ppp_fail(p, "PPP: the server did not assign an IPv4 address.");
			return;
		}
		ev.type = PPP_EV_IPCP_UP;
		ev.local_addr = p->ipcps.addr;
		ev.peer_addr = p->ipcps.peer_addr;
		ev.dns1 = p->ipcps.neg_dns1 ? p->ipcps.dns1 : 0;
		ev.dns2 = p->ipcps.neg_dns2 ? p->ipcps.dns2 : 0;
		p->ipcp_reported = true;
	} else {
		ev.type = PPP_EV_IPV6CP_UP;
		memcpy(ev.local_ifid, p->ipv6cps.ifid, 8);
		memcpy(ev.peer_ifid, p->ipv6cps.peer_ifid, 8);
		p->ipv6cp_reported = true;
	}
	ppp_emit(p, &ev);
}

void ppp_ncp_finished(struct ppp *p, struct fsm *f)
{
	if (p->phase != PHASE_NETWORK)
		return;
	if (f == &p->ipv6cp) {
		log_msg(ppp_log(p), LOG_LVL_INFO, "IPV6CP: not available, IPv6 stays off");
		if (p->ipcp.state == FSM_OPENED || p->ipcp.state == FSM_REQ_SENT ||
		    p->ipcp.state == FSM_ACK_RCVD || p->ipcp.state == FSM_ACK_SENT)
			return;
	} else if (p->ipv6cp.state == FSM_OPENED) {
		log_msg(ppp_log(p), LOG_LVL_WARN, "IPCP: not available, IPv4 stays off");
		return;
	}
	ppp_fail(p,
		 "PPP: IP negotiation (%s) with the server failed; the server did not "
		 "give us an address.",
		 f->name);
}

/* RFC 1661 2: protocol field, possibly compressed to one byte (PFC). */
static int parse_header(const uint8_t *frame, size_t len, uint16_t *proto, size_t *off)
{
	size_t o = 0;

	if (len >= 2 && frame[0] == 0xff && frame[1] == 0x03)
		o = 2;
	if (o >= len)
		return -EBADMSG;
	if (frame[o] & 1) {
		*proto = frame[o];
		o += 1;
	} else {
		if (o + 2 > len || !(frame[o + 1] & 1))
			return -EBADMSG;
		*proto = get_u16(frame + o);
		o += 2;
	}
	*off = o;
	return 0;
}

int ppp_rx(struct ppp *p, const uint8_t *frame, size_t len, uint64_t now_ms)
{
	uint16_t proto;
	size_t off;
	const uint8_t *pkt;
	size_t plen;

	if (p->phase == PHASE_FINISHED)
		return -ESHUTDOWN;
	p->now = now_ms;
	if (parse_header(frame, len, &proto, &off) < 0)
		return -EBADMSG;
	pkt = frame + off;
	plen = len - off;
	if (p->phase == PHASE_DEAD)
		return 0;
	if (proto == PPP_PROTO_LCP)
		return fsm_input(&p->lcp, pkt, plen);
	/* RFC 1661 3.4-3.5: other protocols only once LCP is Opened; during
	 * authentication only authentication packets */
	if (p->lcp.state != FSM_OPENED)
		return 0;
	switch (proto) {
	case PPP_PROTO_PAP:
	case PPP_PROTO_CHAP:
		if (p->phase == PHASE_AUTHENTICATE || p->phase == PHASE_NETWORK)
			return auth_rx(p, proto, pkt, plen);
		return 0;
	default:
		break;
	}
	if (p->phase != PHASE_NETWORK)
		return 0;
	switch (proto) {
	case PPP_PROTO_IP:
		if (p->ipcp.state == FSM_OPENED && p->cb.deliver_ip && plen)
			p->cb.deliver_ip(p->ctx, pkt, plen, false);
		return 0;
	case PPP_PROTO_IPV6:
		if (p->ipv6cp.state == FSM_OPENED && p->cb.deliver_ip && plen)
			p->cb.deliver_ip(p->ctx, pkt, plen, true);
		return 0;
	case PPP_PROTO_IPCP:
		return fsm_input(&p->ipcp, pkt, plen);
	case PPP_PROTO_IPV6CP:
		if (p->cfg.want_ipv6) {
			ipv6cp_start(p);
			return fsm_input(&p->ipv6cp, pkt, plen);
		}
		break;
	default:
		break;
	}
	log_msg(ppp_log(p), LOG_LVL_DEBUG, "PPP: rejecting protocol 0x%04x", proto);
	ppp_send_protocol_reject(p, proto, pkt, plen);
	return 0;
}

static void consider(uint64_t *min, uint64_t t)
{
	if (t && t < *min)
		*min = t;
}

uint64_t ppp_next_timeout(const struct ppp *p)
{
	uint64_t t = UINT64_MAX;

	if (p->phase == PHASE_FINISHED || p->phase == PHASE_DEAD)
		return t;
	consider(&t, p->lcp.due);
	consider(&t, p->ipcp.due);
	consider(&t, p->ipv6cp.due);
	consider(&t, p->lcps.echo_due);
	consider(&t, p->auth.due);
	return t;
}

void ppp_tick(struct ppp *p, uint64_t now_ms)
{
	struct fsm *fsms[] = {&p->lcp, &p->ipcp, &p->ipv6cp};

	if (p->phase == PHASE_FINISHED || p->phase == PHASE_DEAD)
		return;
	p->now = now_ms;
	for (size_t i = 0; i < ARRAY_SIZE(fsms); i++) {
		if (fsms[i]->due && fsms[i]->due <= now_ms)
			fsm_timeout(fsms[i]);
		if (p->phase == PHASE_FINISHED)
			return;
	}
	if (p->lcps.echo_due && p->lcps.echo_due <= now_ms)
		lcp_echo_tick(p);
	if (p->phase == PHASE_FINISHED)
		return;
	if (p->auth.due && p->auth.due <= now_ms)
		auth_tick(p);
}

void ppp_close(struct ppp *p, uint64_t now_ms)
{
	struct ppp_event ev = {.type = PPP_EV_TERMINATED, .message = "PPP: connection closed."};

	if (p->phase == PHASE_FINISHED)
		return;
	p->now = now_ms;
	if (p->phase == PHASE_DEAD) {
		ppp_finish(p, &ev);
		return;
	}
	p->closing_by_us = true;
	p->phase = PHASE_TERMINATE;
	p->lcps.echo_due = 0;
	p->auth.due = 0;
	fsm_close(&p->lcp, "User request");
	/* nothing to wait for when LCP was not negotiating */
	if (p->phase != PHASE_FINISHED && p->lcp.state != FSM_CLOSING)
		ppp_finish(p, &ev);
}

size_t ppp_ip_header_len(const struct ppp *p)
{
	return PPP_HDR_LEN;
}

size_t ppp_write_ip_header(const struct ppp *p, uint8_t *buf, bool is_ipv6)
{
	buf[0] = 0xff;
	buf[1] = 0x03;
	put_u16(buf + 2, is_ipv6 ? PPP_PROTO_IPV6 : PPP_PROTO_IP);
	return PPP_HDR_LEN;
}

int ppp_send_ip(struct ppp *p, const uint8_t *pkt, size_t len, bool is_ipv6)
{
	if (p->phase != PHASE_NETWORK)
		return -ENOTCONN;
	if ((is_ipv6 ? p->ipv6cp.state : p->ipcp.state) != FSM_OPENED)
		return -ENOTCONN;
	if (len > ppp_get_mtu(p))
		return -EMSGSIZE;
	ppp_write_ip_header(p, p->buf, is_ipv6);
	memcpy(p->buf + PPP_HDR_LEN, pkt, len);
	p->cb.send(p->ctx, p->buf, PPP_HDR_LEN + len);
	return 0;
}

uint16_t ppp_get_mtu(const struct ppp *p)
{
	/* larger MRUs are legal, but our frame buffer and L2TP/IPsec stop at 1500 */
	return p->lcps.peer_mru && p->lcps.peer_mru < 1500 ? p->lcps.peer_mru : 1500;
}

uint16_t ppp_get_mru(const struct ppp *p)
{
	return p->lcps.neg_mru ? p->lcps.mru : 1500;
}

enum ppp_auth_method ppp_get_auth_method(const struct ppp *p)
{
	return p->lcps.auth;
}
