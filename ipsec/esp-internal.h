/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ESP internals shared by esp*.c and the unit tests; not part of the API. */
#ifndef L2I_ESP_INTERNAL_H
#define L2I_ESP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "esp.h"

/*
 * Anti-replay window (RFC 4303 section 3.4.3) as a ring of 64-bit words in the
 * style of RFC 6479: bit (seq mod size) records seq; moving the top forward
 * clears only the words it passes. One spare word keeps the whole window
 * addressable while the top's word is partly filled.
 */
#define ESP_REPLAY_WORDS (ESP_REPLAY_WINDOW_MAX / 64 + 1)

struct esp_replay {
	uint32_t top; /* highest accepted sequence number, 0 before the first */
	unsigned window;
	unsigned words;
	uint64_t bits[ESP_REPLAY_WORDS];
};

/* window is already validated (MIN..MAX); it is rounded up to a multiple of 64. */
void esp_replay_init(struct esp_replay *r, unsigned window);
/* true when seq is new and inside the window; changes nothing. */
bool esp_replay_check(const struct esp_replay *r, uint32_t seq);
/* Records seq (call only after the ICV verified and esp_replay_check() passed). */
void esp_replay_update(struct esp_replay *r, uint32_t seq);

/* Tests: set the outbound counter to the last sequence number "sent". */
void esp_sa_test_set_seq(struct esp_sa *sa, uint32_t seq);

#endif
