/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data path behind the engine: where ESP, L2TP data and PPP run. Two
 * implementations of the same small interface:
 *   - userspace (dp-userspace.c): ESP codec of ipsec/, built-in PPP of ppp/,
 *     a TUN device; L2TP control and data travel inside our own ESP on UDP
 *     4500 (always encapsulated, so nothing leaves unprotected);
 *   - kernel (client/kernel-*.c): XFRM SAs, kernel L2TP session, pppd.
 *
 * The engine owns IKE, the L2TP control core and the sockets; the data path
 * owns keys, PPP and the network interface. PPP progress comes back as
 * struct ppp_event whichever PPP implementation produced it.
 */
#ifndef L2I_CLIENT_DATAPATH_H
#define L2I_CLIENT_DATAPATH_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipsec.h"
#include "l2tp.h"
#include "ppp.h"

struct vpn_profile;

/* What the data path may call in the engine. */
struct vpn_dp_host {
	void *ctx;
	/* A decrypted L2TP message from the LNS (control or data). */
	void (*l2tp_rx)(void *ctx, const uint8_t *pkt, size_t len);
	/* Inbound ESP authenticated: the peer is alive (DPD). */
	void (*esp_alive)(void *ctx);
	/* PPP progress (LCP up, auth, IPCP up, terminal events). */
	void (*ppp_event)(void *ctx, const struct ppp_event *ev);
	/* A datagram for UDP 4500 (ESP, or a keepalive). */
	void (*send_natt)(void *ctx, const uint8_t *pkt, size_t len);
	/* A run of datagrams for UDP 4500, each seg bytes but the last (which may be shorter),
	 * back to back in buf: one send with UDP GSO where the kernel has it. */
	void (*send_natt_run)(void *ctx, const uint8_t *buf, size_t len, size_t seg);
	/* Something broke beyond repair: one sentence. */
	void (*fatal)(void *ctx, const char *sentence);
	const struct log_sink *log;
	const struct rand_source *rnd;
};

/* Where the SAs apply: what XFRM selectors and UDP encapsulation need (kernel path). */
struct vpn_dp_flow {
	uint32_t local_ip, remote_ip;	  /* network order; local as our socket sees it */
	bool natt;			  /* ESP in UDP (RFC 3948) */
	uint16_t local_port, remote_port; /* of the UDP 4500 socket, host order */
	int natt_fd; /* the engine's UDP 4500 socket (kernel: set UDP_ENCAP_ESPINUDP on it) */
	int ike_fd;  /* the engine's UDP 500 socket (kernel: exempt from IPsec policies) */
};

struct vpn_dp_stats {
	uint64_t bytes_in, bytes_out, packets_in, packets_out;
};

struct vpn_datapath;

struct vpn_datapath_ops {
	const char *name;
	/* A negotiated SA pair: becomes the outbound SA; inbound accepted at once. */
	int (*add_sa)(struct vpn_datapath *dp, const struct ipsec_child_sa *sa,
		      const struct vpn_dp_flow *flow);
	/* Forget the pair whose inbound SPI is spi_in (deleted, or its rekey grace ended). */
	void (*del_sa)(struct vpn_datapath *dp, uint32_t spi_in);
	/* An ESP datagram that arrived on UDP 4500 (without a marker). */
	void (*esp_rx)(struct vpn_datapath *dp, const uint8_t *pkt, size_t len);
	/* The datagrams of one wakeup have all been through esp_rx: deliver what was held back
	 * to be merged (NULL: nothing is held). */
	void (*rx_flush)(struct vpn_datapath *dp);
	/* One L2TP message to the LNS; -ENOTCONN (dropped) without an SA: fail closed. */
	int (*l2tp_send)(struct vpn_datapath *dp, const uint8_t *pkt, size_t len);
	/* The L2TP session is up: run PPP over it. The tunnel outlives the call. */
	int (*ppp_start)(struct vpn_datapath *dp, struct l2tp_tunnel *tunnel);
	/* A PPP frame the L2TP core received (userspace PPP only). */
	void (*ppp_rx)(struct vpn_datapath *dp, const uint8_t *frame, size_t len);
	/* Orderly PPP close; a terminal ppp_event follows. False: nothing to close. */
	bool (*ppp_close)(struct vpn_datapath *dp);
	/* The network interface carrying the tunnel: name, index and the largest IP packet the
	 * link carries (our MTU capped by the server's MRU), after IPCP. */
	bool (*get_interface)(struct vpn_datapath *dp, char ifname[16], int *ifindex,
			      unsigned *mtu);
	void (*get_stats)(struct vpn_datapath *dp, struct vpn_dp_stats *st);
	/* Stops everything at once (no goodbyes), releases keys and the interface. */
	void (*free)(struct vpn_datapath *dp);
};

struct vpn_datapath {
	const struct vpn_datapath_ops *ops;
};

/* ifname may hold "%d". NULL with error set. */
struct vpn_datapath *vpn_dp_userspace_new(const struct vpn_profile *profile, const char *ifname,
					  const struct vpn_dp_host *host, GError **error);

/* The kernel path: XFRM, kernel L2TP and pppd with our plugin. NULL with error set (the reason,
 * e.g. "the kernel has no ESP (module esp4)") when a piece is missing. */
struct vpn_datapath *vpn_dp_kernel_new(const struct vpn_profile *profile,
				       const struct vpn_dp_host *host, GError **error);
/* Whether vpn_dp_kernel_new() would work; *reason (g_free) says why not. */
bool vpn_dp_kernel_usable(char **reason);
/* The same, keeping what it opened for the data path: the XFRM socket and our plugin's path
 * (dp-kernel-check.c). */
bool vpn_dp_kernel_check(int *xfrm_fd, char **plugin_path, char **reason);

#endif
