# IPv6 inside the tunnel on the userspace data path: our client (built on the host) against
# strongSwan + xl2tpd + pppd with +ipv6. Run:
#   tests/vm/run-in-vm --build BUILD_DIR tests/vm/scenarios/userspace-ipv6.sh
#   tests/vm/run-in-vm tests/vm/scenarios/userspace-ipv6.sh [BUILD_DIR]  (in the repository)
# 1. the server offers IPV6CP: fe80::<our id>/64 with the server's as peer on l2tp0 (and nothing
#    the kernel made up), ping6 both ways, `status --json`/`status`, both pppd's view and ours;
# 2. profile ipv6=no: the client Protocol-Rejects IPV6CP, IPv4 as usual;
# 3. server with noipv6: IPV6CP never starts, IPv4 as usual;
# each ends with SIGINT and must leave no l2tp0 behind.
. /host/tests/vm/lib.sh
build=${L2I_BUILD:-/host/${1:-build}}
client=$build/client/l2tp-ipsec
ifc=l2tp0 run=/run/l2i
if [ ! -x "$client" ]; then
	echo "no client binary at $client: build it on the host, pass run-in-vm --build DIR"
	exit 2
fi

modprobe tun 2>/dev/null
check "TUN device available" test -c /dev/net/tun
missing=$(ldd "$client" | grep 'not found' || true)
check "client libraries present in the guest${missing:+ (missing: $missing)}" test -z "$missing"

setup_net
# lib.sh turns IPv6 off in both roles (in the background: wait until it has); the PPP interfaces
# created from now on get it back
v6_off() { [ "$(ns "$1" cat /proc/sys/net/ipv6/conf/default/disable_ipv6)" = 1 ]; }
for r in srv cli; do
	wait_for 10 v6_off $r
	ns $r sysctl -qw net.ipv6.conf.default.disable_ipv6=0
done
start_server
log "server up"

profile() { # extra [vpn] lines on stdin
	ns cli sh -c 'umask 077; { printf "[vpn]\ngateway=%s\nuser=alice\n" '"$SRV_IP"'
		printf "password=alice-pass\nipsec-psk=lab-psk-123\n"; cat; } >/run/lab.conf'
}

# up NAME: connect in the background (verbose log /tmp/NAME.log); 0 once connected.
up() {
	: >"/tmp/$1.log"
	nsbg cli "$client" connect --config /run/lab.conf --ifname $ifc --data-path userspace \
		--run-dir $run --verbose >"/tmp/$1.log" 2>&1 </dev/null
	pid=$!
	wait_for 60 grep -q '^connected: ' "/tmp/$1.log"
}

# down NAME: SIGINT; the client must exit 0 and take l2tp0 with it.
down() {
	kill -INT "$pid" 2>/dev/null
	wait_for 20 sh -c "! kill -0 $pid"
	wait "$pid"
	local rc=$?
	check "$1: clean exit after SIGINT (rc $rc)" test $rc = 0
	check "$1: no $ifc left" sh -c "! ip -n vm-cli link show $ifc >/dev/null 2>&1"
}

status_json() { ns cli "$client" status --json --run-dir $run; }
has_ipv6() { status_json | jq -e '.[0].ipv6.address' >/dev/null; }
status_text_has() { ns cli "$client" status --run-dir $run | grep -q "$1"; }
v6_addrs() { ns "$1" ip -6 -o addr show dev "$2" | awk '{ print $4, $5, $6 }'; }

# --- 1. the server offers IPv6 ----------------------------------------------------------------
profile </dev/null
ns srv sh -c ': >/run/pppd.log'
check "1: connected" up v6
check "1: IPV6CP up" wait_for 20 has_ipv6
ns srv cp /run/pppd.log /tmp/srv-pppd-v6.log
grep -E '^(connected|IPv6 up): ' /tmp/v6.log
local6=$(status_json | jq -r '.[0].ipv6.address')
peer6=$(status_json | jq -r '.[0].ipv6.peer')
log "ours $local6, server's $peer6"
check "1: both link-local" sh -c "case '$local6 $peer6' in fe80::*' 'fe80::*) ;; *) exit 1;; esac"
check "1: prefix 64 in status --json" test "$(status_json | jq -r '.[0].ipv6.prefix_len')" = 64
check "1: exactly our pair on $ifc" test "$(v6_addrs cli $ifc)" = "$local6 peer $peer6/64"
check "1: status shows it" status_text_has "IPv6 *$local6/64 peer $peer6 (link-local)"
# pppd's side: it logs both identifiers and put the same pair, mirrored, on its ppp0
# (pppd may open IPV6CP a moment after us: it waits for our Configure-Ack; it prints each
# group with leading zeros)
pppd_remote() {
	local said
	said=$(ns srv sed -n 's/^remote LL address //p' /run/pppd.log)
	[ "$(echo "$said" | sed 's/:0*\([0-9a-f]\)/:\1/g')" = "$local6" ]
}
check "1: pppd agrees on our address" wait_for 10 pppd_remote
check "1: pppd's ppp0 has its side" wait_for 10 \
	sh -c "ip -n vm-srv -6 -o addr show dev ppp0 | grep -q '$peer6'"
ns srv grep -E 'IPV6CP|LL address' /run/pppd.log
check "1: ping6 the server's link-local address" ns cli ping -6 -c 3 -i 0.3 -W 3 "$peer6%$ifc"
check "1: ping6 from the server to ours" ns srv ping -6 -c 3 -i 0.3 -W 3 "$local6%ppp0"
check "1: ping6 near the MTU (1248-byte packets)" ns cli ping -6 -c 2 -s 1200 -W 3 "$peer6%$ifc"
check "1: TCP over IPv6, 4 MiB each way (iperf3)" tcp_both_ways "$peer6%$ifc"
check "1: IPv4 still works" ns cli ping -c 2 -W 3 $SRV_PPP_IP
down 1

# --- 2. ipv6=no in the profile ----------------------------------------------------------------
echo ipv6=no | profile
ns srv sh -c ': >/run/pppd.log'
check "2: connected" up no6
check "2: IPv4 ping" ns cli ping -c 2 -W 3 $SRV_PPP_IP
check "2: no IPv6 address on $ifc" test -z "$(v6_addrs cli $ifc)"
check "2: status --json ipv6 null" test "$(status_json | jq -r '.[0].ipv6')" = null
check "2: the client rejected IPV6CP (pppd saw it)" wait_for 10 \
	ns srv grep -q "Protocol-Reject for 'IPv6 Control Protocol'" /run/pppd.log
down 2

# --- 3. the server does not offer IPv6 --------------------------------------------------------
profile </dev/null
# xl2tpd starts a pppd per session, which reads the options then: edit them in place
ns srv sh -c 'sed "s/^+ipv6$/noipv6/" /run/role-etc/ppp/options.xl2tpd >/run/o &&
	cat /run/o >/run/role-etc/ppp/options.xl2tpd'
check "3: connected" up srv-no6
check "3: IPv4 ping" ns cli ping -c 2 -W 3 $SRV_PPP_IP
check "3: IPV6CP never started" sh -c "! grep -q IPV6CP /tmp/srv-no6.log"
check "3: no IPv6 address on $ifc" test -z "$(v6_addrs cli $ifc)"
down 3

stop_server
if [ "$FAILED" != 0 ]; then
	for f in v6 no6 srv-no6; do
		echo "--- client $f"
		grep -v 'debug: ike\|debug: l2tp' /tmp/$f.log | tail -n 40
	done
	if type server_logs >/dev/null 2>&1; then
		server_logs
	else
		ns srv tail -n 40 /run/pppd.log
	fi
fi
summary
