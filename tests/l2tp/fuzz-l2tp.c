/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: one UDP payload from the LNS, parsed as header + AVPs (with a
 * secret, so hidden AVPs decode) and fed to a LAC waiting for SCCRP and to a
 * LAC whose tunnel and session are up. Seeds: tests/l2tp/corpus-l2tp, written
 * by test-l2tp-tunnel with L2TP_CORPUS_DIR set (LAC tunnel 0x1234, session
 * 0x5678, LNS 1/1).
 */
#include <stdlib.h>
#include <string.h>

#include "l2tp-int.h"

static void fixed_rand(void *ctx, void *buf, size_t len)
{
	memset(buf, 0x5a, len);
}

static void drop_send(void *ctx, const uint8_t *pkt, size_t len)
{
}

static void drop_event(void *ctx, const struct l2tp_event *ev)
{
	/* touch what an engine would read */
	if (ev->type == L2TP_EV_PPP_FRAME && ev->len)
		*(volatile uint8_t *)ctx = ev->data[ev->len - 1];
	else
		*(volatile uint8_t *)ctx = (uint8_t)strlen(ev->text) + (uint8_t)strlen(ev->message);
}

static const struct rand_source rnd = {fixed_rand, NULL};
static const struct l2tp_callbacks cb = {drop_send, drop_event};

static int feed_reply(struct l2tp_tunnel *t, uint16_t type, uint16_t session_id, uint16_t ns,
		      uint16_t nr)
{
	uint8_t buf[128], ver[2] = {1, 0};
	struct wr w;

	wr_init(&w, buf, sizeof(buf));
	l2tp_build_begin(&w, 0x1234, session_id, type);
	if (type == L2TP_MSG_SCCRP) {
		l2tp_put_bytes(&w, L2TP_AVP_PROTOCOL_VERSION, ver, 2);
		l2tp_put_bytes(&w, L2TP_AVP_HOST_NAME, "lns", 3);
		l2tp_put_u32(&w, L2TP_AVP_FRAMING_CAP, 3);
		l2tp_put_u16(&w, L2TP_AVP_ASSIGNED_TUNNEL_ID, 1);
	} else {
		l2tp_put_u16(&w, L2TP_AVP_ASSIGNED_SESSION_ID, 1);
	}
	if (l2tp_build_end(&w) < 0)
		abort();
	l2tp_set_ns_nr(buf, ns, nr);
	return l2tp_tunnel_rx(t, buf, w.len, 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct l2tp_msg m;
	struct secbuf *secret = secbuf_new_str("tunnel-secret");
	struct l2tp_config cfg = {.tunnel_id = 0x1234, .session_id = 0x5678};
	struct l2tp_tunnel *t;
	struct l2tp_hdr h;
	uint8_t sink;

	if (l2tp_hdr_parse(data, size, &h) == 0 && (h.flags & L2TP_HDR_T))
		l2tp_msg_parse(h.payload, h.payload_len, secret, &m);

	/* waiting for SCCRP, with a secret */
	cfg.tunnel_secret = secret;
	t = l2tp_tunnel_new(&cfg, &cb, &sink, &rnd, NULL);
	l2tp_tunnel_start(t, 1);
	l2tp_tunnel_rx(t, data, size, 3);
	l2tp_tunnel_tick(t, l2tp_tunnel_next_timeout(t));
	l2tp_tunnel_close(t, 1, 100000);
	l2tp_tunnel_free(t);

	/* tunnel and session up, no secret */
	cfg.tunnel_secret = NULL;
	t = l2tp_tunnel_new(&cfg, &cb, &sink, &rnd, NULL);
	l2tp_tunnel_start(t, 1);
	if (feed_reply(t, L2TP_MSG_SCCRP, 0, 0, 1) != 0 ||
	    feed_reply(t, L2TP_MSG_ICRP, 0x5678, 1, 3) != 0 || !l2tp_session_is_up(t))
		abort();
	l2tp_tunnel_rx(t, data, size, 3);
	l2tp_tunnel_tick(t, l2tp_tunnel_next_timeout(t));
	l2tp_tunnel_close(t, 1, 100000);
	l2tp_tunnel_tick(t, l2tp_tunnel_next_timeout(t));
	l2tp_tunnel_free(t);
	secbuf_free(secret);
	return 0;
}
