#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# poof verify refuses a ledger it cannot trust instead of judging data with
# it: a truncated ledger, one flipped byte (in the header, in the block
# table, in its format version), an empty one and random bytes are damaged
# input data, exit 65, and the message says what is wrong (cut short, N of M
# bytes; which checksum; the version); no ledger at all, or a run directory
# that does not exist, is a usage error, exit 64. Never a crash (no exit >=
# 128), and nothing is written to the run directory (no verify.json).

. "$(dirname "$0")/lib.sh"

# A real, finished run to damage copies of. Its data sits in a plain
# directory: these cases never get as far as reading data.
mkdir "$WORK/data"
good=$WORK/good
run_rc rc "$POOF" stress --profile smoke --dir "$WORK/data" --run-dir "$good" -q \
	-o passes=1 -o kill-writers=0 -o fsync=none -o "$KEEP_KEY=always"
if [ "$rc" = 69 ]; then
	skip "poof cannot run on $WORK (exit 69)"
fi
assert_eq "stress exit code" 0 "$rc"
[ -f "$good/ledger" ] || fail "the run left no ledger"
size=$(stat -c %s "$good/ledger")

# The sanity check: the intact copy verifies.
cp -a "$good" "$WORK/intact"
run_rc rc "$POOF" verify "$WORK/intact"
assert_eq "verify exit code of an intact ledger" 0 "$rc"

snapshot()
{
	[ -d "$1" ] || return 0
	find "$1" -printf '%P %s %T@ %m\n' | sort
}

flip_byte()
{
	local file=$1 off=$2

	python3 - "$file" "$off" <<'PY'
import sys
path, off = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(off)
    b = f.read(1)
    f.seek(off)
    f.write(bytes([b[0] ^ 0x40]))
PY
}

# check NAME RUNDIR WANT [CODE]: poof verify RUNDIR exits CODE (65: damaged
# data) and says WANT on stderr.
check()
{
	local name=$1 dir=$2 want=$3 code=${4:-65} before after

	before=$(snapshot "$dir")
	run_rc rc "$POOF" verify "$dir" 2>"$WORK/$name.err" >"$WORK/$name.out"
	cat "$WORK/$name.err" >&2
	assert_eq "$name: exit code" "$code" "$rc"
	[ -s "$WORK/$name.err" ] || fail "$name: nothing on stderr"
	assert_contains "$name: message" "$want" "$WORK/$name.err"
	[ ! -e "$dir/verify.json" ] || fail "$name: verify.json was written"
	after=$(snapshot "$dir")
	assert_eq "$name: run directory unchanged" "$before" "$after"
}

case_dir()
{
	rm -rf "${WORK:?}/$1"
	cp -a "$good" "$WORK/$1"
	echo "$WORK/$1"
}

d=$(case_dir no-ledger)
rm "$d/ledger"
check no-ledger "$d" ledger 64
assert_contains "no-ledger: what RUNDIR is not" "not a poof run directory" "$WORK/no-ledger.err"

d=$(case_dir truncated)
truncate -s $((size / 2)) "$d/ledger"
check truncated "$d" ledger
assert_contains "truncated: size N of M" "cut short: $((size / 2)) of $size bytes" \
	"$WORK/truncated.err"

d=$(case_dir truncated-header)
truncate -s 100 "$d/ledger"
check truncated-header "$d" ledger
assert_contains "truncated-header: size" "cut short: 100 bytes, less than its 4096-byte header" \
	"$WORK/truncated-header.err"

d=$(case_dir empty)
: >"$d/ledger"
check empty "$d" ledger
assert_contains "empty: says so" "empty (0 bytes)" "$WORK/empty.err"

d=$(case_dir flipped-middle)
flip_byte "$d/ledger" $((size / 2))
check flipped-middle "$d" ledger
assert_contains "flipped-middle: which checksum" "data checksum does not match" \
	"$WORK/flipped-middle.err"

d=$(case_dir flipped-header)
flip_byte "$d/ledger" 40
check flipped-header "$d" ledger
assert_contains "flipped-header: which checksum" "header checksum does not match" \
	"$WORK/flipped-header.err"

# The format version is the uint32 at offset 8, the one this poof writes:
# flipping bit 6 of its low byte makes 2 a 66.
version=$(od -A n -t u4 -j 8 -N 4 "$good/ledger" | tr -d ' ')
d=$(case_dir version)
flip_byte "$d/ledger" 8
check version "$d" ledger
assert_contains "version: both versions" \
	"format version is $((version ^ 64)); this poof reads version $version" "$WORK/version.err"

d=$(case_dir random)
head -c "$size" /dev/urandom >"$d/ledger"
check random "$d" ledger
assert_contains "random: not a ledger" "not a poof ledger" "$WORK/random.err"

check nonexistent "$WORK/does-not-exist" "$WORK/does-not-exist" 64
assert_contains "nonexistent: says what RUNDIR is" ledger "$WORK/nonexistent.err"
[ ! -e "$WORK/does-not-exist" ] || fail "poof verify created $WORK/does-not-exist"
