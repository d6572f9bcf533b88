/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPV6CP option handlers (RFC 5072): only Interface-Identifier. Ours comes
 * from the rand_source; a Nak'ed suggestion is taken.
 */
#include <errno.h>
#include <string.h>

#include "ppp-internal.h"

enum {
	IPV6CP_IFID = 1,
};

static bool ifid_zero(const uint8_t id[8])
{
	static const uint8_t z[8];

	return memcmp(id, z, 8) == 0;
}

static void random_ifid(struct ppp *p, uint8_t id[8], const uint8_t avoid[8])
{
	do {
		rand_fill(&p->rnd, id, 8);
		id[0] &= (uint8_t)~0x02; /* "u" bit clear: not a global identifier */
	} while (ifid_zero(id) || memcmp(id, avoid, 8) == 0);
}

static void ipv6cp_reset(struct fsm *f)
{
	struct ipv6cp_state *s = &f->ppp->ipv6cps;

	memset(s, 0, sizeof(*s));
	s->neg_ifid = true;
	random_ifid(f->ppp, s->ifid, s->peer_ifid);
}

static void ipv6cp_add_req(struct fsm *f, struct wr *w)
{
	struct ipv6cp_state *s = &f->ppp->ipv6cps;

	if (s->neg_ifid) {
		wr_u8(w, IPV6CP_IFID);
		wr_u8(w, 10);
		wr_bytes(w, s->ifid, 8);
	}
}

static int ipv6cp_rcv_nak(struct fsm *f, struct rd *r)
{
	struct ipv6cp_state *s = &f->ppp->ipv6cps;
	uint8_t id[8];
	bool have = false;

	while (rd_left(r) > 0) {
		uint8_t type, len;

		rd_u8(r, &type);
		rd_u8(r, &len);
		if (type != IPV6CP_IFID) {
			rd_skip(r, len - 2u);
			continue;
		}
		if (len != 10)
			return -EBADMSG;
		rd_bytes(r, id, 8);
		have = true;
	}
	if (have) {
		if (ifid_zero(id) || memcmp(id, s->peer_ifid, 8) == 0)
			random_ifid(f->ppp, s->ifid, s->peer_ifid);
		else
			memcpy(s->ifid, id, 8);
	}
	return 0;
}

static int ipv6cp_rcv_rej(struct fsm *f, struct rd *r)
{
	struct ipv6cp_state *s = &f->ppp->ipv6cps;

	while (rd_left(r) > 0) {
		uint8_t type, len;

		rd_u8(r, &type);
		rd_u8(r, &len);
		rd_skip(r, len - 2u);
		if (type == IPV6CP_IFID)
			s->neg_ifid = false;
	}
	return 0;
}

static int ipv6cp_rcv_req(struct fsm *f, struct rd *r, struct wr *reply, bool may_nak)
{
	struct ipv6cp_state *s = &f->ppp->ipv6cps;
	uint8_t rejbuf[PPP_CTRL_MAX], peer[8] = {0}, sugg[8];
	struct wr rej;
	bool nak = false;

	wr_init(&rej, rejbuf, sizeof(rejbuf));
	while (rd_left(r) > 0) {
		const uint8_t *opt = r->p + r->off, *v;
		uint8_t type, len;

		rd_u8(r, &type);
		rd_u8(r, &len);
		rd_ptr(r, len - 2u, &v);
		if (type == IPV6CP_IFID && len == 10) {
			memcpy(peer, v, 8);
			/* zero or equal to ours: suggest another (RFC 5072 4.1) */
			if (ifid_zero(peer) || memcmp(peer, s->ifid, 8) == 0) {
				if (!may_nak) {
					wr_bytes(&rej, opt, len);
					continue;
				}
				nak = true;
			}
			continue;
		}
		wr_bytes(&rej, opt, len);
	}
	if (r->err)
		return -EBADMSG;
	if (rej.len) {
		wr_bytes(reply, rejbuf, rej.len);
		return CP_CONF_REJ;
	}
	if (nak) {
		random_ifid(f->ppp, sugg, s->ifid);
		wr_u8(reply, IPV6CP_IFID);
		wr_u8(reply, 10);
		wr_bytes(reply, sugg, 8);
		return CP_CONF_NAK;
	}
	memcpy(s->peer_ifid, peer, 8);
	return CP_CONF_ACK;
}

static void ipv6cp_up(struct fsm *f)
{
	ppp_ncp_up(f->ppp, f);
}

static void ipv6cp_down(struct fsm *f)
{
	f->ppp->ipv6cp_reported = false;
}

static void ipv6cp_finished(struct fsm *f)
{
	ppp_ncp_finished(f->ppp, f);
}

const struct fsm_ops ipv6cp_ops = {
	.reset = ipv6cp_reset,
	.add_req = ipv6cp_add_req,
	.rcv_nak = ipv6cp_rcv_nak,
	.rcv_rej = ipv6cp_rcv_rej,
	.rcv_req = ipv6cp_rcv_req,
	.up = ipv6cp_up,
	.down = ipv6cp_down,
	.finished = ipv6cp_finished,
};
