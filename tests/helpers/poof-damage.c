// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * poof-damage: damage one block of a poof data file on the MEDIA, under a
 * mounted filesystem, without going through the filesystem or its page
 * cache, so integration tests can plant known losses and check that poof
 * classifies them.
 *
 *   poof-damage --rundir RUNDIR --device DEV --file NAME --block N MODE
 *
 * The file's extents come from FIEMAP (FIEMAP_FLAG_SYNC first writes back
 * anything dirty); the bytes are written to DEV at the physical offsets:
 *   - DEV a block device (the loop device of the mount): O_RDWR|O_DIRECT
 *     with an aligned buffer, so neither the block device's cache nor the
 *     filesystem's page cache is involved;
 *   - DEV a regular file (the image behind the loop device): pwrite at the
 *     physical offset plus the loop device's offset, then fsync.
 * The filesystem's cached pages of the file are left as they were: a reader
 * that trusts the page cache keeps seeing the old, good data.
 *
 * Only ext4 and xfs (or any filesystem whose FIEMAP physical addresses are
 * byte offsets on its one device) are supported. btrfs is refused: its
 * FIEMAP reports btrfs logical addresses, which equal device offsets only
 * for the chunks mkfs.btrfs laid out and not for data chunks allocated later
 * (so a write could land on metadata), and btrfs checksums data, so a block
 * damaged underneath it reads back as EIO (lost-reported), not as the silent
 * loss the tests want to plant.
 *
 * MODE:
 *   older            a valid block of generation acked-1 for the same block
 *   zeros            all zeros
 *   flip-payload     flip one payload byte (offset 1000), keep the header
 *   copy-from=NAME:M the media bytes of block M of file NAME
 *   show             print where the block is and what the media holds
 *
 * Exit 0 on success, 1 with a message on stderr on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "shared/fileio.h"
#include "shared/macro.h"
#include "judge/block.h"
#include "judge/ledger.h"
#include "judge/verify.h"

#define MAX_SEGS 64
#define FIEMAP_BATCH 32
#define FLIP_OFFSET 1000u

/* A piece of a block that is contiguous on the device. */
struct seg {
	uint64_t file_off;
	uint64_t phys;
	uint64_t len;
};

struct location {
	struct seg segs[MAX_SEGS];
	unsigned nsegs;
};

struct device {
	int fd;
	bool direct;	/* a block device opened O_DIRECT */
	uint64_t base;	/* added to physical offsets (loop offset for an image) */
	unsigned align; /* O_DIRECT alignment of offsets and lengths */
	const char *path;
};

struct target {
	const struct ledger_file *lf;
	char name[64];
	char path[PATH_MAX];
};

static void closedevp(struct device *d)
{
	closep(&d->fd);
}

static _printf_(1, 2) int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("poof-damage: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

static void usage(FILE *out)
{
	fputs("Usage: poof-damage --rundir RUNDIR --device DEV --file NAME --block N MODE\n"
	      "MODE: older | zeros | flip-payload | copy-from=NAME:M | show\n"
	      "DEV: the loop device of the mounted filesystem, or its backing image file.\n",
	      out);
}

static const char *extent_refusal(uint32_t flags)
{
	if (flags & FIEMAP_EXTENT_DELALLOC)
		return "the extent is delayed-allocated (no block on the media yet)";
	if (flags & FIEMAP_EXTENT_UNKNOWN)
		return "the extent's location is unknown";
	if (flags & (FIEMAP_EXTENT_ENCODED | FIEMAP_EXTENT_DATA_ENCRYPTED))
		return "the extent holds encoded (compressed or encrypted) data";
	if (flags &
	    (FIEMAP_EXTENT_DATA_INLINE | FIEMAP_EXTENT_DATA_TAIL | FIEMAP_EXTENT_NOT_ALIGNED))
		return "the data is inline or tail-packed";
	if (flags & FIEMAP_EXTENT_UNWRITTEN)
		return "the extent is unwritten (preallocated)";
	if (flags & FIEMAP_EXTENT_SHARED)
		return "the extent is shared (writing it would damage other files too)";
	return NULL;
}

/* The device segments holding [off, off + len) of fd, refusing anything odd. */
static int map_range(int fd, const char *name, uint64_t off, uint64_t len, struct location *loc)
{
	size_t size = sizeof(struct fiemap) + FIEMAP_BATCH * sizeof(struct fiemap_extent);
	_cleanup_free_ struct fiemap *fm = malloc(size);
	uint64_t pos = off, end = off + len;

	if (!fm)
		return -ENOMEM;
	loc->nsegs = 0;
	while (pos < end) {
		bool progressed = false;

		memset(fm, 0, size);
		fm->fm_start = pos;
		fm->fm_length = end - pos;
		fm->fm_flags = FIEMAP_FLAG_SYNC;
		fm->fm_extent_count = FIEMAP_BATCH;
		if (ioctl(fd, FS_IOC_FIEMAP, fm) < 0)
			return fail("%s: FIEMAP: %s", name, strerror(errno));
		for (unsigned i = 0; i < fm->fm_mapped_extents && pos < end; i++) {
			const struct fiemap_extent *e = &fm->fm_extents[i];
			const char *why = extent_refusal(e->fe_flags);
			uint64_t e_end = e->fe_logical + e->fe_length, n;

			if (e_end <= pos)
				continue;
			if (e->fe_logical > pos)
				return fail("%s: a hole at file offset %llu: nothing on the media "
					    "to damage",
					    name, (unsigned long long)pos);
			if (why)
				return fail("%s: file offset %llu: %s; refusing to write "
					    "the device under it (FIEMAP flags 0x%x)",
					    name, (unsigned long long)pos, why, e->fe_flags);
			if (loc->nsegs >= MAX_SEGS)
				return fail("%s: the block is in more than %d extents", name,
					    MAX_SEGS);
			n = MIN(e_end, end) - pos;
			loc->segs[loc->nsegs++] = (struct seg){
				.file_off = pos,
				.phys = e->fe_physical + (pos - e->fe_logical),
				.len = n,
			};
			pos += n;
			progressed = true;
		}
		if (!progressed)
			return fail("%s: a hole at file offset %llu: nothing on the media to "
				    "damage",
				    name, (unsigned long long)pos);
	}
	return 0;
}

/* Read a small sysfs attribute of the block device dev into buf (newline stripped). */
static int read_sysfs(dev_t dev, const char *attr, char *buf, size_t len)
{
	char path[128];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/%s", major(dev), minor(dev), attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* DEV must be the device the file lives on, or the image file behind that loop device. */
static int device_open(const char *path, dev_t fs_dev, struct device *d)
{
	struct stat st;

	d->path = path;
	if (stat(path, &st) < 0)
		return fail("%s: %s", path, strerror(errno));
	if (S_ISBLK(st.st_mode)) {
		int ssz = 512;

		if (st.st_rdev != fs_dev)
			return fail("%s (%u:%u) is not the device the file is on (%u:%u)", path,
				    major(st.st_rdev), minor(st.st_rdev), major(fs_dev),
				    minor(fs_dev));
		d->fd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
		if (d->fd < 0)
			return fail("%s: %s%s", path, strerror(errno),
				    errno == EBUSY ? " (the kernel refuses writes to mounted "
						     "block devices; give the backing image "
						     "file instead)" :
						     "");
		if (ioctl(d->fd, BLKSSZGET, &ssz) < 0)
			return fail("%s: BLKSSZGET: %s", path, strerror(errno));
		d->direct = true;
		d->align = (unsigned)ssz;
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		char backing[PATH_MAX], offset[32], real[PATH_MAX];

		if (read_sysfs(fs_dev, "loop/backing_file", backing, sizeof(backing)) < 0)
			return fail("%s is a file, but the filesystem is not on a loop device",
				    path);
		if (!realpath(path, real) || strcmp(real, backing) != 0)
			return fail("%s is not the backing file of the filesystem's loop "
				    "device (that is %s)",
				    path, backing);
		if (read_sysfs(fs_dev, "loop/offset", offset, sizeof(offset)) < 0)
			return fail("cannot read the loop device's offset");
		d->base = strtoull(offset, NULL, 10);
		d->fd = open(path, O_RDWR | O_CLOEXEC);
		if (d->fd < 0)
			return fail("%s: %s", path, strerror(errno));
		d->align = 1;
		return 0;
	}
	return fail("%s is neither a block device nor an image file", path);
}

static int check_aligned(const struct device *d, const struct location *loc)
{
	for (unsigned i = 0; i < loc->nsegs; i++)
		if ((loc->segs[i].phys + d->base) % d->align || loc->segs[i].len % d->align)
			return fail("%s: extent piece at %llu+%llu is not aligned to %u bytes",
				    d->path, (unsigned long long)loc->segs[i].phys,
				    (unsigned long long)loc->segs[i].len, d->align);
	return 0;
}

/* buf holds the whole block; its byte 0 is at file offset `off`. */
static int device_io(const struct device *d, const struct location *loc, uint64_t off, uint8_t *buf,
		     bool do_write)
{
	int r = check_aligned(d, loc);

	if (r < 0)
		return r;
	for (unsigned i = 0; i < loc->nsegs; i++) {
		const struct seg *s = &loc->segs[i];
		uint8_t *p = buf + (s->file_off - off);
		off_t at = (off_t)(s->phys + d->base);
		ssize_t n;

		if (do_write) {
			r = 0;
			n = pwrite(d->fd, p, s->len, at);
			if (n >= 0 && (uint64_t)n != s->len)
				r = -EIO;
		} else {
			n = pread_full(d->fd, p, s->len, at);
			if (n >= 0 && (uint64_t)n != s->len)
				return fail("%s: short read at %lld", d->path, (long long)at);
		}
		if (n < 0 || r < 0)
			return fail("%s: %s at %lld: %s", d->path, do_write ? "write" : "read",
				    (long long)at, n < 0 ? strerror(errno) : "short write");
	}
	if (do_write && !d->direct && fsync(d->fd) < 0)
		return fail("%s: fsync: %s", d->path, strerror(errno));
	return 0;
}

static int find_file(const struct ledger *l, const char *name, struct target *t)
{
	for (uint32_t i = 0; i < l->hdr->nfiles; i++) {
		char n[64];

		verify_file_name(l->files[i].writer_id, l->files[i].file_id, n, sizeof(n));
		if (streq(n, name)) {
			t->lf = &l->files[i];
			snprintf(t->name, sizeof(t->name), "%s", n);
			if (snprintf(t->path, sizeof(t->path), "%s/%s", l->hdr->data_dir, n) >=
			    (int)sizeof(t->path))
				return -ENAMETOOLONG;
			return 0;
		}
	}
	return fail("the ledger has no file named %s", name);
}

/* Open a data file, check the filesystem and map block `index`. */
static int locate(const struct target *t, uint64_t index, int *ret_fd, struct location *loc)
{
	_cleanup_close_ int fd = -1;
	struct statfs sfs;
	uint64_t bs = t->lf->block_size;
	int r;

	if (index >= t->lf->nblocks)
		return fail("%s has %u blocks; there is no block %llu", t->name, t->lf->nblocks,
			    (unsigned long long)index);
	fd = open(t->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return fail("%s: %s", t->path, strerror(errno));
	if (fstatfs(fd, &sfs) < 0)
		return fail("%s: statfs: %s", t->path, strerror(errno));
	if (sfs.f_type == BTRFS_SUPER_MAGIC)
		return fail("%s is on btrfs: FIEMAP gives btrfs logical addresses, not device "
			    "offsets, and btrfs data checksums turn media damage into EIO; "
			    "use ext4 or xfs",
			    t->path);
	r = map_range(fd, t->name, index * bs, bs, loc);
	if (r < 0)
		return r;
	*ret_fd = steal_fd(&fd);
	return 0;
}

static void print_block(const char *what, const uint8_t *buf, size_t bs)
{
	struct block_id id;
	enum block_state st = block_decode(buf, bs, &id);

	printf("%s: %s", what, block_state_name(st));
	if (st == BLOCK_VALID || st == BLOCK_TORN)
		printf(" run %016llx file %u writer %u block %llu generation %u",
		       (unsigned long long)id.run_id, id.file_id, id.writer_id,
		       (unsigned long long)id.index, id.generation);
	putchar('\n');
}

static int parse_copy_from(const char *spec, char *name, size_t len, uint64_t *ret_index)
{
	const char *colon = strrchr(spec, ':');
	char *end;

	if (!colon || colon == spec || (size_t)(colon - spec) >= len || !colon[1])
		return fail("copy-from=NAME:M expected, got copy-from=%s", spec);
	memcpy(name, spec, (size_t)(colon - spec));
	name[colon - spec] = '\0';
	errno = 0;
	*ret_index = strtoull(colon + 1, &end, 10);
	if (errno || *end)
		return fail("copy-from=%s: bad block number \"%s\"", spec, colon + 1);
	return 0;
}

struct args {
	const char *rundir;
	const char *device;
	const char *file;
	const char *mode;
	uint64_t block;
	bool have_block;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option options[] = { { "rundir", required_argument, NULL, 'r' },
						 { "device", required_argument, NULL, 'd' },
						 { "file", required_argument, NULL, 'f' },
						 { "block", required_argument, NULL, 'b' },
						 { "help", no_argument, NULL, 'h' },
						 {} };
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'r':
			a->rundir = optarg;
			break;
		case 'd':
			a->device = optarg;
			break;
		case 'f':
			a->file = optarg;
			break;
		case 'b':
			errno = 0;
			a->block = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg)
				return fail("--block: bad block number \"%s\"", optarg);
			a->have_block = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (!a->rundir || !a->device || !a->file || !a->have_block || argc - optind != 1) {
		usage(stderr);
		return -EINVAL;
	}
	a->mode = argv[optind];
	return 0;
}

/* Fill buf with what MODE puts over the block; false for `show`. */
static int make_damage(const struct args *a, const struct ledger *l, const struct target *t,
		       const struct device *d, const struct location *loc, uint8_t *buf)
{
	uint64_t bs = t->lf->block_size, off = a->block * bs;
	const struct ledger_block *b = &ledger_file_blocks(l, t->lf)[a->block];

	if (streq(a->mode, "zeros")) {
		memset(buf, 0, bs);
		return 0;
	}
	if (streq(a->mode, "older")) {
		struct block_pattern pattern;
		struct timespec ts;
		struct block_id id = {
			.run_id = l->hdr->run_id,
			.file_id = t->lf->file_id,
			.writer_id = t->lf->writer_id,
			.index = a->block,
		};
		int r;

		if (b->acked < 2)
			return fail("%s block %llu: acknowledged generation %u has no older "
				    "generation (run with -o passes=2 or more)",
				    t->name, (unsigned long long)a->block, b->acked);
		id.generation = b->acked - 1;
		clock_gettime(CLOCK_REALTIME, &ts);
		id.time_ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
		r = block_pattern_init(&pattern, l->hdr->run_id, bs);
		if (r < 0)
			return fail("block pattern: %s", strerror(-r));
		block_encode(&pattern, &id, buf);
		block_pattern_free(&pattern);
		return 0;
	}
	if (streq(a->mode, "flip-payload")) {
		size_t at = bs > FLIP_OFFSET ? FLIP_OFFSET : bs - 1;
		int r = device_io(d, loc, off, buf, false);

		if (r < 0)
			return r;
		buf[at] ^= 0xff;
		return 0;
	}
	if (strncmp(a->mode, "copy-from=", 10) == 0) {
		struct target src = { 0 };
		struct location src_loc;
		_cleanup_close_ int fd = -1;
		char name[64];
		uint64_t index = 0;
		int r;

		r = parse_copy_from(a->mode + 10, name, sizeof(name), &index);
		if (r >= 0)
			r = find_file(l, name, &src);
		if (r < 0)
			return r;
		if (src.lf->block_size != bs)
			return fail("%s has %u-byte blocks, %s %llu-byte ones", name,
				    src.lf->block_size, t->name, (unsigned long long)bs);
		r = locate(&src, index, &fd, &src_loc);
		if (r < 0)
			return r;
		return device_io(d, &src_loc, index * bs, buf, false);
	}
	return fail("unknown mode \"%s\"; expected older, zeros, flip-payload, "
		    "copy-from=NAME:M or show",
		    a->mode);
}

static int run(const struct args *a)
{
	_cleanup_ledger_ struct ledger *l = NULL;
	_cleanup_close_ int rundir_fd = -1, fd = -1;
	_cleanup_(closedevp) struct device d = { .fd = -1 };
	_cleanup_free_ uint8_t *buf = NULL;
	struct target t = { 0 };
	struct location loc;
	struct stat st;
	bool unsealed;
	uint64_t bs;
	int r;

	rundir_fd = open(a->rundir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rundir_fd < 0)
		return fail("%s: %s", a->rundir, strerror(errno));
	r = ledger_load(rundir_fd, &l, &unsealed, NULL);
	if (r < 0)
		return fail("cannot load the ledger in %s: %s", a->rundir, strerror(-r));
	r = find_file(l, a->file, &t);
	if (r < 0)
		return r;
	r = locate(&t, a->block, &fd, &loc);
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return fail("%s: %s", t.path, strerror(errno));
	r = device_open(a->device, st.st_dev, &d);
	if (r < 0)
		return r;
	bs = t.lf->block_size;
	buf = aligned_alloc(4096, ALIGN_UP(bs, (uint64_t)4096));
	if (!buf)
		return -ENOMEM;

	if (streq(a->mode, "show")) {
		const struct ledger_block *b = &ledger_file_blocks(l, t.lf)[a->block];

		printf("%s block %llu (file offset %llu, %llu bytes): ledger intended %u acked "
		       "%u\n",
		       t.name, (unsigned long long)a->block, (unsigned long long)(a->block * bs),
		       (unsigned long long)bs, b->intended, b->acked);
		for (unsigned i = 0; i < loc.nsegs; i++)
			printf("  file offset %llu: device offset %llu, %llu bytes\n",
			       (unsigned long long)loc.segs[i].file_off,
			       (unsigned long long)(loc.segs[i].phys + d.base),
			       (unsigned long long)loc.segs[i].len);
		r = device_io(&d, &loc, a->block * bs, buf, false);
		if (r < 0)
			return r;
		print_block("  media", buf, bs);
		return 0;
	}
	r = make_damage(a, l, &t, &d, &loc, buf);
	if (r < 0)
		return r;
	r = device_io(&d, &loc, a->block * bs, buf, true);
	if (r < 0)
		return r;
	printf("%s block %llu: wrote %s at device offset %llu of %s\n", t.name,
	       (unsigned long long)a->block, a->mode,
	       (unsigned long long)(loc.segs[0].phys + d.base), d.path);
	return 0;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };

	if (parse_args(argc, argv, &a) < 0)
		return EXIT_FAILURE;
	return run(&a) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
