/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the IKEv1 initiator shared by ike-sa.c (driver, timers,
 * events), ike-mm.c (Main Mode), ike-qm.c (Quick Mode), ike-info.c
 * (Informational, DPD, Delete) and ike-msg.c (encryption of messages).
 */
#ifndef L2I_IKE_INTERNAL_H
#define L2I_IKE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "ike-crypto.h"
#include "ipsec.h"
#include "isakmp-sa.h"
#include "isakmp.h"

#define IKE_MSG_MAX   4096
#define IKE_NONCE_LEN 32
#define IKE_MAX_PUB   512 /* MODP-4096 */
#define IKE_MAX_CHILD 4
#define IKE_NATT_PORT 4500
#define IKE_PORT      500

/* One outstanding request and its retransmission schedule. */
struct ike_rtx {
	bool active;
	bool natt;
	uint8_t *buf;
	size_t len;
	uint64_t first_ms;
	uint64_t next_ms;
	uint32_t interval_ms;
	unsigned count;
};

/* The last reply we sent for a datagram, so a repeated datagram gets the same reply. */
struct ike_reply_cache {
	uint8_t *rx;
	size_t rx_len;
	uint8_t *tx;
	size_t tx_len;
};

enum p1_state {
	P1_MM1_SENT,
	P1_MM3_SENT,
	P1_MM5_SENT,
	P1_UP,
	P1_DEAD,
};

/* One ISAKMP SA (two during a phase 1 rekey). */
struct ike_p1 {
	enum p1_state state;
	uint8_t cky_i[8], cky_r[8];
	struct ike_dh *dh;
	uint8_t gxi[IKE_MAX_PUB], gxr[IKE_MAX_PUB];
	size_t gx_len;
	uint8_t ni[IKE_NONCE_LEN];
	uint8_t nr[256];
	size_t nr_len;
	uint8_t *sai_b; /* body of our MM1 SA payload (HASH_I / HASH_R) */
	size_t sai_b_len;
	uint8_t idii_b[64];
	size_t idii_b_len;

	struct ike_p1_proposal chosen;
	uint32_t lifetime_s;
	enum ike_hash hash;
	enum ike_encr encr;
	size_t key_len, block_len, hash_len;
	struct ike_p1_keys keys;
	uint8_t iv[IKE_MAX_BLOCK_LEN];	       /* running phase 1 IV */
	uint8_t last_block[IKE_MAX_BLOCK_LEN]; /* phase 1's last CBC block: base of phase 2 IVs */

	uint32_t vendor; /* IKE_VENDOR_* */
	uint8_t natd_type, natoa_type;
	bool natt, nat_local, nat_remote;
	uint8_t *mm4; /* MM4 as received: a repeat instead of MM6 means a wrong PSK */
	size_t mm4_len;
	unsigned mm3_sent; /* each MM3 we sent may rightly be answered by an MM4 */
	unsigned mm4_rx;
	unsigned bad_mm6; /* MM6s that did not decrypt or verify */
	bool mm4_on_500;

	struct ike_rtx rtx;
	struct ike_reply_cache cache;
	uint64_t up_ms, rekey_ms, expire_ms;
	bool rekey; /* replaces sa->p1 once up */
};

enum qm_state {
	QM_SENT,
	QM_DONE,
};

struct ike_qm {
	bool used;
	enum qm_state state;
	uint32_t mid;
	uint8_t iv[IKE_MAX_BLOCK_LEN];
	uint32_t spi_in;
	uint8_t ni[IKE_NONCE_LEN];
	struct ike_dh *dh;
	uint8_t gxi[IKE_MAX_PUB];
	size_t gx_len;
	uint32_t replaces_spi_in;
	struct ike_rtx rtx;
	struct ike_reply_cache cache;
	uint64_t done_ms;
};

struct ike_child {
	bool used;
	struct ipsec_child_sa sa;
	uint64_t rekey_ms, expire_ms;
	bool rekeying;
};

struct ike_sa {
	struct ike_config cfg;
	struct secbuf *psk;
	char *local_id, *remote_id;
	struct ike_callbacks cb;
	void *cb_ctx;
	struct rand_source rnd;
	struct log_sink log;

	bool started, dead;
	bool floated;		/* IKE on 4500 */
	struct ike_p1 *p1;	/* current ISAKMP SA */
	struct ike_p1 *p1_next; /* phase 1 rekey in progress */
	struct ike_qm qm[IKE_MAX_CHILD];
	struct ike_child child[IKE_MAX_CHILD];
	bool first_child_done;

	/* DPD (RFC 3706) */
	uint32_t dpd_seq;
	uint32_t dpd_outstanding;
	uint32_t ping_seq; /* ike_sa_ping's R-U-THERE awaiting its ack; 0 = none */
	uint64_t last_rx_ms;
	uint64_t dpd_next_ms;
	/* informational exchanges sent (DPD, Delete) are logged but not retransmitted */
	char detail[512];
};

/* ike-sa.c */
void ike_send(struct ike_sa *sa, const uint8_t *buf, size_t len);
int ike_rtx_start(struct ike_sa *sa, struct ike_rtx *rtx, const uint8_t *buf, size_t len,
		  uint64_t now_ms);
void ike_rtx_stop(struct ike_rtx *rtx);
void ike_cache_set(struct ike_reply_cache *c, const uint8_t *rx, size_t rx_len, const uint8_t *tx,
		   size_t tx_len);
void ike_cache_clear(struct ike_reply_cache *c);
void ike_fail(struct ike_sa *sa, enum ike_fail code, const char *detail);
void ike_emit(struct ike_sa *sa, const struct ike_event *ev);
uint32_t ike_random_mid(struct ike_sa *sa);
void ike_p1_free(struct ike_p1 *p);
void ike_child_remove(struct ike_sa *sa, struct ike_child *c, bool emit);
struct ike_child *ike_child_by_spi_in(struct ike_sa *sa, uint32_t spi_in);
void ike_qm_clear(struct ike_qm *qm);
uint32_t ike_rekey_margin_ms(const struct ike_sa *sa, uint32_t lifetime_s);

/* ike-msg.c: encryption of an ISAKMP message under an ISAKMP SA. */
/* Pads and encrypts the built message in buf (len bytes, cap capacity) in place; iv updated. */
int ike_msg_encrypt(const struct ike_p1 *p, uint8_t *iv, uint8_t *buf, size_t len, size_t cap);
/*
 * Decrypts m->enc into plain (IKE_MSG_MAX) and parses the payload chain into out.
 * iv is updated only on success. -EBADMSG: not a valid payload chain.
 */
int ike_msg_decrypt(const struct ike_p1 *p, uint8_t *iv, const struct isakmp_msg *m, uint8_t *plain,
		    struct isakmp_msg *out);
/* HASH payload data of a QM / Informational message: prf(SKEYID_a, parts | after-HASH). */
int ike_msg_hash(const struct ike_p1 *p, uint32_t mid, const uint8_t *pre, size_t pre_len,
		 const uint8_t *rest, size_t rest_len, uint8_t *out);
/* Verifies that m's first payload is HASH = prf(SKEYID_a, M-ID | pre | rest of message). */
int ike_msg_check_hash(const struct ike_p1 *p, const struct isakmp_msg *m, const uint8_t *pre,
		       size_t pre_len);
/* Builds the local/remote ID payload body (ID type, proto, port, data) for MM5. */
int ike_id_payload(const char *id, const uint8_t ip[4], uint8_t proto, uint16_t port,
		   struct isakmp_pl *pl, uint8_t *data, size_t data_cap);

/* ike-mm.c */
struct ike_p1 *ike_mm_new(struct ike_sa *sa, bool rekey);
int ike_mm_start(struct ike_sa *sa, struct ike_p1 *p, uint64_t now_ms);
void ike_mm_rx(struct ike_sa *sa, struct ike_p1 *p, const struct isakmp_msg *m, const uint8_t *raw,
	       size_t raw_len, bool natt_port, uint64_t now_ms);
void ike_mm_timeout(struct ike_sa *sa, struct ike_p1 *p, uint64_t now_ms);

/* ike-qm.c */
int ike_qm_start(struct ike_sa *sa, uint32_t replaces_spi_in, uint64_t now_ms);
void ike_qm_rx(struct ike_sa *sa, const struct isakmp_msg *m, const uint8_t *raw, size_t raw_len,
	       uint64_t now_ms);
void ike_qm_timeout(struct ike_sa *sa, struct ike_qm *qm, uint64_t now_ms);
void ike_qm_format_offer(const struct ike_sa *sa, char *out, size_t len);

/* ike-info.c */
void ike_info_rx(struct ike_sa *sa, const struct isakmp_msg *m, uint64_t now_ms);
/* A cleartext notification; returns true when it was for us and handled. */
bool ike_info_rx_clear(struct ike_sa *sa, const struct isakmp_msg *m, uint64_t now_ms);
int ike_info_send_notify(struct ike_sa *sa, struct ike_p1 *p, uint16_t type, const uint8_t *data,
			 size_t data_len);
int ike_info_send_delete_esp(struct ike_sa *sa, const uint32_t *spis, size_t n);
int ike_info_send_delete_isakmp(struct ike_sa *sa, struct ike_p1 *p);
void ike_dpd_tick(struct ike_sa *sa, uint64_t now_ms);

#endif
