// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The JSON report, schema REPORT_SCHEMA_VERSION, documented in
 * man/poof-report.5.scd. Written atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "json-internal.h"
#include "report.h"
#include "shared/clock.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/names.h"

static json_object *plan_json(const struct plan *p)
{
	json_object *o = json_object_new_object(), *groups = json_object_new_array();

	add_str(o, "profile", p->profile);
	add_seconds(o, "duration_s", p->duration_ns);
	add_u64(o, "seed", p->seed);
	add_seconds(o, "kill_writers_s", p->kill_writers_ns);
	add_bool(o, "strict_errors", p->strict_errors);
	for (unsigned i = 0; i < p->ngroups; i++) {
		const struct writer_group *g = &p->groups[i];
		json_object *j = json_object_new_object();

		add_str(j, "name", g->name);
		add_u64(j, "writers", g->count);
		add_u64(j, "files", g->files);
		add_u64(j, "file_size", g->file_size);
		add_u64(j, "block_size", g->block_size);
		add_str(j, "engine", engine_kind_name(g->engine));
		add_u64(j, "queue_depth", g->queue_depth);
		add_str(j, "mmap_flush", mmap_flush_name(g->mmap_flush));
		add_str(j, "fsync", fsync_policy_name(g->fsync));
		add_u64(j, "fsync_every", g->fsync_every);
		add_str(j, "order", write_order_name(g->order));
		add_u64(j, "passes", g->passes);
		json_object_array_add(groups, j);
	}
	json_object_object_add(o, "writer_groups", groups);
	add_bool(o, "expect_oom", p->expect_oom);
	return o;
}

static const char *stop_reason_name(enum stop_reason r)
{
	static const char *const names[] = {
		[STOP_DURATION] = "duration",
		[STOP_FINISHED] = "finished",
		[STOP_SIGNAL] = "signal",
		NULL,
	};

	return enum_to_name(names, r);
}

static json_object *snapshots_json(const struct writer_snapshot *snaps, unsigned n)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < n; i++) {
		const struct writer_snapshot *w = &snaps[i];
		json_object *o = json_object_new_object();
		char state[2] = { w->task.state, '\0' };

		add_u64(o, "writer", w->writer_id);
		add_int(o, "pid", w->task.pid);
		add_seconds(o, "at_s", w->at_ns);
		add_seconds(o, "silent_s", w->silent_ns);
		add_str(o, "state", state);
		add_str(o, "wchan", w->task.wchan);
		add_str(o, "stack", w->task.stack);
		json_object_array_add(a, o);
	}
	return a;
}

/* The writers that errors stopped: how many, when, which errno. */
static json_object *stopped_json(const struct report *r)
{
	json_object *o = json_object_new_object(), *errors = json_object_new_object();
	struct report_stopped st;

	report_stopped_writers(r, &st);
	add_u64(o, "writers", st.writers);
	if (st.writers) {
		add_seconds(o, "first_s", st.first_ns);
		add_seconds(o, "last_s", st.last_ns);
	}
	for (unsigned i = 0; i < st.nerrors; i++)
		add_u64(errors, strerrorname_np(-st.errors[i].error), st.errors[i].writers);
	json_object_object_add(o, "errors", errors);
	return o;
}

/* One event: what, when, whose (a writer or a hog), in which container. */
static json_object *event_json(const struct report *r, const struct event *e)
{
	json_object *o = json_object_new_object();
	char comm[24];

	snprintf(comm, sizeof(comm), "poof-%c%u", e->hog ? 'h' : 'w', e->slot);
	add_str(o, "kind", event_kind_name(e->kind));
	add_seconds(o, "t_s", e->at_ns);
	add_str(o, "container",
		e->container < r->ncontainers ? r->containers[e->container].name : NULL);
	add_u64(o, e->hog ? "hog" : "writer", e->slot);
	add_int(o, "pid", e->pid);
	add_str(o, "comm", comm);
	return o;
}

static json_object *events_json(const struct report *r, const struct event_log *log)
{
	json_object *a = json_object_new_array_ext((int)log->n);

	for (size_t i = 0; i < log->n; i++)
		json_object_array_add(a, event_json(r, &log->e[i]));
	return a;
}

static json_object *write_phase_json(const struct report *r)
{
	const struct supervisor_result *s = r->supervisor;
	json_object *o = json_object_new_object();

	add_str(o, "stop_reason", stop_reason_name(s->reason));
	add_str(o, "signal", s->signal ? sigabbrev_np(s->signal) : NULL);
	add_seconds(o, "elapsed_s", s->status.elapsed_ns);
	add_u64(o, "bytes_acknowledged", s->status.bytes);
	add_u64(o, "writer_kills", s->status.kills);
	add_u64(o, "writer_deaths", s->status.deaths);
	add_u64(o, "respawns", s->status.respawns);
	add_u64(o, "respawns_deferred", s->status.respawns_deferred);
	add_u64(o, "respawns_refused", s->status.respawns_refused);
	add_u64(o, "respawns_failed", s->status.respawns_failed);
	add_u64(o, "failed_writers", s->status.failed);
	json_object_object_add(o, "stopped_by_errors", stopped_json(r));
	add_bool(o, "cut_off", r->cut_off);
	add_u64(o, "oom_kills", s->status.oom_kills);
	add_u64(o, "hogs_started", s->status.hogs);
	add_u64(o, "hogs_started_by_exec", s->status.hogs_exec);
	add_u64(o, "writers_started_by_exec", s->status.writers_exec);
	add_u64(o, "hog_deaths", s->status.hog_deaths);
	add_u64(o, "unreaped_writers", s->unreaped);
	add_u64(o, "stalls", s->stalls);
	json_object_object_add(o, "stalled", snapshots_json(s->stalled, s->nstalled));
	json_object_object_add(o, "unkillable", snapshots_json(s->unkillable, s->nunkillable));
	json_object_object_add(o, "events", events_json(r, &s->events));
	add_u64(o, "events_dropped", s->events.dropped);
	add_u64(o, "supervisor_late_ticks", s->late_ticks);
	add_seconds(o, "supervisor_max_lateness_s", s->max_lateness_ns);
	add_seconds(o, "supervisor_cpu_s", s->cpu_ns);
	add_seconds(o, "supervisor_spawn_cpu_s", s->spawn_cpu_ns);
	add_seconds(o, "supervisor_spawner_cpu_s", s->spawner_cpu_ns);
	add_u64(o, "supervisor_max_rss", s->max_rss);
	return o;
}

static json_object *found_json(const struct verify_loss *l)
{
	json_object *o = json_object_new_object();

	add_str(o, "kind", found_kind_name(l->found.kind));
	if (l->found.kind == FOUND_BLOCK || l->found.kind == FOUND_TORN) {
		add_u64(o, "generation", l->found.id.generation);
		add_u64(o, "file_id", l->found.id.file_id);
		add_u64(o, "block", l->found.id.index);
		char id[24];

		snprintf(id, sizeof(id), "%016llx", (unsigned long long)l->found.id.run_id);
		add_str(o, "run_id", id);
	}
	if (l->found.kind == FOUND_TORN)
		add_u64(o, "first_bad_byte", l->mismatch_offset);
	if (l->found.kind == FOUND_UNREADABLE)
		add_errno(o, "error", l->found.error);
	return o;
}

static json_object *losses_json(const struct verify_result *v)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < v->nlosses; i++) {
		const struct verify_loss *l = &v->losses[i];
		json_object *o = json_object_new_object();

		add_str(o, "file", l->file);
		add_u64(o, "block", l->index);
		add_u64(o, "offset", l->offset);
		add_str(o, "class", verdict_class_name(l->cls));
		add_u64(o, "expected_generation", l->expected_gen);
		json_object_object_add(o, "found", found_json(l));
		json_object_array_add(a, o);
	}
	return a;
}

static const char *read_method_name(enum read_method m)
{
	static const char *const names[] = {
		[READ_DIRECT] = "o_direct",
		[READ_DROPPED] = "dropped_cache",
		[READ_REMOUNTED] = "remounted",
		NULL,
	};

	return enum_to_name(names, m);
}

/* null, or what outlived io-timeout and the child left inside syncfs(). */
static json_object *target_hung_json(const struct report *r)
{
	json_object *o;

	if (r->target_hung == TARGET_ANSWERED)
		return NULL;
	o = json_object_new_object();
	add_str(o, "during", target_hang_name(r->target_hung));
	add_seconds(o, "io_timeout_s", r->io_timeout_ns);
	if (r->syncfs_stuck_pid)
		add_u64(o, "syncfs_pid", (uint64_t)r->syncfs_stuck_pid);
	return o;
}

static json_object *verify_json(const struct report *r)
{
	const struct verify_result *v = r->verify;
	json_object *o = json_object_new_object(), *classes;

	add_bool(o, "ran", v != NULL);
	add_bool(o, "skipped", r->verify_skipped);
	add_errno(o, "error", r->verify_error);
	add_bool(o, "unsealed_ledger", r->unsealed_ledger);
	json_object_object_add(o, "target_hung", target_hung_json(r));
	if (!v)
		return o;
	add_str(o, "method", read_method_name(v->method));
	add_u64(o, "files", v->files);
	add_u64(o, "files_missing", v->files_missing);
	add_u64(o, "files_unopenable", v->files_unopenable);
	add_errno(o, "first_open_error", v->first_open_error);
	add_errno(o, "dir_error", v->dir_error);
	add_u64(o, "unreadable", v->unreadable);
	add_u64(o, "files_direct", v->files_direct);
	add_u64(o, "files_dropped_cache", v->files_dropped);
	add_u64(o, "blocks", v->blocks);
	add_u64(o, "unwritten", v->counts[CLASS_UNWRITTEN]);
	add_u64(o, "bytes_read", v->bytes_read);
	add_seconds(o, "elapsed_s", v->elapsed_ns);
	classes = json_object_new_object();
	for (unsigned c = 0; c < _CLASS_MAX; c++)
		add_u64(classes, verdict_class_name(c), v->counts[c]);
	json_object_object_add(o, "classes", classes);
	add_u64(o, "losses_total", v->blocks - v->counts[CLASS_OK] - v->counts[CLASS_IN_FLIGHT]);
	add_bool(o, "reported_excused", report_error_fault(r) && !r->strict_errors);
	json_object_object_add(o, "losses", losses_json(v));
	return o;
}

static const char *writer_state_name(uint32_t s)
{
	static const char *const names[] = {
		[WRITER_IDLE] = "idle",	    [WRITER_RUNNING] = "running", [WRITER_DONE] = "done",
		[WRITER_FAILED] = "failed", [WRITER_KILLED] = "stopped",  NULL,
	};

	return enum_to_name(names, s);
}

static json_object *writers_json(const struct ledger *l)
{
	json_object *a = json_object_new_array();

	for (uint32_t i = 0; i < l->hdr->nwriters; i++) {
		const struct ledger_writer *w = &l->writers[i];
		json_object *o = json_object_new_object();

		add_u64(o, "id", w->writer_id);
		add_str(o, "state", writer_state_name(w->state));
		add_u64(o, "spawns", w->spawns);
		add_u64(o, "deaths", w->kills);
		add_u64(o, "bytes", w->bytes);
		add_errno(o, "error", w->error);
		if (w->state == WRITER_FAILED)
			add_seconds(o, "stopped_s", (uint64_t)w->stopped_ms * NSEC_PER_MSEC);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *file_json(const struct ledger_file *f)
{
	json_object *o = json_object_new_object();
	char name[64];

	verify_file_name(f->writer_id, f->file_id, name, sizeof(name));
	add_str(o, "name", name);
	add_u64(o, "writer", f->writer_id);
	add_u64(o, "blocks", f->nblocks);
	add_u64(o, "passes", f->passes_done);
	add_u64(o, "generation", f->cur_gen);
	add_u64(o, "writes_ok", f->writes_ok);
	add_u64(o, "write_errors", f->write_errors);
	add_u64(o, "short_writes", f->short_writes);
	add_u64(o, "eintr", f->eintr);
	add_u64(o, "eagain", f->eagain);
	add_u64(o, "enomem", f->err_enomem);
	add_u64(o, "eio", f->err_eio);
	add_u64(o, "enospc", f->err_enospc);
	add_errno(o, "first_write_error", f->first_write_errno);
	add_u64(o, "fsync_ok", f->fsync_ok);
	add_u64(o, "fsync_errors", f->fsync_errors);
	add_errno(o, "first_fsync_error", f->first_fsync_errno);
	add_u64(o, "sync_file_range_ok", f->range_ok);
	add_u64(o, "sync_file_range_errors", f->range_errors);
	add_u64(o, "durable_generation", f->durable_gen);
	add_u64(o, "durable_position", f->durable_pos);
	return o;
}

static json_object *files_json(const struct ledger *l)
{
	json_object *a = json_object_new_array();

	for (uint32_t i = 0; i < l->hdr->nfiles; i++)
		json_object_array_add(a, file_json(&l->files[i]));
	return a;
}

static json_object *target_json(const struct report *r)
{
	json_object *o = json_object_new_object();

	add_str(o, "kind", r->scratch_fs ? "scratch" : "dir");
	add_str(o, "path", r->target);
	add_str(o, "data_dir", r->data_dir);
	add_str(o, "fs", r->scratch_fs);
	add_str(o, "scratch_image_kept", r->scratch_kept);
	add_bool(o, "shares_fs_with_run_dir", r->rundir_shares_target);
	return o;
}

/* The faults the run switched on in its device, and what they excuse. */
static json_object *device_fault_json(const struct report *r)
{
	json_object *o = json_object_new_object(), *a;

	add_bool(o, "deliberate", report_device_fault(r));
	add_bool(o, "reports_errors", report_error_fault(r));
	add_errno(o, "log_error", r->faults_error);
	if (!r->faults)
		return o;
	a = json_object_new_array();
	for (unsigned i = 0; i < r->faults->n; i++) {
		const struct device_fault_window *w = &r->faults->w[i];
		json_object *j = json_object_new_object();
		uint64_t t0 = r->write_start_boot_ns;

		add_str(j, "kind", device_fault_name(w->kind));
		/* Seconds since the write phase started; negative: switched on before it. */
		json_object_object_add(j, "on_s",
				       json_object_new_double(((double)w->on_ns - (double)t0) /
							      1e9));
		json_object_object_add(j, "off_s",
				       w->off_ns == DEVICE_FAULT_STILL_ON ?
					       NULL :
					       json_object_new_double(
						       ((double)w->off_ns - (double)t0) / 1e9));
		json_object_array_add(a, j);
	}
	json_object_object_add(o, "windows", a);
	return o;
}

static json_object *verdict_json(const struct report *r)
{
	json_object *a = json_object_new_array();

	if (r->fail)
		json_object_array_add(a, json_object_new_string("FAIL"));
	if (r->hang)
		json_object_array_add(a, json_object_new_string("HANG"));
	if (r->kernel)
		json_object_array_add(a, json_object_new_string("KERNEL"));
	if (r->ineffective)
		json_object_array_add(a, json_object_new_string("INEFFECTIVE"));
	return a;
}

/* The filesystem under test complaining of itself, and whether the run's fault explains it. */
static json_object *fs_trouble_json(const struct report *r)
{
	const struct kernel_fs_trouble *fs = &r->kernel_watch->fs;
	json_object *o = json_object_new_object();

	add_u64(o, "lines", fs->lines);
	add_bool(o, "explained_by_fault", r->fs_failed && report_device_fault(r));
	if (fs->lines) {
		add_seconds(o, "first_s", fs->first_usec * NSEC_PER_USEC);
		add_str(o, "first", fs->first);
	}
	add_bool(o, "shut_down", fs->shut_down);
	if (fs->shut_down) {
		add_seconds(o, "shut_down_s", fs->shut_down_usec * NSEC_PER_USEC);
		add_str(o, "shut_down_line", fs->shut_down_line);
	}
	return o;
}

static json_object *kernel_json(const struct report *r)
{
	const struct kernel_watch *k = r->kernel_watch;
	json_object *o = json_object_new_object(), *events = json_object_new_object();
	json_object *first = json_object_new_object();

	add_bool(o, "watched", k->open_error == 0);
	add_errno(o, "error", k->open_error);
	add_str(o, "device", k->device[0] ? k->device : NULL);
	add_u64(o, "records", k->records);
	add_u64(o, "lost_records", k->reader.lost);
	if (k->taint_known) {
		add_u64(o, "taint_before", k->taint_before);
		add_u64(o, "taint_after", k->taint_after);
	}
	add_bool(o, "target_error", k->target_error);
	add_bool(o, "failed", kernel_watch_failed(k));
	add_str(o, "log_file", k->log_fd >= 0 ? KWATCH_LOG_NAME : NULL);
	add_errno(o, "log_error", k->log_error);
	add_u64(o, "oom_kills_unkept", k->kills_dropped);
	json_object_object_add(o, "fs", fs_trouble_json(r));
	for (unsigned e = 1; e < _KMSG_EVENT_MAX; e++) {
		add_u64(events, kmsg_event_name(e), k->counts[e]);
		if (k->counts[e])
			add_str(first, kmsg_event_name(e), k->first[e]);
	}
	json_object_object_add(o, "events", events);
	json_object_object_add(o, "first_lines", first);
	return o;
}

/* Where the run's cgroups were, and for systemd the scope that held them. */
/* The kernel's means of watching a container the run lacked, and what it did instead. */
static json_object *watch_lacking_json(const struct report *r)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < _CG_WATCH_BITS; i++) {
		json_object *o;

		if (!(r->watch_lacking & (1U << i)))
			continue;
		o = json_object_new_object();
		add_str(o, "signal", cg_watch_name(i));
		add_str(o, "instead", report_watch_instead(i));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *cgroup_json(const struct report *r)
{
	json_object *o = json_object_new_object();

	add_str(o, "manager", r->cgroup_manager);
	add_str(o, "path", r->cgroup_path);
	add_str(o, "systemd_unit", r->cgroup_unit);
	add_str(o, "systemd_control_group", r->cgroup_unit_cgroup);
	add_bool(o, "delegate", r->cgroup_delegated);
	json_object_object_add(o, "watch_lacking", watch_lacking_json(r));
	return o;
}

static json_object *containers_json(const struct report *r)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < r->ncontainers; i++) {
		const struct report_container *c = &r->containers[i];
		json_object *o = json_object_new_object();

		add_str(o, "name", c->name);
		add_str(o, "path", c->path);
		if (c->memory_max != PLAN_UNLIMITED)
			add_u64(o, "memory_max", c->memory_max);
		add_u64(o, "oom", c->events.oom);
		add_u64(o, "oom_kill", c->events.oom_kill);
		add_u64(o, "oom_group_kill", c->events.oom_group_kill);
		add_u64(o, "max", c->events.max);
		add_u64(o, "high", c->events.high);
		add_bool(o, "under_oom", c->under_oom);
		if (c->psi_known) {
			json_object *psi = json_object_new_object();

			add_seconds(psi, "some_s", c->psi_some_us * NSEC_PER_USEC);
			add_seconds(psi, "full_s", c->psi_full_us * NSEC_PER_USEC);
			add_u64(psi, "stall_episodes", c->psi_episodes);
			json_object_object_add(o, "memory_pressure", psi);
		}
		json_object_array_add(a, o);
	}
	return a;
}

/* Where this report and its renderings were written: the next step points at them. */
static json_object *reports_json(const struct report *r)
{
	json_object *o = json_object_new_object();

	add_str(o, "file", r->file_name);
	add_str(o, "json", r->json_path);
	add_str(o, "html", r->html_path);
	add_str(o, "junit", r->junit_path);
	add_str(o, "ktap", r->ktap_path);
	return o;
}

/* What the report is, of which run, and its verdict: the keys every report starts with. */
static json_object *header_json(const struct report *r)
{
	json_object *o = json_object_new_object(), *tool = json_object_new_object();
	char when[32];

	add_int(o, "schema_version", REPORT_SCHEMA_VERSION);
	add_str(tool, "name", "poof");
	add_str(tool, "version", POOF_VERSION);
	json_object_object_add(o, "tool", tool);
	add_str(o, "command", r->command);
	add_str(o, "run_id", r->run_id);
	add_str(o, "run_dir", r->run_dir);
	add_str(o, "started", format_realtime(r->started_ns, when, sizeof(when)));
	add_seconds(o, "elapsed_s", r->elapsed_ns);
	add_str(o, "verdict", report_verdict_name(r->exit_code));
	add_int(o, "exit_code", r->exit_code);
	json_object_object_add(o, "verdicts", verdict_json(r));
	add_bool(o, "interrupted", r->interrupted);
	json_object_object_add(o, "reports", reports_json(r));
	return o;
}

static json_object *report_json(const struct report *r)
{
	json_object *o = header_json(r);

	json_object_object_add(o, "target", target_json(r));
	json_object_object_add(o, "device_fault", device_fault_json(r));
	json_object_object_add(o, "sandbox", report_sandbox_json(r));
	json_object_object_add(o, "injection", report_inject_json(r));
	json_object_object_add(o, "environment", report_environment_json());
	if (r->plan) {
		json_object *plan = plan_json(r->plan);

		json_object_object_add(plan, "overrides", report_overrides_json(r));
		json_object_object_add(o, "plan", plan);
	}
	if (r->phases)
		json_object_object_add(o, "phases", report_phases_json(r));
	if (r->supervisor)
		json_object_object_add(o, "write_phase", write_phase_json(r));
	add_str(o, "cgroup_manager", r->cgroup_manager ? r->cgroup_manager : "none");
	if (r->cgroup_manager) {
		json_object_object_add(o, "cgroup", cgroup_json(r));
		json_object_object_add(o, "containers", containers_json(r));
	}
	if (r->supervisor)
		json_object_object_add(o, "timeline", report_timeline_json(r));
	if (r->ledger) {
		int s = r->ledger->hdr->syncfs_result;

		add_str(o, "syncfs",
			s == LEDGER_SYNCFS_NOT_RUN ? "not-run" :
			s < 0			   ? strerrorname_np(-s) :
						     "ok");
	}
	json_object_object_add(o, "verify", verify_json(r));
	if (r->kernel_watch) {
		json_object_object_add(o, "kernel", kernel_json(r));
		if (r->cgroup_manager)
			json_object_object_add(o, "oom_kills", report_oom_kills_json(r));
	}
	if (r->ledger) {
		json_object_object_add(o, "writers", writers_json(r->ledger));
		json_object_object_add(o, "files", files_json(r->ledger));
	}
	return o;
}

json_object *report_json_new(const struct report *r)
{
	return report_json(r);
}

int report_json_save(json_object *doc, int dirfd, const char *name)
{
	const char *text = json_object_to_json_string_ext(doc,
							  JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE);
	_cleanup_free_ char *buf = NULL;
	size_t len;

	if (!text)
		return -ENOMEM;
	len = strlen(text);
	buf = malloc(len + 1);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, text, len);
	buf[len] = '\n';
	if (dirfd == AT_FDCWD)
		return write_path_atomic(name, buf, len + 1, 0644);
	return write_file_atomic(dirfd, name, buf, len + 1, 0644);
}
