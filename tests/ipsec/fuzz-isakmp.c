/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: one whole ISAKMP datagram as it arrives from the network,
 * through the codec (header, payload chain, SA contents) and through an
 * initiator waiting for MM2 (the surface exposed before any key exists).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ipsec.h"
#include "isakmp-sa.h"
#include "isakmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fixed_rand(void *ctx, void *buf, size_t len)
{
	memset(buf, 0x5a, len);
	(void)ctx;
}

static void no_send(void *ctx, bool natt, const uint8_t *msg, size_t len)
{
	(void)ctx, (void)natt, (void)msg, (void)len;
}

static void no_event(void *ctx, const struct ike_event *ev)
{
	(void)ctx, (void)ev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ike_callbacks cb = {no_send, no_event};
	struct rand_source rnd = {fixed_rand, NULL};
	struct ike_config cfg = {.local_ip = {10, 0, 0, 2}, .remote_ip = {10, 0, 0, 1}};
	struct isakmp_msg m;
	struct isakmp_sa sa;
	struct secbuf *psk;
	struct ike_sa *ike;
	size_t i;

	if (isakmp_parse(data, size, &m) == 0) {
		for (i = 0; i < m.n; i++) {
			if (m.pl[i].type == ISAKMP_PL_SA) {
				isakmp_sa_parse(&m.pl[i], true, &sa);
				isakmp_sa_parse(&m.pl[i], false, &sa);
			}
		}
		isakmp_check_payloads(&m, ISAKMP_BIT(ISAKMP_PL_SA), ISAKMP_BIT(ISAKMP_PL_VID));
	}
	/* the initiator's cookie is 5a5a..5a: corpus files may carry it */
	psk = secbuf_new_str("fuzz");
	cfg.psk = psk;
	ike = ike_sa_new(&cfg, &cb, NULL, &rnd, NULL);
	if (ike) {
		ike_sa_start(ike, 0);
		ike_sa_rx(ike, false, data, size, 1);
		ike_sa_rx(ike, true, data, size, 2);
		ike_sa_free(ike);
	}
	secbuf_free(psk);
	return 0;
}
