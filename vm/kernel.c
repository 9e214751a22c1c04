// SPDX-License-Identifier: LGPL-2.1-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel.h"
#include "shared/fileio.h"
#include "shared/macro.h"

#define SETUP_HEADER_MAGIC_OFF 0x202 /* "HdrS" */
#define SETUP_KERNEL_VERSION_OFF 0x20e

int kernel_image_version(const char *image, char *buf, size_t len)
{
	_cleanup_close_ int fd = open(image, O_RDONLY | O_CLOEXEC);
	unsigned char hdr[0x210];
	char str[KERNEL_VERSION_MAX];
	uint16_t off;
	ssize_t n;
	size_t i;

	if (fd < 0)
		return -errno;
	n = pread_full(fd, hdr, sizeof(hdr), 0);
	if (n < 0)
		return (int)n;
	if (n < (ssize_t)sizeof(hdr) || memcmp(hdr + SETUP_HEADER_MAGIC_OFF, "HdrS", 4) != 0)
		return -ENOEXEC;
	off = (uint16_t)(hdr[SETUP_KERNEL_VERSION_OFF] | hdr[SETUP_KERNEL_VERSION_OFF + 1] << 8);
	if (off == 0)
		return -ENOEXEC;
	n = pread_full(fd, str, sizeof(str) - 1, 0x200 + off);
	if (n <= 0)
		return n < 0 ? (int)n : -ENOEXEC;
	str[n] = '\0';
	/* "6.1.0-56-amd64 (debian-kernel@...) #1 SMP ...": the release is the first word. */
	for (i = 0; str[i] && str[i] != ' '; i++)
		if ((unsigned char)str[i] < 0x21 || (unsigned char)str[i] > 0x7e)
			return -ENOEXEC;
	str[i] = '\0';
	if (i == 0)
		return -ENOEXEC;
	return copy_string(buf, len, str);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* strverscmp-ordered newest "vmlinuz-*" in dir whose modules exist (when required). */
static int newest_image(const char *dir, bool need_lib_modules, char *ret, size_t len)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;
	char best[NAME_MAX + 1] = "";

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char modules[PATH_MAX];

		if (strncmp(de->d_name, "vmlinuz-", 8) != 0)
			continue;
		snprintf(modules, sizeof(modules), "/lib/modules/%s", de->d_name + 8);
		if (need_lib_modules && !is_dir(modules))
			continue;
		if (!best[0] || strverscmp(de->d_name, best) > 0)
			snprintf(best, sizeof(best), "%s", de->d_name);
	}
	if (!best[0])
		return -ENOENT;
	return snprintf(ret, len, "%s/%s", dir, best) >= (int)len ? -ENAMETOOLONG : 0;
}

/* The newest CACHE/kernel/VERSION/boot/vmlinuz-VERSION the fetch script left. */
static int newest_cached_image(const char *cache_dir, char *ret, size_t len)
{
	char base[PATH_MAX];
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	char best[NAME_MAX + 1] = "";

	snprintf(base, sizeof(base), "%s/kernel", cache_dir);
	d = opendir(base);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char image[PATH_MAX * 2];

		if (de->d_name[0] == '.')
			continue;
		snprintf(image, sizeof(image), "%s/%s/boot/vmlinuz-%s", base, de->d_name,
			 de->d_name);
		if (access(image, R_OK) == 0 && (!best[0] || strverscmp(de->d_name, best) > 0))
			snprintf(best, sizeof(best), "%s", de->d_name);
	}
	if (!best[0])
		return -ENOENT;
	return snprintf(ret, len, "%s/%s/boot/vmlinuz-%s", base, best, best) >= (int)len ?
		       -ENAMETOOLONG :
		       0;
}

static int find_image(const char *image, const char *cache_dir, struct vm_kernel *k)
{
	if (!image)
		image = getenv("POOF_VM_KERNEL");
	if (image && image[0]) {
		if (access(image, R_OK) < 0) {
			int r = -errno;

			snprintf(k->missing, sizeof(k->missing), "%s", image);
			return r;
		}
		return copy_string(k->image, sizeof(k->image), image);
	}
	if (newest_image("/boot", true, k->image, sizeof(k->image)) == 0)
		return 0;
	if (newest_cached_image(cache_dir, k->image, sizeof(k->image)) == 0)
		return 0;
	snprintf(k->missing, sizeof(k->missing), "/boot/vmlinuz-* or %s/kernel/*", cache_dir);
	return -ENOENT;
}

static int find_modules(const char *modules, struct vm_kernel *k)
{
	char path[PATH_MAX];
	const char *boot;

	if (!modules)
		modules = getenv("POOF_VM_MODULES");
	if (modules && modules[0]) {
		snprintf(path, sizeof(path), "%s", modules);
	} else {
		snprintf(path, sizeof(path), "/lib/modules/%s", k->version);
		boot = strstr(k->image, "/boot/vmlinuz-");
		if (!is_dir(path) && boot)
			snprintf(path, sizeof(path), "%.*s/lib/modules/%s", (int)(boot - k->image),
				 k->image, k->version);
	}
	if (!is_dir(path)) {
		snprintf(k->missing, sizeof(k->missing), "%s", path);
		return -ENOENT;
	}
	return copy_string(k->modules, sizeof(k->modules), path);
}

int kernel_locate(const char *image, const char *modules, const char *cache_dir,
		  struct vm_kernel *ret)
{
	int r;

	memset(ret, 0, sizeof(*ret));
	r = find_image(image, cache_dir, ret);
	if (r < 0)
		return r;
	r = kernel_image_version(ret->image, ret->version, sizeof(ret->version));
	if (r < 0) {
		snprintf(ret->missing, sizeof(ret->missing), "%s", ret->image);
		return r;
	}
	return find_modules(modules, ret);
}
