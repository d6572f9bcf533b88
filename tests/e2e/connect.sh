#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# (d) connect: interface up with 192.168.30.x, ping the virtual gateway through the tunnel, 10 MiB
# TCP each way with matching SHA-256, status --json, disconnect leaves no trace.
# With LAB_NAT=1 (nat.sh): the same from behind an nftables masquerade, stopped with SIGINT.
set -euo pipefail
here=$(dirname "$0")
. "$here/lib/softether.sh"
. "$here/lib/client.sh"
. "$here/lib/tcp.sh"
: "${E2E_NAT:=0}"
: "${E2E_TCP_MB:=10}"
lab_trap
lab_require
client_require
lab_up

ns=$LAB_CLI_NS gw=$LAB_SRV_IP uplink=$LAB_CLI_IF cap_if=$LAB_SRV_IF
if [[ $E2E_NAT == 1 ]]; then
	lab_nat_up
	ns=$LAB_NATCLI_NS gw=$LAB_SRV_IP2 uplink=$LAB_NATCLI_IF cap_if=$LAB_SRV_IF2
fi
ifc=$CLIENT_IFNAME
profile=$LAB_DIR/lab.conf
lab_write_profile "$profile" "gateway=$gw"

# Without the tunnel the sink address is unreachable: a transfer to it proves the tunnel.
if ip -n "$ns" route get "$LAB_SINK_IP" >/dev/null 2>&1 && [[ $E2E_NAT != 1 ]]; then
	lab_die "$LAB_SINK_IP is routable from $ns without the tunnel"
fi
client_snapshot "$ns" "$LAB_DIR/before"
lab_capture_start "$LAB_SRV_NS" "$cap_if" "$LAB_DIR/connect.pcap"

client_connect "$ns" "$profile"
client_wait_up "$ns" "$ifc" 60

# Routes: the virtual network and (no never-default in the profile) the default route through
# the tunnel; the gateway itself still through the uplink.
ip -n "$ns" route get "$CLIENT_VGW" | grep -q " dev $ifc " ||
	lab_die "$CLIENT_VGW not routed through $ifc: $(ip -n "$ns" route get "$CLIENT_VGW")"
ip -n "$ns" route get "$gw" | grep -q " dev $uplink " ||
	lab_die "gateway $gw not routed through $uplink: $(ip -n "$ns" route get "$gw")"
ip -n "$ns" route get "$LAB_SINK_IP" 2>/dev/null | grep -q " dev $ifc " ||
	lab_die "no default route through $ifc: $(ip -n "$ns" route show)"

out=$(ip netns exec "$ns" ping -n -c 5 -i 0.2 -W 3 "$CLIENT_VGW" 2>&1) || true
grep -q ' 5 received' <<<"$out" || lab_die "ping $CLIENT_VGW through $ifc:"$'\n'"$out"
lab_log "ping: $(grep -E 'received|rtt' <<<"$out" | tr '\n' ' ')"

# SecureNAT opens the client's TCP connection from inside the server's namespace.
tcp_transfer_check "$ns" "$LAB_SRV_NS" "$LAB_SINK_IP" 5001 "$E2E_TCP_MB" 180
# and back: received packets merged into GSO writes to the TUN (tun_gro) must arrive intact
tcp_download_check "$LAB_SRV_NS" "$ns" "$LAB_SINK_IP" 5002 "$E2E_TCP_MB" 180

client_run "$ns" 10 "$LAB_DIR/status.json" status --json
((CLIENT_RC == 0)) || lab_die "status --json exited $CLIENT_RC:"$'\n'"$(client_output "$LAB_DIR/status.json")"
client_json_check "$LAB_DIR/status.json" \
	"'$ifc' in json.dumps(j)" "'$CLIENT_ADDR' in json.dumps(j)" "'$gw' in json.dumps(j)"

if [[ $E2E_NAT == 1 ]]; then
	client_stop INT 20
else
	client_run "$ns" 20 "$LAB_DIR/disconnect.txt" disconnect
	((CLIENT_RC == 0)) || lab_die "disconnect exited $CLIENT_RC:"$'\n'"$(client_output "$LAB_DIR/disconnect.txt")"
	client_wait_exit 20 "after disconnect"
fi
((CLIENT_RC == 0)) || lab_die "connect exited $CLIENT_RC after a clean stop:"$'\n'"$(cat "$CLIENT_LOG")"
lab_capture_stop

client_assert_no_trace "$ns" "$LAB_DIR/before"
client_run "$ns" 10 "$LAB_DIR/status-after.json" status --json
client_json_check "$LAB_DIR/status-after.json" "'$ifc' not in json.dumps(j)"

lab_pcap_assert_wellformed "$LAB_DIR/connect.pcap"
lab_pcap_assert_no_cleartext "$LAB_DIR/connect.pcap"
if [[ $E2E_NAT == 1 ]]; then
	n=$(lab_pcap_count "$LAB_DIR/connect.pcap" "ip.addr == $LAB_NATCLI_IP")
	((n == 0)) || lab_die "the private address $LAB_NATCLI_IP reached the server's wire"
fi
lab_wedge_check "$ns"
echo "PASS: connect$([[ $E2E_NAT == 1 ]] && echo ' through NAT')"
