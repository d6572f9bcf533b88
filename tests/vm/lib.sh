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

start_role() { # $1 = srv | cli
	ip netns add "vm-$1"
	ip netns exec "vm-$1" unshare -m --propagation private sh -c '
		mount -t tmpfs tmpfs /run; mkdir -p /run/xl2tpd /run/lock /run/pluto
		cp -r '"$VM_DIR/roles/$1"'/etc /run/role-etc; cd /run/role-etc
		[ -f ppp/chap-secrets ] && chmod 600 ppp/chap-secrets
		[ -f ipsec.secrets ] && chmod 600 ipsec.secrets
		for f in $(find . -type f); do mkdir -p /etc/${f%/*}; touch /etc/$f; mount --bind $f /etc/$f; done
		sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		ip link set lo up; exec sleep infinity' &
	echo $! >"/tmp/vm-$1.pid"
	wait_for 5 test -e "/proc/$(cat "/tmp/vm-$1.pid")" && sleep 0.2
}
ns() { local r=$1; shift; nsenter -t "$(cat "/tmp/vm-$r.pid")" -m -n -- "$@"; }
# nsbg ROLE CMD...: like ns, in the background; $! is then the command's own pid (nsenter execs).
nsbg() { local r=$1; shift; nsenter -t "$(cat "/tmp/vm-$r.pid")" -m -n -- "$@" 0<&0 & }

# The two roles linked by a veth.
setup_net() {
	start_role srv
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

# strongSwan + xl2tpd LNS in the server role.
start_server() {
	ns srv ipsec start >/dev/null 2>&1
	ns srv sh -c 'exec xl2tpd -D -c /etc/xl2tpd/xl2tpd.conf -p /run/xl2tpd.pid \
		-C /run/xl2tpd/l2tp-control' >/tmp/srv-xl2tpd.log 2>&1 &
	wait_for 20 ns srv ipsec status
}

stop_server() {
	ns srv sh -c 'kill $(cat /run/xl2tpd.pid) 2>/dev/null; ipsec stop' >/dev/null 2>&1 || true
}

# Counts packets in a capture (read in the role's netns) matching a filter.
pcap_count() { # role file filter...
	local r=$1 f=$2; shift 2
	ns "$r" tcpdump -nr "$f" "$@" 2>/dev/null | wc -l
}

xfrm_state_count() { ns "$1" ip xfrm state | grep -c '^src' || true; }
