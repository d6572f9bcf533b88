/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ESP in userspace: RFC 4303 transport mode packets for one SA in one
 * direction, and the RFC 3948 UDP encapsulation helpers (esp-udp.c).
 *
 * A packet here starts at the SPI: the engine strips/adds the outer IP and
 * UDP 4500 headers. Pure code: no sockets, no clocks. CBC IVs are AES-128
 * of the sequence number under a key drawn from the rand_source at
 * esp_sa_new() (NIST SP 800-38A appendix C); GCM IVs are the sequence number.
 *
 * Suites: esp_transform 3 (3DES-CBC), 12 (AES-CBC 128/192/256) with auth_alg
 * 1 (HMAC-MD5-96), 2 (HMAC-SHA1-96) or 5 (HMAC-SHA2-256-128); esp_transform 20
 * (AES-GCM with a 16-byte ICV, RFC 4106) with auth_alg 0.
 *
 * Return values of esp_encrypt():
 *   0            packet written to out.
 *   -EINVAL      not an outbound SA, or payload too long (> ESP_MAX_PAYLOAD).
 *   -ENOBUFS     cap too small; esp_encrypt_len() says how much is needed.
 *   -EOVERFLOW   the sequence number would wrap (RFC 4303 3.3.3): the SA must
 *                be replaced. esp_sa_seq_exhausted_soon() warns well before.
 *   -EIO         OpenSSL failed.
 *
 * Return values of esp_decrypt(); each drop is also counted in esp_sa_stats:
 *   0            out holds the payload, *next_header its protocol.
 *   -EINVAL      not an inbound SA (not counted).
 *   -ENOENT      the SPI is not this SA's.
 *   -EBADMSG     malformed: too short, or ciphertext not a multiple of the
 *                block size. Nothing was authenticated.
 *   -EALREADY    replayed or older than the window (RFC 4303 3.4.3); checked
 *                before the ICV, so this is cheap for junk too.
 *   -EKEYREJECTED ICV / GCM tag mismatch: forged, corrupted or wrong key.
 *   -EILSEQ      authenticated but the trailer is wrong: pad length too big
 *                or pad bytes not 1, 2, 3, ... (RFC 4303 2.4).
 *   -ENODATA     authenticated dummy packet (next header 59): drop silently
 *                (RFC 4303 2.6). The replay window is still updated.
 *   -ENOBUFS     cap too small (cap >= len always suffices).
 *   -EIO         OpenSSL failed.
 * The replay window only moves after the ICV verified (and the trailer is sane).
 */
#ifndef L2I_ESP_H
#define L2I_ESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* RFC 2407 section 4.4.4 transform IDs, and the auth algorithm attribute. */
enum esp_transform {
	ESP_TRANSFORM_3DES = 3,
	ESP_TRANSFORM_AES_CBC = 12,
	ESP_TRANSFORM_AES_GCM_16 = 20,
};

enum esp_auth {
	ESP_AUTH_NONE = 0, /* AEAD only */
	ESP_AUTH_HMAC_MD5_96 = 1,
	ESP_AUTH_HMAC_SHA1_96 = 2,
	ESP_AUTH_HMAC_SHA2_256_128 = 5,
};

enum esp_dir {
	ESP_DIR_INBOUND,
	ESP_DIR_OUTBOUND,
};

#define ESP_REPLAY_WINDOW_DEFAULT 128
#define ESP_REPLAY_WINDOW_MIN	  64
#define ESP_REPLAY_WINDOW_MAX	  4096
/* The largest payload esp_encrypt() takes (an inner IPv4/UDP datagram). */
#define ESP_MAX_PAYLOAD 65535
/* Outbound: esp_sa_seq_exhausted_soon() turns true from this sequence number on. */
#define ESP_SEQ_SOON 0xff000000u
/* SPI + sequence number. */
#define ESP_HDR_LEN 8

struct esp_sa_config {
	uint32_t spi; /* host order; the SPI in this SA's packets */
	uint8_t esp_transform;
	uint16_t key_bits;     /* 0 = default (AES 128; 3DES 192) */
	uint16_t auth_alg;     /* enum esp_auth */
	const uint8_t *keymat; /* encryption key then integrity key; GCM: key then 4-byte salt */
	size_t keymat_len;     /* at least esp_keymat_len(); extra bytes are ignored */
	enum esp_dir dir;
	unsigned replay_window;	       /* inbound; 0 = default; else MIN..MAX */
	const struct rand_source *rnd; /* outbound CBC: 16 bytes for the IV key, at _new() only */
};

/* Counters for status and lifetime_kb; bytes are payload bytes. */
struct esp_sa_stats {
	uint64_t packets;
	uint64_t bytes;
	uint32_t seq; /* outbound: last sent; inbound: highest accepted */
	/* inbound drops by reason */
	uint64_t drop_spi;
	uint64_t drop_malformed;
	uint64_t drop_replay;
	uint64_t drop_auth;
	uint64_t drop_trailer;
	uint64_t drop_dummy;
};

struct esp_sa;

/*
 * KEYMAT bytes the suite needs (encryption key + integrity key, or the GCM key
 * + salt); 0 for an unsupported combination. The IKE side derives this many.
 */
size_t esp_keymat_len(uint8_t esp_transform, uint16_t key_bits, uint16_t auth_alg);

/* NULL for an unsupported suite, short keymat, bad window or no memory. Copies the key. */
struct esp_sa *esp_sa_new(const struct esp_sa_config *cfg);
/* Wipes keys; NULL is fine. */
void esp_sa_free(struct esp_sa *sa);

uint32_t esp_sa_spi(const struct esp_sa *sa);
void esp_sa_get_stats(const struct esp_sa *sa, struct esp_sa_stats *st);
/* Outbound: time to rekey, the sequence number nears 2^32. */
bool esp_sa_seq_exhausted_soon(const struct esp_sa *sa);

/* Bytes esp_encrypt() writes for a payload of len bytes. */
size_t esp_encrypt_len(const struct esp_sa *sa, size_t len);
/* Per-packet overhead bound: header + IV + max padding + trailer + ICV. */
size_t esp_overhead(const struct esp_sa *sa);

/*
 * SPI | seq | IV | E(payload | padding | pad length | next header) | ICV.
 * payload may already sit in out at ESP_HDR_LEN + IV length (zero copy).
 */
int esp_encrypt(struct esp_sa *sa, uint8_t next_header, const uint8_t *payload, size_t len,
		uint8_t *out, size_t cap, size_t *out_len);

/* Where a payload goes in the packet: ESP header + IV. */
size_t esp_payload_offset(const struct esp_sa *sa);

/* One packet of esp_encrypt_batch(): its payload of len bytes already sits at
 * out + esp_payload_offset(); the packet (esp_encrypt_len() bytes <= cap) is built around it. */
struct esp_batch_pkt {
	uint8_t *out;
	size_t len;
	size_t cap;
	size_t out_len; /* set on success */
};

/*
 * n packets at once, with consecutive sequence numbers in array order: on CPUs with AES-NI,
 * AES-CBC runs the packets side by side, several times faster than one by one. The codes
 * are esp_encrypt()'s; all packets are checked before any is touched, and on an error none
 * counts as sent.
 */
int esp_encrypt_batch(struct esp_sa *sa, uint8_t next_header, struct esp_batch_pkt *pkts,
		      unsigned n);

/* Verifies and decrypts pkt (starting at the SPI) into out; see the codes above. */
int esp_decrypt(struct esp_sa *sa, const uint8_t *pkt, size_t len, uint8_t *out, size_t cap,
		size_t *out_len, uint8_t *next_header);

/* ---- RFC 3948 UDP encapsulation helpers (esp-udp.c) ---- */

#define ESP_UDP_HDR_LEN	       8
#define ESP_UDP_L2TP_PORT      1701
#define ESP_NATT_KEEPALIVE     0xff
#define ESP_NON_ESP_MARKER_LEN 4

/* What arrived on UDP 4500 (RFC 3948 section 2). */
enum esp_udp_kind {
	ESP_UDP_INVALID,   /* too short, or SPI 0 without the full marker */
	ESP_UDP_KEEPALIVE, /* the single byte 0xff */
	ESP_UDP_IKE,	   /* non-ESP marker: IKE follows after 4 zero bytes */
	ESP_UDP_ESP,	   /* an ESP packet (SPI != 0, at least SPI and seq) */
};

enum esp_udp_kind esp_udp_classify(const uint8_t *data, size_t len);

/* Writes the NAT-keepalive datagram (one 0xff byte); returns its length, 0 if cap < 1. */
size_t esp_udp_keepalive(uint8_t *out, size_t cap);

/* Addresses for a real UDP checksum over the pseudo header (4 or 16 bytes each). */
struct esp_udp_pseudo {
	const uint8_t *src;
	const uint8_t *dst;
	size_t addr_len;
};

/*
 * Inner UDP header (transport mode, next header 17) in front of len payload
 * bytes. ph NULL: checksum 0, which RFC 3948 section 3.1.2 expects behind NAT
 * in transport mode anyway. -EINVAL when the datagram would exceed 65535 bytes
 * or ph has a bad address length.
 */
int esp_udp_inner_build(uint8_t hdr[ESP_UDP_HDR_LEN], uint16_t sport, uint16_t dport,
			const uint8_t *payload, size_t len, const struct esp_udp_pseudo *ph);
/* L2TP: sport and dport 1701, checksum 0. */
int esp_udp_l2tp_header(uint8_t hdr[ESP_UDP_HDR_LEN], size_t payload_len);

/*
 * Parse an inner UDP datagram (a decrypted ESP payload). The length field must
 * match len exactly (-EBADMSG otherwise). The checksum is not verified: after
 * NAT it covers addresses we never saw, and RFC 3948 section 3.1.2 lets the
 * receiver skip it (ESP's ICV already protects these bytes).
 */
int esp_udp_inner_parse(const uint8_t *pkt, size_t len, uint16_t *sport, uint16_t *dport,
			const uint8_t **payload, size_t *payload_len);

#endif
