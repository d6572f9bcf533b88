/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ESP: round trips for every suite, known-answer packets built with the
 * openssl tool / Python (kat-esp-gen.py), the replay window through real
 * packets, tampering and truncation, bad trailers, sequence number exhaustion.
 */
#include <errno.h>
#include <string.h>

#include <glib.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "esp-internal.h"
#include "kat-esp.h"
#include "test-esp-common.h"

#define SPI 0xc0de0001u

struct pair {
	uint64_t seed;
	struct rand_source rnd;
	struct esp_sa *out, *in;
};

static void pair_init(struct pair *p, const struct esp_suite *s)
{
	p->seed = 42;
	p->rnd = (struct rand_source){test_rand_fill, &p->seed};
	p->out = test_sa_new(s, ESP_DIR_OUTBOUND, SPI, &p->rnd);
	p->in = test_sa_new(s, ESP_DIR_INBOUND, SPI, NULL);
	g_assert_nonnull(p->out);
	g_assert_nonnull(p->in);
}

static void pair_clear(struct pair *p)
{
	esp_sa_free(p->out);
	esp_sa_free(p->in);
}

static size_t seal(struct pair *p, const uint8_t *payload, size_t len, uint8_t *pkt, size_t cap)
{
	size_t n = 0;

	g_assert_cmpint(esp_encrypt(p->out, 17, payload, len, pkt, cap, &n), ==, 0);
	g_assert_cmpuint(n, ==, esp_encrypt_len(p->out, len));
	return n;
}

static int open_pkt(struct esp_sa *in, const uint8_t *pkt, size_t len)
{
	uint8_t out[2048];
	size_t n = 0;
	uint8_t nh = 0;

	return esp_decrypt(in, pkt, len, out, sizeof(out), &n, &nh);
}

static void test_keymat_len(void)
{
	g_assert_cmpuint(esp_keymat_len(ESP_TRANSFORM_AES_CBC, 128, ESP_AUTH_HMAC_SHA1_96), ==, 36);
	g_assert_cmpuint(esp_keymat_len(ESP_TRANSFORM_AES_CBC, 0, ESP_AUTH_HMAC_SHA2_256_128), ==,
			 48);
	g_assert_cmpuint(esp_keymat_len(ESP_TRANSFORM_3DES, 0, ESP_AUTH_HMAC_MD5_96), ==, 40);
	g_assert_cmpuint(esp_keymat_len(ESP_TRANSFORM_AES_GCM_16, 256, ESP_AUTH_NONE), ==, 36);
	g_assert_cmpuint(esp_keymat_len(ESP_TRANSFORM_AES_GCM_16, 128, ESP_AUTH_HMAC_SHA1_96), ==,
			 0);
	g_assert_cmpuint(esp_keymat_len(ESP_TRANSFORM_AES_CBC, 128, ESP_AUTH_NONE), ==, 0);
	g_assert_cmpuint(esp_keymat_len(ESP_TRANSFORM_AES_CBC, 100, ESP_AUTH_HMAC_SHA1_96), ==, 0);
	g_assert_cmpuint(esp_keymat_len(ESP_TRANSFORM_3DES, 128, ESP_AUTH_HMAC_SHA1_96), ==, 0);
	g_assert_cmpuint(esp_keymat_len(2, 0, ESP_AUTH_HMAC_SHA1_96), ==, 0);
}

static void test_bad_config(void)
{
	uint8_t km[64] = {1};
	uint64_t seed = 1;
	struct rand_source rnd = {test_rand_fill, &seed};
	struct esp_sa_config ok = {
		.spi = 1,
		.esp_transform = ESP_TRANSFORM_AES_CBC,
		.key_bits = 128,
		.auth_alg = ESP_AUTH_HMAC_SHA1_96,
		.keymat = km,
		.keymat_len = 36,
		.dir = ESP_DIR_OUTBOUND,
		.rnd = &rnd,
	};
	struct esp_sa_config c;
	struct esp_sa *sa = esp_sa_new(&ok);

	g_assert_nonnull(sa);
	esp_sa_free(sa);
	esp_sa_free(NULL);
	g_assert_null(esp_sa_new(NULL));
	c = ok;
	c.keymat_len = 35;
	g_assert_null(esp_sa_new(&c));
	c = ok;
	c.spi = 0;
	g_assert_null(esp_sa_new(&c));
	c = ok;
	c.rnd = NULL; /* CBC outbound needs IVs */
	g_assert_null(esp_sa_new(&c));
	c = ok;
	c.replay_window = 32;
	g_assert_null(esp_sa_new(&c));
	c.replay_window = ESP_REPLAY_WINDOW_MAX + 1;
	g_assert_null(esp_sa_new(&c));
	c = ok;
	c.auth_alg = 3;
	g_assert_null(esp_sa_new(&c));
	c = ok;
	c.esp_transform = ESP_TRANSFORM_AES_GCM_16;
	g_assert_null(esp_sa_new(&c)); /* GCM with an HMAC */
	c.auth_alg = ESP_AUTH_NONE;
	c.rnd = NULL; /* GCM IVs are the sequence number */
	sa = esp_sa_new(&c);
	g_assert_nonnull(sa);
	esp_sa_free(sa);
}

static void test_roundtrip(void)
{
	static const size_t lens[] = {0, 1, 2, 3, 13, 14, 15, 16, 17, 31, 100, 1400};
	uint8_t payload[1400], pkt[1600], out[1600];

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	for (size_t s = 0; s < ARRAY_SIZE(esp_suites); s++) {
		struct pair p;
		struct esp_sa_stats st;
		uint64_t bytes = 0;

		g_test_message("suite %s", esp_suites[s].name);
		pair_init(&p, &esp_suites[s]);
		g_assert_cmpuint(esp_sa_spi(p.out), ==, SPI);
		for (size_t k = 0; k < ARRAY_SIZE(lens); k++) {
			size_t n = seal(&p, payload, lens[k], pkt, sizeof(pkt)), m = 0;
			uint8_t nh = 0;

			g_assert_cmpuint(get_u32(pkt), ==, SPI);
			g_assert_cmpuint(get_u32(pkt + 4), ==, k + 1);
			g_assert_cmpuint(n, <=, ESP_HDR_LEN + lens[k] + esp_overhead(p.out));
			g_assert_cmpint(esp_decrypt(p.in, pkt, n, out, sizeof(out), &m, &nh), ==,
					0);
			g_assert_cmpuint(nh, ==, 17);
			g_assert_cmpmem(out, m, payload, lens[k]);
			bytes += lens[k];
		}
		esp_sa_get_stats(p.out, &st);
		g_assert_cmpuint(st.packets, ==, ARRAY_SIZE(lens));
		g_assert_cmpuint(st.bytes, ==, bytes);
		g_assert_cmpuint(st.seq, ==, ARRAY_SIZE(lens));
		esp_sa_get_stats(p.in, &st);
		g_assert_cmpuint(st.packets, ==, ARRAY_SIZE(lens));
		g_assert_cmpuint(st.bytes, ==, bytes);
		g_assert_cmpuint(st.seq, ==, ARRAY_SIZE(lens));
		g_assert_cmpuint(st.drop_auth + st.drop_replay + st.drop_malformed, ==, 0);
		/* Wrong direction. */
		g_assert_cmpint(open_pkt(p.out, pkt, 64), ==, -EINVAL);
		size_t n = 0;
		g_assert_cmpint(esp_encrypt(p.in, 17, payload, 10, pkt, sizeof(pkt), &n), ==,
				-EINVAL);
		/* Too small an output buffer. */
		g_assert_cmpint(esp_encrypt(p.out, 17, payload, 100, pkt,
					    esp_encrypt_len(p.out, 100) - 1, &n),
				==, -ENOBUFS);
		pair_clear(&p);
	}
}

/* CBC IVs differ per packet and per SA key drawn from the rand_source. */
static void test_cbc_iv_fresh(void)
{
	struct pair p;
	uint8_t a[128], b[128], payload[20] = {0};

	pair_init(&p, &esp_suites[2]);
	seal(&p, payload, sizeof(payload), a, sizeof(a));
	seal(&p, payload, sizeof(payload), b, sizeof(b));
	g_assert_true(memcmp(a + 8, b + 8, 16) != 0);
	/* Another SA (another draw from the rand_source) has other IVs for the same seq. */
	struct pair q;
	pair_init(&q, &esp_suites[2]);
	q.seed = 43;
	esp_sa_free(q.out);
	q.out = test_sa_new(&esp_suites[2], ESP_DIR_OUTBOUND, SPI, &q.rnd);
	seal(&q, payload, sizeof(payload), b, sizeof(b));
	g_assert_cmpuint(get_u32(b + 4), ==, 1);
	g_assert_true(memcmp(a + 8, b + 8, 16) != 0);
	pair_clear(&q);
	pair_clear(&p);
}

static void fixed_iv_fill(void *ctx, void *out, size_t len)
{
	memcpy(out, ctx, len);
}

static void test_kat(void)
{
	for (size_t i = 0; i < kat_esp_count; i++) {
		const struct kat_esp *v = &kat_esp_vectors[i];
		uint8_t km[64], iv[16] = {0}, payload[256], want[512], got[512], out[512];
		size_t km_len = test_unhex(v->keymat, km, sizeof(km));
		size_t pl = test_unhex(v->payload, payload, sizeof(payload));
		size_t wl = test_unhex(v->packet, want, sizeof(want)), n = 0, m = 0;
		struct rand_source rnd = {fixed_iv_fill, iv};
		struct esp_sa_config cfg = {
			.spi = v->spi,
			.esp_transform = v->transform,
			.key_bits = v->key_bits,
			.auth_alg = v->auth,
			.keymat = km,
			.keymat_len = km_len,
			.dir = ESP_DIR_OUTBOUND,
			.rnd = &rnd,
		};
		struct esp_sa *out_sa, *in_sa;
		uint8_t nh = 0;

		g_test_message("vector %s", v->name);
		test_unhex(v->rand, iv, sizeof(iv));
		g_assert_cmpuint(km_len, ==, esp_keymat_len(v->transform, v->key_bits, v->auth));
		out_sa = esp_sa_new(&cfg);
		cfg.dir = ESP_DIR_INBOUND;
		in_sa = esp_sa_new(&cfg);
		g_assert_nonnull(out_sa);
		g_assert_nonnull(in_sa);
		g_assert_cmpint(
			esp_encrypt(out_sa, v->next_header, payload, pl, got, sizeof(got), &n), ==,
			0);
		g_assert_cmpmem(got, n, want, wl);
		g_assert_cmpint(esp_decrypt(in_sa, want, wl, out, sizeof(out), &m, &nh), ==, 0);
		g_assert_cmpmem(out, m, payload, pl);
		g_assert_cmpuint(nh, ==, v->next_header);
		esp_sa_free(out_sa);
		esp_sa_free(in_sa);
	}
}

/* Replay behaviour through real packets: duplicate, old, inside the window, far ahead. */
static void test_replay(void)
{
	enum { N = 400 };
	static uint8_t pkts[N][96];
	size_t lens[N];
	uint8_t payload[16] = {1, 2, 3};
	struct esp_sa_stats st;
	struct pair p;

	pair_init(&p, &esp_suites[6]);
	for (int i = 0; i < N; i++)
		lens[i] = seal(&p, payload, sizeof(payload), pkts[i], sizeof(pkts[i]));
	/* pkts[i] carries sequence number i + 1. */
	g_assert_cmpint(open_pkt(p.in, pkts[9], lens[9]), ==, 0);	      /* seq 10 */
	g_assert_cmpint(open_pkt(p.in, pkts[9], lens[9]), ==, -EALREADY);     /* duplicate */
	g_assert_cmpint(open_pkt(p.in, pkts[0], lens[0]), ==, 0);	      /* late, in window */
	g_assert_cmpint(open_pkt(p.in, pkts[0], lens[0]), ==, -EALREADY);     /* again */
	g_assert_cmpint(open_pkt(p.in, pkts[199], lens[199]), ==, 0);	      /* seq 200 */
	g_assert_cmpint(open_pkt(p.in, pkts[72], lens[72]), ==, 0);	      /* 200-73 < 128 */
	g_assert_cmpint(open_pkt(p.in, pkts[71], lens[71]), ==, -EALREADY);   /* 200-72 = 128 */
	g_assert_cmpint(open_pkt(p.in, pkts[1], lens[1]), ==, -EALREADY);     /* far behind */
	g_assert_cmpint(open_pkt(p.in, pkts[399], lens[399]), ==, 0);	      /* far ahead */
	g_assert_cmpint(open_pkt(p.in, pkts[300], lens[300]), ==, 0);	      /* 400-301 < 128 */
	g_assert_cmpint(open_pkt(p.in, pkts[199], lens[199]), ==, -EALREADY); /* too old now */
	g_assert_cmpint(open_pkt(p.in, pkts[398], lens[398]), ==, 0);
	g_assert_cmpint(open_pkt(p.in, pkts[398], lens[398]), ==, -EALREADY);
	esp_sa_get_stats(p.in, &st);
	g_assert_cmpuint(st.drop_replay, ==, 6);
	g_assert_cmpuint(st.packets, ==, 7);
	g_assert_cmpuint(st.seq, ==, 400);

	/* A forged packet with a new sequence number does not move the window. */
	uint8_t forged[96];
	memcpy(forged, pkts[399], lens[399]);
	put_u32(forged + 4, 100000);
	g_assert_cmpint(open_pkt(p.in, forged, lens[399]), ==, -EKEYREJECTED);
	g_assert_cmpint(open_pkt(p.in, pkts[300 - 1], lens[299]), ==, 0); /* still in window */
	esp_sa_get_stats(p.in, &st);
	g_assert_cmpuint(st.seq, ==, 400);
	g_assert_cmpuint(st.drop_auth, ==, 1);
	pair_clear(&p);
}

/* Against a naive model over a long random order: the ring must never wrap wrong. */
static void test_replay_model(void)
{
	static const unsigned windows[] = {64, 100, 128, 1000, ESP_REPLAY_WINDOW_MAX};

	for (size_t w = 0; w < ARRAY_SIZE(windows); w++) {
		struct esp_replay r;
		static bool seen[40000];
		uint32_t top = 0;
		uint64_t seed = 5 + w;

		memset(seen, 0, sizeof(seen));
		esp_replay_init(&r, windows[w]);
		unsigned win = r.window;
		g_assert_cmpuint(win % 64, ==, 0);
		g_assert_cmpuint(win, >=, windows[w]);
		for (int i = 0; i < 200000; i++) {
			uint16_t rv;
			uint32_t seq;

			test_rand_fill(&seed, &rv, sizeof(rv));
			/* Mostly near the top, sometimes jumps ahead by up to 3 windows. */
			if (rv % 16 == 0)
				seq = top + 1 + rv % (3 * win);
			else
				seq = top > win + 50 ? top - win - 50 + rv % (win + 60)
						     : rv % (win + 60);
			if (seq >= G_N_ELEMENTS(seen))
				break;
			bool want = seq != 0 && !seen[seq] && (seq > top || top - seq < win);
			g_assert_cmpint(esp_replay_check(&r, seq), ==, want);
			if (want) {
				esp_replay_update(&r, seq);
				seen[seq] = true;
				if (seq > top)
					top = seq;
			}
		}
		g_assert_cmpuint(r.top, ==, top);
		g_assert_cmpuint(top, >, 2000);
	}
}

/* Sequence numbers near 2^32 on the receive side. */
static void test_replay_high(void)
{
	struct esp_replay r;

	esp_replay_init(&r, 128);
	g_assert_false(esp_replay_check(&r, 0));
	g_assert_true(esp_replay_check(&r, UINT32_MAX));
	esp_replay_update(&r, UINT32_MAX);
	g_assert_false(esp_replay_check(&r, UINT32_MAX));
	g_assert_true(esp_replay_check(&r, UINT32_MAX - 127));
	g_assert_false(esp_replay_check(&r, UINT32_MAX - 128));
	g_assert_false(esp_replay_check(&r, 1));
}

/* Flip every byte of a valid packet: the SPI gives -ENOENT, all else the ICV check. */
static void test_tamper(void)
{
	uint8_t payload[45], pkt[160];

	memset(payload, 0x33, sizeof(payload));
	for (size_t s = 0; s < ARRAY_SIZE(esp_suites); s++) {
		struct esp_sa_stats st;
		struct pair p;
		size_t n;

		pair_init(&p, &esp_suites[s]);
		n = seal(&p, payload, sizeof(payload), pkt, sizeof(pkt));
		for (size_t i = 0; i < n; i++) {
			pkt[i] ^= 0x80;
			g_assert_cmpint(open_pkt(p.in, pkt, n), ==,
					i < 4 ? -ENOENT : -EKEYREJECTED);
			pkt[i] ^= 0x80;
		}
		esp_sa_get_stats(p.in, &st);
		g_assert_cmpuint(st.drop_auth, ==, n - 4);
		g_assert_cmpuint(st.drop_spi, ==, 4);
		g_assert_cmpuint(st.packets, ==, 0);
		/* Nothing moved the window: the genuine packet is still accepted. */
		g_assert_cmpint(open_pkt(p.in, pkt, n), ==, 0);
		pair_clear(&p);
	}
}

static void test_truncate(void)
{
	uint8_t payload[45], pkt[160];

	memset(payload, 0x44, sizeof(payload));
	for (size_t s = 0; s < ARRAY_SIZE(esp_suites); s++) {
		struct pair p;
		size_t n;

		pair_init(&p, &esp_suites[s]);
		n = seal(&p, payload, sizeof(payload), pkt, sizeof(pkt));
		for (size_t len = 0; len < n; len++) {
			int r = open_pkt(p.in, pkt, len);

			g_assert_true(r == -EBADMSG || r == -EKEYREJECTED);
		}
		/* One byte too many is malformed or fails the ICV too. */
		pkt[n] = 0;
		int r = open_pkt(p.in, pkt, n + 1);
		g_assert_true(r == -EBADMSG || r == -EKEYREJECTED);
		g_assert_cmpint(open_pkt(p.in, pkt, n), ==, 0);
		uint8_t small[8];
		size_t m;
		uint8_t nh;
		g_assert_cmpint(esp_decrypt(p.in, pkt, n, small, sizeof(small), &m, &nh), ==,
				-ENOBUFS);
		pair_clear(&p);
	}
}

/*
 * Build an authentic AES-128-CBC + HMAC-SHA1-96 packet with a plaintext we
 * choose, trailer included, straight with EVP: esp_encrypt() never writes a
 * bad trailer.
 */
static size_t forge_cbc(const uint8_t *pt, size_t pt_len, uint32_t seq, uint8_t *pkt)
{
	uint8_t km[64], md[EVP_MAX_MD_SIZE];
	size_t km_len = test_keymat(&esp_suites[2], km, sizeof(km)), md_len = 0;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int outl = 0;

	g_assert_cmpuint(km_len, ==, 36);
	put_u32(pkt, SPI);
	put_u32(pkt + 4, seq);
	memset(pkt + 8, 0xa5, 16);
	g_assert_true(EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, km, pkt + 8));
	EVP_CIPHER_CTX_set_padding(c, 0);
	g_assert_true(EVP_EncryptUpdate(c, pkt + 24, &outl, pt, (int)pt_len));
	EVP_CIPHER_CTX_free(c);
	g_assert_true(EVP_Q_mac(NULL, "HMAC", NULL, "SHA1", NULL, km + 16, 20, pkt, 24 + pt_len, md,
				sizeof(md), &md_len));
	memcpy(pkt + 24 + pt_len, md, 12);
	return 24 + pt_len + 12;
}

static void test_bad_trailer(void)
{
	struct esp_sa *in = test_sa_new(&esp_suites[2], ESP_DIR_INBOUND, SPI, NULL);
	uint8_t pt[32], pkt[128], out[64], nh = 0;
	struct esp_sa_stats st;
	size_t n, m = 0;

	/* Sanity: a correct trailer built this way is accepted. 29 bytes, pad 1, len 1, nh. */
	memset(pt, 0x11, sizeof(pt));
	pt[29] = 1;
	pt[30] = 1;
	pt[31] = 17;
	n = forge_cbc(pt, 32, 1, pkt);
	g_assert_cmpint(esp_decrypt(in, pkt, n, out, sizeof(out), &m, &nh), ==, 0);
	g_assert_cmpuint(m, ==, 29);
	g_assert_cmpuint(nh, ==, 17);

	/* Pad bytes not 1, 2, 3, ... */
	static const uint8_t bad_pads[][3] = {{1, 2, 4}, {0, 2, 3}, {1, 1, 3}, {3, 2, 1}};
	for (size_t i = 0; i < G_N_ELEMENTS(bad_pads); i++) {
		memcpy(pt + 27, bad_pads[i], 3);
		pt[30] = 3;
		n = forge_cbc(pt, 32, (uint32_t)(2 + i), pkt);
		g_assert_cmpint(esp_decrypt(in, pkt, n, out, sizeof(out), &m, &nh), ==, -EILSEQ);
	}
	/* Pad length longer than the plaintext. */
	pt[30] = 31;
	n = forge_cbc(pt, 32, 10, pkt);
	g_assert_cmpint(esp_decrypt(in, pkt, n, out, sizeof(out), &m, &nh), ==, -EILSEQ);
	/* Pad length 30 with 1..30: the whole plaintext is padding, payload empty: valid. */
	for (int i = 0; i < 30; i++)
		pt[i] = (uint8_t)(i + 1);
	pt[30] = 30;
	n = forge_cbc(pt, 32, 11, pkt);
	g_assert_cmpint(esp_decrypt(in, pkt, n, out, sizeof(out), &m, &nh), ==, 0);
	g_assert_cmpuint(m, ==, 0);
	/* A bad trailer did not consume its sequence number... */
	memset(pt, 0x22, sizeof(pt));
	pt[29] = 1;
	pt[30] = 1;
	pt[31] = 17;
	n = forge_cbc(pt, 32, 10, pkt);
	g_assert_cmpint(esp_decrypt(in, pkt, n, out, sizeof(out), &m, &nh), ==, 0);
	/* Dummy packet (next header 59): dropped, but counted and in the window. */
	pt[31] = 59;
	n = forge_cbc(pt, 32, 12, pkt);
	g_assert_cmpint(esp_decrypt(in, pkt, n, out, sizeof(out), &m, &nh), ==, -ENODATA);
	g_assert_cmpint(esp_decrypt(in, pkt, n, out, sizeof(out), &m, &nh), ==, -EALREADY);
	/* Ciphertext that is not a whole number of blocks. */
	g_assert_cmpint(esp_decrypt(in, pkt, n - 1, out, sizeof(out), &m, &nh), ==, -EBADMSG);

	esp_sa_get_stats(in, &st);
	g_assert_cmpuint(st.drop_trailer, ==, 5);
	g_assert_cmpuint(st.drop_dummy, ==, 1);
	g_assert_cmpuint(st.drop_replay, ==, 1);
	g_assert_cmpuint(st.drop_malformed, ==, 1);
	g_assert_cmpuint(st.packets, ==, 3);
	esp_sa_free(in);
}

static void test_seq_exhaustion(void)
{
	uint8_t payload[10] = {0}, pkt[128];
	struct pair p;
	size_t n;

	pair_init(&p, &esp_suites[6]);
	g_assert_false(esp_sa_seq_exhausted_soon(p.out));
	g_assert_false(esp_sa_seq_exhausted_soon(p.in));
	esp_sa_test_set_seq(p.out, ESP_SEQ_SOON - 2);
	seal(&p, payload, sizeof(payload), pkt, sizeof(pkt));
	g_assert_false(esp_sa_seq_exhausted_soon(p.out));
	n = seal(&p, payload, sizeof(payload), pkt, sizeof(pkt));
	g_assert_cmpuint(get_u32(pkt + 4), ==, ESP_SEQ_SOON);
	g_assert_true(esp_sa_seq_exhausted_soon(p.out));
	g_assert_cmpint(open_pkt(p.in, pkt, n), ==, 0);

	esp_sa_test_set_seq(p.out, UINT32_MAX - 1);
	n = seal(&p, payload, sizeof(payload), pkt, sizeof(pkt));
	g_assert_cmpuint(get_u32(pkt + 4), ==, UINT32_MAX);
	g_assert_cmpint(open_pkt(p.in, pkt, n), ==, 0);
	/* The counter must not cycle (RFC 4303 3.3.3). */
	g_assert_cmpint(esp_encrypt(p.out, 17, payload, sizeof(payload), pkt, sizeof(pkt), &n), ==,
			-EOVERFLOW);
	g_assert_cmpint(esp_encrypt(p.out, 17, payload, sizeof(payload), pkt, sizeof(pkt), &n), ==,
			-EOVERFLOW);
	pair_clear(&p);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/esp/keymat-len", test_keymat_len);
	g_test_add_func("/esp/bad-config", test_bad_config);
	g_test_add_func("/esp/roundtrip", test_roundtrip);
	g_test_add_func("/esp/cbc-iv-fresh", test_cbc_iv_fresh);
	g_test_add_func("/esp/kat", test_kat);
	g_test_add_func("/esp/replay", test_replay);
	g_test_add_func("/esp/replay-model", test_replay_model);
	g_test_add_func("/esp/replay-high", test_replay_high);
	g_test_add_func("/esp/tamper", test_tamper);
	g_test_add_func("/esp/truncate", test_truncate);
	g_test_add_func("/esp/bad-trailer", test_bad_trailer);
	g_test_add_func("/esp/seq-exhaustion", test_seq_exhaustion);
	return g_test_run();
}
