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
	uint8_t *tcp = out + pkt->l4_off, pseudo[8];
	uint32_t sum;

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
		put_u16(out + 10, 0);
		put_u16(out + 10, inet_csum_fold(inet_csum_add(0, out, pkt->l4_off)));
		sum = inet_csum_add(0, out + 12, 8); /* source and destination */
		put_u16(pseudo, 6); /* zero, protocol */
		put_u16(pseudo + 2, (uint16_t)tcp_len);
		sum = inet_csum_add(sum, pseudo, 4);
	} else {
		put_u16(out + 4, (uint16_t)tcp_len);
		sum = inet_csum_add(0, out + 8, 32);
		put_u32(pseudo, (uint32_t)tcp_len);
		put_u32(pseudo + 4, 6);
		sum = inet_csum_add(sum, pseudo, 8);
	}
	put_u32(tcp + 4, get_u32(tcp + 4) + (uint32_t)start);
	if (i + 1 < pkt->nseg)
		tcp[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (i)
		tcp[13] &= (uint8_t)~TCP_CWR;
	put_u16(tcp + 16, 0);
	put_u16(tcp + 16, inet_csum_fold(inet_csum_add(sum, tcp, tcp_len)));
	return len;
}
