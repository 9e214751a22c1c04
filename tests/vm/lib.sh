# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the VM tier: skip (77) with the reason when something is missing,
# a scratch directory removed on exit, `vm_run` to call poof vm, `classes` and
# `nothing_left`, and `systemd_scenarios` for the tests that share a boot of
# systemd; skip, fail, json, getv and the assertions come from
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
	nothing_left_in "$tmp/$1" "${2:-}"
}

# nothing_left_in DIR [systemd]: the same for the lists in DIR.
nothing_left_in() {
	local d=$1
	[ -f "$d/cgroups-left.txt" ] || fail "the guest did not list its cgroups ($d)"
	[ ! -s "$d/cgroups-left.txt" ] || fail "cgroups left behind: $(cat "$d/cgroups-left.txt")"
	[ ! -s "$d/processes-left.txt" ] || fail "processes left behind: $(cat "$d/processes-left.txt")"
	info "ok: no cgroup and no process of the run left in the guest"
	[ "${2:-}" = systemd ] || return 0
	[ -f "$d/systemd-after.txt" ] || fail "the guest recorded no systemd-after.txt"
	[ ! -s "$d/systemd-after.txt" ] || fail "poof-* units left: $(cat "$d/systemd-after.txt")"
	info "ok: systemd knows no poof-* unit afterwards"
}

# systemd_scenarios: the runs of systemd-scenarios.sh (poof under systemd as
# PID 1: the systemd, cleanup and drop scenarios) in one boot of the guest's
# systemd, shared by the tests of one `meson test` session: the first test
# boots, the others read what it left in $POOF_VM_SHARED (a directory of the
# build tree). Results of another session, or of another poof binary or
# hook, are never reused. Sets sres, the poof vm run directory (each
# scenario in sres/NAME/), and src, poof vm's exit code.
systemd_scenarios() {
	local shared=${POOF_VM_SHARED:-$tmp/shared} hook key t0

	hook=$(dirname "${BASH_SOURCE[0]}")/systemd-scenarios.sh
	key=$PPID-$(cat "$POOF" "$hook" | sha256sum | cut -c1-16)
	mkdir -p "$shared"
	exec 9>"$shared/lock"
	flock 9
	sres=$shared/$key
	if [ ! -f "$sres.rc" ]; then
		find "$shared" -mindepth 1 -maxdepth 1 ! -name lock -exec rm -rf {} +
		t0=$SECONDS
		"$POOF" vm --run-dir "$sres" --init systemd --timeout 720s --fault drop-writes \
			--fault-after 1h --guest-hook "$hook" -- cleanup --dry-run \
			>"$sres.out" 2>"$sres.err"
		echo $? >"$sres.rc"
		echo "== poof vm --init systemd (the scenarios) -> exit $(cat "$sres.rc") in" \
			"$((SECONDS - t0))s" >"$sres.log"
		cat "$sres.err" "$sres.out" | sed 's/^/   /' >>"$sres.log"
		tr -d '\r' <"$sres/console.log" 2>/dev/null | grep -a "POOF-VM: \(step\|hook\)" |
			sed 's/^/   /' >>"$sres.log"
	else
		echo "== the scenarios' boot of an earlier test of this session: $sres" >&2
	fi
	exec 9>&-
	cat "$sres.log"
	src=$(cat "$sres.rc")
	[ "$src" = 0 ] || fail "poof vm ended with exit $src (its guest ran poof cleanup --dry-run)"
}

# scenario NAME: the results of one scenario of systemd_scenarios (sets d and rc).
scenario() {
	d=$sres/$1
	[ -f "$d/rc" ] || fail "scenario $1 did not end (no $d/rc): see the console above"
	rc=$(cat "$d/rc")
	echo "== scenario $1: poof exit $rc"
	sed 's/^/   /' "$d/stderr.txt" "$d/stdout.txt" 2>/dev/null
}
