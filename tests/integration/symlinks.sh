#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# No path poof makes, opens or mounts in the run directory or the target is
# followed through a planted symlink (SPEC section 10). A symlink is planted
# at each such path, pointing into a victim directory, and each case is
# refused with a message naming the planted path; afterwards nothing is
# mounted on the victim (/proc/self/mountinfo), no loop device is backed by
# a file in it and the victim is exactly as it was.
#
# Where an attacker can plant, and when:
# - poof stress: --run-dir (a link at the path given), the default base
#   /var/tmp/poof (in a world-writable /var/tmp: a link, or a directory of
#   another user's); inside the fresh run directory mnt, between its
#   creation and the mount (a wrapper mkfs.ext4 first in PATH plays the
#   attacker, since mkfs runs in that window); and poof-ID in the target,
#   once the run id is known (the wrapper writes the link into the new
#   filesystem before poof mounts it). poof-ID in a --dir target cannot be
#   planted before the run directory names the id, and is made by the same
#   code as in the scratch filesystem.
# - poof verify: the run directory itself, mnt, scratch.img, ledger,
#   ledger.live, verify.json, poof-ID in the scratch image and in a --dir
#   target, and a directory on the way to the latter.

. "$(dirname "$0")/lib.sh"

require_loop
require_mkfs ext4
command -v debugfs >/dev/null || skip "debugfs not found (e2fsprogs)"
command -v unshare >/dev/null || skip "unshare not found (util-linux)"

victim=$WORK/victim
mkdir "$victim"
echo "the victim's file" >"$victim/keep-me"
target=$WORK/target
mkdir "$target"

snapshot()
{
	find "$victim" -printf '%P %y %s %m\n' | sort
	cat "$victim/keep-me"
}
victim_before=$(snapshot)

# Nothing of poof's may be mounted on or loop-backed by anything in the victim.
victim_untouched()
{
	local what=$1

	! grep -qF " $victim" /proc/self/mountinfo || fail "$what: something is mounted on the victim"
	! losetup -n -l -O BACK-FILE | grep -qF "$victim" ||
		fail "$what: a loop device is backed by a file in the victim"
	assert_eq "$what: the victim" "$victim_before" "$(snapshot)"
}

n=0
# refused CODE WANT CMD...: CMD exits CODE, names WANT and a symbolic link on stderr.
refused()
{
	local code=$1 want=$2

	shift 2
	n=$((n + 1))
	run_rc rc "$@" 2>"$WORK/err-$n" >"$WORK/out-$n"
	cat "$WORK/err-$n" >&2
	assert_eq "case $n: exit code" "$code" "$rc"
	assert_contains "case $n: names the path" "$want" "$WORK/err-$n"
	victim_untouched "case $n"
}

# ---- poof stress ----

# --run-dir at a link to a directory, a dangling link, and the link with a slash.
ln -s "$victim" "$WORK/run-link"
refused 64 "$WORK/run-link is a symbolic link" \
	"$POOF" stress --profile smoke --dir "$target" --run-dir "$WORK/run-link"
refused 64 "$WORK/run-link/ is a symbolic link" \
	"$POOF" stress --profile smoke --dir "$target" --run-dir "$WORK/run-link/"
ln -s "$victim/new" "$WORK/run-dangling"
refused 64 "$WORK/run-dangling is a symbolic link" \
	"$POOF" stress --profile smoke --dir "$target" --run-dir "$WORK/run-dangling"
assert_eq "entries in the target" "" "$(ls -A "$target")"

# The default base: in a mount namespace of its own, over a /var/tmp of its own.
ns=$(mktemp -d /tmp/poof-symlinks.XXXXXX)
base_case()
{
	local setup=$1

	unshare --mount --propagation private bash -c '
		set -e
		mount --bind "$1" "$2"
		mount -t tmpfs tmpfs /var/tmp
		eval "$3"
		exec "$4" stress --profile smoke --dir "$2/target"' \
		base "$WORK" "$ns" "$setup" "$POOF"
}
refused 69 "/var/tmp/poof is a symbolic link" base_case "ln -s $ns/victim /var/tmp/poof"
assert_contains "case $n: the fix" "Fix" "$WORK/err-$n"
refused 69 "/var/tmp/poof belongs to uid 65534" base_case \
	"mkdir /var/tmp/poof; chown 65534 /var/tmp/poof"
rmdir "$ns"
assert_eq "entries in the target" "" "$(ls -A "$target")"

# The attacker inside the run: a mkfs.ext4 that plants, then formats as asked.
# poof hands it the image as /proc/self/fd/3.
mkdir "$WORK/bin"
cat >"$WORK/bin/mkfs.ext4" <<'SH'
#!/bin/bash
img=$(readlink /proc/self/fd/3)
rundir=${img%/*}
echo "$rundir" >"$PLANTED"
[ "$PLANT" = mnt ] && ln -s "$VICTIM" "$rundir/mnt"
PATH=/usr/sbin:/sbin:/usr/bin:/bin mkfs.ext4 "$@" || exit
[ "$PLANT" = data-dir ] &&
	debugfs -w -R "symlink poof-${rundir##*/} $VICTIM" /proc/self/fd/3 >/dev/null 2>&1
exit 0
SH
chmod +x "$WORK/bin/mkfs.ext4"

attacked()
{
	PATH=$WORK/bin:$PATH PLANT=$1 VICTIM=$victim PLANTED=$WORK/planted \
		"$POOF" stress --profile smoke "${@:2}"
}

refused 69 "$WORK/run-mnt/mnt is a symbolic link" attacked mnt --run-dir "$WORK/run-mnt"
assert_eq "mnt: the planted link" "$victim" "$(readlink "$WORK/run-mnt/mnt")"
[ ! -e "$WORK/run-mnt/scratch.img" ] || fail "mnt: the image poof made was left"

# poof-ID in the target: the id is the default run directory's name.
run_rc rc attacked data-dir 2>"$WORK/err-data" >/dev/null
rundir=$(cat "$WORK/planted")
case "$rundir" in
/var/tmp/poof/*) ;;
*) fail "poof-ID: the run directory '$rundir' is not in /var/tmp/poof" ;;
esac
n=$((n + 1))
cat "$WORK/err-data" >&2
assert_eq "poof-ID in the target: exit code" 69 "$rc"
assert_contains "poof-ID in the target: names the path" \
	"$rundir/mnt/poof-${rundir##*/} is a symbolic link" "$WORK/err-data"
victim_untouched "poof-ID in the target"
! grep -qF " $rundir/mnt " /proc/self/mountinfo || fail "poof-ID: the scratch filesystem stayed mounted"
rm -rf "${rundir:?}"

# ---- poof verify ----

# A kept scratch run and a kept --dir run to plant into.
good=$WORK/good
run_rc rc "$POOF" stress --profile smoke --run-dir "$good" -q -o "$KEEP_KEY=always" -o duration=2s
assert_eq "scratch run: exit code" 0 "$rc"
gooddir=$WORK/gooddir
run_rc rc "$POOF" stress --profile smoke --dir "$target" --run-dir "$gooddir" -q \
	-o "$KEEP_KEY=always" -o duration=2s
assert_eq "--dir run: exit code" 0 "$rc"
id=$(json "$good/report.json" run_id)
dirid=$(json "$gooddir/report.json" run_id)

ln -s "$good" "$WORK/good-link"
refused 64 "$WORK/good-link is a symbolic link" "$POOF" verify "$WORK/good-link"

ln -s "$victim" "$good/mnt"
refused 65 "$good/mnt is a symbolic link" "$POOF" verify "$good"
rm "$good/mnt"
ln -s "$victim/new" "$good/mnt"
refused 65 "$good/mnt is a symbolic link" "$POOF" verify "$good"
rm "$good/mnt"

mv "$good/scratch.img" "$victim/../elsewhere.img"
ln -s "$WORK/elsewhere.img" "$good/scratch.img"
refused 65 "$good/scratch.img is a symbolic link" "$POOF" verify "$good"
! losetup -n -l -O BACK-FILE | grep -qF "$WORK/elsewhere.img" || fail "the linked image was attached"
rm "$good/scratch.img"
mv "$WORK/elsewhere.img" "$good/scratch.img"

mv "$good/ledger" "$WORK/ledger"
ln -s "$WORK/ledger" "$good/ledger"
refused 65 "$good/ledger is a symbolic link" "$POOF" verify "$good"
rm "$good/ledger"
ln -s "$WORK/ledger" "$good/ledger.live"
refused 65 "$good/ledger.live is a symbolic link" "$POOF" verify "$good"
rm "$good/ledger.live"
mv "$WORK/ledger" "$good/ledger"

ln -s "$victim/keep-me" "$good/verify.json"
refused 65 "$good/verify.json is a symbolic link" "$POOF" verify "$good"
rm "$good/verify.json"

# Everything back in place: the run verifies, so the refusals were the links'.
run_rc rc "$POOF" verify "$good" >/dev/null
assert_eq "the restored scratch run verifies" 0 "$rc"

# poof-ID inside the kept image, swapped for a link to where the data went.
mkdir "$WORK/img.mnt"
mount -o loop "$good/scratch.img" "$WORK/img.mnt"
mv "$WORK/img.mnt/poof-$id" "$WORK/img.mnt/moved"
ln -s moved "$WORK/img.mnt/poof-$id"
umount "$WORK/img.mnt"
refused 65 "$good/mnt/poof-$id is, or is reached through, a symbolic link" "$POOF" verify "$good"
! grep -qF " $good/mnt " /proc/self/mountinfo || fail "the image stayed mounted"

# poof-ID in the --dir target, and a link on the way to it.
mv "$target/poof-$dirid" "$target/moved"
ln -s moved "$target/poof-$dirid"
refused 65 "$target/poof-$dirid is, or is reached through, a symbolic link" \
	"$POOF" verify "$gooddir"
rm "$target/poof-$dirid"
mv "$target/moved" "$target/poof-$dirid"
mv "$target" "$WORK/target.real"
ln -s target.real "$target"
refused 65 "$target/poof-$dirid is, or is reached through, a symbolic link" \
	"$POOF" verify "$gooddir"
rm "$target"
mv "$WORK/target.real" "$target"
run_rc rc "$POOF" verify "$gooddir" >/dev/null
assert_eq "the restored --dir run verifies" 0 "$rc"
