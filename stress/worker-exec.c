// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Workers started by exec (worker-exec.h): where poof-worker is, its
 * arguments both ways ("key=value" words, every key of its role once, in
 * any order), and the plan it reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/macro.h"
#include "shared/parse.h"
#include "worker-exec.h"

/* Bumped whenever the arguments or the plan change: a poof-worker of another build refuses them. */
#define WORKER_EXEC_PROTOCOL "poof-worker-1"

#define BOTH ((1u << WORKER_WRITER) | (1u << WORKER_HOG))
#define WRITER (1u << WORKER_WRITER)
#define HOG (1u << WORKER_HOG)

/* Every key, and the roles that give it. */
static const struct {
	const char *key;
	unsigned roles;
} keys[] = {
	{ "protocol", BOTH },	   { "role", BOTH },	   { "parent", BOTH },
	{ "oom-score-adj", BOTH }, { "allow-list", BOTH }, { "writer", WRITER },
	{ "seed", WRITER },	   { "inject", WRITER },   { "inject-seed", WRITER },
	{ "kind", HOG },	   { "size", HOG },	   { "rate", HOG },
	{ "cycle", HOG },	   { "id", HOG },	   { "slots", HOG },
};

static int open_program(const char *dir)
{
	_cleanup_close_ int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd;

	if (dirfd < 0)
		return -errno;
	fd = openat(dirfd, WORKER_EXEC_PROGRAM, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	/* Runnable by this process, or no better than none. */
	if (faccessat(dirfd, WORKER_EXEC_PROGRAM, X_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

int worker_exec_open(void)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int fd = -ENOENT;

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			fd = open_program(slash == self ? "/" : self);
		}
	}
	return fd >= 0 ? fd : open_program(POOF_LIBEXECDIR);
}

struct words {
	struct worker_exec_argv *v;
	size_t used;
	unsigned argc;
};

/* Append "key=value"; the buffer is sized for every word with room to spare. */
static void add(struct words *w, const char *key, const char *value)
{
	char *p = w->v->buf + w->used;
	int n = snprintf(p, sizeof(w->v->buf) - w->used, "%s=%s", key, value);

	w->used += (size_t)n + 1;
	w->v->argv[w->argc++] = p;
}

static void add_u64(struct words *w, const char *key, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	add(w, key, num);
}

static void add_hog(struct words *w, const struct worker_exec_args *a)
{
	add(w, "kind", hog_kind_name(a->hog.kind));
	add_u64(w, "size", a->hog.size);
	add_u64(w, "rate", a->hog.rate);
	add(w, "cycle", a->hog.cycle ? "yes" : "no");
	add_u64(w, "id", a->hog.id);
	add(w, "slots", a->slots ? "yes" : "no");
}

static void add_writer(struct words *w, const struct worker_exec_args *a)
{
	add_u64(w, "writer", a->writer_id);
	add_u64(w, "seed", a->seed);
	add(w, "inject", a->inject ? "yes" : "no");
	add_u64(w, "inject-seed", a->inject_seed);
}

void worker_exec_argv(const struct worker_exec_args *a, struct worker_exec_argv *ret)
{
	struct words w = { .v = ret };
	char score[16];

	ret->argv[w.argc++] = (char *)WORKER_EXEC_PROGRAM;
	add(&w, "protocol", WORKER_EXEC_PROTOCOL);
	add(&w, "role", a->role == WORKER_HOG ? "hog" : "writer");
	add_u64(&w, "parent", (uint64_t)a->parent);
	snprintf(score, sizeof(score), "%d", a->oom_score_adj);
	add(&w, "oom-score-adj", a->oom_score_adj == WORKER_EXEC_KEEP_SCORE ? "keep" : score);
	add(&w, "allow-list", a->allow_list ? "yes" : "no");
	if (a->role == WORKER_HOG)
		add_hog(&w, a);
	else
		add_writer(&w, a);
	ret->argv[w.argc] = NULL;
}

/* "-1000".."1000", or "keep". */
static int parse_score(const char *v, int *ret)
{
	bool negative = v[0] == '-';
	uint64_t u;
	int r;

	if (!strcmp(v, "keep")) {
		*ret = WORKER_EXEC_KEEP_SCORE;
		return 0;
	}
	r = parse_uint(v + negative, 0, 1000, &u);
	if (r >= 0)
		*ret = negative ? -(int)u : (int)u;
	return r;
}

static int parse_u32(const char *v, uint64_t min, uint64_t max, uint32_t *ret)
{
	uint64_t u;
	int r = parse_uint(v, min, max, &u);

	if (r >= 0)
		*ret = (uint32_t)u;
	return r;
}

static int parse_role(const char *v, enum worker_role *ret)
{
	if (strcmp(v, "writer") && strcmp(v, "hog"))
		return -EINVAL;
	*ret = strcmp(v, "hog") ? WORKER_WRITER : WORKER_HOG;
	return 0;
}

/* One word's value into ret; -EINVAL when it is not one poof made. */
static int parse_word(const char *key, const char *v, struct worker_exec_args *ret)
{
	uint32_t parent;
	int r;

	if (!strcmp(key, "protocol"))
		return strcmp(v, WORKER_EXEC_PROTOCOL) ? -EINVAL : 0;
	if (!strcmp(key, "role"))
		return parse_role(v, &ret->role);
	if (!strcmp(key, "parent")) {
		r = parse_u32(v, 1, INT_MAX, &parent);
		ret->parent = (pid_t)parent;
		return r;
	}
	if (!strcmp(key, "oom-score-adj"))
		return parse_score(v, &ret->oom_score_adj);
	if (!strcmp(key, "allow-list"))
		return parse_bool(v, &ret->allow_list);
	if (!strcmp(key, "writer"))
		return parse_u32(v, 0, UINT32_MAX, &ret->writer_id);
	if (!strcmp(key, "seed"))
		return parse_uint(v, 0, UINT64_MAX, &ret->seed);
	if (!strcmp(key, "inject"))
		return parse_bool(v, &ret->inject);
	if (!strcmp(key, "inject-seed"))
		return parse_uint(v, 0, UINT64_MAX, &ret->inject_seed);
	if (!strcmp(key, "kind"))
		return hog_kind_from_name(v, &ret->hog.kind) < 0 ? -EINVAL : 0;
	if (!strcmp(key, "size"))
		return parse_uint(v, 0, UINT64_MAX, &ret->hog.size);
	if (!strcmp(key, "rate"))
		return parse_uint(v, 0, UINT64_MAX, &ret->hog.rate);
	if (!strcmp(key, "cycle"))
		return parse_bool(v, &ret->hog.cycle);
	if (!strcmp(key, "id"))
		return parse_u32(v, 0, UINT32_MAX, &ret->hog.id);
	if (!strcmp(key, "slots"))
		return parse_bool(v, &ret->slots);
	return -EINVAL;
}

/* The index in keys[] of argument arg's key, which *ret_value follows; -EINVAL: none. */
static int word_key(const char *arg, const char **ret_value)
{
	const char *eq = strchr(arg, '=');

	if (!eq)
		return -EINVAL;
	for (unsigned k = 0; k < ARRAY_SIZE(keys); k++)
		if (strlen(keys[k].key) == (size_t)(eq - arg) &&
		    !strncmp(arg, keys[k].key, (size_t)(eq - arg))) {
			*ret_value = eq + 1;
			return (int)k;
		}
	return -EINVAL;
}

int worker_exec_parse(int argc, char *const *argv, struct worker_exec_args *ret)
{
	struct worker_exec_args a = { .hog = { .dirfd = -1 } };
	unsigned seen = 0, want = 0;

	for (int i = 1; i < argc; i++) {
		const char *value;
		int k = word_key(argv[i], &value);

		if (k < 0 || (seen & (1u << k)) || parse_word(keys[k].key, value, &a) < 0)
			return -EINVAL;
		seen |= 1u << k;
	}
	/* Every key of the role that word "role" named, and no other. */
	for (unsigned k = 0; k < ARRAY_SIZE(keys); k++)
		if (keys[k].roles & (1u << a.role))
			want |= 1u << k;
	if (seen != want)
		return -EINVAL;
	if (a.role == WORKER_HOG && a.hog.kind == HOG_KMEM)
		a.hog.dirfd = WORKER_FD_DIR;
	*ret = a;
	return 0;
}

int worker_exec_plan_fd(const struct plan *plan)
{
	_cleanup_close_ int fd = memfd_create("poof-plan", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pwrite(fd, plan, sizeof(*plan), 0);
	if (n < 0)
		return -errno;
	if ((size_t)n != sizeof(*plan))
		return -EIO;
	/* Read-only from now on, for every worker that reads it. */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return -errno;
	return steal_fd(&fd);
}

int worker_exec_read_plan(int fd, struct plan *ret)
{
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size != sizeof(*ret))
		return -EBADMSG;
	n = pread(fd, ret, sizeof(*ret), 0);
	if (n < 0)
		return -errno;
	return (size_t)n == sizeof(*ret) ? 0 : -EBADMSG;
}

int worker_exec_map_slot(int fd, uint32_t id, struct ledger_violation **ret)
{
	size_t off = (size_t)id * sizeof(**ret), page = (size_t)sysconf(_SC_PAGESIZE);
	struct stat st;
	char *p;

	if (fstat(fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size < off + sizeof(**ret))
		return -ERANGE;
	/* Only the pages its slot is on. */
	p = mmap(NULL, off % page + sizeof(**ret), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)(off - off % page));
	if (p == MAP_FAILED)
		return -errno;
	*ret = (struct ledger_violation *)(p + off % page);
	return 0;
}
