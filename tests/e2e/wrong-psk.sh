#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# (b) wrong PSK: the server re-sends MM4 instead of MM6 (softether.md); the client must say
# "pre-shared key" within 30 s and exit non-zero, for probe and for connect.
set -euo pipefail
here=$(dirname "$0")
. "$here/lib/softether.sh"
. "$here/lib/client.sh"
lab_trap
lab_require
client_require
lab_up

profile=$LAB_DIR/bad-psk.conf
lab_write_profile "$profile" ipsec-psk=not-the-lab-psk
client_snapshot "$LAB_CLI_NS" "$LAB_DIR/before"

for cmd in probe connect; do
	args=("$cmd" --config "$profile")
	[[ $cmd == connect ]] && args+=(--ifname "$CLIENT_IFNAME" --data-path "$E2E_DATA_PATH")
	t0=$(lab_ms)
	client_run "$LAB_CLI_NS" 30 "$LAB_DIR/$cmd.txt" "${args[@]}"
	((CLIENT_RC != 0)) || lab_die "$cmd with a wrong PSK exited 0:"$'\n'"$(client_output "$LAB_DIR/$cmd.txt")"
	grep -qi 'pre-shared key' "$LAB_DIR/$cmd.txt" "$LAB_DIR/$cmd.txt.err" ||
		lab_die "$cmd: no 'pre-shared key' in the failure message:"$'\n'"$(client_output "$LAB_DIR/$cmd.txt")"
	lab_log "$cmd failed as expected in $(($(lab_ms) - t0)) ms: $(grep -hi -m 1 'pre-shared key' "$LAB_DIR/$cmd.txt" "$LAB_DIR/$cmd.txt.err" | head -n 1)"
	client_assert_no_trace "$LAB_CLI_NS" "$LAB_DIR/before"
done

client_run "$LAB_CLI_NS" 30 "$LAB_DIR/probe.json" probe --config "$profile" --json
((CLIENT_RC != 0)) || lab_die "probe --json with a wrong PSK exited 0"
client_json_check "$LAB_DIR/probe.json" "j['result'] == 'failed'" \
	"'pre-shared key' in j['error'].lower()"

lab_wedge_check
echo "PASS: wrong PSK reported"
