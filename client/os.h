/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The OS edge: UDP sockets, the TUN device, addresses and routes, DNS. Each
 * piece records what it changed so that disconnect (and a crashed run's
 * successor, for DNS) can put the system back as it was.
 */
#ifndef L2I_CLIENT_OS_H
#define L2I_CLIENT_OS_H

#include <glib-unix.h>
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/*
 * Errors from the OS edge: the code is the errno value (EEXIST, ECONNREFUSED...). Our own
 * domain rather than GIO's G_IO_ERROR: the client links no GIO (see dbus-wire.h).
 */
#define OS_ERROR (os_error_quark())
GQuark os_error_quark(void);

/* g_unix_fd_add() for packet sockets and the TUN device, without GLib's per-dispatch
 * eventfd round trip (os-watch.c). The callback must not iterate the main loop. */
guint os_watch_add(int fd, GIOCondition cond, GUnixFDSourceFunc fn, gpointer data);

/* ---- UDP (os-udp.c) ---- */

/*
 * A non-blocking UDP socket connected to server:server_port (network order
 * address), bound to want_port when that is free (we are root), else to an
 * ephemeral port. local_ip/local_port (may be NULL) receive the address the
 * kernel picked, as needed for NAT-D. Returns the fd or -1 with error set.
 */
int os_udp_open(uint32_t server_ip, uint16_t server_port, uint16_t want_port, uint32_t *local_ip,
		uint16_t *local_port, GError **error);
/* Resolve a gateway name or dotted quad to one IPv4 address (network order). */
bool os_resolve_ipv4(const char *host, uint32_t *addr, GError **error);

/* ---- TUN (os-tun.c) ---- */

/* Opens /dev/net/tun as IFF_TUN|IFF_NO_PI, non-blocking. name may hold "%d".
 * Returns the fd or -1; ifname (IFNAMSIZ bytes) and ifindex are filled.
 * offload NULL: plain IP packets. Otherwise the device is asked for a virtio_net_hdr before
 * every packet (IFF_VNET_HDR), checksum offload and TCP segmentation offload
 * (tun-offload.h); *offload says whether it has the header (the offloads may still be off:
 * the header then says so). */
int os_tun_open(const char *name, char *ifname, int *ifindex, bool *offload, GError **error);

/* ---- addresses and routes (os-net.c) ---- */

struct os_net_config {
	int ifindex;
	uint32_t local, peer; /* network order, from IPCP */
	uint32_t mtu;
	uint32_t gateway; /* the VPN server's outer address: keeps its host route */
	bool never_default;
	bool link_ready; /* address and link already set (pppd): routes only */
	const struct vpn_route *routes;
	unsigned n_routes;
};

struct os_net;

/* Address, MTU, link up, host route to the server, default (two /1) or listed routes.
 * On error everything done so far is undone. */
struct os_net *os_net_apply(const struct os_net_config *cfg, GError **error);
/* Undo in reverse order; NULL is fine. */
void os_net_restore(struct os_net *n);
/* Routes added, for status: "0.0.0.0/1 dev l2tp0" lines. */
char *os_net_describe(const struct os_net *n);

/*
 * IPv6 inside the tunnel (IPV6CP): before the interface goes up, tell the kernel to add no
 * link-local address of its own; false (with why) when IPv6 cannot work on the interface
 * (IPv6 off in the kernel or disable_ipv6 set), and then IPV6CP is not negotiated.
 */
bool os_net_ipv6_prepare(int ifindex, const char *ifname, GError **error);
/* fe80::/64 with the two interface identifiers; replaces an earlier one, undone by
 * os_net_restore(). */
bool os_net_add_ipv6(struct os_net *n, const uint8_t local[16], const uint8_t peer[16],
		     GError **error);

/* ---- DNS (os-dns.c) ---- */

struct os_dns;

/*
 * systemd-resolved over D-Bus when it runs in this network namespace and programs use it
 * (SetLinkDNS, SetLinkDomains "~." and SetLinkDefaultRoute when the tunnel is the default
 * route), else resolv_path rewritten with a backup in state_dir. servers: network order.
 */
struct os_dns *os_dns_apply(const char *profile, int ifindex, const uint32_t *servers, unsigned n,
			    bool default_route, const char *resolv_path, const char *state_dir,
			    GError **error);
void os_dns_restore(struct os_dns *d);
/* "systemd-resolved" or "/etc/resolv.conf". */
const char *os_dns_method(const struct os_dns *d);
/* Why systemd-resolved runs but the file was written instead (another network namespace, or
 * /etc/resolv.conf not in its hands), for the log; NULL otherwise. */
const char *os_dns_note(const struct os_dns *d);

/* The file method on its own (also used by tests against a temp dir). */
bool os_resolv_write(const char *resolv_path, const char *backup_path, const char *profile,
		     const uint32_t *servers, unsigned n, GError **error);
/* Puts the backup back if resolv_path still holds our text; removes the backup. */
bool os_resolv_restore(const char *resolv_path, const char *backup_path, GError **error);
/* Where the backup of resolv_path lives: named after the file's device and inode, so that
 * clients in different network namespaces (each its own resolv.conf) never share one. */
char *os_resolv_backup_path(const char *state_dir, const char *resolv_path);
/* After a crash: a backup left behind is restored (true when one was). */
bool os_resolv_recover(const char *resolv_path, const char *backup_path);

#endif
