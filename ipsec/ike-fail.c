/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Failure reasons as a person reads them: what failed and what to try. */
#include "ipsec.h"

struct fail_text {
	const char *name;
	const char *message;
};

static const struct fail_text texts[] = {
	[IKE_FAIL_NONE] = {"none", "No error."},
	[IKE_FAIL_NO_RESPONSE] = {"no-response",
				  "The server did not answer on UDP port 500: check the address, "
				  "that it is an L2TP/IPsec server, and that no firewall blocks "
				  "UDP 500 and 4500."},
	[IKE_FAIL_NO_PROPOSAL] = {"no-proposal-chosen",
				  "The server rejected every IKE proposal we offered: run "
				  "`l2tp-ipsec probe` to find one it accepts and set it in the "
				  "profile."},
	[IKE_FAIL_PSK_MISMATCH] = {"psk-mismatch",
				   "The pre-shared key does not match the server's: check the "
				   "IPsec secret (not the user password)."},
	[IKE_FAIL_ID_REJECTED] = {"id-rejected",
				  "The server rejected the identity: check the profile's local and "
				  "remote IPsec ID settings."},
	[IKE_FAIL_AUTH_FAILED] = {"auth-failed",
				  "The server reported an authentication failure: check the "
				  "pre-shared key and the IPsec ID settings."},
	[IKE_FAIL_QM_REJECTED] = {"quick-mode-rejected",
				  "The server rejected every ESP proposal we offered: set an ESP "
				  "proposal it accepts (e.g. aes128-sha1) or change PFS."},
	[IKE_FAIL_QM_NO_RESPONSE] = {"quick-mode-timeout",
				     "The server stopped answering after phase 1: it may not allow "
				     "L2TP (udp/1701) traffic; check its IPsec policy."},
	[IKE_FAIL_NATT_BLOCKED] = {"natt-blocked",
				   "The server answered on UDP 500 but not on UDP 4500: allow UDP "
				   "4500 through the firewall or NAT in between."},
	[IKE_FAIL_PEER_DELETED] = {"peer-deleted",
				   "The server ended the IPsec session: reconnect, and check the "
				   "server's logs if it happens again."},
	[IKE_FAIL_PEER_DEAD] = {"peer-dead",
				"The server stopped answering dead peer detection: check the "
				"network connection and reconnect."},
	[IKE_FAIL_PEER_ERROR] = {"peer-error",
				 "The server reported an IKE error: check the server's logs for "
				 "the reason."},
	[IKE_FAIL_BAD_RESPONSE] = {"bad-response",
				   "The server answered with something we did not offer: report "
				   "this, with a debug log, as a bug or server misconfiguration."},
	[IKE_FAIL_INTERNAL] = {"internal",
			       "An internal error occurred (memory or cryptography library): "
			       "retry, and report it if it persists."},
};

const char *ike_fail_message(enum ike_fail code)
{
	if ((unsigned)code >= ARRAY_SIZE(texts) || !texts[code].message)
		return "Unknown error.";
	return texts[code].message;
}

const char *ike_fail_name(enum ike_fail code)
{
	if ((unsigned)code >= ARRAY_SIZE(texts) || !texts[code].name)
		return "unknown";
	return texts[code].name;
}
