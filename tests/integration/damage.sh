#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# damage.sh FS CASE: the verifier classifies a known loss planted on the
# media exactly, and counts nothing else. A complete run (two passes, no
# kills, so every block is acknowledged at generation 2) is kept; one block
# is then damaged underneath the mounted filesystem with poof-damage (or the
# file truncated through the filesystem), and `poof verify` must exit 1 with
# exactly that loss:
#   older         generation 1 where 2 was acknowledged, no fsync -> lost-silent
#   older-durable the same after the writer's fsync covered it     -> lost-durable
#   zeros         all zeros in allocated space                     -> lost-silent, found zeros
#   flip          one payload byte flipped, header intact          -> torn
#   misdirected   another file's valid block                       -> misdirected
#   short         the file truncated to K blocks                   -> lost-silent x (n-K), short-file
#   inode         (ext4) the file's extent header zeroed with debugfs, so
#                 ext4 refuses to open it (EUCLEAN)               -> lost-silent x n, unreadable
#
# Only ext4 and xfs: under btrfs, FIEMAP addresses are btrfs logical
# addresses rather than device offsets, and its data checksums turn media
# damage into EIO, so only unreadable blocks could be planted there.

. "$(dirname "$0")/lib.sh"

fs=${1:?usage: damage.sh ext4|xfs CASE}
case=${2:?usage: damage.sh ext4|xfs CASE}
require_damage
make_fs "$fs"

fsync=none
[ "$case" = older-durable ] && fsync=end

run=$WORK/run
run_rc rc "$POOF" stress --profile smoke --dir "$MNT" --run-dir "$run" -q \
	-o passes=2 -o kill-writers=0 -o "$KEEP_KEY=always" -o fsync="$fsync" -o duration=60s
report=$run/report.json
assert_eq "stress exit code" 0 "$rc"
blocks=$(json "$report" verify.blocks)
assert_classes "$report" ok="$blocks" in-flight=0
data_dir=$(json "$report" target.data_dir)
[ -d "$data_dir" ] || fail "the data directory $data_dir was not kept"
nfiles=$(json --count "$report" 'files.*')
[ "$nfiles" -gt 0 ] || fail "no files in $report"
for ((i = 0; i < nfiles; i++)); do
	assert_eq "$(json "$report" "files.$i.name") generation" 2 "$(json "$report" "files.$i.generation")"
done

victim=w0001-f000003.dat
block=17
nblocks=$(($(stat -c %s "$data_dir/$victim") / 4096))
damage()
{
	"$POOF_DAMAGE" --rundir "$run" --device "$DEV" --file "$victim" --block "$block" "$@" ||
		fail "poof-damage $* failed"
}

lost=1
case "$case" in
older | older-durable)
	damage older
	class="lost-silent" kind=block
	[ "$case" = older-durable ] && class="lost-durable"
	;;
zeros)
	damage zeros
	class="lost-silent" kind=zeros
	;;
flip)
	damage flip-payload
	class=torn kind=torn
	;;
misdirected)
	damage copy-from=w0000-f000000.dat:5
	class=misdirected kind=block
	;;
short)
	keep=100
	truncate -s $((keep * 4096)) "$data_dir/$victim"
	lost=$((nblocks - keep)) block=$keep
	class="lost-silent" kind=short-file
	;;
inode)
	[ "$fs" = ext4 ] || fail "the inode case is ext4's (debugfs)"
	command -v debugfs >/dev/null || skip "debugfs missing: apt-get install e2fsprogs"
	umount "$MNT"
	debugfs -w -R "sif ${data_dir#"$MNT"}/$victim block[0] 0" "$DEV" >"$WORK/debugfs.log" 2>&1 ||
		fail "debugfs failed: $(cat "$WORK/debugfs.log")"
	mount -t ext4 "$DEV" "$MNT" || fail "cannot mount $DEV again"
	lost=$nblocks block=0
	class="lost-silent" kind=unreadable
	;;
*)
	fail "unknown case $case"
	;;
esac
case "$case" in short | inode) ;; *) damage show >&2 ;; esac

run_rc rc "$POOF" verify "$run"
vreport=$run/verify.json
[ -f "$vreport" ] || fail "poof verify wrote no $vreport (exit $rc)"
assert_eq "verify exit code" 1 "$rc"
assert_eq verdict FAIL "$(json "$vreport" verdict)"
assert_eq exit_code 1 "$(json "$vreport" exit_code)"
assert_classes "$vreport" "$class=$lost" ok=$((blocks - lost)) in-flight=0
assert_eq losses_total "$lost" "$(json "$vreport" verify.losses_total)"
assert_eq "first loss: file" "$victim" "$(json "$vreport" verify.losses.0.file)"
assert_eq "first loss: block" "$block" "$(json "$vreport" verify.losses.0.block)"
assert_eq "first loss: offset" $((block * 4096)) "$(json "$vreport" verify.losses.0.offset)"
assert_eq "first loss: class" "$class" "$(json "$vreport" verify.losses.0.class)"
assert_eq "first loss: expected generation" 2 \
	"$(json "$vreport" verify.losses.0.expected_generation)"
assert_eq "first loss: found" "$kind" "$(json "$vreport" verify.losses.0.found.kind)"
case "$case" in
older | older-durable)
	assert_eq "found generation" 1 "$(json "$vreport" verify.losses.0.found.generation)"
	;;
misdirected)
	assert_eq "found file id" 0 "$(json "$vreport" verify.losses.0.found.file_id)"
	assert_eq "found block" 5 "$(json "$vreport" verify.losses.0.found.block)"
	;;
inode)
	assert_eq "found error" EUCLEAN "$(json "$vreport" verify.losses.0.found.error)"
	assert_eq "unopenable files" 1 "$(json "$vreport" verify.files_unopenable)"
	assert_eq "first open error" EUCLEAN "$(json "$vreport" verify.first_open_error)"
	;;
flip)
	assert_eq "found generation" 2 "$(json "$vreport" verify.losses.0.found.generation)"
	assert_eq "first bad byte" 1000 "$(json "$vreport" verify.losses.0.found.first_bad_byte)"
	;;
esac
