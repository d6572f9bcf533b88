/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Our D-Bus client (dbus-wire.c, os-dbus.c) checked against GDBus, which the
 * tests may link: GDBus parses what we write and writes what we parse, in
 * both byte orders. Then DNS through a fake systemd-resolved on a private
 * dbus-daemon (GTestDBus; skipped when dbus-daemon is missing).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "dbus-wire.h"
#include "os-dbus.h"
#include "os.h"

/* Every type D-Bus carries, nested. */
#define RICH_FORMAT "(ia(iay)a{sv}vsogbynqxtd^as)"

static GVariant *rich_body(void)
{
	static const uint8_t addr[4] = {192, 168, 30, 1};
	GVariantBuilder dns, dict;
	const char *strs[] = {"a", "", "ünï", NULL};

	g_variant_builder_init(&dns, G_VARIANT_TYPE("a(iay)"));
	g_variant_builder_add(&dns, "(i@ay)", 2,
			      g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, addr, 4, 1));
	g_variant_builder_add(&dns, "(i@ay)", 10,
			      g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, addr, 0, 1));
	g_variant_builder_init(&dict, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&dict, "{sv}", "x", g_variant_new_uint64(G_MAXUINT64));
	g_variant_builder_add(&dict, "{sv}", "y", g_variant_new("(sb)", ".", TRUE));
	return g_variant_new(RICH_FORMAT, 7, &dns, &dict, g_variant_new_int16(-2), "text", "/org/x",
			     "a(iay)", TRUE, 0xab, -3, 65535, G_MININT64, (guint64)1 << 40, 0.5,
			     strs);
}

static void test_call_parsed_by_gdbus(void)
{
	g_autoptr(GBytes) raw = dbus_wire_method_call(
		42, "org.freedesktop.resolve1", "/org/freedesktop/resolve1",
		"org.freedesktop.resolve1.Manager", "SetLinkDNS", rich_body());
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusMessage) m = NULL;
	g_autoptr(GVariant) want = g_variant_ref_sink(rich_body());
	gsize len;
	const guchar *data = g_bytes_get_data(raw, &len);

	g_assert_cmpuint(dbus_wire_message_size(data), ==, len);
	m = g_dbus_message_new_from_blob((guchar *)data, len, G_DBUS_CAPABILITY_FLAGS_NONE, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_dbus_message_get_message_type(m), ==, G_DBUS_MESSAGE_TYPE_METHOD_CALL);
	g_assert_cmpuint(g_dbus_message_get_serial(m), ==, 42);
	g_assert_cmpstr(g_dbus_message_get_destination(m), ==, "org.freedesktop.resolve1");
	g_assert_cmpstr(g_dbus_message_get_path(m), ==, "/org/freedesktop/resolve1");
	g_assert_cmpstr(g_dbus_message_get_interface(m), ==, "org.freedesktop.resolve1.Manager");
	g_assert_cmpstr(g_dbus_message_get_member(m), ==, "SetLinkDNS");
	g_assert_true(g_variant_equal(g_dbus_message_get_body(m), want));
}

static void test_call_without_args(void)
{
	g_autoptr(GBytes) raw = dbus_wire_method_call(1, "org.freedesktop.DBus",
						      "/org/freedesktop/DBus", NULL, "Hello", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusMessage) m = NULL;
	gsize len;
	const guchar *data = g_bytes_get_data(raw, &len);

	m = g_dbus_message_new_from_blob((guchar *)data, len, G_DBUS_CAPABILITY_FLAGS_NONE, &error);
	g_assert_no_error(error);
	g_assert_null(g_dbus_message_get_body(m));
	g_assert_null(g_dbus_message_get_interface(m));
	/* maybe types have no D-Bus form */
	g_assert_null(dbus_wire_method_call(2, "a.b", "/", NULL, "M", g_variant_new("(ms)", NULL)));
}

/* A reply as the bus would send it, in the given byte order. */
static GBytes *gdbus_reply(GDBusMessageByteOrder order, bool error_reply, GVariant *body)
{
	g_autoptr(GDBusMessage) call = g_dbus_message_new_method_call("a.b", "/", "a.b", "M");
	g_autoptr(GDBusMessage) reply = NULL;
	g_autoptr(GError) error = NULL;
	gsize len;
	guchar *blob;

	g_dbus_message_set_serial(call, 77);
	reply = error_reply ? g_dbus_message_new_method_error_literal(
				      call, "org.freedesktop.DBus.Error.AccessDenied", "no")
			    : g_dbus_message_new_method_reply(call);
	if (body)
		g_dbus_message_set_body(reply, body);
	g_dbus_message_set_serial(reply, 5);
	g_dbus_message_set_byte_order(reply, order);
	blob = g_dbus_message_to_blob(reply, &len, G_DBUS_CAPABILITY_FLAGS_NONE, &error);
	g_assert_no_error(error);
	return g_bytes_new_take(blob, len);
}

static void test_reply_from_gdbus(void)
{
	const GDBusMessageByteOrder orders[] = {G_DBUS_MESSAGE_BYTE_ORDER_LITTLE_ENDIAN,
						G_DBUS_MESSAGE_BYTE_ORDER_BIG_ENDIAN};

	for (unsigned i = 0; i < G_N_ELEMENTS(orders); i++) {
		g_autoptr(GVariant) want = g_variant_ref_sink(rich_body());
		g_autoptr(GBytes) raw = gdbus_reply(orders[i], false, want);
		g_autoptr(GBytes) err = gdbus_reply(orders[i], true, NULL);
		g_autoptr(GBytes) empty = gdbus_reply(orders[i], false, NULL);
		struct dbus_msg m;
		gsize len;
		const uint8_t *data = g_bytes_get_data(raw, &len);

		g_assert_cmpuint(dbus_wire_message_size(data), ==, len);
		g_assert_true(dbus_wire_parse(data, len, &m));
		g_assert_cmpint(m.type, ==, DBUS_MSG_METHOD_RETURN);
		g_assert_cmpuint(m.serial, ==, 5);
		g_assert_cmpuint(m.reply_serial, ==, 77);
		g_assert_true(g_variant_equal(m.body, want));
		dbus_msg_clear(&m);

		data = g_bytes_get_data(err, &len);
		g_assert_true(dbus_wire_parse(data, len, &m));
		g_assert_cmpint(m.type, ==, DBUS_MSG_ERROR);
		g_assert_cmpstr(m.error_name, ==, "org.freedesktop.DBus.Error.AccessDenied");
		g_assert_cmpstr(g_variant_get_type_string(m.body), ==, "(s)");
		dbus_msg_clear(&m);

		data = g_bytes_get_data(empty, &len);
		g_assert_true(dbus_wire_parse(data, len, &m));
		g_assert_cmpstr(g_variant_get_type_string(m.body), ==, "()");
		dbus_msg_clear(&m);
	}
}

/* Every truncation and every single-bit flip: rejected or parsed, never a crash, never an
 * out-of-bounds read (the sanitizer run checks that part). */
static void test_reply_mutations(void)
{
	g_autoptr(GBytes) raw =
		gdbus_reply(G_DBUS_MESSAGE_BYTE_ORDER_LITTLE_ENDIAN, false, rich_body());
	gsize len;
	const uint8_t *orig = g_bytes_get_data(raw, &len);
	g_autofree uint8_t *buf = g_memdup2(orig, len);
	struct dbus_msg m;
	unsigned parsed = 0;

	for (gsize n = 0; n < len; n++) {
		g_autofree uint8_t *part = g_memdup2(orig, n);

		g_assert_false(dbus_wire_parse(part, n, &m));
	}
	for (gsize i = 0; i < len * 8; i++) {
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
		if (len >= DBUS_FIXED_HEADER && dbus_wire_message_size(buf) == len &&
		    dbus_wire_parse(buf, len, &m)) {
			parsed++;
			dbus_msg_clear(&m);
		}
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	/* flips in values (not lengths or signatures) still parse */
	g_assert_cmpuint(parsed, >, 0);
	g_assert_true(dbus_wire_parse(buf, len, &m));
	dbus_msg_clear(&m);
}

/* ---- a fake systemd-resolved on a private bus ---- */

static const char resolved_xml[] =
	"<node><interface name='org.freedesktop.resolve1.Manager'>"
	"<method name='SetLinkDNS'><arg type='i' direction='in'/>"
	"<arg type='a(iay)' direction='in'/></method>"
	"<method name='SetLinkDomains'><arg type='i' direction='in'/>"
	"<arg type='a(sb)' direction='in'/></method>"
	"<method name='SetLinkDefaultRoute'><arg type='i' direction='in'/>"
	"<arg type='b' direction='in'/></method>"
	"<method name='RevertLink'><arg type='i' direction='in'/></method>"
	"<property name='ResolvConfMode' type='s' access='read'/>"
	"</interface></node>";

struct fake {
	const char *address;
	GMainContext *ctx;
	GMainLoop *loop;
	GMutex lock;
	GCond cond;
	bool ready;
	GString *calls; /* "SetLinkDNS (5, [(2, [192, 168, 30, 1])])\n"... */
};

static void fake_method(GDBusConnection *c, const char *sender, const char *path, const char *iface,
			const char *method, GVariant *params, GDBusMethodInvocation *inv,
			gpointer data)
{
	struct fake *f = data;
	g_autofree char *text = g_variant_print(params, FALSE);
	int32_t ifindex;

	g_variant_get_child(params, 0, "i", &ifindex);
	g_mutex_lock(&f->lock);
	g_string_append_printf(f->calls, "%s %s\n", method, text);
	g_mutex_unlock(&f->lock);
	if (ifindex == 666)
		g_dbus_method_invocation_return_dbus_error(
			inv, "org.freedesktop.resolve1.NoSuchLink", "Link 666 not known");
	else
		g_dbus_method_invocation_return_value(inv, NULL);
}

/* /etc/resolv.conf is resolved's stub: programs reach it */
static GVariant *fake_property(GDBusConnection *c, const char *sender, const char *path,
			       const char *iface, const char *name, GError **error, gpointer data)
{
	return g_variant_new_string("stub");
}

static gpointer fake_thread(gpointer data)
{
	static const GDBusInterfaceVTable vtable = {.method_call = fake_method,
						    .get_property = fake_property};
	struct fake *f = data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml(resolved_xml, &error);
	g_autoptr(GDBusConnection) c = NULL;
	g_autoptr(GVariant) r = NULL;

	g_assert_no_error(error);
	g_main_context_push_thread_default(f->ctx);
	c = g_dbus_connection_new_for_address_sync(
		f->address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	g_assert_no_error(error);
	g_dbus_connection_register_object(c, "/org/freedesktop/resolve1", info->interfaces[0],
					  &vtable, f, NULL, &error);
	g_assert_no_error(error);
	r = g_dbus_connection_call_sync(
		c, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
		"RequestName", g_variant_new("(su)", "org.freedesktop.resolve1", 4),
		G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	g_assert_no_error(error);
	g_mutex_lock(&f->lock);
	f->ready = true;
	g_cond_signal(&f->cond);
	g_mutex_unlock(&f->lock);
	g_main_loop_run(f->loop);
	g_dbus_connection_close_sync(c, NULL, NULL);
	g_main_context_pop_thread_default(f->ctx);
	return NULL;
}

static char *fake_take_calls(struct fake *f)
{
	char *s;

	g_mutex_lock(&f->lock);
	s = g_strdup(f->calls->str);
	g_string_truncate(f->calls, 0);
	g_mutex_unlock(&f->lock);
	return s;
}

static void test_bus(void)
{
	g_autoptr(GTestDBus) bus = NULL;
	g_autofree char *dir = g_dir_make_tmp("l2i-dbus-XXXXXX", NULL);
	g_autofree char *resolv = g_build_filename(dir, "resolv.conf", NULL);
	struct fake f = {0};
	g_autoptr(GError) error = NULL;
	g_autoptr(os_dbus) c = NULL;
	g_autoptr(GVariant) r = NULL;
	uint32_t servers[] = {inet_addr("192.168.30.1"), inet_addr("192.168.30.2")};
	struct os_dns *d;
	GThread *t;
	gboolean has = TRUE;

	g_autofree char *daemon = g_find_program_in_path("dbus-daemon");

	if (!daemon) {
		g_test_skip("dbus-daemon is not installed");
		return;
	}
	bus = g_test_dbus_new(G_TEST_DBUS_NONE);
	g_test_dbus_up(bus);
	f.address = g_test_dbus_get_bus_address(bus);

	/* the plain client: Hello, then a call and its reply */
	c = os_dbus_open(f.address, 2000, &error);
	g_assert_no_error(error);
	r = os_dbus_call(c, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
			 "NameHasOwner", g_variant_new("(s)", "org.freedesktop.resolve1"), 2000,
			 &error);
	g_assert_no_error(error);
	g_variant_get(r, "(b)", &has);
	g_assert_false(has);
	g_clear_pointer(&r, g_variant_unref);
	r = os_dbus_call(c, "org.freedesktop.resolve1", "/", NULL, "Nothing", NULL, 2000, &error);
	g_assert_null(r);
	g_assert_error(error, OS_ERROR, EREMOTEIO);
	g_assert_nonnull(strstr(error->message, "org.freedesktop.DBus.Error.ServiceUnknown"));
	g_clear_error(&error);
	g_assert_null(os_dbus_open("unix:path=/nonexistent/bus", 2000, &error));
	g_assert_error(error, OS_ERROR, ENOENT);
	g_clear_error(&error);

	/* DNS: without resolved on the bus, the file; with it, per-link servers */
	g_setenv("DBUS_SYSTEM_BUS_ADDRESS", f.address, TRUE);
	g_assert_true(g_file_set_contents(resolv, "nameserver 10.0.0.1\n", -1, NULL));
	d = os_dns_apply("p", 5, servers, 2, true, resolv, dir, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(os_dns_method(d), ==, resolv);
	os_dns_restore(d);

	f.ctx = g_main_context_new();
	f.loop = g_main_loop_new(f.ctx, FALSE);
	f.calls = g_string_new(NULL);
	g_mutex_init(&f.lock);
	g_cond_init(&f.cond);
	t = g_thread_new("fake-resolved", fake_thread, &f);
	g_mutex_lock(&f.lock);
	while (!f.ready)
		g_cond_wait(&f.cond, &f.lock);
	g_mutex_unlock(&f.lock);

	d = os_dns_apply("p", 5, servers, 2, true, resolv, dir, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(os_dns_method(d), ==, "systemd-resolved");
	{
		g_autofree char *calls = fake_take_calls(&f);

		g_assert_cmpstr(calls, ==,
				"SetLinkDNS (5, [(2, [0xc0, 0xa8, 0x1e, 0x01]), "
				"(2, [0xc0, 0xa8, 0x1e, 0x02])])\n"
				"SetLinkDomains (5, [('.', true)])\n"
				"SetLinkDefaultRoute (5, true)\n");
	}
	os_dns_restore(d);
	{
		g_autofree char *calls = fake_take_calls(&f);

		g_assert_cmpstr(calls, ==, "RevertLink (5,)\n");
	}
	/* not the default route: no routing domain */
	d = os_dns_apply("p", 6, servers, 1, false, resolv, dir, &error);
	g_assert_no_error(error);
	os_dns_restore(d);
	{
		g_autofree char *calls = fake_take_calls(&f);

		g_assert_cmpstr(calls, ==,
				"SetLinkDNS (6, [(2, [0xc0, 0xa8, 0x1e, 0x01])])\n"
				"SetLinkDomains (6, [])\n"
				"SetLinkDefaultRoute (6, false)\n"
				"RevertLink (6,)\n");
	}
	/* resolved's error reaches the person, and nothing is left half-done */
	g_assert_null(os_dns_apply("p", 666, servers, 1, true, resolv, dir, &error));
	g_assert_error(error, OS_ERROR, EREMOTEIO);
	g_assert_nonnull(strstr(error->message, "Link 666 not known"));
	{
		g_autofree char *calls = fake_take_calls(&f);

		g_assert_true(g_str_has_suffix(calls, "RevertLink (666,)\n"));
	}

	g_main_loop_quit(f.loop);
	g_thread_join(t);
	g_main_loop_unref(f.loop);
	g_main_context_unref(f.ctx);
	g_string_free(f.calls, TRUE);
	g_mutex_clear(&f.lock);
	g_cond_clear(&f.cond);
	g_clear_pointer(&c, os_dbus_close);
	g_test_dbus_down(bus);
	g_remove(resolv);
	g_rmdir(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/dbus/call-parsed-by-gdbus", test_call_parsed_by_gdbus);
	g_test_add_func("/dbus/call-without-args", test_call_without_args);
	g_test_add_func("/dbus/reply-from-gdbus", test_reply_from_gdbus);
	g_test_add_func("/dbus/reply-mutations", test_reply_mutations);
	g_test_add_func("/dbus/bus", test_bus);
	return g_test_run();
}
