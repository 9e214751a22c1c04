// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "judge/order.h"
#include "shared/fs.h"
#include "shared/clock.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/nofollow.h"
#include "shared/names.h"
#include "judge/verify.h"

#define CHUNK_SIZE (4u << 20)
#define DIRECT_ALIGN 4096u

static const char *const class_names[] = {
	[CLASS_OK] = "ok",
	[CLASS_IN_FLIGHT] = "in-flight",
	[CLASS_LOST_SILENT] = "lost-silent",
	[CLASS_LOST_DURABLE] = "lost-durable",
	[CLASS_LOST_REPORTED] = "lost-reported",
	[CLASS_TORN] = "torn",
	[CLASS_MISDIRECTED] = "misdirected",
	[CLASS_CORRUPT] = "corrupt",
	[CLASS_UNWRITTEN] = "unwritten",
	NULL,
};

const char *verdict_class_name(enum verdict_class c)
{
	return enum_to_name(class_names, c);
}

const char *found_kind_name(enum found_kind k)
{
	static const char *const names[] = {
		[FOUND_BLOCK] = "block",
		[FOUND_TORN] = "torn",
		[FOUND_CORRUPT] = "garbage",
		[FOUND_ZEROS] = "zeros",
		[FOUND_HOLE] = "hole",
		[FOUND_SHORT] = "short-file",
		[FOUND_MISSING] = "missing-file",
		[FOUND_UNREADABLE] = "unreadable",
		NULL,
	};

	return enum_to_name(names, k);
}

bool verify_reported_excused(const struct verify_options *opt)
{
	return opt->error_fault && !opt->strict_errors;
}

bool verdict_class_is_failure(enum verdict_class c, bool reported_excused)
{
	switch (c) {
	case CLASS_LOST_SILENT:
	case CLASS_LOST_DURABLE:
	case CLASS_TORN:
	case CLASS_MISDIRECTED:
	case CLASS_CORRUPT:
		return true;
	case CLASS_LOST_REPORTED:
		return !reported_excused;
	default:
		return false;
	}
}

void verify_file_name(uint32_t writer_id, uint32_t file_id, char *buf, unsigned len)
{
	snprintf(buf, len, "w%04u-f%06u.dat", writer_id, file_id);
}

static enum verdict_class lost(const struct block_expect *e)
{
	if (e->reported)
		return CLASS_LOST_REPORTED;
	return e->durable ? CLASS_LOST_DURABLE : CLASS_LOST_SILENT;
}

static bool same_block(const struct block_expect *e, const struct block_id *id)
{
	return id->run_id == e->run_id && id->file_id == e->file_id && id->index == e->index;
}

/* A block of ours with a valid header: which generation, and is that acceptable? */
static enum verdict_class classify_generation(const struct block_expect *e, uint32_t gen, bool torn)
{
	bool in_flight = e->intended > e->acked;

	if (in_flight && gen >= e->acked && gen <= e->intended)
		return CLASS_IN_FLIGHT; /* either generation, or a torn mix of them */
	if (torn)
		return CLASS_TORN;
	if (gen == e->acked)
		return CLASS_OK;
	if (gen < e->acked)
		return lost(e);
	return CLASS_CORRUPT; /* newer than anything ever written */
}

enum verdict_class verify_classify(const struct block_expect *e, const struct block_found *f)
{
	bool in_flight = e->intended > e->acked;

	if (e->acked == 0 && e->intended == 0)
		return CLASS_UNWRITTEN;
	switch (f->kind) {
	case FOUND_BLOCK:
	case FOUND_TORN:
		if (!same_block(e, &f->id))
			return f->kind == FOUND_BLOCK ? CLASS_MISDIRECTED : CLASS_CORRUPT;
		return classify_generation(e, f->id.generation, f->kind == FOUND_TORN);
	case FOUND_CORRUPT:
		/* A first write torn against never-written space mixes garbage and zeros. */
		return in_flight && e->acked == 0 ? CLASS_IN_FLIGHT : CLASS_CORRUPT;
	case FOUND_ZEROS:
	case FOUND_HOLE:
	case FOUND_SHORT:
	case FOUND_MISSING:
	/*
	 * A read error now is how the loss shows, not an error reported to
	 * whoever wrote: btrfs answers a dropped write with a checksum EIO.
	 */
	case FOUND_UNREADABLE:
		return in_flight && e->acked == 0 ? CLASS_IN_FLIGHT : lost(e);
	}
	return CLASS_CORRUPT;
}

/* Per-file verification state. */
struct vfile {
	const struct ledger *l;
	const struct ledger_file *lf;
	const struct verify_options *opt;
	struct verify_result *res;
	const struct block_pattern *pattern;
	char name[64];
	int fd;
	uint64_t size;
	uint32_t *durable_pos; /* inverse of the durable pass's order, when needed */
	bool reported;
};

static int record_loss(struct vfile *v, uint64_t index, enum verdict_class cls,
		       const struct block_expect *e, const struct block_found *f, const void *buf)
{
	struct verify_result *res = v->res;
	struct verify_loss *loss;

	if (res->nlosses >= v->opt->max_losses)
		return 0;
	if (!res->losses) {
		res->losses = calloc(v->opt->max_losses, sizeof(*res->losses));
		if (!res->losses)
			return -ENOMEM;
	}
	loss = &res->losses[res->nlosses++];
	loss->file_id = v->lf->file_id;
	snprintf(loss->file, sizeof(loss->file), "%s", v->name);
	loss->index = index;
	loss->offset = index * v->lf->block_size;
	loss->cls = cls;
	loss->expected_gen = e->acked;
	loss->found = *f;
	loss->mismatch_offset = v->lf->block_size;
	if (f->kind == FOUND_TORN && buf)
		loss->mismatch_offset = block_payload_mismatch(v->pattern, &f->id, buf);
	return 0;
}

/* Positions in the pass the fsync watermark cut short: the inverse of its order. */
static int durable_positions(struct vfile *v)
{
	const struct ledger_file *lf = v->lf;
	_cleanup_free_ uint32_t *perm = calloc(lf->nblocks, sizeof(*perm));

	v->durable_pos = calloc(lf->nblocks, sizeof(*v->durable_pos));
	if (!perm || !v->durable_pos)
		return -ENOMEM;
	write_order_fill(lf->order, v->l->hdr->seed, lf->file_id, lf->durable_gen, lf->nblocks,
			 perm);
	for (uint32_t pos = 0; pos < lf->nblocks; pos++)
		v->durable_pos[perm[pos]] = pos;
	return 0;
}

static bool block_durable(struct vfile *v, uint32_t index, uint32_t acked)
{
	const struct ledger_file *lf = v->lf;

	if (acked != lf->durable_gen || lf->durable_pos >= lf->nblocks)
		return ledger_covered(lf, acked, 0);
	if (!v->durable_pos && durable_positions(v) < 0)
		return false; /* claim less durability, never more */
	return ledger_covered(lf, acked, v->durable_pos[index]);
}

static void expect_for(struct vfile *v, uint32_t index, struct block_expect *e)
{
	const struct ledger_block *b = &ledger_file_blocks(v->l, v->lf)[index];

	*e = (struct block_expect){
		.run_id = v->l->hdr->run_id,
		.file_id = v->lf->file_id,
		.index = index,
		.acked = b->acked,
		.intended = b->intended,
		.reported = v->reported,
	};
	e->durable = e->acked > 0 && block_durable(v, index, e->acked);
}

static bool in_hole(int fd, uint64_t off)
{
	off_t data = lseek(fd, (off_t)off, SEEK_DATA);

	if (data < 0)
		return errno == ENXIO; /* no data from here to EOF */
	return (uint64_t)data > off;
}

static void found_from_media(struct vfile *v, uint64_t off, const void *buf, size_t avail,
			     struct block_found *f)
{
	enum block_state st;

	memset(f, 0, sizeof(*f));
	if (avail < v->lf->block_size) {
		f->kind = FOUND_SHORT;
		return;
	}
	st = block_decode(buf, v->lf->block_size, &f->id);
	switch (st) {
	case BLOCK_VALID:
		f->kind = FOUND_BLOCK;
		break;
	case BLOCK_TORN:
		f->kind = FOUND_TORN;
		break;
	case BLOCK_ZERO:
		f->kind = in_hole(v->fd, off) ? FOUND_HOLE : FOUND_ZEROS;
		break;
	case BLOCK_CORRUPT:
		f->kind = FOUND_CORRUPT;
		break;
	}
}

static int judge(struct vfile *v, uint32_t index, const struct block_found *f, const void *buf)
{
	struct block_expect e;
	enum verdict_class cls;

	expect_for(v, index, &e);
	cls = verify_classify(&e, f);
	v->res->counts[cls]++;
	if (cls == CLASS_UNWRITTEN)
		return 0;
	v->res->blocks++;
	v->res->unreadable += f->kind == FOUND_UNREADABLE;
	if (cls == CLASS_OK || cls == CLASS_IN_FLIGHT)
		return 0;
	if (verdict_class_is_failure(cls, verify_reported_excused(v->opt)))
		v->res->failed = true;
	return record_loss(v, index, cls, &e, f, buf);
}

/*
 * The media's answer, when opening or reading a file fails: its data or its
 * metadata is damaged or unreadable (ext4 says EUCLEAN or EBADMSG for a bad
 * extent or checksum, btrfs EIO for a bad data checksum), or the filesystem
 * gave up: an O_DIRECT read first writes back the file's dirty pages, and an
 * ext4 whose journal aborted answers that with EROFS - those pages never
 * reach the media. The blocks are then unreadable, a verdict on the media.
 * Anything else (ENOMEM, EMFILE, EACCES, EINVAL) says nothing about the data
 * and stops verification.
 */
static bool media_error(int r)
{
	switch (-r) {
	case EIO:
	case EUCLEAN:
	case EBADMSG:
	case ESTALE:
	case ENODATA:
	case EROFS:
		return true;
	default:
		return false;
	}
}

/* Blocks first..first+count-1, none of them readable, judged as the same finding. */
static int judge_range(struct vfile *v, uint32_t first, uint32_t count, const struct block_found *f)
{
	for (uint32_t i = 0; i < count; i++) {
		int r = judge(v, first + i, f, NULL);

		if (r < 0)
			return r;
	}
	return 0;
}

/* Judge the blocks of one chunk from what pread returned (n bytes, or -errno). */
static int verify_chunk(struct vfile *v, const uint8_t *buf, ssize_t n, uint64_t off,
			uint32_t first, uint32_t count)
{
	uint32_t bs = v->lf->block_size;
	struct block_found f;

	if (n < 0 && !media_error((int)n))
		return (int)n;
	if (n < 0)
		return judge_range(v, first, count,
				   &(struct block_found){ .kind = FOUND_UNREADABLE,
							  .error = (int)n });
	v->res->bytes_read += (uint64_t)n;
	for (uint32_t i = 0; i < count; i++) {
		size_t at = (size_t)i * bs;
		size_t avail = (size_t)n > at ? (size_t)n - at : 0;
		int r;

		found_from_media(v, off + at, buf + at, avail, &f);
		r = judge(v, first + i, &f, buf + at);
		if (r < 0)
			return r;
	}
	return 0;
}

/* One reader thread: the next chunk is read while this one is checksummed. */
struct prefetch {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int fd;
	uint8_t *buf;
	size_t len;
	off_t off;
	ssize_t result;
	uint64_t timeout_ns; /* for one read; 0: none */
	bool pending, quit, timed_out;
};

static void *prefetch_main(void *arg)
{
	struct prefetch *p = arg;
	ssize_t n;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->pending && !p->quit)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->quit)
			break;
		pthread_mutex_unlock(&p->lock);
		n = pread_full(p->fd, p->buf, p->len, p->off);
		pthread_mutex_lock(&p->lock);
		p->result = n;
		p->pending = false;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void prefetch_start(struct prefetch *p, int fd, uint8_t *buf, size_t len, off_t off)
{
	pthread_mutex_lock(&p->lock);
	p->fd = fd;
	p->buf = buf;
	p->len = len;
	p->off = off;
	p->pending = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/*
 * The chunk being read, or -ETIMEDOUT when the read took longer than the
 * I/O deadline (0: none): the device stopped answering. The reader thread
 * is then stuck in the kernel; the caller abandons it (reader_stop).
 */
static ssize_t prefetch_wait(struct prefetch *p)
{
	struct timespec deadline;
	ssize_t n;
	int r = 0;

	if (p->timeout_ns) {
		uint64_t d = now_monotonic_ns() + p->timeout_ns;

		deadline = (struct timespec){ .tv_sec = (time_t)(d / NSEC_PER_SEC),
					      .tv_nsec = (long)(d % NSEC_PER_SEC) };
	}
	pthread_mutex_lock(&p->lock);
	while (p->pending && r != ETIMEDOUT)
		r = p->timeout_ns ? pthread_cond_timedwait(&p->cond, &p->lock, &deadline) :
				    pthread_cond_wait(&p->cond, &p->lock);
	n = p->pending ? -ETIMEDOUT : p->result;
	p->timed_out = p->pending;
	pthread_mutex_unlock(&p->lock);
	return n;
}

static void prefetch_stop(struct prefetch *p)
{
	pthread_mutex_lock(&p->lock);
	p->quit = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
}

static int verify_missing(struct vfile *v)
{
	v->res->files_missing++;
	return judge_range(v, 0, v->lf->nblocks, &(struct block_found){ .kind = FOUND_MISSING });
}

static int verify_unopenable(struct vfile *v, int error)
{
	if (v->res->files_unopenable++ == 0)
		v->res->first_open_error = error;
	return judge_range(v, 0, v->lf->nblocks,
			   &(struct block_found){ .kind = FOUND_UNREADABLE, .error = error });
}

/* O_DIRECT, or where refused: the plain file with its cached pages dropped. */
static int open_from_media(struct vfile *v, int dirfd)
{
	v->fd = openat(dirfd, v->name, O_RDONLY | O_DIRECT | O_CLOEXEC | O_NOFOLLOW);
	if (v->fd >= 0) {
		v->res->files_direct++;
		return 0;
	}
	if (errno != EINVAL)
		return -errno;
	v->fd = openat(dirfd, v->name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (v->fd < 0)
		return -errno;
	fdatasync(v->fd);
	posix_fadvise(v->fd, 0, 0, POSIX_FADV_DONTNEED);
	v->res->files_dropped++;
	return 0;
}

static size_t chunk_bytes(const struct vfile *v, uint32_t first, uint32_t per_chunk)
{
	uint32_t count = MIN(per_chunk, v->lf->nblocks - first);

	return ALIGN_UP((size_t)count * v->lf->block_size, (size_t)DIRECT_ALIGN);
}

static int verify_file(struct vfile *v, int dirfd, uint8_t *buf, struct prefetch *pf)
{
	uint32_t per_chunk = CHUNK_SIZE / v->lf->block_size;
	struct stat st;
	int r;

	verify_file_name(v->lf->writer_id, v->lf->file_id, v->name, sizeof(v->name));
	if (v->res->dir_error)
		return verify_unopenable(v, v->res->dir_error);
	r = open_from_media(v, dirfd);
	if (r == -ENOENT)
		return verify_missing(v);
	if (r >= 0 && fstat(v->fd, &st) < 0)
		r = -errno;
	if (media_error(r))
		return verify_unopenable(v, r);
	if (r < 0)
		return r;
	v->size = (uint64_t)st.st_size;
	if (v->lf->nblocks == 0)
		return 0;
	prefetch_start(pf, v->fd, buf, chunk_bytes(v, 0, per_chunk), 0);
	for (uint32_t first = 0, k = 0; first < v->lf->nblocks; first += per_chunk, k++) {
		uint32_t count = MIN(per_chunk, v->lf->nblocks - first);
		uint32_t next = first + count;
		ssize_t n = prefetch_wait(pf);
		uint8_t *cur = buf + (size_t)(k & 1) * CHUNK_SIZE;

		if (n == -ETIMEDOUT)
			return -ETIMEDOUT;
		/* The reader is idle here: stopping leaves nothing in flight. */
		if (v->opt->stop_requested && v->opt->stop_requested(v->opt->userdata))
			return -ECANCELED;
		if (next < v->lf->nblocks)
			prefetch_start(pf, v->fd, buf + (size_t)((k + 1) & 1) * CHUNK_SIZE,
				       chunk_bytes(v, next, per_chunk),
				       (off_t)((uint64_t)next * v->lf->block_size));
		r = verify_chunk(v, cur, n, (uint64_t)first * v->lf->block_size, first, count);
		if (r < 0) {
			if (next < v->lf->nblocks)
				prefetch_wait(pf);
			return r;
		}
	}
	return 0;
}

static int pattern_for(struct block_pattern *cache, unsigned *n, uint64_t run_id, uint32_t bs,
		       const struct block_pattern **ret)
{
	for (unsigned i = 0; i < *n; i++)
		if (cache[i].block_size == bs) {
			*ret = &cache[i];
			return 0;
		}
	if (*n >= 21)
		return -EINVAL;
	*ret = &cache[*n];
	return block_pattern_init(&cache[(*n)++], run_id, bs);
}

static int verify_files(const struct ledger *l, int dirfd, const struct verify_options *opt,
			struct verify_result *res, uint8_t *buf, struct prefetch *pf)
{
	struct block_pattern patterns[21] = { 0 };
	unsigned npatterns = 0;
	bool run_reported = opt->syncfs_result < 0 || opt->kernel_reported;
	int r = 0;

	for (uint32_t i = 0; i < l->hdr->nfiles && r >= 0; i++) {
		struct vfile v = {
			.l = l,
			.lf = &l->files[i],
			.opt = opt,
			.res = res,
			.fd = -1,
		};

		v.reported = run_reported || ledger_file_error_reported(v.lf);
		r = pattern_for(patterns, &npatterns, l->hdr->run_id, v.lf->block_size, &v.pattern);
		if (r >= 0)
			r = verify_file(&v, dirfd, buf, pf);
		if (v.fd >= 0)
			close(v.fd);
		free(v.durable_pos);
		res->files++;
	}
	for (unsigned i = 0; i < npatterns; i++)
		block_pattern_free(&patterns[i]);
	return r;
}

/*
 * The reader and its buffers live on the heap: after a read timed out, the
 * reader thread is stuck in the kernel and may still write into them when
 * the device answers, so they are left to it (detached, never freed).
 */
struct reader {
	struct prefetch pf;
	uint8_t *buf;
};

static int reader_start(uint64_t timeout_ns, struct reader **ret)
{
	_cleanup_free_ struct reader *rd = calloc(1, sizeof(*rd));
	pthread_condattr_t attr;
	int r;

	if (!rd)
		return -ENOMEM;
	/* Two chunks: the reader thread fills one while this thread judges the other. */
	rd->buf = aligned_alloc(DIRECT_ALIGN, 2 * CHUNK_SIZE);
	if (!rd->buf)
		return -ENOMEM;
	rd->pf.timeout_ns = timeout_ns;
	pthread_mutex_init(&rd->pf.lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&rd->pf.cond, &attr);
	pthread_condattr_destroy(&attr);
	r = -pthread_create(&rd->pf.thread, NULL, prefetch_main, &rd->pf);
	if (r < 0) {
		free(rd->buf);
		return r;
	}
	*ret = steal_pointer(&rd);
	return 0;
}

static void reader_stop(struct reader *rd)
{
	if (rd->pf.timed_out) {
		pthread_detach(rd->pf.thread);
		return;
	}
	prefetch_stop(&rd->pf);
	free(rd->buf);
	free(rd);
}

/* The data directory, never through a symlink, on a filesystem with writeback. */
static int open_data_dir(int parentfd, const char *data_dir, int *ret_fd)
{
	int fd = open_nofollow(parentfd, data_dir, O_RDONLY | O_DIRECTORY, 0);
	int r;

	if (fd < 0)
		return fd;
	r = fs_check_writeback_fd(fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

int verify_run(const struct ledger *l, int parentfd, const char *data_dir,
	       const struct verify_options *opt, struct verify_result *ret)
{
	_cleanup_close_ int dirfd = -1;
	struct reader *rd;
	uint64_t start = now_monotonic_ns();
	int r;

	memset(ret, 0, sizeof(*ret));
	r = open_data_dir(parentfd, data_dir, &dirfd);
	/* A filesystem that shut down answers EIO even for its directories. */
	if (media_error(r))
		ret->dir_error = r;
	else if (r < 0)
		return r;
	r = reader_start(opt->io_timeout_ns, &rd);
	if (r < 0)
		return r;
	r = verify_files(l, dirfd, opt, ret, rd->buf, &rd->pf);
	reader_stop(rd);
	if (r < 0) {
		verify_result_free(ret);
		return r;
	}
	ret->elapsed_ns = now_monotonic_ns() - start;
	ret->method = ret->files_dropped ? READ_DROPPED :
		      opt->remounted	 ? READ_REMOUNTED :
					   READ_DIRECT;
	return 0;
}

void verify_result_free(struct verify_result *r)
{
	free(r->losses);
	r->losses = NULL;
	r->nlosses = 0;
}
