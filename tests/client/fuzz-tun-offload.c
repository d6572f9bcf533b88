// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzz target: a TUN read with a virtio_net_hdr, checked and cut as the data path does; and
 * the same bytes as received packets (each after a 2-byte length) for the merger, whose
 * merged frames must read back as super-segments. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tun-offload.h"

static uint8_t frame[TUN_VNET_HDR_LEN + 65536], seg[65536], gro_buf[TUN_VNET_HDR_LEN + 65536];

static void check_frame(struct tun_gro *g)
{
	static uint8_t copy[TUN_VNET_HDR_LEN + 65536];
	unsigned nseg = g->nseg;
	struct tun_offload_pkt t;
	const uint8_t *f;
	size_t len = tun_gro_frame(g, &f);

	if (!len)
		return;
	memcpy(copy, f, len);
	if (tun_offload_parse(copy, len, &t) || (nseg > 1 && (!t.super || t.nseg != nseg)))
		__builtin_trap();
}

static void merge(const uint8_t *data, size_t size)
{
	struct tun_gro g;

	tun_gro_init(&g, gro_buf, sizeof(gro_buf));
	while (size >= 2) {
		size_t len = (size_t)(data[0] << 8 | data[1]);

		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		for (;;) {
			enum tun_gro_verdict v = tun_gro_add(&g, data, len);

			if (v != TUN_GRO_FLUSH)
				break;
			check_frame(&g);
		}
		data += len;
		size -= len;
	}
	check_frame(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tun_offload_pkt t;

	if (size > sizeof(frame))
		return 0;
	merge(data, size);
	memcpy(frame, data, size);
	if (tun_offload_parse(frame, size, &t))
		return 0;
	for (unsigned i = 0; t.super && i < t.nseg; i++) {
		size_t n = tun_offload_segment(&t, i, seg, sizeof(seg));

		if (n != tun_offload_segment_len(&t, i) || n > t.hdr_len + t.mss)
			__builtin_trap();
	}
	return 0;
}
