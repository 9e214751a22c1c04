// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Workers started by exec: poof-worker reads back exactly what the
 * supervisor wrote, refuses anything else, gets the plan whole, and exec_spawn() puts the descriptors where
 * the program expects them or says why it could not start it.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "shared/exec.h"
#include "shared/macro.h"
#include "stress/worker-exec.h"

static void round_trip(const struct worker_exec_args *a)
{
	struct worker_exec_argv v;
	struct worker_exec_args b;
	int argc = 0;

	worker_exec_argv(a, &v);
	while (v.argv[argc])
		argc++;
	assert_int_equal(worker_exec_parse(argc, v.argv, &b), 0);
	assert_int_equal(b.role, a->role);
	assert_int_equal(b.parent, a->parent);
	assert_int_equal(b.oom_score_adj, a->oom_score_adj);
	assert_int_equal(b.allow_list, a->allow_list);
	if (a->role == WORKER_WRITER) {
		assert_int_equal(b.writer_id, a->writer_id);
		assert_true(b.seed == a->seed);
		assert_int_equal(b.inject, a->inject);
		assert_true(b.inject_seed == a->inject_seed);
		return;
	}
	assert_int_equal(b.hog.kind, a->hog.kind);
	assert_true(b.hog.size == a->hog.size);
	assert_true(b.hog.rate == a->hog.rate);
	assert_int_equal(b.hog.cycle, a->hog.cycle);
	assert_int_equal(b.hog.id, a->hog.id);
	assert_int_equal(b.hog.dirfd, a->hog.kind == HOG_KMEM ? WORKER_FD_DIR : -1);
	assert_null(b.hog.progress);
	assert_int_equal(b.slots, a->slots);
}

static void test_round_trip(void **state)
{
	(void)state;
	round_trip(&(struct worker_exec_args){
		.role = WORKER_HOG,
		.hog = { .kind = HOG_ANON, .size = 16 << 20, .rate = 8 << 20, .id = 63 },
		.parent = 4242,
		.oom_score_adj = WORKER_EXEC_KEEP_SCORE,
		.allow_list = true,
		.slots = true,
	});
	round_trip(&(struct worker_exec_args){
		.role = WORKER_HOG,
		.hog = { .kind = HOG_KMEM, .size = 100000, .cycle = true, .id = 0 },
		.parent = 1,
		.oom_score_adj = -1000,
	});
	round_trip(&(struct worker_exec_args){
		.role = WORKER_HOG,
		.hog = { .kind = HOG_SHMEM, .size = UINT64_MAX, .rate = 0, .id = UINT32_MAX },
		.parent = 99999,
		.oom_score_adj = 1000,
		.slots = true,
	});
	round_trip(&(struct worker_exec_args){
		.role = WORKER_WRITER,
		.writer_id = UINT32_MAX,
		.seed = UINT64_MAX,
		.parent = 7,
		.oom_score_adj = 0,
		.allow_list = true,
		.inject = true,
		.inject_seed = 12345,
	});
}

/* The words of a good hog start, with word `i` replaced by `with` (NULL: left out). */
static int parse_with(unsigned i, const char *with)
{
	char *words[] = { "poof-worker",    "protocol=poof-worker-1",
			  "role=hog",	    "kind=anon",
			  "size=4096",	    "rate=0",
			  "cycle=no",	    "id=3",
			  "parent=77",	    "oom-score-adj=0",
			  "allow-list=yes", "slots=no" };
	char *argv[ARRAY_SIZE(words) + 1];
	struct worker_exec_args a;
	int argc = 0;

	for (unsigned k = 0; k < ARRAY_SIZE(words); k++)
		if (k != i || with)
			argv[argc++] = k == i ? (char *)with : words[k];
	argv[argc] = NULL;
	return worker_exec_parse(argc, argv, &a);
}

static void test_refused(void **state)
{
	(void)state;
	assert_int_equal(parse_with(0, "poof-worker"), 0); /* the good start itself */
	assert_int_equal(parse_with(1, "protocol=poof-worker-0"), -EINVAL);
	assert_int_equal(parse_with(1, NULL), -EINVAL);
	assert_int_equal(parse_with(2, "role=writer"), -EINVAL); /* a hog's words */
	assert_int_equal(parse_with(2, "role=reader"), -EINVAL);
	assert_int_equal(parse_with(3, "kind=swap"), -EINVAL);
	assert_int_equal(parse_with(4, "size=4K"), -EINVAL);
	assert_int_equal(parse_with(4, "size="), -EINVAL);
	assert_int_equal(parse_with(6, "cycle=maybe"), -EINVAL);
	assert_int_equal(parse_with(7, "kind=anon"), -EINVAL); /* twice */
	assert_int_equal(parse_with(8, "parent"), -EINVAL);
	assert_int_equal(parse_with(8, "parent=0"), -EINVAL);
	assert_int_equal(parse_with(9, "oom-score-adj=-1001"), -EINVAL);
	assert_int_equal(parse_with(9, "oom-score-adj=keep"), 0);
	assert_int_equal(parse_with(11, "seed=1"), -EINVAL); /* a writer's word */
	assert_int_equal(parse_with(11, "colour=blue"), -EINVAL);
	assert_int_equal(parse_with(11, NULL), -EINVAL);
}

/* The plan goes through its memfd whole, and the memfd cannot be changed. */
static void test_plan(void **state)
{
	static struct plan in, out;
	int fd;

	(void)state;
	memset(&in, 0xa5, sizeof(in));
	in.ngroups = 3;
	fd = worker_exec_plan_fd(&in);
	assert_true(fd >= 0);
	assert_int_equal(worker_exec_read_plan(fd, &out), 0);
	assert_memory_equal(&in, &out, sizeof(in));
	assert_int_equal(pwrite(fd, "x", 1, 0), -1);
	assert_int_equal(errno, EPERM);
	close(fd);
	fd = memfd_create("short", MFD_CLOEXEC);
	assert_int_equal(pwrite(fd, &in, 100, 0), 100);
	assert_int_equal(worker_exec_read_plan(fd, &out), -EBADMSG);
	close(fd);
}

/* exec_spawn() of /bin/sh -c SCRIPT with fds; its exit status. */
static int run_sh(const char *script, const struct exec_fd *fds, unsigned nfds)
{
	_cleanup_close_ int bin = open("/bin/sh", O_PATH | O_CLOEXEC);
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	struct exec_spec e = {
		.binfd = bin, .argv = argv, .procs_fd = -1, .fds = fds, .nfds = nfds
	};
	int status;
	pid_t pid;

	assert_true(bin >= 0);
	pid = exec_spawn(&e);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_exec_fds(void **state)
{
	_cleanup_close_ int a = open("/dev/null", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int b = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	/* Crossed: each target is the other's source. */
	struct exec_fd fds[] = { { .from = a, .to = b }, { .from = b, .to = a } };
	char script[128];

	(void)state;
	snprintf(script, sizeof(script),
		 "[ \"$(readlink /proc/self/fd/%d)\" = /dev/zero ] && "
		 "[ \"$(readlink /proc/self/fd/%d)\" = /dev/null ]",
		 a, b);
	assert_int_equal(run_sh(script, fds, ARRAY_SIZE(fds)), 0);
	/* Nothing else crossed: the caller's close-on-exec fds stay behind. */
	snprintf(script, sizeof(script), "[ ! -e /proc/self/fd/%d ]", a);
	assert_int_equal(run_sh(script, NULL, 0), 0);
}

static void test_exec_fails(void **state)
{
	_cleanup_close_ int notexec = open("/dev/null", O_PATH | O_CLOEXEC);
	char *argv[] = { "null", NULL };
	struct exec_spec e = { .binfd = notexec, .argv = argv, .procs_fd = -1 };
	int status;

	(void)state;
	assert_int_equal(exec_spawn(&e), -EACCES);
	/* The child that could not exec is reaped already. */
	assert_int_equal(waitpid(-1, &status, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip), cmocka_unit_test(test_refused),
		cmocka_unit_test(test_plan),	   cmocka_unit_test(test_exec_fds),
		cmocka_unit_test(test_exec_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
