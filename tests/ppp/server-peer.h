/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An in-memory PPP authenticator for tests, written from the peer notes to
 * behave like SoftEther's (only Auth-Protocol in its Configure-Request,
 * rejects Magic-Number, offers EAP -> MS-CHAPv2 -> PAP, Terminate-Request on
 * a wrong PAP password, rejects DNS2) or like pppd (offers CHAP-MD5 first and
 * follows a Nak, Auth Naks, negotiates IPV6CP). Deliberately simpler than a
 * real RFC 1661 automaton: it reacts to packets and retransmits what is
 * unanswered.
 */
#ifndef L2I_TEST_SERVER_PEER_H
#define L2I_TEST_SERVER_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sp_flavor { SP_SOFTETHER, SP_PPPD };

enum sp_method { SP_NONE, SP_EAP, SP_PAP, SP_CHAP_MD5, SP_MSCHAPV2 };

struct sp_config {
	enum sp_flavor flavor;
	const char *user, *password;
	/* methods offered in order, SP_NONE-terminated; empty = no authentication */
	enum sp_method methods[5];
	bool bad_authenticator; /* corrupt the MS-CHAPv2 S= value */
	bool mute_echo;		/* do not answer Echo-Requests */
	bool send_ccp;		/* send a CCP Configure-Request after IPCP is up */
	uint32_t assign_addr, server_addr, dns1, dns2; /* network order; dns2 0 = none */
};

typedef void (*sp_send_fn)(void *ctx, const uint8_t *frame, size_t len);

struct server_peer;

void sp_config_softether(struct sp_config *c);
void sp_config_pppd(struct sp_config *c);
struct server_peer *sp_new(const struct sp_config *cfg, sp_send_fn send, void *ctx);
void sp_free(struct server_peer *s);
void sp_start(struct server_peer *s, uint64_t now);
void sp_rx(struct server_peer *s, const uint8_t *frame, size_t len, uint64_t now);
uint64_t sp_next_timeout(const struct server_peer *s);
void sp_tick(struct server_peer *s, uint64_t now);
/* Send one raw frame (FF 03 proto + payload) to the client. */
void sp_send_raw(struct server_peer *s, uint16_t proto, const uint8_t *payload, size_t len);

/* Observations */
int sp_auth_result(const struct server_peer *s); /* 0 pending, 1 ok, -1 failed */
enum sp_method sp_auth_method(const struct server_peer *s);
bool sp_ipcp_open(const struct server_peer *s);
bool sp_ipv6cp_open(const struct server_peer *s);
bool sp_got_term_req(const struct server_peer *s);
bool sp_sent_term_req(const struct server_peer *s);
uint16_t sp_protocol_rejected(
	const struct server_peer *s); /* last protocol we got Protocol-Rejected */
bool sp_client_sent_magic(const struct server_peer *s);
unsigned sp_ip_packets(const struct server_peer *s); /* 0x0021 frames received */
unsigned sp_echo_requests(const struct server_peer *s);

#endif
