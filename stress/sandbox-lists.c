// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The allow-lists of the workers, by name, and why each call is on them.
 * They hold what a worker calls from the moment its filter is loaded (its
 * setup is done by then) until it exits, glibc's own calls included: what
 * the workers were seen to call with the filter on, on ext4, xfs and btrfs,
 * on the build host and in the test VM's kernel, plus what they call only
 * in rarer moments (named with each). A call missing here is a violation
 * that ends the run in exit 70, so every path of a worker's loop must be
 * covered: errors, backoff, the end of its passes, a frozen container.
 */
#include "sandbox.h"
#include "shared/macro.h"

/* Every worker. */
static const char *const worker_calls[] = {
	/* _exit() at the end, and after a violation in the SIGSYS handler */
	"exit_group",
	"exit",
	/* a signal handler returning, a sleep resumed after SIGSTOP/SIGCONT or a frozen cgroup */
	"rt_sigreturn",
	"restart_syscall",
	/* clocks: the vDSO, or the syscall where the clocksource has no vDSO (a VM's) */
	"clock_gettime",
	"gettimeofday",
	/* sleep_ns(): the writer's backoff after an error, a hog's pacing */
	"nanosleep",
	"clock_nanosleep",
	/* malloc and free: the heap, big chunks, trimming */
	"brk",
	"mmap",
	"munmap",
	"mremap",
	"madvise",
	/* glibc's locks when contended; a child of a threaded supervisor keeps them */
	"futex",
#ifdef __SANITIZE_ADDRESS__
	/* the sanitizers' _exit() (the test tier's ASan build) reads the signal stack */
	"sigaltstack",
#endif
	NULL,
};

/* Every writer, whatever its engine. */
static const char *const writer_calls[] = {
	/* the fsync policies */
	"fsync",
	"fdatasync",
	"sync_file_range",
	"sync_file_range2", /* the name on architectures with the other argument order */
	/* the notification listener, after it went over to the supervisor; files at the end */
	"close",
	NULL,
};

static const char *const pwrite_calls[] = { "pwrite64", NULL };
static const char *const write_calls[] = { "write", "lseek", NULL };

/*
 * io_uring: the ring, its registered buffers and files and its io-wq cap
 * are made before the filter. Submitting and waiting for completions are
 * io_uring_enter; the teardown unmaps the rings and closes the ring's fd
 * (both on the lists above). The writes and syncs themselves are ring
 * operations, which seccomp never sees.
 */
static const char *const io_uring_calls[] = { "io_uring_enter", NULL };

/*
 * mmap: a file is sized (fstat, then ftruncate) and mapped, and kept for
 * the next pass over it where cachestat works (ENOSYS before Linux 6.5:
 * mapped afresh); cachestat looks at each 2 MiB chunk before its first copy
 * of a pass, and madvise (on the list above) makes it writable where it is
 * clean. The last mapping is unmapped at the end; mmap-flush=msync flushes
 * with msync. A SIGBUS while copying unblocks SIGBUS again; the engine's
 * exit puts the old SIGBUS action back; a SIGBUS outside a copy resets the
 * action and raises the signal again to die of it.
 */
static const char *const mmap_calls[] = {
	"fstat",	  "newfstatat",	  "fstatat64", "ftruncate", "cachestat", "msync",
	"rt_sigprocmask", "rt_sigaction", "getpid",    "gettid",    "tgkill",	 NULL,
};

/*
 * An engine's own calls in its write loop. An engine missing here cannot
 * run sandboxed: the run refuses it before it starts.
 */
static const char *const *const engine_calls[_ENGINE_MAX] = {
	[ENGINE_PWRITE] = pwrite_calls,
	[ENGINE_WRITE] = write_calls,
	[ENGINE_IO_URING] = io_uring_calls,
	[ENGINE_MMAP] = mmap_calls,
};

/* anon: chunks are mapped and unmapped (in worker_calls); pause() holds them. */
static const char *const anon_calls[] = { "pause", NULL };
/* shmem: a memfd per round, grown with pwrite, closed when the round is over. */
static const char *const shmem_calls[] = { "memfd_create", "pwrite64", "close", "pause", NULL };
/* kmem: create, rename and unlink small files in its own directory. */
static const char *const kmem_calls[] = {
	"openat", "close", "renameat", "renameat2", "unlinkat", NULL,
};

static const char *const *const hog_calls[_HOG_KIND_MAX] = {
	[HOG_ANON] = anon_calls,
	[HOG_SHMEM] = shmem_calls,
	[HOG_KMEM] = kmem_calls,
};

const char *const *sandbox_list_worker(void)
{
	return worker_calls;
}

const char *const *sandbox_list_writer(void)
{
	return writer_calls;
}

const char *const *sandbox_list_engine(enum engine_kind e)
{
	return (unsigned)e < ARRAY_SIZE(engine_calls) ? engine_calls[e] : NULL;
}

const char *const *sandbox_list_hog(enum hog_kind k)
{
	return (unsigned)k < ARRAY_SIZE(hog_calls) ? hog_calls[k] : NULL;
}

const char *sandbox_engine_unlisted(const struct plan *plan)
{
	for (unsigned i = 0; i < plan->ngroups; i++)
		if (!sandbox_list_engine(plan->groups[i].engine))
			return engine_kind_name(plan->groups[i].engine);
	return NULL;
}
