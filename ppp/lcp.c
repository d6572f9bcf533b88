/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * LCP option handlers (RFC 1661 6, RFC 1334/1994/2759 for Auth-Protocol) and
 * the LCP-only codes: Protocol-Reject, Echo, Discard.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ppp-internal.h"

enum {
	LCP_MRU = 1,
	LCP_ACCM = 2,
	LCP_AUTH = 3,
	LCP_QUALITY = 4,
	LCP_MAGIC = 5,
	LCP_PFC = 7,
	LCP_ACFC = 8,
};

#define LCP_MIN_MRU 128

static struct ppp *P(struct fsm *f)
{
	return f->ppp;
}

static uint32_t new_magic(struct ppp *p)
{
	uint32_t m = 0;

	while (m == 0)
		rand_fill(&p->rnd, &m, sizeof(m));
	return m;
}

static void lcp_reset(struct fsm *f)
{
	struct ppp *p = P(f);
	struct lcp_state *s = &p->lcps;

	s->mru = p->cfg.mru ? p->cfg.mru : 1500;
	s->neg_mru = s->mru != 1500;
	s->neg_magic = true;
	s->magic = new_magic(p);
	s->peer_mru = 1500;
	s->peer_magic = 0;
	s->auth = PPP_AUTH_NONE;
}

static void lcp_add_req(struct fsm *f, struct wr *w)
{
	struct lcp_state *s = &P(f)->lcps;

	if (s->neg_mru) {
		wr_u8(w, LCP_MRU);
		wr_u8(w, 4);
		wr_u16(w, s->mru);
	}
	if (s->neg_magic) {
		wr_u8(w, LCP_MAGIC);
		wr_u8(w, 6);
		wr_u32(w, s->magic);
	}
}

static int lcp_rcv_nak(struct fsm *f, struct rd *r)
{
	struct lcp_state *s = &P(f)->lcps;
	bool nak_mru = false, nak_magic = false;
	uint16_t mru = 0;

	/* validate */
	while (rd_left(r) > 0) {
		uint8_t type, len;
		struct rd o;

		rd_u8(r, &type);
		rd_u8(r, &len);
		rd_sub(r, len - 2u, &o);
		if (type == LCP_MRU) {
			if (len != 4)
				return -EBADMSG;
			rd_u16(&o, &mru);
			nak_mru = true;
		} else if (type == LCP_MAGIC) {
			if (len != 6)
				return -EBADMSG;
			nak_magic = true;
		}
		/* other hints (e.g. an Auth-Protocol for us to demand) are ignored */
	}
	/* act */
	if (nak_mru && mru >= LCP_MIN_MRU && mru <= 1500) {
		s->mru = mru;
		s->neg_mru = true;
	}
	if (nak_magic)
		s->magic = new_magic(P(f));
	return 0;
}

static int lcp_rcv_rej(struct fsm *f, struct rd *r)
{
	struct lcp_state *s = &P(f)->lcps;
	bool rej_mru = false, rej_magic = false;

	while (rd_left(r) > 0) {
		uint8_t type, len;

		rd_u8(r, &type);
		rd_u8(r, &len);
		rd_skip(r, len - 2u);
		if (type == LCP_MRU)
			rej_mru = true;
		else if (type == LCP_MAGIC)
			rej_magic = true;
	}
	if (rej_mru) {
		s->neg_mru = false;
		s->mru = 1500;
	}
	if (rej_magic) {
		log_msg(ppp_log(P(f)), LOG_LVL_DEBUG, "LCP: the peer rejects Magic-Number");
		s->neg_magic = false;
	}
	return 0;
}

/* Our preference: MS-CHAPv2, CHAP-MD5, PAP. */
static const enum ppp_auth_method auth_pref[] = {PPP_AUTH_MSCHAPV2, PPP_AUTH_CHAP_MD5,
						 PPP_AUTH_PAP};

static void write_auth_opt(struct wr *w, enum ppp_auth_method m)
{
	wr_u8(w, LCP_AUTH);
	if (m == PPP_AUTH_PAP) {
		wr_u8(w, 4);
		wr_u16(w, PPP_PROTO_PAP);
	} else {
		wr_u8(w, 5);
		wr_u16(w, PPP_PROTO_CHAP);
		wr_u8(w, m == PPP_AUTH_MSCHAPV2 ? CHAP_ALG_MSCHAPV2 : CHAP_ALG_MD5);
	}
}

/* Which method an Auth-Protocol option names; sets *offer to an OFFER_* bit. */
static enum ppp_auth_method classify_auth(const uint8_t *v, size_t len, unsigned *offer)
{
	uint16_t proto = len >= 2 ? get_u16(v) : 0;

	*offer = OFFER_OTHER;
	if (proto == PPP_PROTO_PAP && len == 2) {
		*offer = OFFER_PAP;
		return PPP_AUTH_PAP;
	}
	if (proto == PPP_PROTO_CHAP && len == 3) {
		if (v[2] == CHAP_ALG_MD5) {
			*offer = OFFER_CHAP_MD5;
			return PPP_AUTH_CHAP_MD5;
		}
		if (v[2] == CHAP_ALG_MSCHAPV2) {
			*offer = OFFER_MSCHAPV2;
			return PPP_AUTH_MSCHAPV2;
		}
		if (v[2] == CHAP_ALG_MSCHAP)
			*offer = OFFER_MSCHAP;
	}
	if (proto == PPP_PROTO_EAP)
		*offer = OFFER_EAP;
	return PPP_AUTH_NONE;
}

static int lcp_rcv_req(struct fsm *f, struct rd *r, struct wr *reply, bool may_nak)
{
	struct ppp *p = P(f);
	struct lcp_state *s = &p->lcps;
	uint8_t nakbuf[64], rejbuf[PPP_CTRL_MAX];
	struct wr nak, rej;
	uint16_t mru = 1500;
	uint32_t magic = 0;
	enum ppp_auth_method auth = PPP_AUTH_NONE;
	unsigned offered = 0;
	bool naked_auth = false, seen_auth = false;

	wr_init(&nak, nakbuf, sizeof(nakbuf));
	wr_init(&rej, rejbuf, sizeof(rejbuf));
	while (rd_left(r) > 0) {
		const uint8_t *opt, *v;
		uint8_t type, len;
		bool ok = false;

		opt = r->p + r->off;
		rd_u8(r, &type);
		rd_u8(r, &len);
		rd_ptr(r, len - 2u, &v);
		switch (type) {
		case LCP_MRU:
			if (len != 4)
				break;
			mru = get_u16(v);
			ok = true;
			if (mru < LCP_MIN_MRU) {
				if (may_nak) {
					wr_u8(&nak, LCP_MRU);
					wr_u8(&nak, 4);
					wr_u16(&nak, LCP_MIN_MRU);
				} else {
					ok = false;
				}
			}
			break;
		case LCP_ACCM:
			ok = len == 6; /* meaningless over L2TP, harmless to accept */
			break;
		case LCP_PFC:
		case LCP_ACFC:
			/* we accept compressed frames; we always send full ones */
			ok = len == 2;
			break;
		case LCP_MAGIC:
			if (len != 6)
				break;
			magic = get_u32(v);
			ok = true;
			if (s->neg_magic && magic == s->magic) {
				/* looped back? suggest another number (RFC 1661 6.4) */
				if (may_nak) {
					wr_u8(&nak, LCP_MAGIC);
					wr_u8(&nak, 6);
					wr_u32(&nak, new_magic(p));
				} else {
					ok = false;
				}
			}
			break;
		case LCP_AUTH: {
			unsigned offer, allowed = p->cfg.allowed_auth, n = 0;
			enum ppp_auth_method m, list[ARRAY_SIZE(auth_pref)];

			if (len < 4 || seen_auth)
				break;
			seen_auth = true;
			m = classify_auth(v, len - 2u, &offer);
			offered |= offer;
			if (m != PPP_AUTH_NONE && (allowed & m)) {
				auth = m;
				ok = true;
				break;
			}
			for (size_t i = 0; i < ARRAY_SIZE(auth_pref); i++)
				if (allowed & auth_pref[i])
					list[n++] = auth_pref[i];
			if (n == 0 || !may_nak)
				break; /* Reject: we will not authenticate */
			write_auth_opt(&nak, list[s->auth_naks % n]);
			naked_auth = true;
			ok = true;
			break;
		}
		default:
			break;
		}
		if (!ok)
			wr_bytes(&rej, opt, len);
	}
	if (r->err)
		return -EBADMSG;
	s->offered |= offered;
	if (rej.len) {
		wr_bytes(reply, rejbuf, rej.len);
		return CP_CONF_REJ;
	}
	if (nak.len) {
		if (naked_auth)
			s->auth_naks++;
		wr_bytes(reply, nakbuf, nak.len);
		return CP_CONF_NAK;
	}
	s->peer_mru = mru;
	s->peer_magic = magic;
	s->auth = auth;
	return CP_CONF_ACK;
}

static void lcp_up(struct fsm *f)
{
	ppp_lcp_up(P(f));
}

static void lcp_down(struct fsm *f)
{
	ppp_lcp_down(P(f));
}

static void lcp_finished(struct fsm *f)
{
	ppp_lcp_finished(P(f));
}

static void send_echo_reply(struct fsm *f, uint8_t id, struct rd *data)
{
	struct ppp *p = P(f);
	uint8_t buf[PPP_CTRL_MAX];
	struct wr w;
	size_t rest;

	rd_skip(data, 4); /* the peer's magic */
	rest = rd_left(data);
	wr_init(&w, buf, sizeof(buf));
	wr_u32(&w, p->lcps.neg_magic ? p->lcps.magic : 0);
	if (rest && rest <= sizeof(buf) - 4)
		wr_bytes(&w, data->p + data->off, rest);
	fsm_send(f, CP_ECHO_REPLY, id, buf, w.len);
}

static bool lcp_ext_code(struct fsm *f, uint8_t code, uint8_t id, struct rd *data)
{
	struct ppp *p = P(f);
	uint32_t magic;
	uint16_t proto;

	switch (code) {
	case CP_CODE_REJ: /* one of our extended codes was rejected */
		if (rd_left(data) >= 1 && data->p[data->off] == CP_ECHO_REQ) {
			p->lcps.echo_off = true;
			p->lcps.echo_due = 0;
		}
		return true;
	case CP_PROTO_REJ:
		if (f->state != FSM_OPENED || !rd_u16(data, &proto))
			return true;
		log_msg(ppp_log(p), LOG_LVL_INFO, "LCP: the peer rejects protocol 0x%04x", proto);
		if (proto == PPP_PROTO_IPCP)
			fsm_rxj_bad(&p->ipcp);
		else if (proto == PPP_PROTO_IPV6CP)
			fsm_rxj_bad(&p->ipv6cp);
		return true;
	case CP_ECHO_REQ:
		if (f->state == FSM_OPENED && rd_left(data) >= 4)
			send_echo_reply(f, id, data);
		return true;
	case CP_ECHO_REPLY:
		if (f->state != FSM_OPENED || !rd_u32(data, &magic))
			return true;
		if (p->lcps.neg_magic && magic == p->lcps.magic) {
			log_msg(ppp_log(p), LOG_LVL_WARN,
				"LCP: our own echo came back: looped link?");
			return true;
		}
		p->lcps.echo_pending = 0;
		return true;
	case CP_DISCARD_REQ:
		return true;
	default:
		return false;
	}
}

static void lcp_peer_terminated(struct fsm *f, const uint8_t *data, size_t len)
{
	ppp_peer_terminated(P(f), data, len);
}

const struct fsm_ops lcp_ops = {
	.reset = lcp_reset,
	.add_req = lcp_add_req,
	.rcv_nak = lcp_rcv_nak,
	.rcv_rej = lcp_rcv_rej,
	.rcv_req = lcp_rcv_req,
	.up = lcp_up,
	.down = lcp_down,
	.finished = lcp_finished,
	.ext_code = lcp_ext_code,
	.peer_terminated = lcp_peer_terminated,
};

void lcp_echo_start(struct ppp *p)
{
	p->lcps.echo_pending = 0;
	p->lcps.echo_due = 0;
	if (p->cfg.echo_interval_ms && !p->lcps.echo_off)
		p->lcps.echo_due = p->now + p->cfg.echo_interval_ms;
}

void lcp_echo_tick(struct ppp *p)
{
	uint8_t magic[4];

	p->lcps.echo_due = 0;
	if (p->lcp.state != FSM_OPENED || p->lcps.echo_off)
		return;
	if (p->lcps.echo_pending >= p->cfg.echo_failure) {
		struct ppp_event ev = {.type = PPP_EV_LINK_DEAD};
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "PPP: the server stopped answering (%u LCP echo requests unanswered); "
			 "the connection is lost, reconnect.",
			 p->lcps.echo_pending);
		ev.message = msg;
		ppp_finish(p, &ev);
		return;
	}
	put_u32(magic, p->lcps.neg_magic ? p->lcps.magic : 0);
	fsm_send(&p->lcp, CP_ECHO_REQ, ++p->lcps.echo_id, magic, sizeof(magic));
	p->lcps.echo_pending++;
	p->lcps.echo_due = p->now + p->cfg.echo_interval_ms;
}

static const struct {
	unsigned bit;
	const char *name;
} offer_names[] = {
	{OFFER_EAP, "EAP"},	   {OFFER_MSCHAPV2, "MS-CHAPv2"},
	{OFFER_MSCHAP, "MS-CHAP"}, {OFFER_CHAP_MD5, "CHAP-MD5"},
	{OFFER_PAP, "PAP"},	   {OFFER_OTHER, "an unknown method"},
};

void lcp_describe_offers(unsigned offered, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(offer_names); i++) {
		if (!(offered & offer_names[i].bit))
			continue;
		int n = snprintf(buf + o, len - o, "%s%s", o ? ", " : "", offer_names[i].name);
		if (n < 0 || (size_t)n >= len - o)
			break;
		o += (size_t)n;
	}
	if (o == 0)
		snprintf(buf, len, "nothing");
}

const char *auth_list_names(unsigned methods, char *buf, size_t len)
{
	unsigned offers = 0;

	if (methods & PPP_AUTH_MSCHAPV2)
		offers |= OFFER_MSCHAPV2;
	if (methods & PPP_AUTH_CHAP_MD5)
		offers |= OFFER_CHAP_MD5;
	if (methods & PPP_AUTH_PAP)
		offers |= OFFER_PAP;
	lcp_describe_offers(offers, buf, len);
	return buf;
}
