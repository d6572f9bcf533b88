/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * RFC 3948 helpers: what came in on UDP 4500, the NAT-keepalive, and the
 * inner UDP header that L2TP rides in inside transport-mode ESP.
 */
#include <errno.h>
#include <string.h>

#include "esp.h"

enum esp_udp_kind esp_udp_classify(const uint8_t *data, size_t len)
{
	/* RFC 3948 section 2.3: a NAT-keepalive is the single octet 0xff. */
	if (len == 1 && data[0] == ESP_NATT_KEEPALIVE)
		return ESP_UDP_KEEPALIVE;
	if (len < ESP_NON_ESP_MARKER_LEN)
		return ESP_UDP_INVALID;
	/* Section 2.2: four zero octets where an SPI would be mean IKE follows. */
	if (get_u32(data) == 0)
		return len > ESP_NON_ESP_MARKER_LEN ? ESP_UDP_IKE : ESP_UDP_INVALID;
	/* Section 2.1: an ESP header, SPI (non-zero) and sequence number. */
	return len >= ESP_HDR_LEN ? ESP_UDP_ESP : ESP_UDP_INVALID;
}

size_t esp_udp_keepalive(uint8_t *out, size_t cap)
{
	if (cap < 1)
		return 0;
	out[0] = ESP_NATT_KEEPALIVE;
	return 1;
}

/* RFC 768 checksum over the pseudo header, UDP header and payload. */
static uint16_t udp_checksum(const struct esp_udp_pseudo *ph, const uint8_t hdr[8],
			     const uint8_t *payload, size_t len)
{
	uint8_t tail[8];
	uint32_t sum = 0;
	uint16_t csum;

	sum = inet_csum_add(sum, ph->src, ph->addr_len);
	sum = inet_csum_add(sum, ph->dst, ph->addr_len);
	/* IPv4: zero|17|UDP length; IPv6: 32-bit length|zero|17, same sum. */
	put_u32(tail, (uint32_t)(ESP_UDP_HDR_LEN + len));
	put_u32(tail + 4, 17);
	sum = inet_csum_add(sum, tail, 8);
	sum = inet_csum_add(sum, hdr, 6); /* the checksum field itself counts as zero */
	sum = inet_csum_add(sum, payload, len);
	csum = inet_csum_fold(sum);
	/* A computed 0 is sent as all ones (RFC 768). */
	return csum ? csum : 0xffff;
}

int esp_udp_inner_build(uint8_t hdr[ESP_UDP_HDR_LEN], uint16_t sport, uint16_t dport,
			const uint8_t *payload, size_t len, const struct esp_udp_pseudo *ph)
{
	if (len > 0xffff - ESP_UDP_HDR_LEN)
		return -EINVAL;
	if (ph && ((ph->addr_len != 4 && ph->addr_len != 16) || !ph->src || !ph->dst))
		return -EINVAL;
	put_u16(hdr, sport);
	put_u16(hdr + 2, dport);
	put_u16(hdr + 4, (uint16_t)(ESP_UDP_HDR_LEN + len));
	put_u16(hdr + 6, 0);
	if (ph)
		put_u16(hdr + 6, udp_checksum(ph, hdr, payload, len));
	return 0;
}

int esp_udp_l2tp_header(uint8_t hdr[ESP_UDP_HDR_LEN], size_t payload_len)
{
	return esp_udp_inner_build(hdr, ESP_UDP_L2TP_PORT, ESP_UDP_L2TP_PORT, NULL, payload_len,
				   NULL);
}

int esp_udp_inner_parse(const uint8_t *pkt, size_t len, uint16_t *sport, uint16_t *dport,
			const uint8_t **payload, size_t *payload_len)
{
	struct rd r;
	uint16_t sp, dp, ulen, csum;

	rd_init(&r, pkt, len);
	rd_u16(&r, &sp);
	rd_u16(&r, &dp);
	rd_u16(&r, &ulen);
	rd_u16(&r, &csum);
	if (r.err || ulen != len)
		return -EBADMSG;
	/*
	 * csum is deliberately unchecked: RFC 3948 section 3.1.2 lets a transport
	 * mode receiver behind NAT ignore (zero) it, because NAT rewrote the
	 * addresses it covers; the ESP ICV already authenticated these bytes.
	 */
	(void)csum;
	*sport = sp;
	*dport = dp;
	*payload = pkt + ESP_UDP_HDR_LEN;
	*payload_len = len - ESP_UDP_HDR_LEN;
	return 0;
}
