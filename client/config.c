/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading a profile. The syntax is GKeyFile's (groups, key=value, '#'
 * comments, \s \n \t \r \\ escapes), read by a small line parser of our own
 * for two reasons: error messages name the line, and every copy of a secret
 * is wiped (GKeyFile frees its copies without wiping them).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#define PROFILE_MAX_SIZE (64 * 1024)

struct vpn_profile *vpn_profile_new(void)
{
	struct vpn_profile *p = g_new0(struct vpn_profile, 1);

	p->ike_lifetime_s = 28800;
	p->sa_lifetime_s = 3600;
	p->dpd_interval_s = 30;
	p->mtu = 1400;
	p->mru = 1400;
	p->lcp_echo_interval_s = 30;
	p->lcp_echo_failure = 4;
	p->refuse_mschap = true; /* MS-CHAPv1 is not implemented by the built-in PPP */
	p->data_path = VPN_DATA_PATH_AUTO;
	p->ipv6 = true;
	return p;
}

void vpn_profile_free(struct vpn_profile *p)
{
	if (!p)
		return;
	g_free(p->name);
	g_free(p->path);
	g_free(p->gateway);
	g_free(p->user);
	g_free(p->domain);
	g_free(p->hostname);
	secbuf_free(p->password);
	secbuf_free(p->ipsec_psk);
	secbuf_free(p->tunnel_secret);
	g_free(p->ipsec_remote_id);
	g_free(p->ipsec_group_name);
	g_free(p->ifname);
	g_free(p);
}

/* Unescape in place (GKeyFile escapes); false on an unknown escape. */
static bool unescape(char *s)
{
	char *o = s;

	for (char *i = s; *i; i++) {
		if (*i != '\\') {
			*o++ = *i;
			continue;
		}
		switch (*++i) {
		case 's':
			*o++ = ' ';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case '\\':
			*o++ = '\\';
			break;
		default:
			return false;
		}
	}
	*o = '\0';
	return true;
}

enum group {
	G_NONE,
	G_VPN,
	G_SECRETS,
	G_IGNORED, /* other groups of a NetworkManager keyfile */
};

static enum group group_of(const char *name)
{
	static const char *const nm_groups[] = {"connection", "ipv4", "ipv6", "proxy"};

	if (!strcmp(name, "vpn"))
		return G_VPN;
	if (!strcmp(name, "vpn-secrets"))
		return G_SECRETS;
	for (size_t i = 0; i < ARRAY_SIZE(nm_groups); i++)
		if (!strcmp(name, nm_groups[i]))
			return G_IGNORED;
	return G_NONE;
}

static bool parse_line(struct vpn_profile *p, const char *src, unsigned lineno, char *line,
		       enum group *grp, GError **error)
{
	char *eq, *key, *val;

	line = g_strchug(line);
	if (!*line || *line == '#')
		return true;
	if (*line == '[') {
		char *end = strchr(line, ']');

		if (!end || *g_strchug(end + 1)) {
			g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_INVALID,
				    "profile %s: line %u: malformed group header `%s'", src, lineno,
				    line);
			return false;
		}
		*end = '\0';
		*grp = group_of(line + 1);
		if (*grp == G_NONE) {
			g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_INVALID,
				    "profile %s: line %u: unknown group `[%s]' (use [vpn])", src,
				    lineno, line + 1);
			return false;
		}
		return true;
	}
	eq = strchr(line, '=');
	if (!eq) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_INVALID,
			    "profile %s: line %u: expected key=value", src, lineno);
		return false;
	}
	*eq = '\0';
	key = g_strchomp(line);
	val = g_strstrip(eq + 1);
	if (*grp == G_IGNORED)
		return true;
	if (*grp == G_NONE) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_INVALID,
			    "profile %s: line %u: key `%s' before the [vpn] group", src, lineno,
			    key);
		return false;
	}
	if (*grp == G_SECRETS && !vpn_key_is_secret(key)) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_INVALID,
			    "profile %s: line %u: key `%s' is not a secret (only password, "
			    "ipsec-psk and tunnel-secret belong in [vpn-secrets])",
			    src, lineno, key);
		return false;
	}
	if (!unescape(val)) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_INVALID,
			    "profile %s: key `%s' (line %u): invalid escape sequence", src, key,
			    lineno);
		return false;
	}
	return vpn_profile_set(p, src, lineno, key, val, error);
}

static const char *first_secret(const struct vpn_profile *p)
{
	if (p->password)
		return "password";
	if (p->ipsec_psk)
		return "ipsec-psk";
	if (p->tunnel_secret)
		return "tunnel-secret";
	return NULL;
}

static char *profile_name(const char *source)
{
	g_autofree char *base = g_path_get_basename(source);

	if (g_str_has_suffix(base, ".conf") && strlen(base) > 5)
		base[strlen(base) - 5] = '\0';
	return g_steal_pointer(&base);
}

struct vpn_profile *vpn_profile_load_data(const char *source_name, const char *data, size_t len,
					  unsigned mode, GError **error)
{
	g_autoptr(vpn_profile) p = vpn_profile_new();
	char *copy = g_strndup(data, len);
	enum group grp = G_NONE;
	unsigned lineno = 0;
	bool ok = true;
	char *line, *next;

	/* strtok would merge empty lines and break the numbering */
	for (line = copy; ok && line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		ok = parse_line(p, source_name, lineno, line, &grp, error);
	}
	secure_wipe(copy, len);
	g_free(copy);
	if (!ok)
		return NULL;
	if (first_secret(p) && (mode & 077)) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_PERMISSIONS,
			    "profile %s holds a secret (%s) but is readable by group or others; "
			    "run `chmod 600 %s'",
			    source_name, first_secret(p), source_name);
		return NULL;
	}
	p->path = g_strdup(source_name);
	p->name = profile_name(source_name);
	return g_steal_pointer(&p);
}

struct vpn_profile *vpn_profile_load(const char *path, GError **error)
{
	struct vpn_profile *p;
	struct stat st;
	char *buf;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_IO,
			    "profile %s: cannot open: %s", path, g_strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > PROFILE_MAX_SIZE) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_IO,
			    "profile %s: not a regular file of at most %d bytes", path,
			    PROFILE_MAX_SIZE);
		close(fd);
		return NULL;
	}
	buf = g_malloc((size_t)st.st_size + 1);
	n = read(fd, buf, (size_t)st.st_size + 1);
	close(fd);
	if (n < 0 || n > st.st_size) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_IO,
			    "profile %s: read failed or the file changed while reading", path);
		p = NULL;
	} else {
		p = vpn_profile_load_data(path, buf, (size_t)n, st.st_mode, error);
	}
	secure_wipe(buf, (size_t)st.st_size + 1);
	g_free(buf);
	return p;
}

bool vpn_profile_check(const struct vpn_profile *p, GError **error)
{
	const char *src = p->path ? p->path : "(memory)";

	if (!p->gateway || !p->user) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_MISSING,
			    "profile %s: key `%s' is required", src,
			    !p->gateway ? "gateway" : "user");
		return false;
	}
	if (p->refuse_pap && p->refuse_mschapv2 && p->refuse_eap) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_INVALID,
			    "profile %s: every supported authentication method is refused; allow "
			    "PAP or MS-CHAPv2 (refuse-pap=no or refuse-mschapv2=no)",
			    src);
		return false;
	}
	if (p->ifname && strlen(p->ifname) >= 16) {
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_INVALID,
			    "profile %s: key `ifname': `%s' is longer than 15 characters", src,
			    p->ifname);
		return false;
	}
	return true;
}

unsigned vpn_profile_missing_secrets(const struct vpn_profile *p, const char **out, unsigned max)
{
	unsigned n = 0;

	if (!p->ipsec_psk && n < max)
		out[n++] = "ipsec-psk";
	if (!p->password && n < max)
		out[n++] = "password";
	return n;
}

#define SECRETS_MAX 4096

bool vpn_profile_read_secrets_fd(struct vpn_profile *p, int fd, GError **error)
{
	/* one fixed buffer: no reallocation leaves a copy of a secret behind */
	char *buf = g_malloc0(SECRETS_MAX + 1);
	size_t len = 0;
	unsigned lineno = 0;
	bool ok = true;
	char *line, *next;
	ssize_t n = 0;

	while (len < SECRETS_MAX) {
		n = read(fd, buf + len, SECRETS_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (len == SECRETS_MAX) {
		n = -1;
		errno = EFBIG;
	}
	close(fd);
	if (n < 0) {
		secure_wipe(buf, SECRETS_MAX);
		g_free(buf);
		g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_IO,
			    "secrets-fd: read failed: %s (at most %d bytes of key=value lines)",
			    g_strerror(errno), SECRETS_MAX - 1);
		return false;
	}
	for (line = buf; ok && line; line = next) {
		char *eq, *key;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		line = g_strstrip(line);
		if (!*line || *line == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_INVALID,
				    "secrets-fd: line %u: expected key=value", lineno);
			ok = false;
			break;
		}
		*eq = '\0';
		key = g_strchomp(line);
		if (!vpn_key_is_secret(key)) {
			g_set_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_INVALID,
				    "secrets-fd: line %u: `%s' is not a secret (use password, "
				    "ipsec-psk or tunnel-secret)",
				    lineno, key);
			ok = false;
			break;
		}
		ok = vpn_profile_set(p, "secrets-fd", lineno, key, g_strstrip(eq + 1), error);
	}
	secure_wipe(buf, SECRETS_MAX);
	g_free(buf);
	return ok;
}
