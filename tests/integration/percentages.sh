#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Sizes as percentages where they are shares of something (SPEC section 1):
# file-size=N% is the group's share of the target's free space when the run
# starts. With --dir, the report's file size is exactly that share of what
# statvfs said before the run, over the group's files, in whole blocks; on a
# scratch filesystem it needs scratch-size, and without one poof exits 64
# before anything is created; a percentage out of range is exit 64 naming
# the key and what it accepts.

. "$(dirname "$0")/lib.sh"

make_fs ext4

# The share poof must find: 10% of the free space over smoke's 2 writers x 2 files.
expect=$(python3 -c '
import os, sys
st = os.statvfs(sys.argv[1])
share = st.f_bavail * st.f_frsize * 10 // 100
print(share // 4 // 4096 * 4096)' "$MNT")
run_rc rc "$POOF" stress --profile smoke --dir "$MNT" --run-dir "$WORK/dir" -q \
	-o file-size=10% -o duration=1s -o passes=1 -o kill-writers=0
assert_eq "--dir, file-size=10%: exit code" 0 "$rc"
assert_eq "--dir: the file size" "$expect" \
	"$(json "$WORK/dir/report.json" plan.writer_groups.0.file_size)"

# A scratch filesystem sized from the files cannot also size the files from it.
run_rc rc "$POOF" stress --profile smoke --run-dir "$WORK/noscratch" -o file-size=10% \
	2>"$WORK/noscratch.err"
cat "$WORK/noscratch.err" >&2
assert_eq "scratch without scratch-size: exit code" 64 "$rc"
assert_contains "scratch without scratch-size: the fix" "scratch-size" "$WORK/noscratch.err"
[ ! -e "$WORK/noscratch" ] || fail "scratch without scratch-size: a run directory was made"

run_rc rc "$POOF" stress --profile smoke --run-dir "$WORK/scratch" -q -o scratch-size=128M \
	-o file-size=10% -o duration=1s -o passes=1 -o kill-writers=0
assert_eq "scratch, file-size=10%: exit code" 0 "$rc"
size=$(json "$WORK/scratch/report.json" plan.writer_groups.0.file_size)
# The image is 128M; the share of its free space is a little less than 3.2M.
[ "$size" -gt $((2 << 20)) ] && [ "$size" -le $(((128 << 20) / 40)) ] &&
	[ $((size % 4096)) = 0 ] || fail "scratch: file size $size is not 10% of 128M over 4 files"
info "ok: scratch: file size $size"

for bad in file-size=0% file-size=101% file-size=2.5% swap-max=50%; do
	run_rc rc "$POOF" stress --profile smoke --dir "$MNT" --run-dir "$WORK/bad" \
		-o "$bad" 2>"$WORK/bad.err"
	assert_eq "-o $bad: exit code" 64 "$rc"
	assert_contains "-o $bad: names the key" "${bad%%=*}" "$WORK/bad.err"
	case "$bad" in
	file-size=*) assert_contains "-o $bad: what it accepts" "1% to 100%" "$WORK/bad.err" ;;
	esac
	[ ! -e "$WORK/bad" ] || fail "-o $bad: a run directory was made"
done
