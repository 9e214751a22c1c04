// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Injection decisions and their accounting: a hash of the call's identity
 * against the rule's rate, the counters in the writer's ledger record, and
 * the shared log of the first injected indices.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inject.h"
#include "shared/macro.h"
#include "shared/random.h"

#define INJECT_SALT 0x696e6a656374ULL /* "inject": apart from the write order's streams */
#define GOLDEN_GAMMA 0x9e3779b97f4a7c15ULL

_Static_assert(_INJECT_CALL_MAX == LEDGER_INJECT_CALLS, "a ledger counter per injectable call");

bool inject_decide(const struct inject_rule *rule, uint64_t seed, uint32_t writer,
		   enum inject_call call, uint64_t index)
{
	/* One splitmix64 stream per (seed, writer, call); the index-th value of it. */
	uint64_t stream = mix64(mix64(seed ^ INJECT_SALT) ^ ((uint64_t)writer << 8 | call));
	uint64_t h = mix64(stream + (index + 1) * GOLDEN_GAMMA);

	/* h is uniform in [0, 2^64): h * den / 2^64 is uniform in [0, den). */
	return rule->error &&
	       (uint64_t)(((unsigned __int128)h * rule->rate.den) >> 64) < rule->rate.num;
}

int inject_next(const struct inject_ctx *c, uint32_t writer, enum inject_call call,
		uint64_t *ret_index)
{
	struct ledger_writer *w = &c->ledger->writers[writer];
	const struct inject_rule *rule = &c->spec->rules[call];

	*ret_index = __atomic_fetch_add(&w->inject_calls[call], 1, __ATOMIC_RELAXED);
	return inject_decide(rule, c->seed, writer, call, *ret_index) ? -rule->error : 0;
}

void inject_delivered(const struct inject_ctx *c, uint32_t writer, enum inject_call call,
		      uint64_t index)
{
	struct ledger_writer *w = &c->ledger->writers[writer];
	struct inject_log *log;

	__atomic_fetch_add(&w->inject_errors[call], 1, __ATOMIC_RELAXED);
	if (!c->log)
		return;
	log = &c->log[(size_t)writer * _INJECT_CALL_MAX + call];
	if (log->n < INJECT_LOG_MAX) {
		log->index[log->n] = index;
		__atomic_store_n(&log->n, log->n + 1, __ATOMIC_RELEASE);
	}
}

int inject_completion(const struct inject_ctx *c, uint32_t writer, enum inject_call call, int res)
{
	uint64_t index;
	int r;

	if ((unsigned)call >= _INJECT_CALL_MAX || !c->spec->rules[call].error)
		return res;
	r = inject_next(c, writer, call, &index);
	if (r == 0)
		return res;
	inject_delivered(c, writer, call, index);
	return r;
}

const char *const *inject_call_syscalls(enum inject_call call)
{
	static const char *const names[_INJECT_CALL_MAX][3] = {
		[INJECT_WRITE] = { "write" },
		[INJECT_PWRITE64] = { "pwrite64" },
		[INJECT_FSYNC] = { "fsync" },
		[INJECT_FDATASYNC] = { "fdatasync" },
		[INJECT_SYNC_FILE_RANGE] = { "sync_file_range", "sync_file_range2" },
		[INJECT_MSYNC] = { "msync" },
	};

	return (unsigned)call < _INJECT_CALL_MAX ? names[call] : NULL;
}

static size_t log_size(uint32_t nwriters)
{
	return (size_t)nwriters * _INJECT_CALL_MAX * sizeof(struct inject_log);
}

/* Touched here, so that the pages are the supervisor's, not a container's. */
int inject_log_create(uint32_t nwriters, struct inject_log **ret, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	int r;

	if (nwriters == 0)
		return -EINVAL;
	fd = memfd_create("poof-inject-log", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)log_size(nwriters)) < 0)
		return -errno;
	r = inject_log_attach(fd, nwriters, ret);
	if (r < 0)
		return r;
	memset(*ret, 0, log_size(nwriters));
	*ret_fd = steal_fd(&fd);
	return 0;
}

int inject_log_attach(int fd, uint32_t nwriters, struct inject_log **ret)
{
	struct stat st;
	void *p;

	if (nwriters == 0)
		return -EINVAL;
	if (fstat(fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size != log_size(nwriters))
		return -EBADMSG;
	p = mmap(NULL, log_size(nwriters), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	*ret = p;
	return 0;
}

int inject_log_map(uint32_t nwriters, struct inject_log **ret)
{
	int fd, r = inject_log_create(nwriters, ret, &fd);

	if (r >= 0)
		close(fd);
	return r;
}

void inject_log_unmap(struct inject_log *log, uint32_t nwriters)
{
	if (log)
		munmap(log, log_size(nwriters));
}

const struct inject_log *inject_log_of(const struct inject_log *log, uint32_t writer,
				       enum inject_call call)
{
	return log ? &log[(size_t)writer * _INJECT_CALL_MAX + call] : NULL;
}
