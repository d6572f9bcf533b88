# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# SoftEther VPN Server lab in network namespaces (source this file; needs root).
# Facts and numbers: /work/shared/peers/softether.md (the "manual" below).
#
# Direct topology (lab_up):
#
#   ┌──────────────────────────────┐              ┌──────────────────────────────┐
#   │ $LAB_SRV_NS                  │              │ $LAB_CLI_NS                  │
#   │ vpnserver (L2TP/IPsec, hub   │   veth pair  │ l2tp-ipsec connect/probe     │
#   │ LAB, SecureNAT 192.168.30.1) │              │ (no default route until the  │
#   │ $LAB_SRV_IF $LAB_SRV_IP/24 ──┼──────────────┼── $LAB_CLI_IF $LAB_CLI_IP/24 │
#   │ lo: $LAB_SINK_IP/32 (sink)   │              │ tunnel brings one)           │
#   └──────────────────────────────┘              └──────────────────────────────┘
#
# NAT topology (lab_nat_up, added to a running lab):
#
#   ┌─────────────────────┐         ┌──────────────────────────┐         ┌────────────────────┐
#   │ $LAB_SRV_NS         │         │ $LAB_NAT_NS              │         │ $LAB_NATCLI_NS     │
#   │ $LAB_SRV_IP on      │  veth   │ nft masquerade out of    │  veth   │ default via        │
#   │ $LAB_SRV_IF; and    │         │ $LAB_NAT_WAN_IF          │         │ $LAB_NAT_LAN_IP    │
#   │ $LAB_SRV_IF2 ───────┼─────────┼─ $LAB_NAT_WAN_IF         │         │                    │
#   │ $LAB_SRV_IP2/24     │         │  $LAB_NAT_WAN_IP/24      │         │                    │
#   │                     │         │ $LAB_NAT_LAN_IF ─────────┼─────────┼─ $LAB_NATCLI_IF    │
#   │                     │         │  $LAB_NAT_LAN_IP/24      │         │  $LAB_NATCLI_IP/24 │
#   └─────────────────────┘         └──────────────────────────┘         └────────────────────┘
#
#   The NAT client dials $LAB_SRV_IP2 and the server sees $LAB_NAT_WAN_IP. (Dialling $LAB_SRV_IP
#   through a route does not work: the server listens on 0.0.0.0 without IP_PKTINFO and answers
#   from $LAB_SRV_IP2, which the client drops as a reply from the wrong address.)
#
# Nothing has a route out of these namespaces, so no packet leaves them.
#
# Every name and address is a variable with a default; set LAB_PREFIX (<= 8 chars) before
# sourcing to run a second lab next to the first (e.g. LAB_PREFIX=t1 LAB_NET=10.97.0).
# Call lab_trap (or lab_cleanup from your own EXIT trap) so everything is removed on every exit.
#
# Main functions:
#   lab_up / lab_down                  namespaces + server; everything gone afterwards
#   lab_server_start / _stop / _restart   (restart keeps the config: no vpncmd)
#   lab_nat_up                         add the NAT box and the client behind it
#   lab_wedge_check                    one ike-scan probe; "PEER FAILURE" when the server is mute
#   lab_ike_probe [ip] [trans]         ike-scan one transform; prints the number of handshakes
#   lab_capture_start NS IF FILE / lab_capture_stop
#   lab_pcap_assert_wellformed FILE    0 malformed packets (tshark)
#   lab_pcap_assert_no_cleartext FILE  no L2TP / UDP 1701 / PPP on the wire; IKE and ESP present
#   lab_write_profile FILE [key=value…]
#   lab_wait_for SECONDS DESCRIPTION CMD…   bounded poll (every 50 ms)

: "${LAB_PREFIX:=se}"
: "${LAB_NET:=10.99.0}"
: "${LAB_SRV_NS:=${LAB_PREFIX}-srv}"
: "${LAB_CLI_NS:=${LAB_PREFIX}-cli}"
: "${LAB_SRV_IF:=${LAB_PREFIX}-v0}"
: "${LAB_CLI_IF:=${LAB_PREFIX}-v1}"
: "${LAB_SRV_IP:=${LAB_NET}.1}"
: "${LAB_CLI_IP:=${LAB_NET}.2}"
# An address only the server's namespace has (on lo): reachable from a client only through the
# tunnel (SecureNAT opens the client's TCP connections from inside the server's namespace).
: "${LAB_SINK_IP:=10.99.250.1}"
# NAT topology.
: "${LAB_NAT_NS:=${LAB_PREFIX}-nat}"
: "${LAB_NATCLI_NS:=${LAB_PREFIX}-ncli}"
: "${LAB_SRV_IF2:=${LAB_PREFIX}-v2}"
: "${LAB_NAT_WAN_IF:=${LAB_PREFIX}-v3}"
: "${LAB_NAT_LAN_IF:=${LAB_PREFIX}-v4}"
: "${LAB_NATCLI_IF:=${LAB_PREFIX}-v5}"
: "${LAB_NAT_WAN_NET:=10.99.1}"
: "${LAB_SRV_IP2:=${LAB_NAT_WAN_NET}.1}"
: "${LAB_NAT_WAN_IP:=${LAB_NAT_WAN_NET}.2}"
: "${LAB_NAT_LAN_NET:=172.30.0}"
: "${LAB_NAT_LAN_IP:=${LAB_NAT_LAN_NET}.1}"
: "${LAB_NATCLI_IP:=${LAB_NAT_LAN_NET}.2}"
# Server setup (softether.md "vpncmd").
: "${LAB_HUB:=LAB}"
: "${LAB_PSK:=lab-psk-123}"
: "${LAB_LISTEN_IP:=0.0.0.0}"
: "${LAB_VPNSERVER:=/usr/libexec/softether/vpnserver/vpnserver}"
: "${LAB_WAIT_S:=10}"
# Private working dir: db/ log/ run/, vpnserver.out, captures. Kept when LAB_KEEP=1.
: "${LAB_DIR:=}"
: "${LAB_KEEP:=0}"

LAB_SE_DIRS=(/var/lib/softether /var/log/softether /run/softether)
LAB_REGISTRY=/run/l2tp-ipsec-lab
LAB_SRV_PID=
LAB_CAP_PID=
LAB_CLEANUPS=()

lab_log() { printf '[lab %s] %s\n' "$(date +%T.%3N)" "$*" >&2; }
lab_die() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}
# Reported when the server, not the client, is at fault (softether.md "wedge").
lab_peer_fail() {
	printf 'PEER FAILURE (SoftEther, not l2tp-ipsec): %s\n' "$*" >&2
	exit 1
}
lab_ms() { date +%s%3N; }

lab_in() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}
lab_srv() { lab_in "$LAB_SRV_NS" "$@"; }
lab_cli() { lab_in "$LAB_CLI_NS" "$@"; }

# lab_wait_for SECONDS DESCRIPTION CMD...: poll CMD every 50 ms; 1 when time runs out.
lab_wait_for() {
	local limit=$1 what=$2
	shift 2
	local end=$(($(lab_ms) + limit * 1000))
	until "$@"; do
		if (($(lab_ms) >= end)); then
			lab_log "timed out after ${limit} s waiting for: $what"
			return 1
		fi
		sleep 0.05
	done
}

# Run "$@" at cleanup time, last registered first.
lab_on_cleanup() { LAB_CLEANUPS+=("$*"); }

lab_require() {
	local t missing=()
	if [[ $(id -u) != 0 ]]; then
		echo "SKIP: the SoftEther lab needs root (network namespaces, bind mounts)" >&2
		exit 77
	fi
	for t in ip nsenter ss ike-scan tshark tcpdump nft vpncmd "$LAB_VPNSERVER"; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	((${#missing[@]} == 0)) || lab_die "missing tools: ${missing[*]} (run scripts/install-deps)"
}

lab_trap() { trap 'lab_cleanup' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; }

# --- namespaces ---------------------------------------------------------------------------

lab_ns_add() {
	local ns=$1
	ip netns add "$ns"
	lab_in "$ns" ip link set lo up
	# IPv6 off: keeps router solicitations and MLD out of the captures.
	lab_in "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	# ip netns exec bind-mounts /etc/netns/NS/resolv.conf over /etc/resolv.conf, so a client
	# that writes DNS servers changes this file and never the host's.
	mkdir -p "/etc/netns/$ns"
	printf '# lab %s: no DNS\n' "$ns" >"/etc/netns/$ns/resolv.conf"
}

lab_veth() { # lab_veth NS1 IF1 IP1/LEN NS2 IF2 IP2/LEN
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
	lab_in "$1" ip addr add "$3" dev "$2"
	lab_in "$4" ip addr add "$6" dev "$5"
	lab_in "$1" ip link set "$2" up
	lab_in "$4" ip link set "$5" up
}

lab_net_up() {
	lab_ns_add "$LAB_SRV_NS"
	lab_ns_add "$LAB_CLI_NS"
	lab_veth "$LAB_SRV_NS" "$LAB_SRV_IF" "$LAB_SRV_IP/24" "$LAB_CLI_NS" "$LAB_CLI_IF" "$LAB_CLI_IP/24"
	lab_srv ip addr add "$LAB_SINK_IP/32" dev lo
}

lab_nat_up() {
	lab_ns_add "$LAB_NAT_NS"
	lab_ns_add "$LAB_NATCLI_NS"
	lab_veth "$LAB_SRV_NS" "$LAB_SRV_IF2" "$LAB_SRV_IP2/24" \
		"$LAB_NAT_NS" "$LAB_NAT_WAN_IF" "$LAB_NAT_WAN_IP/24"
	lab_veth "$LAB_NAT_NS" "$LAB_NAT_LAN_IF" "$LAB_NAT_LAN_IP/24" \
		"$LAB_NATCLI_NS" "$LAB_NATCLI_IF" "$LAB_NATCLI_IP/24"
	lab_in "$LAB_NAT_NS" sysctl -qw net.ipv4.ip_forward=1
	lab_in "$LAB_NATCLI_NS" ip route add default via "$LAB_NAT_LAN_IP"
	lab_in "$LAB_NAT_NS" nft -f - <<-EOF
		table ip lab_nat {
			chain postrouting {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "$LAB_NAT_WAN_IF" masquerade
			}
		}
	EOF
	lab_log "NAT: $LAB_NATCLI_NS $LAB_NATCLI_IP -> $LAB_NAT_NS (masquerade as $LAB_NAT_WAN_IP) -> $LAB_SRV_NS"
}

# --- server --------------------------------------------------------------------------------

lab_seed_config() {
	# softether.md §2: admin port 5555 only, no DDNS, no NAT traversal function.
	printf '%s\n' \
		'declare root' '{' \
		'	declare DDnsClient' '	{' '		bool Disabled true' '	}' \
		'	declare ListenerList' '	{' '		declare Listener0' '		{' \
		'			bool DisableDos false' '			bool Enabled true' \
		'			uint Port 5555' '		}' '	}' \
		'	declare ServerConfiguration' '	{' \
		'		bool DisableNatTraversal true' \
		"		string ListenIP $LAB_LISTEN_IP" \
		'		string UsernameHubSeparator @' '	}' '}' >"$LAB_DIR/db/vpn_server.config"
}

# The host needs the three mount points; other labs may be using them, so they are removed
# only by the last lab and only if a lab created them.
lab_mountpoints_get() {
	local d
	mkdir -p "$LAB_REGISTRY/labs" "$LAB_REGISTRY/created"
	for d in "${LAB_SE_DIRS[@]}"; do
		if [[ ! -d $d ]]; then
			mkdir -p "$d"
			touch "$LAB_REGISTRY/created/${d//\//_}"
		fi
	done
	echo "$LAB_DIR" >"$LAB_REGISTRY/labs/$LAB_PREFIX"
}

lab_mountpoints_put() {
	local d m
	[[ -d $LAB_REGISTRY/labs ]] || return 0
	rm -f "$LAB_REGISTRY/labs/$LAB_PREFIX"
	rmdir "$LAB_REGISTRY/labs" 2>/dev/null || return 0 # another lab still runs
	for d in "${LAB_SE_DIRS[@]}"; do
		m="$LAB_REGISTRY/created/${d//\//_}"
		if [[ -e $m ]]; then
			rmdir "$d" 2>/dev/null || lab_log "kept $d (not empty)"
			rm -f "$m"
		fi
	done
	rmdir "$LAB_REGISTRY/created" "$LAB_REGISTRY" 2>/dev/null || true
}

lab_listening() { # lab_listening t|u PORT
	[[ -n $(nsenter -t "$LAB_SRV_PID" -n ss "-Hln$1" "sport = :$2" 2>/dev/null) ]]
}

lab_server_alive() { [[ -n $LAB_SRV_PID ]] && kill -0 "$LAB_SRV_PID" 2>/dev/null; }

lab_server_fail() {
	lab_log "server output ($LAB_DIR/vpnserver.out, last 40 lines):"
	tail -n 40 "$LAB_DIR/vpnserver.out" >&2 || true
	lab_peer_fail "$*"
}

lab_vpncmd() { # lab_vpncmd [vpncmd args...] < commands
	nsenter -t "$LAB_SRV_PID" -n -m vpncmd "$LAB_SRV_IP:5555" /SERVER "$@"
}

lab_configure() {
	local f=$LAB_DIR/server.cmds g=$LAB_DIR/hub.cmds
	printf '%s\n' "HubCreate $LAB_HUB /PASSWORD:" \
		"IPsecEnable /L2TP:yes /L2TPRAW:no /ETHERIP:no /PSK:$LAB_PSK /DEFAULTHUB:$LAB_HUB" \
		'KeepDisable' 'VpnAzureSetEnable no' 'VpnOverIcmpDnsEnable /ICMP:no /DNS:no' >"$f"
	printf '%s\n' \
		'UserCreate alice /GROUP:none /REALNAME:none /NOTE:none' \
		'UserPasswordSet alice /PASSWORD:alice-pass' \
		'UserCreate bob /GROUP:none /REALNAME:none /NOTE:none' \
		'UserPasswordSet bob /PASSWORD:bob-pass' \
		'ExtOptionSet DisableKernelModeSecureNAT /VALUE:1' \
		'ExtOptionSet DisableIpRawModeSecureNAT /VALUE:1' \
		'SecureNatEnable' >"$g"
	# /IN goes on past errors ("already exists"), so this is idempotent.
	lab_vpncmd /IN:"$f" >"$LAB_DIR/vpncmd-server.out" 2>&1 ||
		lab_server_fail "vpncmd server setup failed: $(tail -n 5 "$LAB_DIR/vpncmd-server.out")"
	lab_vpncmd /ADMINHUB:"$LAB_HUB" /IN:"$g" >"$LAB_DIR/vpncmd-hub.out" 2>&1 ||
		lab_server_fail "vpncmd hub setup failed: $(tail -n 5 "$LAB_DIR/vpncmd-hub.out")"
	# Read back what the tests depend on.
	lab_vpncmd /CMD IPsecGet >"$LAB_DIR/ipsecget.out" 2>&1 || true
	grep -q "$LAB_PSK" "$LAB_DIR/ipsecget.out" || lab_server_fail "IPsecGet does not show the PSK"
	touch "$LAB_DIR/configured"
}

# Launch (and on first start configure) the server; returns when UDP 500 listens.
lab_server_start() {
	local t0 t1 t2
	[[ -n $LAB_DIR ]] || lab_die "lab_server_start before lab_up"
	mkdir -p "$LAB_DIR/db" "$LAB_DIR/log" "$LAB_DIR/run"
	[[ -e $LAB_DIR/db/vpn_server.config ]] || lab_seed_config
	lab_mountpoints_get
	t0=$(lab_ms)
	# ip netns exec gives a private mount namespace; sh and ip both exec, so $! is the server.
	ip netns exec "$LAB_SRV_NS" sh -c "mount --bind '$LAB_DIR/db' /var/lib/softether &&
		mount --bind '$LAB_DIR/log' /var/log/softether &&
		mount --bind '$LAB_DIR/run' /run/softether &&
		exec '$LAB_VPNSERVER' start --foreground" >>"$LAB_DIR/vpnserver.out" 2>&1 </dev/null &
	LAB_SRV_PID=$!
	echo "$LAB_SRV_PID" >"$LAB_DIR/vpnserver.pid"
	lab_wait_for "$LAB_WAIT_S" "TCP 5555" lab_listening t 5555 ||
		lab_server_fail "admin port 5555 not listening after ${LAB_WAIT_S} s"
	t1=$(lab_ms)
	[[ -e $LAB_DIR/configured ]] || lab_configure
	lab_wait_for "$LAB_WAIT_S" "UDP 500" lab_listening u 500 ||
		lab_server_fail "UDP 500 not listening after ${LAB_WAIT_S} s"
	t2=$(lab_ms)
	LAB_T_5555=$((t1 - t0)) LAB_T_500=$((t2 - t0))
	lab_log "server pid $LAB_SRV_PID: TCP 5555 after ${LAB_T_5555} ms, UDP 500 after ${LAB_T_500} ms"
}

# SIGTERM, then SIGKILL after 10 s (a wedged server ignores SIGTERM).
lab_server_stop() {
	local t0 end
	lab_server_alive || {
		LAB_SRV_PID=
		return 0
	}
	t0=$(lab_ms)
	kill -TERM "$LAB_SRV_PID" 2>/dev/null || true
	end=$((t0 + 10000))
	while kill -0 "$LAB_SRV_PID" 2>/dev/null && (($(lab_ms) < end)); do sleep 0.05; done
	if kill -0 "$LAB_SRV_PID" 2>/dev/null; then
		lab_log "server ignored SIGTERM for 10 s (wedged?): SIGKILL"
		kill -KILL "$LAB_SRV_PID" 2>/dev/null || true
	fi
	wait "$LAB_SRV_PID" 2>/dev/null || true
	LAB_T_STOP=$(($(lab_ms) - t0))
	lab_log "server stopped in ${LAB_T_STOP} ms"
	LAB_SRV_PID=
}

lab_server_restart() {
	lab_server_stop
	lab_server_start
}

lab_up() {
	local t0
	lab_require
	# Interface names are "$LAB_PREFIX-vN" and must fit IFNAMSIZ (15).
	((${#LAB_PREFIX} <= 8)) || lab_die "LAB_PREFIX '$LAB_PREFIX' is longer than 8 characters"
	t0=$(lab_ms)
	if [[ -z $LAB_DIR ]]; then
		LAB_DIR=$(mktemp -d "/tmp/l2tp-ipsec-lab-$LAB_PREFIX.XXXXXX")
		LAB_DIR_OWNED=1
	fi
	mkdir -p "$LAB_DIR"
	if [[ -e /run/netns/$LAB_SRV_NS || -e /run/netns/$LAB_CLI_NS ]]; then
		lab_die "namespace $LAB_SRV_NS or $LAB_CLI_NS exists already (another lab? set LAB_PREFIX)"
	fi
	LAB_UP=1
	lab_net_up
	lab_server_start
	LAB_T_UP=$(($(lab_ms) - t0))
	lab_log "lab up in ${LAB_T_UP} ms (dir $LAB_DIR)"
}

lab_capture_stop() {
	[[ -n $LAB_CAP_PID ]] || return 0
	# Packets still in the socket buffer are lost on SIGINT: give tcpdump a moment to read them.
	sleep 0.2
	kill -INT "$LAB_CAP_PID" 2>/dev/null || true
	wait "$LAB_CAP_PID" 2>/dev/null || true
	LAB_CAP_PID=
}

# Remove everything: processes in our namespaces, namespaces, /etc/netns dirs, mount points,
# the working dir. Safe to call more than once and with parts missing.
lab_cleanup() {
	local rc=$? i ns pid
	set +e
	for ((i = ${#LAB_CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${LAB_CLEANUPS[i]}"; done
	LAB_CLEANUPS=()
	lab_capture_stop
	lab_server_stop
	if [[ ${LAB_UP:-0} == 1 ]]; then
		for ns in "$LAB_NATCLI_NS" "$LAB_NAT_NS" "$LAB_CLI_NS" "$LAB_SRV_NS"; do
			[[ -e /run/netns/$ns ]] || continue
			# Only our own processes can be in our namespaces.
			for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
			ip netns del "$ns"
			rm -rf "/etc/netns/$ns"
		done
		LAB_UP=0
	fi
	lab_mountpoints_put
	if [[ ${LAB_DIR_OWNED:-0} == 1 && $LAB_KEEP != 1 ]]; then
		if ((rc != 0)); then
			lab_log "failed (rc $rc); server output: $LAB_DIR/vpnserver.out (kept)"
		else
			rm -rf "$LAB_DIR"
		fi
	fi
	return "$rc"
}

lab_down() { lab_cleanup; }

# What lab_cleanup must have removed; prints leftovers, 1 if any.
lab_leftovers() {
	local left=() ns d
	for ns in "$LAB_SRV_NS" "$LAB_CLI_NS" "$LAB_NAT_NS" "$LAB_NATCLI_NS"; do
		[[ -e /run/netns/$ns ]] && left+=("netns $ns")
		[[ -e /etc/netns/$ns ]] && left+=("/etc/netns/$ns")
	done
	for d in "${LAB_SE_DIRS[@]}"; do
		findmnt -n "$d" >/dev/null && left+=("mount on $d")
	done
	[[ -n ${LAB_LAST_PID:-} ]] && kill -0 "$LAB_LAST_PID" 2>/dev/null && left+=("pid $LAB_LAST_PID")
	ip link show "$LAB_SRV_IF" >/dev/null 2>&1 && left+=("link $LAB_SRV_IF")
	((${#left[@]} == 0)) && return 0
	printf 'leftover: %s\n' "${left[@]}" >&2
	return 1
}

# --- IKE probes ----------------------------------------------------------------------------

# lab_ike_probe [NS] [IP] [TRANS]: one main-mode probe with the RFC 3947 VID (softether.md);
# prints the number of returned handshakes (1 = accepted).
lab_ike_probe() {
	local ns=${1:-$LAB_CLI_NS} ip=${2:-$LAB_SRV_IP} trans=${3:-7/256,2,1,14} out
	out=$(lab_in "$ns" ike-scan -M --sport=0 -r 2 -t 400 \
		--vendor=4a131c81070358455c5728f20e95452f --trans="$trans" "$ip" 2>&1) || true
	echo "$out" >>"$LAB_DIR/ike-scan.out"
	sed -n 's/.* \([0-9]\+\) returned handshake.*/\1/p' <<<"$out" | head -n 1
}

# lab_wedge_check [NS]: one probe from NS (default the direct client) to the address that NS
# dials; a mute server after a failed login is the SoftEther wedge (#1854/#1898).
lab_wedge_check() {
	local n ns=${1:-$LAB_CLI_NS} ip=$LAB_SRV_IP
	[[ $ns != "$LAB_NATCLI_NS" ]] || ip=$LAB_SRV_IP2
	lab_server_alive || lab_server_fail "vpnserver (pid ${LAB_SRV_PID:-none}) is not running"
	n=$(lab_ike_probe "$ns" "$ip")
	if [[ $n != 1 ]]; then
		lab_log "server CPU: $(ps -o %cpu= -p "$LAB_SRV_PID" 2>/dev/null || echo '?')%"
		# After a failed login the wedge means the client vanished without CDN/StopCCN.
		[[ -z ${LAB_WEDGE_HINT:-} ]] ||
			lab_die "server wedged (no IKE answer to one probe): $LAB_WEDGE_HINT"
		lab_server_fail "no IKE answer to one ike-scan probe: server wedged (issues #1854/#1898)"
	fi
}

# --- captures ------------------------------------------------------------------------------

# lab_capture_start NS IF FILE: returns once tcpdump listens.
lab_capture_start() {
	local ns=$1 ifc=$2 file=$3 err=$3.tcpdump.err
	: >"$err"
	ip netns exec "$ns" tcpdump -n -U --immediate-mode -s 0 -i "$ifc" -w "$file" >"$err" 2>&1 &
	LAB_CAP_PID=$!
	lab_wait_for 10 "tcpdump on $ns/$ifc" grep -q 'listening on' "$err" ||
		lab_die "tcpdump did not start: $(cat "$err")"
}

# Wireshark's UDP 4500 dissector (udpencap) splits IKE (non-ESP marker), ESP and keepalives
# itself; forcing "decode as isakmp" would mark every ESP packet malformed. tshark's stderr goes
# to the log except its "Running as user root" warning; a bad filter or file fails the test.
lab_tshark() {
	local err rc=0 out
	err=$(mktemp)
	out=$(tshark -n "$@" 2>"$err") || rc=$?
	grep -v 'Running as user "root"' "$err" >&2 || true
	rm -f "$err"
	((rc == 0)) || lab_die "tshark $* failed (rc $rc)"
	[[ -z $out ]] || printf '%s\n' "$out"
}

lab_pcap_count() { # lab_pcap_count FILE FILTER
	lab_tshark -r "$1" -Y "$2" | wc -l
}

lab_pcap_assert_wellformed() {
	local file=$1 bad total
	total=$(lab_tshark -r "$file" | wc -l)
	((total > 0)) || lab_die "capture $file is empty"
	bad=$(lab_tshark -r "$file" -Y '_ws.malformed || _ws.expert.severity == error')
	[[ -z $bad ]] || lab_die "malformed packets in $file:"$'\n'"$bad"
	lab_log "$file: $total packets, 0 malformed, $(lab_pcap_count "$file" isakmp) ISAKMP"
}

# No L2TP or PPP in clear; IKE and ESP must be there (or the check proves nothing).
lab_pcap_assert_no_cleartext() {
	local file=$1 clear n_esp n_ike
	clear=$(lab_tshark -r "$file" -Y 'l2tp || ppp || udp.port == 1701 || pap || chap || lcp || ipcp')
	[[ -z $clear ]] || lab_die "cleartext L2TP/PPP on the wire in $file:"$'\n'"$clear"
	# Every UDP datagram must be IKE (500), NAT-T (4500), or the server's NetBIOS queries
	# (137, softether.md "Other host facts") and the ICMP errors they draw.
	clear=$(lab_tshark -r "$file" -Y 'udp && !icmp && !(udp.port == 500 || udp.port == 4500 || udp.port == 137)')
	[[ -z $clear ]] || lab_die "unexpected UDP on the wire in $file:"$'\n'"$clear"
	n_ike=$(lab_pcap_count "$file" isakmp)
	n_esp=$(lab_pcap_count "$file" 'esp')
	((n_ike > 0)) || lab_die "no ISAKMP packets in $file"
	((n_esp > 0)) || lab_die "no ESP packets in $file"
	lab_log "$file: no cleartext L2TP/PPP; $n_ike ISAKMP, $n_esp ESP"
}

# --- client helpers ------------------------------------------------------------------------

# lab_write_profile FILE [key=value...]: the lab's profile, mode 0600; arguments override.
lab_write_profile() {
	local file=$1 kv
	shift
	(
		umask 077
		{
			echo '[vpn]'
			echo "gateway=$LAB_SRV_IP"
			echo 'user=alice'
			echo 'password=alice-pass'
			echo "ipsec-psk=$LAB_PSK"
		} >"$file"
	)
	for kv in "$@"; do
		if grep -q "^${kv%%=*}=" "$file"; then
			sed -i "s|^${kv%%=*}=.*|${kv//|/\\|}|" "$file"
		else
			echo "$kv" >>"$file"
		fi
	done
	chmod 600 "$file"
}
