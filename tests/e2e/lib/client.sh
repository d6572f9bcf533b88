# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Helpers to drive the l2tp-ipsec client in a lab namespace (source after lib/softether.sh).
#   $L2TP_IPSEC     client binary (default build/client/l2tp-ipsec from the repo root)
#   $E2E_DATA_PATH  --data-path for connect (default userspace)
#   client_run NS SECONDS OUT args…      run to completion (stdout OUT, stderr OUT.err)
#   client_connect NS PROFILE [args]     start `connect` in the background (CLIENT_PID, CLIENT_LOG)
#   client_wait_up NS IFNAME SECONDS     wait for 192.168.30.x on IFNAME; sets CLIENT_ADDR
#   client_stop SIGNAL SECONDS           signal connect and wait for it; CLIENT_RC
#   client_snapshot NS FILE              links, addresses, routes, rules, resolv.conf, processes
#   client_assert_no_trace NS FILE       compare with an earlier snapshot

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
: "${L2TP_IPSEC:=$E2E_ROOT/build/client/l2tp-ipsec}"
: "${CLIENT_IFNAME:=l2i0}"
# This machine's kernel has no ESP/L2TP/PPP; the VM lab sets kernel.
: "${E2E_DATA_PATH:=userspace}"
# SecureNAT's virtual network (softether.md "Addresses").
CLIENT_VNET_RE='^192\.168\.30\.([0-9]+)$'
CLIENT_VGW=192.168.30.1
CLIENT_PID=
CLIENT_LOG=
CLIENT_RC=
CLIENT_ADDR=
CLIENT_RUN_DIR=
CLIENT_ARGV=()

client_require() {
	[[ -x $L2TP_IPSEC ]] || lab_die "client binary $L2TP_IPSEC not built (set L2TP_IPSEC)"
}

# A private --run-dir per test: status/disconnect see only this test's connection (other labs
# may run at the same time) and leftovers are easy to find.
client_run_dir() {
	CLIENT_RUN_DIR=$LAB_DIR/client-run
	mkdir -p "$CLIENT_RUN_DIR"
	chmod 700 "$CLIENT_RUN_DIR"
}

client_args() { # client_args COMMAND ARGS...: the command line with --run-dir where it applies
	local cmd=$1
	shift
	case $cmd in
	connect | status | disconnect)
		[[ -n ${CLIENT_RUN_DIR:-} ]] || client_run_dir
		CLIENT_ARGV=("$cmd" --run-dir "$CLIENT_RUN_DIR" "$@")
		;;
	*) CLIENT_ARGV=("$cmd" "$@") ;;
	esac
}

# client_run NS SECONDS OUT args...: run the client to completion, bounded; stdout in OUT,
# stderr in OUT.err; exit status in CLIENT_RC.
client_run() {
	local ns=$1 secs=$2 out=$3
	shift 3
	CLIENT_RC=0
	client_args "$@"
	ip netns exec "$ns" timeout -k 5 "$secs" "$L2TP_IPSEC" "${CLIENT_ARGV[@]}" >"$out" \
		2>"$out.err" </dev/null || CLIENT_RC=$?
	lab_log "l2tp-ipsec $* -> rc $CLIENT_RC"
	((CLIENT_RC != 124 && CLIENT_RC != 137)) ||
		lab_die "l2tp-ipsec $* did not finish within $secs s; output:"$'\n'"$(client_output "$out")"
}

client_output() { cat "$1" "$1.err" 2>/dev/null; }

client_connect() {
	local ns=$1 profile=$2
	shift 2
	CLIENT_LOG=$LAB_DIR/connect-$ns.log
	: >"$CLIENT_LOG"
	client_args connect --config "$profile" --ifname "$CLIENT_IFNAME" --data-path "$E2E_DATA_PATH" "$@"
	ip netns exec "$ns" "$L2TP_IPSEC" "${CLIENT_ARGV[@]}" >"$CLIENT_LOG" 2>&1 </dev/null &
	CLIENT_PID=$!
	CLIENT_T0=$(lab_ms)
	lab_on_cleanup client_kill
}

# At cleanup: a client still running is a test failure already reported; end it.
client_kill() {
	[[ -n $CLIENT_PID ]] || return 0
	if kill -0 "$CLIENT_PID" 2>/dev/null; then
		kill -TERM "$CLIENT_PID" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$CLIENT_PID" 2>/dev/null || break; sleep 0.05; done
		kill -KILL "$CLIENT_PID" 2>/dev/null
	fi
	wait "$CLIENT_PID" 2>/dev/null
	CLIENT_PID=
	return 0
}

client_addr() { # client_addr NS IFNAME: the IPv4 address on IFNAME or nothing
	ip -n "$1" -4 -o addr show dev "$2" 2>/dev/null | sed -n 's/.* inet \([0-9.]*\)[/ ].*/\1/p' | head -n 1
}

client_is_up() {
	[[ $(client_addr "$1" "$2") =~ $CLIENT_VNET_RE ]] &&
		ip -n "$1" -o link show dev "$2" 2>/dev/null | grep -q 'UP'
}

client_wait_up() {
	local ns=$1 ifc=$2 secs=$3 t
	until client_is_up "$ns" "$ifc"; do
		if ! kill -0 "$CLIENT_PID" 2>/dev/null; then
			wait "$CLIENT_PID" && CLIENT_RC=0 || CLIENT_RC=$?
			CLIENT_PID=
			lab_wedge_check "$ns"
			lab_die "connect exited (rc $CLIENT_RC) before $ifc came up; output:"$'\n'"$(cat "$CLIENT_LOG")"
		fi
		if (($(lab_ms) - CLIENT_T0 > secs * 1000)); then
			lab_wedge_check "$ns"
			lab_die "$ifc not up with a 192.168.30.x address after $secs s; output:"$'\n'"$(cat "$CLIENT_LOG")"
		fi
		sleep 0.05
	done
	t=$(($(lab_ms) - CLIENT_T0))
	CLIENT_ADDR=$(client_addr "$ns" "$ifc")
	lab_log "$ifc up with $CLIENT_ADDR after $t ms"
}

# client_stop SIGNAL SECONDS: signal connect; it must exit within SECONDS. CLIENT_RC = its status.
client_stop() {
	local sig=$1 secs=$2 t0
	t0=$(lab_ms)
	kill -"$sig" "$CLIENT_PID" 2>/dev/null || lab_die "connect (pid $CLIENT_PID) already gone"
	client_wait_exit "$secs" "after SIG$sig"
	lab_log "connect exited with $CLIENT_RC $(($(lab_ms) - t0)) ms after SIG$sig"
}

client_wait_exit() { # client_wait_exit SECONDS WHY
	local end=$(($(lab_ms) + $1 * 1000))
	while kill -0 "$CLIENT_PID" 2>/dev/null; do
		(($(lab_ms) < end)) || lab_die "connect still running $1 s $2; output:"$'\n'"$(cat "$CLIENT_LOG")"
		sleep 0.05
	done
	wait "$CLIENT_PID" && CLIENT_RC=0 || CLIENT_RC=$?
	CLIENT_PID=
}

# Everything a connection may change in a namespace, in a comparable form.
client_snapshot() {
	local ns=$1 out=$2
	{
		echo '## links'
		ip -n "$ns" -o link show | sed 's/^[0-9]*: //; s/ link\/.*//' | sort
		echo '## addresses'
		ip -n "$ns" -o addr show | awk '{print $2, $3, $4}' | sort
		echo '## routes'
		ip -n "$ns" route show table all | grep -v '^local \|^broadcast \|^multicast ' | sort
		echo '## rules'
		ip -n "$ns" rule show | sort
		echo '## xfrm'
		ip -n "$ns" xfrm state 2>/dev/null || true
		ip -n "$ns" xfrm policy 2>/dev/null || true
		echo '## nft'
		ip netns exec "$ns" nft list ruleset 2>/dev/null || true
		echo '## resolv.conf'
		cat "/etc/netns/$ns/resolv.conf" 2>/dev/null || echo '(none)'
		echo '## processes'
		ip netns pids "$ns" | sort
	} >"$out"
}

client_assert_no_trace() {
	local ns=$1 before=$2 after=$2.after
	client_snapshot "$ns" "$after"
	diff -u "$before" "$after" >&2 || lab_die "connection left traces in $ns (diff above)"
	if [[ -n ${CLIENT_RUN_DIR:-} && -n $(ls -A "$CLIENT_RUN_DIR") ]]; then
		lab_die "runtime files left in $CLIENT_RUN_DIR: $(ls -A "$CLIENT_RUN_DIR")"
	fi
}

# client_json_check FILE PYTHON-EXPR…: each expression, with j = the parsed JSON, must be true.
client_json_check() {
	local file=$1
	shift
	python3 - "$file" "$@" <<-'EOF' || lab_die "JSON check failed on $file:"$'\n'"$(cat "$file")"
		import json, sys
		try:
		    j = json.load(open(sys.argv[1]))
		except ValueError as e:
		    sys.exit(f"not JSON: {e}")
		bad = [e for e in sys.argv[2:] if not eval(e, {"j": j, "json": json})]
		for e in bad:
		    print(f"false: {e}", file=sys.stderr)
		sys.exit(1 if bad else 0)
	EOF
}
