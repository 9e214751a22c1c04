#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A bad --html, --junit or --ktap FILE is refused before anything is
# created: in a directory that does not exist, under a path that is a file,
# or onto an existing directory, `poof stress` and `poof verify` exit 64
# with a message naming the option and what it accepts; stress creates no
# run directory and nothing in the --dir target, verify writes nothing into
# the run directory, and no FILE appears.
#
# A symlink planted at FILE is not refused: the report is written beside it
# and renamed over it (atomically), so the link is replaced, never
# followed. A real stress and verify write through such links and leave the
# files the links pointed at as they were.

. "$(dirname "$0")/lib.sh"

make_fs ext4
target=$MNT
echo "the user's file" >"$target/keep-me"
mkdir "$WORK/a-dir"
echo "a file, not a directory" >"$WORK/a-file"
n=0

bad_paths=("$WORK/missing/report" "$WORK/a-file/report" "$WORK/a-dir")
bad_words=("does not exist: give a file in an existing directory"
	"is not a directory: give a file in an existing directory"
	"is a directory: give the name of the file to write")

# refused CMD OPTION FILE WANT ARGS...: poof CMD ARGS OPTION FILE exits 64,
# says OPTION, FILE and WANT on stderr, and FILE is not made.
refused()
{
	local cmd=$1 opt=$2 file=$3 want=$4 err

	shift 4
	n=$((n + 1))
	err=$WORK/err-$n
	run_rc rc "$POOF" "$cmd" "$@" "$opt" "$file" 2>"$err" >"$WORK/out-$n"
	cat "$err" >&2
	assert_eq "case $n ($cmd $opt $file): exit code" 64 "$rc"
	assert_contains "case $n: the option" "$opt $file" "$err"
	assert_contains "case $n: what is accepted" "$want" "$err"
	[ -d "$file" ] || [ ! -e "$file" ] || fail "case $n: $file was created"
	assert_eq "case $n: entries in $WORK/a-dir" "" "$(ls -A "$WORK/a-dir")"
}

# The stress cases: no run directory, nothing new in the target.
for opt in --html --junit --ktap; do
	for i in 0 1 2; do
		before=$(ls -A "$target")
		run=$WORK/run-$opt-$i
		refused stress "$opt" "${bad_paths[$i]}" "${bad_words[$i]}" --profile smoke \
			--dir "$target" --run-dir "$run" -o duration=1s
		[ ! -e "$run" ] || fail "case $n: the run directory $run was created"
		assert_eq "case $n: entries in the target" "$before" "$(ls -A "$target")"
	done
done
info "ok: poof stress refused every bad output path and created nothing"

# A real run, its reports written through planted symlinks.
victim=$WORK/victim
mkdir "$victim"
for f in html xml ktap; do
	echo "the victim's $f" >"$victim/$f"
	ln -s "$victim/$f" "$WORK/stress.$f"
done
run=$WORK/run
run_rc rc "$POOF" stress --profile smoke --dir "$target" --run-dir "$run" -q \
	-o duration=2s -o "$KEEP_KEY=always" --html "$WORK/stress.html" \
	--junit "$WORK/stress.xml" --ktap "$WORK/stress.ktap"
assert_eq "stress through symlinks: exit code" 0 "$rc"
for f in html xml ktap; do
	[ -f "$WORK/stress.$f" ] && [ ! -L "$WORK/stress.$f" ] ||
		fail "stress.$f is not a regular file: the symlink was not replaced"
	assert_eq "the victim's $f" "the victim's $f" "$(cat "$victim/$f")"
done
assert_contains "the HTML report" "<html" "$WORK/stress.html"
info "ok: poof stress replaced the planted symlinks and left what they pointed at alone"

# The verify cases: nothing written into the run directory.
before=$(ls -A "$run")
for opt in --html --junit --ktap; do
	for i in 0 1 2; do
		refused verify "$opt" "${bad_paths[$i]}" "${bad_words[$i]}" "$run"
		assert_eq "case $n: entries in the run directory" "$before" "$(ls -A "$run")"
	done
done
info "ok: poof verify refused every bad output path and wrote nothing"

for f in html xml ktap; do
	ln -sfn "$victim/$f" "$WORK/verify.$f"
done
run_rc rc "$POOF" verify "$run" -q --html "$WORK/verify.html" --junit "$WORK/verify.xml" \
	--ktap "$WORK/verify.ktap"
assert_eq "verify through symlinks: exit code" 0 "$rc"
for f in html xml ktap; do
	[ -f "$WORK/verify.$f" ] && [ ! -L "$WORK/verify.$f" ] ||
		fail "verify.$f is not a regular file: the symlink was not replaced"
	assert_eq "the victim's $f" "the victim's $f" "$(cat "$victim/$f")"
done
info "ok: poof verify replaced the planted symlinks and left what they pointed at alone"
