/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: a decrypted payload chain (what MM6, QM2 and encrypted
 * Informationals become after CBC). Input: one byte naming the first payload
 * type, then the plaintext, padding allowed.
 */
#include <stddef.h>
#include <stdint.h>

#include "isakmp-sa.h"
#include "isakmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isakmp_msg m;
	struct isakmp_sa sa;
	struct isakmp_xf xf;
	size_t i;

	if (size < 1)
		return 0;
	if (isakmp_parse_chain(&m, data[0], data + 1, size - 1, true))
		return 0;
	for (i = 0; i < m.n; i++) {
		const struct isakmp_pl *pl = &m.pl[i];

		if (pl->type == ISAKMP_PL_SA) {
			isakmp_sa_parse(pl, true, &sa);
			isakmp_sa_parse(pl, false, &sa);
		}
		if (pl->type == ISAKMP_PL_N)
			isakmp_attrs_parse(pl->data, pl->data_len, false, &xf);
	}
	isakmp_find(&m, ISAKMP_PL_NAT_OA, 1);
	return 0;
}
