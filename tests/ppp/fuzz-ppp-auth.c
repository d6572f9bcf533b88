/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: whole frames into ppp_rx (any protocol: LCP to reach the
 * authentication phase, then PAP/CHAP/MS-CHAPv2 packets, NCPs, IP). The seed
 * corpus holds real server transcripts for the deterministic client.
 */
#include <stdlib.h>

#include "fuzz-harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_send(void *ctx, const uint8_t *f, size_t len)
{
	/* we always send FF 03 + a 2-byte protocol */
	if (len < 4 || f[0] != 0xff || f[1] != 0x03)
		abort();
}

static void on_event(void *ctx, const struct ppp_event *ev)
{
	if (ev->type >= PPP_EV_AUTH_FAILED && !ev->message)
		abort();
}

static volatile uint8_t sink;

/* touch every byte, so ASan checks the zero-copy pointer */
static void on_ip(void *ctx, const uint8_t *pkt, size_t len, bool is_ipv6)
{
	for (size_t i = 0; i < len; i++)
		sink ^= pkt[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ppp_callbacks cb = {.send = on_send, .event = on_event, .deliver_ip = on_ip};
	struct secbuf *pw = secbuf_new_str("alice-pass");
	uint64_t seed = FUZZ_RAND_SEED, now = 1000;
	struct rand_source rnd = {fuzz_rand, &seed};
	struct ppp_config cfg;
	struct ppp *p;
	size_t off = 1;

	if (size < 1 || !pw) {
		secbuf_free(pw);
		return 0;
	}
	fuzz_config(data[0], &cfg, pw);
	p = ppp_new(&cfg, &cb, NULL, &rnd, NULL);
	if (!p)
		abort();
	ppp_start(p, now);
	while (off + 2 <= size) {
		uint8_t op = data[off], len = data[off + 1];

		off += 2;
		if (op == FUZZ_OP_TICK) {
			now += (uint64_t)len * 100;
			ppp_tick(p, now);
			continue;
		}
		if (len > size - off)
			len = (uint8_t)(size - off);
		now += 10;
		ppp_rx(p, data + off, len, now);
		off += len;
		if (ppp_next_timeout(p) <= now)
			ppp_tick(p, now);
	}
	{
		static const uint8_t ip[20] = {0x45};

		ppp_send_ip(p, ip, sizeof(ip), false);
	}
	ppp_close(p, now);
	ppp_tick(p, now + 100000);
	ppp_free(p);
	secbuf_free(pw);
	return 0;
}
