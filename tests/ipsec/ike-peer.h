/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal IKEv1 responder for tests: Main Mode (PSK), Quick Mode and
 * Informational, built on the same codec and crypto as the initiator but
 * written from the responder's side. Switches reproduce the behaviour of
 * the servers we meet (SoftEther's quirks, strongSwan's answers).
 */
#ifndef L2I_TEST_IKE_PEER_H
#define L2I_TEST_IKE_PEER_H

#include <stdbool.h>
#include <stdint.h>

#include "ike-crypto.h"
#include "ipsec.h"

#define PEER_MAX_OUT 16
#define PEER_MSG_MAX 4096

enum peer_bad_psk {
	PEER_BAD_PSK_REPEAT_MM4, /* SoftEther: MM4 again + a foreign-cookie Informational */
	PEER_BAD_PSK_SEND_MM6,	 /* answer with an MM6 under its own (different) keys */
};

struct peer_cfg {
	const char *psk;
	uint8_t ip[4];		       /* the responder's address */
	uint8_t idr[4];		       /* IDir data (SoftEther: 0.0.0.0) */
	bool fake_nat;		       /* NAT-D for the initiator always random (SoftEther) */
	bool vid_draft_only;	       /* send only draft-02 NAT-T VIDs */
	bool no_natt;		       /* send no NAT-T VIDs at all */
	bool reject_all_p1;	       /* answer MM1 with NO-PROPOSAL-CHOSEN */
	bool reject_random_cky;	       /* ... in SoftEther's random-cookie form */
	uint16_t only_group;	       /* accept only this DH group (0: any MODP) */
	bool reject_qm;		       /* answer QM1 with an encrypted NO-PROPOSAL-CHOSEN */
	uint16_t only_esp_auth;	       /* accept only this ESP auth alg (0: any) */
	uint32_t responder_lifetime_s; /* add RESPONDER-LIFETIME to QM2 */
	enum peer_bad_psk bad_psk;
	bool silent_dpd; /* ignore R-U-THERE */
};

struct peer_out {
	bool natt;
	size_t len;
	uint8_t buf[PEER_MSG_MAX];
};

struct peer;

struct peer *peer_new(const struct peer_cfg *cfg, uint32_t seed);
void peer_free(struct peer *p);
/* Handles one datagram from the initiator; replies are queued. */
void peer_rx(struct peer *p, bool natt, const uint8_t *msg, size_t len);
/* Pops the oldest queued datagram; false when none. */
bool peer_pop(struct peer *p, struct peer_out *out);
/* Sends an encrypted notification / delete of the current ISAKMP SA. */
void peer_send_notify(struct peer *p, uint16_t type, const uint8_t *data, size_t len);
void peer_send_delete_isakmp(struct peer *p);
void peer_send_delete_esp(struct peer *p, uint32_t spi);

struct peer_stats {
	unsigned mm1, mm3, mm5, qm1, qm3, info;
	unsigned rekeys; /* completed Main Modes after the first */
	bool initial_contact;
	bool natt_seen_local; /* the initiator's NAT-D for itself did not match (it faked NAT) */
	uint8_t natd_type;
	unsigned dpd_requests, dpd_acks;
	unsigned deleted_isakmp;
	uint32_t deleted_esp[8];
	unsigned n_deleted_esp;
	unsigned natoa;
	uint16_t encap;
	bool pfs;
	/* KEYMAT the responder derived for the last QM: for the initiator's SPI and ours */
	uint8_t keymat_spi_i[128], keymat_spi_r[128];
	size_t keymat_len;
	uint32_t spi_i, spi_r;
	uint8_t id_proto;
	uint16_t id_port;
};

const struct peer_stats *peer_stats(const struct peer *p);

#endif
