# Our client (built on the host) in the client role against strongSwan or libreswan + xl2tpd +
# pppd (MS-CHAPv2) in the server role: connect, ping, XFRM state, wire capture, status --json,
# disconnect, and nothing left behind on either side.
# Run: tests/vm/run-in-vm --build BUILD_DIR tests/vm/scenarios/client.sh [ARGS...]
#   server=strongswan|libreswan  the server's IKE daemon (default strongswan)
#   path=kernel|userspace        --data-path (default kernel)
#   natt                         force UDP encapsulation (ipsec-forceencaps=yes; the userspace
#                                path always encapsulates)
#   stop=disconnect|sigint       how the connection ends (default: disconnect; sigint with natt)
#   build=DIR                    without --build: the build directory in the repository
path=kernel natt=0 stop=
for a in "$@"; do
	case $a in
	server=*) SERVER=${a#server=} ;;
	path=kernel | path=userspace) path=${a#path=} ;;
	natt) natt=1 ;;
	stop=disconnect | stop=sigint) stop=${a#stop=} ;;
	build=*) L2I_BUILD=/host/${a#build=} ;;
	*) echo "client.sh: unknown argument $a"; exit 2 ;;
	esac
done
[ -n "$stop" ] || { [ $natt = 1 ] && stop=sigint || stop=disconnect; }
. /host/tests/vm/lib.sh
. /host/tests/vm/lib-client.sh
our_require || exit 1
what="$path path against $SERVER$([ $natt = 1 ] && echo ', NAT-T forced')"
encap=$natt
[ $path = userspace ] && encap=1

setup_net
start_server || { server_logs; exit 1; }
nsbg srv tcpdump -i vm-s0 -n -U -w /tmp/wire.pcap >/dev/null 2>&1
dump=$!
wait_for 5 test -s /tmp/wire.pcap
snapshot cli /tmp/cli.before
snapshot srv /tmp/srv.before
log "$SERVER server up; connecting ($what)"

our_profile $([ $natt = 1 ] && echo ipsec-forceencaps=yes)
our_connect $path
if our_wait_connected 90; then
	pass "connect reaches \"connected\""
else
	fail "connect reaches \"connected\""
	our_stop sigint 20
	stop_server
	echo "--- transcript"; cat "$L2I_LOG"; server_logs; summary; exit 1
fi
ifc=$(our_ifname)
log "connected on $ifc after $(awk -v a="$OUR_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s"

# ---- connected ----
case $path in
kernel) check "$ifc is a pppd interface" sh -c "ip -n vm-cli -d link show dev $ifc | grep -q 'link/ppp'" ;;
userspace) check "$ifc is a TUN device" sh -c "ip -n vm-cli -d link show dev $ifc | grep -q 'tun type tun'" ;;
esac
check "route to the server's PPP address through $ifc" \
	sh -c "ip -n vm-cli route get $SRV_PPP_IP | grep -q 'dev $ifc '"
check "ping the server's PPP address" ns cli ping -c 3 -i 0.3 -W 2 $SRV_PPP_IP
check "ping with 1200-byte payloads (near the 1280 MTU)" ns cli ping -c 2 -s 1200 -W 3 $SRV_PPP_IP
check "TCP, 4 MiB each way (iperf3)" tcp_both_ways $SRV_PPP_IP
check "DNS from IPCP in resolv.conf" ns cli grep -q '^nameserver 10.98.0.53' /etc/resolv.conf

states=$(ip -n vm-cli xfrm state)
policies=$(ip -n vm-cli xfrm policy)
if [ $path = kernel ]; then
	check "client: 2 ESP SAs in transport mode" \
		test "$(echo "$states" | grep -c 'proto esp .* mode transport')" = 2
	check "client: their reqids are ours (0x4c32xxxx)" our_reqids
	check "client: policies for UDP/1701 out and in" \
		test "$(echo "$policies" | grep -c 'proto udp sport 1701 dport 1701')" -ge 2
	if [ $natt = 1 ]; then
		check "client: SAs encapsulated in UDP 4500" \
			test "$(echo "$states" | grep -c 'encap type espinudp sport 4500 dport 4500')" = 2
	else
		check "client: SAs not encapsulated" sh -c "! ip -n vm-cli xfrm state | grep -q encap"
	fi
else
	check "client: no XFRM state or policy (ESP in user space)" \
		test "$(xfrm_state_count cli)$(xfrm_policy_count cli)" = 00
fi
sstates=$(ip -n vm-srv xfrm state)
check "server: 2 ESP SAs in transport mode" \
	test "$(echo "$sstates" | grep -c 'proto esp .* mode transport')" = 2
if [ $encap = 1 ]; then
	check "server: SAs encapsulated in UDP 4500" \
		test "$(echo "$sstates" | grep -c 'encap type espinudp')" = 2
fi

json=$(ns cli "$L2I" status --json --run-dir "$L2I_RUN")
echo "status --json: $json"
jqc() { echo "$json" | jq -e "$1" >/dev/null; }
check "status --json: one connection, state up" jqc 'length == 1 and .[0].state == "up"'
check "status --json: interface $ifc, peer $SRV_PPP_IP" \
	jqc ".[0].interface == \"$ifc\" and .[0].peer == \"$SRV_PPP_IP\""
check "status --json: data path $path" jqc ".[0].data_path | test(\"$path\")"
check "status --json: encapsulation $([ $encap = 1 ] && echo udp-transport || echo transport)" \
	jqc ".[0].encapsulation == \"$([ $encap = 1 ] && echo udp-transport || echo transport)\""
check "status --json: traffic counted" jqc '.[0].packets_in > 0 and .[0].packets_out > 0'

# ---- disconnect ----
T_STOP=$(date +%s.%N)
our_stop $stop 30
T_EXIT=$(date +%s.%N)
check "connect exited 0 after $stop (rc $OUR_RC)" test "$OUR_RC" = 0
check "connect printed \"disconnected\"" grep -q '] disconnected$' "$L2I_LOG"
check "client: 0 XFRM states and policies" test "$(xfrm_state_count cli)$(xfrm_policy_count cli)" = 00
check "client: no ppp/tun interface" sh -c "! ip -n vm-cli -o link show | grep -qE ': (ppp|l2tp|tun)'"
cli_clean() { snapshot cli /tmp/cli.after && diff /tmp/cli.before /tmp/cli.after >/dev/null; }
check "client: links, addresses, routes, XFRM, resolv.conf, processes as before" wait_for 5 cli_clean
check "client: run dir empty" sh -c "[ -z \"\$(ns cli ls -A $L2I_RUN 2>/dev/null)\" ]"
srv_clean() { snapshot srv /tmp/srv.after && diff /tmp/srv.before /tmp/srv.after >/dev/null; }
check "server: back to its state before the connect (no SA, no ppp)" wait_for 20 srv_clean
diff -u /tmp/cli.before /tmp/cli.after
diff -u /tmp/srv.before /tmp/srv.after

# ---- the wire (server's veth) ----
sleep 0.3
kill $dump
wait $dump 2>/dev/null
esp=$(pcap_count srv /tmp/wire.pcap 'ip proto 50')
natesp=$(pcap_count srv /tmp/wire.pcap 'udp port 4500 and udp[4:2] > 16 and udp[8:4] != 0')
clear=$(pcap_count srv /tmp/wire.pcap 'udp port 1701')
clear_c=$(pcap_count srv /tmp/wire.pcap "udp port 1701 and src host $CLI_IP")
log "wire: $esp ESP, $natesp ESP-in-UDP/4500, $clear UDP/1701"
if [ $encap = 1 ]; then
	check "ESP in UDP 4500 on the wire ($natesp packets)" test "$natesp" -gt 10
	check "no bare ESP on the wire ($esp)" test "$esp" = 0
else
	check "ESP on the wire ($esp packets)" test "$esp" -gt 10
fi
check "client sent no plaintext UDP/1701 ($clear_c)" test "$clear_c" = 0
# A server that answers the first L2TP packet before it has installed its outbound SA (it does
# so when handling Quick Mode's third message) sends that answer in clear.
check "server sent no plaintext UDP/1701 ($((clear - clear_c)))" test "$clear" = "$clear_c"
if [ "$clear" != 0 ]; then
	echo "cleartext L2TP (connect started at $OUR_T0, stop at $T_STOP, exit at $T_EXIT):"
	ns srv tcpdump -tt -nr /tmp/wire.pcap -vv 'udp port 1701'
	echo "the wire around it:"
	ns srv tcpdump -tt -nr /tmp/wire.pcap | tail -n 25
fi

stop_server
echo "--- transcript: l2tp-ipsec connect --data-path $path ($what)"
cat "$L2I_LOG"
[ "$FAILED" = 0 ] || server_logs
summary
