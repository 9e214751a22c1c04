// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The mmap engine: blocks copied into a MAP_SHARED mapping of a file sized
 * first, msync over a range, a mapping kept for the next pass, and a
 * SIGBUS while copying caught and made a failed write (EIO) that leaves its
 * block in flight, while a SIGBUS anywhere else still kills the process.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "stress/engine.h"
#include "stress/inflight.h"

#define BS 4096u
#define NBLOCKS 4u

static char path[64];

struct rig {
	struct engine e;
	struct engine_file file;
	struct inflight q;
	struct ledger_file lf;
	struct ledger_block blocks[NBLOCKS];
};

static void rig_open(struct rig *r, enum mmap_flush flush)
{
	struct engine_params p;

	memset(r, 0, sizeof(*r));
	strcpy(path, "/var/tmp/poof-test-mmap-XXXXXX");
	r->file = (struct engine_file){ .fd = mkstemp(path), .size = NBLOCKS * BS, .index = -1 };
	assert_true(r->file.fd >= 0);
	assert_int_equal(inflight_init(&r->q, 1, BS), 0);
	r->lf = (struct ledger_file){ .nblocks = NBLOCKS, .block_size = BS };
	p = (struct engine_params){ .depth = 1,
				    .bufs = r->q.bufs,
				    .buf_size = r->q.buf_size,
				    .files = &r->file,
				    .nfiles = 1,
				    .mmap_flush = flush };
	assert_int_equal(engine_open(&engine_mmap_ops, &p, &r->e), 0);
}

static void rig_close(struct rig *r)
{
	engine_close(&r->e);
	inflight_free(&r->q);
	close(r->file.fd);
	unlink(path);
}

/* Write block `index` filled with `byte` through the engine; the verdict. */
static enum inflight_verdict write_block(struct rig *r, uint32_t index, int byte)
{
	struct inflight_req *req = inflight_get(&r->q);
	enum inflight_verdict v;

	assert_non_null(req);
	memset(req->base, byte, BS);
	inflight_start_write(req, &r->lf, r->blocks, &r->file, index, index, 1);
	assert_int_equal(engine_queue(&r->e, &req->io), ENGINE_DONE);
	v = inflight_complete(req, 1);
	inflight_put(&r->q, req);
	return v;
}

static void test_copy_and_msync(void **state)
{
	struct rig r;
	struct stat st;
	uint8_t back[BS];
	struct engine_io sync = { .op = ENGINE_OP_SYNC, .sync = SYNC_FSYNC, .off = BS, .len = BS };

	(void)state;
	rig_open(&r, MMAP_FLUSH_MSYNC);
	assert_int_equal(write_block(&r, 1, 0xab), INFLIGHT_DONE);
	/* Sized first, to the whole file; the block is in the page cache. */
	assert_int_equal(fstat(r.file.fd, &st), 0);
	assert_int_equal(st.st_size, NBLOCKS * BS);
	assert_int_equal(pread(r.file.fd, back, BS, BS), BS);
	assert_int_equal(back[0], 0xab);
	assert_int_equal(back[BS - 1], 0xab);
	assert_int_equal(r.blocks[1].acked, 1);
	sync.file = &r.file;
	assert_int_equal(engine_queue(&r.e, &sync), ENGINE_DONE);
	assert_int_equal(sync.res, 0);
	rig_close(&r);
}

/* Whether the kernel has cachestat(2) (Linux 6.5), which the engine asks. */
static bool have_cachestat(int fd)
{
	uint64_t range[2] = { 0, 0 }, cs[5];

	return syscall(451, fd, range, cs, 0) == 0;
}

/*
 * A pass over the file still mapped keeps the mapping where the kernel has
 * cachestat, dirty pages or clean (those the engine makes writable ahead),
 * and grows the file back to its size first; without cachestat it maps the
 * file afresh.
 */
static void test_mapping_kept_across_passes(void **state)
{
	struct rig r;
	uint8_t back[BS];
	void *map;
	bool kept;

	(void)state;
	rig_open(&r, MMAP_FLUSH_FSYNC);
	kept = have_cachestat(r.file.fd);
	for (uint32_t i = 0; i < NBLOCKS; i++)
		assert_int_equal(write_block(&r, i, 1), INFLIGHT_DONE);
	map = r.file.map;
	assert_non_null(map);
	engine_pass(&r.e, &r.file);
	assert_ptr_equal(r.file.map, kept ? map : NULL);
	/* Shrunk between passes: the pass grows it back, and no copy faults beyond its end. */
	assert_int_equal(ftruncate(r.file.fd, BS), 0);
	engine_pass(&r.e, &r.file);
	for (uint32_t i = 0; i < NBLOCKS; i++)
		assert_int_equal(write_block(&r, i, 2), INFLIGHT_DONE);
	/* Written back: clean pages, made writable again before the copy. */
	assert_int_equal(fsync(r.file.fd), 0);
	engine_pass(&r.e, &r.file);
	assert_ptr_equal(r.file.map, kept ? map : NULL);
	for (uint32_t i = 0; i < NBLOCKS; i++)
		assert_int_equal(write_block(&r, i, 3 + (int)i), INFLIGHT_DONE);
	assert_int_equal(r.lf.write_errors, 0);
	for (uint32_t i = 0; i < NBLOCKS; i++) {
		assert_int_equal(pread(r.file.fd, back, BS, i * BS), BS);
		assert_int_equal(back[0], 3 + i);
		assert_int_equal(back[BS - 1], 3 + i);
	}
	rig_close(&r);
}

/*
 * The file shrinks under the mapping: the copy faults beyond its end and
 * the kernel sends SIGBUS. The write fails with EIO, the block stays in
 * flight, the process lives on and the next write, once the file is whole
 * again, succeeds.
 */
static void test_sigbus_is_a_failed_write(void **state)
{
	struct rig r;

	(void)state;
	rig_open(&r, MMAP_FLUSH_FSYNC);
	assert_int_equal(write_block(&r, 0, 1), INFLIGHT_DONE);
	assert_int_equal(ftruncate(r.file.fd, BS), 0);
	assert_int_equal(write_block(&r, 2, 2), INFLIGHT_FAILED);
	assert_int_equal(r.lf.err_eio, 1);
	assert_int_equal(r.lf.first_write_errno, -EIO);
	assert_int_equal(r.blocks[2].intended, 1);
	assert_int_equal(r.blocks[2].acked, 0);
	assert_int_equal(ftruncate(r.file.fd, NBLOCKS * BS), 0);
	assert_int_equal(write_block(&r, 2, 3), INFLIGHT_DONE);
	assert_int_equal(r.blocks[2].acked, 1);
	rig_close(&r);
}

/* A SIGBUS outside a copy is not the engine's to swallow. */
static void test_other_sigbus_kills(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rig r;

		rig_open(&r, MMAP_FLUSH_MSYNC);
		unlink(path);
		raise(SIGBUS);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGBUS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_and_msync),
		cmocka_unit_test(test_mapping_kept_across_passes),
		cmocka_unit_test(test_sigbus_is_a_failed_write),
		cmocka_unit_test(test_other_sigbus_kills),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
