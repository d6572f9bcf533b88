/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TUN offloads (client/tun-offload.c): TCP super-segments over IPv4 and IPv6 are cut into
 * packets whose headers and checksums a receiver accepts and whose payloads join up to the
 * original; pending checksums are completed; malformed headers are refused.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "common.h"
#include "tun-offload.h"

#define VNET_F_NEEDS_CSUM 1
#define GSO_TCPV4	  1
#define GSO_TCPV6	  4
#define GSO_UDP		  3

static const uint8_t src4[4] = {10, 0, 0, 1}, dst4[4] = {10, 0, 0, 2};
static const uint8_t src6[16] = {0xfe, 0x80, [15] = 1}, dst6[16] = {0xfe, 0x80, [15] = 2};

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* A plain sum, written apart from the code under test. */
static uint16_t plain_csum(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	uint32_t s = 0;

	for (size_t i = 0; i < alen; i++)
		s += i & 1 ? a[i] : (uint32_t)a[i] << 8;
	for (size_t i = 0; i < blen; i++)
		s += i & 1 ? b[i] : (uint32_t)b[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* vnet header + IP + TCP (with 12 bytes of options) + payload; flags FIN|PSH|CWR|ACK. */
static size_t build_super(uint8_t *f, bool v6, size_t payload, uint16_t mss, uint32_t seq)
{
	uint8_t *ip = f + TUN_VNET_HDR_LEN, *tcp;
	size_t l4 = v6 ? 40 : 20, tcp_hl = 32, len = l4 + tcp_hl + payload;

	memset(f, 0, TUN_VNET_HDR_LEN + len);
	f[0] = VNET_F_NEEDS_CSUM;
	f[1] = v6 ? GSO_TCPV6 : GSO_TCPV4;
	put_le16(f + 2, (uint16_t)(l4 + tcp_hl));
	put_le16(f + 4, mss);
	put_le16(f + 6, (uint16_t)l4);
	put_le16(f + 8, 16);
	if (v6) {
		ip[0] = 0x60;
		put_u16(ip + 4, (uint16_t)(len - 40));
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, src6, 16);
		memcpy(ip + 24, dst6, 16);
	} else {
		ip[0] = 0x45;
		put_u16(ip + 2, (uint16_t)len);
		put_u16(ip + 4, 0x1234);
		put_u16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, src4, 4);
		memcpy(ip + 16, dst4, 4);
	}
	tcp = ip + l4;
	put_u16(tcp, 40000);
	put_u16(tcp + 2, 5001);
	put_u32(tcp + 4, seq);
	put_u32(tcp + 8, 777);
	tcp[12] = (uint8_t)(tcp_hl / 4) << 4;
	tcp[13] = 0x80 | 0x10 | 0x08 | 0x01; /* CWR ACK PSH FIN */
	put_u16(tcp + 14, 512);
	for (size_t i = 20; i < tcp_hl; i++)
		tcp[i] = 1; /* NOPs */
	for (size_t i = 0; i < payload; i++)
		tcp[tcp_hl + i] = (uint8_t)(i * 7 + 3);
	return TUN_VNET_HDR_LEN + len;
}

static void check_segments(bool v6, size_t payload, uint16_t mss, uint32_t seq)
{
	static uint8_t frame[TUN_VNET_HDR_LEN + 65536], joined[65536], seg[2048];
	size_t flen = build_super(frame, v6, payload, mss, seq), got = 0;
	size_t l4 = v6 ? 40 : 20;
	struct tun_offload_pkt t;

	g_assert_cmpint(tun_offload_parse(frame, flen, &t), ==, 0);
	g_assert_true(t.super);
	g_assert_cmpuint(t.nseg, ==, (payload + mss - 1) / mss);
	for (unsigned i = 0; i < t.nseg; i++) {
		size_t n = tun_offload_segment(&t, i, seg, sizeof(seg)), tcp_len = n - l4;
		uint8_t *tcp = seg + l4, pseudo[40];
		bool last = i + 1 == t.nseg;

		g_assert_cmpuint(n, ==, tun_offload_segment_len(&t, i));
		g_assert_cmpuint(n, <=, l4 + 32 + mss);
		if (v6) {
			g_assert_cmpuint(get_u16(seg + 4), ==, tcp_len);
			memcpy(pseudo, src6, 16);
			memcpy(pseudo + 16, dst6, 16);
			put_u32(pseudo + 32, (uint32_t)tcp_len);
			put_u32(pseudo + 36, 6);
			g_assert_cmphex(plain_csum(pseudo, 40, tcp, tcp_len), ==, 0);
		} else {
			g_assert_cmpuint(get_u16(seg + 2), ==, n);
			g_assert_cmphex(get_u16(seg + 4), ==, (uint16_t)(0x1234 + i));
			g_assert_cmphex(plain_csum(seg, 20, NULL, 0), ==, 0);
			memcpy(pseudo, src4, 4);
			memcpy(pseudo + 4, dst4, 4);
			put_u16(pseudo + 8, 6);
			put_u16(pseudo + 10, (uint16_t)tcp_len);
			g_assert_cmphex(plain_csum(pseudo, 12, tcp, tcp_len), ==, 0);
		}
		g_assert_cmphex(get_u32(tcp + 4), ==, seq + (uint32_t)got);
		/* FIN and PSH only on the last, CWR only on the first, ACK on all */
		g_assert_cmphex(tcp[13] & 0x09, ==, last ? 0x09 : 0);
		g_assert_cmphex(tcp[13] & 0x80, ==, i ? 0 : 0x80);
		g_assert_cmphex(tcp[13] & 0x10, ==, 0x10);
		memcpy(joined + got, tcp + 32, tcp_len - 32);
		got += tcp_len - 32;
	}
	g_assert_cmpuint(got, ==, payload);
	g_assert_cmpmem(joined, got, frame + TUN_VNET_HDR_LEN + l4 + 32, payload);
	g_assert_cmpuint(tun_offload_segment(&t, t.nseg, seg, sizeof(seg)), ==, 0);
}

static void test_segment_v4(void)
{
	check_segments(false, 64000, 1348, 1000);
	check_segments(false, 1348 * 3, 1348, 5); /* exact multiple */
	check_segments(false, 100, 1348, 5);	  /* one short segment */
	check_segments(false, 20000, 536, 0xfffff000u); /* sequence numbers wrap */
}

static void test_segment_v6(void)
{
	check_segments(true, 64000, 1328, 1000);
	check_segments(true, 5000, 1220, 0xffffffffu);
}

/* A UDP datagram whose checksum the kernel left to us. */
static void test_complete_csum(void)
{
	uint8_t f[TUN_VNET_HDR_LEN + 20 + 8 + 5] = {0}, *ip = f + TUN_VNET_HDR_LEN, *udp = ip + 20;
	uint8_t pseudo[12];
	struct tun_offload_pkt t;
	uint32_t s = 0;

	f[0] = VNET_F_NEEDS_CSUM;
	put_le16(f + 6, 20);
	put_le16(f + 8, 6);
	ip[0] = 0x45;
	put_u16(ip + 2, sizeof(f) - TUN_VNET_HDR_LEN);
	ip[9] = 17;
	memcpy(ip + 12, src4, 4);
	memcpy(ip + 16, dst4, 4);
	put_u16(udp, 53);
	put_u16(udp + 2, 53);
	put_u16(udp + 4, 13);
	memcpy(udp + 8, "hello", 5);
	/* the kernel's part: the pseudo header's sum, not complemented, in the field */
	memcpy(pseudo, src4, 4);
	memcpy(pseudo + 4, dst4, 4);
	put_u16(pseudo + 8, 17);
	put_u16(pseudo + 10, 13);
	for (size_t i = 0; i < 12; i += 2)
		s += get_u16(pseudo + i);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	put_u16(udp + 6, (uint16_t)s);

	g_assert_cmpint(tun_offload_parse(f, sizeof(f), &t), ==, 0);
	g_assert_false(t.super);
	g_assert_cmpuint(t.nseg, ==, 1);
	g_assert_true(t.ip == ip);
	g_assert_cmphex(plain_csum(pseudo, 12, udp, 13), ==, 0);
}

/* Cut a super-segment, merge the packets again, cut the merged one: the same packets. */
static void check_gro_round_trip(bool v6, size_t payload, uint16_t mss)
{
	static uint8_t frame[TUN_VNET_HDR_LEN + 65536], gro_buf[TUN_VNET_HDR_LEN + 65536];
	static uint8_t segs[64][2048], again[2048];
	size_t flen = build_super(frame, v6, payload, mss, 4242), seg_len[64], n;
	struct tun_offload_pkt t, t2;
	const uint8_t *out;
	struct tun_gro g;

	frame[TUN_VNET_HDR_LEN + (v6 ? 40 : 20) + 13] = 0x18; /* ACK PSH: no FIN, no CWR */
	g_assert_cmpint(tun_offload_parse(frame, flen, &t), ==, 0);
	g_assert_cmpuint(t.nseg, <=, 64);
	tun_gro_init(&g, gro_buf, sizeof(gro_buf));
	for (unsigned i = 0; i < t.nseg; i++) {
		seg_len[i] = tun_offload_segment(&t, i, segs[i], sizeof(segs[i]));
		g_assert_cmpint(tun_gro_add(&g, segs[i], seg_len[i]), ==, TUN_GRO_HELD);
	}
	n = tun_gro_frame(&g, &out);
	g_assert_cmpuint(n, ==, flen);
	g_assert_cmpuint(tun_gro_frame(&g, &out), ==, 0); /* empty again */
	g_assert_cmpint(tun_offload_parse(gro_buf, flen, &t2), ==, 0);
	if (t.nseg == 1) {
		g_assert_false(t2.super); /* one packet goes out as it came */
		g_assert_cmpmem(t2.ip, t2.len, segs[0], seg_len[0]);
		return;
	}
	g_assert_true(t2.super);
	g_assert_cmpuint(t2.nseg, ==, t.nseg);
	g_assert_cmpuint(t2.mss, ==, mss);
	{
		/* the field left for the kernel holds the pseudo header's sum: completed as a
		 * whole packet (what the kernel does when it forwards), the checksum is right */
		static uint8_t whole[TUN_VNET_HDR_LEN + 65536];
		struct tun_offload_pkt w;
		size_t l4 = v6 ? 40 : 20, tcp_len = flen - TUN_VNET_HDR_LEN - l4;
		uint8_t pseudo[40];

		memcpy(whole, gro_buf, flen);
		whole[1] = 0; /* not GSO: one packet whose checksum is pending */
		g_assert_cmpint(tun_offload_parse(whole, flen, &w), ==, 0);
		if (v6) {
			memcpy(pseudo, src6, 16);
			memcpy(pseudo + 16, dst6, 16);
			put_u32(pseudo + 32, (uint32_t)tcp_len);
			put_u32(pseudo + 36, 6);
		} else {
			memcpy(pseudo, src4, 4);
			memcpy(pseudo + 4, dst4, 4);
			put_u16(pseudo + 8, 6);
			put_u16(pseudo + 10, (uint16_t)tcp_len);
			g_assert_cmphex(plain_csum(w.ip, 20, NULL, 0), ==, 0);
		}
		g_assert_cmphex(plain_csum(pseudo, v6 ? 40 : 12, w.ip + l4, tcp_len), ==, 0);
	}
	for (unsigned i = 0; i < t2.nseg; i++) {
		n = tun_offload_segment(&t2, i, again, sizeof(again));
		g_assert_cmpmem(again, n, segs[i], seg_len[i]);
	}
}

static void test_gro_round_trip(void)
{
	check_gro_round_trip(false, 60000, 1348);
	check_gro_round_trip(false, 1348 * 4, 1348);
	check_gro_round_trip(false, 700, 1348);
	check_gro_round_trip(true, 30000, 1328);
}

/* What does not merge, and what closes a super-segment. */
static void test_gro_refused(void)
{
	static uint8_t frame[TUN_VNET_HDR_LEN + 65536], gro_buf[TUN_VNET_HDR_LEN + 65536];
	static uint8_t a[2048], b[2048], c[2048];
	size_t flen = build_super(frame, false, 1000 * 3, 1000, 7), la, lb, lc;
	uint8_t *tcp_b = b + 20;
	struct tun_offload_pkt t;
	const uint8_t *out;
	struct tun_gro g;

	frame[TUN_VNET_HDR_LEN + 20 + 13] = 0x10; /* ACK */
	g_assert_cmpint(tun_offload_parse(frame, flen, &t), ==, 0);
	la = tun_offload_segment(&t, 0, a, sizeof(a));
	lb = tun_offload_segment(&t, 1, b, sizeof(b));
	lc = tun_offload_segment(&t, 2, c, sizeof(c));
	tun_gro_init(&g, gro_buf, sizeof(gro_buf));

	/* out of order: b after nothing is fine, a after b is not */
	g_assert_cmpint(tun_gro_add(&g, b, lb), ==, TUN_GRO_HELD);
	g_assert_cmpint(tun_gro_add(&g, a, la), ==, TUN_GRO_FLUSH);
	g_assert_cmpuint(tun_gro_frame(&g, &out), ==, TUN_VNET_HDR_LEN + lb);
	g_assert_cmpmem(out + TUN_VNET_HDR_LEN, lb, b, lb); /* one packet: unchanged */
	g_assert_cmphex(out[1], ==, 0);

	/* another acknowledgment number */
	g_assert_cmpint(tun_gro_add(&g, a, la), ==, TUN_GRO_HELD);
	put_u32(tcp_b + 8, get_u32(tcp_b + 8) + 1);
	g_assert_cmpint(tun_gro_add(&g, b, lb), ==, TUN_GRO_FLUSH);
	put_u32(tcp_b + 8, get_u32(tcp_b + 8) - 1);

	/* a corrupted packet does not join, and alone it goes out as it is */
	b[30] ^= 1;
	g_assert_cmpint(tun_gro_add(&g, b, lb), ==, TUN_GRO_FLUSH);
	(void)tun_gro_frame(&g, &out);
	g_assert_cmpint(tun_gro_add(&g, b, lb), ==, TUN_GRO_PASS);
	b[30] ^= 1;

	/* a shorter packet closes: nothing joins after it */
	g_assert_cmpint(tun_gro_add(&g, a, la), ==, TUN_GRO_HELD);
	g_assert_cmpint(tun_gro_add(&g, b, lb - 100), ==, TUN_GRO_FLUSH); /* lengths disagree */
	put_u16(b + 2, (uint16_t)(lb - 100));
	put_u16(b + 10, 0);
	put_u16(b + 10, inet_csum_fold(inet_csum_add(0, b, 20)));
	{
		/* a valid shorter packet: fix its TCP checksum too */
		uint8_t pseudo[12];

		memcpy(pseudo, src4, 4);
		memcpy(pseudo + 4, dst4, 4);
		put_u16(pseudo + 8, 6);
		put_u16(pseudo + 10, (uint16_t)(lb - 100 - 20));
		put_u16(tcp_b + 16, 0);
		put_u16(tcp_b + 16, plain_csum(pseudo, 12, tcp_b, lb - 100 - 20));
	}
	g_assert_cmpint(tun_gro_add(&g, b, lb - 100), ==, TUN_GRO_HELD);
	g_assert_cmpint(tun_gro_add(&g, c, lc), ==, TUN_GRO_FLUSH);
	(void)tun_gro_frame(&g, &out);

	/* no payload, SYN, IPv4 options: never merged */
	c[33] = 0x12; /* SYN ACK */
	g_assert_cmpint(tun_gro_add(&g, c, lc), ==, TUN_GRO_PASS);
	a[0] = 0x46;
	g_assert_cmpint(tun_gro_add(&g, a, la), ==, TUN_GRO_PASS);
	g_assert_cmpint(tun_gro_add(&g, a, 40), ==, TUN_GRO_PASS);
}

static void test_refused(void)
{
	static uint8_t f[TUN_VNET_HDR_LEN + 65536];
	struct tun_offload_pkt t;
	size_t n = build_super(f, false, 3000, 1000, 1);

	g_assert_cmpint(tun_offload_parse(f, TUN_VNET_HDR_LEN, &t), ==, -EINVAL);
	f[1] = GSO_UDP; /* not enabled by us */
	g_assert_cmpint(tun_offload_parse(f, n, &t), ==, -EINVAL);
	f[1] = GSO_TCPV6; /* says IPv6, is IPv4 */
	g_assert_cmpint(tun_offload_parse(f, n, &t), ==, -EINVAL);
	f[1] = GSO_TCPV4;
	put_le16(f + 4, 0); /* no segment size */
	g_assert_cmpint(tun_offload_parse(f, n, &t), ==, -EINVAL);
	put_le16(f + 4, 1000);
	g_assert_cmpint(tun_offload_parse(f, n - 1, &t), ==, -EINVAL); /* IP length disagrees */
	f[TUN_VNET_HDR_LEN + 20 + 12] = 0x40; /* TCP header shorter than 20 */
	g_assert_cmpint(tun_offload_parse(f, n, &t), ==, -EINVAL);
	/* a checksum position past the end */
	memset(f, 0, TUN_VNET_HDR_LEN);
	f[0] = VNET_F_NEEDS_CSUM;
	put_le16(f + 6, 60);
	put_le16(f + 8, 16);
	g_assert_cmpint(tun_offload_parse(f, TUN_VNET_HDR_LEN + 70, &t), ==, -EINVAL);
	g_assert_cmpint(tun_offload_parse(f, TUN_VNET_HDR_LEN + 78, &t), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/client/tun-offload/segment-v4", test_segment_v4);
	g_test_add_func("/client/tun-offload/segment-v6", test_segment_v6);
	g_test_add_func("/client/tun-offload/complete-csum", test_complete_csum);
	g_test_add_func("/client/tun-offload/refused", test_refused);
	g_test_add_func("/client/tun-offload/gro-round-trip", test_gro_round_trip);
	g_test_add_func("/client/tun-offload/gro-refused", test_gro_refused);
	return g_test_run();
}
