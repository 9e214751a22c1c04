# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the VM tier: skip (77) with the reason when something is missing,
# a scratch directory removed on exit, `vm_run` to call poof vm, `classes` and
# `nothing_left`; skip, fail, json, getv and the assertions come from
# ../assert.sh, shared with the integration tier.

set -uo pipefail

: "${POOF:?POOF must name the poof binary}"

. "$(dirname "${BASH_SOURCE[0]}")/../assert.sh"

[ "$(id -u)" -eq 0 ] || skip "poof vm tests need root (they write /var/cache/poof)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 missing: apt-get install qemu-system-x86"
command -v busybox >/dev/null || skip "busybox missing: apt-get install busybox-static"

# The kernel: $POOF_VM_KERNEL, else what scripts/fetch-test-kernel.sh cached.
# Never downloaded here.
if [ -z "${POOF_VM_KERNEL:-}" ]; then
	cache="${POOF_CACHE_DIR:-/var/cache/poof}/kernel"
	v=$(ls -1 "$cache" 2>/dev/null | sort -V | while read -r d; do
		[ -f "$cache/$d/.complete" ] && echo "$d"
	done | tail -n1)
	[ -n "$v" ] || skip "no test kernel in $cache: run scripts/fetch-test-kernel.sh"
	export POOF_VM_KERNEL="$cache/$v/boot/vmlinuz-$v"
	export POOF_VM_MODULES="$cache/$v/lib/modules/$v"
fi
[ -r "$POOF_VM_KERNEL" ] || skip "kernel $POOF_VM_KERNEL missing"

tmp=$(mktemp -d /var/tmp/poof-vm-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# vm_run NAME VM-OPTIONS... -- GUEST-ARGS...: output in $tmp/NAME.{out,err}, exit in $rc.
vm_run() {
	local name=$1
	shift
	local t0=$SECONDS
	"$POOF" vm --run-dir "$tmp/$name" --timeout 150s "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	echo "== poof vm $* -> exit $rc in $((SECONDS - t0))s"
	cat "$tmp/$name.err" "$tmp/$name.out" | sed 's/^/   /'
}

# classes FILE: the verdict class counts as ok, in_flight, lost_silent,
# lost_durable, lost_reported, torn, misdirected, corrupt, and blocks.
classes() {
	local c

	for c in ok in-flight lost-silent lost-durable lost-reported torn misdirected corrupt; do
		getv "${c//-/_}" "$1" "verify.classes.$c"
	done
	getv blocks "$1" verify.blocks
}

# nothing_left NAME [systemd]: the guest listed no cgroup and no process of
# poof after it exited; with systemd (--init systemd), no poof-* unit either.
nothing_left() {
	local d=$tmp/$1
	[ -f "$d/cgroups-left.txt" ] || fail "the guest did not list its cgroups ($d)"
	[ ! -s "$d/cgroups-left.txt" ] || fail "cgroups left behind: $(cat "$d/cgroups-left.txt")"
	[ ! -s "$d/processes-left.txt" ] || fail "processes left behind: $(cat "$d/processes-left.txt")"
	info "ok: no cgroup and no process of the run left in the guest"
	[ "${2:-}" = systemd ] || return 0
	[ -f "$d/systemd-after.txt" ] || fail "the guest recorded no systemd-after.txt"
	[ ! -s "$d/systemd-after.txt" ] || fail "poof-* units left: $(cat "$d/systemd-after.txt")"
	info "ok: systemd knows no poof-* unit afterwards"
}
