/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * D-Bus marshalling (D-Bus specification, "Message Protocol"): values are
 * aligned to their size relative to the message start, structs to 8, arrays
 * carry a byte length that excludes the padding before the first element.
 * We write in native byte order and read either.
 */
#include <string.h>

#include "dbus-wire.h"

/* The specification's nesting limit is 32 arrays plus 32 structs. */
#define MAX_DEPTH 64
#define MAX_ARRAY (64u << 20)

enum {
	FIELD_PATH = 1,
	FIELD_INTERFACE = 2,
	FIELD_MEMBER = 3,
	FIELD_ERROR_NAME = 4,
	FIELD_REPLY_SERIAL = 5,
	FIELD_DESTINATION = 6,
	FIELD_SIGNATURE = 8,
};

static size_t type_align(char c)
{
	switch (c) {
	case 'y':
	case 'g':
	case 'v':
		return 1;
	case 'n':
	case 'q':
		return 2;
	case 'x':
	case 't':
	case 'd':
	case '(':
	case '{':
		return 8;
	default:
		return 4;
	}
}

/* ---- writing ---- */

static void w_pad(GByteArray *b, size_t align)
{
	static const uint8_t zero[8];

	g_byte_array_append(b, zero, (guint)((align - b->len % align) % align));
}

static void w_raw(GByteArray *b, size_t align, const void *v, size_t n)
{
	w_pad(b, align);
	g_byte_array_append(b, v, (guint)n);
}

static void w_u32(GByteArray *b, uint32_t v)
{
	w_raw(b, 4, &v, 4);
}

static void w_set_u32(GByteArray *b, size_t at, uint32_t v)
{
	memcpy(b->data + at, &v, 4);
}

static void w_string(GByteArray *b, const char *s)
{
	w_u32(b, (uint32_t)strlen(s));
	g_byte_array_append(b, (const uint8_t *)s, (guint)strlen(s) + 1);
}

static void w_signature(GByteArray *b, const char *s)
{
	uint8_t n = (uint8_t)strlen(s);

	g_byte_array_append(b, &n, 1);
	g_byte_array_append(b, (const uint8_t *)s, n + 1u);
}

static bool w_value(GByteArray *b, GVariant *v)
{
	switch (g_variant_classify(v)) {
	case G_VARIANT_CLASS_BOOLEAN:
		w_u32(b, g_variant_get_boolean(v) ? 1 : 0);
		return true;
	case G_VARIANT_CLASS_BYTE:
	case G_VARIANT_CLASS_INT16:
	case G_VARIANT_CLASS_UINT16:
	case G_VARIANT_CLASS_INT32:
	case G_VARIANT_CLASS_UINT32:
	case G_VARIANT_CLASS_HANDLE:
	case G_VARIANT_CLASS_INT64:
	case G_VARIANT_CLASS_UINT64:
	case G_VARIANT_CLASS_DOUBLE:
		/* fixed-size numbers: GVariant keeps them in native order, as we write */
		w_raw(b, g_variant_get_size(v), g_variant_get_data(v), g_variant_get_size(v));
		return true;
	case G_VARIANT_CLASS_STRING:
	case G_VARIANT_CLASS_OBJECT_PATH:
		w_string(b, g_variant_get_string(v, NULL));
		return true;
	case G_VARIANT_CLASS_SIGNATURE:
		w_signature(b, g_variant_get_string(v, NULL));
		return true;
	case G_VARIANT_CLASS_VARIANT: {
		g_autoptr(GVariant) child = g_variant_get_variant(v);

		w_signature(b, g_variant_get_type_string(child));
		return w_value(b, child);
	}
	case G_VARIANT_CLASS_ARRAY: {
		size_t at, start;
		gsize n = g_variant_n_children(v);

		w_u32(b, 0);
		at = b->len - 4;
		w_pad(b, type_align(g_variant_get_type_string(v)[1]));
		start = b->len;
		for (gsize i = 0; i < n; i++) {
			g_autoptr(GVariant) child = g_variant_get_child_value(v, i);

			if (!w_value(b, child))
				return false;
		}
		w_set_u32(b, at, (uint32_t)(b->len - start));
		return true;
	}
	case G_VARIANT_CLASS_TUPLE:
	case G_VARIANT_CLASS_DICT_ENTRY: {
		gsize n = g_variant_n_children(v);

		w_pad(b, 8);
		for (gsize i = 0; i < n; i++) {
			g_autoptr(GVariant) child = g_variant_get_child_value(v, i);

			if (!w_value(b, child))
				return false;
		}
		return true;
	}
	case G_VARIANT_CLASS_MAYBE:
		return false;
	}
	return false;
}

/* One header field: struct (BYTE code, VARIANT value) with a string-like value. */
static void w_field(GByteArray *b, uint8_t code, char type, const char *value)
{
	const char sig[2] = {type, 0};

	w_pad(b, 8);
	g_byte_array_append(b, &code, 1);
	w_signature(b, sig);
	if (type == 'g')
		w_signature(b, value);
	else
		w_string(b, value);
}

GBytes *dbus_wire_method_call(uint32_t serial, const char *destination, const char *path,
			      const char *interface, const char *member, GVariant *args)
{
	const uint8_t fixed[4] = {G_BYTE_ORDER == G_LITTLE_ENDIAN ? 'l' : 'B', DBUS_MSG_METHOD_CALL,
				  0, 1};
	g_autoptr(GByteArray) b = g_byte_array_sized_new(256);
	g_autoptr(GVariant) body = args ? g_variant_ref_sink(args) : NULL;
	g_autofree char *sig = NULL;
	size_t body_start;
	bool ok = true;

	if (body) {
		const char *t = g_variant_get_type_string(body);

		if (!g_variant_is_of_type(body, G_VARIANT_TYPE_TUPLE))
			return NULL;
		sig = g_strndup(t + 1, strlen(t) - 2); /* "(ia(iay))" -> "ia(iay)" */
	}
	g_byte_array_append(b, fixed, sizeof(fixed));
	w_u32(b, 0); /* body length, below */
	w_u32(b, serial);
	w_u32(b, 0); /* header field array length, below */
	w_field(b, FIELD_PATH, 'o', path);
	if (interface)
		w_field(b, FIELD_INTERFACE, 's', interface);
	w_field(b, FIELD_MEMBER, 's', member);
	w_field(b, FIELD_DESTINATION, 's', destination);
	if (sig && *sig)
		w_field(b, FIELD_SIGNATURE, 'g', sig);
	w_set_u32(b, 12, (uint32_t)(b->len - DBUS_FIXED_HEADER));
	w_pad(b, 8);
	body_start = b->len;
	/* the body is the tuple's members in sequence, not a struct */
	for (gsize i = 0; ok && body && i < g_variant_n_children(body); i++) {
		g_autoptr(GVariant) child = g_variant_get_child_value(body, i);

		ok = w_value(b, child);
	}
	if (!ok)
		return NULL;
	w_set_u32(b, 4, (uint32_t)(b->len - body_start));
	return g_byte_array_free_to_bytes(g_steal_pointer(&b));
}

/* ---- reading ---- */

struct in {
	const uint8_t *p;
	size_t len, off;
	bool swap; /* the message is in the other byte order */
	unsigned depth;
};

static bool r_align(struct in *r, size_t a)
{
	size_t n = (a - r->off % a) % a;

	if (n > r->len - r->off)
		return false;
	r->off += n;
	return true;
}

static bool r_raw(struct in *r, size_t n, void *out)
{
	if (!r_align(r, n) || n > r->len - r->off)
		return false;
	memcpy(out, r->p + r->off, n);
	r->off += n;
	return true;
}

static bool r_u16(struct in *r, uint16_t *v)
{
	if (!r_raw(r, 2, v))
		return false;
	if (r->swap)
		*v = GUINT16_SWAP_LE_BE(*v);
	return true;
}

static bool r_u32(struct in *r, uint32_t *v)
{
	if (!r_raw(r, 4, v))
		return false;
	if (r->swap)
		*v = GUINT32_SWAP_LE_BE(*v);
	return true;
}

static bool r_u64(struct in *r, uint64_t *v)
{
	if (!r_raw(r, 8, v))
		return false;
	if (r->swap)
		*v = GUINT64_SWAP_LE_BE(*v);
	return true;
}

/* A string of n bytes plus its NUL, without NULs inside, valid UTF-8. */
static const char *r_text(struct in *r, size_t n)
{
	const char *s = (const char *)r->p + r->off;

	if (n >= r->len - r->off || s[n] || memchr(s, 0, n) || !g_utf8_validate(s, (gssize)n, NULL))
		return NULL;
	r->off += n + 1;
	return s;
}

static const char *r_string(struct in *r)
{
	uint32_t n;

	return r_u32(r, &n) ? r_text(r, n) : NULL;
}

static const char *r_signature(struct in *r)
{
	uint8_t n;

	if (!r_raw(r, 1, &n))
		return NULL;
	return r_text(r, n);
}

/* The next complete type of *sig, advancing *sig past it; NULL when there is none. */
static char *next_type(const char **sig)
{
	const char *end;

	if (!**sig || !g_variant_type_string_scan(*sig, NULL, &end))
		return NULL;
	{
		char *t = g_strndup(*sig, (gsize)(end - *sig));

		*sig = end;
		return t;
	}
}

static GVariant *r_value(struct in *r, const char *type);

static GVariant *r_container(struct in *r, const char *type)
{
	const char *sig = type + 1;
	g_autoptr(GPtrArray) kids = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);

	if (!r_align(r, 8))
		return NULL;
	while (*sig != ')' && *sig != '}') {
		g_autofree char *t = next_type(&sig);
		GVariant *v = t ? r_value(r, t) : NULL;

		if (!v)
			return NULL;
		g_ptr_array_add(kids, g_variant_ref_sink(v));
	}
	if (*type == '{')
		return kids->len == 2 ? g_variant_new_dict_entry(kids->pdata[0], kids->pdata[1])
				      : NULL;
	return g_variant_new_tuple((GVariant **)kids->pdata, kids->len);
}

static GVariant *r_array(struct in *r, const char *type)
{
	const char *elem = type + 1;
	g_autoptr(GPtrArray) kids = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);
	uint32_t n;
	size_t end;

	if (!r_u32(r, &n) || n > MAX_ARRAY || !r_align(r, type_align(*elem)) || n > r->len - r->off)
		return NULL;
	end = r->off + n;
	if (*elem == 'y') { /* resolved's addresses: one value, not one per byte */
		r->off = end;
		return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, r->p + end - n, n, 1);
	}
	while (r->off < end) {
		GVariant *v = r_value(r, elem);

		if (!v)
			return NULL;
		g_ptr_array_add(kids, g_variant_ref_sink(v));
	}
	if (r->off != end)
		return NULL;
	return g_variant_new_array(G_VARIANT_TYPE(elem), (GVariant **)kids->pdata, kids->len);
}

/* One value of the complete type `type'. */
static GVariant *r_value(struct in *r, const char *type)
{
	GVariant *v = NULL;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	const char *s;

	if (++r->depth > MAX_DEPTH)
		return NULL;
	switch (*type) {
	case 'y':
		v = r_raw(r, 1, &u8) ? g_variant_new_byte(u8) : NULL;
		break;
	case 'b':
		v = r_u32(r, &u32) && u32 <= 1 ? g_variant_new_boolean(u32) : NULL;
		break;
	case 'n':
		v = r_u16(r, &u16) ? g_variant_new_int16((int16_t)u16) : NULL;
		break;
	case 'q':
		v = r_u16(r, &u16) ? g_variant_new_uint16(u16) : NULL;
		break;
	case 'i':
		v = r_u32(r, &u32) ? g_variant_new_int32((int32_t)u32) : NULL;
		break;
	case 'u':
		v = r_u32(r, &u32) ? g_variant_new_uint32(u32) : NULL;
		break;
	case 'h':
		v = r_u32(r, &u32) ? g_variant_new_handle((int32_t)u32) : NULL;
		break;
	case 'x':
		v = r_u64(r, &u64) ? g_variant_new_int64((int64_t)u64) : NULL;
		break;
	case 't':
		v = r_u64(r, &u64) ? g_variant_new_uint64(u64) : NULL;
		break;
	case 'd':
		if (r_u64(r, &u64)) {
			double d;

			memcpy(&d, &u64, sizeof(d));
			v = g_variant_new_double(d);
		}
		break;
	case 's':
		v = (s = r_string(r)) ? g_variant_new_string(s) : NULL;
		break;
	case 'o':
		s = r_string(r);
		v = s && g_variant_is_object_path(s) ? g_variant_new_object_path(s) : NULL;
		break;
	case 'g':
		s = r_signature(r);
		v = s && g_variant_is_signature(s) ? g_variant_new_signature(s) : NULL;
		break;
	case 'v': {
		const char *inner = r_signature(r), *rest = inner;
		g_autofree char *t = inner ? next_type(&rest) : NULL;
		GVariant *child = t && !*rest && g_variant_is_signature(t) ? r_value(r, t) : NULL;

		v = child ? g_variant_new_variant(child) : NULL;
		break;
	}
	case 'a':
		v = r_array(r, type);
		break;
	case '(':
	case '{':
		v = r_container(r, type);
		break;
	default:
		break;
	}
	r->depth--;
	return v;
}

size_t dbus_wire_message_size(const uint8_t *fixed)
{
	uint32_t body, fields;
	uint64_t size;

	if ((fixed[0] != 'l' && fixed[0] != 'B') || fixed[3] != 1)
		return 0;
	memcpy(&body, fixed + 4, 4);
	memcpy(&fields, fixed + 12, 4);
	if ((fixed[0] == 'l') != (G_BYTE_ORDER == G_LITTLE_ENDIAN)) {
		body = GUINT32_SWAP_LE_BE(body);
		fields = GUINT32_SWAP_LE_BE(fields);
	}
	size = ((DBUS_FIXED_HEADER + (uint64_t)fields + 7) & ~(uint64_t)7) + body;
	return size <= DBUS_MAX_MESSAGE ? (size_t)size : 0;
}

void dbus_msg_clear(struct dbus_msg *m)
{
	g_clear_pointer(&m->error_name, g_free);
	g_clear_pointer(&m->body, g_variant_unref);
	memset(m, 0, sizeof(*m));
}

/* The header field array: keep what a reply needs, skip (but still check) the rest. */
static bool parse_fields(struct in *r, size_t end, struct dbus_msg *m, char **sig)
{
	while (r->off < end) {
		g_autoptr(GVariant) v = NULL;
		g_autoptr(GVariant) inner = NULL;
		uint8_t code;

		if (!r_align(r, 8) || !r_raw(r, 1, &code))
			return false;
		v = r_value(r, "v");
		if (!v || r->off > end)
			return false;
		g_variant_ref_sink(v);
		inner = g_variant_get_variant(v);
		switch (code) {
		case FIELD_ERROR_NAME:
			if (!g_variant_is_of_type(inner, G_VARIANT_TYPE_STRING))
				return false;
			g_free(m->error_name);
			m->error_name = g_variant_dup_string(inner, NULL);
			break;
		case FIELD_REPLY_SERIAL:
			if (!g_variant_is_of_type(inner, G_VARIANT_TYPE_UINT32))
				return false;
			m->reply_serial = g_variant_get_uint32(inner);
			break;
		case FIELD_SIGNATURE:
			if (!g_variant_is_of_type(inner, G_VARIANT_TYPE_SIGNATURE))
				return false;
			g_free(*sig);
			*sig = g_variant_dup_string(inner, NULL);
			break;
		default:
			break;
		}
	}
	return r->off == end;
}

static bool parse(struct in *r, struct dbus_msg *m)
{
	g_autoptr(GPtrArray) kids = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);
	g_autofree char *sig = NULL;
	uint32_t body_len, fields_len;
	const char *s;
	size_t body_end;

	m->type = r->p[1];
	r->off = 4;
	if (!r_u32(r, &body_len) || !r_u32(r, &m->serial) || !r_u32(r, &fields_len) || !m->serial ||
	    fields_len > r->len - r->off || !parse_fields(r, r->off + fields_len, m, &sig) ||
	    !r_align(r, 8) || body_len != r->len - r->off)
		return false;
	if (m->type == DBUS_MSG_ERROR && !m->error_name)
		return false;
	body_end = r->len;
	s = sig ? sig : "";
	while (*s) {
		g_autofree char *t = next_type(&s);
		GVariant *v = t ? r_value(r, t) : NULL;

		if (!v)
			return false;
		g_ptr_array_add(kids, g_variant_ref_sink(v));
	}
	if (r->off != body_end)
		return false;
	m->body = g_variant_ref_sink(g_variant_new_tuple((GVariant **)kids->pdata, kids->len));
	return true;
}

bool dbus_wire_parse(const uint8_t *msg, size_t len, struct dbus_msg *m)
{
	struct in r = {.p = msg, .len = len};

	memset(m, 0, sizeof(*m));
	if (len < DBUS_FIXED_HEADER || dbus_wire_message_size(msg) != len)
		return false;
	r.swap = (msg[0] == 'l') != (G_BYTE_ORDER == G_LITTLE_ENDIAN);
	if (!parse(&r, m)) {
		dbus_msg_clear(m);
		return false;
	}
	return true;
}
