// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One run of `poof vm` on the host (run.h): the result directory, the two
 * disks, the boot (and the one retry of a silent boot), the results the
 * guest wrote on the transfer disk, and removing the disks again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "xfer.h"

#define XFER_SIZE (1ULL << 30) /* sparse: costs what the guest writes */
#define BOOT_TIMEOUT_NS (120 * NSEC_PER_SEC)
#define HEARTBEAT_MIN_NS (10 * NSEC_PER_SEC)
#define HEARTBEAT_MAX_NS (60 * NSEC_PER_SEC)
#define KERNEL_APPEND "console=ttyS0 quiet panic=-1 oops=panic"

uint64_t vm_heartbeat_timeout(uint64_t timeout_ns)
{
	return MAX(HEARTBEAT_MIN_NS, MIN(HEARTBEAT_MAX_NS, timeout_ns / 4));
}

/* Record the step that failed and its path: error, for the caller to return. */
static int failed(struct vm_run *run, enum vm_run_step step, const char *path, int error)
{
	run->failed = step;
	snprintf(run->failed_path, sizeof(run->failed_path), "%s", path);
	run->error = error;
	return error;
}

static int make_result_dir(const struct vm_run_config *c, struct vm_run *run)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	int r;

	if (c->run_dir) {
		snprintf(run->result_dir, sizeof(run->result_dir), "%s", c->run_dir);
	} else {
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime_r(&t, &tm));
		snprintf(run->result_dir, sizeof(run->result_dir), "/var/tmp/poof/vm-%s-%d", stamp,
			 (int)getpid());
	}
	r = mkdir_parents(run->result_dir, 0755);
	return r < 0 ? failed(run, VM_STEP_RESULT_DIR, run->result_dir, r) : 0;
}

static int make_disks(const struct vm_run_config *c, struct vm_run *run)
{
	const char *tmp = getenv("TMPDIR");
	_cleanup_close_ int fd = -1;
	int r;

	snprintf(run->tmp_dir, sizeof(run->tmp_dir), "%s/poof-vm.XXXXXX",
		 tmp && tmp[0] ? tmp : "/var/tmp");
	if (!mkdtemp(run->tmp_dir)) {
		r = failed(run, VM_STEP_TMP_DIR, run->tmp_dir, -errno);
		run->tmp_dir[0] = '\0';
		return r;
	}
	snprintf(run->scratch, sizeof(run->scratch), "%s/scratch.img", run->tmp_dir);
	snprintf(run->xfer, sizeof(run->xfer), "%s/xfer.img", run->tmp_dir);
	fd = open(run->scratch, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)c->disk_size) < 0)
		return failed(run, VM_STEP_SCRATCH, run->scratch, -errno);
	r = xfer_create(run->xfer, XFER_SIZE, c->config);
	return r < 0 ? failed(run, VM_STEP_XFER, run->xfer, r) : 0;
}

static void remove_disks(struct vm_run *run)
{
	if (!run->tmp_dir[0])
		return;
	unlink(run->scratch);
	unlink(run->xfer);
	if (rmdir(run->tmp_dir) < 0)
		run->remove_error = -errno;
}

static int boot(const struct vm_run_config *c, struct vm_run *run)
{
	_cleanup_close_ int console_fd = -1;
	struct qemu_config q = {
		.binary = c->qemu,
		.kernel = c->kernel,
		.initrd = c->initrd,
		.append = KERNEL_APPEND,
		.scratch = run->scratch,
		.xfer = run->xfer,
		.share = c->share_root ? "/" : NULL,
		.mem_bytes = c->mem,
		.cpus = c->cpus,
		.kvm = c->kvm,
		.signal_fd = c->signal_fd,
		.boot_timeout_ns = MIN(BOOT_TIMEOUT_NS, c->timeout_ns),
		.heartbeat_timeout_ns = vm_heartbeat_timeout(c->timeout_ns),
		.timeout_ns = c->timeout_ns,
		.on_line = c->on_line,
		.userdata = c->userdata,
	};
	int r;

	if (c->console)
		snprintf(run->console, sizeof(run->console), "%s", c->console);
	else
		snprintf(run->console, sizeof(run->console), "%s/console.log", run->result_dir);
	console_fd = open(run->console, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
			  0644);
	if (console_fd < 0)
		return failed(run, VM_STEP_CONSOLE, run->console, -errno);
	q.console_fd = console_fd;
	if (c->on_boot)
		c->on_boot(run, c->userdata);
	r = qemu_run(&q, &run->qemu);
	return r < 0 ? failed(run, VM_STEP_QEMU, c->qemu, r) : 0;
}

/*
 * A guest that printed nothing at all, not even its init's first line,
 * never ran anything of ours: under TCG an early boot now and then stalls
 * before the console comes up. Boot once more; a kernel that cannot boot
 * stays silent twice and is reported as such.
 */
static int boot_retrying_silence(const struct vm_run_config *c, struct vm_run *run)
{
	const struct qemu_result *res = &run->qemu;
	int r = boot(c, run);

	if (r < 0 || res->outcome != QEMU_HANG || res->booted || res->ntail > 0)
		return r;
	snprintf(run->silent_console, sizeof(run->silent_console), "%s.silent", run->console);
	rename(run->console, run->silent_console);
	run->silent_ns = res->silence_ns;
	if (c->on_retry)
		c->on_retry(run, c->userdata);
	memset(&run->qemu, 0, sizeof(run->qemu));
	return boot(c, run);
}

/* Each output from RESULTDIR/out/ to where the user asked for it. */
static void copy_outputs(const struct vm_run_config *c, struct vm_run *run)
{
	for (unsigned i = 0; i < c->noutputs; i++) {
		const struct vm_output *o = &c->outputs[i];
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
		run->output_errors[i] = r < 0 ? r : 0;
	}
}

static void collect_results(const struct vm_run_config *c, struct vm_run *run)
{
	int r = xfer_extract(run->xfer, run->result_dir);

	run->results = r < 0 ? r : 0;
	if (r < 0)
		return;
	copy_outputs(c, run);
	run->collected = true;
}

int vm_run(const struct vm_run_config *c, struct vm_run *run)
{
	int r;

	r = make_result_dir(c, run);
	if (r >= 0)
		r = make_disks(c, run);
	if (r >= 0)
		r = boot_retrying_silence(c, run);
	if (r >= 0 && run->qemu.outcome != QEMU_INTERRUPTED)
		collect_results(c, run);
	remove_disks(run);
	return r;
}
