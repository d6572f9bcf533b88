#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# client/os-dns.c against a real systemd-resolved: Debian's package unpacked (never installed:
# its postinst would replace this machine's /etc/resolv.conf) and run in a private mount +
# network namespace with a system bus of its own, /run on a tmpfs. dns-driver (dns-driver.c)
# applies and restores; resolvectl from the same package checks what resolved holds:
#   A. resolv.conf is resolved's (stub mode), tunnel = default route: servers on the link,
#      "~." routing domain, DefaultRoute yes; restore reverts all of it
#   B. never-default: servers, no "~.", DefaultRoute no
#   C. resolv.conf not resolved's ("foreign") and no nss-resolve: the file is written instead
#   D. foreign, but nsswitch.conf uses resolve: D-Bus again
#   E. the client in another network namespace: resolved is left alone (its link 1 is not ours)
# Usage: resolved.sh DNS-DRIVER. Skips (77) without root, unshare, dbus-daemon, busctl, or the
# .deb matching the installed systemd (cached in $L2I_DEB_CACHE, default /var/tmp/l2tp-ipsec-debs;
# fetched there with `apt-get download` when missing; scripts/install-deps does the same).
set -uo pipefail
driver=${1:?usage: resolved.sh DNS-DRIVER}
skip() {
	echo "SKIP: $*"
	exit 77
}

if [[ ${2:-} != --inner ]]; then
	[[ $(id -u) == 0 ]] || skip "needs root (namespaces, a system bus of its own)"
	for t in unshare dbus-daemon busctl ip dpkg-deb dpkg-query apt-get; do
		command -v "$t" >/dev/null || skip "no $t"
	done
	ver=$(dpkg-query -W -f='${Version}' systemd 2>/dev/null) ||
		skip "systemd is not installed (systemd-resolved needs its libsystemd-shared)"
	cache=${L2I_DEB_CACHE:-/var/tmp/l2tp-ipsec-debs}
	deb=$(ls "$cache/systemd-resolved_${ver//:/%3a}_"*.deb 2>/dev/null | head -n 1)
	if [[ -z $deb ]]; then
		mkdir -p "$cache"
		(cd "$cache" && timeout 120 apt-get download -q "systemd-resolved=$ver") >/dev/null 2>&1
		deb=$(ls "$cache/systemd-resolved_${ver//:/%3a}_"*.deb 2>/dev/null | head -n 1)
		[[ -n $deb ]] ||
			skip "cannot download systemd-resolved $ver into $cache (apt-get update first)"
	fi
	work=$(mktemp -d /tmp/l2i-resolved.XXXXXX)
	trap 'rm -rf "$work"' EXIT
	dpkg-deb -x "$deb" "$work/root" || skip "cannot unpack $deb"
	echo "# systemd-resolved from $deb"
	unshare --mount --net --fork --propagation private "$BASH" "$0" "$driver" --inner "$work"
	exit $?
fi

# ---- inside the namespaces ---------------------------------------------------------------
work=$3
root=$work/root
resolvectl=$root/usr/bin/resolvectl
failed=0 passed=0
pids=()
ok() {
	passed=$((passed + 1))
	echo "ok - $*"
}
bad() {
	failed=$((failed + 1))
	echo "not ok - $*"
}
expect() { # DESCRIPTION GOT WANT
	if [[ $2 == "$3" ]]; then ok "$1"; else bad "$1: got \`$2', want \`$3'"; fi
}
wait_for() { # TENTHS CMD...
	local n=$1
	shift
	until "$@" >/dev/null 2>&1; do
		((n-- > 0)) || return 1
		sleep 0.1
	done
}
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT

# /run of our own (bus socket, resolved's files); /sys for this namespace's links; a user for
# resolved to drop to; no LLMNR/mDNS chatter. All bind mounts vanish with the namespace.
mount -t tmpfs tmpfs /run && mount -t sysfs sysfs /sys || exit 1
mkdir -p /run/dbus /run/systemd/resolved.conf.d /run/test "$work/state"
id=$(awk -F: 'BEGIN { u = 999 } { used[$3] = 1 } END { while (used[u]) u--; print u }' /etc/passwd)
{ cat /etc/passwd; echo "systemd-resolve:x:$id:$id::/:/usr/sbin/nologin"; } >/run/test/passwd
{ cat /etc/group; echo "systemd-resolve:x:$id:"; } >/run/test/group
mount --bind /run/test/passwd /etc/passwd && mount --bind /run/test/group /etc/group || exit 1
printf 'hosts: files dns\n' >/run/test/nss-dns
printf 'hosts: files resolve [!UNAVAIL=return] dns\n' >/run/test/nss-resolve
mount --bind /run/test/nss-dns /etc/nsswitch.conf || exit 1
printf '[Resolve]\nLLMNR=no\nMulticastDNS=no\n' >/run/systemd/resolved.conf.d/test.conf

# the "tunnel": one end of a veth pair, up, with an address (resolved uses only such links)
ip link set lo up
ip link add l2i-r0 type veth peer name l2i-r1
ip addr add 192.168.30.10/24 dev l2i-r0
ip link set l2i-r0 up && ip link set l2i-r1 up

cat >"$work/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <auth>EXTERNAL</auth>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
  <includedir>$root/usr/share/dbus-1/system.d</includedir>
</busconfig>
EOF
dbus-daemon --config-file="$work/bus.conf" --nofork --nopidfile 2>"$work/dbus.log" &
pids+=($!)
wait_for 50 test -S /run/dbus/system_bus_socket || {
	echo "Bail out! dbus-daemon did not start: $(cat "$work/dbus.log")"
	exit 1
}
"$root/lib/systemd/systemd-resolved" >"$work/resolved.log" 2>&1 &
pids+=($!)
has_owner() {
	[[ $(busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
		NameHasOwner s org.freedesktop.resolve1) == "b true" ]]
}
if ! wait_for 100 has_owner ||
	! wait_for 50 test -e /run/systemd/resolve/stub-resolv.conf; then
	echo "Bail out! systemd-resolved did not start:"
	cat "$work/resolved.log"
	exit 1
fi
mode() {
	busctl get-property org.freedesktop.resolve1 /org/freedesktop/resolve1 \
		org.freedesktop.resolve1.Manager ResolvConfMode
}
# /etc/resolv.conf as on a system that uses resolved
mount --bind /run/systemd/resolve/stub-resolv.conf /etc/resolv.conf || exit 1
expect "resolv.conf mode with resolved's stub in place" "$(mode)" 's "stub"'

idx=$(cat /sys/class/net/l2i-r0/ifindex)
link="Link $idx (l2i-r0):"
rc() { "$resolvectl" "$@" 2>&1; }

# drive NAME ARGS...: starts dns-driver; "$NAME.out" collects what it prints
drive() {
	local name=$1
	shift
	coproc DRV { "$driver" "$@" 2>&1; }
	drv_pid=$DRV_PID
	drv_in=${DRV[1]} drv_out=${DRV[0]}
}
said() { # one line from the driver
	local line=
	read -r -t 20 -u "$drv_out" line 2>/dev/null
	echo "$line"
}
step() { { echo next >&"$drv_in"; } 2>/dev/null; }
finish() {
	step
	wait "$drv_pid"
}

# ---- A: default route -------------------------------------------------------------------
drive A l2i-r0 default "$work/resolv-A" "$work/state" 192.168.30.1 192.168.30.2
expect "A: method" "$(said)" "method systemd-resolved"
expect "A: servers on the link" "$(rc dns l2i-r0)" "$link 192.168.30.1 192.168.30.2"
expect "A: \"~.\" routing domain" "$(rc domain l2i-r0)" "$link ~."
expect "A: default route" "$(rc default-route l2i-r0)" "$link yes"
if wait_for 30 sh -c "'$resolvectl' status l2i-r0 | grep -q 'Current Scopes: DNS'"; then
	ok "A: resolved uses the link for DNS"
else
	bad "A: resolved does not use the link: $(rc status l2i-r0)"
fi
[[ ! -e $work/resolv-A ]] && ok "A: no file written" || bad "A: $work/resolv-A written"
step
expect "A: restored" "$(said)" "restored"
expect "A: no servers after restore" "$(rc dns l2i-r0)" "$link"
expect "A: no domain after restore" "$(rc domain l2i-r0)" "$link"
finish

# ---- B: never-default -------------------------------------------------------------------
drive B l2i-r0 split "$work/resolv-B" "$work/state" 192.168.30.1
expect "B: method" "$(said)" "method systemd-resolved"
expect "B: servers on the link" "$(rc dns l2i-r0)" "$link 192.168.30.1"
expect "B: no routing domain" "$(rc domain l2i-r0)" "$link"
expect "B: not the default route" "$(rc default-route l2i-r0)" "$link no"
step
expect "B: restored" "$(said)" "restored"
expect "B: no servers after restore" "$(rc dns l2i-r0)" "$link"
finish

# ---- C: foreign resolv.conf, nss without resolve -------------------------------------------
printf 'nameserver 10.0.0.53\n' >/run/test/resolv.conf
mount --bind /run/test/resolv.conf /etc/resolv.conf || exit 1
expect "C: resolv.conf mode" "$(mode)" 's "foreign"'
cp /run/test/resolv.conf "$work/resolv-C"
drive C l2i-r0 default "$work/resolv-C" "$work/state" 192.168.30.1
expect "C: method" "$(said)" "method $work/resolv-C"
expect "C: why" "$(said)" "note /etc/resolv.conf is not systemd-resolved's (mode foreign) and \
nsswitch.conf does not use it"
expect "C: the file has our server" "$(grep -v '^#' "$work/resolv-C")" "nameserver 192.168.30.1"
expect "C: resolved untouched" "$(rc dns l2i-r0)" "$link"
step
expect "C: restored" "$(said)" "restored"
expect "C: the file is back" "$(cat "$work/resolv-C")" "nameserver 10.0.0.53"
finish

# ---- D: foreign resolv.conf, nss-resolve ---------------------------------------------------
mount --bind /run/test/nss-resolve /etc/nsswitch.conf || exit 1
drive D l2i-r0 default "$work/resolv-D" "$work/state" 192.168.30.1
expect "D: method" "$(said)" "method systemd-resolved"
expect "D: servers on the link" "$(rc dns l2i-r0)" "$link 192.168.30.1"
step
expect "D: restored" "$(said)" "restored"
expect "D: no servers after restore" "$(rc dns l2i-r0)" "$link"
finish
umount /etc/resolv.conf # back to the stub
umount /etc/nsswitch.conf

# ---- E: the client in another network namespace --------------------------------------------
# Its veth pair gets indexes 2 and 3 there, like l2i-r1 and l2i-r0 here: without the namespace
# check resolved would configure one of ours.
expect "E: resolv.conf mode" "$(mode)" 's "stub"'
printf 'nameserver 10.0.0.53\n' >"$work/resolv-E"
coproc DRV {
	unshare --net sh -c 'ip link add e0 type veth peer name e1 && ip link set e0 up &&
		exec "$@"' sh "$driver" e0 default "$work/resolv-E" "$work/state" 192.168.30.1 2>&1
}
drv_pid=$DRV_PID drv_in=${DRV[1]} drv_out=${DRV[0]}
expect "E: method" "$(said)" "method $work/resolv-E"
expect "E: why" "$(said)" "note systemd-resolved runs in another network namespace"
expect "E: resolved's links untouched" "$(rc dns l2i-r0; rc dns l2i-r1)" \
	"$link"$'\n'"Link $(cat /sys/class/net/l2i-r1/ifindex) (l2i-r1):"
step
expect "E: restored" "$(said)" "restored"
finish

echo "1..$((passed + failed))"
if ((failed)); then
	echo "# resolved log:"
	sed 's/^/#   /' "$work/resolved.log" | tail -n 40
fi
echo "# $passed passed, $failed failed"
((failed == 0))
