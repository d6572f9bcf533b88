/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPCP option handlers (RFC 1332, DNS options RFC 1877). We ask for
 * IP-Address 0.0.0.0 and take the Nak'ed value; DNS likewise. A Reject of a
 * DNS option just drops it (SoftEther rejects Secondary-DNS).
 */
#include <errno.h>
#include <string.h>

#include "ppp-internal.h"

enum {
	IPCP_ADDRESSES = 1,
	IPCP_COMPRESSION = 2,
	IPCP_ADDRESS = 3,
	IPCP_DNS1 = 129,
	IPCP_DNS2 = 131,
};

static void ipcp_reset(struct fsm *f)
{
	struct ipcp_state *s = &f->ppp->ipcps;

	memset(s, 0, sizeof(*s));
	s->neg_addr = true;
	s->neg_dns1 = s->neg_dns2 = f->ppp->cfg.want_dns;
}

static void put_addr(struct wr *w, uint8_t type, uint32_t a)
{
	wr_u8(w, type);
	wr_u8(w, 6);
	wr_bytes(w, &a, 4); /* already network order */
}

static void ipcp_add_req(struct fsm *f, struct wr *w)
{
	struct ipcp_state *s = &f->ppp->ipcps;

	if (s->neg_addr)
		put_addr(w, IPCP_ADDRESS, s->addr);
	if (s->neg_dns1)
		put_addr(w, IPCP_DNS1, s->dns1);
	if (s->neg_dns2)
		put_addr(w, IPCP_DNS2, s->dns2);
}

static int ipcp_rcv_nak(struct fsm *f, struct rd *r)
{
	struct ipcp_state *s = &f->ppp->ipcps, n = *s;

	while (rd_left(r) > 0) {
		uint8_t type, len;
		uint32_t v;

		rd_u8(r, &type);
		rd_u8(r, &len);
		if (type != IPCP_ADDRESS && type != IPCP_DNS1 && type != IPCP_DNS2) {
			rd_skip(r, len - 2u);
			continue;
		}
		if (len != 6)
			return -EBADMSG;
		rd_bytes(r, &v, 4);
		if (type == IPCP_ADDRESS)
			n.addr = v;
		else if (type == IPCP_DNS1 && n.neg_dns1)
			n.dns1 = v;
		else if (type == IPCP_DNS2 && n.neg_dns2)
			n.dns2 = v;
	}
	*s = n;
	return 0;
}

static int ipcp_rcv_rej(struct fsm *f, struct rd *r)
{
	struct ipcp_state *s = &f->ppp->ipcps, n = *s;

	while (rd_left(r) > 0) {
		uint8_t type, len;

		rd_u8(r, &type);
		rd_u8(r, &len);
		rd_skip(r, len - 2u);
		if (type == IPCP_ADDRESS)
			n.neg_addr = false;
		else if (type == IPCP_DNS1)
			n.neg_dns1 = false;
		else if (type == IPCP_DNS2)
			n.neg_dns2 = false;
	}
	if (!n.neg_addr) {
		/* without an address there is no IPv4 link (RFC 1332 allows it, we cannot use it) */
		log_msg(ppp_log(f->ppp), LOG_LVL_WARN, "IPCP: the server rejects IP-Address");
		f->fatal_reject = true;
	}
	*s = n;
	return 0;
}

static int ipcp_rcv_req(struct fsm *f, struct rd *r, struct wr *reply, bool may_nak)
{
	struct ipcp_state *s = &f->ppp->ipcps;
	uint8_t rejbuf[PPP_CTRL_MAX];
	struct wr rej;
	uint32_t peer = 0;

	wr_init(&rej, rejbuf, sizeof(rejbuf));
	while (rd_left(r) > 0) {
		const uint8_t *opt = r->p + r->off, *v;
		uint8_t type, len;

		rd_u8(r, &type);
		rd_u8(r, &len);
		rd_ptr(r, len - 2u, &v);
		/* the server's own address: Ack whatever it is, unless it asks us
		 * to assign one (0.0.0.0), which a client cannot */
		if (type == IPCP_ADDRESS && len == 6 && get_u32(v) != 0) {
			memcpy(&peer, v, 4);
			continue;
		}
		/* VJ compression, IP-Addresses, NBNS, anything else */
		wr_bytes(&rej, opt, len);
	}
	if (r->err)
		return -EBADMSG;
	if (rej.len) {
		wr_bytes(reply, rejbuf, rej.len);
		return CP_CONF_REJ;
	}
	s->peer_addr = peer;
	return CP_CONF_ACK;
}

static void ipcp_up(struct fsm *f)
{
	ppp_ncp_up(f->ppp, f);
}

static void ipcp_down(struct fsm *f)
{
	f->ppp->ipcp_reported = false;
}

static void ipcp_finished(struct fsm *f)
{
	ppp_ncp_finished(f->ppp, f);
}

const struct fsm_ops ipcp_ops = {
	.reset = ipcp_reset,
	.add_req = ipcp_add_req,
	.rcv_nak = ipcp_rcv_nak,
	.rcv_rej = ipcp_rcv_rej,
	.rcv_req = ipcp_rcv_req,
	.up = ipcp_up,
	.down = ipcp_down,
	.finished = ipcp_finished,
};
