/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Profiles: fixture files, errors that quote file/line/key/value, secrets. */
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

static struct vpn_profile *load_fixture(const char *name, GError **error)
{
	g_autofree char *path = g_test_build_filename(G_TEST_DIST, "profiles", name, NULL);
	g_autofree char *data = NULL;
	gsize len;

	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	return vpn_profile_load_data(name, data, len, 0100600, error);
}

static void test_good_profile(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(vpn_profile) p = load_fixture("alice.conf", &error);
	char buf[64];

	g_assert_no_error(error);
	g_assert_true(vpn_profile_check(p, &error));
	g_assert_cmpstr(p->name, ==, "alice");
	g_assert_cmpstr(p->gateway, ==, "10.99.0.1");
	g_assert_cmpstr(p->user, ==, "alice");
	g_assert_cmpstr((char *)p->password->data, ==, "alice-pass");
	g_assert_cmpstr((char *)p->ipsec_psk->data, ==, "lab-psk-123");
	/* proposal strings are parsed by ipsec/ (ike_p1_parse): check the result arrives */
	g_assert_cmpuint(p->ike.n, ==, 3);
	g_assert_cmpint(ike_p1_proposal_name(&p->ike.p[0], buf, sizeof(buf)), >, 0);
	g_assert_cmpstr(buf, ==, "aes256-sha1-modp2048");
	g_assert_cmpint(ike_p1_proposal_name(&p->ike.p[1], buf, sizeof(buf)), >, 0);
	g_assert_cmpstr(buf, ==, "aes128-sha2_256-modp2048");
	g_assert_cmpuint(p->ike.p[2].encr, ==, 5);
	g_assert_cmpuint(p->ike.p[2].group, ==, 2);
	g_assert_cmpuint(p->esp.n, ==, 2);
	g_assert_cmpuint(p->esp.p[0].esp_transform, ==, 12);
	g_assert_cmpuint(p->esp.p[0].key_bits, ==, 256);
	g_assert_cmpuint(p->esp.p[1].key_bits, ==, 128);
	g_assert_cmpuint(p->esp.p[0].auth_alg, ==, 2);
	g_assert_cmpuint(p->ike_lifetime_s, ==, 8 * 3600);
	g_assert_cmpuint(p->sa_lifetime_s, ==, 3600);
	g_assert_cmpuint(p->pfs_group, ==, 0);
	g_assert_true(p->force_encaps);
	g_assert_true(p->refuse_eap);
	g_assert_cmpuint(p->lcp_echo_interval_s, ==, 10);
	g_assert_cmpuint(p->lcp_echo_failure, ==, 3);
	g_assert_cmpstr(p->hostname, ==, "alice-laptop");
	g_assert_false(p->never_default);
}

static void test_nm_keyfile(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(vpn_profile) p = load_fixture("nm-keyfile.conf", &error);
	const char *missing[4];

	g_assert_no_error(error);
	g_assert_cmpstr(p->name, ==, "nm-keyfile");
	g_assert_cmpstr(p->domain, ==, "CORP");
	g_assert_cmpstr(p->ipsec_remote_id, ==, "vpn.example.com");
	g_assert_cmpuint(p->pfs_group, ==, 14);
	g_assert_true(p->never_default);
	g_assert_cmpuint(p->n_routes, ==, 2);
	g_assert_cmphex(p->routes[0].addr, ==, 0x0a000000);
	g_assert_cmpuint(p->routes[0].prefix_len, ==, 8);
	g_assert_cmphex(p->routes[1].addr, ==, 0xc0a83200);
	g_assert_cmpuint(p->routes[1].prefix_len, ==, 24);
	/* keyfile escape \s */
	g_assert_cmpstr((char *)p->ipsec_psk->data, ==, "with space");
	/* defaults when the profile says nothing */
	g_assert_cmpuint(p->ike.n, ==, 0); /* 0: the IKE core's default offer */
	g_assert_cmpuint(p->esp.n, ==, 0);
	g_assert_cmpuint(p->mtu, ==, 1400);
	g_assert_true(p->ipv6);
	g_assert_cmpuint(vpn_profile_missing_secrets(p, missing, 4), ==, 1);
	g_assert_cmpstr(missing[0], ==, "password");
}

struct bad_case {
	const char *file;
	int code;
	const char *message;
};

static const struct bad_case bad_cases[] = {
	{"unknown-key.conf", VPN_CONFIG_ERROR_INVALID,
	 "profile unknown-key.conf: unknown key `ipsec-sha' (line 4)"},
	{"bad-pfs.conf", VPN_CONFIG_ERROR_INVALID,
	 "profile bad-pfs.conf: key `ipsec-pfs' (line 4): `modp9999' is not a DH group (use "
	 "modp1024, modp1536, modp2048, modp3072, modp4096, ecp256, ecp384) nor yes/no"},
	{"bad-ike.conf", VPN_CONFIG_ERROR_INVALID,
	 "profile bad-ike.conf: key `ipsec-ike' (line 4): Unable to parse IKE cipher `blowfish' "
	 "(aes128, aes192, aes256, 3des)"},
	{"mppe.conf", VPN_CONFIG_ERROR_UNSUPPORTED,
	 "profile mppe.conf: key `require-mppe' (line 4): MPPE is not supported by the built-in "
	 "PPP (ESP already encrypts the link); remove the key or set it to no"},
	{"no-ipsec.conf", VPN_CONFIG_ERROR_UNSUPPORTED,
	 "profile no-ipsec.conf: key `ipsec-enabled' (line 4): `no' is not supported: L2TP "
	 "without IPsec is not supported: it would send PPP and the password unprotected"},
	{"cert.conf", VPN_CONFIG_ERROR_UNSUPPORTED,
	 "profile cert.conf: key `machine-auth-type' (line 4): `tls' is not supported: only "
	 "pre-shared key authentication is supported in IKE"},
};

static void test_bad_profile(gconstpointer data)
{
	const struct bad_case *c = data;
	g_autoptr(GError) error = NULL;
	g_autoptr(vpn_profile) p = load_fixture(c->file, &error);

	g_assert_null(p);
	g_assert_error(error, VPN_CONFIG_ERROR, c->code);
	g_assert_cmpstr(error->message, ==, c->message);
}

static void test_bad_values(void)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{"[vpn]\nmtu=70000\n", "profile t: key `mtu' (line 2): `70000' is not a number "
				       "from 576 to 1500"},
		{"[vpn]\nrefuse-pap=maybe\n", "profile t: key `refuse-pap' (line 2): `maybe' is "
					      "not yes or no"},
		{"[vpn]\nipsec-salifetime=1w\n",
		 "profile t: key `ipsec-salifetime' (line 2): `1w' is not a lifetime from 60s to "
		 "86400s (e.g. 3600, 8h)"},
		{"[vpn]\n\n# c\nroutes=10.0.0.1/8\n",
		 "profile t: key `routes' (line 4): `10.0.0.1/8' is not an IPv4 network (e.g. "
		 "10.1.0.0/16)"},
		{"[vpn]\nipsec-esp=aes256-sha1-modp2048\n",
		 "profile t: key `ipsec-esp' (line 2): Unable to parse ESP proposal "
		 "`aes256-sha1-modp2048': expected cipher-integrity, e.g. aes256-sha1 (PFS is a "
		 "separate setting)"},
		{"gateway=x\n", "profile t: line 1: key `gateway' before the [vpn] group"},
		{"[wireguard]\n", "profile t: line 1: unknown group `[wireguard]' (use [vpn])"},
		{"[vpn]\ngateway\n", "profile t: line 2: expected key=value"},
		{"[vpn-secrets]\nuser=x\n",
		 "profile t: line 2: key `user' is not a secret (only password, ipsec-psk and "
		 "tunnel-secret belong in [vpn-secrets])"},
		{"[vpn]\ndata-path=fast\n",
		 "profile t: key `data-path' (line 2): `fast' is not auto, userspace or kernel"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		struct vpn_profile *p = vpn_profile_load_data("t", cases[i].text,
							      strlen(cases[i].text), 0600, &error);

		g_assert_null(p);
		g_assert_nonnull(error);
		g_assert_cmpstr(error->message, ==, cases[i].message);
	}
}

/* IPV6CP on by default; `ipv6=no' turns it off (the NM connection's ipv6.method=ignore). */
static void test_ipv6_key(void)
{
	static const char text[] = "[vpn]\ngateway=10.0.0.1\nuser=u\nipv6=no\n";
	g_autoptr(GError) error = NULL;
	g_autoptr(vpn_profile) p = vpn_profile_load_data("t", text, strlen(text), 0600, &error);
	g_autoptr(vpn_profile) d = vpn_profile_new();

	g_assert_no_error(error);
	g_assert_false(p->ipv6);
	g_assert_true(d->ipv6);
	g_assert_false(vpn_profile_set(d, "t", 3, "ipv6", "auto", &error));
	g_assert_cmpstr(error->message, ==,
			"profile t: key `ipv6' (line 3): `auto' is not yes or no");
}

static void test_check(void)
{
	g_autoptr(GError) error = NULL;
	static const char text[] =
		"[vpn]\ngateway=gw\nuser=u\nrefuse-pap=yes\nrefuse-mschapv2=yes\n"
		"refuse-eap=yes\n";
	g_autoptr(vpn_profile) p = vpn_profile_load_data("t", text, strlen(text), 0600, &error);
	g_autoptr(vpn_profile) q = vpn_profile_load_data("q", "[vpn]\nuser=u\n", 13, 0600, &error);

	g_assert_no_error(error);
	g_assert_false(vpn_profile_check(p, &error));
	g_assert_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_INVALID);
	g_clear_error(&error);
	g_assert_false(vpn_profile_check(q, &error));
	g_assert_cmpstr(error->message, ==, "profile q: key `gateway' is required");
}

/* A file holding a secret that others can read is refused; without a secret it loads. */
static void test_mode(void)
{
	g_autofree char *dir = g_dir_make_tmp("l2i-config-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "bob.conf", NULL);
	g_autofree char *expect = NULL;
	g_autoptr(GError) error = NULL;
	struct vpn_profile *p;

	g_assert_true(
		g_file_set_contents(path, "[vpn]\ngateway=gw\nuser=bob\npassword=pw\n", -1, NULL));
	g_assert_cmpint(chmod(path, 0644), ==, 0);
	p = vpn_profile_load(path, &error);
	g_assert_null(p);
	g_assert_error(error, VPN_CONFIG_ERROR, VPN_CONFIG_ERROR_PERMISSIONS);
	expect = g_strdup_printf("profile %s holds a secret (password) but is readable by group "
				 "or others; run `chmod 600 %s'",
				 path, path);
	g_assert_cmpstr(error->message, ==, expect);
	/* the secret's value never appears in a message */
	g_assert_null(strstr(error->message, "=pw"));
	g_clear_error(&error);

	g_assert_cmpint(chmod(path, 0600), ==, 0);
	p = vpn_profile_load(path, &error);
	g_assert_no_error(error);
	g_assert_cmpstr((char *)p->password->data, ==, "pw");
	vpn_profile_free(p);

	g_assert_true(g_file_set_contents(path, "[vpn]\ngateway=gw\nuser=bob\n", -1, NULL));
	g_assert_cmpint(chmod(path, 0644), ==, 0);
	p = vpn_profile_load(path, &error);
	g_assert_no_error(error);
	vpn_profile_free(p);
	g_unlink(path);
	g_rmdir(dir);
}

static int pipe_with(const char *text)
{
	int fds[2];

	g_assert_cmpint(pipe(fds), ==, 0);
	g_assert_cmpint(write(fds[1], text, strlen(text)), ==, (ssize_t)strlen(text));
	close(fds[1]);
	return fds[0];
}

static void test_secrets_fd(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(vpn_profile) p = vpn_profile_new();
	const char *missing[4];

	g_assert_cmpuint(vpn_profile_missing_secrets(p, missing, 4), ==, 2);
	g_assert_true(vpn_profile_read_secrets_fd(
		p, pipe_with("# from the caller\npassword=alice-pass\nipsec-psk = lab psk\n"),
		&error));
	g_assert_no_error(error);
	g_assert_cmpstr((char *)p->password->data, ==, "alice-pass");
	/* value kept verbatim after '=' except surrounding whitespace */
	g_assert_cmpstr((char *)p->ipsec_psk->data, ==, "lab psk");
	g_assert_cmpuint(vpn_profile_missing_secrets(p, missing, 4), ==, 0);

	g_assert_false(vpn_profile_read_secrets_fd(p, pipe_with("gateway=evil\n"), &error));
	g_assert_cmpstr(error->message, ==,
			"secrets-fd: line 1: `gateway' is not a secret (use password, ipsec-psk "
			"or tunnel-secret)");
	g_clear_error(&error);
	g_assert_false(vpn_profile_read_secrets_fd(p, pipe_with("password\n"), &error));
	g_assert_cmpstr(error->message, ==, "secrets-fd: line 1: expected key=value");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/config/good", test_good_profile);
	g_test_add_func("/config/nm-keyfile", test_nm_keyfile);
	for (size_t i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
		g_autofree char *name = g_strdup_printf("/config/bad/%s", bad_cases[i].file);

		g_test_add_data_func(name, &bad_cases[i], test_bad_profile);
	}
	g_test_add_func("/config/bad-values", test_bad_values);
	g_test_add_func("/config/check", test_check);
	g_test_add_func("/config/ipv6", test_ipv6_key);
	g_test_add_func("/config/mode", test_mode);
	g_test_add_func("/config/secrets-fd", test_secrets_fd);
	return g_test_run();
}
