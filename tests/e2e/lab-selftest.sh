#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The lab itself, without our client: start, IKE answers (accepts MODP, rejects ECP), capture is
# well-formed, restart keeps the config, IKE through the NAT box, stop leaves nothing behind.
set -euo pipefail
. "$(dirname "$0")/lib/softether.sh"
. "$(dirname "$0")/lib/tcp.sh"
lab_trap

lab_up
LAB_LAST_PID=$LAB_SRV_PID

lab_capture_start "$LAB_SRV_NS" "$LAB_SRV_IF" "$LAB_DIR/ike.pcap"
n=$(lab_ike_probe)
[[ $n == 1 ]] || lab_die "aes256-sha1-modp2048: expected 1 returned handshake, got '${n:-none}'"
n=$(lab_ike_probe "$LAB_CLI_NS" "$LAB_SRV_IP" 7/256,2,1,19)
[[ $n == 0 ]] || lab_die "ecp256 (group 19): expected 0 handshakes (rejected), got '${n:-none}'"
lab_capture_stop
lab_pcap_assert_wellformed "$LAB_DIR/ike.pcap"
n=$(lab_pcap_count "$LAB_DIR/ike.pcap" 'isakmp.exchangetype == 2 && ip.src == '"$LAB_SRV_IP")
((n >= 1)) || lab_die "no main-mode answer from the server in the capture"
n=$(lab_pcap_count "$LAB_DIR/ike.pcap" 'isakmp.notify.msgtype == 14')
((n >= 1)) || lab_die "no NO-PROPOSAL-CHOSEN notify for group 19 in the capture"

# The sink address exists only in the server's namespace: no route from the client.
if ip -n "$LAB_CLI_NS" route get "$LAB_SINK_IP" >/dev/null 2>&1; then
	lab_die "$LAB_SINK_IP is routable from $LAB_CLI_NS without a tunnel"
fi
# The TCP check itself, over the bare veth.
tcp_transfer_check "$LAB_CLI_NS" "$LAB_SRV_NS" "$LAB_SRV_IP" 5001 10 60

# A mute server must be reported as a peer failure.
kill -STOP "$LAB_SRV_PID"
if (lab_wedge_check) 2>"$LAB_DIR/wedge.err"; then
	kill -CONT "$LAB_SRV_PID"
	lab_die "wedge check passed on a stopped server"
fi
kill -CONT "$LAB_SRV_PID"
grep -q 'PEER FAILURE' "$LAB_DIR/wedge.err" || lab_die "wedge not reported as a peer failure: $(cat "$LAB_DIR/wedge.err")"

t0=$(lab_ms)
lab_server_restart
echo "restart: $(($(lab_ms) - t0)) ms (stop ${LAB_T_STOP} ms, UDP 500 after ${LAB_T_500} ms)" >&2
LAB_LAST_PID=$LAB_SRV_PID
lab_vpncmd /ADMINHUB:"$LAB_HUB" /CMD UserList >"$LAB_DIR/userlist.out" 2>&1
grep -q alice "$LAB_DIR/userlist.out" || lab_die "config lost on restart: no user alice"
lab_wedge_check

lab_nat_up
lab_capture_start "$LAB_SRV_NS" "$LAB_SRV_IF2" "$LAB_DIR/nat.pcap"
n=$(lab_ike_probe "$LAB_NATCLI_NS" "$LAB_SRV_IP2")
[[ $n == 1 ]] || lab_die "through NAT: expected 1 returned handshake, got '${n:-none}'"
lab_capture_stop
n=$(lab_pcap_count "$LAB_DIR/nat.pcap" "isakmp && ip.src == $LAB_NAT_WAN_IP")
((n >= 1)) || lab_die "server did not see the NAT box's address $LAB_NAT_WAN_IP"
n=$(lab_pcap_count "$LAB_DIR/nat.pcap" "ip.addr == $LAB_NATCLI_IP")
((n == 0)) || lab_die "client address $LAB_NATCLI_IP leaked past the NAT"

t0=$(lab_ms)
lab_cleanup
echo "stop + cleanup: $(($(lab_ms) - t0)) ms" >&2
lab_leftovers || lab_die "lab left things behind"
echo "PASS: lab self-test"
