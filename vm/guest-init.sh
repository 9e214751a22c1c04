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

# A fault switched on before poof starts lasts from its first write; one with
# --fault-after (and every suspend) is switched on that long after poof starts.
fault_on() {
	case "$POOF_VM_FAULT" in
	suspend)
		# --nolockfs: the device stops answering, nothing is flushed first.
		dmsetup suspend --nolockfs poof-flakey ;;
	*)
		dmsetup suspend --nolockfs poof-flakey &&
			dmsetup load poof-flakey --table \
				"0 $sectors flakey /dev/vda 0 0 3600 1 $POOF_VM_FAULT_FEATURE" &&
			dmsetup resume poof-flakey ;;
	esac || return 1
	say "fault $POOF_VM_FAULT on at $(cut -d' ' -f1 /proc/uptime)s: $(dmsetup table poof-flakey)"
}

fault_off() {
	case "$POOF_VM_FAULT" in
	suspend) dmsetup resume poof-flakey ;;
	*)
		dmsetup suspend --nolockfs poof-flakey &&
			dmsetup load poof-flakey --table "0 $sectors flakey /dev/vda 0 1 0" &&
			dmsetup resume poof-flakey ;;
	esac || return 1
	say "fault $POOF_VM_FAULT off at $(cut -d' ' -f1 /proc/uptime)s"
}

fault_window() {
	[ "$1" = later ] && { sleep "$POOF_VM_FAULT_AFTER"; fault_on || say "fault: cannot switch on"; }
	[ "$POOF_VM_FAULT_FOR" = 0.000 ] && return
	sleep "$POOF_VM_FAULT_FOR"
	fault_off || say "fault: cannot switch off"
}

fault_pid=
if [ "$POOF_VM_FAULT" != none ] && [ "$POOF_VM_FAULT" != suspend ] &&
	[ "$POOF_VM_FAULT_AFTER" = 0.000 ]; then
	# From here on every write to the scratch disk is dropped or fails.
	fault_on || fail "dmsetup: cannot switch on $POOF_VM_FAULT"
	fault_window now &
	fault_pid=$!
elif [ "$POOF_VM_FAULT" != none ]; then
	fault_window later &
	fault_pid=$!
fi

hook_pid=
if [ -n "$POOF_VM_HOOK" ]; then
	# --guest-hook: a script run beside poof (tests use it to act on a running
	# poof); the guest waits for it before powering off.
	echo "$POOF_VM_HOOK" >/tmp/hook.sh
	sh /tmp/hook.sh >/results/hook.log 2>&1 &
	hook_pid=$!
fi

mkdir -p /results/out
say "running poof $*"
poof "$@" >/results/stdout.txt 2>/dev/console </dev/null
rc=$?
say "exit $rc"
# What the run left behind, as the tests list it: cgroups and poof processes.
find /sys/fs/cgroup -mindepth 1 -type d -name 'poof-*' >/results/cgroups-left.txt 2>&1
for p in /proc/[0-9]*; do
	read -r comm <"$p/comm" 2>/dev/null || continue
	case "$comm" in
	poof*) echo "${p#/proc/} $comm $(cut -d' ' -f3 "$p/stat" 2>/dev/null)" ;;
	esac
done >/results/processes-left.txt
# The hook may act after poof (poof cleanup, poof verify): it ends on its own,
# and the host's --timeout bounds it.
[ -n "$hook_pid" ] && wait "$hook_pid"
if [ -n "$fault_pid" ]; then
	kill "$fault_pid" 2>/dev/null
	# A suspended device would hold up the final sync forever.
	[ "$POOF_VM_FAULT" = suspend ] && dmsetup resume poof-flakey 2>/dev/null
fi
finish
