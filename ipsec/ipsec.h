/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ipsec: the IKEv1 initiator and ESP. Public header (owned by the IKE work).
 *
 * IKE: one struct ike_sa per connection. It runs Main Mode (pre-shared key),
 * Quick Mode (ESP transport, L2TP selectors udp/1701), Informational
 * exchanges, NAT-T (RFC 3947 and drafts), DPD (RFC 3706), retransmission and
 * rekeying. It does no I/O: datagrams go out through callbacks.send, results
 * through callbacks.event; time is passed in as now_ms.
 *
 * Return values of the ike_sa_* functions:
 *   0            ok (for ike_sa_rx: the datagram was used or silently dropped)
 *   -EINVAL      bad argument or configuration
 *   -ENOMEM      allocation failed
 *   -EALREADY    ike_sa_start() called twice
 *   -ESHUTDOWN   the SA has failed or is closed; nothing more will happen
 */
#ifndef L2I_IPSEC_H
#define L2I_IPSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* ESP (RFC 4303 / 3948), its own section of this library's API. */
#include "esp.h"

/* ---- proposals ---- */

/* Phase 1 transform; numbers as in RFC 2409 appendix A (see ike-crypto.h). */
struct ike_p1_proposal {
	uint8_t encr;	   /* 1 DES, 5 3DES, 7 AES-CBC */
	uint16_t key_bits; /* AES: 128/192/256, else 0 */
	uint8_t hash;	   /* 1 MD5, 2 SHA1, 4 SHA2-256, 5 SHA2-384, 6 SHA2-512 */
	uint16_t group;	   /* 2, 5, 14, 15, 16 MODP; 19, 20 ECP */
};

/* ESP transform; numbers as in RFC 2407. */
struct ike_p2_proposal {
	uint8_t esp_transform; /* 2 DES, 3 3DES, 12 AES-CBC, 20 AES-GCM-16 */
	uint16_t key_bits;     /* AES: 128/192/256, else 0 */
	uint16_t auth_alg;     /* 1 HMAC-MD5, 2 HMAC-SHA1, 5 HMAC-SHA2-256, 0 for GCM */
};

#define IKE_MAX_PROPOSALS 16

struct ike_p1_list {
	size_t n;
	struct ike_p1_proposal p[IKE_MAX_PROPOSALS];
};

struct ike_p2_list {
	size_t n;
	struct ike_p2_proposal p[IKE_MAX_PROPOSALS];
};

/* The built-in offers (see proposal.c for the order and why). */
void ike_p1_default(struct ike_p1_list *l);
void ike_p2_default(struct ike_p2_list *l);

/*
 * Comma-separated "aes256-sha2_256-modp2048" (phase 1) or "aes256-sha1",
 * "aes128gcm16" (phase 2); a trailing '!' (strongSwan's strict marker) is
 * accepted and ignored. DES needs allow_legacy. On error returns -EINVAL and
 * writes a sentence quoting the bad token into err (may be NULL).
 */
int ike_p1_parse(const char *s, bool allow_legacy, struct ike_p1_list *l, char *err,
		 size_t err_len);
int ike_p2_parse(const char *s, bool allow_legacy, struct ike_p2_list *l, char *err,
		 size_t err_len);
/* Back to the same syntax; returns the string length or -ENOSPC (output truncated). */
int ike_p1_format(const struct ike_p1_list *l, char *out, size_t out_len);
int ike_p2_format(const struct ike_p2_list *l, char *out, size_t out_len);
int ike_p1_proposal_name(const struct ike_p1_proposal *p, char *out, size_t out_len);
int ike_p2_proposal_name(const struct ike_p2_proposal *p, char *out, size_t out_len);
/* A DH group name ("modp2048") to its number; 0 if unknown. */
uint16_t ike_group_by_name(const char *name);

/* ---- configuration ---- */

struct ike_config {
	uint8_t local_ip[4];	  /* our address as the socket sees it */
	uint8_t remote_ip[4];	  /* the server */
	uint16_t local_port;	  /* our UDP source port for IKE (NAT-D); 0 means 500 */
	const struct secbuf *psk; /* copied by ike_sa_new() */

	struct ike_p1_list p1;	 /* n == 0: the default offer */
	uint32_t p1_lifetime_s;	 /* 0: 28800 */
	struct ike_p2_list p2;	 /* n == 0: the default offer */
	uint32_t p2_lifetime_s;	 /* 0: 3600 */
	uint32_t p2_lifetime_kb; /* 0: not proposed */
	uint16_t pfs_group;	 /* 0: no PFS */

	bool force_encaps; /* UDP-encapsulate even without NAT (fakes NAT-D as strongSwan does) */
	bool no_natt;	   /* do not send NAT-T vendor IDs (plain ESP only) */
	/* ID strings: dotted IPv4 -> ID_IPV4_ADDR, with '@' -> USER_FQDN, else FQDN. */
	const char *local_id;  /* NULL: our IPv4 address */
	const char *remote_id; /* NULL: accept any IDr (SoftEther sends 0.0.0.0) */

	/* Retransmission: first after initial_ms, doubling up to max_ms, giving up after total_ms. */
	uint32_t rt_initial_ms; /* 0: 1000 */
	uint32_t rt_max_ms;	/* 0: 8000 */
	uint32_t rt_total_ms;	/* 0: 30000 */

	uint32_t dpd_interval_s; /* idle time before R-U-THERE; 0 disables DPD */
	uint32_t dpd_max_fail;	 /* unanswered R-U-THEREs before the peer is dead; 0: 5 */
	uint32_t rekey_margin_s; /* rekey this long before expiry; 0: 10% of the lifetime, <= 540 */

	bool initial_contact; /* send INITIAL-CONTACT (in MM5, encrypted) */
	/*
	 * Probe mode: send one MM1 carrying p1.p[0] only, report
	 * IKE_EV_PROBE_RESULT and stop.
	 */
	bool probe;
};

/* ---- results ---- */

/* Why a connection failed; ike_fail_message() gives one sentence with what to try. */
enum ike_fail {
	IKE_FAIL_NONE = 0,
	IKE_FAIL_NO_RESPONSE,	 /* nothing came back on UDP 500 */
	IKE_FAIL_NO_PROPOSAL,	 /* phase 1: the server rejected every proposal */
	IKE_FAIL_PSK_MISMATCH,	 /* HASH_R wrong, MM4 repeated, or undecryptable */
	IKE_FAIL_ID_REJECTED,	 /* INVALID-ID-INFORMATION, or IDr not the configured one */
	IKE_FAIL_AUTH_FAILED,	 /* AUTHENTICATION-FAILED / INVALID-HASH from the server */
	IKE_FAIL_QM_REJECTED,	 /* phase 2 NO-PROPOSAL-CHOSEN */
	IKE_FAIL_QM_NO_RESPONSE, /* Quick Mode unanswered */
	IKE_FAIL_NATT_BLOCKED,	 /* UDP 4500 silent after phase 1 began on 500 */
	IKE_FAIL_PEER_DELETED,	 /* the server deleted the ISAKMP SA */
	IKE_FAIL_PEER_DEAD,	 /* DPD: no R-U-THERE-ACK */
	IKE_FAIL_PEER_ERROR,	 /* another error notification from the server */
	IKE_FAIL_BAD_RESPONSE,	 /* the server's choice was not one we offered / unusable */
	IKE_FAIL_INTERNAL,	 /* out of memory or a crypto library error */
};

const char *ike_fail_message(enum ike_fail code);
/* Short stable identifier for logs and tests: "psk-mismatch". */
const char *ike_fail_name(enum ike_fail code);

enum ike_probe_result {
	IKE_PROBE_ACCEPTED,
	IKE_PROBE_REJECTED,
	IKE_PROBE_NO_ANSWER,
};

/*
 * A negotiated ESP SA pair, as handed to the ESP engine. keymat_in keys the
 * SA the server sends to us (our spi_in), keymat_out ours to the server.
 */
struct ipsec_child_sa {
	uint32_t spi_in, spi_out; /* host order */
	uint8_t esp_transform;	  /* RFC 2407: 3 3DES, 12 AES-CBC, 20 AES-GCM-16 */
	uint16_t key_bits;
	uint16_t auth_alg; /* 1 MD5, 2 SHA1, 5 SHA2-256, 0 for GCM */
	uint16_t encap_mode;
	uint32_t lifetime_s;
	uint32_t lifetime_kb;
	/* RFC 2409 KEYMAT, encryption key first then integrity key; for GCM key then 4-byte salt */
	struct secbuf *keymat_in, *keymat_out;
	char suite[64];
};

/* Vendor ID flags seen from the peer. */
#define IKE_VENDOR_NATT_RFC	 0x01
#define IKE_VENDOR_NATT_DRAFT02	 0x02
#define IKE_VENDOR_NATT_DRAFT02N 0x04
#define IKE_VENDOR_NATT_DRAFT03	 0x08
#define IKE_VENDOR_DPD		 0x10

enum ike_event_type {
	IKE_EV_PHASE1_UP,
	IKE_EV_CHILD_SA_UP,
	IKE_EV_CHILD_SA_REKEYED,
	IKE_EV_CHILD_SA_DELETED,
	IKE_EV_FAILED,
	IKE_EV_PROBE_RESULT,
	IKE_EV_PEER_DEAD,
	IKE_EV_PEER_ALIVE, /* the R-U-THERE of ike_sa_ping() was answered */
	IKE_EV_CLOSED,
};

/* Everything an event points to lives only during the callback (dup keys to keep them). */
struct ike_event {
	enum ike_event_type type;
	union {
		struct {
			const char *suite; /* "aes256-sha1-modp2048" */
			uint32_t lifetime_s;
			bool nat_detected; /* we float to 4500 / UDP-encapsulate ESP */
			bool natt;	   /* NAT-T negotiated (RFC or draft) */
			uint16_t peer_port;
			uint32_t peer_vendor; /* IKE_VENDOR_* */
			bool rekey;	      /* a replacement phase 1 */
		} phase1;
		struct {
			const struct ipsec_child_sa *sa;
			uint32_t old_spi_in; /* CHILD_SA_REKEYED: the SA this one replaces */
		} child;
		struct {
			uint32_t spi_in, spi_out;
		} deleted;
		struct {
			enum ike_fail code;
			const char *message; /* ike_fail_message(code) */
			const char *detail;  /* e.g. the offer that was rejected; may be "" */
		} failed;
		struct {
			enum ike_probe_result result;
			struct ike_p1_proposal chosen;
		} probe;
	};
};

struct ike_callbacks {
	/* natt_port: send from/to UDP 4500; the engine prepends the 4-byte non-ESP marker. */
	void (*send)(void *ctx, bool natt_port, const uint8_t *msg, size_t len);
	void (*event)(void *ctx, const struct ike_event *ev);
};

struct ike_sa;

struct ike_sa *ike_sa_new(const struct ike_config *cfg, const struct ike_callbacks *cb,
			  void *cb_ctx, const struct rand_source *rnd, const struct log_sink *log);
/* Wipes keys; NULL is fine. Sends nothing (use ike_sa_close() first). */
void ike_sa_free(struct ike_sa *sa);

/* Sends MM1. */
int ike_sa_start(struct ike_sa *sa, uint64_t now_ms);
/* One datagram from the server; on 4500 without the non-ESP marker. */
int ike_sa_rx(struct ike_sa *sa, bool natt_port, const uint8_t *msg, size_t len, uint64_t now_ms);
/* Absolute time of the next ike_sa_tick() that has work; UINT64_MAX when none. */
uint64_t ike_sa_next_timeout(const struct ike_sa *sa);
void ike_sa_tick(struct ike_sa *sa, uint64_t now_ms);
/* Sends DELETE for the child SAs and the ISAKMP SA, then reports IKE_EV_CLOSED. */
int ike_sa_close(struct ike_sa *sa, uint64_t now_ms);
/*
 * Sends one R-U-THERE now; IKE_EV_PEER_ALIVE follows when it is answered. Servers handle IKE
 * messages in order, so the answer to a ping sent after Quick Mode means the server has also
 * installed its SAs and policies. -EOPNOTSUPP: the server did not announce DPD (RFC 3706);
 * -ENOTCONN: no phase 1.
 */
int ike_sa_ping(struct ike_sa *sa, uint64_t now_ms);
/* Inbound ESP seen: DPD probes only when the peer has been idle (RFC 3706). */
void ike_sa_notify_traffic(struct ike_sa *sa, uint64_t now_ms);

/* NAT-T in use: IKE and ESP go over UDP 4500 (keepalives are the engine's). */
bool ike_sa_natt_active(const struct ike_sa *sa);
uint16_t ike_sa_peer_port(const struct ike_sa *sa);

#endif
