// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mmap: every file mapped MAP_SHARED, sized first with ftruncate (never
 * shrunk), and each block copied into the mapping, so that page faults
 * dirty the page cache. A block is acknowledged when the copy returned. One
 * file is mapped at a time: the writer writes one file's pass at a time.
 *
 * A pass over the file still mapped keeps the mapping, where the kernel
 * has cachestat(2) (Linux 6.5). A page still dirty from the pass before
 * then takes no fault at all, where a fresh mapping takes a fault for
 * every large folio and, in a guest with shadow page tables, an exit for
 * every page (measured: a second pass over 256 MiB 4x to 15x faster). A
 * page that writeback cleaned since is write-protected, though: the copy
 * would split its folio's entry and take a fault for each page, twice the
 * cost of a fresh mapping. So before the first copy into each 2 MiB chunk
 * of a pass, the engine asks cachestat about the chunk, and where most of
 * it is cached and clean it makes it writable at once with
 * MADV_POPULATE_WRITE: the same page_mkwrite, in one system call, which
 * measured 0.6x the time of a fresh mapping. Pages not in the cache and
 * dirty pages are left to the copy. Both are hints: whatever they fail to
 * do, the copy faults in, under the SIGBUS handling below. Without
 * cachestat every pass maps the file afresh.
 *
 * Syncs, by mmap-flush: *msync* (the default) makes the fsync and fdatasync
 * policies msync(MS_SYNC) over the range the policy covers, the bytes
 * written since the last successful sync (every=N, fdatasync=N) or the
 * whole file (end: one msync per file); *fsync* makes them fsync(2) and
 * fdatasync(2) of the file. sync_file_range stays sync_file_range(2) over
 * the same range: a flush that promises no durability either way.
 *
 * A fault on the mapping can fail, and the kernel says so with SIGBUS
 * instead of an errno: the writer process catches it while copying (the
 * handler is installed by this engine, in the writer only), records the
 * block as a failed write and carries on (see copy_failed()).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine.h"
#include "shared/macro.h"

/* What a pass looks at, before its first copy into it: 2 MiB, a large folio on x86-64. */
#define CHUNK_SIZE (UINT64_C(2) << 20)

struct mmap_engine {
	struct engine_file *mapped; /* the one file mapped now, or NULL */
	/* A bit per chunk of the mapped file seen in this pass; NULL without cachestat. */
	uint64_t *seen;
	size_t nwords;
	struct sigaction old_bus;
};

/* A copy in progress may fault; the handler jumps back to it. One writer per process. */
static sigjmp_buf copy_jump;
static volatile sig_atomic_t copying;
static volatile sig_atomic_t bus_code;

static void on_sigbus(int sig, siginfo_t *si, void *uctx)
{
	(void)uctx;
	if (!copying) {
		/* Not a copy of ours: die of it as without a handler, once this returns. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	copying = 0;
	bus_code = si->si_code;
	siglongjmp(copy_jump, 1);
}

/*
 * What a SIGBUS while copying is recorded as: -EIO. Its errno never reaches
 * the process. The kernel turns an ENOMEM in a fault into the OOM killer
 * (VM_FAULT_OOM, the fault retried), never into SIGBUS, so it is not ENOMEM;
 * a SIGBUS on a shared file mapping means the filesystem failed the fault
 * (reading the page in, or allocating its blocks in page_mkwrite: EIO,
 * ENOSPC, a journal that aborted) or the memory is poisoned (BUS_MCEERR_*).
 * EIO says that the data did not get in, and that the kernel reported it;
 * EFAULT would be wrong (the address is valid) and would stop the writer as
 * broken. So the block stays in flight, the file counts as having seen an
 * error, and the writer carries on as after any write error but EROFS.
 */
static int copy_failed(int si_code)
{
	(void)si_code; /* BUS_ADRERR, BUS_OBJERR or BUS_MCEERR_*: all EIO */
	return -EIO;
}

/* The handler left SIGBUS blocked: unblock it for the next copy. */
static int copy_interrupted(void)
{
	sigset_t bus;

	sigemptyset(&bus);
	sigaddset(&bus, SIGBUS);
	sigprocmask(SIG_UNBLOCK, &bus, NULL);
	return copy_failed(bus_code);
}

/* No signal mask saved: that would be a system call for every block. */
static int copy_block(void *dst, const void *src, size_t len)
{
	if (sigsetjmp(copy_jump, 0))
		return copy_interrupted();
	copying = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	memcpy(dst, src, len);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	copying = 0;
	return 0;
}

static void unmap(struct mmap_engine *m)
{
	if (!m->mapped)
		return;
	munmap(m->mapped->map, m->mapped->size);
	m->mapped->map = NULL;
	m->mapped = NULL;
	free(m->seen);
	m->seen = NULL;
}

/* Grown to its blocks' size if it is shorter; never shrunk. */
static int size_file(const struct engine_file *f)
{
	struct stat st;

	if (fstat(f->fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size < f->size && ftruncate(f->fd, (off_t)f->size) < 0)
		return -errno;
	return 0;
}

#ifndef __NR_cachestat
#define __NR_cachestat 451 /* Linux 6.5, the same number on every architecture */
#endif

/* cachestat(2)'s arguments, as <linux/mman.h> of Linux 6.5 lays them out. */
struct cache_range {
	uint64_t off, len;
};

struct cache_stat {
	uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted;
};

static int cachestat(int fd, uint64_t off, uint64_t len, struct cache_stat *ret)
{
	struct cache_range range = { .off = off, .len = len };

	return syscall(__NR_cachestat, fd, &range, ret, 0) < 0 ? -errno : 0;
}

/* The chunks' bits, when the kernel can say what a chunk holds. */
static void track_chunks(struct mmap_engine *m, const struct engine_file *f)
{
	struct cache_stat cs;

	if (cachestat(f->fd, 0, 1, &cs) < 0)
		return;
	m->nwords = (size_t)((f->size + CHUNK_SIZE * 64 - 1) / (CHUNK_SIZE * 64));
	m->seen = calloc(MAX(m->nwords, (size_t)1), sizeof(*m->seen));
}

/*
 * Before the pass's first copy into the chunk at off: where most of it is
 * cached and clean, make it writable in one call. Errors are ignored: the
 * copy faults in what this did not.
 */
static void prepare_chunk(struct mmap_engine *m, const struct engine_file *f, uint64_t off)
{
	uint64_t c = off / CHUNK_SIZE, start = c * CHUNK_SIZE;
	uint64_t len = MIN(CHUNK_SIZE, f->size - start), bit = UINT64_C(1) << (c % 64);
	struct cache_stat cs;

	if (!m->seen || m->seen[c / 64] & bit)
		return; /* every block but a chunk's first: nothing to do */
	m->seen[c / 64] |= bit;
	if (cachestat(f->fd, start, len, &cs) < 0 || cs.nr_cache < cs.nr_dirty)
		return;
	if ((cs.nr_cache - cs.nr_dirty) * 2 * (uint64_t)sysconf(_SC_PAGESIZE) > len)
		madvise((char *)f->map + start, len, MADV_POPULATE_WRITE);
}

static int map_file(struct mmap_engine *m, struct engine_file *f)
{
	void *map;
	int r;

	if (f->map)
		return 0;
	unmap(m);
	r = size_file(f);
	if (r < 0)
		return r;
	map = mmap(NULL, f->size, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	f->map = map;
	m->mapped = f;
	track_chunks(m, f);
	return 0;
}

static int msync_range(const struct engine_file *f, uint64_t off, uint64_t len)
{
	uint64_t start = off & ~(uint64_t)(sysconf(_SC_PAGESIZE) - 1);

	if (len == 0)
		return 0;
	return msync((char *)f->map + start, off + len - start, MS_SYNC) < 0 ? -errno : 0;
}

static int range_flush(int fd, uint64_t off, uint64_t len)
{
	int r;

	do
		r = sync_file_range(fd, (off_t)off, (off_t)len,
				    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
					    SYNC_FILE_RANGE_WAIT_AFTER);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static int mmap_sync(struct engine *e, struct engine_io *io)
{
	struct engine_file *f = io->file;
	int r;

	if (io->sync == SYNC_RANGE)
		return io->len ? range_flush(f->fd, io->off, io->len) : 0;
	if (e->p.mmap_flush == MMAP_FLUSH_FSYNC)
		return engine_sync_fd(f->fd, io->sync);
	r = map_file(e->priv, f);
	return r < 0 ? r : msync_range(f, io->off, io->len);
}

static int mmap_write(struct engine *e, struct engine_io *io)
{
	struct engine_file *f = io->file;
	int r = map_file(e->priv, f);

	if (r < 0)
		return r;
	prepare_chunk(e->priv, f, io->off);
	r = copy_block((char *)f->map + io->off, io->buf, io->len);
	return r < 0 ? r : (int)io->len;
}

static int mmap_queue(struct engine *e, struct engine_io *io)
{
	io->res = io->op == ENGINE_OP_SYNC ? mmap_sync(e, io) : mmap_write(e, io);
	return ENGINE_DONE;
}

static int mmap_init(struct engine *e)
{
	_cleanup_free_ struct mmap_engine *m = calloc(1, sizeof(*m));
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };

	if (!m)
		return -ENOMEM;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &m->old_bus) < 0)
		return -errno;
	e->priv = steal_pointer(&m);
	return 0;
}

static void mmap_exit(struct engine *e)
{
	struct mmap_engine *m = e->priv;

	unmap(m);
	sigaction(SIGBUS, &m->old_bus, NULL);
	free(m);
}

/* A new pass over the file mapped keeps its mapping where chunks can be told apart. */
static void mmap_pass(struct engine *e, struct engine_file *f)
{
	struct mmap_engine *m = e->priv;

	if (m->mapped == f && m->seen && size_file(f) >= 0) {
		memset(m->seen, 0, MAX(m->nwords, (size_t)1) * sizeof(*m->seen));
		return;
	}
	unmap(m);
}

const struct engine_ops engine_mmap_ops = {
	.name = "mmap",
	.init = mmap_init,
	.exit = mmap_exit,
	.queue = mmap_queue,
	.pass = mmap_pass,
};
