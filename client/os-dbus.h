/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A blocking D-Bus client over a unix socket: connect, authenticate
 * (EXTERNAL), Hello, method calls with a timeout. It exists so that DNS
 * through systemd-resolved needs neither GIO nor a second thread (see
 * dbus-wire.h for the memory this saves).
 */
#ifndef L2I_CLIENT_OS_DBUS_H
#define L2I_CLIENT_OS_DBUS_H

#include <glib.h>

struct os_dbus;
typedef struct os_dbus os_dbus;

/*
 * address: a D-Bus address ("unix:path=/run/dbus/system_bus_socket"; unix:path and
 * unix:abstract entries are tried in order); NULL: the system bus, from
 * $DBUS_SYSTEM_BUS_ADDRESS or the standard socket. timeout_ms bounds the whole handshake.
 */
struct os_dbus *os_dbus_open(const char *address, int timeout_ms, GError **error);
void os_dbus_close(struct os_dbus *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(os_dbus, os_dbus_close)

/*
 * Calls member and waits up to timeout_ms for its reply. args: a tuple or NULL (a floating
 * reference is consumed). Returns the reply's body (a tuple; g_variant_unref), or NULL with
 * error set: OS_ERROR with an errno for transport failures, EREMOTEIO for an error reply
 * (message "org.freedesktop.DBus.Error.X: text").
 */
GVariant *os_dbus_call(struct os_dbus *b, const char *destination, const char *path,
		       const char *interface, const char *member, GVariant *args, int timeout_ms,
		       GError **error);

#endif
