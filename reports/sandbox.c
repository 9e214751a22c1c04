// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The workers' sandbox in the report: whether the workers ran under their
 * allow-lists, and every call that left one, for the summary and the JSON
 * alike. A writer's violation is in its ledger record, a hog's in the
 * run's shared slots (poof stress only).
 */
#include <json-c/json.h>
#include <stdio.h>

#include "report.h"
#include "shared/macro.h"
#include "stress/sandbox.h"

#define SUMMARY_VIOLATIONS 4

struct violation {
	const char *worker; /* "writer" or "hog" */
	uint32_t id;
	const struct ledger_violation *v;
};

typedef void violation_fn(const struct violation *v, void *userdata);

/* Every violation: the writers' first, then the hogs'. The count. */
static uint32_t each_violation(const struct report *r, violation_fn *fn, void *userdata)
{
	uint32_t n = 0;

	for (uint32_t i = 0; r->ledger && i < r->ledger->hdr->nwriters; i++) {
		struct violation v = { "writer", i, &r->ledger->writers[i].violation };

		if (!v.v->arch)
			continue;
		if (fn)
			fn(&v, userdata);
		n++;
	}
	for (uint32_t i = 0; r->sandbox && i < r->sandbox->nhogs; i++) {
		struct violation v = { "hog", i, sandbox_run_hog_violation(r->sandbox, i) };

		if (!v.v)
			continue;
		if (fn)
			fn(&v, userdata);
		n++;
	}
	return n;
}

uint32_t report_count_violations(const struct report *r)
{
	return each_violation(r, NULL, NULL);
}

struct print_state {
	FILE *out;
	unsigned printed;
};

static void print_violation(const struct violation *v, void *userdata)
{
	struct print_state *st = userdata;
	char call[64], arch[32];

	if (st->printed++ >= SUMMARY_VIOLATIONS)
		return;
	fprintf(st->out,
		"  ERROR: %s %u called %s (%s), which its sandbox does not allow, and was "
		"stopped\n",
		v->worker, v->id,
		sandbox_syscall_name(v->v->arch, v->v->syscall, call, sizeof(call)),
		sandbox_arch_name(v->v->arch, arch, sizeof(arch)));
}

void report_sandbox_print(const struct report *r, FILE *out)
{
	struct print_state st = { .out = out };

	if (!r->violations)
		return;
	each_violation(r, print_violation, &st);
	if (r->violations > SUMMARY_VIOLATIONS)
		fprintf(out, "    ... and %u more (all in %s)\n",
			r->violations - SUMMARY_VIOLATIONS, REPORT_FILE_NAME);
	fprintf(out, "  a worker doing more than its job is a bug in poof: the run is an internal "
		     "error (exit 70)\n");
}

static void add_violation(const struct violation *v, void *userdata)
{
	json_object *o = json_object_new_object();
	char call[64], arch[32];

	json_object_object_add(o, "worker", json_object_new_string(v->worker));
	json_object_object_add(o, "id", json_object_new_uint64(v->id));
	json_object_object_add(o, "syscall",
			       json_object_new_string(sandbox_syscall_name(v->v->arch,
									   v->v->syscall, call,
									   sizeof(call))));
	json_object_object_add(o, "number", json_object_new_int(v->v->syscall));
	json_object_object_add(o, "arch",
			       json_object_new_string(
				       sandbox_arch_name(v->v->arch, arch, sizeof(arch))));
	json_object_array_add(userdata, o);
}

json_object *report_sandbox_json(const struct report *r)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "enabled",
			       json_object_new_boolean(r->ledger && r->ledger->hdr->sandbox));
	each_violation(r, add_violation, a);
	json_object_object_add(o, "violations", a);
	return o;
}
