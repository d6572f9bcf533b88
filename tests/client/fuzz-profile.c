/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the profile parser (key file text -> struct vpn_profile, or an error). */
#include <stddef.h>
#include <stdint.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GError *error = NULL;
	struct vpn_profile *p;

	p = vpn_profile_load_data("fuzz.conf", (const char *)data, size, 0100600, &error);
	if (p) {
		(void)vpn_profile_check(p, NULL);
		vpn_profile_free(p);
	}
	g_clear_error(&error);
	return 0;
}
