// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzz target: a TUN read with a virtio_net_hdr, checked and cut as the data path does. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tun-offload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[TUN_VNET_HDR_LEN + 65536], seg[65536];
	struct tun_offload_pkt t;

	if (size > sizeof(frame))
		return 0;
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
