#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Connect benchmark against SoftEther (tests/e2e/lib/softether.sh starts the lab; needs root).
#
# BENCH_N times (default 10): `l2tp-ipsec connect --timing`, read stdout until the
# "connected" line (no sleeps: the read returns when the line arrives), `disconnect`, read
# to the end. Per stage: wall time, client CPU time (CLOCK_PROCESS_CPUTIME_ID, ns), and
# waiting = wall - CPU (the server, the network, scheduling). Median [min..max] over the
# runs, the peak RSS, and the MODP-2048 DH cost from bench-dh for scale.
#
#   sudo tests/bench/connect-bench.sh            # build/ by default
#   sudo L2TP_IPSEC=build-x/client/l2tp-ipsec BENCH_N=20 tests/bench/connect-bench.sh
#
# Also `meson test -C build --benchmark connect`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${LAB_PREFIX:=bcn}"
: "${BENCH_N:=10}"
. "$here/../e2e/lib/softether.sh"
. "$here/../e2e/lib/client.sh"
: "${BENCH_DH:=$(dirname "$L2TP_IPSEC")/../tests/bench/bench-dh}"

lab_trap
lab_require
client_require
lab_up
profile=$LAB_DIR/lab.conf
lab_write_profile "$profile"
# The run directory (control socket, resolv.conf backup) on tmpfs, as /run is on most systems:
# the backup's fsync on a disk would count as client CPU that users do not pay.
CLIENT_RUN_DIR=$LAB_DIR/client-run
mkdir -p "$CLIENT_RUN_DIR"
mount -t tmpfs -o mode=0700,size=1m l2i-bench "$CLIENT_RUN_DIR"
lab_on_cleanup "umount '$CLIENT_RUN_DIR'"
[[ $BENCH_N =~ ^[1-9][0-9]*$ ]] || lab_die "BENCH_N must be a positive number, not '$BENCH_N'"

# One connect/disconnect; the client's stdout, plus the outside view, into $1.
bench_one() {
	local out=$1 line fd pid t0 t_up= rc=0
	: >"$out"
	client_args connect --config "$profile" --ifname "$CLIENT_IFNAME" \
		--data-path "$E2E_DATA_PATH" --timing
	t0=$EPOCHREALTIME
	# setsid -f forks the client: its CPU clock starts at that fork of a small process, not
	# with the work `ip netns exec' did before in its own (exec keeps the CPU clock).
	coproc BENCH_CLIENT {
		ip netns exec "$LAB_CLI_NS" setsid -f -w "$L2TP_IPSEC" "${CLIENT_ARGV[@]}" \
			2>"$out.err" </dev/null
	}
	# bash forgets the coproc's variables when it exits: keep copies
	pid=$BENCH_CLIENT_PID
	exec {fd}<&"${BENCH_CLIENT[0]}"
	while IFS= read -r -t 60 -u "$fd" line; do
		printf '%s\n' "$line" >>"$out"
		if [[ $line == connected:* ]]; then
			t_up=$EPOCHREALTIME
			break
		fi
	done
	[[ -n $t_up ]] || lab_die "no 'connected' line within 60 s; output:"$'\n'"$(cat "$out" "$out.err")"
	client_run "$LAB_CLI_NS" 20 "$out.disconnect" disconnect
	((CLIENT_RC == 0)) || lab_die "disconnect exited $CLIENT_RC: $(client_output "$out.disconnect")"
	while IFS= read -r -t 30 -u "$fd" line; do printf '%s\n' "$line" >>"$out"; done
	exec {fd}<&-
	wait "$pid" || rc=$?
	((rc == 0)) || lab_die "connect exited $rc; output:"$'\n'"$(cat "$out" "$out.err")"
	grep -q '^disconnected$' "$out" || lab_die "no 'disconnected' line:"$'\n'"$(cat "$out")"
	echo "outside launch-to-connected $(bc_ms "$t0" "$t_up")" >>"$out"
}

bc_ms() { python3 -c "import sys; print('%.3f' % ((float(sys.argv[2]) - float(sys.argv[1])) * 1e3))" "$@"; }

for i in $(seq "$BENCH_N"); do
	bench_one "$LAB_DIR/run-$i.txt"
	lab_log "run $i: $(grep '^connected:' "$LAB_DIR/run-$i.txt")"
done
dh=
if [[ -x $BENCH_DH ]]; then
	dh=$("$BENCH_DH" | awk '$1 == "modp2048" && $3 == "ms" {print $2}')
fi

python3 - "$BENCH_N" "$LAB_DIR" "$dh" <<'EOF'
import statistics, sys

n, d, dh = int(sys.argv[1]), sys.argv[2], sys.argv[3]
CONNECT = ["setup", "ike-phase1", "ike-phase2", "l2tp-tunnel", "l2tp-session", "ppp-lcp",
           "ppp-auth", "ppp-ipcp"]
rows = {}  # name -> list of (wall, cpu) per run


def add(name, wall, cpu):
    rows.setdefault(name, []).append((wall, cpu))


rss, outside, suites = [], [], set()
for i in range(1, n + 1):
    marks = []  # (state, wall, cpu, maxrss)
    for line in open(f"{d}/run-{i}.txt"):
        f = line.split()
        if line.startswith("timing: "):
            marks.append((f[1], float(f[3]), float(f[6]), int(f[9])))
        elif line.startswith("outside "):
            outside.append(float(f[2]))
        elif line.startswith("IKE phase 2 up: "):
            suites.add(f[4].rstrip(","))
    names = [m[0] for m in marks]
    up, disc = names.index("up"), names.index("disconnecting")
    # a stage runs from the line announcing it to the next line
    for k in range(up):
        add("setup" if marks[k][0] == "start" else marks[k][0],
            marks[k + 1][1] - marks[k][1], marks[k + 1][2] - marks[k][2])
    add("exec+load", None, marks[0][2])
    add("total to up", marks[up][1], marks[up][2])
    add("disconnect", marks[-1][1] - marks[disc][1], marks[-1][2] - marks[disc][2])
    add("whole session", marks[-1][1], marks[-1][2])
    rss.append(marks[-1][3])


def stat(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "-"
    return "%.2f [%.2f..%.2f]" % (statistics.median(xs), min(xs), max(xs))


print(f"\nconnect benchmark against SoftEther: {n} runs, ESP {', '.join(sorted(suites))}")
print("milliseconds, median [min..max]; waiting = wall - client CPU")
print(f"{'stage':<15} {'wall':>26} {'client CPU':>22} {'waiting':>26}")
for name in ["exec+load"] + CONNECT + ["total to up", "disconnect", "whole session"]:
    v = rows.get(name, [])
    walls = [w for w, _ in v]
    cpus = [c for _, c in v]
    waits = [None if w is None else w - c for w, c in v]
    print(f"{name:<15} {stat(walls):>26} {stat(cpus):>22} {stat(waits):>26}")
print(f"{'outside view':<15} {stat(outside):>26}   (launch to the 'connected' line, "
      "incl. exec and netns entry)")
cpu_up = statistics.median(c for _, c in rows["total to up"])
print(f"\nclient CPU per connect (exec to interface up): median {cpu_up:.2f} ms (target <= 5 ms)")
print(f"peak RSS, whole session: median {statistics.median(rss):.0f} kB, max {max(rss)} kB "
      "(target <= 8192 kB)")
if dh:
    print(f"MODP-2048 DH (bench-dh, new + shared): {float(dh):.2f} ms CPU = "
          f"{100 * float(dh) / cpu_up:.0f} % of the connect's CPU")
EOF
echo "PASS: connect benchmark ($BENCH_N runs)"
