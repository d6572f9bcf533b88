# Benchmark (not a test): in one VM, against the same server and the same proposals
# (aes256-sha1-modp2048, ESP aes256-sha1, MTU/MRU 1280), compare
#   (a) the stack NetworkManager-l2tp drives: strongSwan (starter + charon) + xl2tpd + pppd,
#   (b) our client on the kernel data path (XFRM + kernel L2TP + pppd with our plugin),
#   (c) our client on the userspace data path (TUN, ESP in UDP 4500, built-in PPP).
# Connect time: from starting the client stack (for (a): `ipsec start`, `ipsec up`, xl2tpd,
# "c lab") to the PPP address on the client's interface; RUNS runs each, interleaved, median.
# Throughput: iperf3 (TCP, one stream) to the server's PPP address, upload and download, in
# each of the last 3 runs; median.
# A stack that cannot connect (e.g. a build without the kernel path) shows n/a; the script
# fails only when the lab itself does not work. Under TCG only the ratios mean anything.
# Run: tests/vm/run-in-vm --build BUILD_DIR tests/vm/scenarios/compare.sh [server=strongswan|
#      libreswan] [runs=N] [iperf=SECONDS]
runs=5 secs=5
for a in "$@"; do
	case $a in
	server=*) SERVER=${a#server=} ;;
	runs=*) runs=${a#runs=} ;;
	iperf=*) secs=${a#iperf=} ;;
	build=*) L2I_BUILD=/host/${a#build=} ;;
	*) echo "compare.sh: unknown argument $a"; exit 2 ;;
	esac
done
. /host/tests/vm/lib.sh
. /host/tests/vm/lib-client.sh
ours=1
our_require || ours=0
setup_net
start_server || { server_logs; exit 1; }
our_profile ipsec-ike=aes256-sha1-modp2048 ipsec-esp=aes256-sha1 mtu=1280 mru=1280

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }'; }
# wait_ppp SECONDS [PID]: polls every 20 ms until the client has its PPP address; 1 when the
# time runs out or PID exits first.
wait_ppp() {
	local end=$(($(date +%s) + $1))
	until ppp_up; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		[ -z "${2:-}" ] || kill -0 "$2" 2>/dev/null || return 1
		sleep 0.02
	done
}
# Before each run: no SA, no PPP interface, no pppd left on either side.
srv_idle() {
	[ "$(xfrm_state_count srv)$(xfrm_state_count cli)" = 00 ] &&
		! ip -n vm-srv -o link show | grep -q ': ppp' &&
		! ip -n vm-cli -o link show | grep -qE ': (ppp|l2tp)'
}

# ---- (a) the reference stack ----
ref_up() { # sets T (connect seconds) and DETAIL; 1 on failure
	local t0 t1 t2
	ns cli sh -c ': >/run/pppd.log'
	ns srv sh -c ': >/run/pppd.log'
	t0=$(date +%s.%N)
	ns cli ipsec start >/dev/null 2>&1
	until ns cli ipsec statusall 2>/dev/null | grep -q '^ *L2TP-PSK:'; do sleep 0.02; done
	t1=$(elapsed "$t0")
	ns cli ipsec up L2TP-PSK >/tmp/ref-up.log 2>&1
	grep -q 'established successfully' /tmp/ref-up.log || { DETAIL="ipsec up failed"; return 1; }
	t2=$(elapsed "$t0")
	ns cli sh -c 'exec xl2tpd -D -c /etc/xl2tpd/xl2tpd.conf -p /run/xl2tpd.pid \
		-C /run/xl2tpd/l2tp-control' >/tmp/ref-xl2tpd.log 2>&1 &
	until ns cli test -p /run/xl2tpd/l2tp-control; do sleep 0.02; done
	ns cli sh -c 'echo "c lab" > /run/xl2tpd/l2tp-control'
	wait_ppp 60 || { DETAIL="no PPP address after 60 s"; return 1; }
	T=$(elapsed "$t0")
	DETAIL="charon ready $t1 s, ipsec up done $t2 s"
	# pppd repeats a lost Configure-Request with the same id (either side may lose the first)
	LOST=$({ ns cli cat /run/pppd.log; echo; ns srv cat /run/pppd.log; } | awk '
		/^$/ { f = ""; sec++ }
		match($0, /sent \[LCP ConfReq id=0x[0-9a-f]+/) { id = sec substr($0, RSTART, RLENGTH)
			if (!f) f = id; if (id == f && ++n[f] > 1) lost = 1 }
		END { print lost + 0 }')
}
ref_down() {
	ns cli sh -c 'echo "d lab" > /run/xl2tpd/l2tp-control; kill $(cat /run/xl2tpd.pid)' 2>/dev/null
	ns cli ipsec stop >/dev/null 2>&1
	wait_for 20 srv_idle
}

# ---- (b), (c) ours ----
our_up() { # $1 = kernel | userspace
	our_connect "$1"
	wait_ppp 60 "$OUR_PID" || { our_stop sigint 20; DETAIL=$(grep -m1 'l2tp-ipsec: ' "$L2I_LOG"); return 1; }
	T=$(elapsed "$OUR_T0")
	our_wait_connected 10 >/dev/null
	DETAIL="\"connected\" at $(sed -n 's/^\[ *\([0-9.]*\)\] connected: .*/\1/p' "$L2I_LOG") s"
	# L2TP session up -> LCP up takes one round trip, or a restart period when the first
	# Configure-Request was lost
	LOST=$(awk '{ t = substr($0, 2, index($0, "]") - 2) + 0 }
		/\] L2TP session up/ { s = t } /\] PPP link up/ { print (t - s > 2); exit }' "$L2I_LOG")
}
our_down() {
	our_stop sigint 20
	wait_for 20 srv_idle
}

# iperf ROLE-DIRECTION: Mbit/s received, one TCP stream for $secs s; empty on failure.
iperf() {
	local rev=
	[ "$1" = down ] && rev=-R
	local srv
	nsbg srv iperf3 -s -1 -B $SRV_PPP_IP >/dev/null 2>&1
	srv=$!
	wait_for 10 sh -c "ip netns exec vm-srv ss -ltn | grep -q '$SRV_PPP_IP:5201'"
	ns cli iperf3 -c $SRV_PPP_IP -t "$secs" -f m $rev 2>&1 |
		awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") print $i }'
	kill $srv 2>/dev/null
	wait $srv 2>/dev/null
}

declare -A times fails first_err up down lost
stacks="a b c"
[ $ours = 1 ] || stacks=a
name_a="strongSwan + xl2tpd + pppd (NM-l2tp's stack)"
name_b="l2tp-ipsec --data-path kernel"
name_c="l2tp-ipsec --data-path userspace"
for i in $(seq "$runs"); do
	for s in $stacks; do
		[ "${fails[$s]:-0}" -ge 2 ] && [ -z "${times[$s]}" ] && continue # never worked: stop trying
		wait_for 20 srv_idle || { echo "lab not idle before run $i of ($s)"; server_logs; exit 1; }
		T= DETAIL= LOST=
		case $s in
		a) ref_up ;;
		b) our_up kernel ;;
		c) our_up userspace ;;
		esac
		if [ -n "$T" ]; then
			times[$s]="${times[$s]} $T"
			[ "$LOST" = 1 ] && lost[$s]=$((${lost[$s]:-0} + 1))
			log "($s) run $i: $T s ($DETAIL$([ "$LOST" = 1 ] && echo ', first LCP Configure-Request lost'))"
			if [ "$i" -gt $((runs - 3)) ]; then
				u=$(iperf up) d=$(iperf down)
				up[$s]="${up[$s]} $u" down[$s]="${down[$s]} $d"
				log "($s) iperf3: up ${u:-?} Mbit/s, down ${d:-?} Mbit/s (MTU $(ip -n vm-cli -o link show |
					awk '/: (ppp|l2tp)[0-9]/ { for (i = 1; i < NF; i++) if ($i == "mtu") print $(i + 1) }'))"
			fi
		else
			fails[$s]=$((${fails[$s]:-0} + 1))
			first_err[$s]=${first_err[$s]:-$DETAIL}
			log "($s) run $i failed: $DETAIL"
		fi
		case $s in
		a) ref_down ;;
		*) our_down ;;
		esac
	done
done
stop_server

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END {
	if (!NR) { print "n/a"; exit }
	printf "%.4g\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minmax() { tr ' ' '\n' | grep . | sort -n | awk 'NR == 1 { a = $1 } { b = $1 } END { if (NR) printf "%s-%s", a, b }'; }
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (x + 0 > 0 && y + 0 > 0) printf "%.2f", x / y; else print "n/a" }'; }

echo
echo "== connect and throughput, server $SERVER, $runs runs each (TCG: compare ratios only) =="
printf '%-46s %9s %12s %5s %9s %9s\n' stack "connect s" "(min-max)" lost "up Mbit/s" "down"
for s in a b c; do
	n=name_$s
	med=$(echo "${times[$s]}" | median)
	eval "med_$s=$med up_$s=$(echo "${up[$s]}" | median) down_$s=$(echo "${down[$s]}" | median)"
	u=up_$s d=down_$s
	printf '%-46s %9s %12s %5s %9s %9s\n' "($s) ${!n}" "$med" "$(echo "${times[$s]}" | minmax)" \
		"${lost[$s]:-0}/$(echo "${times[$s]}" | wc -w)" "${!u}" "${!d}"
	[ -z "${first_err[$s]}" ] || echo "    ($s) failures: ${fails[$s]}; first: ${first_err[$s]}"
done
echo "lost: runs in which a first LCP Configure-Request was lost (the other side's PPP was not"
echo "      attached to its L2TP session yet) and waited for the 3 s LCP restart timer"
echo "ratios of medians (ours / NM-l2tp's stack; connect: lower is faster, throughput: higher is faster)"
printf '  connect time     kernel %s   userspace %s\n' "$(ratio "$med_b" "$med_a")" "$(ratio "$med_c" "$med_a")"
best() { echo "${times[$1]}" | tr ' ' '\n' | grep . | sort -n | head -n 1; }
printf '  best connect     kernel %s   userspace %s\n' "$(ratio "$(best b)" "$(best a)")" \
	"$(ratio "$(best c)" "$(best a)")"
printf '  upload           kernel %s   userspace %s\n' "$(ratio "$up_b" "$up_a")" "$(ratio "$up_c" "$up_a")"
printf '  download         kernel %s   userspace %s\n' "$(ratio "$down_b" "$down_a")" "$(ratio "$down_c" "$down_a")"
# The lab must work: the reference stack connected at least once.
[ -n "${times[a]}" ]
