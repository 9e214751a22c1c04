// SPDX-License-Identifier: LGPL-2.1-or-later
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "initramfs.h"
#include "kmod.h"
#include "shared/clock.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "spawn.h"
#include "stress/worker-exec.h"

#define INITRAMFS_FORMAT "poof-initramfs-2" /* 2: an uncompressed cpio */
#define FILE_MAX (512u << 20)
#define LDD_TIMEOUT_NS (20 * NSEC_PER_SEC)
#define STALE_AFTER_S (7 * 24 * 3600) /* images of older poof builds */
#define KEEP_IMAGES 4		      /* the most recently used, besides the run's own */
#define IN_USE_S 3600		      /* an image used this recently may be about to boot */

extern const char guest_init_script[];

struct entry {
	char *src; /* host file (resolved, no symlinks) */
	char *dst; /* path in the initramfs */
	mode_t mode;
};

struct spec {
	struct entry *e;
	size_t n;
	char *load[6];
};

/* Modules per purpose; '?' marks the soft dependencies modules.dep does not list. */
static const char *const mods_base[] = { "virtio_pci", "virtio_blk", NULL };
static const char *const mods_ext4[] = { "crc32c_generic", "ext4", NULL };
static const char *const mods_xfs[] = { "crc32c_generic", "xfs", NULL };
static const char *const mods_btrfs[] = { "crc32c_generic",  "?blake2b_generic",
					  "?xxhash_generic", "?sha256_generic",
					  "btrfs",	     NULL };
static const char *const mods_dm[] = { "dm_flakey", NULL };
/* --init systemd: the host's root over 9p with a tmpfs overlay (optional: only that mode needs them). */
static const char *const mods_systemd[] = { "?9pnet_virtio", "?9p", "?overlay", NULL };

static const struct {
	const char *name;
	const char *const *mods;
} groups[] = {
	{ "base", mods_base },	 { "ext4", mods_ext4 }, { "xfs", mods_xfs },
	{ "btrfs", mods_btrfs }, { "dm", mods_dm },	{ "systemd", mods_systemd },
};

/* Host programs the guest runs; the optional ones are checked by the caller per run. */
static const struct {
	const char *name;
	const char *dst;
	bool required;
} programs[] = {
	{ "busybox", "/bin/busybox", true },
	{ "dmsetup", "/usr/sbin/dmsetup", false },
	{ "mkfs.ext4", "/usr/sbin/mkfs.ext4", false },
	{ "mkfs.xfs", "/usr/sbin/mkfs.xfs", false },
	{ "mkfs.btrfs", "/usr/sbin/mkfs.btrfs", false },
};

static void spec_free(struct spec *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->e[i].src);
		free(s->e[i].dst);
	}
	free(s->e);
	for (size_t i = 0; i < ARRAY_SIZE(s->load); i++)
		free(s->load[i]);
}

int find_executable(const char *name, char *buf, size_t len)
{
	const char *env = getenv("PATH");
	_cleanup_free_ char *path = NULL;
	char *save = NULL;

	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? copy_string(buf, len, name) : -ENOENT;
	if (asprintf(&path, "%s:/usr/sbin:/sbin", env ? env : "/usr/bin:/bin") < 0)
		return -ENOMEM;
	for (char *d = strtok_r(path, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char p[PATH_MAX];
		struct stat st;

		if (snprintf(p, sizeof(p), "%s/%s", d, name) >= (int)sizeof(p))
			continue;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0)
			return copy_string(buf, len, p);
	}
	return -ENOENT;
}

static int spec_add(struct spec *s, const char *src, const char *dst, mode_t mode)
{
	_cleanup_free_ char *real = realpath(src, NULL);
	_cleanup_free_ char *d = strdup(dst);
	struct entry *e;

	if (!real)
		return -errno;
	if (!d)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		if (streq(s->e[i].dst, dst))
			return 0;
	e = realloc(s->e, (s->n + 1) * sizeof(*e));
	if (!e)
		return -ENOMEM;
	s->e = e;
	s->e[s->n++] = (struct entry){ .src = steal_pointer(&real),
				       .dst = steal_pointer(&d),
				       .mode = mode };
	return 0;
}

/* "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "\t/lib64/ld-linux... (0x...)". */
static int add_ldd_line(struct spec *s, char *line)
{
	char *arrow = strstr(line, "=> ");
	char *p = arrow ? arrow + 3 : line + strspn(line, " \t");
	char *end;

	if (*p != '/')
		return 0;
	end = strpbrk(p, " \t\n");
	if (end)
		*end = '\0';
	return spec_add(s, p, p, 0755);
}

static int add_libraries(struct spec *s, const char *program)
{
	const char *argv[] = { "ldd", program, NULL };
	_cleanup_free_ char *out = NULL;
	char *save = NULL;
	int status, r;

	r = spawn_capture(argv, LDD_TIMEOUT_NS, 1u << 20, &out, &status);
	if (r < 0)
		return r;
	/* ldd fails for a static program ("not a dynamic executable"): nothing to add. */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 0;
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		r = add_ldd_line(s, l);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_program(struct spec *s, const char *src, const char *dst)
{
	int r = spec_add(s, src, dst, 0755);

	return r < 0 ? r : add_libraries(s, src);
}

/* poof-worker from beside poof, where it is (stress/worker-exec.h): else the guest forks workers. */
static int add_worker(const struct initramfs_config *c, struct spec *s)
{
	const char *slash = strrchr(c->poof, '/');
	char path[PATH_MAX];

	if (!slash)
		return 0;
	snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - c->poof), c->poof,
		 WORKER_EXEC_PROGRAM);
	if (access(path, X_OK) < 0)
		return 0;
	return add_program(s, path, "/usr/bin/" WORKER_EXEC_PROGRAM);
}

static int add_programs(const struct initramfs_config *c, struct spec *s, char *missing,
			size_t missing_len)
{
	int r;

	r = add_program(s, c->poof, "/usr/bin/poof");
	if (r >= 0)
		r = add_worker(c, s);
	if (r < 0) {
		snprintf(missing, missing_len, "%s", c->poof);
		return r;
	}
	for (size_t i = 0; i < ARRAY_SIZE(programs); i++) {
		char path[PATH_MAX];

		r = find_executable(programs[i].name, path, sizeof(path));
		if (r == -ENOENT && !programs[i].required)
			continue;
		if (r >= 0)
			r = add_program(s, path, programs[i].dst);
		if (r < 0) {
			snprintf(missing, missing_len, "%s", programs[i].name);
			return r;
		}
	}
	return 0;
}

/* "kernel/fs/xfs/xfs.ko.xz" -> "xfs.ko": modules are stored decompressed, flat. */
static void module_file_name(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	char *ko;

	snprintf(buf, len, "%s", base ? base + 1 : path);
	ko = strstr(buf, ".ko");
	if (ko)
		ko[3] = '\0';
}

static int add_group(const struct initramfs_config *c, struct spec *s, size_t g, char *missing,
		     size_t missing_len)
{
	struct kmod_list list = { 0 };
	char *text = NULL;
	size_t tlen = 0;
	FILE *f;
	int r;

	r = kmod_resolve(c->kernel->modules, groups[g].mods, &list, missing, missing_len);
	f = open_memstream(&text, &tlen);
	if (!f)
		r = r < 0 ? r : -ENOMEM;
	for (size_t i = 0; r >= 0 && i < list.n; i++) {
		char src[PATH_MAX * 2], name[NAME_MAX + 1], dst[PATH_MAX];

		snprintf(src, sizeof(src), "%s/%s", c->kernel->modules, list.paths[i]);
		module_file_name(list.paths[i], name, sizeof(name));
		snprintf(dst, sizeof(dst), "/lib/modules/%s", name);
		fprintf(f, "%s\n", name);
		r = spec_add(s, src, dst, 0644);
		if (r == -ENOENT)
			snprintf(missing, missing_len, "%.*s",
				 (int)MIN(missing_len, (size_t)INT_MAX) - 1, src);
	}
	if (f)
		fclose(f);
	kmod_list_free(&list);
	if (r < 0) {
		free(text);
		return r;
	}
	s->load[g] = text;
	return 0;
}

static int build_spec(const struct initramfs_config *c, struct spec *s, char *missing,
		      size_t missing_len)
{
	int r = add_programs(c, s, missing, missing_len);

	for (size_t g = 0; r >= 0 && g < ARRAY_SIZE(groups); g++)
		r = add_group(c, s, g, missing, missing_len);
	return r;
}

static bool is_compressed_module(const char *path)
{
	const char *ko = strstr(path, ".ko.");

	return ko && ko[4];
}

/* A .ko.xz/.ko.zst/.ko.gz decompressed into memory (libarchive's raw format). */
static int read_decompressed(const char *path, void **ret, size_t *ret_len)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	int r = -EIO;

	if (!a)
		return -ENOMEM;
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ae) != ARCHIVE_OK)
		goto out;
	for (;;) {
		la_ssize_t n;

		if (cap - len < (1 << 16)) {
			char *p = realloc(buf, cap = cap * 2 + (1 << 20));

			if (!p || cap > FILE_MAX) {
				free(p);
				buf = NULL;
				r = -EFBIG;
				goto out;
			}
			buf = p;
		}
		n = archive_read_data(a, buf + len, cap - len);
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*ret = steal_pointer(&buf);
	*ret_len = len;
	r = 0;
out:
	archive_read_free(a);
	return r;
}

static int read_entry(const struct entry *e, void **ret, size_t *ret_len)
{
	if (is_compressed_module(e->src))
		return read_decompressed(e->src, ret, ret_len);
	return read_file_full(AT_FDCWD, e->src, FILE_MAX, ret, ret_len);
}

static int hash_file(XXH3_state_t *st, const char *path)
{
	void *data;
	size_t len;
	int r;

	r = read_file_full(AT_FDCWD, path, FILE_MAX, &data, &len);
	if (r < 0)
		return r;
	XXH3_64bits_update(st, path, strlen(path) + 1);
	XXH3_64bits_update(st, data, len);
	free(data);
	return 0;
}

static int compute_key(const struct initramfs_config *c, const struct spec *s, uint64_t *ret)
{
	XXH3_state_t *st = XXH3_createState();
	int r;

	if (!st)
		return -ENOMEM;
	XXH3_64bits_reset(st);
	XXH3_64bits_update(st, INITRAMFS_FORMAT, sizeof(INITRAMFS_FORMAT));
	XXH3_64bits_update(st, guest_init_script, strlen(guest_init_script));
	r = hash_file(st, c->kernel->image);
	for (size_t i = 0; r >= 0 && i < s->n; i++) {
		XXH3_64bits_update(st, s->e[i].dst, strlen(s->e[i].dst) + 1);
		r = hash_file(st, s->e[i].src);
	}
	for (size_t g = 0; r >= 0 && g < ARRAY_SIZE(s->load); g++)
		XXH3_64bits_update(st, s->load[g], strlen(s->load[g]) + 1);
	*ret = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return r;
}

static int write_entry(struct archive *a, const char *path, mode_t type_mode, const void *data,
		       size_t len, dev_t rdev)
{
	struct archive_entry *ae = archive_entry_new();
	int r = 0;

	if (!ae)
		return -ENOMEM;
	archive_entry_set_pathname(ae, path[0] == '/' ? path + 1 : path);
	archive_entry_set_mode(ae, type_mode);
	archive_entry_set_size(ae, (la_int64_t)len);
	archive_entry_set_rdev(ae, rdev);
	archive_entry_set_mtime(ae, 0, 0);
	archive_entry_set_nlink(ae, S_ISDIR(type_mode) ? 2 : 1);
	if (archive_write_header(a, ae) != ARCHIVE_OK)
		r = -EIO;
	if (r >= 0 && len && archive_write_data(a, data, len) != (la_ssize_t)len)
		r = -EIO;
	archive_entry_free(ae);
	return r;
}

/* Directories before their files: every parent of every path, each once. */
static int write_parents(struct archive *a, const char *path, char ***dirs, size_t *ndirs)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; (p = strchr(p, '/')); p++) {
		bool seen = false;
		char **n;
		int r;

		*p = '\0';
		for (size_t i = 0; i < *ndirs && !seen; i++)
			seen = streq((*dirs)[i], buf);
		if (!seen) {
			n = realloc(*dirs, (*ndirs + 1) * sizeof(*n));
			if (!n || !(n[*ndirs] = strdup(buf))) {
				if (n)
					*dirs = n;
				return -ENOMEM;
			}
			*dirs = n;
			(*ndirs)++;
			r = write_entry(a, buf, S_IFDIR | 0755, NULL, 0, 0);
			if (r < 0)
				return r;
		}
		*p = '/';
	}
	return 0;
}

static int write_files(struct archive *a, const struct spec *s)
{
	static const char *const skeleton[] = { "/dev/x", "/proc/x", "/sys/x", "/tmp/x",
						"/etc/x", "/root/x", "/mnt/x", "/run/x" };
	char **dirs = NULL;
	size_t ndirs = 0;
	int r = 0;

	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(skeleton); i++)
		r = write_parents(a, skeleton[i], &dirs, &ndirs);
	/* The kernel opens /dev/console for /init before anything is mounted. */
	if (r >= 0)
		r = write_entry(a, "/dev/console", S_IFCHR | 0600, NULL, 0, makedev(5, 1));
	for (size_t i = 0; r >= 0 && i < s->n; i++) {
		_cleanup_free_ void *data = NULL;
		size_t len;

		r = write_parents(a, s->e[i].dst, &dirs, &ndirs);
		if (r >= 0)
			r = read_entry(&s->e[i], &data, &len);
		if (r >= 0)
			r = write_entry(a, s->e[i].dst, S_IFREG | s->e[i].mode, data, len, 0);
	}
	for (size_t g = 0; r >= 0 && g < ARRAY_SIZE(groups); g++) {
		char path[64];

		snprintf(path, sizeof(path), "/lib/modules/load.%s", groups[g].name);
		r = write_entry(a, path, S_IFREG | 0644, s->load[g], strlen(s->load[g]), 0);
	}
	if (r >= 0)
		r = write_entry(a, "/init", S_IFREG | 0755, guest_init_script,
				strlen(guest_init_script), 0);
	for (size_t i = 0; i < ndirs; i++)
		free(dirs[i]);
	free(dirs);
	return r;
}

static int write_archive(const struct spec *s, int fd)
{
	struct archive *a = archive_write_new();
	int r;

	if (!a)
		return -ENOMEM;
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		archive_write_free(a);
		return -EIO;
	}
	r = write_files(a, s);
	if (archive_write_close(a) != ARCHIVE_OK && r >= 0)
		r = -EIO;
	archive_write_free(a);
	return r;
}

/* Build into a temporary file beside the final path, then rename: never a half image. */
static int build_image(const struct spec *s, const char *path)
{
	char tmp[PATH_MAX + 16];
	_cleanup_close_ int fd = -1;
	int r;

	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = write_archive(s, fd);
	if (r >= 0 && fchmod(fd, 0644) < 0)
		r = -errno;
	if (r >= 0 && fsync(fd) < 0)
		r = -errno;
	if (r >= 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

struct cached_image {
	time_t used;
	char name[64];
};

static int cmp_recent_first(const void *a, const void *b)
{
	const struct cached_image *x = a, *y = b;

	return (x->used < y->used) - (x->used > y->used);
}

/* The cache's images other than keep, each with when it was last used. */
static size_t list_images(DIR *d, const char *keep, struct cached_image *ret, size_t max)
{
	struct dirent *de;
	size_t n = 0;

	while (n < max && (de = readdir(d))) {
		struct stat st;

		if (!strstr(de->d_name, ".cpio") || streq(de->d_name, keep) ||
		    strlen(de->d_name) >= sizeof(ret->name))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		ret[n].used = MAX(st.st_atime, st.st_mtime);
		strcpy(ret[n].name, de->d_name);
		n++;
	}
	return n;
}

/*
 * Images of other inputs: the KEEP_IMAGES most recently used stay unless
 * nobody used them for a week; older ones, and the gzip-compressed images
 * of older poof builds (.cpio.gz), go. An image is some 60 MiB. None used in
 * the last hour goes (and it counts as kept): another poof vm may be about
 * to hand it to QEMU.
 */
static void prune_images(const char *dir, const char *keep)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct cached_image img[256];
	time_t now = time(NULL);
	size_t n;

	if (!d)
		return;
	n = list_images(d, keep, img, ARRAY_SIZE(img));
	qsort(img, n, sizeof(img[0]), cmp_recent_first);
	for (size_t i = 0, kept = 0; i < n; i++) {
		time_t idle = now - img[i].used;

		if (idle > IN_USE_S && (kept >= KEEP_IMAGES || idle > STALE_AFTER_S ||
					strstr(img[i].name, ".cpio.gz")))
			unlinkat(dirfd(d), img[i].name, 0);
		else
			kept++;
	}
}

/* A cached image used now: the pruning of other runs goes by atime. */
static void mark_used(const char *path)
{
	const struct timespec t[2] = { { .tv_nsec = UTIME_NOW }, { .tv_nsec = UTIME_OMIT } };

	(void)utimensat(AT_FDCWD, path, t, 0);
}

int initramfs_prepare(const struct initramfs_config *c, struct initramfs_result *ret)
{
	struct spec s = { 0 };
	char dir[PATH_MAX], name[64];
	int r;

	memset(ret, 0, sizeof(*ret));
	r = build_spec(c, &s, ret->missing, sizeof(ret->missing));
	if (r >= 0)
		r = compute_key(c, &s, &ret->key);
	if (r < 0)
		goto out;
	snprintf(dir, sizeof(dir), "%s/initramfs", c->cache_dir);
	snprintf(name, sizeof(name), "%016llx.cpio", (unsigned long long)ret->key);
	if (snprintf(ret->path, sizeof(ret->path), "%s/%s", dir, name) >= (int)sizeof(ret->path)) {
		r = -ENAMETOOLONG;
		goto out;
	}
	r = mkdir_parents(dir, 0755);
	if (r < 0)
		goto out;
	if (access(ret->path, R_OK) == 0) {
		mark_used(ret->path);
		ret->cached = true;
		goto out;
	}
	r = build_image(&s, ret->path);
	if (r >= 0)
		prune_images(dir, name);
out:
	spec_free(&s);
	return r;
}
