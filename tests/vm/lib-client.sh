# Guest-side helpers to run our client (built on the host) in the client role. Source after
# lib.sh. The build directory is $L2I_BUILD: /build with `run-in-vm --build DIR`, else a
# directory of the shared repository (default /host/build).
L2I_BUILD=${L2I_BUILD:-/host/build}
L2I=$L2I_BUILD/client/l2tp-ipsec
L2I_RUN=/run/l2i         # --run-dir, in the client role's private /run
L2I_CONF=/tmp/l2i-vm.conf # the profile (mode 0600; it holds the secrets)
L2I_LOG=/tmp/l2i-connect.log
OUR_PID= OUR_RC= OUR_T0=

our_require() {
	local missing
	modprobe tun 2>/dev/null # the userspace path's TUN device (not loaded by the guest init)
	[ -x "$L2I" ] || { echo "no client at $L2I: build it on the host, pass run-in-vm --build DIR"; return 1; }
	missing=$(ldd "$L2I" | grep 'not found')
	[ -z "$missing" ] || { echo "client libraries missing in the guest: $missing"; return 1; }
}

# our_profile [key=value...]: the lab's profile with its secrets, readable by root only.
our_profile() {
	(
		umask 077
		printf '[vpn]\ngateway=%s\nuser=alice\npassword=alice-pass\nipsec-psk=lab-psk-123\n' "$SRV_IP"
		for kv in "$@"; do echo "$kv"; done
	) >"$L2I_CONF"
	chmod 600 "$L2I_CONF"
}

# Prefixes each line with the seconds since $OUR_T0.
stamp() {
	local l
	while IFS= read -r l; do
		printf '[%6.2f] %s\n' "$(awk -v a="$OUR_T0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" "$l"
	done
}

# our_connect DATA_PATH [ARGS...]: `connect` in the background; stdout+stderr, time-stamped,
# in $L2I_LOG; OUR_PID is the client's pid.
our_connect() {
	local path=$1
	shift
	: >"$L2I_LOG"
	OUR_T0=$(date +%s.%N) OUR_RC=
	nsbg cli "$L2I" connect --config "$L2I_CONF" --data-path "$path" --run-dir "$L2I_RUN" "$@" \
		</dev/null > >(stamp >>"$L2I_LOG") 2>&1
	OUR_PID=$!
}

our_connected() { grep -q '] connected: ' "$L2I_LOG"; }

# our_wait_connected SECONDS: 0 once the client printed "connected"; 1 when it exited first
# or the time ran out.
our_wait_connected() {
	local end=$(($(date +%s) + $1))
	until our_connected; do
		if ! kill -0 "$OUR_PID" 2>/dev/null; then
			wait "$OUR_PID"
			OUR_RC=$?
			sleep 0.3 # the last lines are still in the time-stamping pipe
			echo "connect exited (rc $OUR_RC) before it was connected"
			return 1
		fi
		[ "$(date +%s)" -lt "$end" ] || { echo "not connected after $1 s"; return 1; }
		sleep 0.05
	done
}

# The tunnel interface named on the "connected" line.
our_ifname() { sed -n 's/.*] connected: .* on \([^ ]*\)$/\1/p' "$L2I_LOG" | tail -n 1; }

# our_stop disconnect|sigint SECONDS: ends the connection; OUR_RC = connect's exit status.
our_stop() {
	local end=$(($(date +%s) + $2))
	case $1 in
	disconnect) ns cli "$L2I" disconnect --run-dir "$L2I_RUN" ;;
	sigint) kill -INT "$OUR_PID" 2>/dev/null ;;
	esac
	while kill -0 "$OUR_PID" 2>/dev/null; do
		if [ "$(date +%s)" -ge "$end" ]; then
			echo "connect still running $2 s after $1; killing it"
			kill -KILL "$OUR_PID"
			break
		fi
		sleep 0.05
	done
	wait "$OUR_PID"
	OUR_RC=$?
	sleep 0.3
}

# 0 when every reqid in `ip xfrm state` of the client is in our range 0x4c320000-0x4c32ffff.
our_reqids() {
	ip -n vm-cli xfrm state | grep -o 'reqid [0-9]*' | awk '
		{ n++; if ($2 < 1278345216 || $2 > 1278410751) bad++ }
		END { exit !(n > 0 && !bad) }'
}

# The lab's PPP pool (10.98.0.40-47) on any interface of the client: PPP is up.
ppp_up() { ip -n vm-cli -4 -o addr show | grep -q ' inet 10\.98\.0\.4[0-7][ /]'; }
