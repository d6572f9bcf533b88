# Baseline: strongSwan + xl2tpd + pppd (MS-CHAPv2) server against the reference client that
# NetworkManager-l2tp drives (strongSwan + xl2tpd + pppd). Run: tests/vm/run-in-vm
# tests/vm/scenarios/baseline.sh [natt] [libreswan]   ("natt" forces UDP encapsulation;
# "libreswan": libreswan's pluto instead of strongSwan as the server's IKE daemon).
mode=plain
for a in "$@"; do
	case $a in
	natt) mode=natt ;;
	strongswan | libreswan) SERVER=$a ;;
	*) echo "baseline.sh: unknown argument $a"; exit 2 ;;
	esac
done
. /host/tests/vm/lib.sh
setup_net
if [ "$mode" = natt ]; then
	ns cli sh -c 'sed "/keyingtries/a\    forceencaps=yes" /run/role-etc/ipsec.conf >/run/c &&
		cat /run/c >/run/role-etc/ipsec.conf'
fi
ns srv tcpdump -i vm-s0 -n -U -w /tmp/srv.pcap >/dev/null 2>&1 &
tcpdump_pid=$!
start_server || fail "$SERVER server started"
log "$SERVER server up"

ns cli ipsec start >/dev/null 2>&1
wait_for 20 ns cli ipsec status
ns cli sh -c 'exec xl2tpd -D -c /etc/xl2tpd/xl2tpd.conf -p /run/xl2tpd.pid \
	-C /run/xl2tpd/l2tp-control' >/tmp/cli-xl2tpd.log 2>&1 &
wait_for 10 ns cli test -p /run/xl2tpd/l2tp-control
t_up=$(now)
check "ipsec up (IKEv1 main mode + quick mode)" ns cli sh -c \
	'ipsec up L2TP-PSK >/tmp/up.log 2>&1; grep -q "established successfully" /tmp/up.log'
log "ipsec up took $(awk -v a="$t_up" -v b="$(now)" 'BEGIN { print b - a }') s"
ns cli sh -c 'echo "c lab" > /run/xl2tpd/l2tp-control'
t_l2tp=$(now)
check "ppp0 up with an address" wait_for 20 \
	sh -c "ip netns exec vm-cli ip -4 addr show ppp0 | grep -q 'inet '"
log "L2TP + PPP took $(awk -v a="$t_l2tp" -v b="$(now)" 'BEGIN { print b - a }') s"
check "ping the server's PPP address" ns cli ping -c 3 -i 0.3 -W 2 $SRV_PPP_IP

states=$(ns cli ip xfrm state)
check "two transport-mode ESP states" test "$(echo "$states" | grep -c 'proto esp .* mode transport')" = 2
if [ "$mode" = natt ]; then
	check "ESP in UDP 4500" sh -c "echo '$states' | grep -q 'encap type espinudp sport 4500 dport 4500'"
fi
check "policies for UDP/1701 out and in" test "$(ns cli ip xfrm policy | grep -c 'proto udp sport 1701 dport 1701')" -ge 2

ns cli sh -c 'echo "d lab" > /run/xl2tpd/l2tp-control'
sleep 1
ns cli ipsec down L2TP-PSK >/dev/null 2>&1
wait_for 10 sh -c "[ \$(ip netns exec vm-cli ip xfrm state | grep -c ^src) = 0 ]"
check "client: 0 xfrm states after teardown" test "$(xfrm_state_count cli)" = 0
check "server: 0 xfrm states after teardown" wait_for 10 sh -c "[ \$(ip netns exec vm-srv ip xfrm state | grep -c ^src) = 0 ]"

sleep 0.5
kill "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null
if [ "$mode" = natt ]; then
	esp=$(pcap_count srv /tmp/srv.pcap 'udp port 4500')
	check "ESP-in-UDP on the wire ($esp packets)" test "$esp" -gt 10
else
	esp=$(pcap_count srv /tmp/srv.pcap esp)
	check "ESP on the wire ($esp packets)" test "$esp" -gt 10
fi
clear=$(pcap_count srv /tmp/srv.pcap 'udp port 1701')
check "no cleartext UDP/1701 on the wire ($clear)" test "$clear" = 0

ns cli ipsec stop >/dev/null 2>&1
stop_server
if [ "$FAILED" != 0 ]; then
	tail -30 /tmp/up.log; ns cli cat /run/pppd.log | tail -20; tail -20 /tmp/cli-xl2tpd.log
	server_logs
fi
summary
