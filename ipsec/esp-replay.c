/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Anti-replay window, RFC 4303 section 3.4.3 (32-bit sequence numbers, no ESN). */
#include <string.h>

#include "esp-internal.h"

void esp_replay_init(struct esp_replay *r, unsigned window)
{
	memset(r, 0, sizeof(*r));
	r->window = (window + 63) / 64 * 64;
	r->words = r->window / 64 + 1;
}

static unsigned bit_word(const struct esp_replay *r, uint32_t seq)
{
	return (seq / 64) % r->words;
}

bool esp_replay_check(const struct esp_replay *r, uint32_t seq)
{
	/* The first packet carries 1; 0 is never sent (RFC 4303 3.3.3). */
	if (seq == 0)
		return false;
	if (seq > r->top)
		return true;
	if (r->top - seq >= r->window)
		return false;
	return !(r->bits[bit_word(r, seq)] & (1ull << (seq % 64)));
}

void esp_replay_update(struct esp_replay *r, uint32_t seq)
{
	if (seq > r->top) {
		uint32_t diff = seq / 64 - r->top / 64;

		if (diff >= r->words) {
			memset(r->bits, 0, sizeof(r->bits));
		} else {
			for (uint32_t i = 1; i <= diff; i++)
				r->bits[(r->top / 64 + i) % r->words] = 0;
		}
		r->top = seq;
	}
	r->bits[bit_word(r, seq)] |= 1ull << (seq % 64);
}
