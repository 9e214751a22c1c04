// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * poof vm: the command. Its options and the checks before a run (host
 * programs, the kernel, the initramfs, the accelerator); vm/run.h does the
 * run; this file says what happened and gives the exit code.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "reports/report.h"
#include "shared/clock.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/parse.h"
#include "vm/config.h"
#include "vm/initramfs.h"
#include "vm/kernel.h"
#include "vm/qemu.h"
#include "vm/run.h"

#define QEMU_BINARY "qemu-system-x86_64"
#define KVM_PROBE_TIMEOUT_NS (3 * NSEC_PER_SEC)
#define HOOK_MAX (64 << 10)
#define MAX_GUEST_ARGS 256
#define TAIL_SHOWN 25

enum accel { ACCEL_AUTO, ACCEL_KVM, ACCEL_TCG };

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
	struct vm_output outputs[VM_OUTPUTS_MAX];
	char output_args[VM_OUTPUTS_MAX][PATH_MAX + 16]; /* "--json=/results/out/..." forms */
	unsigned noutputs;
	const char *rewritten[MAX_GUEST_ARGS];
	int nrewritten;
};

struct vm_cmd {
	struct vm_args a;
	struct vm_kernel kernel;
	struct initramfs_result initrd;
	char *hook_text; /* --guest-hook's script */
	char cache_dir[PATH_MAX];
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

/* What the options say together, and the guest poof's arguments (after --). */
static int check_args(struct vm_args *a, int guest_argc, char **guest_argv)
{
	if (streq(a->fault, "none") && (a->fault_after_ns || a->fault_for_ns)) {
		log_error("--fault-after and --fault-for need a --fault (drop-writes, error-writes "
			  "or suspend)");
		return -EINVAL;
	}
	a->guest_argv = guest_argv;
	a->guest_argc = guest_argc;
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
	return check_args(a, argc - optind, argv + optind);
}

/*
 * --json FILE / --json=FILE (and --junit, --html, --ktap): the guest writes
 * it, the host gets it. --ktap - stays as it is: the guest's standard output
 * comes back anyway.
 */
static int output_option(const char *arg, const char **ret_name)
{
	static const char *const names[] = { "--json", "--junit", "--html", "--ktap" };

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

	if (a->noutputs == VM_OUTPUTS_MAX) {
		log_error("too many report options for the guest (at most %d)", VM_OUTPUTS_MAX);
		return -EINVAL;
	}
	if (check_output_path(host, opt) < 0)
		return -EINVAL;
	o = &a->outputs[a->noutputs];
	o->host = host;
	snprintf(o->guest, sizeof(o->guest), VM_GUEST_OUT "/%u-%s", a->noutputs,
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
		const char *value = k == 1			    ? strchr(arg, '=') + 1 :
				    k == 0 && i + 1 < a->guest_argc ? a->guest_argv[i + 1] :
								      NULL;

		has_dir |= streq(arg, "--dir") || strncmp(arg, "--dir=", 6) == 0;
		if (!value || streq(value, "-")) {
			a->rewritten[n++] = arg;
			continue;
		}
		if (add_output(a, opt, value, &o) < 0)
			return -EINVAL;
		if (k == 1) {
			char *guest_arg = a->output_args[o - a->outputs];
			char buf[sizeof(a->output_args[0])];

			snprintf(buf, sizeof(buf), "%s=%s", opt, o->guest);
			memcpy(guest_arg, buf, sizeof(buf));
			a->rewritten[n++] = guest_arg;
		} else {
			a->rewritten[n++] = arg;
			a->rewritten[n++] = o->guest;
			i++;
		}
	}
	if (streq(a->guest_argv[0], "stress") && !has_dir) {
		a->rewritten[n++] = "--dir";
		a->rewritten[n++] = VM_GUEST_TARGET;
	}
	/* Only a fault poof vm switched on may excuse what the device did. */
	if (streq(a->guest_argv[0], "stress") && !streq(a->fault, "none")) {
		a->rewritten[n++] = "--fault-log";
		a->rewritten[n++] = VM_GUEST_FAULT_LOG;
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

static int locate_kernel(struct vm_cmd *cmd)
{
	int r = kernel_locate(cmd->a.kernel, cmd->a.modules, cmd->cache_dir, &cmd->kernel);

	if (r >= 0)
		return 0;
	if (r == -ENOEXEC)
		log_error("%s is not a bzImage/vmlinuz with a version string (--kernel)",
			  cmd->kernel.missing);
	else if (cmd->kernel.image[0])
		log_error("no modules for kernel %s %s: %s is missing.\n  Fix: give --modules DIR "
			  "(or POOF_VM_MODULES), or install the kernel's package "
			  "(linux-image-%s).",
			  cmd->kernel.version, cmd->kernel.image, cmd->kernel.missing,
			  cmd->kernel.version);
	else
		log_error("no kernel to boot: %s: %s.\n  Fix: scripts/fetch-test-kernel.sh fetches "
			  "Debian's linux-image-amd64 into %s/kernel, or give --kernel IMAGE "
			  "(or POOF_VM_KERNEL).",
			  cmd->kernel.missing, strerror(-r), cmd->cache_dir);
	return r;
}

static void choose_accel(struct vm_cmd *cmd)
{
	bool cached = false;
	uint64_t t0 = now_monotonic_ns();

	if (cmd->a.accel != ACCEL_AUTO) {
		cmd->kvm = cmd->a.accel == ACCEL_KVM;
		log_info("accelerator: %s (--accel)", cmd->kvm ? "KVM" : "TCG");
		return;
	}
	if (qemu_probe_kvm(QEMU_BINARY, cmd->kernel.image, cmd->cache_dir, KVM_PROBE_TIMEOUT_NS,
			   &cmd->kvm, &cached) < 0)
		cmd->kvm = false;
	log_info("accelerator: %s (%s%s)", cmd->kvm ? "KVM" : "TCG",
		 cached ? "KVM probe cached for this boot" : "KVM probe",
		 cached ? "" : (cmd->kvm ? ": it boots" : ": it does not boot, using TCG"));
	log_debug("KVM probe took %.1fs", (double)(now_monotonic_ns() - t0) / 1e9);
}

static int prepare_initramfs(struct vm_cmd *cmd)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct initramfs_config c = { .poof = self,
				      .kernel = &cmd->kernel,
				      .cache_dir = cmd->cache_dir };
	uint64_t t0;
	int r;

	if (n < 0)
		return -errno;
	self[n] = '\0';
	t0 = now_monotonic_ns();
	r = initramfs_prepare(&c, &cmd->initrd);
	if (r == -ENOENT) {
		log_error("cannot build the initramfs: %s not found.\n  Fix: install it (see "
			  "poof-vm(1)), or for a module, give the kernel's full module tree.",
			  cmd->initrd.missing);
		return r;
	}
	if (r < 0) {
		log_error("cannot build the initramfs in %s/initramfs: %s", cmd->cache_dir,
			  strerror(-r));
		return r;
	}
	if (cmd->initrd.cached)
		log_notice("initramfs: cached %s", cmd->initrd.path);
	else
		log_notice("initramfs: built %s in %.1fs", cmd->initrd.path,
			   (double)(now_monotonic_ns() - t0) / 1e9);
	return 0;
}

/* config.sh for the guest's /init: settings, then the guest poof's argv. */
static char *make_config(const struct vm_cmd *cmd)
{
	const struct vm_args *a = &cmd->a;
	const struct vm_guest_config g = {
		.fs = a->fs,
		.fault = a->fault,
		.fault_after_ns = a->fault_after_ns,
		.fault_for_ns = a->fault_for_ns,
		.hang_test = a->hang_test,
		.hook = cmd->hook_text,
		.init = a->init,
		.argv = a->rewritten,
		.argc = a->nrewritten,
	};

	return vm_config_text(&g);
}

static int block_signals(struct vm_cmd *cmd)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, &cmd->old_mask) < 0)
		return -errno;
	cmd->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	return cmd->signal_fd < 0 ? -errno : 0;
}

/* The guest poof's messages and our own markers, live, on stderr. */
static void forward_line(const char *line, void *userdata)
{
	const struct vm_cmd *cmd = userdata;
	const char *m = strstr(line, "POOF-VM: ");

	if (cmd->a.quiet)
		return;
	if (m && (strncmp(m + 9, "setup failed", 12) == 0 || strncmp(m + 9, "fault", 5) == 0 ||
		  strncmp(m + 9, "hang test", 9) == 0 || strncmp(m + 9, "results failed", 14) == 0))
		fprintf(stderr, "guest: %s\n", m + 9);
	else if (!m && strncmp(line, "poof", 4) == 0)
		fprintf(stderr, "guest: %s\n", line);
}

static void on_boot(const struct vm_run *run, void *userdata)
{
	const struct vm_cmd *cmd = userdata;

	(void)run;
	log_notice("booting %s (%s) with %s, %s on a %llu MiB disk, fault %s, init %s",
		   cmd->kernel.image, cmd->kernel.version, cmd->kvm ? "KVM" : "TCG", cmd->a.fs,
		   (unsigned long long)(cmd->a.disk_size >> 20), cmd->a.fault, cmd->a.init);
}

static void on_retry(const struct vm_run *run, void *userdata)
{
	(void)userdata;
	log_warn("the guest printed nothing in %llus, not even its init's first line: "
		 "booting once more (the silent boot's console log: %s)",
		 (unsigned long long)(run->silent_ns / NSEC_PER_SEC), run->silent_console);
}

/* What stopped the run before QEMU came to an outcome. */
static void report_failure(const struct vm_run *run)
{
	const char *path = run->failed_path, *error = strerror(-run->error);

	switch (run->failed) {
	case VM_STEP_RESULT_DIR:
		log_error("cannot create %s: %s", path, error);
		break;
	case VM_STEP_TMP_DIR:
		log_error("cannot create a temporary directory %s: %s", path, error);
		break;
	case VM_STEP_SCRATCH:
		log_error("cannot create the scratch disk %s: %s", path, error);
		break;
	case VM_STEP_XFER:
		log_error("cannot create the transfer disk %s", path);
		break;
	case VM_STEP_CONSOLE:
		log_error("cannot create the console log %s: %s", path, error);
		break;
	case VM_STEP_QEMU:
		log_error("cannot run %s: %s", path, error);
		break;
	case VM_STEP_NONE:
		break;
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

/* What came back from the guest: the outputs that did not, then its stdout. */
static void report_results(const struct vm_cmd *cmd, const struct vm_run *run)
{
	if (run->results < 0 && run->qemu.outcome == QEMU_DONE)
		log_warn("no results came back from the guest (%s)",
			 run->results == -ENODATA ? "it never wrote them" :
						    strerror(-run->results));
	if (!run->collected)
		return;
	for (unsigned i = 0; i < cmd->a.noutputs; i++) {
		const struct vm_output *o = &cmd->a.outputs[i];

		if (run->output_errors[i] < 0)
			log_warn("the guest's %s did not come back to %s: %s", o->guest, o->host,
				 strerror(-run->output_errors[i]));
	}
	print_guest_stdout(run);
}

static void print_tail(const struct qemu_result *res)
{
	unsigned from = res->ntail > TAIL_SHOWN ? res->ntail - TAIL_SHOWN : 0;

	fprintf(stderr, "--- last console lines ---\n");
	for (unsigned i = from; i < res->ntail; i++)
		fprintf(stderr, "  %s\n", res->tail[i]);
	fprintf(stderr, "---\n");
}

/*
 * The guest's summary names its run directories as the guest saw them
 * (/var/tmp/poof/ID); say where each one is on the host now.
 */
static void print_guest_runs(const struct vm_run *run)
{
	_cleanup_closedir_ DIR *d = NULL;
	char dir[PATH_MAX];
	struct dirent *e;

	if (snprintf(dir, sizeof(dir), "%s/run", run->result_dir) >= (int)sizeof(dir))
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			log_notice("the guest's /var/tmp/poof/%s is %s/%s here: poof report %s/%s "
				   "--html report.html",
				   e->d_name, dir, e->d_name, dir, e->d_name);
}

/* QEMU's outcome in words, and the exit code of poof vm. */
static int verdict(const struct vm_cmd *cmd, const struct vm_run *run)
{
	const struct qemu_result *res = &run->qemu;
	char t[32];

	format_duration(cmd->a.timeout_ns, t, sizeof(t));
	switch (res->outcome) {
	case QEMU_DONE:
		if (res->guest_exit == EXIT_INTERNAL)
			print_tail(res);
		log_notice("guest poof exited %d after %.1fs (boot %.1fs); results in %s",
			   res->guest_exit, (double)res->elapsed_ns / 1e9,
			   (double)res->boot_ns / 1e9, run->result_dir);
		print_guest_runs(run);
		return res->guest_exit;
	case QEMU_HANG:
		print_tail(res);
		log_error("HANG: %s after %.0fs of console silence (limit %.0fs: a quarter of "
			  "--timeout %s, within 10-60s); QEMU killed. Console log: %s",
			  res->booted ? "the guest stopped its heartbeat: a guest lockup" :
					"the guest never started its init",
			  (double)res->silence_ns / 1e9,
			  (double)vm_heartbeat_timeout(cmd->a.timeout_ns) / 1e9, t, run->console);
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

static int run_vm(struct vm_cmd *cmd)
{
	_cleanup_free_ char *config = make_config(cmd);
	_cleanup_free_ struct vm_run *run = calloc(1, sizeof(*run));
	const struct vm_run_config c = {
		.qemu = QEMU_BINARY,
		.kernel = cmd->kernel.image,
		.initrd = cmd->initrd.path,
		.config = config,
		.kvm = cmd->kvm,
		.share_root = streq(cmd->a.init, "systemd"),
		.disk_size = cmd->a.disk_size,
		.mem = cmd->a.mem,
		.cpus = (unsigned)cmd->a.cpus,
		.timeout_ns = cmd->a.timeout_ns,
		.signal_fd = cmd->signal_fd,
		.run_dir = cmd->a.run_dir,
		.console = cmd->a.console,
		.outputs = cmd->a.outputs,
		.noutputs = cmd->a.noutputs,
		.on_retry = on_retry,
		.on_boot = on_boot,
		.on_line = forward_line,
		.userdata = cmd,
	};
	int r;

	if (!config || !run)
		return EXIT_INTERNAL;
	r = vm_run(&c, run);
	if (r < 0)
		report_failure(run);
	else
		report_results(cmd, run);
	if (run->remove_error < 0)
		log_warn("cannot remove %s: %s", run->tmp_dir, strerror(-run->remove_error));
	return r < 0 ? EXIT_INTERNAL : verdict(cmd, run);
}

/* --guest-hook SCRIPT travels in config.sh, which must stay small. */
static int read_hook(struct vm_cmd *cmd)
{
	size_t len;
	int r;

	if (!cmd->a.hook)
		return 0;
	r = read_file_full(AT_FDCWD, cmd->a.hook, HOOK_MAX, (void **)&cmd->hook_text, &len);
	if (r == -EFBIG)
		log_error("--guest-hook %s: larger than %d KiB", cmd->a.hook, HOOK_MAX >> 10);
	else if (r < 0)
		log_error("--guest-hook %s: %s", cmd->a.hook, strerror(-r));
	else if (memchr(cmd->hook_text, '\0', len)) {
		log_error("--guest-hook %s: not a shell script (it holds NUL bytes)", cmd->a.hook);
		r = -EINVAL;
	}
	return r;
}

static int setup(struct vm_cmd *cmd)
{
	const char *cache = getenv("POOF_CACHE_DIR");

	snprintf(cmd->cache_dir, sizeof(cmd->cache_dir), "%s",
		 cache && cache[0] ? cache : "/var/cache/poof");
	if (rewrite_guest_args(&cmd->a) < 0 || read_hook(cmd) < 0)
		return EXIT_USAGE;
	if (check_host_programs(&cmd->a) < 0 || locate_kernel(cmd) < 0)
		return EXIT_UNSUPPORTED;
	log_info("kernel %s (%s), modules %s", cmd->kernel.image, cmd->kernel.version,
		 cmd->kernel.modules);
	if (prepare_initramfs(cmd) < 0)
		return cmd->initrd.missing[0] ? EXIT_UNSUPPORTED : EXIT_INTERNAL;
	choose_accel(cmd);
	return 0;
}

int cmd_vm(int argc, char **argv)
{
	struct vm_cmd cmd = {
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

	r = parse_args(argc, argv, &cmd.a);
	if (r != 0)
		return r > 0 ? 0 : EXIT_USAGE;
	if (cmd.a.disk_size < (64ULL << 20) || cmd.a.mem < (128ULL << 20)) {
		log_error("--disk-size must be at least 64M and --mem at least 128M");
		return EXIT_USAGE;
	}
	if (geteuid() != 0)
		log_warn("poof vm is meant to run as root (it writes %s)", "/var/cache/poof");
	r = block_signals(&cmd);
	if (r < 0) {
		log_error("cannot block signals: %s", strerror(-r));
		return EXIT_INTERNAL;
	}
	r = setup(&cmd);
	if (r == 0)
		r = run_vm(&cmd);
	close(cmd.signal_fd);
	sigprocmask(SIG_SETMASK, &cmd.old_mask, NULL);
	free(cmd.hook_text);
	return r;
}
