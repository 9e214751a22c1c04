# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the VM tier: skip (77) with the reason when something is missing,
# a scratch directory removed on exit, and `vm_run` to call poof vm.

set -uo pipefail

: "${POOF:?POOF must name the poof binary}"

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*"
	exit 1
}

[ "$(id -u)" -eq 0 ] || skip "poof vm tests need root (they write /var/cache/poof)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 missing: apt-get install qemu-system-x86"
command -v busybox >/dev/null || skip "busybox missing: apt-get install busybox-static"
[ -x "${POOF_JSON:-}" ] || fail "POOF_JSON must name tests/helpers/poof-json (meson test sets it)"

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

# jv FILE PATH: a report value read with json-c (tests/helpers/poof-json;
# --sum and --count go first, as there).
jv() {
	"$POOF_JSON" "$@" || fail "no value at ${*: -1} in ${*: -2:1}"
}

# expect NAME EXPECTED ACTUAL, expect_ge NAME MIN ACTUAL: print and check.
expect() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
	echo "   ok: $1 = $3"
}

expect_ge() {
	[ "$3" -ge "$2" ] 2>/dev/null || fail "$1: expected at least $2, got '$3'"
	echo "   ok: $1 = $3 (>= $2)"
}

# expect_gt NAME MIN ACTUAL: more than MIN, for numbers with a fraction too.
expect_gt() {
	awk -v a="$3" -v m="$2" 'BEGIN { exit !(a ~ /^[0-9.eE+-]+$/ && a + 0 > m + 0) }' ||
		fail "$1: expected more than $2, got '$3'"
	echo "   ok: $1 = $3 (> $2)"
}

# getv VAR [--sum|--count] FILE PATH: the value into VAR, in this shell, so
# that a missing value fails the test here (a $(jv ...) inside $((...)) would
# quietly count as nothing).
getv() {
	local __v

	__v=$("$POOF_JSON" "${@:2}") || fail "no value at ${*: -1} in ${*: -2:1}"
	printf -v "$1" '%s' "$__v"
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

# nothing_left NAME: the guest listed no cgroup and no process of poof after it exited.
nothing_left() {
	local d=$tmp/$1
	[ -f "$d/cgroups-left.txt" ] || fail "the guest did not list its cgroups ($d)"
	[ ! -s "$d/cgroups-left.txt" ] || fail "cgroups left behind: $(cat "$d/cgroups-left.txt")"
	[ ! -s "$d/processes-left.txt" ] || fail "processes left behind: $(cat "$d/processes-left.txt")"
	echo "   ok: no cgroup and no process of the run left in the guest"
}
