/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * AES-CBC over up to eight messages in parallel with AES-NI (aes-lanes.h).
 *
 * The key schedule is FIPS 197 section 5.2 with AESKEYGENASSIST supplying
 * SubWord(RotWord(w)) ^ Rcon; the rounds are AESENC/AESENCLAST. Each of the
 * eight lanes has its own chaining value, and the round loop runs across
 * lanes so that eight independent AESENCs are in flight at once.
 */
#include <string.h>

#include "aes-lanes.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

#define AESNI __attribute__((target("aes,sse4.1")))

/* CPUID leaf 1, ECX: AES-NI (bit 25) and SSE4.1 (bit 19). */
bool aes_lanes_supported(void)
{
	static int cached = -1;
	unsigned a, b, c, d;

	if (cached < 0)
		cached = __get_cpuid(1, &a, &b, &c, &d) && (c & 1u << 25) && (c & 1u << 19);
	return cached;
}

/* w[i..i+3] from w[i-4..i-1] (in prev) and t, the AESKEYGENASSIST word broadcast to all four */
AESNI static __m128i next4(__m128i prev, __m128i t)
{
	prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
	prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
	prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
	return _mm_xor_si128(prev, t);
}

#define ASSIST(x, rcon, sel) _mm_shuffle_epi32(_mm_aeskeygenassist_si128(x, rcon), sel)

AESNI static void expand128(const uint8_t *key, __m128i rk[11])
{
	rk[0] = _mm_loadu_si128((const __m128i *)key);
	rk[1] = next4(rk[0], ASSIST(rk[0], 0x01, 0xff));
	rk[2] = next4(rk[1], ASSIST(rk[1], 0x02, 0xff));
	rk[3] = next4(rk[2], ASSIST(rk[2], 0x04, 0xff));
	rk[4] = next4(rk[3], ASSIST(rk[3], 0x08, 0xff));
	rk[5] = next4(rk[4], ASSIST(rk[4], 0x10, 0xff));
	rk[6] = next4(rk[5], ASSIST(rk[5], 0x20, 0xff));
	rk[7] = next4(rk[6], ASSIST(rk[6], 0x40, 0xff));
	rk[8] = next4(rk[7], ASSIST(rk[7], 0x80, 0xff));
	rk[9] = next4(rk[8], ASSIST(rk[8], 0x1b, 0xff));
	rk[10] = next4(rk[9], ASSIST(rk[9], 0x36, 0xff));
}

/* AES-256: even round keys take SubWord(RotWord()) ^ Rcon (word 3 of the assist), odd ones
 * SubWord() alone (word 2), FIPS 197 section 5.2. */
AESNI static void expand256(const uint8_t *key, __m128i rk[15])
{
	static const int rcon[7] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40};

	rk[0] = _mm_loadu_si128((const __m128i *)key);
	rk[1] = _mm_loadu_si128((const __m128i *)(key + 16));
	for (int i = 2; i < 15; i += 2) {
		/* the immediate must be a constant: one case per Rcon */
		__m128i a;

		switch (rcon[i / 2 - 1]) {
		case 0x01: a = _mm_aeskeygenassist_si128(rk[i - 1], 0x01); break;
		case 0x02: a = _mm_aeskeygenassist_si128(rk[i - 1], 0x02); break;
		case 0x04: a = _mm_aeskeygenassist_si128(rk[i - 1], 0x04); break;
		case 0x08: a = _mm_aeskeygenassist_si128(rk[i - 1], 0x08); break;
		case 0x10: a = _mm_aeskeygenassist_si128(rk[i - 1], 0x10); break;
		case 0x20: a = _mm_aeskeygenassist_si128(rk[i - 1], 0x20); break;
		default: a = _mm_aeskeygenassist_si128(rk[i - 1], 0x40); break;
		}
		rk[i] = next4(rk[i - 2], _mm_shuffle_epi32(a, 0xff));
		if (i + 1 < 15)
			rk[i + 1] = next4(rk[i - 1], ASSIST(rk[i], 0x00, 0xaa));
	}
}

bool aes_lanes_set_key(struct aes_lanes_key *k, const uint8_t *key, size_t key_len)
{
	__m128i rk[15];

	if (!aes_lanes_supported() || (key_len != 16 && key_len != 32))
		return false;
	memset(k, 0, sizeof(*k));
	if (key_len == 16) {
		expand128(key, rk);
		k->rounds = 10;
	} else {
		expand256(key, rk);
		k->rounds = 14;
	}
	for (unsigned i = 0; i <= k->rounds; i++)
		_mm_storeu_si128((__m128i *)k->rk[i], rk[i]);
	memset(rk, 0, sizeof(rk));
	__asm__ __volatile__("" : : "r"(rk) : "memory"); /* keep the wipe */
	return true;
}

/* blocks blocks of lanes 0..N-1 from block offset off, chaining values in c. N is a
 * constant in each instance, so the lane loops unroll and c stays in registers. */
AESNI static inline __attribute__((always_inline)) void run_lanes(const __m128i *rk, unsigned rounds,
							    __m128i *c, uint8_t *const *data,
							    size_t off, size_t blocks, unsigned N)
{
	__m128i x[AES_LANES_MAX];

	for (unsigned l = 0; l < N; l++)
		x[l] = c[l];
	for (size_t j = off; j < off + blocks; j++) {
		_Pragma("GCC unroll 8") for (unsigned l = 0; l < N; l++)
		{
			__m128i p = _mm_loadu_si128((const __m128i *)(data[l] + 16 * j));

			x[l] = _mm_xor_si128(_mm_xor_si128(x[l], p), rk[0]);
		}
		for (unsigned r = 1; r < rounds; r++)
			_Pragma("GCC unroll 8") for (unsigned l = 0; l < N; l++)
				x[l] = _mm_aesenc_si128(x[l], rk[r]);
		_Pragma("GCC unroll 8") for (unsigned l = 0; l < N; l++)
		{
			x[l] = _mm_aesenclast_si128(x[l], rk[rounds]);
			_mm_storeu_si128((__m128i *)(data[l] + 16 * j), x[l]);
		}
	}
	for (unsigned l = 0; l < N; l++)
		c[l] = x[l];
}

#define RUN_N(n)                                                                              \
	AESNI static void run_##n(const __m128i *rk, unsigned rounds, __m128i *c,             \
				  uint8_t *const *data, size_t off, size_t blocks)             \
	{                                                                                     \
		run_lanes(rk, rounds, c, data, off, blocks, n);                               \
	}
RUN_N(1)
RUN_N(2)
RUN_N(3)
RUN_N(4)
RUN_N(5)
RUN_N(6)
RUN_N(7)
RUN_N(8)

typedef void (*run_fn)(const __m128i *, unsigned, __m128i *, uint8_t *const *, size_t, size_t);
static const run_fn runs[AES_LANES_MAX + 1] = {
	NULL, run_1, run_2, run_3, run_4, run_5, run_6, run_7, run_8,
};

/* Up to eight lanes: all together while they all have blocks left, then the longer ones. */
AESNI static void encrypt_group(const __m128i *rk, unsigned rounds, const struct aes_lane *g,
				unsigned n)
{
	__m128i c[AES_LANES_MAX];
	uint8_t *data[AES_LANES_MAX];
	size_t left[AES_LANES_MAX], done = 0;
	unsigned active = n;

	for (unsigned l = 0; l < n; l++) {
		c[l] = _mm_loadu_si128((const __m128i *)g[l].iv);
		data[l] = g[l].data;
		left[l] = g[l].blocks;
	}
	while (active) {
		size_t step = SIZE_MAX;
		unsigned keep = 0;

		for (unsigned l = 0; l < active; l++)
			if (left[l] < step)
				step = left[l];
		if (step)
			runs[active](rk, rounds, c, data, done, step);
		done += step;
		/* drop the finished lanes, keeping the others' order and state */
		for (unsigned l = 0; l < active; l++) {
			left[l] -= step;
			if (!left[l])
				continue;
			c[keep] = c[l];
			data[keep] = data[l];
			left[keep] = left[l];
			keep++;
		}
		active = keep;
	}
}

AESNI void aes_lanes_cbc_encrypt(const struct aes_lanes_key *k, const struct aes_lane *lanes,
				 unsigned n)
{
	__m128i rk[15];

	for (unsigned i = 0; i <= k->rounds; i++)
		rk[i] = _mm_loadu_si128((const __m128i *)k->rk[i]);
	for (unsigned i = 0; i < n; i += AES_LANES_MAX)
		encrypt_group(rk, k->rounds, lanes + i, n - i < AES_LANES_MAX ? n - i : AES_LANES_MAX);
	memset(rk, 0, sizeof(rk));
	__asm__ __volatile__("" : : "r"(rk) : "memory");
}

#else /* no AES-NI code for this target: ESP uses EVP */

bool aes_lanes_supported(void)
{
	return false;
}

bool aes_lanes_set_key(struct aes_lanes_key *k, const uint8_t *key, size_t key_len)
{
	(void)k, (void)key, (void)key_len;
	return false;
}

void aes_lanes_cbc_encrypt(const struct aes_lanes_key *k, const struct aes_lane *lanes,
			   unsigned n)
{
	(void)k, (void)lanes, (void)n;
}

#endif
