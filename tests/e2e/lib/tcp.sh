# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# An exact TCP transfer check: a sink in one namespace hashes what it receives; a sender in
# another sends a random file; the SHA-256 and byte counts must match.
#   tcp_sink_start NS IP PORT OUTFILE   (returns when listening; OUTFILE gets "<sha256> <bytes>")
#   tcp_send NS IP PORT FILE SECONDS    (returns when the sink has closed the connection)
#   tcp_transfer_check SRC_NS DST_NS IP PORT MBYTES SECONDS
# The other way round (a download): a source sends MBYTES of random bytes to whoever connects.
#   tcp_source_start NS IP PORT MBYTES OUTFILE  (returns when listening; OUTFILE gets
#                                               "<sha256> <bytes>" of what it sent)
#   tcp_fetch NS IP PORT SECONDS                (prints "<sha256> <bytes>" of what it received)
#   tcp_download_check SRC_NS DST_NS IP PORT MBYTES SECONDS  (DST_NS fetches from SRC_NS)

tcp_sink_start() {
	local ns=$1 ip=$2 port=$3 out=$4
	ip netns exec "$ns" python3 - "$ip" "$port" "$out" <<-'EOF' &
		import hashlib, socket, sys
		ip, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
		s = socket.socket()
		s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		s.bind((ip, port))
		s.listen(1)
		s.settimeout(300)
		c, peer = s.accept()
		h, n = hashlib.sha256(), 0
		while True:
		    b = c.recv(1 << 16)
		    if not b:
		        break
		    h.update(b)
		    n += len(b)
		c.close()
		open(out, "w").write(f"{h.hexdigest()} {n} {peer[0]}\n")
	EOF
	TCP_SINK_PID=$!
	lab_on_cleanup "kill $TCP_SINK_PID 2>/dev/null; wait $TCP_SINK_PID 2>/dev/null; true"
	lab_wait_for 10 "TCP sink on $ip:$port" tcp_listening "$ns" "$port" ||
		lab_die "TCP sink did not start in $ns"
}

tcp_source_start() {
	local ns=$1 ip=$2 port=$3 mb=$4 out=$5
	ip netns exec "$ns" python3 - "$ip" "$port" "$mb" "$out" <<-'EOF' &
		import hashlib, os, socket, sys
		ip, port, mb, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
		s = socket.socket()
		s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		s.bind((ip, port))
		s.listen(1)
		s.settimeout(300)
		c, _ = s.accept()
		h = hashlib.sha256()
		for _ in range(mb):
		    chunk = os.urandom(1 << 20)
		    h.update(chunk)
		    c.sendall(chunk)
		c.close()
		open(out, "w").write(f"{h.hexdigest()} {mb << 20}\n")
	EOF
	TCP_SOURCE_PID=$!
	lab_on_cleanup "kill $TCP_SOURCE_PID 2>/dev/null; wait $TCP_SOURCE_PID 2>/dev/null; true"
	lab_wait_for 10 "TCP source on $ip:$port" tcp_listening "$ns" "$port" ||
		lab_die "TCP source did not start in $ns"
}

tcp_fetch() {
	local ns=$1 ip=$2 port=$3 secs=$4
	ip netns exec "$ns" timeout "$secs" python3 - "$ip" "$port" <<-'EOF'
		import hashlib, socket, sys
		c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
		h, n = hashlib.sha256(), 0
		while True:
		    b = c.recv(1 << 16)
		    if not b:
		        break
		    h.update(b)
		    n += len(b)
		print(h.hexdigest(), n)
	EOF
}

tcp_listening() { [[ -n $(ip netns exec "$1" ss -Hlnt "sport = :$2") ]]; }

tcp_send() {
	local ns=$1 ip=$2 port=$3 file=$4 secs=$5
	ip netns exec "$ns" timeout "$secs" python3 - "$ip" "$port" "$file" <<-'EOF'
		import socket, sys
		ip, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
		c = socket.create_connection((ip, port), timeout=30)
		with open(path, "rb") as f:
		    c.sendfile(f)
		c.shutdown(socket.SHUT_WR)
		while c.recv(4096):
		    pass
	EOF
}

tcp_transfer_check() {
	local src=$1 dst=$2 ip=$3 port=$4 mb=$5 secs=$6 data=$LAB_DIR/tcp.data out=$LAB_DIR/tcp.sink
	local want got t0 ms
	head -c "$((mb * 1024 * 1024))" /dev/urandom >"$data"
	want="$(sha256sum "$data" | cut -d' ' -f1) $((mb * 1024 * 1024))"
	rm -f "$out"
	tcp_sink_start "$dst" "$ip" "$port" "$out"
	t0=$(lab_ms)
	tcp_send "$src" "$ip" "$port" "$data" "$secs" ||
		lab_die "TCP send of $mb MiB to $ip:$port failed or took over $secs s"
	lab_wait_for 10 "sink result" test -s "$out" || lab_die "TCP sink wrote no result"
	ms=$(($(lab_ms) - t0))
	wait "$TCP_SINK_PID" 2>/dev/null || true
	got=$(cut -d' ' -f1,2 "$out")
	[[ $got == "$want" ]] || lab_die "TCP transfer mismatch: sent '$want', received '$got'"
	TCP_PEER=$(cut -d' ' -f3 "$out")
	lab_log "TCP: $mb MiB to $ip:$port in $ms ms ($((mb * 8 * 1000 / (ms > 0 ? ms : 1))) Mbit/s), sha256 matches (sink saw $TCP_PEER)"
	rm -f "$data"
}

tcp_download_check() {
	local src=$1 dst=$2 ip=$3 port=$4 mb=$5 secs=$6 out=$LAB_DIR/tcp.source got t0 ms
	rm -f "$out"
	tcp_source_start "$src" "$ip" "$port" "$mb" "$out"
	t0=$(lab_ms)
	got=$(tcp_fetch "$dst" "$ip" "$port" "$secs") ||
		lab_die "TCP download of $mb MiB from $ip:$port failed or took over $secs s"
	ms=$(($(lab_ms) - t0))
	lab_wait_for 10 "source result" test -s "$out" || lab_die "TCP source wrote no result"
	wait "$TCP_SOURCE_PID" 2>/dev/null || true
	[[ $got == "$(cat "$out")" ]] ||
		lab_die "TCP download mismatch: sent '$(cat "$out")', received '$got'"
	lab_log "TCP: $mb MiB from $ip:$port in $ms ms ($((mb * 8 * 1000 / (ms > 0 ? ms : 1))) Mbit/s), sha256 matches"
}
