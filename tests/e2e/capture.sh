#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# (c) what goes on the wire, checked by tshark: a probe (main mode on 500, NAT-T float to 4500,
# quick mode) and a connection with a ping, stopped with SIGTERM: 0 malformed packets, no
# cleartext L2TP/PPP, nothing but IKE/ESP-in-UDP from the client.
set -euo pipefail
here=$(dirname "$0")
. "$here/lib/softether.sh"
. "$here/lib/client.sh"
lab_trap
lab_require
client_require
lab_up
profile=$LAB_DIR/lab.conf
lab_write_profile "$profile"

pcap=$LAB_DIR/probe.pcap
lab_capture_start "$LAB_SRV_NS" "$LAB_SRV_IF" "$pcap"
client_run "$LAB_CLI_NS" 60 "$LAB_DIR/probe.txt" probe --config "$profile"
lab_capture_stop
((CLIENT_RC == 0)) || lab_die "probe exited $CLIENT_RC:"$'\n'"$(client_output "$LAB_DIR/probe.txt")"
lab_pcap_assert_wellformed "$pcap"
# Main mode: at least MM1..MM6 (3 each way); the server always fakes NAT, so MM5 on must use 4500.
n=$(lab_pcap_count "$pcap" "isakmp.exchangetype == 2 && ip.src == $LAB_CLI_IP")
((n >= 3)) || lab_die "expected >= 3 main-mode packets from the client, got $n"
n=$(lab_pcap_count "$pcap" "isakmp.exchangetype == 2 && udp.port == 4500")
((n >= 2)) || lab_die "expected MM5/MM6 on UDP 4500 (NAT-T float), got $n packets"
n=$(lab_pcap_count "$pcap" "isakmp.exchangetype == 32")
((n >= 3)) || lab_die "expected QM1..QM3 (quick mode), got $n packets"
n=$(lab_pcap_count "$pcap" "udp.port == 1701 || l2tp || ppp")
((n == 0)) || lab_die "probe sent L2TP/PPP ($n packets)"

pcap=$LAB_DIR/connect.pcap
lab_capture_start "$LAB_SRV_NS" "$LAB_SRV_IF" "$pcap"
client_connect "$LAB_CLI_NS" "$profile"
client_wait_up "$LAB_CLI_NS" "$CLIENT_IFNAME" 60
out=$(ip netns exec "$LAB_CLI_NS" ping -n -c 3 -i 0.2 -W 3 "$CLIENT_VGW" 2>&1) || true
grep -q ' 3 received' <<<"$out" || lab_die "ping $CLIENT_VGW:"$'\n'"$out"
client_stop TERM 20
((CLIENT_RC == 0)) || lab_die "connect exited $CLIENT_RC after SIGTERM:"$'\n'"$(cat "$CLIENT_LOG")"
lab_capture_stop
lab_pcap_assert_wellformed "$pcap"
lab_pcap_assert_no_cleartext "$pcap"
# Teardown is sent before exit: an ISAKMP Informational (delete) after the last ESP packet.
n=$(lab_pcap_count "$pcap" "isakmp.exchangetype == 5 && ip.src == $LAB_CLI_IP")
((n >= 1)) || lab_die "no Informational (delete) from the client on teardown"
lab_wedge_check
echo "PASS: captures well-formed, no cleartext"
