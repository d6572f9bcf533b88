/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Connection profiles: a key file with a [vpn] group that uses
 * NetworkManager-l2tp's key names (shared/nm-service-defines.h), so an NM
 * keyfile's [vpn]/[vpn-secrets] groups load as they are. Every key is checked
 * against one table (config-keys.c); unknown keys and bad values are errors
 * that quote the file, the line, the key and the value.
 *
 * Secrets (password, ipsec-psk, tunnel-secret) live in struct secbuf only.
 */
#ifndef L2I_CLIENT_CONFIG_H
#define L2I_CLIENT_CONFIG_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "ipsec.h"

#define VPN_MAX_ROUTES 32

struct vpn_route {
	uint32_t addr; /* host byte order */
	uint8_t prefix_len;
};

enum vpn_data_path {
	VPN_DATA_PATH_AUTO,
	VPN_DATA_PATH_USERSPACE,
	VPN_DATA_PATH_KERNEL,
};

struct vpn_profile {
	char *name; /* file name without directory and ".conf" */
	char *path;

	char *gateway;
	char *user;
	char *domain;	/* NM-l2tp "domain": user becomes DOMAIN\user */
	char *hostname; /* L2TP Host Name AVP */
	struct secbuf *password;
	struct secbuf *ipsec_psk;
	struct secbuf *tunnel_secret;

	char *ipsec_remote_id;
	char *ipsec_group_name; /* accepted and kept, unused (IKEv1 XAUTH group) */
	/* Proposal strings parsed by ipsec/ (ike_p1_parse); n == 0: the core's default offer. */
	struct ike_p1_list ike;
	struct ike_p2_list esp;
	uint32_t ike_lifetime_s;
	uint32_t sa_lifetime_s;
	/* 0: no PFS; 1: PFS with the phase 1 group; else that group. */
	uint16_t pfs_group;
	bool force_encaps;
	uint32_t dpd_interval_s; /* 0 = off */

	uint32_t mtu;
	uint32_t mru;
	uint32_t lcp_echo_interval_s;
	uint32_t lcp_echo_failure;
	bool refuse_pap, refuse_chap, refuse_mschap, refuse_mschapv2, refuse_eap;

	bool never_default;
	bool ipv6; /* negotiate IPV6CP: link-local IPv6 inside the tunnel when the server offers it */
	struct vpn_route routes[VPN_MAX_ROUTES];
	unsigned n_routes;
	char *ifname;
	enum vpn_data_path data_path;
};

#define VPN_PFS_SAME_GROUP 1

/* Defaults for a profile that sets nothing: the IKE core's default offers, no PFS. */
struct vpn_profile *vpn_profile_new(void);
void vpn_profile_free(struct vpn_profile *p);
typedef struct vpn_profile vpn_profile;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vpn_profile, vpn_profile_free)

/*
 * Load a profile file. Refuses (G_FILE_ERROR_PERM) a file holding a secret that
 * is readable by group or others. Errors are one sentence quoting file, line,
 * key and value.
 */
struct vpn_profile *vpn_profile_load(const char *path, GError **error);
/* Same from memory; source_name is used in messages. mode is the file's st_mode. */
struct vpn_profile *vpn_profile_load_data(const char *source_name, const char *data, size_t len,
					  unsigned mode, GError **error);

/*
 * Set one key as if it came from a file (also used for --secrets-fd lines).
 * source/line name the origin for messages; line 0 leaves the line out.
 */
bool vpn_profile_set(struct vpn_profile *p, const char *source, unsigned line, const char *key,
		     const char *value, GError **error);

/* After everything is loaded: required keys present and combinations valid. */
bool vpn_profile_check(const struct vpn_profile *p, GError **error);

/* True when key names a secret (password, ipsec-psk, tunnel-secret). */
bool vpn_key_is_secret(const char *key);

/*
 * Secrets: key=value lines read from fd (closed afterwards), e.g.
 * `--secrets-fd 3` with `password=…` and `ipsec-psk=…`. Only secret keys.
 */
bool vpn_profile_read_secrets_fd(struct vpn_profile *p, int fd, GError **error);
/* Ask on /dev/tty (no echo) for each secret the profile needs and lacks. */
bool vpn_profile_prompt_secrets(struct vpn_profile *p, GError **error);
/* Names of secrets still missing, NULL-terminated static strings; *n set. */
unsigned vpn_profile_missing_secrets(const struct vpn_profile *p, const char **out, unsigned max);

#define VPN_CONFIG_ERROR (vpn_config_error_quark())
GQuark vpn_config_error_quark(void);
enum {
	VPN_CONFIG_ERROR_INVALID,
	VPN_CONFIG_ERROR_UNSUPPORTED,
	VPN_CONFIG_ERROR_PERMISSIONS,
	VPN_CONFIG_ERROR_MISSING,
	VPN_CONFIG_ERROR_IO,
};

#endif
