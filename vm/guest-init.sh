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
#
# With --init systemd (POOF_VM_INIT=systemd) it runs twice. In the
# initramfs it mounts the host's root (9p, read-only) under a tmpfs overlay,
# copies itself, poof and config.sh to /var/lib/poof-vm there, writes the
# units guest-poof.target, guest-poof.service and guest-poof-heartbeat.service
# (this script with the argument `heartbeat`), and switches root to the
# host's systemd.
# systemd starts the unit, which runs this script again with the argument
# `systemd-unit`, under the host's /bin/sh and tools: the scratch disk, poof,
# the results. It also records the poof-* units systemd has while poof runs
# (systemd-during.txt) and afterwards (systemd-after.txt, cgroups-after.txt).

GUEST_DIR=/var/lib/poof-vm # --init systemd: this script, poof and config.sh on the new root

heartbeat_loop() {
	n=0
	while :; do
		n=$((n + 1))
		echo "POOF-VM: heartbeat $n"
		sleep 1
	done
}

if [ "${1:-}" = heartbeat ]; then
	heartbeat_loop # --init systemd: guest-poof-heartbeat.service
elif [ "${1:-}" = systemd-unit ]; then
	stage=unit
	export PATH=$GUEST_DIR:/usr/sbin:/usr/bin:/sbin:/bin
	export SYSTEMD_COLORS=0 SYSTEMD_PAGER=cat
	mkdir -p /xfer /results /mnt/target /var/tmp
	cp "$GUEST_DIR/config.sh" /xfer/config.sh
else
	stage=initramfs
	/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin
	/bin/busybox --install -s /bin
	export PATH=/usr/sbin:/usr/bin:/sbin:/bin
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mkdir -p /tmp /var/tmp /root /xfer /results /mnt/target /run
fi
export HOME=/root

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
	cp "$POOF_VM_FAULT_LOG" /results/faults.txt 2>/dev/null
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

# --init systemd, in the initramfs: the host's root with a writable overlay.
mount_new_root() {
	load_modules systemd
	mkdir -p /host /rw /sysroot
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /host ||
		fail "cannot mount the host's root over 9p (modules 9p, 9pnet_virtio)"
	mount -t tmpfs -o mode=755 tmpfs /rw && mkdir /rw/upper /rw/work &&
		mount -t overlay overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work \
			/sysroot || fail "cannot mount the overlay over the host's root (module overlay)"
	[ -x /sysroot/lib/systemd/systemd ] || fail "the host has no /lib/systemd/systemd"
}

write_units() {
	u=/sysroot/etc/systemd/system
	mkdir -p $u || return 1
	cat >$u/guest-poof.target <<-EOF || return 1
		[Unit]
		Description=poof vm: run poof and power off
		Requires=basic.target guest-poof.service
		Wants=guest-poof-heartbeat.service
		After=basic.target guest-poof.service
		AllowIsolate=yes
	EOF
	cat >$u/guest-poof.service <<-EOF || return 1
		[Unit]
		Description=poof vm: the guest's poof
		After=basic.target dbus.socket
		Wants=dbus.socket
		[Service]
		Type=oneshot
		StandardInput=null
		StandardOutput=tty
		StandardError=tty
		TTYPath=/dev/console
		ExecStart=/bin/sh $GUEST_DIR/init.sh systemd-unit
	EOF
	cat >$u/guest-poof-heartbeat.service <<-EOF || return 1
		[Unit]
		Description=poof vm: the heartbeat on the console
		DefaultDependencies=no
		[Service]
		StandardInput=null
		StandardOutput=tty
		TTYPath=/dev/console
		ExecStart=/bin/sh $GUEST_DIR/init.sh heartbeat
	EOF
	ln -sf guest-poof.target $u/default.target
}

boot_systemd() {
	mount_new_root
	mkdir -p "/sysroot$GUEST_DIR" && cp /init "/sysroot$GUEST_DIR/init.sh" &&
		cp /usr/bin/poof /xfer/config.sh "/sysroot$GUEST_DIR/" ||
		fail "cannot copy poof to the new root"
	# Its worker program beside it, where the image has one (poof-stress(1)).
	if [ -x /usr/bin/poof-worker ]; then
		cp /usr/bin/poof-worker "/sysroot$GUEST_DIR/" ||
			fail "cannot copy poof-worker to the new root"
	fi
	write_units || fail "cannot write the units guest-poof.target and guest-poof.service"
	step "switching to systemd"
	# systemd's first jobs include guest-poof-heartbeat.service: the heartbeat goes on.
	kill "$heartbeat"
	umount /proc /sys
	mount --move /dev /sysroot/dev
	exec switch_root /sysroot /lib/systemd/systemd
}

if [ $stage = initramfs ]; then
	heartbeat_loop &
	heartbeat=$!
	say "init started"
	load_modules base
	[ -b /dev/vdb ] || fail "no transfer disk /dev/vdb"
	# The config tar is small; reading the whole disk would cost seconds under TCG.
	dd if=/dev/vdb bs=64k count=16 2>/dev/null | tar -xf - -C /xfer ||
		fail "cannot read the transfer disk /dev/vdb"
	step "config read"
fi
. /xfer/config.sh || fail "cannot read /xfer/config.sh"
[ $stage = unit ] && step "systemd started the run"

if [ "$POOF_VM_HANG_TEST" = 1 ]; then
	# --guest-hang-test: a guest that stops talking, for the host's watchdog.
	kill "$heartbeat"
	say "hang test: heartbeat stopped"
	while :; do sleep 3600; done
fi

# The modules come from the initramfs, so they are loaded before systemd too.
if [ $stage = initramfs ]; then
	load_modules "$POOF_VM_FS"
	[ "$POOF_VM_FAULT" != none ] && load_modules dm
	step "modules loaded"
	[ "$POOF_VM_INIT" = systemd ] && boot_systemd
fi
dev=/dev/vda
sectors=$(blockdev --getsz /dev/vda) || fail "no scratch disk /dev/vda"
if [ "$POOF_VM_FAULT" != none ]; then
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

# Under systemd, /sys/fs/cgroup and its controllers are systemd's.
if [ $stage = initramfs ]; then
	mount -t cgroup2 cgroup2 /sys/fs/cgroup || fail "mount cgroup2"
	echo "+memory +pids" >/sys/fs/cgroup/cgroup.subtree_control ||
		fail "cannot enable memory and pids in /sys/fs/cgroup/cgroup.subtree_control"
fi

# Every switch of the fault goes into the fault log the guest poof reads
# (--fault-log): "UPTIME on|off KIND". Only a fault logged there may excuse
# what the device did; a hook that switches dm-flakey itself logs nothing.
fault_log() {
	echo "$(cut -d' ' -f1 /proc/uptime) $1 $POOF_VM_FAULT" >>"$POOF_VM_FAULT_LOG"
}

# A fault switched on before poof starts lasts from its first write; one with
# --fault-after (and every suspend) is switched on that long after poof starts.
# Before poof starts (`fault_on before`) the filesystem is flushed first; mid-run
# it is not (--nolockfs), so the switch itself writes nothing back.
fault_on() {
	lockfs=--nolockfs
	[ "${1:-}" = before ] && lockfs=
	case "$POOF_VM_FAULT" in
	suspend)
		# --nolockfs: the device stops answering, nothing is flushed first.
		dmsetup suspend --nolockfs poof-flakey ;;
	*)
		dmsetup suspend $lockfs poof-flakey &&
			dmsetup load poof-flakey --table \
				"0 $sectors flakey /dev/vda 0 0 3600 1 $POOF_VM_FAULT_FEATURE" &&
			dmsetup resume poof-flakey ;;
	esac || return 1
	fault_log on
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
	fault_log off
	say "fault $POOF_VM_FAULT off at $(cut -d' ' -f1 /proc/uptime)s"
}

fault_window() {
	[ "$1" = later ] && { sleep "$POOF_VM_FAULT_AFTER"; fault_on || say "fault: cannot switch on"; }
	[ "$POOF_VM_FAULT_FOR" = 0.000 ] && return
	sleep "$POOF_VM_FAULT_FOR"
	fault_off || say "fault: cannot switch off"
}

fault_pid=
[ "$POOF_VM_FAULT" != none ] && : >"$POOF_VM_FAULT_LOG"
if [ "$POOF_VM_FAULT" != none ] && [ "$POOF_VM_FAULT" != suspend ] &&
	[ "$POOF_VM_FAULT_AFTER" = 0.000 ]; then
	# From here on every write to the scratch disk is dropped or fails.
	fault_on before || fail "dmsetup: cannot switch on $POOF_VM_FAULT"
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

# The poof-* units systemd has, with their Delegate and ControlGroup.
poof_units() {
	for unit in $(systemctl list-units --all --plain --no-legend 'poof-*' | cut -d' ' -f1); do
		systemctl show -p Id,ActiveState,Delegate,ControlGroup "$unit" | tr '\n' ' '
		echo
	done
}

# Every second while poof runs: what systemd says about the run's scope.
watch_units() {
	while :; do
		poof_units >>/results/systemd-during.txt 2>&1
		sleep 1
	done
}

mkdir -p /results/out
if [ $stage = unit ]; then
	watch_units &
	watcher=$!
fi
say "running poof $*"
poof "$@" >/results/stdout.txt 2>/dev/console </dev/null
rc=$?
if [ $stage = unit ]; then
	kill "$watcher"
	poof_units >/results/systemd-after.txt 2>&1
fi
# What the run left behind, as the tests list it: cgroups and poof processes.
find /sys/fs/cgroup -mindepth 1 -type d -name 'poof-*' >/results/cgroups-left.txt 2>&1
for p in /proc/[0-9]*; do
	{ read -r comm <"$p/comm"; } 2>/dev/null || continue
	case "$comm" in
	poof*) echo "${p#/proc/} $comm $(cut -d' ' -f3 "$p/stat" 2>/dev/null)" ;;
	esac
done >/results/processes-left.txt
# The hook may act after poof (poof cleanup, poof verify): it ends on its own,
# and the host's --timeout bounds it. The exit marker waits for it: the host
# gives the guest a short grace from the marker to power-off.
[ -n "$hook_pid" ] && wait "$hook_pid"
if [ -n "$fault_pid" ]; then
	kill "$fault_pid" 2>/dev/null
	# A suspended device would hold up the final sync forever.
	[ "$POOF_VM_FAULT" = suspend ] && dmsetup resume poof-flakey 2>/dev/null
fi
say "exit $rc"
finish
