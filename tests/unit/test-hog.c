// SPDX-License-Identifier: LGPL-2.1-or-later
/* Memory hogs reach their size, keep the kmem directory bounded, and pace themselves. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "shared/clock.h"
#include "shared/macro.h"
#include "stress/hog.h"

static uint64_t *shared_counter(void)
{
	uint64_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	*p = 0;
	return p;
}

/* Start a hog, wait until its progress reaches `want` (a hang guard: 60 s), kill it. */
static uint64_t run_hog_until(struct hog_config *cfg, uint64_t want)
{
	uint64_t deadline = now_monotonic_ns() + 60 * NSEC_PER_SEC, got;
	int status;
	pid_t pid;

	cfg->progress = shared_counter();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(hog_main(cfg));
	while (__atomic_load_n(cfg->progress, __ATOMIC_RELAXED) < want &&
	       now_monotonic_ns() < deadline)
		sleep_ns(NSEC_PER_MSEC);
	/* Still alive: a hog runs until it is killed. */
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	got = *cfg->progress;
	munmap(cfg->progress, 4096);
	return got;
}

static void test_anon_reaches_size(void **state)
{
	struct hog_config cfg = { .kind = HOG_ANON, .size = 16u << 20 };

	(void)state;
	assert_int_equal(run_hog_until(&cfg, 16u << 20), 16u << 20);
}

static void test_shmem_reaches_size(void **state)
{
	struct hog_config cfg = { .kind = HOG_SHMEM, .size = 8u << 20, .id = 1 };

	(void)state;
	assert_int_equal(run_hog_until(&cfg, 8u << 20), 8u << 20);
}

static void test_anon_paced(void **state)
{
	/* 4 MiB/s for 64 MiB: after the first chunks it must still be far from done. */
	struct hog_config cfg = { .kind = HOG_ANON, .size = 64u << 20, .rate = 4u << 20 };
	uint64_t got;

	(void)state;
	got = run_hog_until(&cfg, 2u << 20);
	assert_true(got >= 2u << 20);
	assert_true(got < 64u << 20);
}

static unsigned count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_kmem_bounded(void **state)
{
	char dir[] = "/var/tmp/poof-test-hog-XXXXXX", cmd[64];
	struct hog_config cfg = { .kind = HOG_KMEM, .size = 100, .id = 2 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	cfg.dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(cfg.dirfd >= 0);
	assert_true(run_hog_until(&cfg, 5000) >= 5000);
	/* 5000 files made, at most `size` (+ the one being made) alive at once. */
	assert_true(count_entries(dir) <= 102);
	close(cfg.dirfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_kind_names(void **state)
{
	enum hog_kind k;

	(void)state;
	for (unsigned i = 0; i < _HOG_KIND_MAX; i++) {
		assert_int_equal(hog_kind_from_name(hog_kind_name(i), &k), 0);
		assert_int_equal(k, i);
	}
	assert_int_equal(hog_kind_from_name("slab", &k), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anon_reaches_size), cmocka_unit_test(test_shmem_reaches_size),
		cmocka_unit_test(test_anon_paced),	  cmocka_unit_test(test_kmem_bounded),
		cmocka_unit_test(test_kind_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
