#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# /init of the initramfs `poof vm` builds (vm/initramfs.c), compiled into poof.
# It talks to the host through two channels only:
#   - the serial console: "POOF-VM: ..." marker lines the host parses
#     (vm/qemu.c): a heartbeat every second, the guest poof's exit code;
#   - /dev/vdb, the transfer disk: a tar the host wrote (config.sh) is read
#     at boot, and a tar of /results is written over it before power-off.
# /dev/vda is the scratch disk the target filesystem is made on.

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin
/bin/busybox --install -s /bin
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp /var/tmp /root /xfer /results /mnt/target /run

say() {
	echo "POOF-VM: $*"
}

# Progress with the guest's uptime, for reading a slow or stuck boot.
step() {
	say "step: $* at $(cut -d' ' -f1 /proc/uptime)s"
}

finish() {
	# Results out, then power off: the host reads /dev/vdb after QEMU exits.
	dmesg >/results/dmesg.txt 2>&1
	cp /proc/cmdline /results/cmdline.txt 2>/dev/null
	[ -d /var/tmp/poof ] && cp -a /var/tmp/poof /results/run 2>/dev/null
	sync
	if tar -cf /dev/vdb -C /results . 2>/results/tar.err; then
		say "results written"
	else
		say "results failed: $(cat /results/tar.err)"
	fi
	sync
	say "power off"
	poweroff -f
	sleep 5
	echo o >/proc/sysrq-trigger
}

fail() {
	say "setup failed: $*"
	say "exit 70"
	finish
}

load_modules() {
	for m in $(cat "/lib/modules/load.$1" 2>/dev/null); do
		insmod "/lib/modules/$m" 2>/dev/null
	done
}

(
	n=0
	while :; do
		n=$((n + 1))
		echo "POOF-VM: heartbeat $n"
		sleep 1
	done
) &
heartbeat=$!

say "init started"
load_modules base
[ -b /dev/vdb ] || fail "no transfer disk /dev/vdb"
# The config tar is small; reading the whole disk would cost seconds under TCG.
dd if=/dev/vdb bs=64k count=16 2>/dev/null | tar -xf - -C /xfer ||
	fail "cannot read the transfer disk /dev/vdb"
step "config read"
. /xfer/config.sh || fail "cannot read /xfer/config.sh"

if [ "$POOF_VM_HANG_TEST" = 1 ]; then
	# --guest-hang-test: a guest that stops talking, for the host's watchdog.
	kill "$heartbeat"
	say "hang test: heartbeat stopped"
	while :; do sleep 3600; done
fi

load_modules "$POOF_VM_FS"
step "modules loaded"
dev=/dev/vda
sectors=$(blockdev --getsz /dev/vda) || fail "no scratch disk /dev/vda"
if [ "$POOF_VM_FAULT" != none ]; then
	load_modules dm
	# A flakey device that is always up (a linear map) until after mkfs.
	dmsetup create poof-flakey --table "0 $sectors flakey /dev/vda 0 1 0" ||
		fail "dmsetup create"
	dmsetup mknodes
	dev=/dev/mapper/poof-flakey
fi

case "$POOF_VM_FS" in
ext4) mkfs.ext4 -q -F -E nodiscard "$dev" >/results/mkfs.log 2>&1 ;;
xfs) mkfs.xfs -q -f -K "$dev" >/results/mkfs.log 2>&1 ;;
btrfs) mkfs.btrfs -q -f --nodiscard "$dev" >/results/mkfs.log 2>&1 ;;
*) false ;;
esac || fail "mkfs.$POOF_VM_FS $dev: $(cat /results/mkfs.log)"
mount -t "$POOF_VM_FS" "$dev" /mnt/target 2>/results/mount.log ||
	fail "mount -t $POOF_VM_FS $dev: $(cat /results/mount.log)"
step "$POOF_VM_FS mounted"

mount -t cgroup2 cgroup2 /sys/fs/cgroup || fail "mount cgroup2"
echo "+memory +pids" >/sys/fs/cgroup/cgroup.subtree_control ||
	fail "cannot enable memory and pids in /sys/fs/cgroup/cgroup.subtree_control"

if [ "$POOF_VM_FAULT" != none ]; then
	# From here on every write to the scratch disk is dropped or fails.
	dmsetup suspend poof-flakey &&
		dmsetup load poof-flakey --table \
			"0 $sectors flakey /dev/vda 0 0 3600 1 $POOF_VM_FAULT_FEATURE" &&
		dmsetup resume poof-flakey || fail "dmsetup: cannot switch on $POOF_VM_FAULT"
	say "fault $POOF_VM_FAULT on: $(dmsetup table poof-flakey)"
fi

mkdir -p /results/out
say "running poof $*"
poof "$@" >/results/stdout.txt 2>/dev/console </dev/null
rc=$?
say "exit $rc"
finish
