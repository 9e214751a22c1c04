#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The host's watchdog: a guest that stops its heartbeat (--guest-hang-test)
# is a lockup: QEMU killed within the timeout, exit 2, console tail shown.
. "$(dirname "$0")/lib.sh"

t0=$SECONDS
"$POOF" vm --run-dir "$tmp/hang" --timeout 40s --guest-hang-test -- stress --profile smoke \
	>"$tmp/hang.out" 2>"$tmp/hang.err"
rc=$?
took=$((SECONDS - t0))
sed 's/^/   /' "$tmp/hang.err"
[ "$rc" -eq 2 ] || fail "exit $rc, expected 2 (HANG)"
# The bound catches a watchdog that never fires; starting and killing QEMU on a
# loaded machine takes seconds of its own beyond --timeout.
[ "$took" -le 70 ] || fail "took ${took}s, far more than --timeout 40s: the watchdog did not fire"
grep -q "last console lines" "$tmp/hang.err" || fail "no console tail in the message"
grep -q "hang test: heartbeat stopped" "$tmp/hang.err" || fail "the tail misses the guest's last line"
[ -s "$tmp/hang/console.log" ] || fail "console log not kept"
echo "ok: hang detected in ${took}s"
