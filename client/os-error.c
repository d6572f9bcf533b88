/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "os.h"

GQuark os_error_quark(void)
{
	return g_quark_from_static_string("l2i-os-error-quark");
}
