/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Names for states and probe results, and the probe's grading rule: pure tables. */
#include "vpn-engine.h"

static const struct {
	const char *name;
	const char *title;
} states[] = {
	[VPN_STATE_DOWN] = {"down", "down"},
	[VPN_STATE_IKE_PHASE1] = {"ike-phase1", "IKE phase 1"},
	[VPN_STATE_IKE_PHASE2] = {"ike-phase2", "IKE phase 2"},
	[VPN_STATE_L2TP_TUNNEL] = {"l2tp-tunnel", "L2TP tunnel"},
	[VPN_STATE_L2TP_SESSION] = {"l2tp-session", "L2TP session"},
	[VPN_STATE_PPP_LCP] = {"ppp-lcp", "PPP link (LCP)"},
	[VPN_STATE_PPP_AUTH] = {"ppp-auth", "PPP authentication"},
	[VPN_STATE_PPP_IPCP] = {"ppp-ipcp", "PPP IP configuration (IPCP)"},
	[VPN_STATE_UP] = {"up", "connected"},
	[VPN_STATE_DISCONNECTING] = {"disconnecting", "disconnecting"},
};

const char *vpn_state_name(enum vpn_state s)
{
	return s < G_N_ELEMENTS(states) ? states[s].name : "?";
}

const char *vpn_state_title(enum vpn_state s)
{
	return s < G_N_ELEMENTS(states) ? states[s].title : "?";
}

const char *vpn_proposal_name(const struct ike_p1_proposal *pr, char *buf, size_t len)
{
	if (ike_p1_proposal_name(pr, buf, len) < 0 && len)
		buf[0] = '\0';
	return buf;
}

enum vpn_probe_grade vpn_probe_grade_of(const struct ike_p1_proposal *pr)
{
	bool aes = pr->encr == 7;
	bool sha2 = pr->hash >= 4;
	bool big_group = pr->group >= 14;

	/* DES/3DES (64-bit blocks, Sweet32), MD5, and 768-1536-bit groups are weak */
	if (!aes || pr->hash == 1 || !big_group)
		return VPN_GRADE_WEAK;
	return sha2 ? VPN_GRADE_STRONG : VPN_GRADE_ACCEPTABLE;
}

const char *vpn_probe_grade_name(enum vpn_probe_grade g)
{
	switch (g) {
	case VPN_GRADE_STRONG:
		return "strong";
	case VPN_GRADE_ACCEPTABLE:
		return "acceptable";
	case VPN_GRADE_WEAK:
		return "weak";
	}
	return "?";
}

const char *vpn_probe_answer_name(enum vpn_probe_answer a)
{
	switch (a) {
	case VPN_PROBE_ACCEPTED:
		return "accepted";
	case VPN_PROBE_REJECTED:
		return "rejected";
	case VPN_PROBE_NO_ANSWER:
		return "no-answer";
	}
	return "?";
}
