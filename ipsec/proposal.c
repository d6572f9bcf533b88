/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Proposal strings, strongSwan's syntax: "aes256-sha2_256-modp2048" for
 * phase 1, "aes256-sha1" / "aes128gcm16" for ESP, comma-separated.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipsec.h"

struct name_val {
	const char *name;
	uint16_t v;
	uint16_t bits;
	bool legacy;
};

/* Phase 1 ciphers (RFC 2409 appendix A). */
static const struct name_val p1_encr[] = {
	{"aes128", 7, 128, false}, {"aes192", 7, 192, false}, {"aes256", 7, 256, false},
	{"3des", 5, 0, false},	   {"des", 1, 0, true},
};

static const struct name_val p1_hash[] = {
	{"md5", 1, 0, false},	   {"sha1", 2, 0, false},     {"sha2_256", 4, 0, false},
	{"sha256", 4, 0, false},   {"sha2_384", 5, 0, false}, {"sha384", 5, 0, false},
	{"sha2_512", 6, 0, false}, {"sha512", 6, 0, false},
};

static const struct name_val groups[] = {
	{"modp1024", 2, 0, false},  {"modp1536", 5, 0, false},	{"modp2048", 14, 0, false},
	{"modp3072", 15, 0, false}, {"modp4096", 16, 0, false}, {"ecp256", 19, 0, false},
	{"ecp384", 20, 0, false},
};

/* ESP ciphers (RFC 2407 4.4.4); GCM carries its own integrity. */
static const struct name_val esp_encr[] = {
	{"aes128", 12, 128, false},
	{"aes192", 12, 192, false},
	{"aes256", 12, 256, false},
	{"3des", 3, 0, false},
	{"aes128gcm16", 20, 128, false},
	{"aes256gcm16", 20, 256, false},
	{"des", 2, 0, true},
};

/* ESP authentication algorithm attribute (RFC 2407 4.5). */
static const struct name_val esp_auth[] = {
	{"md5", 1, 0, false},
	{"sha1", 2, 0, false},
	{"sha2_256", 5, 0, false},
	{"sha256", 5, 0, false},
};

static const struct name_val *lookup(const struct name_val *t, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(t[i].name) == len && memcmp(t[i].name, s, len) == 0)
			return &t[i];
	return NULL;
}

static const char *name_of(const struct name_val *t, size_t n, uint16_t v, uint16_t bits)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].v == v && t[i].bits == bits)
			return t[i].name;
	return "?";
}

uint16_t ike_group_by_name(const char *name)
{
	const struct name_val *g = lookup(groups, ARRAY_SIZE(groups), name, strlen(name));

	return g ? g->v : 0;
}

static void set_err(char *err, size_t err_len, const char *what, const char *tok, size_t len,
		    const char *hint)
{
	if (err && err_len)
		snprintf(err, err_len, "Unable to parse %s `%.*s'%s", what, (int)len, tok, hint);
}

/*
 * Splits s at commas; each token at '-' into at most 3 parts; calls fn per
 * token. Whitespace around tokens is allowed.
 */
typedef int (*tok_fn)(const char *tok, size_t len, const char *parts[3], size_t plen[3],
		      size_t nparts, void *ctx, bool legacy, char *err, size_t err_len);

static int split(const char *s, tok_fn fn, void *ctx, bool legacy, char *err, size_t err_len)
{
	const char *p = s;

	if (!s || !*s) {
		set_err(err, err_len, "proposal list", "", 0, ": it is empty");
		return -EINVAL;
	}
	for (;;) {
		const char *end = strchr(p, ',');
		const char *parts[3] = {0}; /* zeroed: gcc -O3 cannot see nparts guard them */
		size_t plen[3] = {0}, nparts = 0, len;
		const char *q, *tok;
		int r;

		if (!end)
			end = p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		len = (size_t)(end - p);
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		tok = p;
		if (len && tok[len - 1] == '!')
			len--;
		q = tok;
		while (q <= tok + len) {
			const char *dash = memchr(q, '-', (size_t)(tok + len - q));

			if (!dash)
				dash = tok + len;
			if (nparts == 3) {
				set_err(err, err_len, "proposal", tok, len,
					": too many parts (expected cipher-integrity[-group])");
				return -EINVAL;
			}
			parts[nparts] = q;
			plen[nparts++] = (size_t)(dash - q);
			q = dash + 1;
		}
		r = fn(tok, len, parts, plen, nparts, ctx, legacy, err, err_len);
		if (r)
			return r;
		if (!*end)
			return 0;
		p = end + 1;
	}
}

static int p1_tok(const char *tok, size_t len, const char *parts[3], size_t plen[3], size_t nparts,
		  void *ctx, bool legacy, char *err, size_t err_len)
{
	struct ike_p1_list *l = ctx;
	const struct name_val *e, *h, *g;

	if (nparts != 3) {
		set_err(err, err_len, "IKE proposal", tok, len,
			": expected cipher-hash-group, e.g. aes256-sha1-modp2048");
		return -EINVAL;
	}
	e = lookup(p1_encr, ARRAY_SIZE(p1_encr), parts[0], plen[0]);
	h = lookup(p1_hash, ARRAY_SIZE(p1_hash), parts[1], plen[1]);
	g = lookup(groups, ARRAY_SIZE(groups), parts[2], plen[2]);
	if (!e || (e->legacy && !legacy)) {
		set_err(err, err_len, "IKE cipher", parts[0], plen[0],
			e ? ": DES is broken; enable legacy algorithms to use it"
			  : " (aes128, aes192, aes256, 3des)");
		return -EINVAL;
	}
	if (!h) {
		set_err(err, err_len, "IKE hash", parts[1], plen[1],
			" (md5, sha1, sha2_256, sha2_384, sha2_512)");
		return -EINVAL;
	}
	if (!g) {
		set_err(err, err_len, "DH group", parts[2], plen[2],
			" (modp1024, modp1536, modp2048, modp3072, modp4096, ecp256, ecp384)");
		return -EINVAL;
	}
	if (l->n == IKE_MAX_PROPOSALS) {
		set_err(err, err_len, "IKE proposal", tok, len, ": too many proposals");
		return -EINVAL;
	}
	l->p[l->n++] = (struct ike_p1_proposal){
		.encr = (uint8_t)e->v, .key_bits = e->bits, .hash = (uint8_t)h->v, .group = g->v};
	return 0;
}

static int p2_tok(const char *tok, size_t len, const char *parts[3], size_t plen[3], size_t nparts,
		  void *ctx, bool legacy, char *err, size_t err_len)
{
	struct ike_p2_list *l = ctx;
	const struct name_val *e, *a = NULL;

	e = lookup(esp_encr, ARRAY_SIZE(esp_encr), parts[0], plen[0]);
	if (!e || (e->legacy && !legacy)) {
		set_err(err, err_len, "ESP cipher", parts[0], plen[0],
			e ? ": DES is broken; enable legacy algorithms to use it"
			  : " (aes128, aes192, aes256, 3des, aes128gcm16, aes256gcm16)");
		return -EINVAL;
	}
	if (e->v == 20) {
		if (nparts != 1) {
			set_err(err, err_len, "ESP proposal", tok, len,
				": GCM has no separate integrity algorithm");
			return -EINVAL;
		}
	} else {
		if (nparts != 2) {
			set_err(err, err_len, "ESP proposal", tok, len,
				": expected cipher-integrity, e.g. aes256-sha1 (PFS is a separate "
				"setting)");
			return -EINVAL;
		}
		a = lookup(esp_auth, ARRAY_SIZE(esp_auth), parts[1], plen[1]);
		if (!a) {
			set_err(err, err_len, "ESP integrity", parts[1], plen[1],
				" (md5, sha1, sha2_256)");
			return -EINVAL;
		}
	}
	if (l->n == IKE_MAX_PROPOSALS) {
		set_err(err, err_len, "ESP proposal", tok, len, ": too many proposals");
		return -EINVAL;
	}
	l->p[l->n++] = (struct ike_p2_proposal){
		.esp_transform = (uint8_t)e->v, .key_bits = e->bits, .auth_alg = a ? a->v : 0};
	return 0;
}

int ike_p1_parse(const char *s, bool allow_legacy, struct ike_p1_list *l, char *err, size_t err_len)
{
	struct ike_p1_list tmp = {0};
	int r = split(s, p1_tok, &tmp, allow_legacy, err, err_len);

	if (r == 0)
		*l = tmp;
	return r;
}

int ike_p2_parse(const char *s, bool allow_legacy, struct ike_p2_list *l, char *err, size_t err_len)
{
	struct ike_p2_list tmp = {0};
	int r = split(s, p2_tok, &tmp, allow_legacy, err, err_len);

	if (r == 0)
		*l = tmp;
	return r;
}

static int fmt_result(int n, size_t out_len)
{
	if (n < 0)
		return -EINVAL;
	return (size_t)n >= out_len ? -ENOSPC : n;
}

int ike_p1_proposal_name(const struct ike_p1_proposal *p, char *out, size_t out_len)
{
	/* the canonical hash names come first in the table */
	return fmt_result(snprintf(out, out_len, "%s-%s-%s",
				   name_of(p1_encr, ARRAY_SIZE(p1_encr), p->encr, p->key_bits),
				   name_of(p1_hash, ARRAY_SIZE(p1_hash), p->hash, 0),
				   name_of(groups, ARRAY_SIZE(groups), p->group, 0)),
			  out_len);
}

int ike_p2_proposal_name(const struct ike_p2_proposal *p, char *out, size_t out_len)
{
	const char *e = name_of(esp_encr, ARRAY_SIZE(esp_encr), p->esp_transform, p->key_bits);

	if (p->esp_transform == 20)
		return fmt_result(snprintf(out, out_len, "%s", e), out_len);
	return fmt_result(snprintf(out, out_len, "%s-%s", e,
				   name_of(esp_auth, ARRAY_SIZE(esp_auth), p->auth_alg, 0)),
			  out_len);
}

typedef int (*name_fn)(const void *p, char *out, size_t out_len);

static int format_list(const void *items, size_t item_size, size_t n, name_fn fn, char *out,
		       size_t out_len)
{
	size_t used = 0, i;

	if (!out_len)
		return -ENOSPC;
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		char name[64];
		int r = fn((const uint8_t *)items + i * item_size, name, sizeof(name));
		int w;

		if (r < 0)
			return r;
		w = snprintf(out + used, out_len - used, "%s%s", i ? ", " : "", name);
		if (w < 0 || (size_t)w >= out_len - used)
			return -ENOSPC;
		used += (size_t)w;
	}
	return (int)used;
}

static int p1_name_cb(const void *p, char *out, size_t out_len)
{
	return ike_p1_proposal_name(p, out, out_len);
}

static int p2_name_cb(const void *p, char *out, size_t out_len)
{
	return ike_p2_proposal_name(p, out, out_len);
}

int ike_p1_format(const struct ike_p1_list *l, char *out, size_t out_len)
{
	return format_list(l->p, sizeof(l->p[0]), l->n, p1_name_cb, out, out_len);
}

int ike_p2_format(const struct ike_p2_list *l, char *out, size_t out_len)
{
	return format_list(l->p, sizeof(l->p[0]), l->n, p2_name_cb, out, out_len);
}

/*
 * Strong suites first; the older ones stay because many deployed L2TP/IPsec
 * servers (and Windows' defaults) still only speak them.
 */
void ike_p1_default(struct ike_p1_list *l)
{
	static const char def[] =
		"aes256-sha2_256-modp2048, aes128-sha2_256-modp2048, aes256-sha1-ecp384, "
		"aes128-sha1-ecp256, aes256-sha1-modp2048, aes128-sha1-modp2048, "
		"3des-sha1-modp2048, aes256-sha1-modp1536, aes256-sha1-modp1024, "
		"aes128-sha1-modp1024, 3des-sha1-modp1024";

	ike_p1_parse(def, false, l, NULL, 0);
}

void ike_p2_default(struct ike_p2_list *l)
{
	static const char def[] = "aes256-sha1, aes128-sha1, aes128-sha2_256, aes256-sha2_256, "
				  "3des-sha1";

	ike_p2_parse(def, false, l, NULL, 0);
}
