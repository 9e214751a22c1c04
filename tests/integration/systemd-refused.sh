#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# -o cgroup=systemd where PID 1 is not systemd (this project's build hosts):
# exit 69 before anything is made, with a message that says why and names
# the fix (-o cgroup=auto), and no run directory, data directory or cgroup
# left. With a profile that has no containers it is not refused but warned
# about. The systemd manager itself runs in the VM tier (tests/vm/systemd.sh).

. "$(dirname "$0")/lib.sh"

require_root "so that the refusal is about systemd, not about privileges"
[ -d /run/systemd/system ] && skip "PID 1 is systemd here: tests/vm/systemd.sh covers it"

# Every poof-* cgroup below the cgroups this process is in, in every hierarchy.
poof_cgroups()
{
	local line path mount

	while IFS= read -r line; do
		path=${line#*:*:}
		for mount in $(findmnt -n -t cgroup,cgroup2 -o TARGET); do
			[ -d "$mount$path" ] && find "$mount$path" -maxdepth 2 -name 'poof-*' 2>/dev/null
		done
	done </proc/self/cgroup | sort -u
}

# The cgroups that are new since $before: the test runs alone (not parallel
# in meson), and one that another run removed meanwhile is not this run's.
new_cgroups()
{
	comm -13 <(printf '%s\n' "$before") <(poof_cgroups)
}

before=$(poof_cgroups)
mkdir "$WORK/target"
run_rc rc "$POOF" stress --profile tight-container -o cgroup=systemd -o duration=5s \
	--dir "$WORK/target" --run-dir "$WORK/run" >"$WORK/out" 2>"$WORK/err"
cat "$WORK/err" >&2
assert_eq "exit code" 69 "$rc"
assert_contains "the reason" "PID 1 is not systemd" "$WORK/err"
assert_contains "the fix" "Fix: use -o cgroup=auto" "$WORK/err"
[ ! -e "$WORK/run" ] || fail "the run directory $WORK/run was created"
[ -z "$(ls -A "$WORK/target")" ] || fail "the target got files: $(ls -A "$WORK/target")"
assert_eq "new poof cgroups" "" "$(new_cgroups)"
info "ok: refused with exit 69 and the fix, nothing made"

# A profile without containers places nothing in a cgroup: an explicit
# manager is then not refused, but the run says that nothing is contained.
run_rc rc "$POOF" stress --profile smoke -o cgroup=systemd -o duration=1s -q \
	--dir "$WORK/target" --run-dir "$WORK/smoke" >"$WORK/out" 2>"$WORK/err"
cat "$WORK/err" >&2
assert_eq "exit code without containers" 0 "$rc"
assert_contains "the warning" "profile smoke has no [container] or [hog] section" "$WORK/err"
assert_eq "new poof cgroups after the uncontained run" "" "$(new_cgroups)"
