/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Proposal strings: the default offer, parsing, errors that quote the token, formatting. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "ipsec.h"

static const char p1_default[] =
	"aes256-sha2_256-modp2048, aes128-sha2_256-modp2048, aes256-sha1-ecp384, "
	"aes128-sha1-ecp256, aes256-sha1-modp2048, aes128-sha1-modp2048, 3des-sha1-modp2048, "
	"aes256-sha1-modp1536, aes256-sha1-modp1024, aes128-sha1-modp1024, 3des-sha1-modp1024";
static const char p2_default[] = "aes256-sha1, aes128-sha1, aes128-sha2_256, aes256-sha2_256, "
				 "3des-sha1";

static void test_defaults(void)
{
	struct ike_p1_list l1;
	struct ike_p2_list l2;
	char out[512];

	ike_p1_default(&l1);
	g_assert_cmpuint(l1.n, ==, 11);
	g_assert_cmpuint(l1.p[0].encr, ==, 7);
	g_assert_cmpuint(l1.p[0].key_bits, ==, 256);
	g_assert_cmpuint(l1.p[0].hash, ==, 4);
	g_assert_cmpuint(l1.p[0].group, ==, 14);
	g_assert_cmpuint(l1.p[2].group, ==, 20);
	g_assert_cmpuint(l1.p[10].encr, ==, 5);
	g_assert_cmpint(ike_p1_format(&l1, out, sizeof(out)), ==, (int)strlen(p1_default));
	g_assert_cmpstr(out, ==, p1_default);
	ike_p2_default(&l2);
	g_assert_cmpuint(l2.n, ==, 5);
	g_assert_cmpuint(l2.p[0].esp_transform, ==, 12);
	g_assert_cmpuint(l2.p[2].auth_alg, ==, 5);
	g_assert_cmpuint(l2.p[4].esp_transform, ==, 3);
	g_assert_cmpint(ike_p2_format(&l2, out, sizeof(out)), >, 0);
	g_assert_cmpstr(out, ==, p2_default);
	/* a buffer too small says so */
	g_assert_cmpint(ike_p2_format(&l2, out, 20), ==, -ENOSPC);
}

static void test_parse(void)
{
	struct ike_p1_list l1;
	struct ike_p2_list l2;
	char out[256];

	g_assert_cmpint(
		ike_p1_parse(" aes256-sha1-modp2048! ,aes128-sha256-ecp256", false, &l1, NULL, 0),
		==, 0);
	g_assert_cmpuint(l1.n, ==, 2);
	g_assert_cmpint(ike_p1_format(&l1, out, sizeof(out)), >, 0);
	/* aliases come back in the canonical spelling */
	g_assert_cmpstr(out, ==, "aes256-sha1-modp2048, aes128-sha2_256-ecp256");
	g_assert_cmpint(ike_p2_parse("aes128gcm16,aes256-md5,3des-sha2_256!", false, &l2, NULL, 0),
			==, 0);
	g_assert_cmpuint(l2.n, ==, 3);
	g_assert_cmpuint(l2.p[0].esp_transform, ==, 20);
	g_assert_cmpuint(l2.p[0].auth_alg, ==, 0);
	g_assert_cmpint(ike_p2_format(&l2, out, sizeof(out)), >, 0);
	g_assert_cmpstr(out, ==, "aes128gcm16, aes256-md5, 3des-sha2_256");
	g_assert_cmpuint(ike_group_by_name("ecp384"), ==, 20);
	g_assert_cmpuint(ike_group_by_name("modp768"), ==, 0);
}

static void test_errors(void)
{
	static const struct {
		bool p1;
		const char *in;
		const char *quoted;
	} cases[] = {
		{true, "aes256-sha1", "`aes256-sha1'"},
		{true, "aes256-sha1-modp2048,aes999-sha1-modp2048", "`aes999'"},
		{true, "aes256-sha3-modp2048", "`sha3'"},
		{true, "aes256-sha1-modp768", "`modp768'"},
		{true, "des-sha1-modp1024", "`des'"},
		{true, "aes256-sha1-modp2048-x", "`aes256-sha1-modp2048-x'"},
		{true, "", "`'"},
		{true, "aes256-sha1-modp2048,", "`'"},
		{false, "aes256", "`aes256'"},
		{false, "aes256gcm16-sha1", "`aes256gcm16-sha1'"},
		{false, "aes256-sha384", "`sha384'"},
		{false, "blowfish-sha1", "`blowfish'"},
	};
	struct ike_p1_list l1 = {.n = 7};
	struct ike_p2_list l2 = {.n = 7};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char err[256] = "";
		int r = cases[i].p1 ? ike_p1_parse(cases[i].in, false, &l1, err, sizeof(err))
				    : ike_p2_parse(cases[i].in, false, &l2, err, sizeof(err));

		g_test_message("%s -> %s", cases[i].in, err);
		g_assert_cmpint(r, ==, -EINVAL);
		g_assert_nonnull(strstr(err, cases[i].quoted));
	}
	/* a failed parse leaves the list alone */
	g_assert_cmpuint(l1.n, ==, 7);
	g_assert_cmpuint(l2.n, ==, 7);
	/* DES only with the legacy switch */
	g_assert_cmpint(ike_p1_parse("des-md5-modp1024", true, &l1, NULL, 0), ==, 0);
	g_assert_cmpuint(l1.p[0].encr, ==, 1);
	g_assert_cmpint(ike_p2_parse("des-md5", true, &l2, NULL, 0), ==, 0);
	g_assert_cmpuint(l2.p[0].esp_transform, ==, 2);
	{
		char many[2048] = "";
		char err[128];

		for (i = 0; i <= IKE_MAX_PROPOSALS; i++)
			g_strlcat(many, "aes128-sha1-modp2048,", sizeof(many));
		many[strlen(many) - 1] = '\0';
		g_assert_cmpint(ike_p1_parse(many, false, &l1, err, sizeof(err)), ==, -EINVAL);
		g_assert_nonnull(strstr(err, "too many"));
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/proposal/defaults", test_defaults);
	g_test_add_func("/proposal/parse", test_parse);
	g_test_add_func("/proposal/errors", test_errors);
	return g_test_run();
}
