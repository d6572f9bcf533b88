/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TUN offloads: the virtio_net_hdr, pending checksums and TCP super-segments
 * (tun-offload.h). Pure: bytes in, bytes out.
 */
#include <errno.h>
#include <string.h>

#include "common.h"
#include "tun-offload.h"

/* virtio_net_hdr fields (include/uapi/linux/virtio_net.h), little-endian on a TUN unless
 * TUNSETVNETBE is used, which we do not */
#define VNET_F_NEEDS_CSUM 1
#define VNET_GSO_NONE	  0
#define VNET_GSO_TCPV4	  1
#define VNET_GSO_TCPV6	  4
#define VNET_GSO_ECN	  0x80

#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* A checksum the kernel left to us: the field holds the pseudo header's sum, the rest is the
 * sum from csum_start on (what the kernel's skb_checksum_help does). */
static int complete_csum(uint8_t *ip, size_t len, size_t start, size_t offset)
{
	uint16_t c;

	if (start >= len || offset > len - start || len - start - offset < 2)
		return -EINVAL;
	c = inet_csum_fold(inet_csum_add(0, ip + start, len - start));
	put_u16(ip + start + offset, c ? c : 0xffff);
	return 0;
}

/* The TCP pseudo header's sum (RFC 793 / RFC 8200 section 8.1) for tcp_len bytes of TCP. */
static uint32_t pseudo_sum(const uint8_t *ip, bool v6, size_t tcp_len)
{
	uint8_t tail[8];

	if (v6) {
		put_u32(tail, (uint32_t)tcp_len);
		put_u32(tail + 4, 6);
		return inet_csum_add(inet_csum_add(0, ip + 8, 32), tail, 8);
	}
	put_u16(tail, 6); /* zero, protocol */
	put_u16(tail + 2, (uint16_t)tcp_len);
	return inet_csum_add(inet_csum_add(0, ip + 12, 8), tail, 4);
}

/* A new IPv4 header checksum over hl bytes. */
static void ipv4_set_csum(uint8_t *ip, size_t hl)
{
	put_u16(ip + 10, 0);
	put_u16(ip + 10, inet_csum_fold(inet_csum_add(0, ip, hl)));
}

/* The IP header of a TCP super-segment: where TCP starts. */
static int super_ip(const uint8_t *ip, size_t len, bool v6, size_t *l4_off)
{
	struct rd r;
	uint8_t vihl, next, ttl;
	uint16_t tot, id, frag, plen;

	rd_init(&r, ip, len);
	if (!v6) {
		rd_u8(&r, &vihl);
		rd_skip(&r, 1);
		rd_u16(&r, &tot);
		rd_u16(&r, &id);
		rd_u16(&r, &frag);
		rd_u8(&r, &ttl);
		rd_u8(&r, &next);
		if (r.err || vihl >> 4 != 4 || (vihl & 15) < 5 || tot != len ||
		    (frag & 0x3fff) || next != 6)
			return -EINVAL;
		*l4_off = (size_t)(vihl & 15) * 4;
	} else {
		rd_u8(&r, &vihl);
		rd_skip(&r, 3);
		rd_u16(&r, &plen);
		rd_u8(&r, &next);
		/* extension headers would move the pseudo header's addresses: Linux TCP adds
		 * none on its own, and we do not take them */
		if (r.err || vihl >> 4 != 6 || (size_t)plen + 40 != len || next != 6)
			return -EINVAL;
		*l4_off = 40;
	}
	return 0;
}

int tun_offload_parse(uint8_t *frame, size_t len, struct tun_offload_pkt *pkt)
{
	uint8_t flags, gso;
	size_t l4_off, hdr_len, mss, payload;
	uint8_t *ip;
	struct rd r;
	uint8_t doff;

	if (len <= TUN_VNET_HDR_LEN)
		return -EINVAL;
	flags = frame[0];
	gso = frame[1];
	mss = get_le16(frame + 4);
	ip = frame + TUN_VNET_HDR_LEN;
	len -= TUN_VNET_HDR_LEN;
	memset(pkt, 0, sizeof(*pkt));
	pkt->ip = ip;
	pkt->len = len;
	pkt->v6 = ip[0] >> 4 == 6;
	pkt->nseg = 1;

	if (gso == VNET_GSO_NONE) {
		if (!(flags & VNET_F_NEEDS_CSUM))
			return 0;
		return complete_csum(ip, len, get_le16(frame + 6), get_le16(frame + 8));
	}
	if ((gso & ~VNET_GSO_ECN) != (pkt->v6 ? VNET_GSO_TCPV6 : VNET_GSO_TCPV4) || !mss ||
	    super_ip(ip, len, pkt->v6, &l4_off))
		return -EINVAL;
	rd_init(&r, ip, len);
	rd_skip(&r, l4_off + 12);
	rd_u8(&r, &doff);
	hdr_len = l4_off + (size_t)(doff >> 4) * 4;
	if (r.err || doff >> 4 < 5 || hdr_len >= len)
		return -EINVAL;
	payload = len - hdr_len;
	pkt->hdr_len = hdr_len;
	pkt->l4_off = l4_off;
	pkt->mss = mss;
	pkt->super = true;
	pkt->nseg = (unsigned)((payload + mss - 1) / mss);
	return 0;
}

size_t tun_offload_segment_len(const struct tun_offload_pkt *pkt, unsigned i)
{
	size_t start = (size_t)i * pkt->mss, n;

	if (!pkt->super || i >= pkt->nseg)
		return 0;
	n = pkt->len - pkt->hdr_len - start;
	return pkt->hdr_len + (n > pkt->mss ? pkt->mss : n);
}

size_t tun_offload_segment(const struct tun_offload_pkt *pkt, unsigned i, uint8_t *out,
			   size_t cap)
{
	size_t start = (size_t)i * pkt->mss, n, len, tcp_len;
	uint8_t *tcp = out + pkt->l4_off;

	len = tun_offload_segment_len(pkt, i);
	if (!len || cap < len)
		return 0;
	n = len - pkt->hdr_len;
	memcpy(out, pkt->ip, pkt->hdr_len);
	memcpy(out + pkt->hdr_len, pkt->ip + pkt->hdr_len + start, n);
	tcp_len = len - pkt->l4_off;

	if (!pkt->v6) {
		put_u16(out + 2, (uint16_t)len);
		put_u16(out + 4, (uint16_t)(get_u16(out + 4) + i));
		ipv4_set_csum(out, pkt->l4_off);
	} else {
		put_u16(out + 4, (uint16_t)tcp_len);
	}
	put_u32(tcp + 4, get_u32(tcp + 4) + (uint32_t)start);
	if (i + 1 < pkt->nseg)
		tcp[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (i)
		tcp[13] &= (uint8_t)~TCP_CWR;
	put_u16(tcp + 16, 0);
	put_u16(tcp + 16, inet_csum_fold(inet_csum_add(pseudo_sum(out, pkt->v6, tcp_len), tcp,
							tcp_len)));
	return len;
}

/* ---- merging received TCP packets (GRO) ---- */

#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_URG 0x20
#define TCP_ECE 0x40

void tun_gro_init(struct tun_gro *g, uint8_t *frame, size_t cap)
{
	memset(g, 0, sizeof(*g));
	g->frame = frame;
	g->cap = cap;
}

/* The TCP checksum of a whole packet (TCP at l4_off) checks out. */
static bool tcp_csum_ok(const uint8_t *ip, size_t len, size_t l4_off, bool v6)
{
	size_t tcp_len = len - l4_off;

	return inet_csum_fold(inet_csum_add(pseudo_sum(ip, v6, tcp_len), ip + l4_off, tcp_len)) ==
	       0;
}

/* A packet that may be merged: IPv4 without options or fragments, or IPv6 without extension
 * headers, carrying TCP data with at most ACK and PSH set, checksums right. Where TCP starts
 * and its header length. */
static bool gro_candidate(const uint8_t *ip, size_t len, size_t *l4_off, size_t *tcp_hl)
{
	bool v6 = len >= 40 && ip[0] >> 4 == 6;

	if (v6) {
		if (get_u16(ip + 4) + (size_t)40 != len || ip[6] != 6)
			return false;
		*l4_off = 40;
	} else {
		if (len < 20 || ip[0] != 0x45 || get_u16(ip + 2) != len ||
		    (get_u16(ip + 6) & 0x3fff) || ip[9] != 6 ||
		    inet_csum_fold(inet_csum_add(0, ip, 20)) != 0)
			return false;
		*l4_off = 20;
	}
	if (len < *l4_off + 20)
		return false;
	*tcp_hl = (size_t)(ip[*l4_off + 12] >> 4) * 4;
	if (*tcp_hl < 20 || *l4_off + *tcp_hl >= len || /* no payload: nothing to merge */
	    (ip[*l4_off + 13] & (TCP_FIN | TCP_SYN | TCP_RST | TCP_URG | TCP_CWR | TCP_ECE)))
		return false;
	return tcp_csum_ok(ip, len, *l4_off, v6);
}

/* The packet continues g's flow: same addresses and IP fields, same TCP header but for the
 * sequence number (the next one), PSH and the checksum. */
static bool gro_joins(const struct tun_gro *g, const uint8_t *ip, size_t len)
{
	const uint8_t *first = g->frame + TUN_VNET_HDR_LEN;
	const uint8_t *t = ip + g->l4_off, *ft = first + g->l4_off;
	size_t payload = len - g->hdr_len;

	if (g->closed || (ip[0] >> 4 == 6) != g->v6 || len <= g->hdr_len || payload > g->mss ||
	    g->len + payload > 65535 || TUN_VNET_HDR_LEN + g->len + payload > g->cap)
		return false;
	if (g->v6 ? memcmp(ip, first, 4) || ip[7] != first[7] || memcmp(ip + 8, first + 8, 32)
		  : ip[1] != first[1] || ip[8] != first[8] || memcmp(ip + 12, first + 12, 8))
		return false;
	/* ports, then ack..window (sequence skipped), options; flags but PSH */
	return !memcmp(t, ft, 4) && get_u32(t + 4) == g->next_seq && !memcmp(t + 8, ft + 8, 5) &&
	       (t[13] & ~TCP_PSH) == (ft[13] & ~TCP_PSH) && !memcmp(t + 14, ft + 14, 2) &&
	       !memcmp(t + 20, ft + 20, g->hdr_len - g->l4_off - 20);
}

enum tun_gro_verdict tun_gro_add(struct tun_gro *g, const uint8_t *ip, size_t len)
{
	size_t l4_off, tcp_hl, payload;

	if (g->len) {
		/* the cheap comparison first, then the same checks as for a first packet */
		if (!gro_joins(g, ip, len) || !gro_candidate(ip, len, &l4_off, &tcp_hl) ||
		    l4_off + tcp_hl != g->hdr_len)
			return TUN_GRO_FLUSH;
		payload = len - g->hdr_len;
		memcpy(g->frame + TUN_VNET_HDR_LEN + g->len, ip + g->hdr_len, payload);
		g->len += payload;
		g->nseg++;
		g->next_seq += (uint32_t)payload;
		g->push |= ip[g->l4_off + 13] & TCP_PSH;
		/* a shorter packet ends the super-segment */
		g->closed = payload < g->mss;
		return TUN_GRO_HELD;
	}
	if (TUN_VNET_HDR_LEN + len > g->cap || !gro_candidate(ip, len, &l4_off, &tcp_hl))
		return TUN_GRO_PASS;
	memcpy(g->frame + TUN_VNET_HDR_LEN, ip, len);
	g->len = len;
	g->nseg = 1;
	g->v6 = ip[0] >> 4 == 6;
	g->l4_off = l4_off;
	g->hdr_len = l4_off + tcp_hl;
	g->mss = len - g->hdr_len;
	g->next_seq = get_u32(ip + l4_off + 4) + (uint32_t)g->mss;
	/* Unlike a NIC's GRO, a push does not end the super-segment: what we hold goes to the
	 * TUN at the end of this wakeup anyway, and servers such as SoftEther push every packet */
	g->push = ip[l4_off + 13] & TCP_PSH;
	g->closed = false;
	return TUN_GRO_HELD;
}

size_t tun_gro_frame(struct tun_gro *g, const uint8_t **frame)
{
	uint8_t *f = g->frame, *ip = f + TUN_VNET_HDR_LEN, *tcp = ip + g->l4_off;
	size_t len = g->len, tcp_len = len - g->l4_off;

	if (!len)
		return 0;
	memset(f, 0, TUN_VNET_HDR_LEN);
	if (g->nseg > 1) {
		f[0] = VNET_F_NEEDS_CSUM;
		f[1] = g->v6 ? VNET_GSO_TCPV6 : VNET_GSO_TCPV4;
		f[2] = (uint8_t)g->hdr_len;
		f[4] = (uint8_t)g->mss;
		f[5] = (uint8_t)(g->mss >> 8);
		f[6] = (uint8_t)g->l4_off;
		f[8] = 16; /* the TCP checksum */
		if (g->v6) {
			put_u16(ip + 4, (uint16_t)tcp_len);
		} else {
			put_u16(ip + 2, (uint16_t)len);
			ipv4_set_csum(ip, 20);
		}
		tcp[13] |= g->push;
		/* NEEDS_CSUM: the field holds the pseudo header's sum, not complemented */
		put_u16(tcp + 16, (uint16_t)~inet_csum_fold(pseudo_sum(ip, g->v6, tcp_len)));
	}
	*frame = f;
	len += TUN_VNET_HDR_LEN;
	g->len = 0;
	g->nseg = 0;
	g->closed = false;
	return len;
}
