#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The initramfs is cached by content: a second run with the same poof,
# kernel and modules reuses the same file without rewriting it.
. "$(dirname "$0")/lib.sh"

vm_run first -- --version
[ "$rc" -eq 0 ] || fail "exit $rc"
grep -q "^poof " "$tmp/first.out" || fail "the guest poof's stdout did not come back"
img=$(sed -n 's/.*initramfs: \(built\|cached\) \([^ ]*\).*/\2/p' "$tmp/first.err")
[ -f "$img" ] || fail "no initramfs path in the output"
before=$(stat -c '%i %Y %s' "$img")

vm_run second -- --version
[ "$rc" -eq 0 ] || fail "exit $rc"
grep -q "initramfs: cached $img" "$tmp/second.err" || fail "second run did not reuse $img"
[ "$(stat -c '%i %Y %s' "$img")" = "$before" ] || fail "$img was rewritten"
echo "ok: $img reused"
