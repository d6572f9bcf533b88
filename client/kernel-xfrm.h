/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel-xfrm: ESP in the Linux kernel through XFRM netlink (no libnl).
 *
 * One L2TP/IPsec connection is two transport-mode ESP SAs (in and out) plus two policies that
 * send UDP/1701 between the two hosts through them. Everything we install carries a reqid in
 * [KERNEL_XFRM_REQID_MIN, KERNEL_XFRM_REQID_MAX], so kernel_xfrm_cleanup() can remove what a
 * crashed run left without touching other IPsec daemons' state.
 *
 * The message builders are separate from the I/O so that unit tests can check the bytes.
 */
#ifndef L2I_KERNEL_XFRM_H
#define L2I_KERNEL_XFRM_H

#include <netinet/in.h>
#include <stdint.h>

#include "common.h"
#include "kernel-nl.h"

#define KERNEL_XFRM_REQID_MIN 0x4c320000u /* "L2" << 16 */
#define KERNEL_XFRM_REQID_MAX 0x4c32ffffu
/* Policy priority: lower wins. Host-to-host UDP/1701 is narrower than anything generic. */
#define KERNEL_XFRM_PRIORITY 1000u

/* ESP transform IDs (RFC 2407 4.4.4) and authentication algorithms (RFC 2407 4.5), the numbers
 * ipsec/ negotiates in Quick Mode. */
enum kernel_esp_transform {
	KERNEL_ESP_3DES = 3,
	KERNEL_ESP_AES_CBC = 12,
	KERNEL_ESP_AES_GCM_16 = 20,
};

enum kernel_esp_auth {
	KERNEL_AUTH_NONE = 0, /* with AES-GCM */
	KERNEL_AUTH_HMAC_MD5 = 1,
	KERNEL_AUTH_HMAC_SHA1 = 2,
	KERNEL_AUTH_HMAC_SHA2_256 = 5,
};

/* The negotiated child SA pair (the fields of ipsec/'s struct ipsec_child_sa). keymat_* hold the
 * encryption key followed by the integrity key; for AES-GCM the key followed by the 4-byte salt. */
struct kernel_esp_sa {
	uint32_t spi_in;  /* host order; the SPI the peer sends to us */
	uint32_t spi_out; /* host order; the SPI we send with */
	uint16_t esp_transform;
	uint16_t key_bits; /* AES: 128/192/256; 3DES: 192 or 0 */
	uint16_t auth_alg;
	const uint8_t *keymat_in;
	const uint8_t *keymat_out;
	size_t keymat_len;
};

/* Where the SAs apply. Ports are host order. */
struct kernel_xfrm_flow {
	struct in_addr local;  /* our address as the kernel sees it (behind NAT: the private one) */
	struct in_addr remote; /* the server */
	uint16_t natt_local_port;  /* both 0: plain ESP (IP proto 50) */
	uint16_t natt_remote_port; /* else ESP in UDP (RFC 3948), normally 4500/4500 */
	uint16_t l2tp_local_port;  /* selector; 0 = any */
	uint16_t l2tp_remote_port; /* selector; 0 = any */
	uint32_t reqid;		   /* in [KERNEL_XFRM_REQID_MIN, KERNEL_XFRM_REQID_MAX] */
	uint8_t replay_window;	   /* inbound, packets (the kernel caps it at 32) */
};

enum kernel_xfrm_dir {
	KERNEL_XFRM_IN = 0,
	KERNEL_XFRM_OUT = 1,
};

/* ---- message builders (pure; no socket) ---- */

/* XFRM_MSG_NEWSA for one direction. -EINVAL: unknown algorithm, key length not matching the
 * algorithms, reqid outside our range; -ENOBUFS: b too small. */
int kernel_xfrm_build_newsa(struct nlbuf *b, uint32_t seq, const struct kernel_xfrm_flow *f,
			    const struct kernel_esp_sa *sa, enum kernel_xfrm_dir dir);
/* XFRM_MSG_DELSA for one direction. */
int kernel_xfrm_build_delsa(struct nlbuf *b, uint32_t seq, const struct kernel_xfrm_flow *f,
			    const struct kernel_esp_sa *sa, enum kernel_xfrm_dir dir);
/* XFRM_MSG_NEWPOLICY: UDP l2tp ports between the hosts -> ESP transport with f->reqid. */
int kernel_xfrm_build_newpolicy(struct nlbuf *b, uint32_t seq, const struct kernel_xfrm_flow *f,
				enum kernel_xfrm_dir dir);
/* XFRM_MSG_DELPOLICY by the same selector. */
int kernel_xfrm_build_delpolicy(struct nlbuf *b, uint32_t seq, const struct kernel_xfrm_flow *f,
				enum kernel_xfrm_dir dir);

/* ---- kernel I/O ---- */

/* Opens the XFRM netlink socket (needs CAP_NET_ADMIN). Returns fd or -errno. */
int kernel_xfrm_open(void);
/* Installs both SAs and both policies; on failure removes what it added and returns the
 * kernel's -errno (-ENOENT/-ENOSYS: algorithm or module missing, -EEXIST: already there). */
int kernel_xfrm_install(int nlfd, const struct kernel_xfrm_flow *f, const struct kernel_esp_sa *sa);
/* Removes both SAs and both policies; returns 0, or the first error other than -ENOENT/-ESRCH. */
int kernel_xfrm_remove(int nlfd, const struct kernel_xfrm_flow *f, const struct kernel_esp_sa *sa);
/* The same in parts, for rekeying: a new SA pair under the existing policies, one direction of an
 * old pair removed; policies added after the first pair and removed last. */
int kernel_xfrm_add_sas(int nlfd, const struct kernel_xfrm_flow *f, const struct kernel_esp_sa *sa);
int kernel_xfrm_del_sa(int nlfd, const struct kernel_xfrm_flow *f, const struct kernel_esp_sa *sa,
		       enum kernel_xfrm_dir dir);
int kernel_xfrm_add_policies(int nlfd, const struct kernel_xfrm_flow *f);
int kernel_xfrm_del_policies(int nlfd, const struct kernel_xfrm_flow *f);
/* Removes every SA and policy whose reqid is in [KERNEL_XFRM_REQID_MIN, KERNEL_XFRM_REQID_MAX]
 * and, when peer is not NULL, that has peer as source or destination (a crashed run's state for
 * the same server; other connections of ours stay). *removed (may be NULL) gets the count.
 * Returns 0 or -errno. */
int kernel_xfrm_cleanup(int nlfd, const struct in_addr *peer, unsigned *removed);

/* Can the kernel hold an ESP SA (AES-CBC + HMAC-SHA1)? Adds and removes a throwaway pair.
 * 0, or -errno: -EPROTONOSUPPORT no ESP (esp4), -ENOENT/-ENOSYS an algorithm missing,
 * -EPERM no CAP_NET_ADMIN. */
int kernel_xfrm_probe_esp(int nlfd);

/* Per-socket policy that lets the IKE sockets bypass IPsec policies (as charon does), both
 * directions. Returns 0 or -errno. */
int kernel_xfrm_socket_bypass(int fd);
/* Marks the UDP 4500 socket as ESP-in-UDP (UDP_ENCAP_ESPINUDP): the kernel then takes ESP
 * packets, and passes IKE packets (non-ESP marker 0x00000000 still in front) to the socket. */
int kernel_xfrm_socket_espinudp(int fd);

#endif
