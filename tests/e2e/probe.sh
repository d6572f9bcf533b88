#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# (a) probe: phase 1 + 2 with the default offer; --json shows SoftEther's accepted set
# (every MODP group accepted, ECP 19/20 rejected; softether.md "IKE phase 1").
set -euo pipefail
here=$(dirname "$0")
. "$here/lib/softether.sh"
. "$here/lib/client.sh"
lab_trap
lab_require
client_require
lab_up

profile=$LAB_DIR/lab.conf
lab_write_profile "$profile"

client_run "$LAB_CLI_NS" 60 "$LAB_DIR/probe.txt" probe --config "$profile"
((CLIENT_RC == 0)) || {
	lab_wedge_check
	lab_die "probe with the default offer exited $CLIENT_RC (want 0):"$'\n'"$(client_output "$LAB_DIR/probe.txt")"
}

client_run "$LAB_CLI_NS" 120 "$LAB_DIR/probe.json" probe --config "$profile" --json
((CLIENT_RC == 0)) || lab_die "probe --json exited $CLIENT_RC:"$'\n'"$(client_output "$LAB_DIR/probe.json")"
client_json_check "$LAB_DIR/probe.json" \
	"j['result'] == 'ok'" \
	"j['gateway'] == '$LAB_SRV_IP'" \
	"len(j['transforms']) > 0" \
	"all(t['result'] == 'accepted' for t in j['transforms'] if '-modp' in t['suite'])" \
	"all(t['result'] == 'rejected' for t in j['transforms'] if t['suite'].endswith(('-ecp256', '-ecp384')))" \
	"any('-modp' in t['suite'] for t in j['transforms'])" \
	"any(t['suite'].endswith('-ecp256') for t in j['transforms'])" \
	"any(t['suite'].endswith('-ecp384') for t in j['transforms'])" \
	"j['phase1']['suite'].split('-')[-1].startswith('modp')" \
	"j['phase1']['nat_t'] not in (False, None, 0, '', 'none')" \
	"int(j['phase1']['lifetime']) > 0" \
	"int(j['phase2']['lifetime']) > 0" \
	"j['phase2']['spi_in'] not in (0, None, '') and j['phase2']['spi_out'] not in (0, None, '')" \
	"j['phase2']['spi_in'] != j['phase2']['spi_out']"

# The server must still answer: a probe leaves no half-open state behind that blocks it.
lab_wedge_check
echo "PASS: probe ($(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["transforms"]))' "$LAB_DIR/probe.json") transforms)"
