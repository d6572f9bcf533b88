/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TUN offloads (IFF_VNET_HDR with TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6): the
 * kernel hands the userspace data path whole TCP super-segments of up to 64 KiB
 * with a virtio_net_hdr in front, and packets whose checksum is left for us to
 * complete. One read then carries what would be dozens of reads, and the local
 * TCP stack builds one packet where it would build dozens.
 *
 * What is left for us, done here with no I/O: validate the header, complete
 * a pending checksum, and cut a super-segment into the packets the TCP stack
 * would have sent (IPv4 id, IPv4/IPv6 length, TCP sequence and flags, both
 * checksums), one at a time into the caller's buffer.
 *
 * The other way (tun_gro_*), what GRO does for a NIC: TCP packets of one flow
 * that arrive in a row are merged into one super-segment for one TUN write,
 * so the local TCP stack takes dozens of packets at once. Each packet's
 * checksums are verified before it joins (the kernel trusts a merged one).
 */
#ifndef L2I_TUN_OFFLOAD_H
#define L2I_TUN_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* struct virtio_net_hdr, the header IFF_VNET_HDR puts before every packet */
#define TUN_VNET_HDR_LEN 10

/* A packet read from the TUN, checked: nseg packets to send. */
struct tun_offload_pkt {
	uint8_t *ip;	   /* the IP packet after the header */
	size_t len;	   /* its length */
	bool super;	   /* a TCP super-segment: send it cut with tun_offload_segment() */
	unsigned nseg;	   /* packets it becomes: 1 unless it is a super-segment */
	bool v6;	   /* IPv6 */
	size_t hdr_len;	   /* super-segment: IP + TCP header bytes */
	size_t l4_off;	   /* super-segment: where TCP starts */
	size_t mss;	   /* super-segment: payload bytes per packet, the last may be shorter */
};

/* Check the virtio_net_hdr at frame and the packet after it (len bytes in all). A packet that
 * is not a super-segment gets its pending checksum completed in place, so pkt->ip is ready to
 * send. 0, or -EINVAL for what cannot be sent as it stands (a kernel bug, or a GSO kind we did
 * not enable): drop it. */
int tun_offload_parse(uint8_t *frame, size_t len, struct tun_offload_pkt *pkt);

/* The length of packet i of a super-segment (0 when there is none). */
size_t tun_offload_segment_len(const struct tun_offload_pkt *pkt, unsigned i);
/* Packet i (0 <= i < nseg) of a super-segment (pkt->super) into out: IP header, TCP header and payload,
 * all fields and checksums as the TCP stack would have sent them. Its length, or 0 when cap
 * is too small. */
size_t tun_offload_segment(const struct tun_offload_pkt *pkt, unsigned i, uint8_t *out,
			   size_t cap);

/* ---- merging received TCP packets (GRO) ---- */

/* A super-segment being built in a frame buffer of the caller's (TUN_VNET_HDR_LEN + 65535
 * bytes suffice). */
struct tun_gro {
	uint8_t *frame;
	size_t cap;
	size_t len; /* IP bytes after the header; 0: empty */
	unsigned nseg;
	bool v6, closed;
	size_t l4_off, hdr_len, mss;
	uint32_t next_seq;
	uint8_t push; /* PSH seen on any of the packets */
};

enum tun_gro_verdict {
	TUN_GRO_HELD,  /* the packet is in g now */
	TUN_GRO_FLUSH, /* g holds packets this one cannot join: write tun_gro_frame(), retry */
	TUN_GRO_PASS,  /* g is empty and the packet cannot be merged: write it as it is */
};

void tun_gro_init(struct tun_gro *g, uint8_t *frame, size_t cap);
/* Offer an IP packet (len bytes) that was received in order after what g holds. */
enum tun_gro_verdict tun_gro_add(struct tun_gro *g, const uint8_t *ip, size_t len);
/* The frame to write (virtio_net_hdr + packet) for what g holds, and g empty again; 0 when it
 * held nothing. One packet goes out unchanged with a plain header; more as a GSO packet whose
 * checksum is left to the kernel (it is not checked again: we did). */
size_t tun_gro_frame(struct tun_gro *g, const uint8_t **frame);

#endif
