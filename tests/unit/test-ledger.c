// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ledger semantics: 8 bytes per block, acknowledgement only after a whole
 * block was written, fsync coverage, and a persisted ledger that is refused
 * when damaged rather than half-trusted.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "judge/ledger.h"
#include "stress/writer.h"

static char tmpdir[64];
static int dirfd_ = -1;

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/var/tmp/poof-test-ledger-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	dirfd_ = open(tmpdir, O_RDONLY | O_DIRECTORY);
	return dirfd_ < 0 ? -1 : 0;
}

static void wipe(void)
{
	static const char *const names[] = { "ledger", "ledger.live", "w0000-f000000.dat" };

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlinkat(dirfd_, names[i], 0);
}

static int teardown(void **state)
{
	(void)state;
	wipe();
	close(dirfd_);
	rmdir(tmpdir);
	return 0;
}

static struct ledger *make_ledger(uint32_t nblocks)
{
	struct ledger_params p = {
		.run_id = 0xfeed, .seed = 99, .nwriters = 1, .nfiles = 1, .nblocks = nblocks
	};
	struct ledger *l = NULL;

	wipe();
	assert_int_equal(ledger_create(dirfd_, &p, &l), 0);
	l->writers[0] = (struct ledger_writer){ .writer_id = 0, .first_file = 0, .nfiles = 1 };
	l->files[0] = (struct ledger_file){
		.file_id = 0, .writer_id = 0, .nblocks = nblocks, .block_size = 4096
	};
	return l;
}

static void test_size_per_block(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct ledger_block), 8);
	/* Beyond the fixed records, a million more blocks cost exactly 8 MB. */
	assert_int_equal(ledger_size(4, 8, 2000000) - ledger_size(4, 8, 1000000), 8000000);
	assert_true(ledger_size(4, 8, 1000000) <= 8 * 1000000 + LEDGER_HEADER_SIZE +
							  4 * sizeof(struct ledger_writer) +
							  8 * sizeof(struct ledger_file) + 128);
}

static void test_fsync_coverage(void **state)
{
	struct ledger_file f = { .nblocks = 8 };

	(void)state;
	/* No fsync yet: nothing covered. */
	assert_false(ledger_covered(&f, 1, 0));
	/* fsync during pass 2 at position 3: pass 1 and pass 2's first three positions. */
	ledger_sync_result(&f, SYNC_FSYNC, 0, 2, 3, 1);
	assert_int_equal(f.fsync_ok, 1);
	assert_true(ledger_covered(&f, 1, 7));
	assert_true(ledger_covered(&f, 2, 2));
	assert_false(ledger_covered(&f, 2, 3));
	assert_false(ledger_covered(&f, 3, 0));
	assert_false(ledger_covered(&f, 0, 0));
	/* A failed fsync moves nothing and is reported. */
	ledger_sync_result(&f, SYNC_FSYNC, -EIO, 3, 5, 2);
	assert_int_equal(f.fsync_errors, 1);
	assert_int_equal(f.first_fsync_errno, -EIO);
	assert_false(ledger_covered(&f, 3, 0));
	assert_true(ledger_file_error_reported(&f));
	/* sync_file_range never makes anything durable. */
	ledger_sync_result(&f, SYNC_RANGE, 0, 4, 8, 3);
	assert_false(ledger_covered(&f, 3, 0));
	assert_int_equal(f.range_ok, 1);
}

static void test_write_errors_reported(void **state)
{
	struct ledger_file f = { 0 };

	(void)state;
	ledger_write_failed(&f, -ENOMEM);
	ledger_write_failed(&f, -ENOSPC);
	/* ENOMEM and ENOSPC fail one write; they say nothing about other blocks. */
	assert_false(ledger_file_error_reported(&f));
	ledger_write_failed(&f, -EIO);
	assert_true(ledger_file_error_reported(&f));
	assert_int_equal(f.write_errors, 3);
	assert_int_equal(f.err_enomem, 1);
	assert_int_equal(f.err_enospc, 1);
	assert_int_equal(f.err_eio, 1);
	assert_int_equal(f.first_write_errno, -ENOMEM);
}

/*
 * A real writer whose file may not grow past 2.5 blocks (RLIMIT_FSIZE):
 * blocks 0 and 1 are written, block 2 gets a short write and then EFBIG,
 * block 3 fails outright. Only whole, successful writes are acknowledged.
 */
static void test_ack_only_after_success(void **state)
{
	struct ledger *l = make_ledger(4);
	struct writer_group g = { .name = "t",
				  .count = 1,
				  .files = 1,
				  .file_size = 4 * 4096,
				  .block_size = 4096,
				  .engine = ENGINE_PWRITE,
				  .fsync = FSYNC_END,
				  .passes = 1 };
	struct writer_ctx ctx = {
		.ledger = l, .writer_id = 0, .group = &g, .data_dirfd = dirfd_, .seed = 1
	};
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 2 * 4096 + 2048, 2 * 4096 + 2048 };

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		_exit(writer_main(&ctx));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), WRITER_EXIT_DONE);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(l->blocks[i].intended, 1);
	assert_int_equal(l->blocks[0].acked, 1);
	assert_int_equal(l->blocks[1].acked, 1);
	assert_int_equal(l->blocks[2].acked, 0);
	assert_int_equal(l->blocks[3].acked, 0);
	assert_int_equal(l->files[0].writes_ok, 2);
	assert_int_equal(l->files[0].write_errors, 2);
	assert_int_equal(l->files[0].short_writes, 1);
	assert_int_equal(l->files[0].first_write_errno, -EFBIG);
	/* fsync=end: one fsync at the end of the pass, covering the whole pass. */
	assert_int_equal(l->files[0].fsync_ok, 1);
	assert_int_equal(l->files[0].durable_gen, 1);
	assert_int_equal(l->files[0].durable_pos, 4);
	assert_int_equal(l->files[0].passes_done, 1);
	assert_int_equal(l->writers[0].heartbeat, 4);
	ledger_free(l);
}

static struct ledger *seal_sample(void)
{
	struct ledger *l = make_ledger(16);

	l->blocks[3].intended = l->blocks[3].acked = 5;
	assert_int_equal(ledger_seal(l, dirfd_), 0);
	assert_int_equal(faccessat(dirfd_, "ledger.live", F_OK, 0), -1);
	return l;
}

static void test_seal_and_load(void **state)
{
	struct ledger *l = seal_sample(), *m = NULL;
	bool unsealed = true;

	(void)state;
	assert_int_equal(ledger_load(dirfd_, &m, &unsealed, NULL), 0);
	assert_false(unsealed);
	assert_int_equal(m->hdr->run_id, 0xfeed);
	assert_int_equal(m->hdr->state, LEDGER_SEALED);
	assert_int_equal(m->blocks[3].acked, 5);
	assert_int_equal(m->files[0].nblocks, 16);
	ledger_free(m);
	ledger_free(l);
}

static void corrupt_at(off_t off)
{
	int fd = openat(dirfd_, "ledger", O_RDWR);
	uint8_t b;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, off), 1);
	b ^= 0x01;
	assert_int_equal(pwrite(fd, &b, 1, off), 1);
	close(fd);
}

/* ledger_load() refuses the damage with r and says kind, in words that contain text. */
static void assert_damage(int r, enum ledger_damage_kind kind, const char *text)
{
	struct ledger *m = NULL;
	struct ledger_damage d;
	bool unsealed;
	char buf[256];

	assert_int_equal(ledger_load(dirfd_, &m, &unsealed, &d), r);
	assert_null(m);
	assert_int_equal(d.kind, kind);
	assert_string_equal(d.name, "ledger");
	ledger_damage_text(&d, buf, sizeof(buf));
	if (!strstr(buf, text))
		fail_msg("damage text \"%s\" lacks \"%s\"", buf, text);
}

static void truncate_ledger(off_t by)
{
	struct stat st;
	int fd = openat(dirfd_, "ledger", O_RDWR);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(ftruncate(fd, by < 0 ? st.st_size + by : by), 0);
	close(fd);
}

static void test_damage_refused(void **state)
{
	struct ledger *m = NULL;
	bool unsealed;
	size_t size = ledger_size(1, 1, 16);
	char want[64];

	(void)state;
	/* Missing. */
	wipe();
	assert_int_equal(ledger_load(dirfd_, &m, &unsealed, NULL), -ENOENT);
	/* A flipped bit in the block table, in the header, and in the magic. */
	ledger_free(seal_sample());
	corrupt_at((off_t)size - 20);
	assert_damage(-EBADMSG, LEDGER_DATA_CHECKSUM, "data checksum does not match");
	ledger_free(seal_sample());
	corrupt_at(offsetof(struct ledger_header, nblocks));
	assert_damage(-EBADMSG, LEDGER_HEADER_CHECKSUM, "header checksum does not match");
	ledger_free(seal_sample());
	corrupt_at(0);
	assert_damage(-EPROTO, LEDGER_NO_MAGIC, "not a poof ledger");
	ledger_free(seal_sample());
	corrupt_at(offsetof(struct ledger_header, version));
	/* corrupt_at() flips the lowest bit, whatever the current version is. */
	snprintf(want, sizeof(want), "format version is %d; this poof reads version %d",
		 LEDGER_VERSION ^ 1, LEDGER_VERSION);
	assert_damage(-EPROTO, LEDGER_BAD_VERSION, want);
	/* Cut short: by 8 bytes, inside the header, and to nothing. */
	ledger_free(seal_sample());
	truncate_ledger(-8);
	snprintf(want, sizeof(want), "cut short: %zu of %zu bytes", size - 8, size);
	assert_damage(-EBADMSG, LEDGER_BAD_SIZE, want);
	truncate_ledger(100);
	assert_damage(-EBADMSG, LEDGER_SHORT_HEADER, "100 bytes, less than its 4096-byte header");
	truncate_ledger(0);
	assert_damage(-EBADMSG, LEDGER_EMPTY, "empty (0 bytes)");
}

/* Checksums that match do not make tables that do not fit acceptable. */
static void test_bad_tables_refused(void **state)
{
	struct ledger *l = make_ledger(16);

	(void)state;
	l->files[0].first_block = 1;
	assert_int_equal(ledger_seal(l, dirfd_), 0);
	assert_damage(-EBADMSG, LEDGER_BAD_FILE, "entry 0 of its file table");
	ledger_free(l);
	/* A block size the verifier cannot read with (found by the ledger fuzzer). */
	l = make_ledger(16);
	l->files[0].block_size = 4195328;
	assert_int_equal(ledger_seal(l, dirfd_), 0);
	assert_damage(-EBADMSG, LEDGER_BAD_BLOCK_SIZE,
		      "file 0 of its file table has block size 4195328, not a power of two");
	ledger_free(l);
	/* Errors no system call returns, which the reports would name (found by the fuzzer). */
	l = make_ledger(16);
	l->files[0].last_fsync_errno = INT32_MIN;
	assert_int_equal(ledger_seal(l, dirfd_), 0);
	assert_damage(-EBADMSG, LEDGER_BAD_ERRNO,
		      "file 0 holds error -2147483648, which no system call returns");
	ledger_free(l);
	l = make_ledger(16);
	l->writers[0].error = 5;
	assert_int_equal(ledger_seal(l, dirfd_), 0);
	assert_damage(-EBADMSG, LEDGER_BAD_ERRNO, "writer 0 holds error 5");
	ledger_free(l);
	l = make_ledger(16);
	l->hdr->inject_errno[0] = -1;
	ledger_header_changed(l);
	assert_int_equal(ledger_seal(l, dirfd_), 0);
	assert_damage(-EBADMSG, LEDGER_BAD_ERRNO, "its header holds error -1");
	ledger_free(l);
	l = make_ledger(16);
	l->hdr->syncfs_result = -4096;
	ledger_header_changed(l);
	assert_int_equal(ledger_seal(l, dirfd_), 0);
	assert_damage(-EBADMSG, LEDGER_BAD_ERRNO, "its header holds error -4096");
	ledger_free(l);
}

static void test_live_fallback(void **state)
{
	struct ledger *l = make_ledger(4), *m = NULL;
	bool unsealed = false;

	(void)state;
	l->blocks[1].intended = 2;
	l->blocks[1].acked = 1;
	/* The supervisor died: only ledger.live exists. */
	assert_int_equal(ledger_load(dirfd_, &m, &unsealed, NULL), 0);
	assert_true(unsealed);
	assert_int_equal(m->blocks[1].intended, 2);
	assert_int_equal(m->hdr->state, LEDGER_RUNNING);
	ledger_free(m);
	ledger_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_per_block),
		cmocka_unit_test(test_fsync_coverage),
		cmocka_unit_test(test_write_errors_reported),
		cmocka_unit_test(test_ack_only_after_success),
		cmocka_unit_test(test_seal_and_load),
		cmocka_unit_test(test_damage_refused),
		cmocka_unit_test(test_bad_tables_refused),
		cmocka_unit_test(test_live_fallback),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
