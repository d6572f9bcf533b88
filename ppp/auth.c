/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Authentication as the peer: PAP (RFC 1334), CHAP-MD5 (RFC 1994) and
 * MS-CHAPv2 (RFC 2759). The server's MS-CHAPv2 authenticator response is
 * checked; a wrong one ends the session.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ppp-internal.h"

enum {
	PAP_AUTH_REQ = 1,
	PAP_AUTH_ACK = 2,
	PAP_AUTH_NAK = 3,
	CHAP_CHALLENGE = 1,
	CHAP_RESPONSE = 2,
	CHAP_SUCCESS = 3,
	CHAP_FAILURE = 4,
};

/* Server text made safe for a message: printable ASCII, bounded. */
static void sanitize(char *out, size_t cap, const uint8_t *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 1 < cap; i++)
		out[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
	out[o] = '\0';
}

void auth_reset(struct ppp *p)
{
	secure_wipe(&p->auth, sizeof(p->auth));
	p->auth.state = AUTH_IDLE;
}

static void auth_failed(struct ppp *p, const char *msg)
{
	struct ppp_event ev = {.type = PPP_EV_AUTH_FAILED, .method = p->lcps.auth, .message = msg};

	ppp_finish(p, &ev);
}

static void send_pap(struct ppp *p)
{
	uint8_t pkt[4 + 2 + 255 + 255];
	size_t ulen = strlen(p->username), plen = p->password->len;
	struct wr w;

	if (ulen > 255)
		ulen = 255;
	if (plen > 255)
		plen = 255;
	wr_init(&w, pkt, sizeof(pkt));
	wr_u8(&w, PAP_AUTH_REQ);
	wr_u8(&w, p->auth.id);
	wr_u16(&w, (uint16_t)(4 + 2 + ulen + plen));
	wr_u8(&w, (uint8_t)ulen);
	wr_bytes(&w, p->username, ulen);
	wr_u8(&w, (uint8_t)plen);
	wr_bytes(&w, p->password->data, plen);
	ppp_send_frame(p, PPP_PROTO_PAP, pkt, w.len);
	secure_wipe(pkt, sizeof(pkt));
	p->auth.tries++;
	p->auth.due = p->now + p->cfg.restart_ms;
}

static uint64_t give_up_time(const struct ppp *p)
{
	return p->now + (uint64_t)p->cfg.restart_ms * p->cfg.max_configure;
}

void auth_start(struct ppp *p)
{
	auth_reset(p);
	switch (p->lcps.auth) {
	case PPP_AUTH_PAP:
		rand_fill(&p->rnd, &p->auth.id, 1);
		p->auth.state = AUTH_PAP_SENT;
		send_pap(p);
		break;
	case PPP_AUTH_CHAP_MD5:
	case PPP_AUTH_MSCHAPV2:
		p->auth.state = AUTH_CHAP_WAIT;
		p->auth.due = give_up_time(p);
		break;
	case PPP_AUTH_NONE:
	case PPP_AUTH_MSCHAP: /* never agreed in LCP: not in PPP_AUTH_ALL */
	case PPP_AUTH_EAP:
		break;
	}
}

void auth_tick(struct ppp *p)
{
	p->auth.due = 0;
	switch (p->auth.state) {
	case AUTH_PAP_SENT:
		if (p->auth.tries < p->cfg.max_configure)
			send_pap(p);
		else
			ppp_fail(p,
				 "PPP: the server did not answer PAP authentication (%u requests).",
				 p->auth.tries);
		break;
	case AUTH_CHAP_WAIT:
		ppp_fail(p, "PPP: the server agreed on %s but never sent a challenge.",
			 ppp_auth_method_name(p->lcps.auth));
		break;
	case AUTH_CHAP_RESPONDED:
		if (p->auth.tries < p->cfg.max_configure) {
			/* our Response or its Success may be lost: an authenticator
			 * answers a repeated Response with its result again */
			ppp_send_frame(p, PPP_PROTO_CHAP, p->auth.resp, p->auth.resp_len);
			p->auth.tries++;
			p->auth.due = p->now + p->cfg.restart_ms;
		} else {
			ppp_fail(p, "PPP: the server did not answer our %s response.",
				 ppp_auth_method_name(p->lcps.auth));
		}
		break;
	case AUTH_IDLE:
	case AUTH_DONE:
		break;
	}
}

static int pap_rx(struct ppp *p, struct rd *r, uint8_t code, uint8_t id)
{
	const uint8_t *msg = NULL;
	uint8_t mlen = 0;
	char text[128], buf[256];

	/* Message-Length may be absent in some Acks; tolerate that */
	if (rd_left(r) > 0 && (!rd_u8(r, &mlen) || !rd_ptr(r, mlen, &msg)))
		return -EBADMSG;
	if (p->auth.state != AUTH_PAP_SENT || id != p->auth.id)
		return 0;
	sanitize(text, sizeof(text), msg, mlen);
	if (code == PAP_AUTH_ACK) {
		p->auth.state = AUTH_DONE;
		p->auth.due = 0;
		ppp_auth_done(p);
		return 0;
	}
	if (code == PAP_AUTH_NAK) {
		snprintf(buf, sizeof(buf),
			 "PPP: the server refused the user name or password (PAP%s%s%s). Check "
			 "them.",
			 mlen ? ": \"" : "", text, mlen ? "\"" : "");
		auth_failed(p, buf);
	}
	return 0;
}

/* Builds and sends our Response to a Challenge, keeping it for resends. */
static int chap_respond(struct ppp *p, uint8_t id, const uint8_t *chal, uint8_t clen)
{
	struct auth_ctx *a = &p->auth;
	uint8_t value[49];
	uint8_t vlen;
	size_t ulen = strlen(p->username);
	struct wr w;
	int err;

	if (ulen > sizeof(a->resp) - 5 - sizeof(value))
		ulen = sizeof(a->resp) - 5 - sizeof(value);
	if (p->lcps.auth == PPP_AUTH_MSCHAPV2) {
		uint8_t *peer = value, *nt = value + 24;

		if (!p->crypto)
			p->crypto = mschap_crypto_new();
		if (!p->crypto) {
			ppp_fail(p, "PPP: MS-CHAPv2 needs SHA-1 from OpenSSL, which is not "
				    "available; check the OpenSSL installation or allow another "
				    "authentication method.");
			return -ENOTSUP;
		}
		memset(value, 0, sizeof(value));
		rand_fill(&p->rnd, peer, 16);
		err = mschap_nt_response(p->crypto, chal, peer, p->username, p->password->data,
					 p->password->len, nt);
		if (!err)
			err = mschap_auth_response(p->crypto, p->password->data, p->password->len,
						   nt, peer, chal, p->username, a->expect_s);
		vlen = 49;
	} else {
		err = chap_md5_response(id, p->password->data, p->password->len, chal, clen, value);
		vlen = 16;
	}
	if (err) {
		ppp_fail(p, "PPP: could not compute the %s response (%s).",
			 ppp_auth_method_name(p->lcps.auth),
			 err == -EINVAL ? "the password is not valid UTF-8 or too long"
					: "crypto error");
		return err;
	}
	wr_init(&w, a->resp, sizeof(a->resp));
	wr_u8(&w, CHAP_RESPONSE);
	wr_u8(&w, id);
	wr_u16(&w, (uint16_t)(4 + 1 + vlen + ulen));
	wr_u8(&w, vlen);
	wr_bytes(&w, value, vlen);
	wr_bytes(&w, p->username, ulen);
	secure_wipe(value, sizeof(value));
	a->resp_len = w.len;
	a->chal_id = id;
	a->have_resp = true;
	a->state = AUTH_CHAP_RESPONDED;
	a->tries = 1;
	a->due = p->now + p->cfg.restart_ms;
	ppp_send_frame(p, PPP_PROTO_CHAP, a->resp, a->resp_len);
	return 0;
}

/* "E=691 R=0 C=... V=3 M=text" -> error number and the M= text. */
static void mschap_failure_text(const uint8_t *m, size_t len, char *out, size_t cap)
{
	char s[256], text[160] = "";
	const char *mt, *e;
	int code = -1;
	const char *what;

	sanitize(s, sizeof(s), m, len);
	e = strstr(s, "E=");
	if (e)
		code = atoi(e + 2);
	mt = strstr(s, "M=");
	if (mt)
		snprintf(text, sizeof(text), ": %s", mt + 2);
	switch (code) {
	case 646:
		what = "the account may not log in at this time";
		break;
	case 647:
		what = "the account is disabled";
		break;
	case 648:
		what = "the password has expired; change it";
		break;
	case 649:
		what = "the account has no dial-in permission";
		break;
	case 691:
		what = "the server refused the user name or password; check them";
		break;
	case 709:
		what = "the server asks for a password change, which we do not support";
		break;
	default:
		what = "the server refused the login";
		break;
	}
	if (code >= 0)
		snprintf(out, cap, "PPP: MS-CHAPv2 authentication failed (error %d%s): %s.", code,
			 text, what);
	else
		snprintf(out, cap, "PPP: MS-CHAPv2 authentication failed (\"%s\"): %s.", s, what);
}

static bool hex_equal_nocase(const char *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (toupper((unsigned char)a[i]) != toupper(b[i]))
			return false;
	return true;
}

static int chap_rx(struct ppp *p, struct rd *r, uint8_t code, uint8_t id)
{
	struct auth_ctx *a = &p->auth;
	const uint8_t *v, *rest;
	uint8_t vlen;
	size_t rlen;
	char buf[512], text[200];

	if (p->lcps.auth != PPP_AUTH_CHAP_MD5 && p->lcps.auth != PPP_AUTH_MSCHAPV2)
		return 0;
	switch (code) {
	case CHAP_CHALLENGE:
		if (!rd_u8(r, &vlen) || !rd_ptr(r, vlen, &v) || vlen == 0)
			return -EBADMSG;
		if (p->lcps.auth == PPP_AUTH_MSCHAPV2 && vlen != MSCHAP_CHALLENGE_LEN)
			return -EBADMSG;
		if (a->state == AUTH_IDLE)
			return 0;
		/* a repeated Challenge: our Response was lost, send the same one */
		if (a->have_resp && id == a->chal_id && a->state == AUTH_CHAP_RESPONDED) {
			ppp_send_frame(p, PPP_PROTO_CHAP, a->resp, a->resp_len);
			return 0;
		}
		chap_respond(p, id, v, vlen);
		return 0;
	case CHAP_SUCCESS:
	case CHAP_FAILURE:
		rlen = rd_left(r);
		rd_ptr(r, rlen, &rest);
		if (a->state != AUTH_CHAP_RESPONDED || id != a->chal_id)
			return 0;
		break;
	default:
		return 0;
	}

	if (code == CHAP_FAILURE) {
		if (p->lcps.auth == PPP_AUTH_MSCHAPV2) {
			mschap_failure_text(rest, rlen, buf, sizeof(buf));
		} else {
			sanitize(text, sizeof(text), rest, rlen);
			snprintf(buf, sizeof(buf),
				 "PPP: the server refused the user name or password "
				 "(CHAP-MD5%s%s%s). "
				 "Check them.",
				 rlen ? ": \"" : "", text, rlen ? "\"" : "");
		}
		auth_failed(p, buf);
		return 0;
	}
	if (p->lcps.auth == PPP_AUTH_MSCHAPV2) {
		/* "S=<40 hex>" optionally followed by " M=<text>" */
		bool ok = rlen >= MSCHAP_AUTH_RESPONSE_LEN &&
			  (rlen == MSCHAP_AUTH_RESPONSE_LEN ||
			   rest[MSCHAP_AUTH_RESPONSE_LEN] == ' ') &&
			  hex_equal_nocase(a->expect_s, rest, MSCHAP_AUTH_RESPONSE_LEN);
		if (!ok) {
			auth_failed(p,
				    "PPP: the server's MS-CHAPv2 authenticator response is wrong: "
				    "it does not know our password, so it may not be the real "
				    "server. Check the server address and the password.");
			return 0;
		}
	}
	a->state = AUTH_DONE;
	a->due = 0;
	if (p->phase == PHASE_AUTHENTICATE)
		ppp_auth_done(p);
	return 0;
}

int auth_rx(struct ppp *p, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct rd r;
	uint8_t code, id;
	uint16_t plen;

	rd_init(&r, pkt, len);
	rd_u8(&r, &code);
	rd_u8(&r, &id);
	rd_u16(&r, &plen);
	if (r.err || plen < 4 || plen > len)
		return -EBADMSG;
	rd_init(&r, pkt + 4, (size_t)plen - 4);
	if (proto == PPP_PROTO_PAP)
		return p->lcps.auth == PPP_AUTH_PAP ? pap_rx(p, &r, code, id) : 0;
	return chap_rx(p, &r, code, id);
}
