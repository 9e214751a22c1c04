// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "judge/block.h"
#include "judge/ledger.h"
#include "shared/clock.h"
#include "shared/fileio.h"
#include "shared/macro.h"

#define LEDGER_MAX_SIZE (64ULL << 30)

static size_t align64(size_t x)
{
	return ALIGN_UP(x, (size_t)64);
}

static size_t writers_offset(void)
{
	return LEDGER_HEADER_SIZE;
}

static size_t files_offset(uint32_t nwriters)
{
	return align64(writers_offset() + (size_t)nwriters * sizeof(struct ledger_writer));
}

static size_t blocks_offset(uint32_t nwriters, uint32_t nfiles)
{
	return align64(files_offset(nwriters) + (size_t)nfiles * sizeof(struct ledger_file));
}

size_t ledger_size(uint32_t nwriters, uint32_t nfiles, uint64_t nblocks)
{
	return blocks_offset(nwriters, nfiles) + nblocks * sizeof(struct ledger_block);
}

static void ledger_bind(struct ledger *l)
{
	uint8_t *base = l->map;

	l->hdr = l->map;
	l->writers = (void *)(base + writers_offset());
	l->files = (void *)(base + files_offset(l->hdr->nwriters));
	l->blocks = (void *)(base + blocks_offset(l->hdr->nwriters, l->hdr->nfiles));
}

static uint64_t header_checksum(const struct ledger_header *h)
{
	return XXH3_64bits(h, offsetof(struct ledger_header, header_csum));
}

static uint64_t data_checksum(const struct ledger *l)
{
	return XXH3_64bits((const uint8_t *)l->map + l->hdr->header_size,
			   l->size - l->hdr->header_size);
}

/* Touch every page so the supervisor, not a writer, is charged for it. */
static void prefault(void *map, size_t size)
{
	volatile uint8_t *p = map;
	long page = sysconf(_SC_PAGESIZE);

	for (size_t off = 0; off < size; off += (size_t)page)
		p[off] = 0;
}

int ledger_create(int dirfd, const struct ledger_params *p, struct ledger **ret)
{
	_cleanup_ledger_ struct ledger *l = NULL;
	_cleanup_close_ int fd = -1;
	size_t size = ledger_size(p->nwriters, p->nfiles, p->nblocks);

	if (size > LEDGER_MAX_SIZE)
		return -EFBIG;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	fd = openat(dirfd, LEDGER_LIVE_NAME, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		    0644);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0 || posix_fallocate(fd, 0, (off_t)size) != 0) {
		int r = negative_errno();

		unlinkat(dirfd, LEDGER_LIVE_NAME, 0);
		return r;
	}
	l->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (l->map == MAP_FAILED) {
		int r = -errno;

		l->map = NULL;
		unlinkat(dirfd, LEDGER_LIVE_NAME, 0);
		return r;
	}
	l->size = size;
	l->live = true;
	l->fd = steal_fd(&fd);
	prefault(l->map, size);
	l->locked = mlock(l->map, size) == 0;

	memcpy(l->map, LEDGER_MAGIC, 8);
	l->hdr = l->map;
	l->hdr->version = LEDGER_VERSION;
	l->hdr->header_size = LEDGER_HEADER_SIZE;
	l->hdr->run_id = p->run_id;
	l->hdr->seed = p->seed;
	l->hdr->size = size;
	l->hdr->nblocks = p->nblocks;
	l->hdr->nwriters = p->nwriters;
	l->hdr->nfiles = p->nfiles;
	l->hdr->state = LEDGER_RUNNING;
	l->hdr->syncfs_result = LEDGER_SYNCFS_NOT_RUN;
	l->hdr->created_ns = now_realtime_ns();
	ledger_bind(l);
	ledger_header_changed(l);
	*ret = steal_pointer(&l);
	return 0;
}

void ledger_header_changed(struct ledger *l)
{
	l->hdr->header_csum = header_checksum(l->hdr);
}

int ledger_seal(struct ledger *l, int dirfd)
{
	int r;

	l->hdr->state = LEDGER_SEALED;
	l->hdr->sealed_ns = now_realtime_ns();
	l->hdr->data_csum = data_checksum(l);
	ledger_header_changed(l);
	r = write_file_atomic(dirfd, LEDGER_FILE_NAME, l->map, l->size, 0644);
	if (r < 0) {
		/* Keep the live copy usable: it is the only record now. */
		l->hdr->state = LEDGER_RUNNING;
		ledger_header_changed(l);
		return r;
	}
	if (l->live)
		unlinkat(dirfd, LEDGER_LIVE_NAME, 0);
	return 0;
}

static int damaged(struct ledger_damage *d, enum ledger_damage_kind kind, uint64_t have,
		   uint64_t want)
{
	d->kind = kind;
	d->have = have;
	d->want = want;
	return kind == LEDGER_NO_MAGIC || kind == LEDGER_BAD_VERSION ? -EPROTO : -EBADMSG;
}

/* The bytes a header's counts need, or 0 when they cannot fit any file. */
static uint64_t layout_size(const struct ledger_header *h)
{
	size_t blocks = blocks_offset(h->nwriters, h->nfiles);

	if (h->nblocks > (LEDGER_MAX_SIZE - blocks) / sizeof(struct ledger_block))
		return 0;
	return ledger_size(h->nwriters, h->nfiles, h->nblocks);
}

static int ledger_validate_header(const struct ledger_header *h, size_t file_size,
				  struct ledger_damage *d)
{
	uint64_t need;

	if (memcmp(h->magic, LEDGER_MAGIC, 8) != 0)
		return damaged(d, LEDGER_NO_MAGIC, 0, 0);
	if (h->version != LEDGER_VERSION)
		return damaged(d, LEDGER_BAD_VERSION, h->version, LEDGER_VERSION);
	if (h->header_csum != header_checksum(h))
		return damaged(d, LEDGER_HEADER_CHECKSUM, 0, 0);
	if (h->header_size != LEDGER_HEADER_SIZE)
		return damaged(d, LEDGER_BAD_HEADER_SIZE, h->header_size, LEDGER_HEADER_SIZE);
	if (h->state != LEDGER_RUNNING && h->state != LEDGER_SEALED)
		return damaged(d, LEDGER_BAD_STATE, h->state, 0);
	if (h->size != file_size)
		return damaged(d, LEDGER_BAD_SIZE, file_size, h->size);
	need = layout_size(h);
	if (h->size != need)
		return damaged(d, LEDGER_BAD_LAYOUT, h->size, need);
	return 0;
}

/* An error as a system call returns it: 0, or -1 to -4095. */
static bool errno_valid(int32_t e)
{
	return e <= 0 && e >= -4095;
}

/* The first error of file f that no system call returns, or 0. */
static int32_t file_bad_errno(const struct ledger_file *f)
{
	const int32_t e[] = { f->first_write_errno, f->last_write_errno, f->first_fsync_errno,
			      f->last_fsync_errno, f->first_range_errno };

	for (size_t i = 0; i < ARRAY_SIZE(e); i++)
		if (!errno_valid(e[i]))
			return e[i];
	return 0;
}

/* The first error of the header that no system call returns, or 0. */
static int32_t header_bad_errno(const struct ledger_header *h)
{
	if (!errno_valid(h->syncfs_result) && h->syncfs_result != LEDGER_SYNCFS_NOT_RUN)
		return h->syncfs_result;
	for (unsigned c = 0; c < LEDGER_INJECT_CALLS; c++)
		if (h->inject_errno[c] < 0 || h->inject_errno[c] > 4095)
			return h->inject_errno[c];
	return 0;
}

/*
 * Every error the report names is one a system call can return: the
 * reports turn them into names, and a number from a damaged ledger must
 * not reach them.
 */
static int ledger_validate_errnos(const struct ledger *l, struct ledger_damage *d)
{
	int32_t e;

	for (uint32_t i = 0; i < l->hdr->nfiles; i++) {
		d->index = i;
		e = file_bad_errno(&l->files[i]);
		if (e)
			return damaged(d, LEDGER_BAD_ERRNO, (uint64_t)(int64_t)e,
				       LEDGER_ERRNO_IN_FILE);
	}
	for (uint32_t i = 0; i < l->hdr->nwriters; i++) {
		d->index = i;
		e = l->writers[i].error;
		if (!errno_valid(e))
			return damaged(d, LEDGER_BAD_ERRNO, (uint64_t)(int64_t)e,
				       LEDGER_ERRNO_IN_WRITER);
	}
	d->index = 0;
	e = header_bad_errno(l->hdr);
	return e ? damaged(d, LEDGER_BAD_ERRNO, (uint64_t)(int64_t)e, LEDGER_ERRNO_IN_HEADER) : 0;
}

/* Files must tile the block array and belong to existing writers. */
static int ledger_validate_tables(const struct ledger *l, struct ledger_damage *d)
{
	uint64_t next = 0;

	for (uint32_t i = 0; i < l->hdr->nfiles; i++) {
		const struct ledger_file *f = &l->files[i];

		d->index = i;
		if (f->first_block != next || f->writer_id >= l->hdr->nwriters || f->file_id != i)
			return damaged(d, LEDGER_BAD_FILE, 0, 0);
		/* The verifier reads blocks of this size: it must be one poof writes. */
		if (!block_size_valid(f->block_size))
			return damaged(d, LEDGER_BAD_BLOCK_SIZE, f->block_size, 0);
		next += f->nblocks;
	}
	for (uint32_t i = 0; i < l->hdr->nwriters; i++) {
		const struct ledger_writer *w = &l->writers[i];

		d->index = i;
		if ((uint64_t)w->first_file + w->nfiles > l->hdr->nfiles)
			return damaged(d, LEDGER_BAD_WRITER, 0, 0);
	}
	if (next != l->hdr->nblocks)
		return damaged(d, LEDGER_BAD_BLOCKS, next, l->hdr->nblocks);
	return ledger_validate_errnos(l, d);
}

int ledger_parse(void *data, size_t len, struct ledger **ret, struct ledger_damage *ret_damage)
{
	_cleanup_ledger_ struct ledger *l = NULL;
	struct ledger_damage ignored, *d = ret_damage ? ret_damage : &ignored;
	int r;

	d->kind = LEDGER_INTACT;
	l = calloc(1, sizeof(*l));
	if (!l) {
		free(data);
		return -ENOMEM;
	}
	l->map = data;
	l->size = len;
	if (len == 0)
		return damaged(d, LEDGER_EMPTY, 0, LEDGER_HEADER_SIZE);
	if (len < LEDGER_HEADER_SIZE)
		return damaged(d, LEDGER_SHORT_HEADER, len, LEDGER_HEADER_SIZE);
	r = ledger_validate_header(data, len, d);
	if (r < 0)
		return r;
	ledger_bind(l);
	if (l->hdr->state == LEDGER_SEALED && l->hdr->data_csum != data_checksum(l))
		return damaged(d, LEDGER_DATA_CHECKSUM, 0, 0);
	r = ledger_validate_tables(l, d);
	if (r < 0)
		return r;
	*ret = steal_pointer(&l);
	return 0;
}

static int ledger_load_name(int dirfd, const char *name, struct ledger **ret,
			    struct ledger_damage *d)
{
	void *data = NULL;
	size_t len = 0;
	int r;

	d->name = name;
	r = read_file_full(dirfd, name, LEDGER_MAX_SIZE, &data, &len);
	/* read_file_full() opens O_NOFOLLOW: a symlink says ELOOP. */
	if (r < 0)
		return r;
	return ledger_parse(data, len, ret, d);
}

int ledger_load(int dirfd, struct ledger **ret, bool *ret_unsealed,
		struct ledger_damage *ret_damage)
{
	struct ledger_damage ignored, *d = ret_damage ? ret_damage : &ignored;
	int r;

	*d = (struct ledger_damage){ 0 };
	r = ledger_load_name(dirfd, LEDGER_FILE_NAME, ret, d);
	if (r != -ENOENT) {
		*ret_unsealed = false;
		return r;
	}
	r = ledger_load_name(dirfd, LEDGER_LIVE_NAME, ret, d);
	if (r == 0 && (*ret)->hdr->state != LEDGER_RUNNING) {
		ledger_free(*ret);
		*ret = NULL;
		return damaged(d, LEDGER_LIVE_SEALED, 0, 0);
	}
	*ret_unsealed = true;
	return r;
}

/* "file 3 holds error -5000, ...": LEDGER_BAD_ERRNO's words. */
static void bad_errno_text(const struct ledger_damage *d, char *buf, size_t len)
{
	long long e = (long long)(int64_t)d->have;

	if (d->want == LEDGER_ERRNO_IN_HEADER)
		snprintf(buf, len, "its header holds error %lld, which no system call returns", e);
	else
		snprintf(buf, len, "%s %u holds error %lld, which no system call returns",
			 d->want == LEDGER_ERRNO_IN_FILE ? "file" : "writer", d->index, e);
}

/* ledger_damage_text() past the header's first fields. */
static void ledger_damage_text_more(const struct ledger_damage *d, char *buf, size_t len)
{
	unsigned long long have = d->have, want = d->want;

	switch (d->kind) {
	case LEDGER_HEADER_CHECKSUM:
		snprintf(buf, len,
			 "its header checksum does not match: the header was changed "
			 "or damaged");
		break;
	case LEDGER_BAD_STATE:
		snprintf(buf, len, "its header says state %llu, neither running nor sealed", have);
		break;
	case LEDGER_BAD_SIZE:
		if (have < want)
			snprintf(buf, len, "it is cut short: %llu of %llu bytes", have, want);
		else
			snprintf(buf, len,
				 "it has %llu bytes, %llu more than the %llu its header says", have,
				 have - want, want);
		break;
	case LEDGER_BAD_LAYOUT:
		snprintf(buf, len,
			 "its header says %llu bytes, but its counts of writers, files "
			 "and blocks need %llu",
			 have, want);
		break;
	case LEDGER_DATA_CHECKSUM:
		snprintf(buf, len,
			 "its data checksum does not match: the writer, file or block "
			 "tables were changed or damaged");
		break;
	case LEDGER_BAD_FILE:
		snprintf(buf, len, "entry %u of its file table does not fit its block table",
			 d->index);
		break;
	case LEDGER_BAD_BLOCK_SIZE:
		snprintf(buf, len,
			 "file %u of its file table has block size %llu, not a power of two "
			 "from %u to %u",
			 d->index, have, BLOCK_SIZE_MIN, BLOCK_SIZE_MAX);
		break;
	case LEDGER_BAD_WRITER:
		snprintf(buf, len, "entry %u of its writer table names files it does not have",
			 d->index);
		break;
	case LEDGER_BAD_BLOCKS:
		snprintf(buf, len, "its files cover %llu blocks, its header says %llu", have, want);
		break;
	case LEDGER_BAD_ERRNO:
		bad_errno_text(d, buf, len);
		break;
	case LEDGER_LIVE_SEALED:
		snprintf(buf, len, "%s says it is sealed, which only %s can be", LEDGER_LIVE_NAME,
			 LEDGER_FILE_NAME);
		break;
	default:
		snprintf(buf, len, "it fails its checks");
	}
}

void ledger_damage_text(const struct ledger_damage *d, char *buf, size_t len)
{
	unsigned long long have = d->have, want = d->want;

	switch (d->kind) {
	case LEDGER_INTACT:
		snprintf(buf, len, "nothing is wrong with it");
		break;
	case LEDGER_EMPTY:
		snprintf(buf, len, "it is empty (0 bytes)");
		break;
	case LEDGER_SHORT_HEADER:
		snprintf(buf, len, "it is cut short: %llu bytes, less than its %llu-byte header",
			 have, want);
		break;
	case LEDGER_NO_MAGIC:
		snprintf(buf, len, "it does not start with the ledger magic %s: not a poof ledger",
			 LEDGER_MAGIC);
		break;
	case LEDGER_BAD_VERSION:
		snprintf(buf, len, "its format version is %llu; this poof reads version %llu", have,
			 want);
		break;
	case LEDGER_BAD_HEADER_SIZE:
		snprintf(buf, len, "its header size is %llu bytes, not %llu", have, want);
		break;
	default:
		ledger_damage_text_more(d, buf, len);
	}
}

int ledger_attach(int fd, struct ledger **ret)
{
	_cleanup_ledger_ struct ledger *l = calloc(1, sizeof(*l));
	struct stat st;

	if (!l)
		return -ENOMEM;
	if (fstat(fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size < LEDGER_HEADER_SIZE || (uint64_t)st.st_size > LEDGER_MAX_SIZE)
		return -EBADMSG;
	l->map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (l->map == MAP_FAILED) {
		l->map = NULL;
		return -errno;
	}
	l->size = (size_t)st.st_size;
	l->live = true;
	l->fd = -1;
	l->hdr = l->map;
	if (memcmp(l->map, LEDGER_MAGIC, 8) != 0 || l->hdr->size != l->size)
		return -EBADMSG;
	ledger_bind(l);
	*ret = steal_pointer(&l);
	return 0;
}

void ledger_free(struct ledger *l)
{
	if (l->live) {
		if (l->locked)
			munlock(l->map, l->size);
		if (l->map)
			munmap(l->map, l->size);
		if (l->fd >= 0)
			close(l->fd);
	} else {
		free(l->map);
	}
	free(l);
}

void ledger_write_failed(struct ledger_file *f, int error)
{
	f->write_errors++;
	if (!f->first_write_errno)
		f->first_write_errno = error;
	f->last_write_errno = error;
	switch (error) {
	case -ENOMEM:
		f->err_enomem++;
		break;
	case -EIO:
		f->err_eio++;
		break;
	case -ENOSPC:
	case -EDQUOT:
		f->err_enospc++;
		break;
	default:
		f->err_other++;
	}
}

void ledger_sync_result(struct ledger_file *f, enum sync_kind kind, int result, uint32_t gen,
			uint32_t pos, uint64_t now_ns)
{
	f->last_sync_ns = now_ns;
	if (kind == SYNC_RANGE) {
		if (result < 0) {
			f->range_errors++;
			if (!f->first_range_errno)
				f->first_range_errno = result;
		} else {
			f->range_ok++;
		}
		return;
	}
	if (result < 0) {
		f->fsync_errors++;
		if (!f->first_fsync_errno)
			f->first_fsync_errno = result;
		f->last_fsync_errno = result;
		return;
	}
	f->fsync_ok++;
	/* Store pos before gen so a reader never sees a new gen with an old, larger pos. */
	if (gen != f->durable_gen)
		__atomic_store_n(&f->durable_pos, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&f->durable_gen, gen, __ATOMIC_RELEASE);
	__atomic_store_n(&f->durable_pos, pos, __ATOMIC_RELEASE);
}

bool ledger_covered(const struct ledger_file *f, uint32_t acked, uint32_t pos)
{
	if (acked == 0)
		return false;
	return acked < f->durable_gen || (acked == f->durable_gen && pos < f->durable_pos);
}

bool ledger_file_error_reported(const struct ledger_file *f)
{
	return f->fsync_errors > 0 || f->range_errors > 0 || f->err_eio > 0;
}
