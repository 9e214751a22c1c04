// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hog.h"
#include "shared/clock.h"
#include "shared/macro.h"

#define CHUNK (1u << 20)
#define PAGE 4096u
#define KMEM_BATCH 64u

/* Pace to `rate` units per second since `start`: sleep until `done` units are due. */
static void pace(uint64_t rate, uint64_t start, uint64_t done)
{
	uint64_t due, now;

	if (!rate)
		return;
	due = start + (uint64_t)((long double)done * NSEC_PER_SEC / rate);
	now = now_monotonic_ns();
	if (due > now)
		sleep_ns(due - now);
}

static void progress(const struct hog_config *cfg, uint64_t n)
{
	if (cfg->progress)
		__atomic_fetch_add(cfg->progress, n, __ATOMIC_RELAXED);
}

/* Touch every page so the memory is charged now, not at first use. */
static void touch(uint8_t *p, size_t len, uint8_t v)
{
	for (size_t off = 0; off < len; off += PAGE)
		p[off] = v;
}

static int anon_round(const struct hog_config *cfg, uint8_t **chunks, size_t nchunks)
{
	uint64_t start = now_monotonic_ns();

	for (size_t i = 0; i < nchunks; i++) {
		chunks[i] = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
		if (chunks[i] == MAP_FAILED) {
			chunks[i] = NULL;
			return -errno;
		}
		touch(chunks[i], CHUNK, (uint8_t)(i + 1));
		progress(cfg, CHUNK);
		pace(cfg->rate, start, (uint64_t)(i + 1) * CHUNK);
	}
	return 0;
}

static int hog_anon(const struct hog_config *cfg)
{
	size_t nchunks = (size_t)MAX(cfg->size / CHUNK, 1ULL);
	_cleanup_free_ uint8_t **chunks = calloc(nchunks, sizeof(*chunks));
	int r;

	if (!chunks)
		return -ENOMEM;
	do {
		r = anon_round(cfg, chunks, nchunks);
		for (size_t i = 0; i < nchunks && cfg->cycle; i++)
			if (chunks[i])
				munmap(chunks[i], CHUNK);
		if (r < 0)
			return r;
	} while (cfg->cycle);
	for (;;)
		pause(); /* hold the memory until killed */
}

static int shmem_round(const struct hog_config *cfg, int fd)
{
	uint64_t start = now_monotonic_ns();
	static uint8_t buf[CHUNK];

	memset(buf, 0x5a, sizeof(buf));
	for (uint64_t off = 0; off < cfg->size; off += CHUNK) {
		ssize_t n = pwrite(fd, buf, CHUNK, (off_t)off);

		if (n < 0)
			return -errno;
		progress(cfg, (uint64_t)n);
		pace(cfg->rate, start, off + CHUNK);
	}
	return 0;
}

static int hog_shmem(const struct hog_config *cfg)
{
	char name[32];
	int r;

	snprintf(name, sizeof(name), "poof-hog-%u", cfg->id);
	do {
		_cleanup_close_ int fd = memfd_create(name, MFD_CLOEXEC);

		if (fd < 0)
			return -errno;
		r = shmem_round(cfg, fd);
		if (r < 0)
			return r;
		if (!cfg->cycle)
			for (;;)
				pause(); /* fd stays open: the pages stay charged */
	} while (cfg->cycle);
	return 0;
}

/*
 * One churn step: make a file, rename it, and once `keep` files exist,
 * unlink the oldest. Names cycle through [0, keep] so the directory stays
 * bounded while its dentries and inodes keep being allocated.
 */
static int kmem_step(const struct hog_config *cfg, uint64_t i, uint64_t keep)
{
	char a[48], b[48];
	int fd;

	snprintf(a, sizeof(a), "h%u-%llu.new", cfg->id, (unsigned long long)(i % (keep + 1)));
	snprintf(b, sizeof(b), "h%u-%llu", cfg->id, (unsigned long long)(i % (keep + 1)));
	fd = openat(cfg->dirfd, a, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	if (renameat(cfg->dirfd, a, cfg->dirfd, b) < 0)
		return -errno;
	if (i >= keep) {
		snprintf(b, sizeof(b), "h%u-%llu", cfg->id,
			 (unsigned long long)((i - keep) % (keep + 1)));
		if (unlinkat(cfg->dirfd, b, 0) < 0 && errno != ENOENT)
			return -errno;
	}
	return 0;
}

static int hog_kmem(const struct hog_config *cfg)
{
	uint64_t keep = MAX(cfg->size, 1ULL), start = now_monotonic_ns();

	for (uint64_t i = 0;; i++) {
		int r = kmem_step(cfg, i, keep);

		/* ENOMEM and ENOSPC are what this hog is for: note them and go on. */
		if (r < 0 && r != -ENOMEM && r != -ENOSPC)
			return r;
		if (i % KMEM_BATCH == 0) {
			progress(cfg, KMEM_BATCH);
			pace(cfg->rate, start, i);
		}
	}
}

int hog_main(const struct hog_config *cfg)
{
	int r;

	switch (cfg->kind) {
	case HOG_ANON:
		r = hog_anon(cfg);
		break;
	case HOG_SHMEM:
		r = hog_shmem(cfg);
		break;
	case HOG_KMEM:
		r = hog_kmem(cfg);
		break;
	default:
		r = -EINVAL;
	}
	return r < 0 ? 1 : 0;
}
