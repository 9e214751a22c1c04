#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A device that fails by itself: only a fault the run switched on may excuse
# a loss. poof vm creates dm-flakey under btrfs with its fault off (--fault
# drop-writes --fault-after 1h), and a guest hook switches it to error_writes
# two seconds into the writes, without telling poof, and writes back what the
# writers (no fsync of their own) were acknowledged. btrfs logs errors and
# turns read-only, the writers stop with EROFS long before the duration:
#   - the verdict is FAIL, with KERNEL listed (the filesystem gave up), exit 1;
#   - the lost-reported blocks are not excused, and the summary says why;
#   - the summary names when the writers stopped, how many, and the errno.
# This is what a user sees when writeback allocations fail and btrfs aborts.
. "$(dirname "$0")/lib.sh"
command -v dmsetup >/dev/null || skip "dmsetup missing: apt-get install dmsetup"

cat >"$tmp/hook.sh" <<'HOOK'
for i in $(seq 100); do pidof poof-w0 >/dev/null && break; sleep 0.2; done
sleep 2
sectors=$(blockdev --getsz /dev/vda)
dmsetup suspend --nolockfs poof-flakey &&
	dmsetup load poof-flakey --table "0 $sectors flakey /dev/vda 0 0 3600 1 error_writes" &&
	dmsetup resume poof-flakey && echo "error_writes on at $(cut -d' ' -f1 /proc/uptime)s"
# Write back what the writers were acknowledged: it fails, and btrfs gives up.
sync
echo "sync returned at $(cut -d' ' -f1 /proc/uptime)s"
HOOK

r=$tmp/unchosen.json
vm_run unchosen --fs btrfs --fault drop-writes --fault-after 1h --guest-hook "$tmp/hook.sh" -- \
	stress -o cgroup=none --profile smoke -o fsync=none -o duration=20s --json "$r"
sed 's/^/   hook: /' "$tmp/unchosen/hook.log"
grep -q "^error_writes on" "$tmp/unchosen/hook.log" || fail "the hook did not switch the fault on"
assert_eq "exit code" 1 "$rc"
assert_eq verdict FAIL "$(json "$r" verdict)"
assert_eq verdicts "FAIL KERNEL" "$(json "$r" 'verdicts.*' | xargs)"
classes "$r"
assert_gt lost-reported 0 "$lost_reported"
assert_eq "reported losses excused" false "$(json "$r" verify.reported_excused)"
assert_eq "a fault of the run" false "$(json "$r" device_fault.deliberate)"
assert_contains "summary" "lost-reported $lost_reported: not excused" "$tmp/unchosen.out"
assert_contains "summary headline" "FAIL (exit 1), also KERNEL" "$tmp/unchosen.out"
assert_gt "btrfs error lines" 0 "$(json "$r" kernel.fs.lines)"
assert_eq "btrfs turned read-only" true "$(json "$r" kernel.fs.shut_down)"
assert_contains "summary" "KERNEL: the filesystem under test (on dm-0) gave up" "$tmp/unchosen.out"

# The run was cut short: when, how many, which errno.
getv stopped "$r" write_phase.stopped_by_errors.writers
assert_eq "writers stopped by errors" 2 "$stopped"
getv first "$r" write_phase.stopped_by_errors.first_s
awk -v t="$first" 'BEGIN { exit !(t > 0 && t < 15) }' || fail "stopped at ${first}s, expected well before 20s"
getv erofs "$r" write_phase.stopped_by_errors.errors.EROFS
assert_eq "writers stopped with EROFS" 2 "$erofs"
assert_eq "cut off" true "$(json "$r" write_phase.cut_off)"
# "at 2.6s" when both stopped within the same tenth of a second, else "from 2.6s to 2.7s".
grep -qE "2 of 2 writers stopped by errors (at|from [0-9.]+s to) [0-9.]+s of " "$tmp/unchosen.out" ||
	fail "summary: no '2 of 2 writers stopped by errors at|from ...' in: $(cat "$tmp/unchosen.out")"
info "ok: the summary names when the 2 writers stopped"
assert_contains "summary" "of the 20.0s run: EROFS 2 (the filesystem went read-only)" "$tmp/unchosen.out"
echo "ok: a fault poof did not choose fails the run, KERNEL listed, the early stop named"

# The same fault chosen by poof vm excuses the reported losses (strict-errors fails them).
vm_run chosen --fs btrfs --fault error-writes -- stress -o cgroup=none --profile smoke \
	-o duration=3s --json "$tmp/chosen.json"
assert_eq "exit code with the fault chosen" 0 "$rc"
assert_eq "reported losses excused" true "$(json "$tmp/chosen.json" verify.reported_excused)"
assert_eq "verdicts" "[]" "$(json "$tmp/chosen.json" verdicts)"
assert_eq "btrfs lines explained by the fault" true "$(json "$tmp/chosen.json" kernel.fs.explained_by_fault)"
vm_run chosen-strict --fs btrfs --fault error-writes -- stress -o cgroup=none --profile smoke \
	-o duration=3s -o strict-errors=yes --json "$tmp/chosen-strict.json"
assert_eq "exit code with the fault chosen, strict-errors" 1 "$rc"
echo "ok: the fault poof chose excuses, unless strict-errors"
