# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the benchmarks that need a scratch ext4 filesystem of their own.
#
# loop_ext4 NAME SIZE: makes $work (a temporary directory), $img (an image of
# SIZE in $IMAGE_DIR) with ext4 on it, $loop (its loop device) and $mnt (where
# it is mounted), and a trap that removes all of them on every exit path,
# keeping the exit code (130 after SIGINT, 143 after SIGTERM). The inode
# tables and the journal are written by mkfs, not by ext4lazyinit in the
# background of the first timed runs.
#
# drop_caches: a cold page cache for the next timed run, the same for every
# tool; see there.

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
	mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$img"
	loop=$(losetup --find --show "$img")
	mount "$loop" "$mnt"
}

REPORTED=/sys/module/page_reporting/parameters/reported_kib

# reporting_state: one line on free page reporting, for a benchmark's header.
reporting_state() {
	if [[ -r $REPORTED ]]; then
		echo "free page reporting on: each timed run starts after it is quiet"
	else
		echo "no free page reporting"
	fi
}

# drop_caches: writes back and drops the page cache. Where the guest kernel
# hands freed pages back to its hypervisor (free page reporting, as cloud VMs
# do), the next touch of a page handed back costs a fault in the host, and
# the reporting worker hands pages back in bursts 2 s apart for several
# seconds after the drop. A run started in that window finds some pages
# handed back and some not, and its time depends on when it started
# (measured: dd's 1 GiB create from 1.26 s to 2.14 s). So this waits until
# reporting is quiet, its count unchanged for 3 s (at most 30 s): every tool
# then starts from the same state, its fresh pages all handed back.
drop_caches() {
	local last now quiet=0 i

	sync
	echo 3 >/proc/sys/vm/drop_caches
	[[ -r $REPORTED ]] || return 0
	last=$(<"$REPORTED")
	for ((i = 0; i < 60 && quiet < 6; i++)); do
		sleep 0.5
		now=$(<"$REPORTED")
		if [[ $now == "$last" ]]; then quiet=$((quiet + 1)); else quiet=0; fi
		last=$now
	done
}
