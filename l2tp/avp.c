/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The AVP and message tables of RFC 2661 section 4.4, and the result code texts. */
#include "l2tp-int.h"

#define ANY L2TP_AVP_MAX_VALUE

/* Lengths are of the value only; "M" is the bit we set when sending. */
static const struct l2tp_avp_info avps[L2TP_AVP_TYPE_COUNT] = {
	[L2TP_AVP_MESSAGE_TYPE] = {"Message Type", 2, 2, true},
	/* Result Code (2) [Error Code (2) [Error Message]] */
	[L2TP_AVP_RESULT_CODE] = {"Result Code", 2, ANY, true},
	/* Ver (1) Rev (1): 1.0 */
	[L2TP_AVP_PROTOCOL_VERSION] = {"Protocol Version", 2, 2, true},
	[L2TP_AVP_FRAMING_CAP] = {"Framing Capabilities", 4, 4, true},
	[L2TP_AVP_BEARER_CAP] = {"Bearer Capabilities", 4, 4, true},
	[L2TP_AVP_TIE_BREAKER] = {"Tie Breaker", 8, 8, false},
	[L2TP_AVP_FIRMWARE_REV] = {"Firmware Revision", 2, 2, false},
	[L2TP_AVP_HOST_NAME] = {"Host Name", 1, ANY, true},
	[L2TP_AVP_VENDOR_NAME] = {"Vendor Name", 0, ANY, false},
	[L2TP_AVP_ASSIGNED_TUNNEL_ID] = {"Assigned Tunnel ID", 2, 2, true},
	[L2TP_AVP_RECEIVE_WINDOW_SIZE] = {"Receive Window Size", 2, 2, true},
	[L2TP_AVP_CHALLENGE] = {"Challenge", 1, ANY, true},
	[L2TP_AVP_Q931_CAUSE] = {"Q.931 Cause Code", 3, ANY, true},
	[L2TP_AVP_CHALLENGE_RESPONSE] = {"Challenge Response", 16, 16, true},
	[L2TP_AVP_ASSIGNED_SESSION_ID] = {"Assigned Session ID", 2, 2, true},
	[L2TP_AVP_CALL_SERIAL_NUMBER] = {"Call Serial Number", 4, 4, true},
	[L2TP_AVP_MINIMUM_BPS] = {"Minimum BPS", 4, 4, true},
	[L2TP_AVP_MAXIMUM_BPS] = {"Maximum BPS", 4, 4, true},
	[L2TP_AVP_BEARER_TYPE] = {"Bearer Type", 4, 4, true},
	[L2TP_AVP_FRAMING_TYPE] = {"Framing Type", 4, 4, true},
	[L2TP_AVP_CALLED_NUMBER] = {"Called Number", 0, ANY, true},
	[L2TP_AVP_CALLING_NUMBER] = {"Calling Number", 0, ANY, true},
	[L2TP_AVP_SUB_ADDRESS] = {"Sub-Address", 0, ANY, true},
	[L2TP_AVP_TX_CONNECT_SPEED] = {"(Tx) Connect Speed", 4, 4, true},
	[L2TP_AVP_PHYSICAL_CHANNEL_ID] = {"Physical Channel ID", 4, 4, false},
	[L2TP_AVP_INITIAL_RCVD_CONFREQ] = {"Initial Received LCP CONFREQ", 0, ANY, false},
	[L2TP_AVP_LAST_SENT_CONFREQ] = {"Last Sent LCP CONFREQ", 0, ANY, false},
	[L2TP_AVP_LAST_RCVD_CONFREQ] = {"Last Received LCP CONFREQ", 0, ANY, false},
	[L2TP_AVP_PROXY_AUTHEN_TYPE] = {"Proxy Authen Type", 2, 2, false},
	[L2TP_AVP_PROXY_AUTHEN_NAME] = {"Proxy Authen Name", 0, ANY, false},
	[L2TP_AVP_PROXY_AUTHEN_CHALLENGE] = {"Proxy Authen Challenge", 0, ANY, false},
	[L2TP_AVP_PROXY_AUTHEN_ID] = {"Proxy Authen ID", 2, 2, false},
	[L2TP_AVP_PROXY_AUTHEN_RESPONSE] = {"Proxy Authen Response", 0, ANY, false},
	/* Reserved (2) CRC, Framing, Hardware Overruns, Buffer Overruns, Timeout, Alignment (4 each) */
	[L2TP_AVP_CALL_ERRORS] = {"Call Errors", 26, 26, true},
	/* Reserved (2) Send ACCM (4) Receive ACCM (4) */
	[L2TP_AVP_ACCM] = {"ACCM", 10, 10, true},
	[L2TP_AVP_RANDOM_VECTOR] = {"Random Vector", 1, ANY, true},
	[L2TP_AVP_PRIVATE_GROUP_ID] = {"Private Group ID", 0, ANY, false},
	[L2TP_AVP_RX_CONNECT_SPEED] = {"Rx Connect Speed", 4, 4, false},
	[L2TP_AVP_SEQUENCING_REQUIRED] = {"Sequencing Required", 0, 0, true},
};

const struct l2tp_avp_info *l2tp_avp_lookup(uint16_t vendor, uint16_t type)
{
	if (vendor != 0 || type >= L2TP_AVP_TYPE_COUNT || !avps[type].name)
		return NULL;
	return &avps[type];
}

#define B(a) (UINT64_C(1) << L2TP_AVP_##a)

struct msg_info {
	const char *name;
	uint64_t required;
	bool session;
};

/* What each message must carry (RFC 2661 6.1-6.15). */
static const struct msg_info msgs[] = {
	[L2TP_MSG_SCCRQ] = {"SCCRQ",
			    B(MESSAGE_TYPE) | B(PROTOCOL_VERSION) | B(HOST_NAME) | B(FRAMING_CAP) |
				    B(ASSIGNED_TUNNEL_ID),
			    false},
	[L2TP_MSG_SCCRP] = {"SCCRP",
			    B(MESSAGE_TYPE) | B(PROTOCOL_VERSION) | B(HOST_NAME) | B(FRAMING_CAP) |
				    B(ASSIGNED_TUNNEL_ID),
			    false},
	[L2TP_MSG_SCCCN] = {"SCCCN", B(MESSAGE_TYPE), false},
	[L2TP_MSG_STOPCCN] = {"StopCCN", B(MESSAGE_TYPE) | B(ASSIGNED_TUNNEL_ID) | B(RESULT_CODE),
			      false},
	[L2TP_MSG_HELLO] = {"HELLO", B(MESSAGE_TYPE), false},
	[L2TP_MSG_OCRQ] = {"OCRQ",
			   B(MESSAGE_TYPE) | B(ASSIGNED_SESSION_ID) | B(CALL_SERIAL_NUMBER) |
				   B(MINIMUM_BPS) | B(MAXIMUM_BPS) | B(BEARER_TYPE) |
				   B(FRAMING_TYPE) | B(CALLED_NUMBER),
			   true},
	[L2TP_MSG_OCRP] = {"OCRP", B(MESSAGE_TYPE) | B(ASSIGNED_SESSION_ID), true},
	[L2TP_MSG_OCCN] = {"OCCN", B(MESSAGE_TYPE) | B(TX_CONNECT_SPEED) | B(FRAMING_TYPE), true},
	[L2TP_MSG_ICRQ] = {"ICRQ", B(MESSAGE_TYPE) | B(ASSIGNED_SESSION_ID) | B(CALL_SERIAL_NUMBER),
			   true},
	[L2TP_MSG_ICRP] = {"ICRP", B(MESSAGE_TYPE) | B(ASSIGNED_SESSION_ID), true},
	[L2TP_MSG_ICCN] = {"ICCN", B(MESSAGE_TYPE) | B(TX_CONNECT_SPEED) | B(FRAMING_TYPE), true},
	[L2TP_MSG_CDN] = {"CDN", B(MESSAGE_TYPE) | B(RESULT_CODE) | B(ASSIGNED_SESSION_ID), true},
	[L2TP_MSG_WEN] = {"WEN", B(MESSAGE_TYPE) | B(CALL_ERRORS), true},
	[L2TP_MSG_SLI] = {"SLI", B(MESSAGE_TYPE) | B(ACCM), true},
};

const char *l2tp_msg_name(uint16_t msg_type)
{
	if (msg_type == L2TP_MSG_ZLB)
		return "ZLB";
	if (msg_type >= ARRAY_SIZE(msgs) || !msgs[msg_type].name)
		return "unknown";
	return msgs[msg_type].name;
}

uint64_t l2tp_msg_required(uint16_t msg_type)
{
	return msg_type < ARRAY_SIZE(msgs) ? msgs[msg_type].required : 0;
}

bool l2tp_msg_is_session(uint16_t msg_type)
{
	return msg_type < ARRAY_SIZE(msgs) && msgs[msg_type].session;
}

static const char *lookup(const char *const *tab, size_t n, uint16_t code)
{
	return code < n && tab[code] ? tab[code] : "unknown";
}

/* RFC 2661 4.4.2 */
const char *l2tp_stopccn_result_str(uint16_t result)
{
	static const char *const tab[] = {
		"reserved",
		"general request to clear control connection",
		"general error",
		"control channel already exists",
		"requester is not authorized to establish a control channel",
		"the protocol version of the requester is not supported",
		"requester is being shut down",
		"finite state machine error",
	};
	return lookup(tab, ARRAY_SIZE(tab), result);
}

const char *l2tp_cdn_result_str(uint16_t result)
{
	static const char *const tab[] = {
		"reserved",
		"call disconnected due to loss of carrier",
		"call disconnected for the reason indicated in error code",
		"call disconnected for administrative reasons",
		"call failed due to lack of appropriate facilities (temporary)",
		"call failed due to lack of appropriate facilities (permanent)",
		"invalid destination",
		"call failed due to no carrier detected",
		"call failed due to detection of a busy signal",
		"call failed due to lack of a dial tone",
		"call was not established within time allotted by LAC",
		"call was connected but no appropriate framing was detected",
	};
	return lookup(tab, ARRAY_SIZE(tab), result);
}

const char *l2tp_error_str(uint16_t error)
{
	static const char *const tab[] = {
		"no general error",
		"no control connection exists yet for this LAC-LNS pair",
		"length is wrong",
		"a field value was out of range or a reserved field was non-zero",
		"insufficient resources to handle this operation now",
		"the session ID is invalid in this context",
		"a generic vendor-specific error occurred",
		"try another LNS",
		"unknown AVP with the M bit set",
	};
	return lookup(tab, ARRAY_SIZE(tab), error);
}
