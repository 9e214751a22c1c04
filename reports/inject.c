// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Error injection in the report: the rules, how many calls each syscall
 * made and how many of them failed by injection, per run and per writer
 * with the first injected call indices, for the summary and the JSON
 * alike. The counts come from the ledger (so poof verify has them too),
 * the rates, indices and the notification thread's account from the run.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "shared/macro.h"

/* The errno injected into call, 0 for none: the plan's, or the ledger's for verify. */
static int rule_errno(const struct report *r, enum inject_call c)
{
	if (r->plan)
		return r->plan->inject.rules[c].error;
	return r->ledger ? r->ledger->hdr->inject_errno[c] : 0;
}

/* Its name; a ledger's may hold any number (poof verify reads forged ones): "errno N" then. */
static const char *rule_errno_name(const struct report *r, enum inject_call c, char *buf,
				   size_t len)
{
	int e = rule_errno(r, c);
	const char *name = e > 0 ? strerrorname_np(e) : NULL;

	if (name)
		return name;
	snprintf(buf, len, "errno %d", e);
	return buf;
}

bool report_injects(const struct report *r)
{
	for (unsigned c = 0; c < _INJECT_CALL_MAX; c++)
		if (rule_errno(r, c))
			return true;
	return false;
}

static uint64_t total(const struct report *r, enum inject_call c, bool errors)
{
	uint64_t n = 0;

	for (uint32_t i = 0; r->ledger && i < r->ledger->hdr->nwriters; i++)
		n += errors ? r->ledger->writers[i].inject_errors[c] :
			      r->ledger->writers[i].inject_calls[c];
	return n;
}

uint64_t report_injected(const struct report *r)
{
	uint64_t n = 0;

	for (unsigned c = 0; c < _INJECT_CALL_MAX; c++)
		n += total(r, c, true);
	return n;
}

/* The notification thread stopped early: its writers' calls failed with ENOSYS after it. */
bool report_inject_failed(const struct report *r)
{
	return r->sandbox && r->sandbox->stats.error;
}

void report_inject_print(const struct report *r, FILE *out)
{
	const char *sep = ":";

	if (!report_injects(r))
		return;
	fprintf(out, "  injected %llu errors (seed %llu)", (unsigned long long)report_injected(r),
		(unsigned long long)r->ledger->hdr->inject_seed);
	for (unsigned c = 0; c < _INJECT_CALL_MAX; c++) {
		char rate[32] = "", name[24];

		if (!rule_errno(r, c))
			continue;
		if (r->plan)
			inject_rate_format(&r->plan->inject.rules[c].rate, rate, sizeof(rate));
		fprintf(out, "%s %s %s %llu of %llu calls%s%s%s", sep, inject_call_name(c),
			rule_errno_name(r, c, name, sizeof(name)),
			(unsigned long long)total(r, c, true),
			(unsigned long long)total(r, c, false), rate[0] ? " (" : "", rate,
			rate[0] ? ")" : "");
		sep = ",";
	}
	fprintf(out, "\n");
	if (report_inject_failed(r))
		fprintf(out,
			"  ERROR: the notification thread stopped early (%s): later injected "
			"calls failed with ENOSYS instead; an internal error (exit 70)\n",
			strerrorname_np(-r->sandbox->stats.error));
}

static json_object *rules_json(const struct report *r)
{
	json_object *a = json_object_new_array();

	for (unsigned c = 0; c < _INJECT_CALL_MAX; c++) {
		json_object *o;
		char rate[32], name[24];

		if (!rule_errno(r, c))
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "syscall", json_object_new_string(inject_call_name(c)));
		json_object_object_add(o, "errno",
				       json_object_new_string(
					       rule_errno_name(r, c, name, sizeof(name))));
		if (r->plan)
			inject_rate_format(&r->plan->inject.rules[c].rate, rate, sizeof(rate));
		json_object_object_add(o, "rate", r->plan ? json_object_new_string(rate) : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

/* {"fsync": N, ...} of calls, or {"fsync": {"ENOMEM": N}, ...} of injected errors. */
static json_object *per_call_json(const struct report *r, bool errors)
{
	json_object *o = json_object_new_object();

	for (unsigned c = 0; c < _INJECT_CALL_MAX; c++) {
		json_object *v = json_object_new_uint64(total(r, c, errors));
		char name[24];

		if (!rule_errno(r, c)) {
			json_object_put(v);
			continue;
		}
		if (errors) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, rule_errno_name(r, c, name, sizeof(name)), v);
			v = e;
		}
		json_object_object_add(o, inject_call_name(c), v);
	}
	return o;
}

static json_object *indices_json(const struct report *r, uint32_t writer, enum inject_call c)
{
	const struct inject_log *log = r->sandbox ? inject_log_of(r->sandbox->ictx.log, writer, c) :
						    NULL;
	json_object *a;

	if (!log)
		return NULL;
	a = json_object_new_array();
	for (uint32_t i = 0; i < MIN(log->n, (uint32_t)INJECT_LOG_MAX); i++)
		json_object_array_add(a, json_object_new_uint64(log->index[i]));
	return a;
}

static json_object *writers_json(const struct report *r)
{
	json_object *a = json_object_new_array();

	for (uint32_t i = 0; r->ledger && i < r->ledger->hdr->nwriters; i++) {
		const struct ledger_writer *w = &r->ledger->writers[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_uint64(i));
		for (unsigned c = 0; c < _INJECT_CALL_MAX; c++) {
			json_object *j;

			if (!rule_errno(r, c))
				continue;
			j = json_object_new_object();
			json_object_object_add(j, "calls",
					       json_object_new_uint64(w->inject_calls[c]));
			json_object_object_add(j, "injected",
					       json_object_new_uint64(w->inject_errors[c]));
			json_object_object_add(j, "indices", indices_json(r, i, c));
			json_object_object_add(o, inject_call_name(c), j);
		}
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *notifications_json(const struct inject_notifier_stats *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "answered", json_object_new_uint64(s->answered));
	json_object_object_add(o, "vanished", json_object_new_uint64(s->vanished));
	json_object_object_add(o, "listeners", json_object_new_uint64(s->listeners));
	json_object_object_add(o, "refused", json_object_new_uint64(s->refused));
	json_object_object_add(o, "error",
			       s->error ? json_object_new_string(strerrorname_np(-s->error)) :
					  NULL);
	return o;
}

json_object *report_inject_json(const struct report *r)
{
	json_object *o = json_object_new_object();
	bool on = report_injects(r);

	json_object_object_add(o, "enabled", json_object_new_boolean(on));
	json_object_object_add(o, "total", json_object_new_uint64(report_injected(r)));
	if (!on)
		return o;
	json_object_object_add(o, "seed", json_object_new_uint64(r->ledger->hdr->inject_seed));
	json_object_object_add(o, "rules", rules_json(r));
	json_object_object_add(o, "calls", per_call_json(r, false));
	json_object_object_add(o, "injected", per_call_json(r, true));
	if (r->sandbox)
		json_object_object_add(o, "notifications", notifications_json(&r->sandbox->stats));
	json_object_object_add(o, "writers", writers_json(r));
	return o;
}
