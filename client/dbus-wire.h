/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The D-Bus wire format (marshalling only, no I/O): method calls out,
 * replies in, bodies as GVariant tuples. Just enough for os-dbus.c, which
 * talks to systemd-resolved without GIO: GDBus pulls in libgio, libgobject
 * and five more libraries plus a worker thread, about 2.5 MB of RSS for four
 * method calls per connection.
 */
#ifndef L2I_CLIENT_DBUS_WIRE_H
#define L2I_CLIENT_DBUS_WIRE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dbus_msg_type {
	DBUS_MSG_METHOD_CALL = 1,
	DBUS_MSG_METHOD_RETURN = 2,
	DBUS_MSG_ERROR = 3,
	DBUS_MSG_SIGNAL = 4,
};

/* The fixed part of every header: endianness, type, flags, version, body length, serial,
 * length of the header field array. */
#define DBUS_FIXED_HEADER 16
/* What we accept from the bus; the spec allows 128 MiB, our replies are tiny. */
#define DBUS_MAX_MESSAGE (1u << 20)

struct dbus_msg {
	enum dbus_msg_type type;
	uint32_t serial;
	uint32_t reply_serial; /* 0: none */
	char *error_name;      /* ERROR only */
	GVariant *body;	       /* a tuple; "()" for an empty body */
};

/*
 * A METHOD_CALL. args: a tuple or NULL for no arguments (a floating reference is sunk).
 * interface may be NULL. NULL when args hold a type D-Bus cannot carry (maybe types).
 */
GBytes *dbus_wire_method_call(uint32_t serial, const char *destination, const char *path,
			      const char *interface, const char *member, GVariant *args);

/* Size of the whole message from its first DBUS_FIXED_HEADER bytes; 0 when those are not a
 * D-Bus header or announce more than DBUS_MAX_MESSAGE. */
size_t dbus_wire_message_size(const uint8_t *fixed);

/* One whole message (as sized above). false when it is malformed; m is then cleared. */
bool dbus_wire_parse(const uint8_t *msg, size_t len, struct dbus_msg *m);
void dbus_msg_clear(struct dbus_msg *m);

#endif
