# SPDX-License-Identifier: LGPL-2.1-or-later
# The guest hook of the systemd tests (not a test itself: lib.sh's
# systemd_scenarios passes it to `poof vm --init systemd --guest-hook`).
# Booting systemd under TCG takes a minute or more, so the three runs of
# poof under systemd as PID 1 share one boot: they run here one after the
# other, each with its own deadline, and leave their results in
# /results/NAME/, which comes back as RUNDIR/NAME/:
#
#   drop     tight-container for 10 s with -o cgroup=systemd over dm-flakey
#            dropping every write (systemd-drop-writes.sh). poof vm made the
#            target on the flakey device (--fault drop-writes --fault-after
#            1h: never by itself); this hook switches the fault and writes
#            the fault log the run reads. First, while the disk holds
#            nothing else: a dropped write must read back as never written,
#            not as a block another run left on the disk. Then a new ext4.
#   systemd  tight-container for 15 s with -o cgroup=systemd, and what
#            systemd showed of the run's scope every second meanwhile
#            (systemd.sh);
#   cleanup  the same for 60 s, its supervisor SIGKILLed with a process of
#            the container that escaped it, then poof cleanup
#            (systemd-cleanup.sh).
#
# Each leaves rc (poof's exit code), stdout.txt, stderr.txt and, like the
# guest's init does for its own run, cgroups-left.txt, processes-left.txt
# and systemd-after.txt. The host's tools run here (dash, procps, systemd's
# systemctl). Progress also goes to the console.

say() {
	echo "$*"
	echo "POOF-VM: hook: $* at $(cut -d' ' -f1 /proc/uptime)s" >/dev/console
}

uptime_s() {
	cut -d. -f1 /proc/uptime
}

# The poof-* units systemd has, with their Delegate and ControlGroup.
poof_units() {
	for unit in $(systemctl list-units --all --plain --no-legend 'poof-*' | cut -d' ' -f1); do
		systemctl show -p Id,ActiveState,Delegate,ControlGroup "$unit" | tr '\n' ' '
		echo
	done
}

# What a run left behind, as the tests list it: cgroups, poof processes, units.
left() {
	find /sys/fs/cgroup -mindepth 1 -type d -name 'poof-*' >"$1/cgroups-left.txt" 2>&1
	for p in /proc/[0-9]*; do
		{ read -r comm <"$p/comm"; } 2>/dev/null || continue
		case "$comm" in
		poof*) echo "${p#/proc/} $comm $(cut -d' ' -f3 "$p/stat" 2>/dev/null)" ;;
		esac
	done >"$1/processes-left.txt"
	poof_units >"$1/systemd-after.txt" 2>&1
}

# stress NAME ARGS...: poof stress in the foreground with a deadline, its exit code in NAME/rc.
stress() {
	d=/results/$1
	shift
	timeout -s TERM 300 poof stress "$@" --dir /mnt/target >"$d/stdout.txt" 2>"$d/stderr.txt" \
		</dev/null
	echo $? >"$d/rc"
}

scenario_systemd() {
	d=/results/systemd
	say "systemd: tight-container for 15 s in a scope of systemd's"
	(while :; do
		poof_units >>"$d/systemd-during.txt" 2>&1
		sleep 1
	done) &
	watcher=$!
	stress systemd --profile tight-container -o duration=15s -o cgroup=systemd \
		--json "$d/report.json"
	kill "$watcher"
	left "$d"
	say "systemd: exit $(cat "$d/rc")"
}

# The run's container and its first process: that one's parent is the supervisor.
find_supervisor() {
	end=$(($(uptime_s) + 120))
	while [ "$(uptime_s)" -lt "$end" ]; do
		box=$(ls -d /sys/fs/cgroup/system.slice/poof-*.scope/poof-*/box 2>/dev/null | head -n1)
		[ -n "$box" ] && pid=$(head -n1 "$box/cgroup.procs" 2>/dev/null) && [ -n "$pid" ] &&
			sup=$(cut -d' ' -f4 "/proc/$pid/stat" 2>/dev/null) && [ -n "$sup" ] && return 0
		sleep 0.2
	done
	return 1
}

scenario_cleanup() {
	d=/results/cleanup
	say "cleanup: tight-container for 60 s, its supervisor to be SIGKILLed"
	poof stress --profile tight-container -o duration=60s -o cgroup=systemd --dir /mnt/target \
		>"$d/stdout.txt" 2>"$d/stderr.txt" </dev/null &
	poof_pid=$!
	box='' sup=''
	find_supervisor
	echo "container $box, supervisor ${sup:-not found} (poof $poof_pid)" >"$d/hook.log"
	sleep 2
	if [ -n "$sup" ]; then
		# A process of the container that will outlive the supervisor, and
		# the OOM killer: the box is squeezed, and its workers are small.
		sh -c "echo -1000 >/proc/self/oom_score_adj && echo \$\$ >$box/cgroup.procs &&
			exec sleep 600" &
		sleep 1
		kill -KILL "$sup" && echo "killed the supervisor $sup" >>"$d/hook.log"
	else
		kill -KILL "$poof_pid"
	fi
	wait "$poof_pid"
	echo $? >"$d/rc"
	sleep 3
	timeout 60 systemctl list-units --all --plain --no-legend 'poof-*' >"$d/units-before.txt"
	timeout 120 poof cleanup >"$d/cleanup.txt" 2>&1
	echo "cleanup exit $?" >>"$d/hook.log"
	timeout 60 systemctl list-units --all --plain --no-legend 'poof-*' >"$d/units-after.txt"
	find /sys/fs/cgroup -mindepth 1 -type d -name 'poof-*' >"$d/cgroups-after.txt"
	pgrep -a -x sleep | grep -w 600 >"$d/escaped-after.txt"
	# The killed run's data stays behind (poof cleanup keeps it): not for the next run.
	rm -rf /mnt/target/poof-*
	say "cleanup: $(tail -n1 "$d/hook.log")"
}

# flakey up|drop: the target's dm-flakey device passing or dropping every write.
flakey() {
	sectors=$(blockdev --getsz /dev/vda)
	table="0 $sectors flakey /dev/vda 0 1 0"
	lockfs=--nolockfs
	[ "$1" = drop ] && table="0 $sectors flakey /dev/vda 0 0 3600 1 drop_writes" lockfs=
	dmsetup suspend $lockfs poof-flakey && dmsetup load poof-flakey --table "$table" &&
		dmsetup resume poof-flakey
}

# A new ext4 on the (passing) flakey device, for the runs after the drop.
fresh_target() {
	umount /mnt/target &&
		mkfs.ext4 -q -F -E nodiscard /dev/mapper/poof-flakey >"$1/mkfs.log" 2>&1 &&
		mount -t ext4 /dev/mapper/poof-flakey /mnt/target
}

scenario_drop() {
	d=/results/drop
	log=$d/faults.txt
	say "drop: tight-container for 10 s over dm-flakey dropping every write"
	sync
	if ! flakey drop; then
		echo 70 >"$d/rc"
		say "drop: cannot switch dm-flakey to drop_writes"
		return
	fi
	# Only a fault in the log the run reads may excuse what the device did.
	echo "$(cut -d' ' -f1 /proc/uptime) on drop-writes" >>"$log"
	stress drop --profile tight-container -o duration=10s -o cgroup=systemd \
		--fault-log "$log" --json "$d/report.json"
	flakey up && echo "$(cut -d' ' -f1 /proc/uptime) off drop-writes" >>"$log"
	left "$d"
	say "drop: exit $(cat "$d/rc")"
	fresh_target "$d" || say "drop: cannot make a new ext4 on /dev/mapper/poof-flakey"
}

mkdir -p /results/systemd /results/cleanup /results/drop
# The guest's own poof run (poof cleanup --dry-run) is quick; let it end first.
sleep 2
scenario_drop
scenario_systemd
scenario_cleanup
