#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# poof verify reads the media, not the page cache. A kept run's data file is
# read into the page cache (clean, cached pages), then one block is replaced
# on the media underneath by an older generation. Reading the file through
# the page cache still returns the good data (proved with cmp against a copy
# taken before the damage, so the cache really is stale); `poof verify` must
# still find the loss: lost-silent 1 and exit 1. A verifier that read the
# page cache would report ok.

. "$(dirname "$0")/lib.sh"

require_damage
make_fs ext4

run=$WORK/run
run_rc rc "$POOF" stress --profile smoke --dir "$MNT" --run-dir "$run" -q \
	-o passes=2 -o kill-writers=0 -o "$KEEP_KEY=always" -o fsync=none -o duration=60s
report=$run/report.json
assert_eq "stress exit code" 0 "$rc"
blocks=$(json "$report" verify.blocks)
data_dir=$(json "$report" target.data_dir)
victim=w0000-f000001.dat
file=$data_dir/$victim

# Every page of the file cached and clean.
cat "$file" >/dev/null
cp "$file" "$WORK/before"
sync -f "$file"
if command -v fincore >/dev/null; then
	assert_eq "bytes of $victim in the page cache" "$(stat -c %s "$file")" \
		"$(fincore -n -b -o RES "$file" | tr -d ' ')"
else
	info "fincore (util-linux) not found: not checking that the file is cached"
fi

"$POOF_DAMAGE" --rundir "$run" --device "$DEV" --file "$victim" --block 300 older ||
	fail "poof-damage failed"
"$POOF_DAMAGE" --rundir "$run" --device "$DEV" --file "$victim" --block 300 show >&2

# Through the page cache, the file still reads as before the damage.
cmp "$file" "$WORK/before" || fail "the page cache did not keep the old data: the test proves nothing"
info "ok: the page cache still returns the undamaged data"

run_rc rc "$POOF" verify "$run"
vreport=$run/verify.json
[ -f "$vreport" ] || fail "poof verify wrote no $vreport (exit $rc)"
assert_eq "verify exit code" 1 "$rc"
assert_eq verdict FAIL "$(json "$vreport" verdict)"
assert_classes "$vreport" lost-silent=1 ok=$((blocks - 1)) in-flight=0
assert_eq "loss: file" "$victim" "$(json "$vreport" verify.losses.0.file)"
assert_eq "loss: block" 300 "$(json "$vreport" verify.losses.0.block)"
assert_eq "loss: found generation" 1 "$(json "$vreport" verify.losses.0.found.generation)"
