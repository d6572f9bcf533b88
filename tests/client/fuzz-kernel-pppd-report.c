// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzz target: the pppd plugin's report lines as the engine parses them. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel-pppd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kernel_pppd_event ev;

	if (kernel_pppd_parse_line((const char *)data, size, &ev) == 0) {
		if (ev.type == KERNEL_PPPD_EV_IP_UP &&
		    memchr(ev.ifname, '\0', sizeof(ev.ifname)) == NULL)
			__builtin_trap();
		(void)kernel_pppd_exit_str(ev.status);
	}
	return 0;
}
