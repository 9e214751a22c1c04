// SPDX-License-Identifier: LGPL-2.1-or-later
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "watch/kernel-watch.h"
#include "shared/fileio.h"
#include "shared/macro.h"

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* After a device name: the end of the name, or an ext4 journal's "-<inode>" ("dm-0-8"). */
static bool name_ends(const char *p)
{
	if (!name_char(*p))
		return true;
	if (*p != '-' || !isdigit((unsigned char)p[1]))
		return false;
	for (p++; isdigit((unsigned char)*p); p++)
		;
	return !name_char(*p);
}

bool kernel_line_names_device(const char *text, const char *device)
{
	size_t n = strlen(device);

	if (n == 0)
		return false;
	for (const char *p = strstr(text, device); p; p = strstr(p + 1, device)) {
		bool start = p == text || !name_char(p[-1]);

		if (start && name_ends(p + n))
			return true;
	}
	return false;
}

static bool on_target(const char *text, const char *device)
{
	return !device[0] || kernel_line_names_device(text, device);
}

/*
 * A filesystem's complaint about its own metadata (ext4's "bad header/extent")
 * is what dropped writes look like when read back: a symptom of the loss,
 * never a report of it to anyone who wrote. Only lines that say an I/O
 * error happened report one.
 */
bool kernel_line_reports_loss(enum kmsg_event e, const char *text, const char *device)
{
	bool says_io = e == KMSG_IO_ERROR ||
		       ((e == KMSG_FS_ERROR || e == KMSG_FS_SHUTDOWN) &&
			(strstr(text, "I/O error") || strstr(text, "IO error")));

	return says_io && on_target(text, device);
}

bool kernel_line_fs_trouble(enum kmsg_event e, const char *text, const char *device)
{
	return (e == KMSG_FS_ERROR || e == KMSG_FS_SHUTDOWN) && on_target(text, device);
}

static void libmnt_table_unrefp(struct libmnt_table **t)
{
	mnt_unref_table(*t);
}

/*
 * The device a path's filesystem lives on: its mount's source when that is a
 * block device (btrfs's st_dev is an anonymous device), else st_dev.
 */
static int target_dev(const char *path, dev_t *ret)
{
	_cleanup_(libmnt_table_unrefp) struct libmnt_table *tb = NULL;
	char real[PATH_MAX];
	struct libmnt_fs *fs;
	const char *src;
	struct stat st;

	if (realpath(path, real)) {
		tb = mnt_new_table_from_file("/proc/self/mountinfo");
		fs = tb ? mnt_table_find_mountpoint(tb, real, MNT_ITER_BACKWARD) : NULL;
		src = fs ? mnt_fs_get_srcpath(fs) : NULL;
		if (src && stat(src, &st) == 0 && S_ISBLK(st.st_mode)) {
			*ret = st.st_rdev;
			return 0;
		}
	}
	if (stat(path, &st) < 0)
		return -errno;
	*ret = st.st_dev;
	return 0;
}

/* Its kernel name, from /sys/dev/block/MAJ:MIN/uevent: dm-0, not /dev/mapper/poof-flakey. */
void kernel_target_device(const char *path, char *ret, size_t len)
{
	_cleanup_free_ char *text = NULL;
	char uevent[96];
	size_t tlen;
	char *name;
	dev_t dev;

	ret[0] = '\0';
	if (target_dev(path, &dev) < 0)
		return;
	snprintf(uevent, sizeof(uevent), "/sys/dev/block/%u:%u/uevent", major(dev), minor(dev));
	if (read_file_full(AT_FDCWD, uevent, 4096, (void **)&text, &tlen) < 0)
		return;
	name = strstr(text, "DEVNAME=");
	if (!name)
		return;
	name += 8;
	name[strcspn(name, "\n")] = '\0';
	snprintf(ret, len, "%s", name);
}

void kernel_watch_start(struct kernel_watch *w, const char *marker, const char *target, int log_fd)
{
	*w = (struct kernel_watch){ .reader = { .fd = -1 }, .log_fd = log_fd, .last_victim = -1 };
	kernel_target_device(target, w->device, sizeof(w->device));
	w->taint_known = kernel_taint(NULL, &w->taint_before) == 0;
	w->open_error = kmsg_open("/dev/kmsg", marker, true, &w->reader);
	w->active = w->open_error == 0;
}

int kernel_watch_fd(const struct kernel_watch *w)
{
	return w->active ? w->reader.fd : -1;
}

static void copy_line(char *dst, size_t size, const char *text)
{
	size_t n = MIN(strlen(text), size - 1);

	memcpy(dst, text, n);
	dst[n] = '\0';
}

static void note_fs_trouble(struct kernel_fs_trouble *fs, const struct kmsg_record *r,
			    enum kmsg_event e, uint64_t since_usec)
{
	uint64_t at = r->ts_usec > since_usec ? r->ts_usec - since_usec : 0;

	if (fs->lines++ == 0) {
		fs->first_usec = at;
		copy_line(fs->first, sizeof(fs->first), r->text);
	}
	if (e == KMSG_FS_SHUTDOWN && !fs->shut_down) {
		fs->shut_down = true;
		fs->shut_down_usec = at;
		copy_line(fs->shut_down_line, sizeof(fs->shut_down_line), r->text);
	}
}

static void note(struct kernel_watch *w, const struct kmsg_record *r, enum kmsg_event e)
{
	/* The first line of each kind, cut to fit: enough to recognise it. */
	if (w->counts[e]++ == 0)
		copy_line(w->first[e], sizeof(w->first[e]), r->text);
	if (kernel_line_reports_loss(e, r->text, w->device))
		w->target_error = true;
	if (kernel_line_fs_trouble(e, r->text, w->device))
		note_fs_trouble(&w->fs, r, e, w->reader.marker_usec);
}

#define KWATCH_LOG_BUF (64 * 1024)

/* Write out the excerpt's buffered lines. */
static void log_flush(struct kernel_watch *w)
{
	if (w->log_len && !w->log_error)
		w->log_error = write_all(w->log_fd, w->log_buf, w->log_len);
	w->log_len = 0;
}

/*
 * "[   12.345678] text", as dmesg prints it: the run's excerpt of the kernel
 * log. Buffered: an OOM kill alone logs a hundred lines.
 */
static void log_record(struct kernel_watch *w, const struct kmsg_record *r)
{
	int n;

	if (w->log_fd < 0 || w->log_error)
		return;
	if (!w->log_buf) {
		w->log_buf = malloc(KWATCH_LOG_BUF);
		if (!w->log_buf) {
			w->log_error = -ENOMEM;
			return;
		}
	}
	if (KWATCH_LOG_BUF - w->log_len < KMSG_TEXT_MAX + 32)
		log_flush(w);
	n = snprintf(w->log_buf + w->log_len, KWATCH_LOG_BUF - w->log_len, "[%5llu.%06llu] %s\n",
		     (unsigned long long)(r->ts_usec / 1000000),
		     (unsigned long long)(r->ts_usec % 1000000), r->text);
	w->log_len += MIN((size_t)n, KWATCH_LOG_BUF - w->log_len - 1);
}

void kernel_watch_drain(struct kernel_watch *w)
{
	struct kmsg_record r;

	if (!w->active)
		return;
	while (kmsg_next(&w->reader, &r) == 1) {
		enum kmsg_event e;

		if (r.facility != 0)
			continue;
		w->records++;
		log_record(w, &r);
		e = kmsg_classify(&r);
		if (e != KMSG_NONE)
			note(w, &r, e);
		kernel_oom_note(w, &r, e);
	}
	if (w->log_fd >= 0)
		log_flush(w);
}

void kernel_watch_free(struct kernel_watch *w)
{
	free(w->kills);
	w->kills = NULL;
	w->nkills = w->kills_cap = 0;
	if (w->log_fd >= 0) {
		log_flush(w);
		close(w->log_fd);
	}
	w->log_fd = -1;
	free(w->log_buf);
	w->log_buf = NULL;
}

void kernel_watch_stop(struct kernel_watch *w)
{
	kernel_watch_drain(w);
	if (w->taint_known)
		w->taint_known = kernel_taint(NULL, &w->taint_after) == 0;
	if (w->active)
		kmsg_close(&w->reader);
	w->active = false;
}

bool kernel_watch_fs_failed(const struct kernel_watch *w)
{
	return w->fs.lines > 0;
}

bool kernel_watch_failed(const struct kernel_watch *w)
{
	for (unsigned e = 0; e < _KMSG_EVENT_MAX; e++)
		if (w->counts[e] && kmsg_event_is_kernel_failure(e))
			return true;
	return w->taint_known && (w->taint_after & ~w->taint_before) != 0;
}
