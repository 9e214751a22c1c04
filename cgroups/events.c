// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>

#include "events.h"
#include "shared/macro.h"

/* v1 counters top out at PAGE_COUNTER_MAX pages: treat anything this big as "no limit". */
#define CG_LIMIT_UNLIMITED_FROM (1ULL << 62)

static int parse_u64_field(const char *s, size_t n, uint64_t *ret)
{
	uint64_t v = 0;

	if (n == 0 || n > 20)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

static uint64_t *find_key(const struct cg_key *keys, unsigned nkeys, const char *k, size_t n)
{
	for (unsigned i = 0; i < nkeys; i++)
		if (strlen(keys[i].key) == n && memcmp(keys[i].key, k, n) == 0)
			return keys[i].value;
	return NULL;
}

static int parse_keyed_line(const char *line, const char *end, const struct cg_key *keys,
			    unsigned nkeys)
{
	const char *sp = memchr(line, ' ', (size_t)(end - line));
	uint64_t *slot;

	if (!sp || sp == line)
		return -EINVAL;
	slot = find_key(keys, nkeys, line, (size_t)(sp - line));
	if (!slot) {
		uint64_t ignored;

		/* Unknown keys are skipped, but must still look like "key number". */
		return parse_u64_field(sp + 1, (size_t)(end - sp - 1), &ignored);
	}
	return parse_u64_field(sp + 1, (size_t)(end - sp - 1), slot);
}

int cg_parse_keyed(const char *text, const struct cg_key *keys, unsigned nkeys)
{
	for (const char *line = text; line && *line;) {
		const char *end = strchrnul(line, '\n');
		int r;

		if (end != line) {
			r = parse_keyed_line(line, end, keys, nkeys);
			if (r < 0)
				return r;
		}
		line = *end ? end + 1 : end;
	}
	return 0;
}

int cg_parse_memory_events(const char *text, struct cg_memory_events *ret)
{
	struct cg_memory_events e = { 0 };
	const struct cg_key keys[] = {
		{ "low", &e.low },	     { "high", &e.high },
		{ "max", &e.max },	     { "oom", &e.oom },
		{ "oom_kill", &e.oom_kill }, { "oom_group_kill", &e.oom_group_kill },
	};
	int r = cg_parse_keyed(text, keys, ARRAY_SIZE(keys));

	if (r < 0)
		return r;
	*ret = e;
	return 0;
}

int cg_parse_oom_control(const char *text, struct cg_events *ret)
{
	uint64_t disable = 0, under = 0, kills = 0;
	const struct cg_key keys[] = {
		{ "oom_kill_disable", &disable },
		{ "under_oom", &under },
		{ "oom_kill", &kills },
	};
	int r = cg_parse_keyed(text, keys, ARRAY_SIZE(keys));

	if (r < 0)
		return r;
	ret->tree.oom_kill = kills;
	ret->under_oom = under != 0;
	return 0;
}

static void stat_unset(struct cg_memory_stat *s)
{
	*s = (struct cg_memory_stat){ CG_UNSET, CG_UNSET, CG_UNSET, CG_UNSET };
}

int cg_parse_memory_stat_v2(const char *text, struct cg_memory_stat *ret)
{
	struct cg_memory_stat s;
	int r;

	stat_unset(&s);
	const struct cg_key keys[] = {
		{ "anon", &s.anon },
		{ "file", &s.file },
		{ "file_dirty", &s.file_dirty },
		{ "file_writeback", &s.file_writeback },
	};
	r = cg_parse_keyed(text, keys, ARRAY_SIZE(keys));
	if (r < 0)
		return r;
	*ret = s;
	return 0;
}

static uint64_t prefer(uint64_t total, uint64_t local)
{
	return total != CG_UNSET ? total : local;
}

int cg_parse_memory_stat_v1(const char *text, struct cg_memory_stat *ret)
{
	struct cg_memory_stat local, total;
	int r;

	stat_unset(&local);
	stat_unset(&total);
	const struct cg_key keys[] = {
		{ "rss", &local.anon },
		{ "cache", &local.file },
		{ "dirty", &local.file_dirty },
		{ "writeback", &local.file_writeback },
		{ "total_rss", &total.anon },
		{ "total_cache", &total.file },
		{ "total_dirty", &total.file_dirty },
		{ "total_writeback", &total.file_writeback },
	};
	r = cg_parse_keyed(text, keys, ARRAY_SIZE(keys));
	if (r < 0)
		return r;
	ret->anon = prefer(total.anon, local.anon);
	ret->file = prefer(total.file, local.file);
	ret->file_dirty = prefer(total.file_dirty, local.file_dirty);
	ret->file_writeback = prefer(total.file_writeback, local.file_writeback);
	return 0;
}

int cg_parse_group_events(const char *text, struct cg_group_events *ret)
{
	uint64_t populated = CG_UNSET, frozen = 0;
	const struct cg_key keys[] = {
		{ "populated", &populated },
		{ "frozen", &frozen },
	};
	int r = cg_parse_keyed(text, keys, ARRAY_SIZE(keys));

	if (r < 0)
		return r;
	if (populated == CG_UNSET)
		return -EINVAL;
	ret->populated = populated != 0;
	ret->frozen = frozen != 0;
	return 0;
}

int cg_parse_limit(const char *text, uint64_t *ret)
{
	size_t n = strcspn(text, "\n");
	uint64_t v;
	int r;

	if (n == 3 && memcmp(text, "max", 3) == 0) {
		*ret = CG_UNSET;
		return 0;
	}
	r = parse_u64_field(text, n, &v);
	if (r < 0)
		return r;
	*ret = v >= CG_LIMIT_UNLIMITED_FROM ? CG_UNSET : v;
	return 0;
}

bool cg_procs_nonempty(const char *text)
{
	return text && text[strspn(text, " \t\n")] != '\0';
}
