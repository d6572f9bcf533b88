# Guest-side helpers for VM scenarios (source from a scenario run by run-in-vm).
#
#  netns vm-srv                                   netns vm-cli
#   vm-s0 10.98.0.1/29  <------ veth ------>       vm-c0 10.98.0.2/29 (default via 10.98.0.1)
#   charon (responder), xl2tpd LNS, pppd           client under test / reference client
#   ppp0 10.98.0.33  <== L2TP/UDP1701 in ESP ==>   ppp0 10.98.0.40 (pool 10.98.0.40-47)
#
# Each role is a holder process owning its netns plus a private mount namespace with a tmpfs
# /run and its own /etc files (bind-mounted copies of tests/vm/roles/<role>/etc).
VM_DIR=${VM_DIR:-/host/tests/vm}
SRV_IP=10.98.0.1 CLI_IP=10.98.0.2 SRV_PPP_IP=10.98.0.33
PASSED=0 FAILED=0
# No udev in the guest: bash's process substitution needs /dev/fd.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
T0=$(date +%s.%N)

now() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
log() { echo "[$(now)] $*"; }
pass() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
fail() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }
# check DESCRIPTION CMD...: pass when CMD succeeds.
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
summary() { echo "$PASSED passed, $FAILED failed"; [ "$FAILED" = 0 ]; }

# wait_for SECONDS CMD...: polls CMD every 0.1 s; 0 once it succeeds.
wait_for() {
	local end; end=$(awk -v s="$1" 'BEGIN { srand(); print srand() + s }'); shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

start_role() { # ROLE [OVERLAY...]: configs from roles/ROLE/etc, then each roles/OVERLAY/etc over them
	local role=$1 o overlays=
	shift
	for o in "$@"; do overlays="$overlays $VM_DIR/roles/$o/etc"; done
	ip netns add "vm-$role"
	ip netns exec "vm-$role" unshare -m --propagation private sh -c '
		mount -t tmpfs tmpfs /run; mkdir -p /run/xl2tpd /run/lock /run/pluto
		cp -r '"$VM_DIR/roles/$role"'/etc /run/role-etc
		for o in '"$overlays"'; do cp -r $o/. /run/role-etc/; done
		cd /run/role-etc
		[ -f ppp/chap-secrets ] && chmod 600 ppp/chap-secrets
		[ -f ipsec.secrets ] && chmod 600 ipsec.secrets
		for f in $(find . -type f); do mkdir -p /etc/${f%/*}; touch /etc/$f; mount --bind $f /etc/$f; done
		sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		ip link set lo up; exec sleep infinity' &
	echo $! >"/tmp/vm-$role.pid"
	# ready once the holder has exec'd sleep: its mounts and sysctls are all done by then
	wait_for 10 grep -qx sleep "/proc/$(cat "/tmp/vm-$role.pid")/comm"
}
ns() { local r=$1; shift; nsenter -t "$(cat "/tmp/vm-$r.pid")" -m -n -- "$@"; }
# nsbg ROLE CMD...: like ns, in the background; $! is then the command's own pid (nsenter execs).
nsbg() { local r=$1; shift; nsenter -t "$(cat "/tmp/vm-$r.pid")" -m -n -- "$@" 0<&0 & }

# The two roles linked by a veth. SERVER (strongswan | libreswan) picks the server's IKE daemon.
SERVER=${SERVER:-strongswan}
setup_net() {
	case $SERVER in
	strongswan) start_role srv ;;
	libreswan) start_role srv srv-libreswan ;;
	*) echo "unknown SERVER=$SERVER (strongswan | libreswan)"; exit 2 ;;
	esac
	start_role cli
	ip link add vm-s0 type veth peer name vm-c0
	ip link set vm-s0 netns vm-srv
	ip link set vm-c0 netns vm-cli
	ns srv ip addr add $SRV_IP/29 dev vm-s0
	ns srv ip link set vm-s0 up
	ns cli ip addr add $CLI_IP/29 dev vm-c0
	ns cli ip link set vm-c0 up
	ns cli ip route add default via $SRV_IP
}

pluto_has_conn() { ns srv ipsec-libreswan whack --status 2>/dev/null | grep -q '"L2TP-PSK":'; }

# The server's IKE daemon + xl2tpd LNS in the server role; 0 once both listen.
start_server() {
	if [ "$SERVER" = libreswan ]; then
		# pluto loads the conns with auto=add and listens on the interfaces present at start
		ns srv sh -c 'mkdir -p /run/ipsec-nss && ipsec-libreswan initnss --nssdir /run/ipsec-nss &&
			exec /usr/libexec/ipsec/pluto --config /etc/ipsec.conf --nofork' \
			>/tmp/srv-pluto.out 2>&1 &
		wait_for 20 pluto_has_conn ||
			{ echo "pluto did not load L2TP-PSK:"; cat /tmp/srv-pluto.out; ns srv tail -20 /run/pluto.log; return 1; }
	else
		ns srv ipsec start >/dev/null 2>&1
		wait_for 20 ns srv ipsec status || return 1
	fi
	ns srv sh -c 'exec xl2tpd -D -c /etc/xl2tpd/xl2tpd.conf -p /run/xl2tpd.pid \
		-C /run/xl2tpd/l2tp-control' >/tmp/srv-xl2tpd.log 2>&1 &
	wait_for 10 ns srv test -p /run/xl2tpd/l2tp-control ||
		{ echo "server xl2tpd did not start:"; cat /tmp/srv-xl2tpd.log; return 1; }
}

stop_server() {
	ns srv sh -c 'kill $(cat /run/xl2tpd.pid) 2>/dev/null' || true
	if [ "$SERVER" = libreswan ]; then
		ns srv ipsec-libreswan whack --shutdown >/dev/null 2>&1 || true
	else
		ns srv ipsec stop >/dev/null 2>&1 || true
	fi
}

# The server's logs, for a failure report.
server_logs() {
	if [ "$SERVER" = libreswan ]; then
		echo "--- pluto"; ns srv tail -n 40 /run/pluto.log
	else
		echo "--- charon"; ns srv tail -n 40 /run/charon.log
	fi
	echo "--- server xl2tpd"; tail -n 20 /tmp/srv-xl2tpd.log
	echo "--- server pppd"; ns srv tail -n 30 /run/pppd.log
}

# Everything a connection may change in a role, comparable with diff: links, addresses, routes,
# XFRM state and policies, resolv.conf, process names.
snapshot() { # ROLE FILE
	local n=vm-$1 p
	{
		echo '## links'; ip -n $n -o link show | sed 's/^[0-9]*: //; s/[:@].*//' | sort
		echo '## addresses'; ip -n $n -o -4 addr show | awk '{ print $2, $4 }' | sort
		echo '## routes'; ip -n $n route show table all | grep -v '^local \|^broadcast ' | sort
		echo '## xfrm state'; ip -n $n xfrm state
		echo '## xfrm policy'; ip -n $n xfrm policy
		echo '## resolv.conf'; ns "$1" cat /etc/resolv.conf
		echo '## processes'
		for p in $(ip netns pids $n); do cat /proc/$p/comm 2>/dev/null; done | sort
	} >"$2" 2>&1
}

# Counts packets in a capture (read in the role's netns) matching a filter.
pcap_count() { # role file filter...
	local r=$1 f=$2; shift 2
	ns "$r" tcpdump -nr "$f" "$@" 2>/dev/null | wc -l
}

xfrm_state_count() { ns "$1" ip xfrm state | grep -c '^src' || true; }
xfrm_policy_count() { ns "$1" ip xfrm policy | grep -c '^src' || true; }

# tcp_both_ways ADDR: 4 MiB up, then 4 MiB down, one iperf3 TCP stream each, each done within
# 30 s: bulk TCP through the real server (on the userspace path, TCP super-segments cut by us).
# It does not prove our checksums right: Linux takes the inner packets of UDP-encapsulated
# transport-mode ESP as verified (tests/client/test-tun-relay.c checks them).
tcp_both_ways() {
	local addr=$1 dir srv rc=0

	for dir in "" -R; do
		nsbg srv iperf3 -s -1 >/dev/null 2>&1
		srv=$!
		wait_for 10 sh -c "ip netns exec vm-srv ss -ltn | grep -q ':5201 '" || rc=1
		ns cli timeout 30 iperf3 -c "$addr" -n 4M $dir >/dev/null 2>&1 || rc=1
		kill $srv 2>/dev/null
		wait $srv 2>/dev/null
	done
	return $rc
}
