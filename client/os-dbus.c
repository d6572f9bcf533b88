/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * D-Bus specification, "Authentication Protocol" and "Server Addresses": a
 * NUL byte, "AUTH EXTERNAL <uid in hex>", "OK <guid>", "BEGIN", then
 * messages; the first call on a bus is org.freedesktop.DBus.Hello.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "dbus-wire.h"
#include "os-dbus.h"
#include "os.h"

#define SYSTEM_BUS_DEFAULT "unix:path=/var/run/dbus/system_bus_socket"
#define AUTH_LINE_MAX	   512

struct os_dbus {
	int fd;
	uint32_t serial;
	GByteArray *in; /* received, not yet consumed */
};

/* ---- addresses ---- */

/* %XX escapes of a D-Bus address value. */
static char *unescape(const char *s, size_t n)
{
	GString *out = g_string_sized_new(n);

	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < n && (hi = g_ascii_xdigit_value(s[i + 1])) >= 0 &&
		    (lo = g_ascii_xdigit_value(s[i + 2])) >= 0) {
			g_string_append_c(out, (char)(hi << 4 | lo));
			i += 2;
		} else {
			g_string_append_c(out, s[i]);
		}
	}
	return g_string_free(out, FALSE);
}

/* One "unix:key=value,..." entry into a socket address; false for other transports. */
static bool unix_address(const char *entry, struct sockaddr_un *sun, socklen_t *len)
{
	g_auto(GStrv) kv = NULL;

	if (!g_str_has_prefix(entry, "unix:"))
		return false;
	kv = g_strsplit(entry + 5, ",", -1);
	for (char **p = kv; *p; p++) {
		bool abstract = g_str_has_prefix(*p, "abstract=");
		const char *v = strchr(*p, '=');
		g_autofree char *path = NULL;
		size_t n;

		if (!v || (!abstract && !g_str_has_prefix(*p, "path=")))
			continue;
		path = unescape(v + 1, strlen(v + 1));
		n = strlen(path);
		if (n + 1 >= sizeof(sun->sun_path))
			return false;
		memset(sun, 0, sizeof(*sun));
		sun->sun_family = AF_UNIX;
		/* an abstract name starts with a NUL and is not NUL-terminated */
		memcpy(sun->sun_path + abstract, path, n);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract + n +
				   !abstract);
		return true;
	}
	return false;
}

static int connect_address(const char *address, GError **error)
{
	g_auto(GStrv) entries = g_strsplit(address, ";", -1);
	int err = ENOENT;

	for (char **e = entries; *e; e++) {
		struct sockaddr_un sun;
		socklen_t len;
		int fd;

		if (!unix_address(*e, &sun, &len))
			continue;
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, len) == 0)
			return fd;
		err = errno;
		if (fd >= 0)
			close(fd);
	}
	if (error) /* no bus is the usual answer to os-dns.c's question: no g_strerror() */
		g_set_error(error, OS_ERROR, err, "D-Bus %s: %s", address, g_strerror(err));
	return -1;
}

/* ---- bounded blocking I/O on the non-blocking socket ---- */

static bool wait_for(int fd, short events, gint64 deadline, GError **error)
{
	struct pollfd p = {.fd = fd, .events = events};
	gint64 left = (deadline - g_get_monotonic_time()) / 1000;
	int r;

	do
		r = poll(&p, 1, left > 0 ? (int)MIN(left, INT_MAX) : 0);
	while (r < 0 && errno == EINTR);
	if (r > 0)
		return true;
	g_set_error(error, OS_ERROR, r ? errno : ETIMEDOUT, "D-Bus: %s",
		    r ? g_strerror(errno) : "no answer in time");
	return false;
}

static bool send_all(struct os_dbus *b, const void *data, size_t len, gint64 deadline,
		     GError **error)
{
	const uint8_t *p = data;

	while (len) {
		ssize_t n = send(b->fd, p, len, MSG_NOSIGNAL);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			g_set_error(error, OS_ERROR, errno, "D-Bus: send: %s", g_strerror(errno));
			return false;
		} else if (n < 0 && errno == EAGAIN && !wait_for(b->fd, POLLOUT, deadline, error)) {
			return false;
		}
	}
	return true;
}

/* Until at least `need' bytes are buffered. */
static bool fill(struct os_dbus *b, size_t need, gint64 deadline, GError **error)
{
	while (b->in->len < need) {
		uint8_t buf[4096];
		ssize_t n = recv(b->fd, buf, sizeof(buf), 0);

		if (n > 0) {
			g_byte_array_append(b->in, buf, (guint)n);
		} else if (n == 0) {
			g_set_error(error, OS_ERROR, ECONNRESET,
				    "D-Bus: the bus closed the connection");
			return false;
		} else if (errno != EAGAIN && errno != EINTR) {
			g_set_error(error, OS_ERROR, errno, "D-Bus: recv: %s", g_strerror(errno));
			return false;
		} else if (errno == EAGAIN && !wait_for(b->fd, POLLIN, deadline, error)) {
			return false;
		}
	}
	return true;
}

/* ---- authentication ---- */

static char *read_line(struct os_dbus *b, gint64 deadline, GError **error)
{
	for (;;) {
		/* an empty GByteArray has data NULL: memchr must not see it */
		uint8_t *nl = b->in->len ? memchr(b->in->data, '\n', b->in->len) : NULL;

		if (nl) {
			size_t n = (size_t)(nl - b->in->data) + 1;
			char *line = g_strndup((const char *)b->in->data, n);

			g_byte_array_remove_range(b->in, 0, (guint)n);
			return line;
		}
		if (b->in->len >= AUTH_LINE_MAX) {
			g_set_error(error, OS_ERROR, EPROTO, "D-Bus: overlong authentication line");
			return NULL;
		}
		if (!fill(b, b->in->len + 1, deadline, error))
			return NULL;
	}
}

static bool authenticate(struct os_dbus *b, gint64 deadline, GError **error)
{
	g_autofree char *uid = g_strdup_printf("%u", (unsigned)geteuid());
	g_autoptr(GString) auth = g_string_new(NULL);
	g_autofree char *reply = NULL;

	g_string_append_len(auth, "\0AUTH EXTERNAL ", 15);
	for (const char *c = uid; *c; c++)
		g_string_append_printf(auth, "%02x", (unsigned char)*c);
	g_string_append(auth, "\r\n");
	if (!send_all(b, auth->str, auth->len, deadline, error) ||
	    !(reply = read_line(b, deadline, error)))
		return false;
	if (!g_str_has_prefix(reply, "OK ")) {
		g_strchomp(reply);
		g_set_error(error, OS_ERROR, EACCES, "D-Bus: the bus refused us: %s", reply);
		return false;
	}
	return send_all(b, "BEGIN\r\n", 7, deadline, error);
}

struct os_dbus *os_dbus_open(const char *address, int timeout_ms, GError **error)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
	g_autoptr(os_dbus) b = g_new0(struct os_dbus, 1);
	g_autoptr(GVariant) hello = NULL;

	b->fd = -1;
	b->in = g_byte_array_new();
	if (!address)
		address = g_getenv("DBUS_SYSTEM_BUS_ADDRESS");
	b->fd = connect_address(address ? address : SYSTEM_BUS_DEFAULT, error);
	if (b->fd < 0 || !authenticate(b, deadline, error))
		return NULL;
	hello = os_dbus_call(b, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			     "org.freedesktop.DBus", "Hello", NULL, timeout_ms, error);
	return hello ? g_steal_pointer(&b) : NULL;
}

void os_dbus_close(struct os_dbus *b)
{
	if (!b)
		return;
	if (b->fd >= 0)
		close(b->fd);
	g_byte_array_unref(b->in);
	g_free(b);
}

/* ---- calls ---- */

static bool read_message(struct os_dbus *b, struct dbus_msg *m, gint64 deadline, GError **error)
{
	size_t size;

	if (!fill(b, DBUS_FIXED_HEADER, deadline, error))
		return false;
	size = dbus_wire_message_size(b->in->data);
	if (!size || !fill(b, size, deadline, error) || !dbus_wire_parse(b->in->data, size, m)) {
		if (error && !*error)
			g_set_error(error, OS_ERROR, EPROTO,
				    "D-Bus: malformed message from the bus");
		return false;
	}
	g_byte_array_remove_range(b->in, 0, (guint)size);
	return true;
}

GVariant *os_dbus_call(struct os_dbus *b, const char *destination, const char *path,
		       const char *interface, const char *member, GVariant *args, int timeout_ms,
		       GError **error)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
	uint32_t serial = ++b->serial;
	g_autoptr(GBytes) msg =
		dbus_wire_method_call(serial, destination, path, interface, member, args);

	if (!msg) {
		g_set_error(error, OS_ERROR, EINVAL, "D-Bus: cannot marshal the arguments of %s",
			    member);
		return NULL;
	}
	if (!send_all(b, g_bytes_get_data(msg, NULL), g_bytes_get_size(msg), deadline, error))
		return NULL;
	for (;;) {
		struct dbus_msg m;
		GVariant *body;

		if (!read_message(b, &m, deadline, error))
			return NULL;
		/* signals (NameAcquired after Hello) and anything else are not ours */
		if (m.reply_serial != serial ||
		    (m.type != DBUS_MSG_METHOD_RETURN && m.type != DBUS_MSG_ERROR)) {
			dbus_msg_clear(&m);
			continue;
		}
		if (m.type == DBUS_MSG_ERROR) {
			g_autoptr(GVariant) first = g_variant_n_children(m.body)
							    ? g_variant_get_child_value(m.body, 0)
							    : NULL;
			const char *text = NULL;

			/* an error's first argument, when a string, is its message */
			if (first && g_variant_is_of_type(first, G_VARIANT_TYPE_STRING))
				text = g_variant_get_string(first, NULL);
			g_set_error(error, OS_ERROR, EREMOTEIO, "%s: %s", m.error_name,
				    text ? text : "(no message)");
			dbus_msg_clear(&m);
			return NULL;
		}
		body = g_steal_pointer(&m.body);
		dbus_msg_clear(&m);
		return body;
	}
}
