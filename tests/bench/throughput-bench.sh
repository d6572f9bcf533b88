#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Data path CPU cost against SoftEther (tests/e2e/lib/softether.sh starts the lab; needs root).
#
# SoftEther is a user-mode server on the same cores: it, not the client, limits the rate. So
# we measure what the client spends: its CPU time (all threads, /proc/PID/task/*/schedstat,
# ns) across a TCP upload and a download of BENCH_MB MiB each through the tunnel, per Gbit
# of payload and per packet, and the single-core rate that implies. That is set against the
# ESP crypto ceiling of the same suite from bench-esp in the same run (thread CPU time too).
# The profile proposes only aes128-sha1 (AES-CBC + HMAC-SHA1), the suite bench-esp measures.
#
#   sudo tests/bench/throughput-bench.sh            # build/ by default
#   sudo L2TP_IPSEC=build-x/client/l2tp-ipsec BENCH_MB=64 tests/bench/throughput-bench.sh
#   sudo BENCH_PERF=/tmp/tp tests/bench/throughput-bench.sh  # also perf record each transfer
#                                          # into /tmp/tp.upload.data and /tmp/tp.download.data
#   sudo BENCH_TRACE=/tmp/tp ...           # or count its syscalls (perf trace -s) instead
#   sudo BENCH_SERVER_RX=thread ...        # the server's receive path off the client's CPU
#                                          # (threaded NAPI on its veth; needs ethtool)
#
# Also `meson test -C build --benchmark throughput`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${LAB_PREFIX:=btp}"
: "${BENCH_MB:=64}"
: "${BENCH_ESP_SUITE:=aes128-sha1}"
: "${BENCH_SERVER_RX:=inline}"
. "$here/../e2e/lib/softether.sh"
. "$here/../e2e/lib/client.sh"
. "$here/../e2e/lib/tcp.sh"
: "${BENCH_ESP:=$(dirname "$L2TP_IPSEC")/../tests/bench/bench-esp}"
[[ $BENCH_MB =~ ^[1-9][0-9]*$ ]] || lab_die "BENCH_MB must be a positive number, not '$BENCH_MB'"
[[ -x $BENCH_ESP ]] || lab_die "bench-esp not found at $BENCH_ESP (set BENCH_ESP)"

lab_trap
lab_require
client_require
lab_up
case $BENCH_SERVER_RX in
inline) ;;
thread)
	# The server's receive path in a kernel thread of its own, as on another machine: inline, a
	# veth runs the receiver's stack in the sender's context, and SoftEther's UDP receive counts
	# as client CPU. A veth takes the (threaded) NAPI path for a local sender's UDP only with
	# GRO and UDP GRO forwarding on the receiving end. Our UDP GSO is still cut on our side, as
	# by a NIC without UDP segmentation offload (the costlier case).
	command -v ethtool >/dev/null || lab_die "BENCH_SERVER_RX=thread needs ethtool (apt install ethtool)"
	lab_srv ethtool -K "$LAB_SRV_IF" gro on rx-udp-gro-forwarding on >/dev/null
	lab_srv sh -c "echo 1 >/sys/class/net/$LAB_SRV_IF/threaded"
	lab_cli ethtool -K "$LAB_CLI_IF" tx-udp-segmentation off >/dev/null
	;;
*) lab_die "BENCH_SERVER_RX must be inline or thread, not '$BENCH_SERVER_RX'" ;;
esac
profile=$LAB_DIR/lab.conf
lab_write_profile "$profile" "ipsec-esp=$BENCH_ESP_SUITE"
out=$LAB_DIR/connect.txt

# The client, forked by setsid so that its CPU clock is its own; wait for "connected".
client_args connect --config "$profile" --ifname "$CLIENT_IFNAME" --data-path "$E2E_DATA_PATH"
coproc BENCH_CLIENT {
	ip netns exec "$LAB_CLI_NS" setsid -f -w "$L2TP_IPSEC" "${CLIENT_ARGV[@]}" \
		2>"$out.err" </dev/null
}
launcher=$BENCH_CLIENT_PID
exec {cfd}<&"${BENCH_CLIENT[0]}"
lab_on_cleanup "exec $cfd<&-"
up=
while IFS= read -r -t 60 -u "$cfd" line; do
	printf '%s\n' "$line" >>"$out"
	if [[ $line == connected:* ]]; then
		up=1
		break
	fi
done
[[ -n $up ]] || lab_die "no 'connected' line within 60 s:"$'\n'"$(cat "$out" "$out.err")"
pid=$(pgrep -P "$launcher" -x l2tp-ipsec || pgrep -P "$(pgrep -P "$launcher" | head -n 1)" -x l2tp-ipsec)
[[ -n $pid ]] || lab_die "cannot find the client process under pid $launcher"
suite=$(sed -n 's/^IKE phase 2 up: \([^,]*\),.*/\1/p' "$out")
[[ $suite == "$BENCH_ESP_SUITE" ]] || lab_die "ESP suite is '$suite', wanted $BENCH_ESP_SUITE"
lab_log "client pid $pid, ESP $suite: $(grep '^connected:' "$out")"

cpu_ns() { # all threads of the client, ns on CPU
	cat /proc/"$pid"/task/*/schedstat | awk '{s += $1} END {print s}'
}
ticks() { # utime stime (clock ticks) of the client
	awk '{print $14, $15}' /proc/"$pid"/stat
}
switches() { # context switches of the client (all threads): voluntary ones are its wakeups
	cat /proc/"$pid"/task/*/status | awk '/_ctxt_switches:/ {s += $2} END {print s}'
}
udp_drops() { # UDP datagrams the server's namespace dropped for a full receive buffer
	lab_srv awk '/^Udp: / && $2 ~ /^[0-9]+$/ {print $6}' /proc/net/snmp
}
counters() { # bytes_in bytes_out packets_in packets_out from status --json
	client_run "$LAB_CLI_NS" 10 "$LAB_DIR/status.json" status --json
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))[0]
print(j["bytes_in"], j["bytes_out"], j["packets_in"], j["packets_out"])' "$LAB_DIR/status.json"
}

# measure NAME CMD...: CPU, ticks, counters and wall around CMD; one result line.
measure() {
	local name=$1 c0 c1 k0 k1 n0 n1 t0 t1 w0 w1 d0 d1 perf_pid=
	shift
	if [[ -n ${BENCH_TRACE:-} ]]; then # syscall counts
		perf trace -s -p "$pid" -o "$BENCH_TRACE.$name.txt" &
		perf_pid=$!
		sleep 0.5 # perf attaches
	elif [[ -n ${BENCH_PERF:-} ]]; then
		perf record -q -F 2000 -g -p "$pid" -o "$BENCH_PERF.$name.data" &
		perf_pid=$!
		sleep 0.5 # perf attaches
	fi
	n0=$(counters)
	d0=$(udp_drops)
	w0=$(switches)
	k0=$(ticks)
	c0=$(cpu_ns)
	t0=$EPOCHREALTIME
	"$@"
	t1=$EPOCHREALTIME
	c1=$(cpu_ns)
	k1=$(ticks)
	w1=$(switches)
	d1=$(udp_drops)
	n1=$(counters)
	if [[ -n $perf_pid ]]; then
		kill -INT "$perf_pid"
		wait "$perf_pid" || true
	fi
	echo "$name $c0 $c1 $k0 $k1 $n0 $n1 $t0 $t1 $w0 $w1 $d0 $d1" >>"$LAB_DIR/results"
}

upload() {
	tcp_send "$LAB_CLI_NS" "$LAB_SINK_IP" 5001 "$LAB_DIR/upload.data" 300 ||
		lab_die "upload of $BENCH_MB MiB failed or took over 300 s"
	lab_wait_for 10 "sink result" test -s "$LAB_DIR/upload.sink" || lab_die "TCP sink wrote no result"
}

download_check() {
	local got
	got=$(tcp_fetch "$LAB_CLI_NS" "$LAB_SINK_IP" 5002 300) || lab_die "download failed or took over 300 s"
	lab_wait_for 10 "source result" test -s "$LAB_DIR/download.source" ||
		lab_die "TCP source wrote no result"
	[[ $got == "$(cat "$LAB_DIR/download.source")" ]] ||
		lab_die "download: received '$got', sent '$(cat "$LAB_DIR/download.source")'"
}

: >"$LAB_DIR/results"
head -c "$((BENCH_MB << 20))" /dev/urandom >"$LAB_DIR/upload.data"
want="$(sha256sum "$LAB_DIR/upload.data" | cut -d' ' -f1) $((BENCH_MB << 20))"
tcp_sink_start "$LAB_SRV_NS" "$LAB_SINK_IP" 5001 "$LAB_DIR/upload.sink"
measure upload upload
[[ $(cut -d' ' -f1,2 "$LAB_DIR/upload.sink") == "$want" ]] ||
	lab_die "upload: the sink received '$(cat "$LAB_DIR/upload.sink")', sent '$want'"
rm -f "$LAB_DIR/upload.data"
tcp_source_start "$LAB_SRV_NS" "$LAB_SINK_IP" 5002 "$BENCH_MB" "$LAB_DIR/download.source"
measure download download_check
hwm=$(awk '/^VmHWM:/ {print $2}' /proc/"$pid"/status)

client_run "$LAB_CLI_NS" 20 "$LAB_DIR/disconnect.txt" disconnect
((CLIENT_RC == 0)) || lab_die "disconnect exited $CLIENT_RC"
while IFS= read -r -t 30 -u "$cfd" line; do printf '%s\n' "$line" >>"$out"; done
wait "$launcher" || lab_die "connect exited $?:"$'\n'"$(cat "$out" "$out.err")"

"$BENCH_ESP" >"$LAB_DIR/bench-esp.txt"

python3 - "$LAB_DIR/results" "$LAB_DIR/bench-esp.txt" "$BENCH_ESP_SUITE" "$BENCH_MB" "$hwm" \
	"$(getconf CLK_TCK)" "$BENCH_SERVER_RX" <<'EOF'
import sys

results, esp_file, suite, mb, hwm, hz, rx = sys.argv[1:8]
rx = {"inline": "inline (charged to the client)", "thread": "in a kernel thread"}[rx]
mb, hz = int(mb), int(hz)
esp = {}
raw = None
for line in open(esp_file):
    f = line.split()
    if len(f) == 5 and f[2] == "MB/s":
        esp[f[0]] = (float(f[1]), float(f[3]))
    if line.startswith("raw EVP"):
        raw = (float(f[6]), float(f[9]))
enc, dec = esp[suite]
payload_bits = mb * 8 * 1048576
print(f"\ndata path CPU against SoftEther: ESP {suite}, {mb} MiB each way over TCP, one client, "
      f"server receive path {rx}")
print(f"{'':<10} {'rate':>12} {'client CPU':>11} {'user/sys':>9} {'CPU s/Gbit':>11} "
      f"{'1 core':>12} {'packets':>16} {'us/packet':>10} {'switches':>9} {'srv drops':>9}")
ratios = {}
for line in open(results):
    f = line.split()
    name = f[0]
    c0, c1 = int(f[1]), int(f[2])
    u0, s0, u1, s1 = int(f[3]), int(f[4]), int(f[5]), int(f[6])
    bi0, bo0, pi0, po0 = map(int, f[7:11])
    bi1, bo1, pi1, po1 = map(int, f[11:15])
    t0, t1 = float(f[15]), float(f[16])
    sw = int(f[18]) - int(f[17])
    drops = int(f[20]) - int(f[19])
    cpu = (c1 - c0) / 1e9
    wall = t1 - t0
    pkts_data = (po1 - po0) if name == "upload" else (pi1 - pi0)
    pkts_all = (po1 - po0) + (pi1 - pi0)
    ut, st = u1 - u0, s1 - s0
    gbit_core = payload_bits / cpu / 1e9
    ratios[name] = gbit_core
    print(f"{name:<10} {payload_bits / wall / 1e6:8.1f} Mb/s {cpu * 1e3:8.0f} ms "
          f"{100 * ut / max(ut + st, 1):4.0f}/{100 * st / max(ut + st, 1):<3.0f} "
          f"{cpu / (payload_bits / 1e9):9.2f} s {gbit_core:7.2f} Gb/s "
          f"{pkts_data:7d}+{pkts_all - pkts_data:<7d} {cpu * 1e6 / pkts_all:8.1f} "
          f"{sw:9d} {drops:9d}")
ceil_enc, ceil_dec = enc * 8 / 1000, dec * 8 / 1000
print(f"\nbench-esp, same run (thread CPU time, 1400-byte payloads):")
print(f"  {suite} through our ESP code: encrypt {ceil_enc:.2f} Gb/s, decrypt {ceil_dec:.2f} Gb/s")
if raw and suite == "aes128-sha1":
    print(f"  raw EVP AES-128-CBC + HMAC-SHA1 (the crypto ceiling): encrypt "
          f"{raw[0] * 8 / 1000:.2f} Gb/s, decrypt {raw[1] * 8 / 1000:.2f} Gb/s")
    ceil_enc, ceil_dec = raw[0] * 8 / 1000, raw[1] * 8 / 1000
print(f"client on one core vs the ceiling: upload {100 * ratios['upload'] / ceil_enc:.0f} % "
      f"(target >= 35 %), download {100 * ratios['download'] / ceil_dec:.0f} %")
print(f"peak RSS of the client after both transfers: {hwm} kB")
print("CPU includes the client's system time (syscalls, and the local TCP stack that the TUN "
      "reads and writes run); switches: the client's context switches (mostly its wakeups); "
      "srv drops: datagrams the server's full UDP receive buffer dropped")
EOF
echo "PASS: throughput benchmark"
