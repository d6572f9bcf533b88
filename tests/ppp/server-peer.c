/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test authenticator; see server-peer.h. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "mschap.h"
#include "server-peer.h"

#define RETRANSMIT_MS 1000

enum {
	LCP = 0xc021,
	PAP = 0xc023,
	CHAP = 0xc223,
	IPCP = 0x8021,
	IPV6CP = 0x8057,
	CCP = 0x80fd,
};

struct server_peer {
	struct sp_config cfg;
	sp_send_fn send;
	void *ctx;
	uint64_t now, due;
	uint8_t id;
	/* LCP */
	int method_idx;
	uint8_t lcp_req_id;
	bool lcp_acked_us, lcp_acked_them, lcp_open, terminated;
	bool got_term_req, sent_term_req, client_magic;
	/* auth */
	int auth_result;
	bool auth_started;
	uint8_t chal_id, chal[16];
	uint8_t result[256];
	size_t result_len;
	uint16_t result_proto;
	bool have_result;
	/* NCPs */
	uint8_t ipcp_req_id, ipv6cp_req_id;
	bool ipcp_acked_us, ipcp_acked_them, ipv6cp_acked_us, ipv6cp_acked_them, ipv6cp_off;
	bool ccp_sent;
	uint16_t proto_rejected;
	unsigned ip_packets, echo_requests;
	struct mschap_crypto *crypto;
};

static const uint8_t server_ifid[8] = {0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55};

void sp_config_softether(struct sp_config *c)
{
	memset(c, 0, sizeof(*c));
	c->flavor = SP_SOFTETHER;
	c->user = "alice";
	c->password = "alice-pass";
	c->methods[0] = SP_EAP;
	c->methods[1] = SP_MSCHAPV2;
	c->methods[2] = SP_PAP;
	c->assign_addr = g_htonl(0xc0a81e0a); /* 192.168.30.10 */
	c->server_addr = g_htonl(0xc0a81e01);
	c->dns1 = g_htonl(0xc0a81e01);
}

void sp_config_pppd(struct sp_config *c)
{
	memset(c, 0, sizeof(*c));
	c->flavor = SP_PPPD;
	c->user = "alice";
	c->password = "alice-pass";
	c->methods[0] = SP_CHAP_MD5;
	c->methods[1] = SP_MSCHAPV2;
	c->assign_addr = g_htonl(0x0a620028); /* 10.98.0.40 */
	c->server_addr = g_htonl(0x0a620021); /* 10.98.0.33 */
	c->dns1 = g_htonl(0x0a620001);
	c->dns2 = g_htonl(0x0a620002);
}

struct server_peer *sp_new(const struct sp_config *cfg, sp_send_fn send, void *ctx)
{
	struct server_peer *s = g_new0(struct server_peer, 1);

	s->cfg = *cfg;
	s->send = send;
	s->ctx = ctx;
	s->id = 0x40;
	return s;
}

void sp_free(struct server_peer *s)
{
	if (!s)
		return;
	mschap_crypto_free(s->crypto);
	g_free(s);
}

void sp_send_raw(struct server_peer *s, uint16_t proto, const uint8_t *payload, size_t len)
{
	uint8_t f[2048];

	g_assert_cmpuint(len, <=, sizeof(f) - 4);
	f[0] = 0xff;
	f[1] = 0x03;
	put_u16(f + 2, proto);
	memcpy(f + 4, payload, len);
	s->send(s->ctx, f, len + 4);
}

/* code id len + data */
static void send_pkt(struct server_peer *s, uint16_t proto, uint8_t code, uint8_t id,
		     const uint8_t *data, size_t len)
{
	uint8_t p[1500];

	p[0] = code;
	p[1] = id;
	put_u16(p + 2, (uint16_t)(len + 4));
	if (len)
		memcpy(p + 4, data, len);
	sp_send_raw(s, proto, p, len + 4);
}

static enum sp_method cur_method(const struct server_peer *s)
{
	if (s->method_idx < 0 || s->method_idx >= 5)
		return SP_NONE;
	return s->cfg.methods[s->method_idx];
}

static size_t put_auth_opt(uint8_t *o, enum sp_method m)
{
	o[0] = 3;
	switch (m) {
	case SP_EAP:
		o[1] = 4;
		put_u16(o + 2, 0xc227);
		return 4;
	case SP_PAP:
		o[1] = 4;
		put_u16(o + 2, PAP);
		return 4;
	case SP_CHAP_MD5:
	case SP_MSCHAPV2:
		o[1] = 5;
		put_u16(o + 2, CHAP);
		o[4] = m == SP_CHAP_MD5 ? 5 : 0x81;
		return 5;
	case SP_NONE:
		break;
	}
	return 0;
}

static void send_lcp_req(struct server_peer *s, bool new_id)
{
	uint8_t o[64];
	size_t n = 0;

	if (new_id)
		s->lcp_req_id = ++s->id;
	if (s->cfg.flavor == SP_PPPD) {
		const uint8_t mru[] = {1, 4, 0x05, 0x00}, accm[] = {2, 6, 0, 0, 0, 0};

		memcpy(o + n, mru, sizeof(mru));
		n += sizeof(mru);
		memcpy(o + n, accm, sizeof(accm));
		n += sizeof(accm);
	}
	n += put_auth_opt(o + n, cur_method(s));
	if (s->cfg.flavor == SP_PPPD) {
		const uint8_t magic[] = {5, 6, 0x5e, 0x12, 0x34, 0x56};

		memcpy(o + n, magic, sizeof(magic));
		n += sizeof(magic);
	}
	send_pkt(s, LCP, 1, s->lcp_req_id, o, n);
	s->due = s->now + RETRANSMIT_MS;
}

static void send_ipcp_req(struct server_peer *s, bool new_id)
{
	uint8_t o[6] = {3, 6};

	if (new_id)
		s->ipcp_req_id = ++s->id;
	memcpy(o + 2, &s->cfg.server_addr, 4);
	send_pkt(s, IPCP, 1, s->ipcp_req_id, o, sizeof(o));
}

static void send_ipv6cp_req(struct server_peer *s, bool new_id)
{
	uint8_t o[10] = {1, 10};

	if (new_id)
		s->ipv6cp_req_id = ++s->id;
	memcpy(o + 2, server_ifid, 8);
	send_pkt(s, IPV6CP, 1, s->ipv6cp_req_id, o, sizeof(o));
}

static void send_challenge(struct server_peer *s)
{
	uint8_t d[1 + 16 + 6];

	d[0] = 16;
	memcpy(d + 1, s->chal, 16);
	memcpy(d + 17, "server", 6);
	send_pkt(s, CHAP, 1, s->chal_id, d, sizeof(d));
}

static void start_network(struct server_peer *s)
{
	send_ipcp_req(s, true);
	if (s->cfg.flavor == SP_PPPD)
		send_ipv6cp_req(s, true);
	s->due = s->now + RETRANSMIT_MS;
}

static void lcp_opened(struct server_peer *s)
{
	enum sp_method m = cur_method(s);

	s->lcp_open = true;
	s->auth_started = true;
	if (m == SP_CHAP_MD5 || m == SP_MSCHAPV2) {
		s->chal_id = ++s->id;
		for (int i = 0; i < 16; i++)
			s->chal[i] = (uint8_t)(0xa0 + i * 7 + s->chal_id);
		send_challenge(s);
		s->due = s->now + RETRANSMIT_MS;
	} else if (m == SP_NONE) {
		s->auth_result = 1;
		start_network(s);
	}
}

static void terminate(struct server_peer *s, const char *why)
{
	send_pkt(s, LCP, 5, ++s->id, (const uint8_t *)why, strlen(why));
	s->sent_term_req = true;
	s->terminated = true;
	s->due = 0;
}

static void lcp_rx(struct server_peer *s, uint8_t code, uint8_t id, const uint8_t *d, size_t n)
{
	uint8_t rej[256];
	size_t rn = 0;

	switch (code) {
	case 1: /* Configure-Request */
		if (s->lcp_open) {
			/* the client restarts LCP: so do we (RFC 1661 Opened + RCR) */
			s->lcp_open = s->lcp_acked_us = s->lcp_acked_them = false;
			s->auth_started = s->have_result = false;
			s->auth_result = 0;
			s->ipcp_acked_us = s->ipcp_acked_them = false;
			s->ipv6cp_acked_us = s->ipv6cp_acked_them = false;
			send_lcp_req(s, true);
		}
		for (size_t o = 0; o + 2 <= n && d[o + 1] >= 2 && o + d[o + 1] <= n;
		     o += d[o + 1]) {
			if (d[o] == 5) {
				s->client_magic = true;
				if (s->cfg.flavor == SP_SOFTETHER) {
					memcpy(rej + rn, d + o, d[o + 1]);
					rn += d[o + 1];
				}
			}
		}
		if (rn) {
			send_pkt(s, LCP, 4, id, rej, rn);
			return;
		}
		send_pkt(s, LCP, 2, id, d, n);
		if (!s->lcp_acked_them) {
			s->lcp_acked_them = true;
			if (s->lcp_acked_us && !s->lcp_open)
				lcp_opened(s);
		}
		return;
	case 2: /* Configure-Ack */
		if (id != s->lcp_req_id || s->lcp_acked_us)
			return;
		s->lcp_acked_us = true;
		if (s->lcp_acked_them && !s->lcp_open)
			lcp_opened(s);
		return;
	case 3: /* Configure-Nak */
	case 4: /* Configure-Reject */
		if (id != s->lcp_req_id || s->lcp_open)
			return;
		if (s->cfg.flavor == SP_PPPD && code == 3) {
			/* follow the suggestion when we support it */
			for (size_t o = 0; o + 5 <= n; o += d[o + 1] ? d[o + 1] : n) {
				if (d[o] == 3 && d[o + 1] == 5 && get_u16(d + o + 2) == CHAP) {
					enum sp_method want = d[o + 4] == 0x81 ? SP_MSCHAPV2
							      : d[o + 4] == 5  ? SP_CHAP_MD5
									       : SP_NONE;
					for (int i = 0; i < 5; i++)
						if (want != SP_NONE && s->cfg.methods[i] == want &&
						    i != s->method_idx) {
							s->method_idx = i;
							send_lcp_req(s, true);
							return;
						}
				}
			}
		}
		s->method_idx++;
		if (cur_method(s) == SP_NONE) {
			terminate(s, "no common authentication protocol");
			return;
		}
		send_lcp_req(s, true);
		return;
	case 5: /* Terminate-Request */
		s->got_term_req = true;
		send_pkt(s, LCP, 6, id, NULL, 0);
		s->terminated = true;
		s->due = 0;
		return;
	case 8: /* Protocol-Reject */
		if (n >= 2)
			s->proto_rejected = get_u16(d);
		return;
	case 9: /* Echo-Request */
		s->echo_requests++;
		if (s->cfg.mute_echo)
			return;
		{
			uint8_t r[256] = {0x11, 0x22, 0x33, 0x44};

			if (n > 4 && n - 4 <= sizeof(r) - 4)
				memcpy(r + 4, d + 4, n - 4);
			send_pkt(s, LCP, 10, id, r, n >= 4 ? n : 4);
		}
		return;
	default:
		return;
	}
}

static void set_result(struct server_peer *s, uint16_t proto, uint8_t code, uint8_t id,
		       const char *msg, size_t mlen)
{
	s->result[0] = code;
	s->result[1] = id;
	put_u16(s->result + 2, (uint16_t)(4 + mlen));
	memcpy(s->result + 4, msg, mlen);
	s->result_len = 4 + mlen;
	s->result_proto = proto;
	s->have_result = true;
	sp_send_raw(s, proto, s->result, s->result_len);
}

static void auth_ok(struct server_peer *s)
{
	s->auth_result = 1;
	start_network(s);
}

static void pap_rx(struct server_peer *s, uint8_t code, uint8_t id, const uint8_t *d, size_t n)
{
	bool ok;
	char msg[2] = {0};

	if (code != 1 || cur_method(s) != SP_PAP || !s->lcp_open)
		return;
	if (s->have_result) { /* a retransmission: same answer */
		s->result[1] = id;
		sp_send_raw(s, s->result_proto, s->result, s->result_len);
		return;
	}
	if (n < 1 || 1u + d[0] + 1 > n || 1u + d[0] + 1 + d[1 + d[0]] > n)
		return;
	ok = d[0] == strlen(s->cfg.user) && !memcmp(d + 1, s->cfg.user, d[0]) &&
	     d[1 + d[0]] == strlen(s->cfg.password) &&
	     !memcmp(d + 2 + d[0], s->cfg.password, d[1 + d[0]]);
	if (ok) {
		set_result(s, PAP, 2, id, msg, 1); /* Msg-Length 0 */
		auth_ok(s);
	} else if (s->cfg.flavor == SP_SOFTETHER) {
		s->auth_result = -1;
		terminate(s, "");
	} else {
		const char m[] = "\x0fLogin incorrect";

		s->auth_result = -1;
		set_result(s, PAP, 3, id, m, sizeof(m) - 1);
	}
}

static void chap_rx(struct server_peer *s, uint8_t code, uint8_t id, const uint8_t *d, size_t n)
{
	enum sp_method m = cur_method(s);
	const char *pw = s->cfg.password;
	char msg[128];
	bool ok;

	if (code != 2 || (m != SP_CHAP_MD5 && m != SP_MSCHAPV2) || id != s->chal_id || !s->lcp_open)
		return;
	if (s->have_result) {
		sp_send_raw(s, s->result_proto, s->result, s->result_len);
		return;
	}
	if (n < 1 || 1u + d[0] > n)
		return;
	if (m == SP_CHAP_MD5) {
		/* RFC 1994: MD5(Identifier | secret | Challenge), computed by GLib */
		GChecksum *c = g_checksum_new(G_CHECKSUM_MD5);
		uint8_t md[16];
		gsize len = sizeof(md);

		g_checksum_update(c, &id, 1);
		g_checksum_update(c, (const guchar *)pw, strlen(pw));
		g_checksum_update(c, s->chal, 16);
		g_checksum_get_digest(c, md, &len);
		g_checksum_free(c);
		ok = d[0] == 16 && !memcmp(d + 1, md, 16);
		if (ok) {
			set_result(s, CHAP, 3, id, "Welcome", 7);
			auth_ok(s);
		} else {
			s->auth_result = -1;
			set_result(s, CHAP, 4, id, "Access denied", 13);
		}
		return;
	}
	/* MS-CHAPv2: value = PeerChallenge(16) Reserved(8) NT-Response(24) Flags(1) */
	if (d[0] != 49)
		return;
	{
		uint8_t nt[24];
		char sresp[MSCHAP_AUTH_RESPONSE_LEN + 1];
		const uint8_t *peer = d + 1, *got = d + 25;
		char name[256] = {0};

		memcpy(name, d + 50, n - 50 < 255 ? n - 50 : 255);
		if (!s->crypto)
			s->crypto = mschap_crypto_new();
		g_assert_nonnull(s->crypto);
		g_assert_cmpint(mschap_nt_response(s->crypto, s->chal, peer, name,
						   (const uint8_t *)pw, strlen(pw), nt),
				==, 0);
		ok = !memcmp(nt, got, 24) && !strcmp(name, s->cfg.user);
		if (!ok) {
			int l = snprintf(msg, sizeof(msg),
					 "E=691 R=0 C=00112233445566778899AABBCCDDEEFF V=3 "
					 "M=Authentication failed");
			s->auth_result = -1;
			set_result(s, CHAP, 4, id, msg, (size_t)l);
			return;
		}
		g_assert_cmpint(mschap_auth_response(s->crypto, (const uint8_t *)pw, strlen(pw), nt,
						     peer, s->chal, name, sresp),
				==, 0);
		if (s->cfg.bad_authenticator)
			sresp[10] = sresp[10] == '0' ? '1' : '0';
		int l = snprintf(msg, sizeof(msg), "%s M=Access granted", sresp);
		set_result(s, CHAP, 3, id, msg, (size_t)l);
		auth_ok(s);
	}
}

static void ipcp_rx(struct server_peer *s, uint8_t code, uint8_t id, const uint8_t *d, size_t n)
{
	uint8_t out[64];
	size_t on = 0;
	bool has_dns2 = false;

	switch (code) {
	case 1:
		for (size_t o = 0; o + 2 <= n && d[o + 1] >= 2 && o + d[o + 1] <= n; o += d[o + 1])
			if (d[o] == 131)
				has_dns2 = true;
		if (s->cfg.flavor == SP_SOFTETHER && has_dns2) {
			for (size_t o = 0; o + 2 <= n && d[o + 1] >= 2 && o + d[o + 1] <= n;
			     o += d[o + 1])
				if (d[o] == 131) {
					memcpy(out + on, d + o, d[o + 1]);
					on += d[o + 1];
				}
			send_pkt(s, IPCP, 4, id, out, on);
			return;
		}
		for (size_t o = 0; o + 6 <= n && d[o + 1] == 6; o += 6) {
			uint32_t want = d[o] == 3     ? s->cfg.assign_addr
					: d[o] == 129 ? s->cfg.dns1
					: d[o] == 131 ? s->cfg.dns2
						      : 0;

			if (memcmp(d + o + 2, &want, 4) != 0) {
				out[on] = d[o];
				out[on + 1] = 6;
				memcpy(out + on + 2, &want, 4);
				on += 6;
			}
		}
		if (on) {
			send_pkt(s, IPCP, 3, id, out, on);
			return;
		}
		send_pkt(s, IPCP, 2, id, d, n);
		s->ipcp_acked_them = true;
		break;
	case 2:
		if (id == s->ipcp_req_id)
			s->ipcp_acked_us = true;
		break;
	default:
		return;
	}
	if (sp_ipcp_open(s) && s->cfg.send_ccp && !s->ccp_sent) {
		const uint8_t ccp[] = {1, 1, 0, 4};

		s->ccp_sent = true;
		sp_send_raw(s, CCP, ccp, sizeof(ccp));
	}
}

static void ipv6cp_rx(struct server_peer *s, uint8_t code, uint8_t id, const uint8_t *d, size_t n)
{
	if (s->cfg.flavor == SP_SOFTETHER) {
		/* not offered by SoftEther: Protocol-Reject */
		uint8_t r[256];

		put_u16(r, IPV6CP);
		r[2] = code;
		r[3] = id;
		put_u16(r + 4, (uint16_t)(n + 4));
		memcpy(r + 6, d, n < 250 ? n : 250);
		send_pkt(s, LCP, 8, ++s->id, r, 6 + (n < 250 ? n : 250));
		return;
	}
	if (code == 1) {
		if (n == 10 && d[0] == 1 && memcmp(d + 2, server_ifid, 8) != 0) {
			send_pkt(s, IPV6CP, 2, id, d, n);
			s->ipv6cp_acked_them = true;
		} else {
			uint8_t nak[10] = {1, 10, 0x02, 0, 0, 0, 0, 0, 0, 0x99};

			send_pkt(s, IPV6CP, 3, id, nak, sizeof(nak));
		}
	} else if (code == 2 && id == s->ipv6cp_req_id) {
		s->ipv6cp_acked_us = true;
	}
}

void sp_rx(struct server_peer *s, const uint8_t *f, size_t len, uint64_t now)
{
	if (g_test_verbose() && len >= 6)
		g_printerr("  [srv %llu] rx %02x%02x code %u id %u (open %d acked_us %d auth %d)\n",
			   (unsigned long long)now, f[2], f[3], f[4], f[5], s->lcp_open,
			   s->lcp_acked_us, s->auth_result);
	uint16_t proto, plen;
	size_t off = 0;

	s->now = now;
	if (s->terminated)
		return;
	if (len >= 2 && f[0] == 0xff && f[1] == 0x03)
		off = 2;
	g_assert_cmpuint(len, >=, off + 2);
	proto = get_u16(f + off);
	off += 2;
	if (proto == 0x0021) {
		s->ip_packets++;
		return;
	}
	if (len - off < 4)
		return;
	plen = get_u16(f + off + 2);
	g_assert_cmpuint(plen, >=, 4);
	g_assert_cmpuint(plen, <=, len - off);
	switch (proto) {
	case LCP:
		lcp_rx(s, f[off], f[off + 1], f + off + 4, plen - 4u);
		break;
	case PAP:
		pap_rx(s, f[off], f[off + 1], f + off + 4, plen - 4u);
		break;
	case CHAP:
		chap_rx(s, f[off], f[off + 1], f + off + 4, plen - 4u);
		break;
	case IPCP:
		if (s->auth_result == 1)
			ipcp_rx(s, f[off], f[off + 1], f + off + 4, plen - 4u);
		break;
	case IPV6CP:
		if (s->auth_result == 1)
			ipv6cp_rx(s, f[off], f[off + 1], f + off + 4, plen - 4u);
		break;
	default:
		break;
	}
}

void sp_start(struct server_peer *s, uint64_t now)
{
	s->now = now;
	send_lcp_req(s, true);
}

uint64_t sp_next_timeout(const struct server_peer *s)
{
	return s->due && !s->terminated ? s->due : UINT64_MAX;
}

/* Retransmit whatever is unanswered. */
void sp_tick(struct server_peer *s, uint64_t now)
{
	s->now = now;
	if (!s->due || now < s->due || s->terminated)
		return;
	s->due = now + RETRANSMIT_MS;
	if (!s->lcp_acked_us) {
		send_lcp_req(s, false);
		return;
	}
	if (s->auth_result == 0) {
		enum sp_method m = cur_method(s);

		if (s->lcp_open && (m == SP_CHAP_MD5 || m == SP_MSCHAPV2) && !s->have_result)
			send_challenge(s);
		return;
	}
	if (s->auth_result < 0)
		return;
	if (!s->ipcp_acked_us)
		send_ipcp_req(s, false);
	if (s->cfg.flavor == SP_PPPD && !s->ipv6cp_acked_us)
		send_ipv6cp_req(s, false);
	if (s->ipcp_acked_us && (s->cfg.flavor != SP_PPPD || s->ipv6cp_acked_us))
		s->due = 0;
}

int sp_auth_result(const struct server_peer *s)
{
	return s->auth_result;
}

enum sp_method sp_auth_method(const struct server_peer *s)
{
	return cur_method(s);
}

bool sp_ipcp_open(const struct server_peer *s)
{
	return s->ipcp_acked_us && s->ipcp_acked_them;
}

bool sp_ipv6cp_open(const struct server_peer *s)
{
	return s->ipv6cp_acked_us && s->ipv6cp_acked_them;
}

bool sp_got_term_req(const struct server_peer *s)
{
	return s->got_term_req;
}

bool sp_sent_term_req(const struct server_peer *s)
{
	return s->sent_term_req;
}

uint16_t sp_protocol_rejected(const struct server_peer *s)
{
	return s->proto_rejected;
}

bool sp_client_sent_magic(const struct server_peer *s)
{
	return s->client_magic;
}

unsigned sp_ip_packets(const struct server_peer *s)
{
	return s->ip_packets;
}

unsigned sp_echo_requests(const struct server_peer *s)
{
	return s->echo_requests;
}
