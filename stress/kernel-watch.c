// SPDX-License-Identifier: LGPL-2.1-or-later
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kernel-watch.h"
#include "shared/fileio.h"
#include "shared/macro.h"

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

bool kernel_line_names_device(const char *text, const char *device)
{
	size_t n = strlen(device);

	if (n == 0)
		return false;
	for (const char *p = strstr(text, device); p; p = strstr(p + 1, device)) {
		bool start = p == text || !name_char(p[-1]);
		bool end = !name_char(p[n]);

		if (start && end)
			return true;
	}
	return false;
}

/*
 * A filesystem's complaint about its own metadata (ext4's "bad header/extent")
 * is what dropped writes look like when they are read back: a symptom of the
 * loss, never a report of it to anyone who wrote.
 */
bool kernel_line_reports_loss(enum kmsg_event e, const char *text, const char *device)
{
	return e == KMSG_IO_ERROR && (!device[0] || kernel_line_names_device(text, device));
}

/* The block device a path lives on, from /sys/dev/block/MAJ:MIN/uevent. */
static void target_device(const char *target, char *buf, size_t len)
{
	_cleanup_free_ char *text = NULL;
	char path[96];
	struct stat st;
	size_t tlen;
	char *name;

	buf[0] = '\0';
	if (stat(target, &st) < 0)
		return;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent", major(st.st_dev),
		 minor(st.st_dev));
	if (read_file_full(AT_FDCWD, path, 4096, (void **)&text, &tlen) < 0)
		return;
	name = strstr(text, "DEVNAME=");
	if (!name)
		return;
	name += 8;
	name[strcspn(name, "\n")] = '\0';
	snprintf(buf, len, "%s", name);
}

void kernel_watch_start(struct kernel_watch *w, const char *marker, const char *target)
{
	*w = (struct kernel_watch){ .reader = { .fd = -1 } };
	target_device(target, w->device, sizeof(w->device));
	w->taint_known = kernel_taint(NULL, &w->taint_before) == 0;
	w->open_error = kmsg_open("/dev/kmsg", marker, true, &w->reader);
	w->active = w->open_error == 0;
}

int kernel_watch_fd(const struct kernel_watch *w)
{
	return w->active ? w->reader.fd : -1;
}

static void note(struct kernel_watch *w, const struct kmsg_record *r, enum kmsg_event e)
{
	w->counts[e]++;
	if (w->counts[e] == 1) {
		/* The first line of each kind, cut to fit: enough to recognise it. */
		size_t n = MIN(strlen(r->text), sizeof(w->first[e]) - 1);

		memcpy(w->first[e], r->text, n);
		w->first[e][n] = '\0';
	}
	if (kernel_line_reports_loss(e, r->text, w->device))
		w->target_error = true;
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
		e = kmsg_classify(&r);
		if (e != KMSG_NONE)
			note(w, &r, e);
	}
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

bool kernel_watch_failed(const struct kernel_watch *w)
{
	for (unsigned e = 0; e < _KMSG_EVENT_MAX; e++)
		if (w->counts[e] && kmsg_event_is_kernel_failure(e))
			return true;
	return w->taint_known && (w->taint_after & ~w->taint_before) != 0;
}
