#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The cgroupfs manager on a real cgroup v2 kernel, in a TCG VM (about 5 s):
#
#   vm-cgroupfs.sh TEST-BINARY
#
# Boots a cached Debian kernel ($POOF_VM_KERNEL, else the newest
# /var/cache/poof/kernel/*/boot/vmlinuz-*) with an initramfs of busybox and
# TEST-BINARY (test-cgroup-oom), and runs it three ways: poof in the root
# cgroup; poof alone in /t (the supervisor must move out of /t and back);
# poof in /t beside another process (open_run must fail with EBUSY and
# leave nothing). Skips (77) without qemu, busybox-static or a kernel.

set -u
test_bin=$1
kernel=${POOF_VM_KERNEL:-$(ls -1 /var/cache/poof/kernel/*/boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)}

skip() {
	echo "SKIP: $*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip "needs root"
[ -n "$kernel" ] && [ -r "$kernel" ] || skip "no cached kernel (set POOF_VM_KERNEL)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86 is not installed"
busybox=$(command -v busybox) || skip "busybox-static is not installed"
command -v cpio >/dev/null || skip "cpio is not installed"

work=$(mktemp -d /tmp/poof-vm-cgroupfs.XXXXXX)
trap '[ -n "${POOF_KEEP:-}" ] || rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for a in sh mount mkdir echo cat ls sleep poweroff grep; do ln -s busybox "$root/bin/$a"; done
cp "$test_bin" "$root/bin/test-cgroup-oom"
for lib in $(ldd "$test_bin" | grep -o '/[^ ]*'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
cat >"$root/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t cgroup2 none /sys/fs/cgroup
mount -t devtmpfs dev /dev
T=/sys/fs/cgroup/t
echo "== A: poof in the root cgroup"
/bin/test-cgroup-oom cgroupfs
echo "== A exit $?"
echo "== B: poof alone in /t: the supervisor must move"
echo +memory +pids >/sys/fs/cgroup/cgroup.subtree_control
mkdir $T
sh -c "echo \$\$ >$T/cgroup.procs; exec /bin/test-cgroup-oom cgroupfs"
echo "== B exit $?"
echo "== B left: [$(ls $T | grep poof)] subtree_control [$(cat $T/cgroup.subtree_control)]"
echo "== C: poof in /t beside another process: EBUSY"
sh -c "echo \$\$ >$T/cgroup.procs; exec sleep 100" &
sleep 1
sh -c "echo \$\$ >$T/cgroup.procs; exec /bin/test-cgroup-oom cgroupfs"
echo "== C left: [$(ls $T | grep poof)] subtree_control [$(cat $T/cgroup.subtree_control)]"
poweroff -f
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initrd.gz"

timeout 300 qemu-system-x86_64 -accel tcg,thread=multi -cpu max -m 512 -smp 2 \
	-nographic -no-reboot -kernel "$kernel" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1" </dev/null 2>&1 | tr -d '\r' >"$work/console"
sed -n "/== A:/,\$p" "$work/console"

fail=0
expect() {
	if grep -qF -- "$1" "$work/console"; then
		echo "ok: $2"
	else
		echo "FAIL: $2 (no '$1' on the console)"
		fail=1
	fi
}
expect "== A exit 0" "root cgroup: OOM kill, placement, kill, cleanup"
expect "== B exit 0" "supervisor moved out and back"
expect "supervisor moved to /sys/fs/cgroup/t/poof-" "the supervisor did move"
expect "== B left: [] subtree_control []" "nothing left after B, subtree_control restored"
expect "(r=-16)" "open_run refused with EBUSY beside another process"
expect "== C left: [] subtree_control []" "nothing left after C"
exit $fail
