#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Bad input is refused before anything is created: an unknown key, a bad
# size, a bad fsync policy, an unknown profile, a profile file with an
# error at a known line, a directory or an empty file as the profile, and a
# malformed or missing fault log each exit 64 with a message naming the key
# (and the file and line), create no run directory and leave nothing in the
# --dir target. A --dir on tmpfs (no writeback: nothing to lose, nothing to
# verify) exits 69 with "tmpfs" and the fix in the message, also before
# anything is created.

. "$(dirname "$0")/lib.sh"

require_root "to mount a tmpfs"

target=$WORK/target
mkdir "$target"
echo "the user's file" >"$target/keep-me"
n=0

# refused CODE WANT ARGS...: poof stress ARGS exits CODE, says WANT on stderr,
# creates no run directory and nothing in the target.
refused()
{
	local code=$1 want=$2 run before after

	shift 2
	n=$((n + 1))
	run=$WORK/run-$n
	before=$(ls -A "$target")
	run_rc rc "$POOF" stress --run-dir "$run" "$@" 2>"$WORK/err-$n" >"$WORK/out-$n"
	cat "$WORK/err-$n" >&2
	assert_eq "case $n ($*): exit code" "$code" "$rc"
	assert_contains "case $n: message" "$want" "$WORK/err-$n"
	[ ! -e "$run" ] || fail "case $n ($*): the run directory $run was created"
	after=$(ls -A "$target")
	assert_eq "case $n: entries in the target" "$before" "$after"
}

refused 64 '"bogus"' --profile smoke --dir "$target" -o bogus=1
refused 64 'file-size' --profile smoke --dir "$target" -o file-size=banana
refused 64 'banana' --profile smoke --dir "$target" -o file-size=banana
refused 64 'fsync' --profile smoke --dir "$target" -o fsync=sometimes
refused 64 'sometimes' --profile smoke --dir "$target" -o fsync=sometimes
refused 64 'no-such-profile' --profile no-such-profile --dir "$target"
# Without --dir too: the scratch filesystem is not made either.
refused 64 'fsync' --profile smoke -o fsync=sometimes
! losetup -n -l -O BACK-FILE | grep -qF "$WORK/" || fail "a loop device was set up"

cat >"$WORK/bad.ini" <<'INI'
# A profile with a bad value on line 7.
[run]
duration = 2s

[writer main]
files = 1
writers = lots
INI
refused 64 "$WORK/bad.ini:7" --profile "$WORK/bad.ini" --dir "$target"
assert_contains "bad.ini: key" writers "$WORK/err-$n"

cat >"$WORK/unknown.ini" <<'INI'
[run]
duration = 2s
frobnicate = 3
INI
refused 64 "$WORK/unknown.ini:3" --profile "$WORK/unknown.ini" --dir "$target"
assert_contains "unknown.ini: key" frobnicate "$WORK/err-$n"

# A directory, an empty file, or one of comments only, as --profile: not the
# defaults run silently, but exit 64 naming the path and what is wrong.
mkdir "$WORK/profile-dir"
refused 64 "$WORK/profile-dir: is a directory, not a profile file" \
	--profile "$WORK/profile-dir" --dir "$target"
: >"$WORK/empty.ini"
refused 64 "$WORK/empty.ini: the profile is empty" --profile "$WORK/empty.ini" --dir "$target"
printf '# a profile to write later\n\n' >"$WORK/comments.ini"
refused 64 "$WORK/comments.ini: the profile is empty" --profile "$WORK/comments.ini" \
	--dir "$target"

# A fault log that is not one (its line named), or that does not exist.
printf '1.5 on error-writes\n2.5 off flip-bits\n' >"$WORK/faults"
refused 64 "--fault-log $WORK/faults, line 2" --profile smoke --dir "$target" \
	--fault-log "$WORK/faults"
assert_contains "fault log: what is accepted" "drop-writes, error-writes or suspend" "$WORK/err-$n"
refused 64 "$WORK/no-faults" --profile smoke --dir "$target" --fault-log "$WORK/no-faults"

# A --run-dir that already exists, or whose parent does not: the user's to fix.
mkdir "$WORK/run-exists"
run_rc rc "$POOF" stress --profile smoke --dir "$target" --run-dir "$WORK/run-exists" \
	2>"$WORK/err-exists"
assert_eq "existing --run-dir: exit code" 64 "$rc"
assert_contains "existing --run-dir: message" "does not exist yet" "$WORK/err-exists"
run_rc rc "$POOF" stress --profile smoke --dir "$target" --run-dir "$WORK/no-parent/x/y" \
	2>"$WORK/err-noparent"
assert_eq "--run-dir without a parent: exit code" 64 "$rc"
assert_eq "entries in the target" "$(ls -A "$target")" "keep-me"

mkdir "$WORK/tmpfs"
mount -t tmpfs -o size=16m tmpfs "$WORK/tmpfs" || skip "cannot mount a tmpfs"
target=$WORK/tmpfs
refused 69 tmpfs --profile smoke --dir "$target"
assert_contains "tmpfs: the fix" "Fix" "$WORK/err-$n"
