/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The L2TP header and AVP codec: parse a control message into struct
 * l2tp_msg (validate only, no state), build messages, hide/unhide AVP values
 * (RFC 2661 4.3) and compute Challenge Responses (5.1.1).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <openssl/evp.h>

#include "l2tp-int.h"

int l2tp_hdr_parse(const uint8_t *pkt, size_t len, struct l2tp_hdr *h)
{
	uint16_t length = 0, offset = 0;
	struct rd r;
	size_t end;

	memset(h, 0, sizeof(*h));
	rd_init(&r, pkt, len);
	rd_u16(&r, &h->flags);
	if (r.err || (h->flags & L2TP_HDR_VER) != L2TP_VERSION)
		return -EBADMSG;
	if (h->flags & L2TP_HDR_L)
		rd_u16(&r, &length);
	rd_u16(&r, &h->tunnel_id);
	rd_u16(&r, &h->session_id);
	if (h->flags & L2TP_HDR_S) {
		rd_u16(&r, &h->ns);
		rd_u16(&r, &h->nr);
	}
	if (h->flags & L2TP_HDR_O) {
		rd_u16(&r, &offset);
		rd_skip(&r, offset);
	}
	if (r.err)
		return -EBADMSG;
	/* RFC 2661 3.1: control messages have L and S set and O clear. */
	if ((h->flags & L2TP_HDR_T) &&
	    (h->flags & (L2TP_HDR_L | L2TP_HDR_S | L2TP_HDR_O)) != (L2TP_HDR_L | L2TP_HDR_S))
		return -EBADMSG;
	end = len;
	if (h->flags & L2TP_HDR_L) {
		/* Length covers the whole message; bytes after it are padding. */
		if (length < r.off || length > len)
			return -EBADMSG;
		end = length;
	}
	h->payload = pkt + r.off;
	h->payload_len = end - r.off;
	return 0;
}

/* ---- MD5, the only hash RFC 2661 knows ---- */

static int md5_parts(const struct l2tp_bytes *parts, size_t n, uint8_t out[16])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int olen = 0;
	int ok;

	if (!ctx)
		return -EIO;
	ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL);
	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, parts[i].p, parts[i].len);
	ok = ok && EVP_DigestFinal_ex(ctx, out, &olen) && olen == 16;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

int l2tp_chal_response(uint8_t msg_type, const struct secbuf *secret, const uint8_t *chal,
		       size_t chal_len, uint8_t out[L2TP_CHAL_RESP_LEN])
{
	/* CHAP (RFC 1994) with the Message Type of the carrying message as ID */
	const struct l2tp_bytes parts[] = {
		{&msg_type, 1},
		{secret->data, secret->len},
		{chal, chal_len},
	};

	return md5_parts(parts, ARRAY_SIZE(parts), out);
}

/*
 * RFC 2661 4.3, in place over buf:
 *   b(1) = MD5(Attribute Type | secret | RV),  c(1) = p(1) xor b(1)
 *   b(i) = MD5(secret | c(i-1)),                c(i) = p(i) xor b(i)
 * decrypt says whether buf holds c (true) or p (false) on entry.
 */
static int hide_xor(uint8_t *buf, size_t len, uint16_t type, const struct secbuf *secret,
		    const uint8_t *rv, size_t rv_len, bool decrypt)
{
	uint8_t tbuf[2], b[16], prev[16];
	size_t off = 0;

	put_u16(tbuf, type);
	while (off < len) {
		size_t n = len - off < 16 ? len - off : 16;
		int err;

		if (off == 0) {
			const struct l2tp_bytes p[] = {
				{tbuf, 2}, {secret->data, secret->len}, {rv, rv_len}};
			err = md5_parts(p, ARRAY_SIZE(p), b);
		} else {
			const struct l2tp_bytes p[] = {{secret->data, secret->len}, {prev, 16}};
			err = md5_parts(p, ARRAY_SIZE(p), b);
		}
		if (err)
			return err;
		if (decrypt)
			memcpy(prev, buf + off, n);
		for (size_t i = 0; i < n; i++)
			buf[off + i] ^= b[i];
		if (!decrypt)
			memcpy(prev, buf + off, n);
		off += n;
	}
	secure_wipe(b, sizeof(b));
	return 0;
}

/* Unhides one value into m->hidden and points *val at the original value. */
static int unhide(struct l2tp_msg *m, uint16_t type, struct rd *v, const struct secbuf *secret,
		  const struct l2tp_bytes *rv)
{
	size_t n = rd_left(v);
	uint8_t *buf = m->hidden + m->hidden_used;
	uint16_t orig;
	int err;

	if (!secret || !rv->p)
		return -ENOKEY;
	if (n < 2 || n > sizeof(m->hidden) - m->hidden_used)
		return -EBADMSG;
	rd_bytes(v, buf, n);
	err = hide_xor(buf, n, type, secret, rv->p, rv->len, true);
	if (err)
		return err;
	/* Original Length (2) | Original Attribute Value | Padding */
	orig = get_u16(buf);
	if (orig > n - 2)
		return -EBADMSG;
	m->hidden_used += n;
	rd_init(v, buf + 2, orig);
	return 0;
}

static void copy_bytes(struct rd *v, struct l2tp_bytes *out)
{
	out->len = rd_left(v);
	rd_ptr(v, out->len, &out->p);
}

/* Decodes one known AVP whose length the table already checked. */
static int decode_avp(struct l2tp_msg *m, uint16_t type, struct rd *v)
{
	uint8_t ver = 0, rev = 0;

	switch (type) {
	case L2TP_AVP_RESULT_CODE:
		/* Result Code (2) [Error Code (2) [Error Message]] */
		rd_u16(v, &m->result_code);
		if (rd_left(v) == 1)
			return -EBADMSG;
		if (rd_left(v) >= 2)
			rd_u16(v, &m->error_code);
		copy_bytes(v, &m->error_message);
		break;
	case L2TP_AVP_PROTOCOL_VERSION:
		rd_u8(v, &ver);
		rd_u8(v, &rev);
		m->protocol_version = (uint16_t)(ver << 8 | rev);
		break;
	case L2TP_AVP_FRAMING_CAP:
		rd_u32(v, &m->framing_cap);
		break;
	case L2TP_AVP_BEARER_CAP:
		rd_u32(v, &m->bearer_cap);
		break;
	case L2TP_AVP_HOST_NAME:
		copy_bytes(v, &m->host_name);
		break;
	case L2TP_AVP_VENDOR_NAME:
		copy_bytes(v, &m->vendor_name);
		break;
	case L2TP_AVP_ASSIGNED_TUNNEL_ID:
		rd_u16(v, &m->assigned_tunnel_id);
		break;
	case L2TP_AVP_RECEIVE_WINDOW_SIZE:
		rd_u16(v, &m->rws);
		break;
	case L2TP_AVP_CHALLENGE:
		copy_bytes(v, &m->challenge);
		break;
	case L2TP_AVP_CHALLENGE_RESPONSE:
		rd_bytes(v, m->challenge_response, L2TP_CHAL_RESP_LEN);
		break;
	case L2TP_AVP_ASSIGNED_SESSION_ID:
		rd_u16(v, &m->assigned_session_id);
		break;
	case L2TP_AVP_CALL_SERIAL_NUMBER:
		rd_u32(v, &m->call_serial_number);
		break;
	case L2TP_AVP_TX_CONNECT_SPEED:
		rd_u32(v, &m->tx_connect_speed);
		break;
	case L2TP_AVP_FRAMING_TYPE:
		rd_u32(v, &m->framing_type);
		break;
	default:
		/* known, length-checked, and of no use to a LAC */
		break;
	}
	return v->err ? -EBADMSG : 0;
}

int l2tp_msg_parse(const uint8_t *avps, size_t len, const struct secbuf *secret, struct l2tp_msg *m)
{
	struct l2tp_bytes rv = {NULL, 0};
	bool type_mandatory = false;
	struct rd r;
	int err;

	memset(m, 0, offsetof(struct l2tp_msg, hidden));
	rd_init(&r, avps, len);
	while (rd_left(&r)) {
		uint16_t flags = 0, vendor = 0, type = 0, alen;
		const struct l2tp_avp_info *info;
		bool first = r.off == 0;
		struct rd v;

		rd_u16(&r, &flags);
		rd_u16(&r, &vendor);
		rd_u16(&r, &type);
		alen = flags & L2TP_AVP_LEN;
		if (r.err || alen < L2TP_AVP_HDR_LEN || (flags & L2TP_AVP_RSVD))
			return -EBADMSG;
		if (!rd_sub(&r, alen - L2TP_AVP_HDR_LEN, &v))
			return -EBADMSG;
		/* 4.4.1: Message Type comes first, in the clear. */
		if (first != (vendor == 0 && type == L2TP_AVP_MESSAGE_TYPE))
			return -EBADMSG;
		info = l2tp_avp_lookup(vendor, type);
		if (!info) {
			if ((flags & L2TP_AVP_M) && !m->unknown_mandatory) {
				m->unknown_mandatory = true;
				m->unknown_vendor = vendor;
				m->unknown_type = type;
			}
			continue;
		}
		if (flags & L2TP_AVP_H) {
			if (type == L2TP_AVP_MESSAGE_TYPE || type == L2TP_AVP_RANDOM_VECTOR)
				return -EBADMSG;
			err = unhide(m, type, &v, secret, &rv);
			if (err)
				return err;
		}
		if (rd_left(&v) < info->min_len || rd_left(&v) > info->max_len)
			return -EBADMSG;
		m->present |= UINT64_C(1) << type;
		if (type == L2TP_AVP_MESSAGE_TYPE) {
			rd_u16(&v, &m->type);
			type_mandatory = flags & L2TP_AVP_M;
		} else if (type == L2TP_AVP_RANDOM_VECTOR) {
			/* applies to the hidden AVPs that follow it */
			copy_bytes(&v, &rv);
		} else {
			err = decode_avp(m, type, &v);
			if (err)
				return err;
		}
	}
	if (!m->present) {
		m->type = L2TP_MSG_ZLB;
		return 0;
	}
	if (m->type == L2TP_MSG_ZLB)
		return -EBADMSG;
	if (!l2tp_msg_required(m->type)) {
		/* 4.4.1: an unknown message type with M set clears the tunnel */
		if (type_mandatory && !m->unknown_mandatory) {
			m->unknown_mandatory = true;
			m->unknown_type = L2TP_AVP_MESSAGE_TYPE;
		}
		return 0;
	}
	if (m->unknown_mandatory)
		return 0;
	if ((l2tp_msg_required(m->type) & m->present) != l2tp_msg_required(m->type))
		return -EBADMSG;
	return 0;
}

/* ---- building ---- */

void l2tp_build_begin(struct wr *w, uint16_t tunnel_id, uint16_t session_id, uint16_t msg_type)
{
	wr_u16(w, L2TP_HDR_T | L2TP_HDR_L | L2TP_HDR_S | L2TP_VERSION);
	wr_u16(w, 0); /* Length, set by l2tp_build_end() */
	wr_u16(w, tunnel_id);
	wr_u16(w, session_id);
	wr_u16(w, 0); /* Ns, Nr: set at transmission */
	wr_u16(w, 0);
	if (msg_type != L2TP_MSG_ZLB)
		l2tp_put_u16(w, L2TP_AVP_MESSAGE_TYPE, msg_type);
}

void l2tp_put_avp(struct wr *w, uint16_t flags, uint16_t vendor, uint16_t type, const void *v,
		  size_t len)
{
	if (len > L2TP_AVP_MAX_VALUE) {
		w->err = true;
		return;
	}
	wr_u16(w, (uint16_t)((flags & (L2TP_AVP_M | L2TP_AVP_H)) | (L2TP_AVP_HDR_LEN + len)));
	wr_u16(w, vendor);
	wr_u16(w, type);
	wr_bytes(w, v, len);
}

static uint16_t send_flags(uint16_t type)
{
	const struct l2tp_avp_info *info = l2tp_avp_lookup(0, type);

	return info && info->send_mandatory ? L2TP_AVP_M : 0;
}

void l2tp_put_bytes(struct wr *w, uint16_t type, const void *v, size_t len)
{
	l2tp_put_avp(w, send_flags(type), 0, type, v, len);
}

void l2tp_put_u16(struct wr *w, uint16_t type, uint16_t v)
{
	uint8_t b[2];

	put_u16(b, v);
	l2tp_put_bytes(w, type, b, sizeof(b));
}

void l2tp_put_u32(struct wr *w, uint16_t type, uint32_t v)
{
	uint8_t b[4];

	put_u32(b, v);
	l2tp_put_bytes(w, type, b, sizeof(b));
}

void l2tp_put_result(struct wr *w, uint16_t result, uint16_t error, const char *msg)
{
	uint8_t b[L2TP_AVP_MAX_VALUE];
	size_t n = msg ? strlen(msg) : 0;

	if (n > sizeof(b) - 4)
		n = sizeof(b) - 4;
	put_u16(b, result);
	put_u16(b + 2, error);
	if (n)
		memcpy(b + 4, msg, n);
	l2tp_put_bytes(w, L2TP_AVP_RESULT_CODE, b, 4 + n);
}

void l2tp_put_hidden(struct wr *w, uint16_t type, const void *v, size_t len,
		     const struct secbuf *secret, const uint8_t *rv, size_t rv_len)
{
	uint8_t b[L2TP_AVP_MAX_VALUE];

	if (len > sizeof(b) - 2) {
		w->err = true;
		return;
	}
	/* Original Length (2) | Original Attribute Value, no padding */
	put_u16(b, (uint16_t)len);
	if (len)
		memcpy(b + 2, v, len);
	if (hide_xor(b, len + 2, type, secret, rv, rv_len, false) != 0) {
		w->err = true;
		return;
	}
	l2tp_put_avp(w, send_flags(type) | L2TP_AVP_H, 0, type, b, len + 2);
	secure_wipe(b, len + 2);
}

int l2tp_build_end(struct wr *w)
{
	if (w->err || w->len > UINT16_MAX || w->len < L2TP_CTL_HDR_LEN)
		return -EMSGSIZE;
	put_u16(w->p + 2, (uint16_t)w->len);
	return (int)w->len;
}

void l2tp_set_ns_nr(uint8_t *pkt, uint16_t ns, uint16_t nr)
{
	put_u16(pkt + L2TP_CTL_NS_OFF, ns);
	put_u16(pkt + L2TP_CTL_NR_OFF, nr);
}
