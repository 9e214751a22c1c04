// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "reports/report.h"
#include "shared/clock.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/parse.h"
#include "vm/initramfs.h"
#include "vm/kernel.h"
#include "vm/qemu.h"
#include "vm/xfer.h"

#define QEMU_BINARY "qemu-system-x86_64"
#define GUEST_TARGET "/mnt/target"
#define GUEST_OUT "/results/out"
/* The guest's init logs every switch of --fault here; the guest poof reads it. */
#define GUEST_FAULT_LOG "/run/poof-vm-faults"
#define XFER_SIZE (1ULL << 30) /* sparse: costs what the guest writes */
#define KVM_PROBE_TIMEOUT_NS (3 * NSEC_PER_SEC)
#define BOOT_TIMEOUT_NS (120 * NSEC_PER_SEC)
#define HEARTBEAT_MIN_NS (10 * NSEC_PER_SEC)
#define HEARTBEAT_MAX_NS (60 * NSEC_PER_SEC)
#define MAX_OUTPUTS 8
#define HOOK_MAX (64 << 10)
#define MAX_GUEST_ARGS 256
#define TAIL_SHOWN 25

enum accel { ACCEL_AUTO, ACCEL_KVM, ACCEL_TCG };

struct vm_output {
	const char *host;	       /* where the user asked for the file */
	char guest[PATH_MAX];	       /* where the guest poof writes it */
	char guest_arg[PATH_MAX + 16]; /* "--json=/results/out/..." form when given so */
};

struct vm_args {
	const char *kernel, *modules, *console, *run_dir;
	const char *fs;
	const char *fault;
	uint64_t fault_after_ns, fault_for_ns; /* for 0: until the guest poof exits */
	const char *hook;		       /* --guest-hook: a script run beside poof */
	/* busybox (the initramfs runs poof) or systemd (PID 1 on the host's root) */
	const char *init;
	uint64_t disk_size, mem;
	uint64_t cpus;
	uint64_t timeout_ns;
	enum accel accel;
	bool hang_test, quiet;
	char **guest_argv; /* after "--" */
	int guest_argc;
	struct vm_output outputs[MAX_OUTPUTS];
	unsigned noutputs;
	const char *rewritten[MAX_GUEST_ARGS];
	int nrewritten;
};

struct vm_run {
	struct vm_args a;
	struct vm_kernel kernel;
	struct initramfs_result initrd;
	char *hook_text; /* --guest-hook's script */
	char cache_dir[PATH_MAX];
	char result_dir[PATH_MAX];
	char tmp_dir[PATH_MAX];
	char scratch[PATH_MAX + 32], xfer[PATH_MAX + 32], console[PATH_MAX + 32];
	bool kvm;
	int signal_fd;
	sigset_t old_mask;
};

static void vm_usage(FILE *out)
{
	fprintf(out,
		"Usage: poof vm [--kernel IMAGE] [--modules DIR] [--fs ext4|xfs|btrfs]\n"
		"               [--disk-size SIZE] [--mem SIZE] [--cpus N]\n"
		"               [--fault none|drop-writes|error-writes|suspend]\n"
		"               [--fault-after DURATION] [--fault-for DURATION]\n"
		"               [--timeout DURATION] [--console FILE] [--run-dir DIR]\n"
		"               [--accel auto|kvm|tcg] [--guest-hook SCRIPT]\n"
		"               [--init busybox|systemd]\n"
		"               -- ARGS...\n\n"
		"Boot a kernel under QEMU and run `poof ARGS...` in it on cgroup v2, on a scratch\n"
		"filesystem made in the guest (optionally over dm-flakey). Exits with the guest\n"
		"poof's exit code, 2 for a guest lockup, 3 for a kernel panic. See poof-vm(1).\n");
}

static int parse_choice(const char *opt, const char *v, const char *const *accepted,
			const char *text)
{
	for (unsigned i = 0; accepted[i]; i++)
		if (streq(v, accepted[i]))
			return 0;
	log_error("%s %s: accepted values are %s", opt, v, text);
	return -EINVAL;
}

static const struct option options[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "modules", required_argument, NULL, 'M' },
	{ "fs", required_argument, NULL, 'F' },
	{ "disk-size", required_argument, NULL, 'd' },
	{ "mem", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "fault", required_argument, NULL, 'f' },
	{ "fault-after", required_argument, NULL, 'A' },
	{ "fault-for", required_argument, NULL, 'D' },
	{ "guest-hook", required_argument, NULL, 'G' },
	{ "timeout", required_argument, NULL, 't' },
	{ "console", required_argument, NULL, 'C' },
	{ "run-dir", required_argument, NULL, 'R' },
	{ "accel", required_argument, NULL, 'a' },
	{ "init", required_argument, NULL, 'I' },
	{ "guest-hang-test", no_argument, NULL, 'H' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{},
};

/* "--mem" for 'm': the long option that returns c, for messages. */
static const char *option_name(int c)
{
	for (const struct option *o = options; o->name; o++)
		if (o->val == c)
			return o->name;
	return "?";
}

static int parse_value(int c, const char *v, struct vm_args *a)
{
	static const char *const fs[] = { "ext4", "xfs", "btrfs", NULL };
	static const char *const faults[] = { "none", "drop-writes", "error-writes", "suspend",
					      NULL };
	static const char *const inits[] = { "busybox", "systemd", NULL };
	int r = 0;

	switch (c) {
	case 'F':
		a->fs = v;
		return parse_choice("--fs", v, fs, "ext4, xfs or btrfs");
	case 'f':
		a->fault = v;
		return parse_choice("--fault", v, faults,
				    "none, drop-writes, error-writes or suspend");
	case 'A':
		r = parse_duration(v, &a->fault_after_ns);
		break;
	case 'D':
		r = parse_duration(v, &a->fault_for_ns);
		break;
	case 'I':
		a->init = v;
		return parse_choice("--init", v, inits, "busybox or systemd");
	case 'd':
		r = parse_size(v, &a->disk_size);
		break;
	case 'm':
		r = parse_size(v, &a->mem);
		break;
	case 'c':
		r = parse_uint(v, 1, 64, &a->cpus);
		break;
	case 't':
		r = parse_duration(v, &a->timeout_ns);
		break;
	case 'a':
		a->accel = streq(v, "kvm") ? ACCEL_KVM : streq(v, "tcg") ? ACCEL_TCG : ACCEL_AUTO;
		if (!streq(v, "kvm") && !streq(v, "tcg") && !streq(v, "auto"))
			r = -EINVAL;
		break;
	}
	if (r < 0)
		log_error("invalid value \"%s\" for --%s (see poof vm --help)", v, option_name(c));
	return r;
}

static int parse_args(int argc, char **argv, struct vm_args *a)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+k:M:F:d:m:c:f:t:C:R:a:I:qvh", options, NULL)) != -1) {
		switch (c) {
		case 'k':
			a->kernel = optarg;
			break;
		case 'M':
			a->modules = optarg;
			break;
		case 'C':
			a->console = optarg;
			break;
		case 'R':
			a->run_dir = optarg;
			break;
		case 'G':
			a->hook = optarg;
			break;
		case 'H':
			a->hang_test = true;
			break;
		case 'q':
		case 'v':
		case 'h':
			if (parse_common_option(c, vm_usage, &a->quiet))
				return 1;
			break;
		case '?':
			vm_usage(stderr);
			return -EINVAL;
		default:
			if (parse_value(c, optarg, a) < 0)
				return -EINVAL;
		}
	}
	if (streq(a->fault, "none") && (a->fault_after_ns || a->fault_for_ns)) {
		log_error("--fault-after and --fault-for need a --fault (drop-writes, error-writes "
			  "or suspend)");
		return -EINVAL;
	}
	a->guest_argv = argv + optind;
	a->guest_argc = argc - optind;
	if (a->guest_argc == 0) {
		log_error("nothing to run in the guest: give the poof command after --, "
			  "e.g. poof vm -- stress --profile smoke");
		return -EINVAL;
	}
	if (a->guest_argc > MAX_GUEST_ARGS - 4) {
		log_error("too many arguments for the guest (at most %d)", MAX_GUEST_ARGS - 4);
		return -EINVAL;
	}
	return 0;
}

/* --json FILE / --json=FILE (and --junit, --html): the guest writes it, the host gets it. */
static int output_option(const char *arg, const char **ret_name)
{
	static const char *const names[] = { "--json", "--junit", "--html" };

	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		size_t n = strlen(names[i]);

		if (strncmp(arg, names[i], n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
			*ret_name = names[i];
			return arg[n] == '=' ? 1 : 0;
		}
	}
	return -ENOENT;
}

static int add_output(struct vm_args *a, const char *opt, const char *host, struct vm_output **ret)
{
	struct vm_output *o;
	const char *base = strrchr(host, '/');

	if (a->noutputs == MAX_OUTPUTS) {
		log_error("too many report options for the guest (at most %d)", MAX_OUTPUTS);
		return -EINVAL;
	}
	if (check_output_path(host, opt) < 0)
		return -EINVAL;
	o = &a->outputs[a->noutputs];
	o->host = host;
	snprintf(o->guest, sizeof(o->guest), GUEST_OUT "/%u-%s", a->noutputs,
		 base ? base + 1 : host);
	a->noutputs++;
	*ret = o;
	return 0;
}

static int rewrite_guest_args(struct vm_args *a)
{
	bool has_dir = false;
	int n = 0;

	for (int i = 0; i < a->guest_argc; i++) {
		const char *arg = a->guest_argv[i], *opt;
		struct vm_output *o;
		int k = output_option(arg, &opt);

		has_dir |= streq(arg, "--dir") || strncmp(arg, "--dir=", 6) == 0;
		if (k < 0 || (k == 0 && i + 1 == a->guest_argc)) {
			a->rewritten[n++] = arg;
			continue;
		}
		if (add_output(a, opt, k == 1 ? strchr(arg, '=') + 1 : a->guest_argv[i + 1], &o) <
		    0)
			return -EINVAL;
		if (k == 1) {
			char buf[sizeof(o->guest_arg)];

			snprintf(buf, sizeof(buf), "%s=%s", opt, o->guest);
			memcpy(o->guest_arg, buf, sizeof(buf));
			a->rewritten[n++] = o->guest_arg;
		} else {
			a->rewritten[n++] = arg;
			a->rewritten[n++] = o->guest;
			i++;
		}
	}
	if (streq(a->guest_argv[0], "stress") && !has_dir) {
		a->rewritten[n++] = "--dir";
		a->rewritten[n++] = GUEST_TARGET;
	}
	/* Only a fault poof vm switched on may excuse what the device did. */
	if (streq(a->guest_argv[0], "stress") && !streq(a->fault, "none")) {
		a->rewritten[n++] = "--fault-log";
		a->rewritten[n++] = GUEST_FAULT_LOG;
	}
	a->nrewritten = n;
	return 0;
}

static const char *mkfs_package(const char *fs)
{
	return streq(fs, "xfs") ? "xfsprogs" : streq(fs, "btrfs") ? "btrfs-progs" : "e2fsprogs";
}

/* What must be on the host, each with the package that provides it. */
static int check_host_programs(const struct vm_args *a)
{
	char path[PATH_MAX], mkfs[32];

	snprintf(mkfs, sizeof(mkfs), "mkfs.%s", a->fs);
	bool systemd = streq(a->init, "systemd");
	const struct {
		const char *program, *package;
		bool needed;
	} need[] = {
		{ QEMU_BINARY, "qemu-system-x86", true },
		{ "busybox", "busybox-static", true },
		{ "ldd", "libc-bin", true },
		{ mkfs, mkfs_package(a->fs), true },
		{ "dmsetup", "dmsetup", !streq(a->fault, "none") },
		/* --init systemd boots the host's own systemd and D-Bus, over 9p. */
		{ "/lib/systemd/systemd", "systemd", systemd },
		{ "dbus-daemon", "dbus", systemd },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(need); i++) {
		if (!need[i].needed || find_executable(need[i].program, path, sizeof(path)) == 0)
			continue;
		log_error("%s not found, needed by poof vm.\n  Fix: apt-get install %s",
			  need[i].program, need[i].package);
		return -ENOENT;
	}
	return 0;
}

static int locate_kernel(struct vm_run *run)
{
	int r = kernel_locate(run->a.kernel, run->a.modules, run->cache_dir, &run->kernel);

	if (r >= 0)
		return 0;
	if (r == -ENOEXEC)
		log_error("%s is not a bzImage/vmlinuz with a version string (--kernel)",
			  run->kernel.missing);
	else if (run->kernel.image[0])
		log_error("no modules for kernel %s %s: %s is missing.\n  Fix: give --modules DIR "
			  "(or POOF_VM_MODULES), or install the kernel's package "
			  "(linux-image-%s).",
			  run->kernel.version, run->kernel.image, run->kernel.missing,
			  run->kernel.version);
	else
		log_error("no kernel to boot: %s: %s.\n  Fix: scripts/fetch-test-kernel.sh fetches "
			  "Debian's linux-image-amd64 into %s/kernel, or give --kernel IMAGE "
			  "(or POOF_VM_KERNEL).",
			  run->kernel.missing, strerror(-r), run->cache_dir);
	return r;
}

static void choose_accel(struct vm_run *run)
{
	bool cached = false;
	uint64_t t0 = now_monotonic_ns();

	if (run->a.accel != ACCEL_AUTO) {
		run->kvm = run->a.accel == ACCEL_KVM;
		log_info("accelerator: %s (--accel)", run->kvm ? "KVM" : "TCG");
		return;
	}
	if (qemu_probe_kvm(QEMU_BINARY, run->kernel.image, run->cache_dir, KVM_PROBE_TIMEOUT_NS,
			   &run->kvm, &cached) < 0)
		run->kvm = false;
	log_info("accelerator: %s (%s%s)", run->kvm ? "KVM" : "TCG",
		 cached ? "KVM probe cached for this boot" : "KVM probe",
		 cached ? "" : (run->kvm ? ": it boots" : ": it does not boot, using TCG"));
	log_debug("KVM probe took %.1fs", (double)(now_monotonic_ns() - t0) / 1e9);
}

static int prepare_initramfs(struct vm_run *run)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct initramfs_config c = { .poof = self,
				      .kernel = &run->kernel,
				      .cache_dir = run->cache_dir };
	uint64_t t0 = now_monotonic_ns();
	int r;

	if (n < 0)
		return -errno;
	self[n] = '\0';
	r = initramfs_prepare(&c, &run->initrd);
	if (r == -ENOENT) {
		log_error("cannot build the initramfs: %s not found.\n  Fix: install it (see "
			  "poof-vm(1)), or for a module, give the kernel's full module tree.",
			  run->initrd.missing);
		return r;
	}
	if (r < 0) {
		log_error("cannot build the initramfs in %s/initramfs: %s", run->cache_dir,
			  strerror(-r));
		return r;
	}
	if (run->initrd.cached)
		log_notice("initramfs: cached %s", run->initrd.path);
	else
		log_notice("initramfs: built %s in %.1fs", run->initrd.path,
			   (double)(now_monotonic_ns() - t0) / 1e9);
	return 0;
}

static int make_result_dir(struct vm_run *run)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	int r;

	if (run->a.run_dir) {
		snprintf(run->result_dir, sizeof(run->result_dir), "%s", run->a.run_dir);
	} else {
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime_r(&t, &tm));
		snprintf(run->result_dir, sizeof(run->result_dir), "/var/tmp/poof/vm-%s-%d", stamp,
			 (int)getpid());
	}
	r = mkdir_parents(run->result_dir, 0755);
	if (r < 0)
		log_error("cannot create %s: %s", run->result_dir, strerror(-r));
	return r;
}

static int make_disks(struct vm_run *run, const char *config)
{
	const char *tmp = getenv("TMPDIR");
	_cleanup_close_ int fd = -1;

	snprintf(run->tmp_dir, sizeof(run->tmp_dir), "%s/poof-vm.XXXXXX",
		 tmp && tmp[0] ? tmp : "/var/tmp");
	if (!mkdtemp(run->tmp_dir)) {
		int r = -errno;

		log_error("cannot create a temporary directory %s: %s", run->tmp_dir, strerror(-r));
		run->tmp_dir[0] = '\0';
		return r;
	}
	snprintf(run->scratch, sizeof(run->scratch), "%s/scratch.img", run->tmp_dir);
	snprintf(run->xfer, sizeof(run->xfer), "%s/xfer.img", run->tmp_dir);
	fd = open(run->scratch, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)run->a.disk_size) < 0) {
		log_error("cannot create the scratch disk %s: %s", run->scratch, strerror(errno));
		return -errno;
	}
	if (xfer_create(run->xfer, XFER_SIZE, config) < 0) {
		log_error("cannot create the transfer disk %s", run->xfer);
		return -EIO;
	}
	return 0;
}

static void remove_disks(struct vm_run *run)
{
	if (!run->tmp_dir[0])
		return;
	unlink(run->scratch);
	unlink(run->xfer);
	if (rmdir(run->tmp_dir) < 0)
		log_warn("cannot remove %s: %s", run->tmp_dir, strerror(errno));
	run->tmp_dir[0] = '\0';
}

/* The dm-flakey feature of a --fault that drops or fails writes. */
static const char *fault_feature(const char *fault)
{
	return streq(fault, "drop-writes")  ? "drop_writes" :
	       streq(fault, "error-writes") ? "error_writes" :
					      "";
}

/* config.sh for the guest's /init: settings, then the guest poof's argv. */
static char *make_config(const struct vm_run *run)
{
	const struct vm_args *a = &run->a;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	_cleanup_free_ char *hook = shell_quote(run->hook_text ? run->hook_text : "");

	if (!f || !hook) {
		if (f)
			fclose(f);
		return NULL;
	}
	fprintf(f,
		"POOF_VM_FS=%s\nPOOF_VM_FAULT=%s\nPOOF_VM_FAULT_FEATURE=%s\n"
		"POOF_VM_FAULT_AFTER=%.3f\nPOOF_VM_FAULT_FOR=%.3f\n"
		"POOF_VM_HANG_TEST=%d\nPOOF_VM_HOOK=%s\nPOOF_VM_INIT=%s\n"
		"POOF_VM_FAULT_LOG=" GUEST_FAULT_LOG "\nset --",
		a->fs, a->fault, fault_feature(a->fault), (double)a->fault_after_ns / 1e9,
		(double)a->fault_for_ns / 1e9, a->hang_test, hook, a->init);
	for (int i = 0; i < a->nrewritten; i++) {
		_cleanup_free_ char *q = shell_quote(a->rewritten[i]);

		fprintf(f, " %s", q ? q : "''");
	}
	fputc('\n', f);
	fclose(f);
	return text;
}

static int block_signals(struct vm_run *run)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, &run->old_mask) < 0)
		return -errno;
	run->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	return run->signal_fd < 0 ? -errno : 0;
}

/* The guest poof's messages and our own markers, live, on stderr. */
static void forward_line(const char *line, void *userdata)
{
	const struct vm_run *run = userdata;
	const char *m = strstr(line, "POOF-VM: ");

	if (run->a.quiet)
		return;
	if (m && (strncmp(m + 9, "setup failed", 12) == 0 || strncmp(m + 9, "fault", 5) == 0 ||
		  strncmp(m + 9, "hang test", 9) == 0 || strncmp(m + 9, "results failed", 14) == 0))
		fprintf(stderr, "guest: %s\n", m + 9);
	else if (!m && strncmp(line, "poof", 4) == 0)
		fprintf(stderr, "guest: %s\n", line);
}

static uint64_t heartbeat_timeout(uint64_t timeout_ns)
{
	return MAX(HEARTBEAT_MIN_NS, MIN(HEARTBEAT_MAX_NS, timeout_ns / 4));
}

static int boot(struct vm_run *run, struct qemu_result *res)
{
	_cleanup_close_ int console_fd = -1;
	struct qemu_config c = {
		.binary = QEMU_BINARY,
		.kernel = run->kernel.image,
		.initrd = run->initrd.path,
		.append = "console=ttyS0 quiet panic=-1 oops=panic",
		.scratch = run->scratch,
		.xfer = run->xfer,
		.share = streq(run->a.init, "systemd") ? "/" : NULL,
		.mem_bytes = run->a.mem,
		.cpus = (unsigned)run->a.cpus,
		.kvm = run->kvm,
		.signal_fd = run->signal_fd,
		.boot_timeout_ns = MIN(BOOT_TIMEOUT_NS, run->a.timeout_ns),
		.heartbeat_timeout_ns = heartbeat_timeout(run->a.timeout_ns),
		.timeout_ns = run->a.timeout_ns,
		.on_line = forward_line,
		.userdata = run,
	};
	int r;

	if (run->a.console)
		snprintf(run->console, sizeof(run->console), "%s", run->a.console);
	else
		snprintf(run->console, sizeof(run->console), "%s/console.log", run->result_dir);
	console_fd = open(run->console, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
			  0644);
	if (console_fd < 0) {
		log_error("cannot create the console log %s: %s", run->console, strerror(errno));
		return -errno;
	}
	c.console_fd = console_fd;
	log_notice("booting %s (%s) with %s, %s on a %llu MiB disk, fault %s, init %s",
		   run->kernel.image, run->kernel.version, run->kvm ? "KVM" : "TCG", run->a.fs,
		   (unsigned long long)(run->a.disk_size >> 20), run->a.fault, run->a.init);
	r = qemu_run(&c, res);
	if (r < 0)
		log_error("cannot run %s: %s", QEMU_BINARY, strerror(-r));
	return r;
}

/*
 * A guest that printed nothing at all, not even its init's first line,
 * never ran anything of ours: under TCG an early boot now and then stalls
 * before the console comes up. Boot once more and say so; a kernel that
 * cannot boot stays silent twice and is reported as such.
 */
static int boot_retrying_silence(struct vm_run *run, struct qemu_result *res)
{
	char silent[sizeof(run->console) + 8];
	int r = boot(run, res);

	if (r < 0 || res->outcome != QEMU_HANG || res->booted || res->ntail > 0)
		return r;
	snprintf(silent, sizeof(silent), "%s.silent", run->console);
	rename(run->console, silent);
	log_warn("the guest printed nothing in %llus, not even its init's first line: "
		 "booting once more (the silent boot's console log: %s)",
		 (unsigned long long)(res->silence_ns / NSEC_PER_SEC), silent);
	memset(res, 0, sizeof(*res));
	return boot(run, res);
}

static void print_tail(const struct qemu_result *res)
{
	unsigned from = res->ntail > TAIL_SHOWN ? res->ntail - TAIL_SHOWN : 0;

	fprintf(stderr, "--- last console lines ---\n");
	for (unsigned i = from; i < res->ntail; i++)
		fprintf(stderr, "  %s\n", res->tail[i]);
	fprintf(stderr, "---\n");
}

static void copy_outputs(const struct vm_run *run)
{
	for (unsigned i = 0; i < run->a.noutputs; i++) {
		const struct vm_output *o = &run->a.outputs[i];
		char src[PATH_MAX * 2];
		void *data;
		size_t len;
		int r;

		snprintf(src, sizeof(src), "%s/out/%s", run->result_dir,
			 strrchr(o->guest, '/') + 1);
		r = read_file_full(AT_FDCWD, src, 1u << 30, &data, &len);
		if (r >= 0) {
			r = write_path_atomic(o->host, data, len, 0644);
			free(data);
		}
		if (r < 0)
			log_warn("the guest's %s did not come back to %s: %s", o->guest, o->host,
				 strerror(-r));
	}
}

static void print_guest_stdout(const struct vm_run *run)
{
	char path[PATH_MAX * 2];
	void *data;
	size_t len;

	snprintf(path, sizeof(path), "%s/stdout.txt", run->result_dir);
	if (read_file_full(AT_FDCWD, path, 64u << 20, &data, &len) < 0)
		return;
	fwrite(data, 1, len, stdout);
	fflush(stdout);
	free(data);
}

static void collect_results(struct vm_run *run, const struct qemu_result *res)
{
	int r = xfer_extract(run->xfer, run->result_dir);

	if (r < 0) {
		if (res->outcome == QEMU_DONE)
			log_warn("no results came back from the guest (%s)",
				 r == -ENODATA ? "it never wrote them" : strerror(-r));
		return;
	}
	copy_outputs(run);
	print_guest_stdout(run);
}

static int verdict(const struct vm_run *run, const struct qemu_result *res)
{
	char t[32];

	format_duration(run->a.timeout_ns, t, sizeof(t));
	switch (res->outcome) {
	case QEMU_DONE:
		if (res->guest_exit == EXIT_INTERNAL)
			print_tail(res);
		log_notice("guest poof exited %d after %.1fs (boot %.1fs); results in %s",
			   res->guest_exit, (double)res->elapsed_ns / 1e9,
			   (double)res->boot_ns / 1e9, run->result_dir);
		return res->guest_exit;
	case QEMU_HANG:
		print_tail(res);
		log_error("HANG: %s after %.0fs of console silence (limit %.0fs: a quarter of "
			  "--timeout %s, within 10-60s); QEMU killed. Console log: %s",
			  res->booted ? "the guest stopped its heartbeat: a guest lockup" :
					"the guest never started its init",
			  (double)res->silence_ns / 1e9,
			  (double)heartbeat_timeout(run->a.timeout_ns) / 1e9, t, run->console);
		return EXIT_HANG;
	case QEMU_TIMEOUT:
		print_tail(res);
		log_error("HANG: the VM run exceeded --timeout %s; QEMU killed. Console log: %s", t,
			  run->console);
		return EXIT_HANG;
	case QEMU_PANIC:
		print_tail(res);
		log_error("KERNEL: the guest kernel panicked: %s. Console log: %s", res->panic,
			  run->console);
		return EXIT_KERNEL;
	case QEMU_DIED:
		print_tail(res);
		log_error("QEMU exited (status 0x%x) before the guest reported poof's exit code. "
			  "Console log: %s",
			  res->qemu_status, run->console);
		return EXIT_INTERNAL;
	case QEMU_INTERRUPTED:
		log_notice("stopped by %s: QEMU killed", sigabbrev_np(res->signal));
		return EXIT_INTERRUPTED;
	}
	return EXIT_INTERNAL;
}

static int run_vm(struct vm_run *run)
{
	_cleanup_free_ char *config = make_config(run);
	struct qemu_result *res = calloc(1, sizeof(*res));
	int r, code;

	if (!config || !res) {
		free(res);
		return EXIT_INTERNAL;
	}
	r = make_result_dir(run);
	if (r >= 0)
		r = make_disks(run, config);
	if (r >= 0)
		r = boot_retrying_silence(run, res);
	if (r < 0) {
		remove_disks(run);
		free(res);
		return EXIT_INTERNAL;
	}
	if (res->outcome != QEMU_INTERRUPTED)
		collect_results(run, res);
	remove_disks(run);
	code = verdict(run, res);
	free(res);
	return code;
}

/* --guest-hook SCRIPT travels in config.sh, which must stay small. */
static int read_hook(struct vm_run *run)
{
	size_t len;
	int r;

	if (!run->a.hook)
		return 0;
	r = read_file_full(AT_FDCWD, run->a.hook, HOOK_MAX, (void **)&run->hook_text, &len);
	if (r == -EFBIG)
		log_error("--guest-hook %s: larger than %d KiB", run->a.hook, HOOK_MAX >> 10);
	else if (r < 0)
		log_error("--guest-hook %s: %s", run->a.hook, strerror(-r));
	else if (memchr(run->hook_text, '\0', len)) {
		log_error("--guest-hook %s: not a shell script (it holds NUL bytes)", run->a.hook);
		r = -EINVAL;
	}
	return r;
}

static int setup(struct vm_run *run)
{
	const char *cache = getenv("POOF_CACHE_DIR");

	snprintf(run->cache_dir, sizeof(run->cache_dir), "%s",
		 cache && cache[0] ? cache : "/var/cache/poof");
	if (rewrite_guest_args(&run->a) < 0 || read_hook(run) < 0)
		return EXIT_USAGE;
	if (check_host_programs(&run->a) < 0 || locate_kernel(run) < 0)
		return EXIT_UNSUPPORTED;
	log_info("kernel %s (%s), modules %s", run->kernel.image, run->kernel.version,
		 run->kernel.modules);
	if (prepare_initramfs(run) < 0)
		return run->initrd.missing[0] ? EXIT_UNSUPPORTED : EXIT_INTERNAL;
	choose_accel(run);
	return 0;
}

int cmd_vm(int argc, char **argv)
{
	struct vm_run run = {
		.a = { .fs = "ext4",
		       .fault = "none",
		       .init = "busybox",
		       .disk_size = 1ULL << 30,
		       .mem = 1ULL << 30,
		       .cpus = 2,
		       .timeout_ns = 3600 * NSEC_PER_SEC },
		.signal_fd = -1,
	};
	int r;

	r = parse_args(argc, argv, &run.a);
	if (r != 0)
		return r > 0 ? 0 : EXIT_USAGE;
	if (run.a.disk_size < (64ULL << 20) || run.a.mem < (128ULL << 20)) {
		log_error("--disk-size must be at least 64M and --mem at least 128M");
		return EXIT_USAGE;
	}
	if (geteuid() != 0)
		log_warn("poof vm is meant to run as root (it writes %s)", "/var/cache/poof");
	r = block_signals(&run);
	if (r < 0) {
		log_error("cannot block signals: %s", strerror(-r));
		return EXIT_INTERNAL;
	}
	r = setup(&run);
	if (r == 0)
		r = run_vm(&run);
	close(run.signal_fd);
	sigprocmask(SIG_SETMASK, &run.old_mask, NULL);
	free(run.hook_text);
	return r;
}
