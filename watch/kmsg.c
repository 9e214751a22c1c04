// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "watch/kmsg.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/names.h"

static const char *const event_names[] = {
	[KMSG_NONE] = "none",
	[KMSG_HUNG_TASK] = "hung-task",
	[KMSG_SOFT_LOCKUP] = "soft-lockup",
	[KMSG_HARD_LOCKUP] = "hard-lockup",
	[KMSG_RCU_STALL] = "rcu-stall",
	[KMSG_BUG] = "bug",
	[KMSG_OOPS] = "oops",
	[KMSG_WARNING] = "warning",
	[KMSG_PANIC] = "panic",
	[KMSG_FS_ERROR] = "fs-error",
	[KMSG_FS_SHUTDOWN] = "fs-shutdown",
	[KMSG_IO_ERROR] = "io-error",
	[KMSG_OOM_KILL] = "oom-kill",
	NULL,
};

const char *kmsg_event_name(enum kmsg_event e)
{
	return enum_to_name(event_names, e);
}

bool kmsg_event_is_kernel_failure(enum kmsg_event e)
{
	switch (e) {
	case KMSG_HUNG_TASK:
	case KMSG_SOFT_LOCKUP:
	case KMSG_HARD_LOCKUP:
	case KMSG_RCU_STALL:
	case KMSG_BUG:
	case KMSG_OOPS:
	case KMSG_WARNING:
	case KMSG_PANIC:
		return true;
	default:
		return false;
	}
}

static int parse_u64(const char **p, char stop, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (**p < '0' || **p > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(*p, &end, 10);
	if (errno || *end != stop)
		return -EINVAL;
	*ret = v;
	*p = end + 1;
	return 0;
}

int kmsg_parse_record(const char *buf, size_t len, struct kmsg_record *ret)
{
	const char *p = buf, *semi = memchr(buf, ';', len), *end;
	uint64_t prio;
	size_t n;

	if (!semi)
		return -EINVAL;
	if (parse_u64(&p, ',', &prio) < 0 || parse_u64(&p, ',', &ret->seq) < 0)
		return -EINVAL;
	/* The timestamp ends at ',' (flags follow); flags and extensions end at ';'. */
	if (parse_u64(&p, ',', &ret->ts_usec) < 0 || p > semi)
		return -EINVAL;
	ret->level = (unsigned)(prio & 7);
	ret->facility = (unsigned)(prio >> 3);
	end = memchr(semi + 1, '\n', len - (size_t)(semi + 1 - buf));
	n = (size_t)((end ? end : buf + len) - (semi + 1));
	n = MIN(n, (size_t)KMSG_TEXT_MAX - 1);
	memcpy(ret->text, semi + 1, n);
	ret->text[n] = '\0';
	return 0;
}

struct pattern {
	const char *needle;
	bool prefix; /* must start the text, after the optional "subsystem: " */
	enum kmsg_event event;
};

/*
 * Order matters: the first match wins ("BUG: soft lockup" before "BUG:").
 * Each needle is a line the kernel prints, e.g.
 *   INFO: task poof-w0:123 blocked for more than 120 seconds.
 *   watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [poof-w0:123]
 *   Watchdog detected hard LOCKUP on cpu 1
 *   rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:
 *   rcu: INFO: rcu_sched self-detected stall on CPU
 *   kernel BUG at fs/ext4/inode.c:1234!
 *   BUG: unable to handle page fault for address: 0000000000001234
 *   Oops: 0002 [#1] PREEMPT SMP NOPTI
 *   WARNING: CPU: 1 PID: 123 at fs/ext4/inode.c:3456 ext4_writepages+0x..
 *   Kernel panic - not syncing: Fatal exception
 *   EXT4-fs error (device vda): ext4_journal_check_start:83: comm ...
 *   Aborting journal on device dm-0-8.
 *   JBD2: I/O error when updating journal superblock for dm-0-8.
 *   XFS (vda): metadata I/O error in "xfs_buf_ioend" at daddr 0x2 len 1 error 5
 *   BTRFS: error (device vda: state A) in btrfs_finish_ordered_io:3381: errno=-12 ...
 *   BTRFS error (device vda): bdev /dev/vda errs: wr 1, rd 0, flush 0, ...
 *   BTRFS info (device vda: state EA): forced readonly
 *   I/O error, dev vda, sector 2048 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 2
 *   Buffer I/O error on dev dm-0, logical block 1234, lost async page write
 *   Memory cgroup out of memory: Killed process 123 (poof-w0) total-vm:...
 * Filesystem lines with a device prefix carry their meaning further on:
 * fs_detail() reads those (KMSG_NONE below sends a line there).
 */
static const struct pattern patterns[] = {
	{ "blocked for more than", false, KMSG_HUNG_TASK },
	{ "BUG: soft lockup", false, KMSG_SOFT_LOCKUP },
	{ "hard LOCKUP", false, KMSG_HARD_LOCKUP },
	{ "detected stalls on CPU", false, KMSG_RCU_STALL },
	{ "self-detected stall on CPU", false, KMSG_RCU_STALL },
	{ "Kernel panic - not syncing", true, KMSG_PANIC },
	{ "kernel BUG at", true, KMSG_BUG },
	{ "BUG:", true, KMSG_BUG },
	{ "Oops:", true, KMSG_OOPS },
	{ "WARNING:", true, KMSG_WARNING },
	{ "EXT4-fs error", true, KMSG_FS_ERROR },
	{ "EXT4-fs ", true, KMSG_NONE }, /* mount chatter, unless fs_detail() finds trouble */
	{ "XFS (", true, KMSG_NONE },
	{ "BTRFS: error", true, KMSG_FS_ERROR },
	{ "BTRFS: Transaction aborted", true, KMSG_FS_SHUTDOWN },
	{ "BTRFS error", true, KMSG_FS_ERROR },
	{ "BTRFS critical", true, KMSG_FS_ERROR },
	{ "BTRFS ", true, KMSG_NONE },
	{ "Aborting journal on device", true, KMSG_FS_SHUTDOWN },
	{ "JBD2: ", true, KMSG_NONE },
	{ "I/O error, dev", false, KMSG_IO_ERROR },
	{ "Buffer I/O error", true, KMSG_IO_ERROR },
	{ "lost async page write", false, KMSG_IO_ERROR },
	/* One OOM kill prints both lines: count it once, by its summary line. */
	{ "Killed process", false, KMSG_NONE },
	{ "oom-kill:", true, KMSG_OOM_KILL },
};

/* A filesystem line's meaning, found after its prefix: the first needle that occurs. */
struct detail {
	const char *needle;
	enum kmsg_event event;
};

/* ext4_msg() lines, "EXT4-fs (vda): ...", from fs/ext4/{super,inode,page-io}.c. */
static const struct detail ext4_details[] = {
	{ "Remounting filesystem read-only", KMSG_FS_SHUTDOWN },
	{ "Delayed block allocation failed", KMSG_FS_ERROR },
	{ "Data will be lost", KMSG_FS_ERROR },
	{ "potential data loss", KMSG_FS_ERROR },
	{ "I/O error", KMSG_IO_ERROR },
};

/* xfs_alert() and friends, "XFS (vda): ...", from fs/xfs/xfs_{fsops,log,buf,error}.c. */
static const struct detail xfs_details[] = {
	{ "Shutting down filesystem", KMSG_FS_SHUTDOWN },
	{ "has been shut down", KMSG_FS_SHUTDOWN },
	{ "Please unmount the filesystem", KMSG_FS_SHUTDOWN },
	{ "metadata I/O error", KMSG_FS_ERROR },
	{ "log I/O error", KMSG_FS_ERROR },
	{ "I/O error", KMSG_IO_ERROR },
	{ "Corruption", KMSG_FS_ERROR },
	{ "corruption", KMSG_FS_ERROR },
	{ "error", KMSG_FS_ERROR },
	{ "shutdown", KMSG_FS_SHUTDOWN },
};

/* btrfs_printk() at levels below error, "BTRFS info (device vda: state EA): ...". */
static const struct detail btrfs_details[] = {
	{ "forced readonly", KMSG_FS_SHUTDOWN },
	{ "Transaction aborted", KMSG_FS_SHUTDOWN },
};

/* jbd2, the journal of ext4, "JBD2: ...", from fs/jbd2/{journal,commit,recovery}.c. */
static const struct detail jbd2_details[] = {
	{ "error", KMSG_FS_ERROR },	{ "Error", KMSG_FS_ERROR },
	{ "failed", KMSG_FS_ERROR },	{ "Failed", KMSG_FS_ERROR },
	{ "corrupted", KMSG_FS_ERROR }, { "Invalid checksum", KMSG_FS_ERROR },
	{ "bad block", KMSG_FS_ERROR },
};

static enum kmsg_event detail_of(const char *text, const struct detail *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(text, d[i].needle))
			return d[i].event;
	return KMSG_NONE;
}

/* ext4, XFS, btrfs and jbd2 put the trouble after a prefix: look for it there. */
static enum kmsg_event fs_detail(const char *text)
{
	if (strncmp(text, "EXT4-fs ", 8) == 0)
		return detail_of(text, ext4_details, ARRAY_SIZE(ext4_details));
	if (strncmp(text, "XFS (", 5) == 0)
		return detail_of(text, xfs_details, ARRAY_SIZE(xfs_details));
	if (strncmp(text, "BTRFS ", 6) == 0)
		return detail_of(text, btrfs_details, ARRAY_SIZE(btrfs_details));
	if (strncmp(text, "JBD2: ", 6) == 0)
		return detail_of(text, jbd2_details, ARRAY_SIZE(jbd2_details));
	return KMSG_NONE;
}

/* Skip a "subsystem: " prefix such as "watchdog: " or "rcu: ". */
static const char *after_prefix(const char *text)
{
	const char *colon = strstr(text, ": ");

	if (!colon || colon - text > 16 || memchr(text, ' ', (size_t)(colon - text)))
		return text;
	return colon + 2;
}

enum kmsg_event kmsg_classify(const struct kmsg_record *r)
{
	const char *text = r->text, *bare = after_prefix(text);

	if (r->facility != 0)
		return KMSG_NONE;
	for (unsigned i = 0; i < ARRAY_SIZE(patterns); i++) {
		const struct pattern *p = &patterns[i];
		size_t n = strlen(p->needle);
		bool hit = p->prefix ? strncmp(text, p->needle, n) == 0 ||
					       strncmp(bare, p->needle, n) == 0 :
				       strstr(text, p->needle) != NULL;

		if (!hit)
			continue;
		return p->event == KMSG_NONE ? fs_detail(text) : p->event;
	}
	return KMSG_NONE;
}

/* The value of key= in a comma-separated list, copied into buf. */
static bool field(const char *text, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);

	for (const char *p = text; (p = strstr(p, key)); p += klen) {
		size_t n;

		if (p != text && p[-1] != ',' && p[-1] != ':')
			continue;
		p += klen;
		n = strcspn(p, ",\n");
		if (n >= len)
			return false;
		memcpy(buf, p, n);
		buf[n] = '\0';
		return true;
	}
	return false;
}

int kmsg_parse_oom(const char *text, struct kmsg_oom *ret)
{
	char pid[16];

	memset(ret, 0, sizeof(*ret));
	if (strncmp(text, "oom-kill:", 9) != 0)
		return -EINVAL;
	if (!field(text, "oom_memcg=", ret->memcg, sizeof(ret->memcg)))
		return -EINVAL;
	field(text, "task_memcg=", ret->task_memcg, sizeof(ret->task_memcg));
	field(text, "task=", ret->task, sizeof(ret->task));
	if (field(text, "pid=", pid, sizeof(pid)))
		ret->pid = atoi(pid);
	return 0;
}

int kmsg_open(const char *path, const char *marker, bool write_marker, struct kmsg_reader *ret)
{
	struct kmsg_reader r = { .fd = -1 };

	snprintf(r.marker, sizeof(r.marker), "%s", marker);
	r.fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r.fd < 0)
		return -errno;
	if (write_marker) {
		_cleanup_close_ int wfd = -1;
		char line[128];
		int n;

		/* Everything before the marker belongs to someone else's past. */
		if (lseek(r.fd, 0, SEEK_END) < 0) {
			int e = -errno;

			close(r.fd);
			return e;
		}
		wfd = open(path, O_WRONLY | O_CLOEXEC);
		n = snprintf(line, sizeof(line), "<5>%s\n", marker);
		if (wfd < 0 || write(wfd, line, (size_t)n) != n) {
			int e = wfd < 0 ? -errno : -EIO;

			close(r.fd);
			return e;
		}
	}
	*ret = r;
	return 0;
}

static int read_record(struct kmsg_reader *r, struct kmsg_record *ret)
{
	char buf[8192];

	for (;;) {
		ssize_t n = read(r->fd, buf, sizeof(buf) - 1);

		if (n < 0 && errno == EPIPE) {
			r->lost++; /* overwritten before we got to it; the next read goes on */
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0; /* a plain file in tests: end of it */
		buf[n] = '\0';
		return kmsg_parse_record(buf, (size_t)n, ret) < 0 ? -EBADMSG : 1;
	}
}

int kmsg_next(struct kmsg_reader *r, struct kmsg_record *ret)
{
	for (;;) {
		int k = read_record(r, ret);

		if (k <= 0)
			return k;
		if (r->marker_seen)
			return 1;
		/* Our own marker: a user-facility line with exactly our text. */
		if (ret->facility != 0 && strcmp(ret->text, r->marker) == 0) {
			r->marker_seen = true;
			r->marker_seq = ret->seq;
			r->marker_usec = ret->ts_usec;
		}
	}
}

void kmsg_close(struct kmsg_reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

int kernel_taint(const char *root, uint64_t *ret)
{
	char path[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	snprintf(path, sizeof(path), "%s/proc/sys/kernel/tainted", root ? root : "");
	r = read_file_full(AT_FDCWD, path, 64, (void **)&text, &len);
	if (r < 0)
		return r;
	*ret = strtoull(text, NULL, 10);
	return 0;
}
