/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The transfer disk (/dev/vdb in the guest): a sparse raw image that starts
 * as a tar holding config.sh (the run's settings, written by the host) and
 * that the guest overwrites with a tar of its /results before powering off:
 * stdout.txt (the guest poof's stdout), dmesg.txt, run/ (the guest's run
 * directories), out/ (--json/--junit/--html files). A tar on a raw disk
 * needs no filesystem driver on either side and survives a partial write
 * as far as it got.
 */

#include <stdint.h>

/* Create path (sparse, size bytes) holding a tar with config.sh = config. */
int xfer_create(const char *path, uint64_t size, const char *config);

/*
 * Extract the guest's tar from path into dir (which must exist). Refuses
 * absolute paths, "..", and links; -ENODATA when the disk holds no results
 * (still the host's config tar, or zeros).
 */
int xfer_extract(const char *path, const char *dir);

/* s quoted for sh: 'it'\''s' — malloc'ed. */
char *shell_quote(const char *s);
