#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# IPv6 enabled on the client, against SoftEther, which never starts IPV6CP. The client answers
# IPV6CP only when the server starts it (an IPV6CP request of ours stalled SoftEther: IPCP
# unanswered for 3 s when sent alongside, IPv4 traffic held ~4 s when sent after it), so here the
# connection is IPv4 only: no IPV6CP in the log, no IPv6 address on the TUN (not even one the
# kernel would make up), "ipv6": null in `status --json`, pings answered without delay, nothing
# left behind. tests/vm/scenarios/userspace-ipv6.sh covers a server that offers IPv6 (pppd).
set -euo pipefail
here=$(dirname "$0")
. "$here/lib/softether.sh"
. "$here/lib/client.sh"
lab_trap
lab_require
client_require
lab_up

ns=$LAB_CLI_NS ifc=$CLIENT_IFNAME
profile=$LAB_DIR/lab.conf
lab_write_profile "$profile" "gateway=$LAB_SRV_IP"
# The lab turns IPv6 off everywhere; new interfaces (our TUN) get it back.
lab_cli sysctl -qw net.ipv6.conf.default.disable_ipv6=0
client_snapshot "$ns" "$LAB_DIR/before"

client_connect "$ns" "$profile" --verbose
client_wait_up "$ns" "$ifc" 60
out=$(ip netns exec "$ns" ping -n -c 10 -i 0.2 -W 3 "$CLIENT_VGW" 2>&1) || true
grep -q ' 10 received' <<<"$out" || lab_die "ping $CLIENT_VGW through $ifc:"$'\n'"$out"
max=$(sed -n 's|^rtt .* = [0-9.]*/[0-9.]*/\([0-9.]*\)/.*|\1|p' <<<"$out")
lab_log "ping right after up: $(grep -E 'received|rtt' <<<"$out" | tr '\n' ' ')"
awk -v m="$max" 'BEGIN { exit !(m < 1500) }' || lab_die "traffic held after up (max RTT $max ms)"

! grep -q 'IPV6CP' "$CLIENT_LOG" ||
	lab_die "IPV6CP sent to a server that did not offer it:"$'\n'"$(cat "$CLIENT_LOG")"
! grep -q '^connected: .*IPv6' "$CLIENT_LOG" || lab_die "IPv6 claimed: $(grep '^connected' "$CLIENT_LOG")"
v6=$(ip -n "$ns" -6 -o addr show dev "$ifc")
[[ -z $v6 ]] || lab_die "IPv6 addresses on $ifc without IPV6CP: $v6"
ip -n "$ns" link show dev "$ifc" | grep -q UP || lab_die "$ifc is not up"

client_run "$ns" 10 "$LAB_DIR/status.json" status --json
client_json_check "$LAB_DIR/status.json" "j[0]['state'] == 'up'" "j[0]['ipv6'] is None"

client_run "$ns" 20 "$LAB_DIR/disconnect.txt" disconnect
((CLIENT_RC == 0)) || lab_die "disconnect exited $CLIENT_RC:"$'\n'"$(client_output "$LAB_DIR/disconnect.txt")"
client_wait_exit 20 "after disconnect"
((CLIENT_RC == 0)) || lab_die "connect exited $CLIENT_RC after a clean stop:"$'\n'"$(cat "$CLIENT_LOG")"
client_assert_no_trace "$ns" "$LAB_DIR/before"
lab_wedge_check "$ns"
echo "PASS: ipv6 on, server without IPV6CP: IPv4 only, no delay"
