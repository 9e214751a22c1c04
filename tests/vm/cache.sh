#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The initramfs is cached by content: a second run with the same poof,
# kernel and modules reuses the same file without rewriting it. Building a
# new image prunes the cache: the four other images used last stay, older
# ones and gzip images of older poof builds go, and none used in the last
# hour is touched (all count as kept). A cache of its own, so that nothing else is pruned.
. "$(dirname "$0")/lib.sh"

export POOF_CACHE_DIR=$tmp/cache
old=$tmp/cache/initramfs
mkdir -p "$old"
for i in 1 2 3 4 5 6; do # 1 used 7 hours ago ... 6 used 2 hours ago
	: >"$old/000000000000000$i.cpio"
	touch -d "-$((8 - i)) hours" "$old/000000000000000$i.cpio"
done
: >"$old/1111111111111111.cpio.gz"
touch -d "-2 hours" "$old/1111111111111111.cpio.gz"
: >"$old/2222222222222222.cpio.gz" # used now: another run may boot it

vm_run first -- --version
[ "$rc" -eq 0 ] || fail "exit $rc"
grep -q "^poof " "$tmp/first.out" || fail "the guest poof's stdout did not come back"
img=$(sed -n 's/.*initramfs: \(built\|cached\) \([^ ]*\).*/\2/p' "$tmp/first.err")
[ -f "$img" ] || fail "no initramfs path in the output"
grep -q "initramfs: built $img" "$tmp/first.err" || fail "a new cache did not build $img"
before=$(stat -c '%i %Y %s' "$img")
left=$(cd "$old" && ls | grep -v "^${img##*/}\$" | sort | tr '\n' ' ')
assert_eq "images left besides the new one" \
	"0000000000000004.cpio 0000000000000005.cpio 0000000000000006.cpio 2222222222222222.cpio.gz " \
	"$left"

touch -a -d "-1 day" "$img"
vm_run second -- --version
[ "$rc" -eq 0 ] || fail "exit $rc"
grep -q "initramfs: cached $img" "$tmp/second.err" || fail "second run did not reuse $img"
[ "$(stat -c '%i %Y %s' "$img")" = "$before" ] || fail "$img was rewritten"
[ $(($(date +%s) - $(stat -c %X "$img"))) -lt 600 ] || fail "a cache hit did not mark $img used"
echo "ok: $img reused, the cache pruned to the images used last"
