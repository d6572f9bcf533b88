/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ISAKMP (RFC 2408) message codec: the fixed header, the generic payload
 * chain and the payload bodies, each described by a static table of fields
 * (isakmp.c). One parser and one generator walk every table.
 *
 * Parsing validates lengths only; meaning is checked by the exchange code.
 * Parsed payloads borrow the input buffer.
 *
 * Return values: 0 ok; -EBADMSG malformed (lengths, chain, unknown payload);
 * -EPROTONOSUPPORT wrong ISAKMP major version; -ENOSPC output buffer full or
 * too many payloads.
 */
#ifndef L2I_ISAKMP_H
#define L2I_ISAKMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#define ISAKMP_HDR_LEN	    28
#define ISAKMP_GEN_HDR_LEN  4
#define ISAKMP_VERSION	    0x10
#define ISAKMP_MAX_PAYLOADS 24

enum isakmp_payload_type {
	ISAKMP_PL_NONE = 0,
	ISAKMP_PL_SA = 1,
	ISAKMP_PL_P = 2,
	ISAKMP_PL_T = 3,
	ISAKMP_PL_KE = 4,
	ISAKMP_PL_ID = 5,
	ISAKMP_PL_CERT = 6,
	ISAKMP_PL_CR = 7,
	ISAKMP_PL_HASH = 8,
	ISAKMP_PL_SIG = 9,
	ISAKMP_PL_NONCE = 10,
	ISAKMP_PL_N = 11,
	ISAKMP_PL_D = 12,
	ISAKMP_PL_VID = 13,
	ISAKMP_PL_NAT_D = 20,	      /* RFC 3947 */
	ISAKMP_PL_NAT_OA = 21,	      /* RFC 3947 */
	ISAKMP_PL_NAT_D_DRAFT = 130,  /* draft-ietf-ipsec-nat-t-ike-02/03 */
	ISAKMP_PL_NAT_OA_DRAFT = 131, /* draft-ietf-ipsec-nat-t-ike-02/03 */
};

enum isakmp_exchange_type {
	ISAKMP_EXCH_MAIN = 2,
	ISAKMP_EXCH_AGGRESSIVE = 4,
	ISAKMP_EXCH_INFO = 5,
	ISAKMP_EXCH_QUICK = 32,
};

#define ISAKMP_FLAG_ENC	   0x01
#define ISAKMP_FLAG_COMMIT 0x02
#define ISAKMP_FLAG_AUTH   0x04

/* Protocol IDs (RFC 2407 4.4.1). */
#define ISAKMP_PROTO_ISAKMP    1
#define ISAKMP_PROTO_IPSEC_ESP 3

/* Notify message types (RFC 2408 3.14.1, RFC 2407 4.6.3, RFC 3706). */
enum isakmp_notify_type {
	ISAKMP_N_INVALID_PAYLOAD_TYPE = 1,
	ISAKMP_N_INVALID_COOKIE = 4,
	ISAKMP_N_INVALID_EXCHANGE_TYPE = 7,
	ISAKMP_N_INVALID_FLAGS = 8,
	ISAKMP_N_INVALID_MESSAGE_ID = 9,
	ISAKMP_N_INVALID_SPI = 11,
	ISAKMP_N_NO_PROPOSAL_CHOSEN = 14,
	ISAKMP_N_PAYLOAD_MALFORMED = 16,
	ISAKMP_N_INVALID_KEY_INFORMATION = 17,
	ISAKMP_N_INVALID_ID_INFORMATION = 18,
	ISAKMP_N_INVALID_HASH_INFORMATION = 23,
	ISAKMP_N_AUTHENTICATION_FAILED = 24,
	ISAKMP_N_ATTRIBUTES_NOT_SUPPORTED = 13,
	ISAKMP_N_INVALID_SIGNATURE = 25,
	ISAKMP_N_RESPONDER_LIFETIME = 24576,
	ISAKMP_N_REPLAY_STATUS = 24577,
	ISAKMP_N_INITIAL_CONTACT = 24578,
	ISAKMP_N_R_U_THERE = 36136,
	ISAKMP_N_R_U_THERE_ACK = 36137,
};

/* ID types (RFC 2407 4.6.2.1). */
#define ISAKMP_ID_IPV4_ADDR 1
#define ISAKMP_ID_FQDN	    2
#define ISAKMP_ID_USER_FQDN 3
#define ISAKMP_ID_IPV6_ADDR 5

struct isakmp_hdr {
	uint8_t cky_i[8];
	uint8_t cky_r[8];
	uint8_t next;
	uint8_t version;
	uint8_t exch;
	uint8_t flags;
	uint32_t msg_id;
	uint32_t len;
};

/*
 * One payload. The fields a payload's table names are filled; `data` is the
 * variable tail (KE value, nonce, hash, ID data, notification data, SPIs of a
 * Delete, proposals of an SA). `body` is everything after the generic header
 * (SAi_b, IDii_b of RFC 2409), `start` the generic header itself.
 */
struct isakmp_pl {
	uint8_t type;
	uint8_t num;   /* proposal # / transform # */
	uint8_t count; /* proposal: # of transforms */
	uint8_t xf_id; /* transform id */
	uint32_t doi;
	uint32_t situation;
	uint8_t id_type;
	uint8_t proto_id; /* ID: IP protocol; N/D/P: protocol id */
	uint16_t port;
	uint8_t spi_size;
	uint16_t notify_type;
	uint16_t n_spis;
	const uint8_t *spi;
	const uint8_t *data;
	size_t data_len;
	const uint8_t *body;
	size_t body_len;
	const uint8_t *start;
};

struct isakmp_msg {
	struct isakmp_hdr hdr;
	/* When ISAKMP_FLAG_ENC is set: the ciphertext after the header. */
	const uint8_t *enc;
	size_t enc_len;
	size_t n;
	struct isakmp_pl pl[ISAKMP_MAX_PAYLOADS];
	/* Where the payload chain ends (a decrypted message may carry padding after it). */
	const uint8_t *chain_end;
};

/* Bit for a payload type in a payload set (NAT-D/NAT-OA drafts share the RFC bit). */
uint32_t isakmp_pl_bit(uint8_t type);
#define ISAKMP_BIT(t)	  (1u << (t))
#define ISAKMP_BIT_NAT_D  (1u << 20)
#define ISAKMP_BIT_NAT_OA (1u << 21)
uint32_t isakmp_msg_present(const struct isakmp_msg *m);
/*
 * isakmpd-style check of one exchange step: every payload in `required` is
 * present, none outside `required | allowed`. -EBADMSG otherwise.
 */
int isakmp_check_payloads(const struct isakmp_msg *m, uint32_t required, uint32_t allowed);

/* Header only. Checks version and that the header length fits the datagram. */
int isakmp_parse_hdr(const uint8_t *buf, size_t len, struct isakmp_hdr *hdr);
/*
 * Whole message: header, then the payload chain unless the message is
 * encrypted (then m->enc is set and isakmp_parse_chain() runs after decryption).
 */
int isakmp_parse(const uint8_t *buf, size_t len, struct isakmp_msg *m);
/* The payload chain of a (decrypted) body; trailing bytes after the last payload are padding. */
int isakmp_parse_chain(struct isakmp_msg *m, uint8_t first, const uint8_t *buf, size_t len,
		       bool allow_padding);

/* nth payload of a type (NAT-D/NAT-OA match their draft numbers too); NULL if absent. */
const struct isakmp_pl *isakmp_find(const struct isakmp_msg *m, uint8_t type, unsigned nth);

/* ---- generator ---- */

struct isakmp_builder {
	struct wr w;
	uint8_t *next_field; /* the "next payload" byte to fill for the following payload */
	size_t hdr_off;
};

int isakmp_build_begin(struct isakmp_builder *b, uint8_t *buf, size_t cap,
		       const struct isakmp_hdr *hdr);
/*
 * Append a payload from pl's fields (per its table) and `data`. Returns the
 * offset of the payload's generic header in the buffer, or -ENOSPC/-EINVAL.
 */
int isakmp_build_pl(struct isakmp_builder *b, const struct isakmp_pl *pl);
/* Fills the header length; returns the message length or -ENOSPC. */
int isakmp_build_end(struct isakmp_builder *b);

/* Emit a payload with only a data field (KE, Nonce, HASH, VID, NAT-D). */
int isakmp_build_data(struct isakmp_builder *b, uint8_t type, const void *data, size_t len);

#endif
