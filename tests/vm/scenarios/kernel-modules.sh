# Our kernel data path modules (client/kernel-*.c) without the engine, through l2i-kdp-tool:
#  1. XFRM SAs + policies for each ESP algorithm: `ip xfrm` output, UDP/1701 carried by ESP.
#  2. cleanup by reqid range removes ours and leaves foreign state alone.
#  3. kernel L2TP tunnel + session + PPPoL2TP + pppd (our launcher and plugin) on the client,
#     pppd on a kernel L2TP session on the server, over our SAs (plain and NAT-T): ppp0 up,
#     ping, IPCP report, no cleartext UDP/1701, teardown leaves no state.
# Run: tests/vm/run-in-vm tests/vm/scenarios/kernel-modules.sh [BUILD_DIR]   (default build-kernel)
#  or: tests/vm/run-in-vm --build BUILD_DIR tests/vm/scenarios/kernel-modules.sh
. /host/tests/vm/lib.sh
build=${L2I_BUILD:-/host/${1:-build-kernel}} # L2I_BUILD: run-in-vm --build DIR
tool=$build/tests/vm/tools/l2i-kdp-tool
plugin=$build/client/pppd-plugin/l2i-pppd-plugin.so
[ -x "$tool" ] && [ -f "$plugin" ] || { echo "build $tool and $plugin first"; exit 1; }
setup_net

rnd() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
REQ=0x4c320001 SPI_C=0xc1000001 SPI_S=0x5e000001
# sa ROLE install|remove TRANSFORM BITS AUTH KEY_C2S KEY_S2C [NATT]: mirrored on both roles.
sa() {
	local op=$1 tf=$2 bits=$3 auth=$4 k1=$5 k2=$6 natt=${7:-}
	ns cli "$tool" xfrm-$op $CLI_IP $SRV_IP $REQ $SPI_C $SPI_S $tf $bits $auth $k2 $k1 $natt &&
	ns srv "$tool" xfrm-$op $SRV_IP $CLI_IP $REQ $SPI_S $SPI_C $tf $bits $auth $k1 $k2 $natt
}

# ---- 1. algorithms ----
while read -r name tf bits auth klen want; do
	k1=$(rnd "$klen") k2=$(rnd "$klen")
	if ! sa install "$tf" "$bits" "$auth" "$k1" "$k2"; then fail "$name: install"; continue; fi
	st=$(ns cli ip xfrm state)
	check "$name: ip xfrm state shows $want" sh -c "echo '$st' | grep -q '$want'"
	check "$name: 2 transport-mode SAs with our reqid" \
		test "$(echo "$st" | grep -c "reqid $((REQ)) mode transport")" = 2
	nsbg srv "$tool" udp-recv $SRV_IP 5 >/tmp/rx 2>&1
	rx=$!
	sleep 0.3
	ns cli "$tool" udp-send $CLI_IP $SRV_IP "hello-$name"
	wait $rx
	check "$name: UDP/1701 payload arrives through ESP" grep -q "hello-$name" /tmp/rx
	check "$name: server's inbound SA counted it" sh -c \
		"ip netns exec vm-srv ip -s xfrm state | grep -A8 'src $CLI_IP' | grep -qE '[1-9][0-9]*\(bytes\)'"
	sa remove "$tf" "$bits" "$auth" "$k1" "$k2"
	check "$name: removed" test "$(xfrm_state_count cli)$(ns cli ip xfrm policy | grep -c 1701)" = 00
done <<'ALGS'
aes256-sha1 12 256 2 52 enc cbc(aes)
aes128-sha256 12 128 5 48 auth-trunc hmac(sha256) 0x[0-9a-f]* 128
3des-md5 3 192 1 40 enc cbc(des3_ede)
aes128gcm16 20 128 0 20 aead rfc4106(gcm(aes)) 0x[0-9a-f]* 128
ALGS

# ---- 2. cleanup by reqid ----
k=$(rnd 52)
sa install 12 256 2 "$k" "$k"
ns cli ip xfrm state add src $CLI_IP dst $SRV_IP proto esp spi 0x77 reqid 5 mode transport \
	enc 'cbc(aes)' 0x$(rnd 16) auth-trunc 'hmac(sha1)' 0x$(rnd 20) 96
out=$(ns cli "$tool" xfrm-cleanup)
check "cleanup removed our 2 SAs + 2 policies ($out)" test "$out" = "removed 4"
check "cleanup left the foreign SA" test "$(xfrm_state_count cli)" = 1
ns cli ip xfrm state flush
ns srv "$tool" xfrm-cleanup >/dev/null

# ---- 3. L2TP + PPP over our SAs ----
SRV_PPPD="auth require-mschap-v2 refuse-pap refuse-chap refuse-mschap refuse-eap name lab-lns
	$SRV_PPP_IP:10.98.0.40 ms-dns 10.98.0.53 noccp novj noipv6 nodefaultroute mtu 1280 mru 1280
	nodetach debug logfile /run/pppd.log"
for mode in plain natt; do
	natt=
	[ $mode = natt ] && natt=4500
	k1=$(rnd 52) k2=$(rnd 52)
	sa install 12 256 2 "$k1" "$k2" $natt || fail "$mode: xfrm install"
	if [ $mode = natt ]; then
		nsbg srv "$tool" natt-socket $SRV_IP >/dev/null
		natt_s=$!
		nsbg cli "$tool" natt-socket $CLI_IP >/dev/null
		natt_c=$!
		check "$mode: encap espinudp 4500 in ip xfrm state" sh -c \
			"ip netns exec vm-cli ip xfrm state | grep -q 'encap type espinudp sport 4500 dport 4500'"
	fi
	nsbg srv tcpdump -i vm-s0 -n -U -w /tmp/kdp-$mode.pcap >/dev/null 2>&1
	dump=$!
	sleep 0.5
	t=$(now)
	nsbg srv "$tool" l2tp-server $SRV_IP $CLI_IP 101 201 11 21 $SRV_PPPD >/tmp/srv-$mode.log 2>&1
	srv=$!
	echo alice-pass >/tmp/pw
	nsbg cli "$tool" l2tp-client $CLI_IP $SRV_IP 201 101 21 11 alice "$plugin" \
		</tmp/pw >/tmp/cli-$mode.log 2>&1
	cli=$!
	check "$mode: ppp0 up" wait_for 20 sh -c "ip netns exec vm-cli ip -4 addr show ppp0 | grep -q 'inet 10.98.0.40'"
	log "$mode: kernel L2TP session -> ppp0 up in $(awk -v a="$t" -v b="$(now)" 'BEGIN { print b - a }') s"
	check "$mode: plugin reported ip-up with IPCP addresses and DNS" wait_for 5 \
		grep -q 'report: ip-up ppp0 local 10.98.0.40 peer 10.98.0.33 dns1 10.98.0.53' /tmp/cli-$mode.log
	check "$mode: plugin reported phase running (8)" grep -q 'report: phase 8' /tmp/cli-$mode.log
	check "$mode: ping through ppp0" ns cli ping -c 3 -i 0.3 -W 2 $SRV_PPP_IP
	check "$mode: kernel session listed" sh -c "ip netns exec vm-cli ip l2tp show session | grep -q 'Session 21 in tunnel 201'"
	kill $cli; wait $cli
	check "$mode: client tool tore down pppd and the kernel tunnel" sh -c \
		"grep -q 'l2tp delete: 0' /tmp/cli-$mode.log && [ -z \"\$(ip netns exec vm-cli ip l2tp show tunnel)\" ]"
	check "$mode: plugin reported pppd's exit" grep -q 'report: exit' /tmp/cli-$mode.log
	kill $srv 2>/dev/null; wait $srv
	sleep 0.3; kill $dump; wait $dump 2>/dev/null
	if [ $mode = natt ]; then
		n=$(pcap_count srv /tmp/kdp-$mode.pcap 'udp port 4500'); kill $natt_s $natt_c; wait $natt_s $natt_c 2>/dev/null
	else
		n=$(pcap_count srv /tmp/kdp-$mode.pcap esp)
	fi
	check "$mode: ESP on the wire ($n packets)" test "$n" -gt 5
	clear=$(pcap_count srv /tmp/kdp-$mode.pcap 'udp port 1701')
	check "$mode: no cleartext UDP/1701 ($clear)" test "$clear" = 0
	sa remove 12 256 2 "$k1" "$k2" $natt
	check "$mode: 0 xfrm states after teardown" test "$(xfrm_state_count cli)$(xfrm_state_count srv)" = 00
	if [ "$FAILED" != 0 ]; then tail -n 25 /tmp/cli-$mode.log /tmp/srv-$mode.log; fi
done
summary
