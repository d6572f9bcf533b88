/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The SA payload's contents: proposals, transforms and their data attributes,
 * for phase 1 (RFC 2409 appendix A numbers) and for IPsec ESP (RFC 2407 4.5).
 * Same return values as isakmp.h.
 */
#ifndef L2I_ISAKMP_SA_H
#define L2I_ISAKMP_SA_H

#include <stdbool.h>
#include <stdint.h>

#include "isakmp.h"

#define ISAKMP_DOI_IPSEC	 1
#define ISAKMP_SIT_IDENTITY_ONLY 1

/* Phase 1 attribute types (RFC 2409 appendix A). */
#define IKE_ATTR_ENCR	       1
#define IKE_ATTR_HASH	       2
#define IKE_ATTR_AUTH	       3
#define IKE_ATTR_GROUP	       4
#define IKE_ATTR_LIFE_TYPE     11
#define IKE_ATTR_LIFE_DURATION 12
#define IKE_ATTR_KEY_LEN       14
#define IKE_AUTH_PSK	       1
#define IKE_XF_KEY_IKE	       1

/* IPsec DOI attribute types (RFC 2407 4.5). */
#define IPSEC_ATTR_LIFE_TYPE	 1
#define IPSEC_ATTR_LIFE_DURATION 2
#define IPSEC_ATTR_GROUP	 3
#define IPSEC_ATTR_ENCAP	 4
#define IPSEC_ATTR_AUTH_ALG	 5
#define IPSEC_ATTR_KEY_LEN	 6

#define LIFE_TYPE_SECONDS 1
#define LIFE_TYPE_KB	  2

/* Encapsulation modes: RFC 2407, RFC 3947, and the draft numbers. */
#define ENCAP_TUNNEL		  1
#define ENCAP_TRANSPORT		  2
#define ENCAP_UDP_TUNNEL	  3
#define ENCAP_UDP_TRANSPORT	  4
#define ENCAP_UDP_TUNNEL_DRAFT	  61443
#define ENCAP_UDP_TRANSPORT_DRAFT 61444

#define ISAKMP_MAX_XF	16
#define ISAKMP_MAX_PROP 4

/* One transform with the attributes we know; 0 means "absent". */
struct isakmp_xf {
	uint8_t num;
	uint8_t id;
	uint16_t encr;
	uint16_t key_len;
	uint16_t hash;
	uint16_t auth;
	uint16_t group;
	uint16_t encap;
	uint16_t auth_alg;
	uint32_t life_s;
	uint32_t life_kb;
	bool unknown_attr;
};

struct isakmp_prop {
	uint8_t num;
	uint8_t proto;
	uint8_t spi_size;
	uint8_t spi[16];
	uint8_t n_xf;
	struct isakmp_xf xf[ISAKMP_MAX_XF];
};

struct isakmp_sa {
	uint32_t doi;
	uint32_t situation;
	uint8_t n_prop;
	struct isakmp_prop prop[ISAKMP_MAX_PROP];
};

/* Parses an SA payload (from isakmp_parse_chain) with phase 1 or IPsec attribute numbers. */
int isakmp_sa_parse(const struct isakmp_pl *pl, bool phase1, struct isakmp_sa *sa);
/* A bare attribute list (e.g. RESPONDER-LIFETIME's notification data). */
int isakmp_attrs_parse(const uint8_t *buf, size_t len, bool phase1, struct isakmp_xf *xf);
/* Appends a whole SA payload built from sa. Returns like isakmp_build_pl(). */
int isakmp_sa_build(struct isakmp_builder *b, const struct isakmp_sa *sa, bool phase1);

#endif
