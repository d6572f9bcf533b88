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

#endif
