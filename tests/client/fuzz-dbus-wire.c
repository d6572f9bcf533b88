/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: a D-Bus message from the bus (dbus-wire.c), as os-dbus.c reads it. */
#include <stddef.h>
#include <stdint.h>

#include "dbus-wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbus_msg m;

	if (size < DBUS_FIXED_HEADER || dbus_wire_message_size(data) != size)
		return 0;
	if (dbus_wire_parse(data, size, &m))
		dbus_msg_clear(&m);
	return 0;
}
