#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# (e) wrong password: SoftEther answers PAP with LCP Terminate-Request (softether.md "PPP"); the
# client must name the authentication failure, exit non-zero and leave nothing behind. Its own
# server instance (wedge rule 3). Then, from the same address within 60 s, a good login must
# work: that holds only if the client sent CDN + StopCCN on the failure path (wedge rule 1).
set -euo pipefail
here=$(dirname "$0")
. "$here/lib/softether.sh"
. "$here/lib/client.sh"
lab_trap
lab_require
client_require
lab_up

good=$LAB_DIR/lab.conf
lab_write_profile "$good"
client_snapshot "$LAB_CLI_NS" "$LAB_DIR/before"

# MS-CHAPv2 (what the client settles on by default) and PAP (the server answers a wrong PAP
# password with LCP Terminate-Request instead of Authenticate-Nak).
# "no common authentication method" is not a wrong-password report.
auth_failed='authentication (failed|rejected|refused)'
for auth in mschapv2 pap; do
	bad=$LAB_DIR/wrong-$auth.conf
	if [[ $auth == pap ]]; then
		lab_write_profile "$bad" password=not-alice-pass refuse-eap=yes refuse-mschapv2=yes \
			refuse-mschap=yes refuse-chap=yes
	else
		lab_write_profile "$bad" password=not-alice-pass
	fi
	t0=$(lab_ms)
	client_run "$LAB_CLI_NS" 60 "$bad.out" connect --config "$bad" --ifname "$CLIENT_IFNAME" \
		--data-path "$E2E_DATA_PATH"
	((CLIENT_RC != 0)) || lab_die "$auth: connect with a wrong password exited 0"
	grep -qiE "$auth_failed" "$bad.out" "$bad.out.err" ||
		lab_die "$auth: no authentication failure reason:"$'\n'"$(client_output "$bad.out")"
	if grep -qi 'no common authentication' "$bad.out" "$bad.out.err"; then
		lab_die "$auth: the server offers EAP, MS-CHAPv2 and PAP, yet:"$'\n'"$(client_output "$bad.out")"
	fi
	if grep -qi 'pre-shared key' "$bad.out" "$bad.out.err"; then
		lab_die "$auth: a wrong password reported as a PSK problem:"$'\n'"$(client_output "$bad.out")"
	fi
	lab_log "$auth: failed as expected in $(($(lab_ms) - t0)) ms: $(grep -hiE -m 1 "$auth_failed" "$bad.out" "$bad.out.err" | head -n 1)"
	client_assert_no_trace "$LAB_CLI_NS" "$LAB_DIR/before"
	LAB_WEDGE_HINT="after a failed login this means the client did not send CDN + StopCCN (softether.md, wedge rule 1)"
	lab_wedge_check
	LAB_WEDGE_HINT=
done

LAB_WEDGE_HINT="after a failed login this means the client did not send CDN + StopCCN (softether.md, wedge rule 1)"
client_connect "$LAB_CLI_NS" "$good"
client_wait_up "$LAB_CLI_NS" "$CLIENT_IFNAME" 40
LAB_WEDGE_HINT=
out=$(ip netns exec "$LAB_CLI_NS" ping -n -c 3 -i 0.2 -W 3 "$CLIENT_VGW" 2>&1) || true
grep -q ' 3 received' <<<"$out" || lab_die "ping after re-login:"$'\n'"$out"
client_stop INT 20
((CLIENT_RC == 0)) || lab_die "connect exited $CLIENT_RC after SIGINT"
client_assert_no_trace "$LAB_CLI_NS" "$LAB_DIR/before"

# Wedge rule 2: never hand this server to another test; a restart must bring it back.
lab_server_restart
lab_wedge_check
echo "PASS: wrong password reported, no trace, no wedge"
