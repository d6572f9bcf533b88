/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Known-answer ESP packets (the first packet, seq 1, of an SA); data in kat-esp-data.c. */
#ifndef L2I_KAT_ESP_H
#define L2I_KAT_ESP_H

#include <stddef.h>
#include <stdint.h>

struct kat_esp {
	const char *name;
	uint8_t transform;
	uint16_t key_bits;
	uint16_t auth;
	const char *keymat; /* hex */
	uint32_t spi;
	const char *rand; /* hex; CBC: the IV key the rand_source returns; GCM: "" */
	uint8_t next_header;
	const char *payload; /* hex */
	const char *packet;  /* hex, from the SPI to the ICV */
};

extern const struct kat_esp kat_esp_vectors[];
extern const size_t kat_esp_count;

#endif
