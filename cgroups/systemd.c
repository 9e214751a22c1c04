// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The systemd manager: one transient scope per run, asked of systemd over
 * sd-bus, and poof's containers inside the subtree it delegates.
 *
 * open_run: StartTransientUnit("poof-<id>.scope", "fail") with PIDs=[poof],
 * Delegate=yes and CollectMode=inactive-or-failed, then the job's JobRemoved
 * signal, with a deadline (the match is added before the call: the signal
 * may come before the reply). The scope's ControlGroup is where poof now
 * sits; from there on a run is cgroupfs (cgroupfs.c) with the scope as the
 * parent: the supervisor moves to the leaf <scope>/poof-<id>-supervisor,
 * the scope's subtree_control gets +memory +pids, the containers are leaves
 * of <scope>/poof-<id>.
 *
 * close_run: cgroupfs undoes its part, poof moves back to the cgroup it came
 * from, StopUnit ends the scope (systemd may have ended it already, once it
 * was empty), and we wait until systemd no longer knows the unit.
 *
 * Only the unified hierarchy: where the memory controller is a v1 hierarchy
 * (hybrid and v1 hosts), -o cgroup=v1 is the manager. Without libsystemd
 * every bus operation is -ENOTSUP.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "manager-internal.h"
#include "shared/clock.h"
#include "shared/macro.h"
#include "systemd.h"

static char last_message[512];

const char *cg_systemd_last_message(void)
{
	return last_message;
}

static _printf_(1, 2) void set_message(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
	va_end(ap);
}

int cg_systemd_scope_name(const char *run_id, char *buf, size_t len)
{
	return cg_path(buf, len, "poof-%s.scope", run_id);
}

int cg_systemd_bus_error_errno(const char *name, int fallback)
{
	static const struct {
		const char *name;
		int err;
	} errors[] = {
		{ "org.freedesktop.systemd1.UnitExists", EEXIST },
		{ "org.freedesktop.systemd1.NoSuchUnit", ENOENT },
		{ "org.freedesktop.systemd1.UnitMasked", ERFKILL },
		{ "org.freedesktop.systemd1.TransactionIsDestructive", EBUSY },
		{ "org.freedesktop.DBus.Error.AccessDenied", EACCES },
		{ "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired", EACCES },
		{ "org.freedesktop.DBus.Error.ServiceUnknown", ECONNREFUSED },
		{ "org.freedesktop.DBus.Error.NameHasNoOwner", ECONNREFUSED },
		{ "org.freedesktop.DBus.Error.NoReply", ETIMEDOUT },
		{ "org.freedesktop.DBus.Error.Timeout", ETIMEDOUT },
		{ "org.freedesktop.DBus.Error.TimedOut", ETIMEDOUT },
		{ "org.freedesktop.DBus.Error.InvalidArgs", EINVAL },
		{ "org.freedesktop.DBus.Error.UnknownProperty", EINVAL },
		{ "org.freedesktop.DBus.Error.PropertyReadOnly", EINVAL },
		{ "org.freedesktop.DBus.Error.UnknownMethod", EOPNOTSUPP },
		{ "org.freedesktop.DBus.Error.NoMemory", ENOMEM },
	};

	for (size_t i = 0; name && i < ARRAY_SIZE(errors); i++)
		if (streq(name, errors[i].name))
			return -errors[i].err;
	return fallback;
}

int cg_systemd_job_result_errno(const char *result)
{
	static const struct {
		const char *result;
		int err;
	} results[] = {
		{ "done", 0 },	       { "canceled", ECANCELED },     { "timeout", ETIMEDOUT },
		{ "failed", EIO },     { "dependency", ENOLINK },     { "skipped", EALREADY },
		{ "invalid", EINVAL }, { "unsupported", EOPNOTSUPP },
	};

	for (size_t i = 0; result && i < ARRAY_SIZE(results); i++)
		if (streq(result, results[i].result))
			return -results[i].err;
	return -EIO;
}

const char *cg_systemd_refusal(int probe, const struct cg_layout *layout, const char **ret_fix)
{
	if (probe == -ENOTSUP) {
		*ret_fix =
			"rebuild poof with libsystemd-dev installed (meson setup -Dsystemd=enabled), "
			"or use -o cgroup=auto";
		return "this poof was built without sd-bus (libsystemd)";
	}
	if (probe == -EHOSTDOWN) {
		*ret_fix = "use -o cgroup=auto: it picks the manager this host supports (cgroupfs "
			   "on cgroup v2, v1 on a hybrid host)";
		return "PID 1 is not systemd (/run/systemd/system does not exist)";
	}
	if (probe < 0) {
		*ret_fix = "start the D-Bus system bus (systemctl start dbus.socket), or use "
			   "-o cgroup=auto";
		return "systemd did not answer on the D-Bus system bus";
	}
	if (!cg_layout_has_v2_memory(layout)) {
		*ret_fix = "use -o cgroup=v1: the memory controller is a cgroup v1 hierarchy here";
		return "the systemd manager needs the memory controller on the unified (v2) "
		       "hierarchy";
	}
	*ret_fix = NULL;
	return NULL;
}

bool cg_pid1_is_systemd(const char *root)
{
	char path[PATH_MAX];
	struct stat st;

	if (cg_path(path, sizeof(path), "%s/run/systemd/system", root ? root : "") < 0)
		return false;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * Limits are checked as cgroupfs would below the v2 root: the scope is made
 * where systemd puts it (system.slice), not below poof's own cgroup.
 */
static int sd_validate(const struct cg_layout *layout, const char *root, const struct cg_limits *l,
		       char **ret_message)
{
	struct cg_layout at_root = *layout;
	const char *fix, *why = cg_systemd_refusal(0, layout, &fix);

	if (why) {
		*ret_message = cg_message("%s; %s", why, fix);
		return -ENOTSUP;
	}
	(void)copy_string(at_root.self_v2, sizeof(at_root.self_v2), "/");
	return cg_v2_validate(&at_root, root, l, ret_message);
}

static int sd_parent_path(const struct cg_layout *layout, const char *root, char *buf, size_t len)
{
	(void)layout, (void)root, (void)buf, (void)len;
	return -ENOTSUP;
}

#if HAVE_SYSTEMD
#include <systemd/sd-bus.h>

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define SD_UNIT_PREFIX "/org/freedesktop/systemd1/unit"
#define SD_OPEN_TIMEOUT_NS (30 * NSEC_PER_SEC)
#define SD_GONE_STEP_NS (50 * NSEC_PER_MSEC)
#define SD_CALL_TIMEOUT_US (10ULL * 1000 * 1000)

/* The JobRemoved signal of one job. */
struct job_wait {
	char job[256];
	char result[32];
	bool done;
};

static uint64_t usec_until(uint64_t deadline_ns)
{
	uint64_t now = now_monotonic_ns();

	return deadline_ns > now ? (deadline_ns - now + NSEC_PER_USEC - 1) / NSEC_PER_USEC : 1;
}

static int bus_open(sd_bus **ret)
{
	return geteuid() == 0 ? sd_bus_open_system(ret) : sd_bus_open_user(ret);
}

static int bus_failed(const char *what, const char *unit, const sd_bus_error *e, int r)
{
	r = cg_systemd_bus_error_errno(e->name, r);
	if (e->name && streq(e->name, "org.freedesktop.systemd1.UnitExists"))
		set_message("systemd already has a unit %s: a run with this id is alive, or its "
			    "scope was left behind (systemctl stop %s)",
			    unit, unit);
	else
		set_message("systemd refused %s for %s: %s%s%s%s", what, unit,
			    e->message ? e->message : strerror(-r), e->name ? " (" : "",
			    e->name ? e->name : "", e->name ? ")" : "");
	return r;
}

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct job_wait *w = userdata;
	const char *job, *unit, *result;
	uint32_t id;

	(void)error;
	if (sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) < 0)
		return 0;
	if (w->job[0] && streq(job, w->job)) {
		snprintf(w->result, sizeof(w->result), "%s", result);
		w->done = true;
	}
	return 0;
}

/* Dispatch what the bus has (queued during the call too) until the job is gone. */
static int wait_job(sd_bus *bus, struct job_wait *w, uint64_t deadline_ns)
{
	while (!w->done) {
		int r = sd_bus_process(bus, NULL);

		if (r < 0)
			return r;
		if (r > 0)
			continue;
		if (now_monotonic_ns() >= deadline_ns)
			return -ETIMEDOUT;
		r = sd_bus_wait(bus, usec_until(deadline_ns));
		if (r < 0 && r != -EINTR)
			return r;
	}
	return cg_systemd_job_result_errno(w->result);
}

static int append_scope_properties(sd_bus_message *m, const struct cg_run *run)
{
	char description[128];

	snprintf(description, sizeof(description), "poof stress run %s", run->id);
	return sd_bus_message_append(m, "(sv)(sv)(sv)(sv)", "Description", "s", description, "PIDs",
				     "au", 1, (uint32_t)getpid(), "Delegate", "b", 1, "CollectMode",
				     "s", "inactive-or-failed");
}

static int new_start_call(sd_bus *bus, const struct cg_run *run, sd_bus_message **ret)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
	int r;

	r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
					   "StartTransientUnit");
	if (r >= 0)
		r = sd_bus_message_append(m, "ss", run->unit, "fail");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = append_scope_properties(m, run);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r < 0)
		return r;
	*ret = steal_pointer(&m);
	return 0;
}

/* Call `m` (StartTransientUnit or StopUnit) and wait for its job. */
static int call_job(sd_bus *bus, sd_bus_message *m, const char *what, const char *unit,
		    uint64_t deadline_ns)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	_cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
	struct job_wait w = { .done = false };
	const char *job;
	int r;

	r = sd_bus_match_signal(bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved",
				on_job_removed, &w);
	if (r < 0) {
		set_message("cannot watch systemd's JobRemoved signals: %s", strerror(-r));
		return r;
	}
	r = sd_bus_call(bus, m, usec_until(deadline_ns), &error, &reply);
	if (r < 0)
		return bus_failed(what, unit, &error, r);
	r = sd_bus_message_read(reply, "o", &job);
	if (r < 0)
		return r;
	snprintf(w.job, sizeof(w.job), "%s", job);
	r = wait_job(bus, &w, deadline_ns);
	if (r < 0)
		set_message("systemd's %s job for %s %s", what, unit,
			    r == -ETIMEDOUT ? "did not finish in time" : w.result);
	return r;
}

static int unit_path(const char *unit, char **ret)
{
	return sd_bus_path_encode(SD_UNIT_PREFIX, unit, ret);
}

/* A scope's ControlGroup (below the v2 mount), as systemd reports it. */
static int scope_cgroup(sd_bus *bus, const char *unit, char **ret)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_free_ char *path = NULL;
	int r;

	r = unit_path(unit, &path);
	if (r >= 0)
		r = sd_bus_get_property_string(bus, SD_DEST, path, "org.freedesktop.systemd1.Scope",
					       "ControlGroup", &error, ret);
	return r < 0 ? bus_failed("reading the scope's cgroup", unit, &error, r) : 0;
}

/* The scope's ControlGroup and Delegate, as systemd set them. */
static int read_scope(sd_bus *bus, struct cg_run *run)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_free_ char *path = NULL, *cgroup = NULL;
	int delegate = 0, r;

	r = scope_cgroup(bus, run->unit, &cgroup);
	if (r < 0)
		return r;
	r = unit_path(run->unit, &path);
	if (r >= 0)
		r = sd_bus_get_property_trivial(bus, SD_DEST, path,
						"org.freedesktop.systemd1.Scope", "Delegate",
						&error, 'b', &delegate);
	if (r < 0)
		return bus_failed("reading the scope's properties", run->unit, &error, r);
	if (!cgroup[0]) {
		set_message("systemd gave %s no cgroup", run->unit);
		return -ENOENT;
	}
	run->delegated = delegate;
	return copy_string(run->unit_cgroup, sizeof(run->unit_cgroup), cgroup);
}

static int start_scope(sd_bus *bus, struct cg_run *run, uint64_t deadline_ns)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
	int r = new_start_call(bus, run, &m);

	if (r < 0)
		return r;
	r = call_job(bus, m, "StartTransientUnit", run->unit, deadline_ns);
	return r < 0 ? r : read_scope(bus, run);
}

/* Does systemd still know the unit? 1 yes, 0 gone, -errno. */
static int unit_loaded(sd_bus *bus, const char *unit)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	int r;

	r = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "GetUnit", &error, &reply, "s",
			       unit);
	if (r >= 0)
		return 1;
	r = cg_systemd_bus_error_errno(error.name, r);
	return r == -ENOENT ? 0 : bus_failed("GetUnit", unit, &error, r);
}

static int wait_unit_gone(sd_bus *bus, const char *unit, uint64_t deadline_ns)
{
	for (;;) {
		int r = unit_loaded(bus, unit);

		if (r <= 0)
			return r;
		if (now_monotonic_ns() >= deadline_ns) {
			set_message("systemd still has %s (systemctl status %s)", unit, unit);
			return -ETIMEDOUT;
		}
		sleep_ns(MIN(SD_GONE_STEP_NS, deadline_ns - now_monotonic_ns()));
	}
}

/* StopUnit, unless systemd stopped and forgot the empty scope already. */
static int stop_scope(sd_bus *bus, const char *unit, uint64_t deadline_ns)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
	int r;

	r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit");
	if (r >= 0)
		r = sd_bus_message_append(m, "ss", unit, "fail");
	if (r >= 0)
		r = call_job(bus, m, "StopUnit", unit, deadline_ns);
	if (r < 0 && r != -ENOENT)
		return r;
	return wait_unit_gone(bus, unit, deadline_ns);
}

static int connect_failed(int r)
{
	set_message("cannot connect to the D-Bus %s bus: %s; start it (systemctl start "
		    "dbus.socket) or use -o cgroup=auto",
		    geteuid() == 0 ? "system" : "user", strerror(-r));
	return -ENOTSUP;
}

/* Leave the scope for the cgroup poof came from; systemd stops it once empty. */
static int leave_scope(struct cg_run *run)
{
	char origin[PATH_MAX];
	int r;

	r = cg_group_dir(origin, sizeof(origin), run->root, run->layout.v2_mount, run->origin_v2);
	if (r < 0)
		return r;
	r = cg_move_self_to(origin);
	if (r < 0)
		set_message("cannot move poof back from %s to %s: %s", run->unit, origin,
			    strerror(-r));
	return r;
}

static int sd_close_run(struct cg_run *run, uint64_t deadline_ns)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	int r = cg_v2_close_run(run, deadline_ns), k;

	k = leave_scope(run);
	if (r >= 0)
		r = k;
	k = bus_open(&bus);
	if (k < 0)
		k = connect_failed(k);
	else
		k = stop_scope(bus, run->unit, deadline_ns);
	return r < 0 ? r : k;
}

static int sd_open_run(struct cg_run *run)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	uint64_t deadline = now_monotonic_ns() + SD_OPEN_TIMEOUT_NS;
	int r;

	last_message[0] = '\0';
	r = cg_systemd_scope_name(run->id, run->unit, sizeof(run->unit));
	if (r >= 0)
		r = copy_string(run->origin_v2, sizeof(run->origin_v2), run->layout.self_v2);
	if (r < 0)
		return r;
	r = bus_open(&bus);
	if (r < 0)
		return connect_failed(r);
	r = start_scope(bus, run, deadline);
	if (r < 0) {
		/* A scope that failed to start is collected (CollectMode); do not wait. */
		if (run->unit_cgroup[0])
			(void)leave_scope(run);
		return r;
	}
	/* From here on the scope is poof's parent cgroup, as for cgroupfs. */
	(void)copy_string(run->layout.self_v2, sizeof(run->layout.self_v2), run->unit_cgroup);
	r = cg_v2_open_run(run);
	if (r < 0) {
		(void)leave_scope(run);
		(void)stop_scope(bus, run->unit, deadline + SD_OPEN_TIMEOUT_NS);
		set_message("cannot make the run's cgroups inside %s (%s): %s", run->unit,
			    run->unit_cgroup, strerror(-r));
	}
	return r;
}

int cg_systemd_probe(const char *root, uint64_t timeout_ns)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	int r;

	if (!cg_pid1_is_systemd(root))
		return -EHOSTDOWN;
	r = bus_open(&bus);
	if (r >= 0)
		r = sd_bus_set_method_call_timeout(bus, timeout_ns / NSEC_PER_USEC);
	if (r >= 0)
		r = sd_bus_call_method(bus, SD_DEST, SD_PATH, "org.freedesktop.DBus.Peer", "Ping",
				       &error, NULL, NULL);
	if (r < 0)
		return cg_systemd_bus_error_errno(error.name, r);
	return 0;
}

/* One unit of ListUnitsByPatterns and its cgroup, appended to the lists. */
static int add_scope(sd_bus *bus, const char *unit, char ***units, char ***cgroups, size_t *n)
{
	_cleanup_free_ char *cgroup = NULL;
	size_t k = *n;
	int r;

	r = scope_cgroup(bus, unit, &cgroup);
	if (r >= 0)
		r = cg_strv_push(units, n, unit);
	if (r >= 0)
		r = cg_strv_push(cgroups, &k, cgroup);
	return r;
}

static int list_scopes(sd_bus *bus, char ***units, char ***cgroups)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
	const char *unit;
	size_t n = 0;
	int r;

	r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
					   "ListUnitsByPatterns");
	if (r >= 0)
		r = sd_bus_message_append(m, "asas", 0, 1, "poof-*.scope");
	if (r >= 0)
		r = sd_bus_call(bus, m, SD_CALL_TIMEOUT_US, &error, &reply);
	if (r < 0)
		return bus_failed("ListUnitsByPatterns", "poof-*.scope", &error, r);
	r = sd_bus_message_enter_container(reply, 'a', "(ssssssouso)");
	while (r >= 0 && (r = sd_bus_message_read(reply, "(ssssssouso)", &unit, NULL, NULL, NULL,
						  NULL, NULL, NULL, NULL, NULL, NULL)) > 0)
		r = add_scope(bus, unit, units, cgroups, &n);
	return r < 0 ? r : 0;
}

int cg_systemd_list_scopes(char ***ret_units, char ***ret_cgroups)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	char **units = calloc(1, sizeof(*units)), **cgroups = calloc(1, sizeof(*cgroups));
	int r = -ENOMEM;

	last_message[0] = '\0';
	if (units && cgroups) {
		r = bus_open(&bus);
		r = r < 0 ? connect_failed(r) : list_scopes(bus, &units, &cgroups);
	}
	if (r < 0) {
		cg_strv_free(units);
		cg_strv_free(cgroups);
		return r;
	}
	*ret_units = units;
	*ret_cgroups = cgroups;
	return 0;
}

int cg_systemd_stop_unit(const char *unit, uint64_t deadline_ns)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	int r;

	last_message[0] = '\0';
	r = bus_open(&bus);
	if (r < 0)
		return connect_failed(r);
	return stop_scope(bus, unit, deadline_ns);
}

#else

static int sd_open_run(struct cg_run *run)
{
	(void)run;
	set_message("this poof was built without sd-bus (libsystemd)");
	return -ENOTSUP;
}

static int sd_close_run(struct cg_run *run, uint64_t deadline_ns)
{
	(void)run, (void)deadline_ns;
	return 0;
}

int cg_systemd_probe(const char *root, uint64_t timeout_ns)
{
	(void)root, (void)timeout_ns;
	return -ENOTSUP;
}

int cg_systemd_list_scopes(char ***ret_units, char ***ret_cgroups)
{
	(void)ret_units, (void)ret_cgroups;
	return -ENOTSUP;
}

int cg_systemd_stop_unit(const char *unit, uint64_t deadline_ns)
{
	(void)unit, (void)deadline_ns;
	return -ENOTSUP;
}

#endif

const struct cg_ops cg_systemd_ops = {
	.kind = CG_MANAGER_SYSTEMD,
	.validate = sd_validate,
	.parent_path = sd_parent_path,
	.open_run = sd_open_run,
	.close_run = sd_close_run,
	CG_V2_CONTAINER_OPS,
};
