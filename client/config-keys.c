/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one table of profile keys: name, kind, where it goes, and its check.
 * NetworkManager-l2tp's names first (shared/nm-service-defines.h), then our
 * own (hostname, tunnel-secret, dpd-interval, never-default, routes, ipv6,
 * ifname, data-path). A key NM-l2tp knows but we cannot honour is an error that says
 * so rather than being silently ignored.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "config.h"

G_DEFINE_QUARK(vpn - config - error - quark, vpn_config_error)

enum key_kind {
	K_STRING,
	K_SECRET,
	K_BOOL,
	K_UINT,
	K_LIFETIME,
	K_IKE,
	K_ESP,
	K_PFS,
	K_ROUTES,
	K_DATA_PATH,
	K_FLAGS,	 /* NM "<secret>-flags": accepted, meaningless here */
	K_IGNORED,	 /* NM keyfile bookkeeping */
	K_MUST_BE,	 /* accepted only with the value in .arg */
	K_MUST_BE_FALSE, /* boolean NM-l2tp option we do not implement */
	K_UNSUPPORTED,	 /* any value is an error */
};

struct key_def {
	const char *name;
	enum key_kind kind;
	size_t off;
	uint32_t min, max; /* K_UINT */
	const char *arg;   /* K_MUST_BE: the value; else the reason text */
	const char *why;   /* K_MUST_BE: why nothing else works */
};

#define F(m) offsetof(struct vpn_profile, m)

static const struct key_def keys[] = {
	{"gateway", K_STRING, F(gateway)},
	{"user", K_STRING, F(user)},
	{"domain", K_STRING, F(domain)},
	{"hostname", K_STRING, F(hostname)},
	{"password", K_SECRET, F(password)},
	{"password-flags", K_FLAGS},
	{"user-auth-type", K_MUST_BE, 0, 0, 0, "password",
	 "only password authentication is supported in PPP"},
	{"machine-auth-type", K_MUST_BE, 0, 0, 0, "psk",
	 "only pre-shared key authentication is supported in IKE"},
	{"ipsec-enabled", K_MUST_BE, 0, 0, 0, "yes",
	 "L2TP without IPsec is not supported: it would send PPP and the password unprotected"},
	{"ipsec-psk", K_SECRET, F(ipsec_psk)},
	{"ipsec-psk-flags", K_FLAGS},
	{"tunnel-secret", K_SECRET, F(tunnel_secret)},
	{"tunnel-secret-flags", K_FLAGS},
	{"ipsec-remote-id", K_STRING, F(ipsec_remote_id)},
	{"ipsec-gateway-id", K_STRING, F(ipsec_remote_id)},
	{"ipsec-group-name", K_STRING, F(ipsec_group_name)},
	{"ipsec-ike", K_IKE},
	{"ipsec-esp", K_ESP},
	{"ipsec-ikelifetime", K_LIFETIME, F(ike_lifetime_s), 60, 86400 * 7},
	{"ipsec-salifetime", K_LIFETIME, F(sa_lifetime_s), 60, 86400},
	{"ipsec-pfs", K_PFS},
	{"ipsec-forceencaps", K_BOOL, F(force_encaps)},
	{"ipsec-ipcomp", K_MUST_BE_FALSE, 0, 0, 0, "IPComp is not supported"},
	{"ipsec-ikev2", K_MUST_BE_FALSE, 0, 0, 0, "only IKEv1 is supported for L2TP/IPsec"},
	{"dpd-interval", K_UINT, F(dpd_interval_s), 0, 3600},
	{"mtu", K_UINT, F(mtu), 576, 1500},
	{"mru", K_UINT, F(mru), 576, 1500},
	{"lcp-echo-interval", K_UINT, F(lcp_echo_interval_s), 0, 3600},
	{"lcp-echo-failure", K_UINT, F(lcp_echo_failure), 0, 100},
	{"refuse-pap", K_BOOL, F(refuse_pap)},
	{"refuse-chap", K_BOOL, F(refuse_chap)},
	{"refuse-mschap", K_BOOL, F(refuse_mschap)},
	{"refuse-mschapv2", K_BOOL, F(refuse_mschapv2)},
	{"refuse-eap", K_BOOL, F(refuse_eap)},
	{"require-mppe", K_MUST_BE_FALSE, 0, 0, 0,
	 "MPPE is not supported by the built-in PPP (ESP already encrypts the link)"},
	{"require-mppe-40", K_MUST_BE_FALSE, 0, 0, 0, "MPPE is not supported by the built-in PPP"},
	{"require-mppe-128", K_MUST_BE_FALSE, 0, 0, 0, "MPPE is not supported by the built-in PPP"},
	{"mppe-stateful", K_MUST_BE_FALSE, 0, 0, 0, "MPPE is not supported by the built-in PPP"},
	/* compression is never negotiated, so "no compression" options are already true */
	{"nobsdcomp", K_BOOL},
	{"nodeflate", K_BOOL},
	{"no-vj-comp", K_BOOL},
	{"nopcomp", K_BOOL},
	{"noaccomp", K_BOOL},
	{"unit", K_UINT, 0, 0, 65535},
	{"user-ca", K_UNSUPPORTED, 0, 0, 0, "certificate authentication is not supported"},
	{"user-cert", K_UNSUPPORTED, 0, 0, 0, "certificate authentication is not supported"},
	{"user-key", K_UNSUPPORTED, 0, 0, 0, "certificate authentication is not supported"},
	{"user-certpass", K_UNSUPPORTED, 0, 0, 0, "certificate authentication is not supported"},
	{"machine-ca", K_UNSUPPORTED, 0, 0, 0, "certificate authentication is not supported"},
	{"machine-cert", K_UNSUPPORTED, 0, 0, 0, "certificate authentication is not supported"},
	{"machine-key", K_UNSUPPORTED, 0, 0, 0, "certificate authentication is not supported"},
	{"machine-certpass", K_UNSUPPORTED, 0, 0, 0, "certificate authentication is not supported"},
	{"never-default", K_BOOL, F(never_default)},
	{"routes", K_ROUTES},
	/* NM keeps this as the connection's ipv6.method (ignore/disabled = no); here a key */
	{"ipv6", K_BOOL, F(ipv6)},
	{"ifname", K_STRING, F(ifname)},
	{"data-path", K_DATA_PATH},
	{"service-type", K_IGNORED},
};

static const struct key_def *find_key(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

bool vpn_key_is_secret(const char *key)
{
	const struct key_def *k = find_key(key);

	return k && k->kind == K_SECRET;
}

static bool parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"yes", "true", "1", "on"};
	static const char *const no[] = {"no", "false", "0", "off"};

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!g_ascii_strcasecmp(v, yes[i])) {
			*out = true;
			return true;
		}
		if (!g_ascii_strcasecmp(v, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool parse_uint(const char *v, uint64_t *out)
{
	char *end;

	if (!g_ascii_isdigit(v[0]))
		return false;
	errno = 0;
	*out = g_ascii_strtoull(v, &end, 10);
	return !errno && !*end;
}

/* "3600", "60m", "1h", "1d" (libreswan and strongSwan accept these). */
static bool parse_lifetime(const char *v, uint64_t *out)
{
	g_autofree char *num = g_strdup(v);
	size_t l = strlen(num);
	uint64_t mul = 1;

	if (l && g_ascii_isalpha(num[l - 1])) {
		switch (g_ascii_tolower(num[l - 1])) {
		case 's':
			break;
		case 'm':
			mul = 60;
			break;
		case 'h':
			mul = 3600;
			break;
		case 'd':
			mul = 86400;
			break;
		default:
			return false;
		}
		num[l - 1] = '\0';
	}
	if (!parse_uint(num, out) || *out > UINT32_MAX)
		return false;
	*out *= mul;
	return true;
}

static bool parse_route(const char *v, struct vpn_route *r)
{
	g_autofree char *s = g_strstrip(g_strdup(v));
	char *slash = strchr(s, '/');
	struct in_addr a;
	uint64_t plen = 32;

	if (slash) {
		*slash = '\0';
		if (!parse_uint(slash + 1, &plen) || plen > 32)
			return false;
	}
	if (inet_pton(AF_INET, s, &a) != 1)
		return false;
	r->addr = ntohl(a.s_addr);
	r->prefix_len = (uint8_t)plen;
	/* host bits set: the route would not mean what it says */
	if (plen < 32 && (r->addr & (0xffffffffu >> plen)))
		return false;
	return true;
}

/* All numeric profile fields are uint32_t. */
static void set_uint_field(struct vpn_profile *p, const struct key_def *k, uint64_t v)
{
	*(uint32_t *)(void *)((char *)p + k->off) = (uint32_t)v;
}

/* Everything below returns false with *why filled; the caller adds the origin. */
static bool apply(struct vpn_profile *p, const struct key_def *k, const char *v, GString *why)
{
	char *base = (char *)p + k->off;
	uint64_t n;
	bool b;

	switch (k->kind) {
	case K_STRING:
		if (!*v) {
			g_string_append(why, "empty value");
			return false;
		}
		g_free(*(char **)(void *)base);
		*(char **)(void *)base = g_strdup(v);
		return true;
	case K_SECRET:
		secbuf_free(*(struct secbuf **)(void *)base);
		*(struct secbuf **)(void *)base = secbuf_new_str(v);
		return true;
	case K_IGNORED:
		return true;
	case K_FLAGS:
		if (!parse_uint(v, &n) || n > 7) {
			g_string_append_printf(why, "`%s' is not a secret flag (0-7)", v);
			return false;
		}
		return true;
	case K_BOOL:
		if (!parse_bool(v, &b)) {
			g_string_append_printf(why, "`%s' is not yes or no", v);
			return false;
		}
		if (k->off)
			*(bool *)(void *)base = b;
		return true;
	case K_UINT:
		if (!parse_uint(v, &n) || n < k->min || n > k->max) {
			g_string_append_printf(why, "`%s' is not a number from %u to %u", v, k->min,
					       k->max);
			return false;
		}
		if (k->off)
			set_uint_field(p, k, n);
		return true;
	case K_LIFETIME:
		if (!parse_lifetime(v, &n) || n < k->min || n > k->max) {
			g_string_append_printf(
				why, "`%s' is not a lifetime from %us to %us (e.g. 3600, 8h)", v,
				k->min, k->max);
			return false;
		}
		set_uint_field(p, k, n);
		return true;
	case K_IKE:
	case K_ESP: {
		char err[160];
		struct ike_p1_list p1;
		struct ike_p2_list p2;
		int r = k->kind == K_IKE ? ike_p1_parse(v, false, &p1, err, sizeof(err))
					 : ike_p2_parse(v, false, &p2, err, sizeof(err));

		if (r) {
			g_string_append(why, err);
			return false;
		}
		if (k->kind == K_IKE)
			p->ike = p1;
		else
			p->esp = p2;
		return true;
	}
	case K_PFS: {
		uint16_t g = ike_group_by_name(v);

		if (g) {
			p->pfs_group = g;
		} else if (parse_bool(v, &b)) {
			p->pfs_group = b ? VPN_PFS_SAME_GROUP : 0;
		} else {
			g_string_append_printf(
				why,
				"`%s' is not a DH group (use modp1024, modp1536, "
				"modp2048, modp3072, modp4096, ecp256, ecp384) nor yes/no",
				v);
			return false;
		}
		return true;
	}
	case K_ROUTES: {
		g_auto(GStrv) items = g_strsplit_set(v, ", ", -1);
		unsigned n_r = 0;
		struct vpn_route r[VPN_MAX_ROUTES];

		for (char **it = items; *it; it++) {
			if (!**it)
				continue;
			if (n_r == VPN_MAX_ROUTES) {
				g_string_append_printf(why, "more than %d routes", VPN_MAX_ROUTES);
				return false;
			}
			if (!parse_route(*it, &r[n_r])) {
				g_string_append_printf(
					why, "`%s' is not an IPv4 network (e.g. 10.1.0.0/16)", *it);
				return false;
			}
			n_r++;
		}
		memcpy(p->routes, r, sizeof(r));
		p->n_routes = n_r;
		return true;
	}
	case K_DATA_PATH:
		if (!strcmp(v, "auto"))
			p->data_path = VPN_DATA_PATH_AUTO;
		else if (!strcmp(v, "userspace"))
			p->data_path = VPN_DATA_PATH_USERSPACE;
		else if (!strcmp(v, "kernel"))
			p->data_path = VPN_DATA_PATH_KERNEL;
		else {
			g_string_append_printf(why, "`%s' is not auto, userspace or kernel", v);
			return false;
		}
		return true;
	case K_MUST_BE: {
		bool want;

		/* "yes" also matches "true", "1", "on" */
		if (g_ascii_strcasecmp(v, k->arg) &&
		    !(parse_bool(v, &b) && parse_bool(k->arg, &want) && b == want)) {
			g_string_append_printf(why, "`%s' is not supported: %s", v, k->why);
			return false;
		}
		return true;
	}
	case K_MUST_BE_FALSE:
		if (!parse_bool(v, &b)) {
			g_string_append_printf(why, "`%s' is not yes or no", v);
			return false;
		}
		if (b) {
			g_string_append_printf(why, "%s; remove the key or set it to no", k->arg);
			return false;
		}
		return true;
	case K_UNSUPPORTED:
		g_string_append(why, k->arg);
		return false;
	}
	return false;
}

bool vpn_profile_set(struct vpn_profile *p, const char *source, unsigned line, const char *key,
		     const char *value, GError **error)
{
	const struct key_def *k = find_key(key);
	g_autoptr(GString) why = g_string_new(NULL);
	g_autofree char *where = line ? g_strdup_printf(" (line %u)", line) : g_strdup("");

	if (!k) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_INVALID,
			    "profile %s: unknown key `%s'%s", source, key, where);
		return false;
	}
	if (!apply(p, k, value, why)) {
		int code = k->kind == K_UNSUPPORTED || k->kind == K_MUST_BE ||
					   k->kind == K_MUST_BE_FALSE
				   ? VPN_CONFIG_ERROR_UNSUPPORTED
				   : VPN_CONFIG_ERROR_INVALID;
		/* never quote a secret's value: K_SECRET cannot fail here */
		g_set_error(error, VPN_CONFIG_ERROR, code, "profile %s: key `%s'%s: %s", source,
			    key, where, why->str);
		return false;
	}
	return true;
}
