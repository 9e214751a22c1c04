// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The names of the profile enums: what a profile says, what plan_print
 * writes back and what the reports print, one table per enum.
 */
#include <errno.h>

#include "profiles/profile-internal.h"

const char *const fsync_names[] = {
	[FSYNC_NONE] = "none",
	[FSYNC_EVERY] = "every",
	[FSYNC_END] = "end",
	[FSYNC_FDATASYNC] = "fdatasync",
	[FSYNC_SYNC_RANGE] = "sync_file_range",
	NULL,
};
const char *const order_names[] = {
	[ORDER_SEQUENTIAL] = "sequential",
	[ORDER_RANDOM] = "random",
	NULL,
};
const char *const engine_names[] = {
	[ENGINE_PWRITE] = "pwrite",
	[ENGINE_WRITE] = "write",
	[ENGINE_IO_URING] = "io_uring",
	[ENGINE_MMAP] = "mmap",
	NULL,
};
const char *const mmap_flush_names[] = {
	[MMAP_FLUSH_MSYNC] = "msync",
	[MMAP_FLUSH_FSYNC] = "fsync",
	NULL,
};
const char *const keep_names[] = {
	[KEEP_ON_LOSS] = "on-loss",
	[KEEP_ALWAYS] = "always",
	[KEEP_NEVER] = "never",
	NULL,
};
const char *const hog_kind_names[] = {
	[HOG_ANON] = "anon",
	[HOG_SHMEM] = "shmem",
	[HOG_KMEM] = "kmem",
	NULL,
};
const char *const scratch_fs_names[] = {
	[SCRATCH_EXT4] = "ext4",
	[SCRATCH_XFS] = "xfs",
	[SCRATCH_BTRFS] = "btrfs",
	NULL,
};

_Static_assert(ARRAY_SIZE(hog_kind_names) == _HOG_KIND_MAX + 1, "a name per hog kind");

const char *fsync_policy_name(enum fsync_policy p)
{
	return enum_to_name(fsync_names, p);
}

const char *write_order_name(enum write_order o)
{
	return enum_to_name(order_names, o);
}

const char *engine_kind_name(enum engine_kind e)
{
	return enum_to_name(engine_names, e);
}

const char *mmap_flush_name(enum mmap_flush f)
{
	return enum_to_name(mmap_flush_names, f);
}

const char *scratch_fs_name(enum scratch_fs fs)
{
	return enum_to_name(scratch_fs_names, fs);
}

const char *hog_kind_name(enum hog_kind k)
{
	return enum_to_name(hog_kind_names, k);
}

int hog_kind_from_name(const char *name, enum hog_kind *ret)
{
	int k = enum_from_name(hog_kind_names, name);

	if (k < 0)
		return k;
	*ret = (enum hog_kind)k;
	return 0;
}

int scratch_fs_from_name(const char *name, enum scratch_fs *ret)
{
	int fs = enum_from_name(scratch_fs_names, name);

	if (fs < 0)
		return fs;
	*ret = (enum scratch_fs)fs;
	return 0;
}
