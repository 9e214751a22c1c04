# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the benchmarks that need a scratch ext4 filesystem of their own.
#
# loop_ext4 NAME SIZE: makes $work (a temporary directory), $img (an image of
# SIZE in $IMAGE_DIR) with ext4 on it, $loop (its loop device) and $mnt (where
# it is mounted), and a trap that removes all of them on every exit path,
# keeping the exit code (130 after SIGINT, 143 after SIGTERM).

work='' img='' loop='' mnt=''

loop_cleanup() {
	local rc=$?

	trap - EXIT INT TERM
	if [[ -n $mnt ]] && mountpoint -q "$mnt"; then
		umount "$mnt" || umount -l "$mnt" || true
	fi
	if [[ -n $loop ]]; then losetup -d "$loop" || true; fi
	if [[ -n $img ]]; then rm -f "$img"; fi
	if [[ -n $work ]]; then rm -rf "$work"; fi
	exit "$rc"
}

loop_ext4() {
	trap loop_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	work=$(mktemp -d "/tmp/$1.XXXXXX")
	img=$(mktemp "$IMAGE_DIR/$1.XXXXXX.img")
	mnt=$work/mnt
	mkdir "$mnt"
	truncate -s "$2" "$img"
	mkfs.ext4 -q -F "$img"
	loop=$(losetup --find --show "$img")
	mount "$loop" "$mnt"
}
