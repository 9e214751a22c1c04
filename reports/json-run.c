// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the run watched over time, for the JSON report (poof-report(5)):
 * the environment it ran in, its phases, the timeline's columns and every
 * OOM kill with its victim and container. See json-internal.h.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/utsname.h>

#include "json-internal.h"
#include "shared/fileio.h"
#include "shared/macro.h"

#define CMDLINE_MAX 4096

/* The kernel this report was written on: release and command line. */
json_object *report_environment_json(void)
{
	json_object *o = json_object_new_object();
	_cleanup_free_ char *cmdline = NULL;
	struct utsname u;
	size_t len;

	add_str(o, "kernel_release", uname(&u) == 0 ? u.release : NULL);
	if (read_file_full(AT_FDCWD, "/proc/cmdline", CMDLINE_MAX, (void **)&cmdline, &len) < 0)
		cmdline = NULL;
	while (cmdline && len > 0 && (cmdline[len - 1] == '\n' || cmdline[len - 1] == '\0'))
		cmdline[--len] = '\0';
	add_str(o, "kernel_cmdline", cmdline);
	return o;
}

json_object *report_overrides_json(const struct report *r)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < r->noverrides; i++)
		json_object_array_add(a, json_object_new_string(r->overrides[i]));
	return a;
}

/* [start, end] in seconds into the write phase, or nothing when the phase did not run. */
static void add_phase(json_object *o, const char *key, uint64_t t0, uint64_t from, uint64_t to)
{
	json_object *a;

	if (!from || !to)
		return;
	a = json_object_new_array();
	json_object_array_add(a, json_object_new_double(((double)from - (double)t0) / 1e9));
	json_object_array_add(a, json_object_new_double(((double)to - (double)t0) / 1e9));
	json_object_object_add(o, key, a);
}

json_object *report_phases_json(const struct report *r)
{
	const struct run_phases *p = r->phases;
	json_object *o;

	if (!p || !p->write_start)
		return NULL;
	o = json_object_new_object();
	add_phase(o, "write_s", p->write_start, p->write_start, p->write_end);
	add_phase(o, "flush_s", p->write_start, p->flush_start, p->flush_end);
	add_phase(o, "verify_s", p->write_start, p->verify_start, p->verify_end);
	return o;
}

static json_object *series(const struct timeline *t, unsigned ci, size_t field)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < t->nsamples; i++) {
		const struct container_sample *c = &t->c[(size_t)i * t->ncontainers + ci];
		uint64_t v = *(const uint64_t *)(const void *)((const char *)c + field);

		json_object_array_add(a, v == UINT64_MAX ? NULL : json_object_new_uint64(v));
	}
	return a;
}

/*
 * Memory stall per sample: the microseconds the container stalled since the
 * sample before (for the first, since the run's start); null where either
 * end was not read.
 */
static json_object *psi_series(const struct timeline *t, unsigned ci,
			       const struct report_container *c, bool full)
{
	json_object *a = json_object_new_array();
	uint64_t prev = full ? c->psi_start.full_us : c->psi_start.some_us;

	for (unsigned i = 0; i < t->nsamples; i++) {
		const struct container_sample *s = &t->c[(size_t)i * t->ncontainers + ci];
		uint64_t v = full ? s->psi.full_us : s->psi.some_us;

		json_object_array_add(a, v == UINT64_MAX || prev == UINT64_MAX || v < prev ?
						 NULL :
						 json_object_new_uint64(v - prev));
		prev = v;
	}
	return a;
}

/* memory.high and the PSI columns, for a container that has them. */
static void add_limits_and_pressure(json_object *o, const struct timeline *t, unsigned ci,
				    const struct report_container *c)
{
	if (c->memory_high != PLAN_UNLIMITED)
		add_u64(o, "memory_high", c->memory_high);
	if (!c->psi_known)
		return;
	json_object_object_add(o, "psi_some", psi_series(t, ci, c, false));
	json_object_object_add(o, "psi_full", psi_series(t, ci, c, true));
}

/* Columns, one value per sample: compact for long runs and easy to plot. */
json_object *report_timeline_json(const struct report *r)
{
	const struct timeline *t = &r->supervisor->timeline;
	json_object *o = json_object_new_object(), *ts = json_object_new_array();
	json_object *bytes = json_object_new_array(), *cs = json_object_new_array();

	add_seconds(o, "interval_s", t->interval_ns ? t->interval_ns : SAMPLE_NS);
	for (unsigned i = 0; i < t->nsamples; i++) {
		json_object_array_add(ts,
				      json_object_new_double((double)t->t_ns[i] / NSEC_PER_SEC));
		json_object_array_add(bytes, json_object_new_uint64(t->bytes[i]));
	}
	json_object_object_add(o, "t_s", ts);
	json_object_object_add(o, "bytes_acknowledged", bytes);
	for (unsigned ci = 0; ci < t->ncontainers && ci < r->ncontainers; ci++) {
		json_object *c = json_object_new_object();

		add_str(c, "name", r->containers[ci].name);
		json_object_object_add(c, "memory_current",
				       series(t, ci, offsetof(struct container_sample, current)));
		json_object_object_add(c, "anon",
				       series(t, ci, offsetof(struct container_sample, stat.anon)));
		json_object_object_add(c, "file",
				       series(t, ci, offsetof(struct container_sample, stat.file)));
		json_object_object_add(c, "file_dirty",
				       series(t, ci,
					      offsetof(struct container_sample, stat.file_dirty)));
		json_object_object_add(
			c, "file_writeback",
			series(t, ci, offsetof(struct container_sample, stat.file_writeback)));
		json_object_object_add(c, "oom_kills",
				       series(t, ci, offsetof(struct container_sample, oom_kills)));
		add_limits_and_pressure(c, t, ci, &r->containers[ci]);
		json_object_array_add(cs, c);
	}
	json_object_object_add(o, "containers", cs);
	return o;
}

/* The run's container whose cgroup holds the kernel's memcg, or NULL: not the run's. */
static const struct report_container *kill_container(const struct report *r, const char *memcg)
{
	for (unsigned i = 0; i < r->ncontainers; i++) {
		const char *own = r->containers[i].memcg;
		size_t n = strlen(own);

		if (n && strncmp(memcg, own, n) == 0 && (memcg[n] == '\0' || memcg[n] == '/'))
			return &r->containers[i];
	}
	return NULL;
}

/* Every OOM kill of the run's containers; other cgroups' kills are not the run's. */
json_object *report_oom_kills_json(const struct report *r)
{
	const struct kernel_watch *k = r->kernel_watch;
	json_object *a;

	if (!k || k->open_error || !r->ncontainers)
		return NULL;
	a = json_object_new_array();
	for (size_t i = 0; i < k->nkills; i++) {
		const struct report_container *c = kill_container(r, k->kills[i].task_memcg);
		json_object *o;

		if (!c)
			continue;
		o = json_object_new_object();
		add_seconds(o, "t_s", k->kills[i].usec * NSEC_PER_USEC);
		add_int(o, "pid", k->kills[i].pid);
		add_str(o, "comm", k->kills[i].comm);
		add_str(o, "container", c->name);
		add_str(o, "memcg", k->kills[i].task_memcg);
		json_object_array_add(a, o);
	}
	return a;
}
