/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * HMAC-SHA1 over up to four messages in parallel with the SHA extensions
 * (sha1-lanes.h).
 *
 * One 64-byte block is 20 groups of four rounds. Group g uses message words
 * W[4g..4g+3]: loaded (byte-swapped) for g < 4, then from the four groups
 * before it with SHA1MSG1/XOR/SHA1MSG2 (FIPS 180-4 section 6.1.2 step 1).
 * SHA1NEXTE adds the rotated A of two groups back into the next group's
 * words, which is how E moves along; SHA1RNDS4 does the four rounds with
 * function f = g / 5. The lanes' groups interleave so their latencies overlap.
 */
#include <string.h>

#include "sha1-lanes.h"

static const uint32_t sha1_iv[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
				    0xc3d2e1f0};

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

#define SHANI __attribute__((target("sha,sse4.1")))

/* CPUID leaf 7, EBX bit 29: the SHA extensions; leaf 1, ECX bit 19: SSE4.1 (with SSSE3's
 * byte shuffle, ECX bit 9). */
bool sha1_lanes_supported(void)
{
	static int cached = -1;
	unsigned a, b, c, d;

	if (cached < 0)
		cached = __get_cpuid(1, &a, &b, &c, &d) && (c & 1u << 19) && (c & 1u << 9) &&
			 __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & 1u << 29);
	return cached;
}

/* One group of four rounds in every lane; g and f are constants in each expansion. */
#define GROUP(g, f)                                                                           \
	_Pragma("GCC unroll 4") for (unsigned l = 0; l < N; l++)                              \
	{                                                                                     \
		__m128i *m = w[l];                                                            \
		if ((g) < 4)                                                                  \
			m[(g) & 3] = _mm_shuffle_epi8(                                        \
				_mm_loadu_si128((const __m128i *)(p[l] + 64 * b + 16 * ((g) & 3))), \
				bswap);                                                       \
		else                                                                          \
			m[(g) & 3] = _mm_sha1msg2_epu32(                                      \
				_mm_xor_si128(_mm_sha1msg1_epu32(m[(g) & 3], m[((g) + 1) & 3]),  \
					      m[((g) + 2) & 3]),                              \
				m[((g) + 3) & 3]);                                            \
		e[l] = (g) == 0 ? _mm_add_epi32(e0[l], m[0])                                  \
				: _mm_sha1nexte_epu32(prev[l], m[(g) & 3]);                   \
		prev[l] = abcd[l];                                                            \
		abcd[l] = _mm_sha1rnds4_epu32(abcd[l], e[l], f);                              \
	}

/* nblk blocks of each of N lanes (p[l], 64-byte blocks) into the states st[l]. */
SHANI static inline __attribute__((always_inline)) void
compress(uint32_t (*st)[5], const uint8_t *const *p, size_t nblk, unsigned N)
{
	const __m128i bswap = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
	__m128i abcd[SHA1_LANES_MAX], e0[SHA1_LANES_MAX], w[SHA1_LANES_MAX][4];
	__m128i prev[SHA1_LANES_MAX], e[SHA1_LANES_MAX], abcd0[SHA1_LANES_MAX], e00[SHA1_LANES_MAX];

	for (unsigned l = 0; l < N; l++) {
		/* A in the top dword, D in the bottom; E alone in the top dword of e0 */
		abcd[l] = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)st[l]), 0x1b);
		e0[l] = _mm_set_epi32((int)st[l][4], 0, 0, 0);
	}
	for (size_t b = 0; b < nblk; b++) {
		for (unsigned l = 0; l < N; l++) {
			abcd0[l] = abcd[l];
			e00[l] = e0[l];
		}
		GROUP(0, 0) GROUP(1, 0) GROUP(2, 0) GROUP(3, 0) GROUP(4, 0)
		GROUP(5, 1) GROUP(6, 1) GROUP(7, 1) GROUP(8, 1) GROUP(9, 1)
		GROUP(10, 2) GROUP(11, 2) GROUP(12, 2) GROUP(13, 2) GROUP(14, 2)
		GROUP(15, 3) GROUP(16, 3) GROUP(17, 3) GROUP(18, 3) GROUP(19, 3)
		for (unsigned l = 0; l < N; l++) {
			e0[l] = _mm_sha1nexte_epu32(prev[l], e00[l]);
			abcd[l] = _mm_add_epi32(abcd[l], abcd0[l]);
		}
	}
	for (unsigned l = 0; l < N; l++) {
		_mm_storeu_si128((__m128i *)st[l], _mm_shuffle_epi32(abcd[l], 0x1b));
		st[l][4] = (uint32_t)_mm_extract_epi32(e0[l], 3);
	}
}

#define COMPRESS_N(n)                                                                         \
	SHANI static void compress_##n(uint32_t(*st)[5], const uint8_t *const *p, size_t nblk) \
	{                                                                                     \
		compress(st, p, nblk, n);                                                     \
	}
COMPRESS_N(1)
COMPRESS_N(2)
COMPRESS_N(3)
COMPRESS_N(4)

typedef void (*compress_fn)(uint32_t (*)[5], const uint8_t *const *, size_t);
static const compress_fn compressors[SHA1_LANES_MAX + 1] = {
	NULL, compress_1, compress_2, compress_3, compress_4,
};

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The last bytes of a message that already hashed `before` bytes, padded with the bit
 * length (FIPS 180-4 section 5.1.1): 1 or 2 blocks into out; how many. */
static size_t pad_tail(uint8_t out[128], const uint8_t *tail, size_t rem, uint64_t total)
{
	size_t blocks = rem + 9 > 64 ? 2 : 1;
	uint64_t bits = total * 8;

	memset(out, 0, 64 * blocks);
	memcpy(out, tail, rem);
	out[rem] = 0x80;
	for (int i = 0; i < 8; i++)
		out[64 * blocks - 1 - i] = (uint8_t)(bits >> (8 * i));
	return blocks;
}

bool hmac_sha1_lanes_set_key(struct hmac_sha1_lanes_key *k, const uint8_t *key, size_t key_len)
{
	uint8_t pad[64];
	const uint8_t *p = pad;

	if (!sha1_lanes_supported() || key_len > 64)
		return false;
	memcpy(k->inner, sha1_iv, sizeof(sha1_iv));
	memcpy(k->outer, sha1_iv, sizeof(sha1_iv));
	for (size_t i = 0; i < 64; i++)
		pad[i] = (uint8_t)((i < key_len ? key[i] : 0) ^ 0x36);
	compress_1(&k->inner, &p, 1);
	for (size_t i = 0; i < 64; i++)
		pad[i] = (uint8_t)((i < key_len ? key[i] : 0) ^ 0x5c);
	compress_1(&k->outer, &p, 1);
	memset(pad, 0, sizeof(pad));
	__asm__ __volatile__("" : : "r"(pad) : "memory"); /* keep the wipe */
	return true;
}

/* Up to four lanes of the same length. */
static void hmac_group(const struct hmac_sha1_lanes_key *k, const struct hmac_lane *g,
		       unsigned n)
{
	uint32_t st[SHA1_LANES_MAX][5];
	uint8_t tail[SHA1_LANES_MAX][128];
	const uint8_t *p[SHA1_LANES_MAX];
	size_t len = g[0].len, full = len / 64, tail_blocks = 0;

	for (unsigned l = 0; l < n; l++) {
		memcpy(st[l], k->inner, sizeof(k->inner));
		p[l] = g[l].data;
	}
	if (full)
		compressors[n](st, p, full);
	for (unsigned l = 0; l < n; l++) {
		tail_blocks = pad_tail(tail[l], g[l].data + 64 * full, len % 64, 64 + len);
		p[l] = tail[l];
	}
	compressors[n](st, p, tail_blocks);
	/* outer: the key's outer pad block, then the inner digest, padded */
	for (unsigned l = 0; l < n; l++) {
		uint8_t digest[SHA1_DIGEST_LEN];

		for (int i = 0; i < 5; i++)
			put_be32(digest + 4 * i, st[l][i]);
		memcpy(st[l], k->outer, sizeof(k->outer));
		pad_tail(tail[l], digest, sizeof(digest), 64 + sizeof(digest));
	}
	compressors[n](st, p, 1);
	for (unsigned l = 0; l < n; l++)
		for (int i = 0; i < 5; i++)
			put_be32(g[l].mac + 4 * i, st[l][i]);
}

void hmac_sha1_lanes(const struct hmac_sha1_lanes_key *k, const struct hmac_lane *lanes,
		     unsigned n)
{
	for (unsigned i = 0; i < n;) {
		unsigned m = 1;

		while (i + m < n && m < SHA1_LANES_MAX && lanes[i + m].len == lanes[i].len)
			m++;
		hmac_group(k, lanes + i, m);
		i += m;
	}
}

#else /* no SHA extensions code for this target: ESP uses EVP's HMAC */

bool sha1_lanes_supported(void)
{
	return false;
}

bool hmac_sha1_lanes_set_key(struct hmac_sha1_lanes_key *k, const uint8_t *key, size_t key_len)
{
	(void)k, (void)key, (void)key_len, (void)sha1_iv;
	return false;
}

void hmac_sha1_lanes(const struct hmac_sha1_lanes_key *k, const struct hmac_lane *lanes,
		     unsigned n)
{
	(void)k, (void)lanes, (void)n;
}

#endif
