/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seed corpus for fuzz-esp: valid packets for every suite (an L2TP datagram in
 * UDP 1701, various sizes), plus a few deterministic mutations (flipped ICV,
 * truncated, bad SPI, replayed seq 0).
 *
 *   test-esp-corpus --write DIR   regenerate the corpus
 *   test-esp-corpus DIR           check every valid-* file still decrypts
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "test-esp-common.h"

#define FUZZ_ESP_SPI 0xf022f022u

static const char *corpus_dir;

/* Packet for suite s with a UDP/L2TP payload of len bytes; returns the file bytes. */
static size_t make_seed(size_t s, size_t len, uint8_t *file, size_t cap)
{
	uint64_t seed = 1000 + s * 31 + len;
	struct rand_source rnd = {test_rand_fill, &seed};
	struct esp_sa *sa = test_sa_new(&esp_suites[s], ESP_DIR_OUTBOUND, FUZZ_ESP_SPI, &rnd);
	uint8_t dg[512];
	size_t n = 0;

	g_assert_nonnull(sa);
	g_assert_cmpuint(len + 8, <=, sizeof(dg));
	g_assert_cmpint(esp_udp_l2tp_header(dg, len), ==, 0);
	for (size_t i = 0; i < len; i++)
		dg[8 + i] = (uint8_t)(i == 0 ? 0xc8 : i * 3); /* L2TP control bit pattern */
	file[0] = (uint8_t)s;
	g_assert_cmpint(esp_encrypt(sa, 17, dg, len + 8, file + 1, cap - 1, &n), ==, 0);
	esp_sa_free(sa);
	return n + 1;
}

static void write_file(const char *dir, const char *name, const uint8_t *d, size_t n)
{
	char *path = g_build_filename(dir, name, NULL);

	g_assert_true(g_file_set_contents(path, (const char *)d, (gssize)n, NULL));
	g_free(path);
}

static int write_corpus(const char *dir)
{
	static const size_t lens[] = {12, 40, 101};
	uint8_t f[1024];

	g_mkdir_with_parents(dir, 0755);
	for (size_t s = 0; s < ARRAY_SIZE(esp_suites); s++) {
		for (size_t k = 0; k < ARRAY_SIZE(lens); k++) {
			size_t n = make_seed(s, lens[k], f, sizeof(f));
			char name[64];

			snprintf(name, sizeof(name), "valid-%s-%zu", esp_suites[s].name, lens[k]);
			write_file(dir, name, f, n);
			if (k != 1)
				continue;
			snprintf(name, sizeof(name), "bad-icv-%s", esp_suites[s].name);
			f[n - 1] ^= 1;
			write_file(dir, name, f, n);
			snprintf(name, sizeof(name), "short-%s", esp_suites[s].name);
			write_file(dir, name, f, n / 2);
		}
	}
	make_seed(2, 40, f, sizeof(f));
	f[1] ^= 0xff;
	write_file(dir, "bad-spi", f, 60);
	make_seed(2, 40, f, sizeof(f));
	memset(f + 5, 0, 4);
	write_file(dir, "seq-zero", f, 60);
	return 0;
}

static void test_valid_seeds(void)
{
	GDir *d = g_dir_open(corpus_dir, 0, NULL);
	const char *name;
	int valid = 0;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d))) {
		char *path = g_build_filename(corpus_dir, name, NULL);
		static uint8_t out[70000];
		gchar *buf = NULL;
		gsize len = 0;
		size_t n = 0;
		uint8_t nh = 0;
		struct esp_sa *sa;

		g_assert_true(g_file_get_contents(path, &buf, &len, NULL));
		g_assert_cmpuint(len, <, 4096);
		if (g_str_has_prefix(name, "valid-")) {
			const uint8_t *u = (const uint8_t *)buf, *pl;
			size_t pl_len;
			uint16_t sp, dp;

			sa = test_sa_new(&esp_suites[u[0] % ARRAY_SIZE(esp_suites)],
					 ESP_DIR_INBOUND, FUZZ_ESP_SPI, NULL);
			g_assert_cmpint(esp_decrypt(sa, u + 1, len - 1, out, sizeof(out), &n, &nh),
					==, 0);
			g_assert_cmpint(esp_udp_inner_parse(out, n, &sp, &dp, &pl, &pl_len), ==, 0);
			g_assert_cmpuint(dp, ==, 1701);
			esp_sa_free(sa);
			valid++;
		}
		g_free(buf);
		g_free(path);
	}
	g_dir_close(d);
	g_assert_cmpint(valid, ==, 3 * (int)ARRAY_SIZE(esp_suites));
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--write") == 0)
		return write_corpus(argv[2]);
	g_test_init(&argc, &argv, NULL);
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS-DIR | --write CORPUS-DIR\n", argv[0]);
		return 2;
	}
	corpus_dir = argv[1];
	g_test_add_func("/esp/corpus-valid", test_valid_seeds);
	return g_test_run();
}
