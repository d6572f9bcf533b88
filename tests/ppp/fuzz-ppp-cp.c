/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the LCP/IPCP/IPV6CP packet parser and automaton. Records are
 * control packets; op 0 = LCP, 1 = IPCP, 2 = IPV6CP (see fuzz-harness.h).
 */
#include <stdlib.h>

#include "fuzz-harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_send(void *ctx, const uint8_t *f, size_t len)
{
	(void)ctx;
	(void)f;
	(void)len;
}

static void on_event(void *ctx, const struct ppp_event *ev)
{
	/* every terminal event must carry a message */
	if (ev->type >= PPP_EV_AUTH_FAILED && !ev->message)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t protos[] = {0xc021, 0x8021, 0x8057};
	const struct ppp_callbacks cb = {.send = on_send, .event = on_event};
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
		uint8_t frame[4 + 255];

		off += 2;
		if (op == FUZZ_OP_TICK) {
			now += (uint64_t)len * 100;
			ppp_tick(p, now);
			continue;
		}
		if (len > size - off)
			len = (uint8_t)(size - off);
		frame[0] = 0xff;
		frame[1] = 0x03;
		put_u16(frame + 2, protos[op % 3]);
		memcpy(frame + 4, data + off, len);
		off += len;
		now += 10;
		ppp_rx(p, frame, 4u + len, now);
		if (ppp_next_timeout(p) <= now)
			ppp_tick(p, now);
	}
	ppp_close(p, now);
	ppp_tick(p, now + 100000);
	ppp_free(p);
	secbuf_free(pw);
	return 0;
}
