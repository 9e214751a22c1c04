// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "outputs.h"
#include "reports/report.h"
#include "shared/clock.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/nofollow.h"
#include "judge/ledger.h"
#include "stress/rundir.h"
#include "stress/scratch.h"
#include "judge/verify.h"

struct verify_args {
	const char *rundir;
	const char *json;
	struct outputs outputs; /* --html, --junit, --ktap */
	struct plan plan;	/* only the run keys of verify_keys: there is no profile */
};

/* The run keys that still mean something once the run is over. */
static const char *const verify_keys[] = { "strict-errors", "report-losses", NULL };

static void verify_usage(FILE *out)
{
	fprintf(out,
		"Usage: poof verify [--json FILE] [--html FILE] [--junit FILE] [--ktap FILE|-]\n"
		"                   [-o strict-errors=yes|no] [-o report-losses=N] RUNDIR\n\n"
		"Re-verify a finished or interrupted run from its ledger. See poof-verify(1).\n");
}

static int parse_override(struct verify_args *a, const char *kv)
{
	struct profile_error err;
	int r = profile_override_keys(&a->plan, kv, verify_keys, &err);

	if (r < 0)
		log_profile_error(&err);
	return r;
}

static int parse_args(int argc, char **argv, struct verify_args *a)
{
	static const struct option options[] = {
		{ "json", required_argument, NULL, 'j' }, OUTPUT_OPTIONS,
		{ "help", no_argument, NULL, 'h' },	  { "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },	  {}
	};
	int c;

	plan_run_defaults(&a->plan);
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:o:hqv", options, NULL)) != -1) {
		if (outputs_option(c)) {
			if (outputs_set(&a->outputs, c, optarg) < 0)
				return -EINVAL;
			continue;
		}
		switch (c) {
		case 'j':
			a->json = optarg;
			break;
		case 'o':
			if (parse_override(a, optarg) < 0)
				return -EINVAL;
			break;
		case 'q':
		case 'v':
		case 'h':
			if (parse_common_option(c, verify_usage, NULL))
				return 1;
			break;
		default:
			verify_usage(stderr);
			return -EINVAL;
		}
	}
	if (argc - optind != 1) {
		log_error("poof verify takes exactly one RUNDIR");
		verify_usage(stderr);
		return -EINVAL;
	}
	a->rundir = argv[optind];
	if (a->json && check_output_path(a->json, "--json") < 0)
		return -EINVAL;
	return outputs_check(&a->outputs);
}

/* What poof verify says of a ledger it cannot use; the exit code of SPEC section 7. */
static int load_ledger(const struct rundir *rd, struct ledger **ret, bool *ret_unsealed)
{
	struct ledger_damage d;
	char what[256];
	int r = ledger_load(rd->fd, ret, ret_unsealed, &d);

	switch (r) {
	case 0:
		return 0;
	case -ENOENT:
		log_error("%s has no ledger (neither %s nor %s): not a poof run directory",
			  rd->path, LEDGER_FILE_NAME, LEDGER_LIVE_NAME);
		return EXIT_USAGE;
	case -EBADMSG:
	case -EPROTO:
		ledger_damage_text(&d, what, sizeof(what));
		log_error("the ledger %s/%s is damaged: %s. Refusing to judge data with it.",
			  rd->path, d.name, what);
		return EXIT_DAMAGED;
	case -ELOOP:
		log_error("%s/%s is a symbolic link: poof reads the ledger of the run directory "
			  "itself, never through a link. Refused.",
			  rd->path, d.name);
		return EXIT_DAMAGED;
	case -EINVAL:
		log_error("%s/%s is not a regular file: refused", rd->path, d.name);
		return EXIT_DAMAGED;
	case -EFBIG:
		log_error("the ledger %s/%s is larger than any ledger poof writes: refusing it",
			  rd->path, d.name);
		return EXIT_DAMAGED;
	default:
		log_error("cannot read the ledger %s/%s: %s", rd->path, d.name, strerror(-r));
		return r == -ENOMEM ? EXIT_INTERNAL : EXIT_DAMAGED;
	}
}

struct verify_session {
	struct verify_args args;
	struct rundir rd;
	struct ledger *ledger;
	bool unsealed;
	struct scratch scratch;
	bool have_scratch;
	char data_dir[PATH_MAX]; /* where the data is read, for messages and the report */
	struct verify_result vr;
	struct report report;
};

/* The image or its mountpoint is not what poof left: nothing is mounted. */
static int scratch_refused(const struct scratch *sc, int r)
{
	const char *path = scratch_failed_path(sc) ? scratch_failed_path(sc) : sc->image;

	if (r == -ELOOP)
		log_error("%s is a symbolic link: poof mounts only the run directory's own image "
			  "on its own mountpoint, never through a link. Refused; nothing was "
			  "mounted.",
			  path);
	else if (r == -EINVAL && sc->failed == SCRATCH_PATH_IMAGE)
		log_error("%s is not a regular file: refused; nothing was mounted", path);
	else if (r == -ENOTDIR)
		log_error("%s is not a directory: refused; nothing was mounted", path);
	else {
		log_error("cannot mount the scratch image %s: %s", sc->image, strerror(-r));
		return -EXIT_UNSUPPORTED;
	}
	return -EXIT_DAMAGED;
}

static int mount_kept_scratch(struct verify_session *s)
{
	const struct ledger_header *h = s->ledger->hdr;
	enum scratch_fs fs;
	int r;

	if (!(h->flags & LEDGER_F_SCRATCH))
		return 0;
	if (geteuid() != 0) {
		log_error("this run's data is on a scratch image that must be loop-mounted, which "
			  "needs root.\n  Fix: run poof verify as root.");
		return -EXIT_UNSUPPORTED;
	}
	/* poof stress names a filesystem it knows; ext4 is what any other name always meant */
	if (scratch_fs_from_name(h->scratch_fs, &fs) < 0)
		fs = SCRATCH_EXT4;
	/* Always this run directory's own image: the ledger's path is a record, not a pointer. */
	r = scratch_attach(s->rd.fd, s->rd.path, fs, &s->scratch);
	if (r == -ENOENT) {
		log_error("the scratch image %s is gone: poof removes it after a run that found "
			  "no loss (-o keep=always keeps it)",
			  s->scratch.image);
		return -EXIT_USAGE;
	}
	if (r >= 0)
		r = scratch_mount(&s->scratch);
	if (r < 0)
		return scratch_refused(&s->scratch, r);
	s->have_scratch = true;
	return 0;
}

#define VERIFY_IO_TIMEOUT_NS (PLAN_IO_TIMEOUT_DEFAULT_S * NSEC_PER_SEC)

/*
 * The data directory: poof-<id> in the scratch filesystem's root, reached
 * through the run directory, or the ledger's path, which poof stress
 * resolved: a symlink on either way is refused (-ELOOP).
 */
static int verify_session_data(struct verify_session *s, const struct verify_options *opt)
{
	_cleanup_close_ int rootfd = -1;
	char name[32];

	snprintf(s->data_dir, sizeof(s->data_dir), "%s", s->ledger->hdr->data_dir);
	if (!s->have_scratch)
		return verify_run(s->ledger, AT_FDCWD, s->ledger->hdr->data_dir, opt, &s->vr);
	snprintf(name, sizeof(name), "poof-%016llx", (unsigned long long)s->ledger->hdr->run_id);
	snprintf(s->data_dir, sizeof(s->data_dir), "%s/%s", s->scratch.mountpoint, name);
	rootfd = open_dir_nofollow(s->rd.fd, SCRATCH_MOUNT_NAME, O_RDONLY);
	if (rootfd < 0)
		return rootfd;
	return verify_run(s->ledger, rootfd, name, opt, &s->vr);
}

/* Verification could not run: why, and the exit code (negative). */
static int verify_failed(const char *data_dir, int r)
{
	switch (r) {
	case -ETIMEDOUT:
		log_error("HANG: a read of %s did not return within %llu s: the device stopped "
			  "answering",
			  data_dir, (unsigned long long)(VERIFY_IO_TIMEOUT_NS / NSEC_PER_SEC));
		return -EXIT_HANG;
	case -EMEDIUMTYPE:
		log_error("%s is on tmpfs or ramfs: nothing there was ever written back", data_dir);
		return -EXIT_UNSUPPORTED;
	case -ELOOP:
		log_error("the data directory %s is, or is reached through, a symbolic link: "
			  "poof reads its data where the run wrote it, never through a link. "
			  "Refused.",
			  data_dir);
		return -EXIT_DAMAGED;
	default:
		log_error("cannot verify %s: %s", data_dir, strerror(-r));
		return r == -ENOENT ? -EXIT_USAGE : -EXIT_INTERNAL;
	}
}

static int verify_session_run(struct verify_session *s)
{
	struct verify_options opt = {
		.strict_errors = s->args.plan.strict_errors,
		.error_fault = s->ledger->hdr->flags & LEDGER_F_ERROR_FAULT,
		.max_losses = s->args.plan.report_losses,
		.syncfs_result = s->ledger->hdr->syncfs_result,
		.remounted = s->have_scratch,
		.io_timeout_ns = VERIFY_IO_TIMEOUT_NS,
	};
	int r;

	r = verify_session_data(s, &opt);
	return r < 0 ? verify_failed(s->data_dir, r) : 0;
}

static void fill_report(struct verify_session *s, uint64_t started, uint64_t mono)
{
	struct report *rep = &s->report;

	rep->command = "verify";
	rep->ledger = s->ledger;
	rep->verify = &s->vr;
	snprintf(rep->run_id, sizeof(rep->run_id), "%016llx",
		 (unsigned long long)s->ledger->hdr->run_id);
	rep->run_dir = s->rd.path;
	rep->strict_errors = s->args.plan.strict_errors;
	rep->target = s->have_scratch ? s->scratch.mountpoint : s->ledger->hdr->data_dir;
	rep->data_dir = s->data_dir;
	rep->scratch_fs = s->have_scratch ? s->ledger->hdr->scratch_fs : NULL;
	rep->unsealed_ledger = s->unsealed;
	rep->interrupted = s->ledger->hdr->interrupted || s->unsealed;
	rep->started_ns = started;
	rep->elapsed_ns = now_monotonic_ns() - mono;
	outputs_name_in_report(&s->args.outputs, VERIFY_REPORT_FILE_NAME, s->args.json, rep);
	report_decide(rep);
}

/* One JSON document: verify.json, --json, the renderings, and the summary's next step. */
static void verify_report(struct verify_session *s, uint64_t started, uint64_t mono)
{
	_cleanup_json_ json_object *doc = NULL;
	int r;

	fill_report(s, started, mono);
	doc = report_json_new(&s->report);
	if (!doc) {
		log_error("cannot build the report: %s", strerror(ENOMEM));
		return;
	}
	r = report_json_save(doc, s->rd.fd, VERIFY_REPORT_FILE_NAME);
	if (r < 0)
		log_warn("cannot write %s/%s: %s", s->rd.path, VERIFY_REPORT_FILE_NAME,
			 strerror(-r));
	if (s->args.json && (r = report_json_save(doc, AT_FDCWD, s->args.json)) < 0)
		log_error("cannot write %s: %s", s->args.json, strerror(-r));
	outputs_write(&s->args.outputs, doc);
	report_summary_print(&s->report, doc, stdout);
}

/*
 * The run directory itself, never a link to it, and nothing planted where
 * poof verify writes its report: refused before anything is mounted.
 */
static int open_rundir(const char *path, struct rundir *rd)
{
	int r = rundir_open(path, rd);

	if (r == -ELOOP)
		log_error("%s is a symbolic link: poof verify takes the run directory itself, not "
			  "a link to it",
			  path);
	else if (r < 0)
		log_error("cannot open the run directory %s: %s (poof verify takes the directory "
			  "that holds a run's ledger)",
			  path, strerror(-r));
	if (r < 0)
		return EXIT_USAGE;
	r = refuse_symlink(rd->fd, VERIFY_REPORT_FILE_NAME);
	if (r < 0) {
		log_error("%s/%s is a symbolic link where poof verify writes its report: refused",
			  rd->path, VERIFY_REPORT_FILE_NAME);
		rundir_close(rd);
		return EXIT_DAMAGED;
	}
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	struct verify_session s = { .rd = { .fd = -1 } };
	uint64_t started = now_realtime_ns(), mono = now_monotonic_ns();
	int r;

	r = parse_args(argc, argv, &s.args);
	if (r != 0)
		return r > 0 ? 0 : EXIT_USAGE;
	r = open_rundir(s.args.rundir, &s.rd);
	if (r != 0)
		return r;
	r = load_ledger(&s.rd, &s.ledger, &s.unsealed);
	if (r != 0) {
		rundir_close(&s.rd);
		return r;
	}
	if (s.unsealed)
		log_warn("%s was never sealed: the run was interrupted; verifying from %s",
			 s.rd.path, LEDGER_LIVE_NAME);
	r = mount_kept_scratch(&s);
	if (r >= 0)
		r = verify_session_run(&s);
	if (s.have_scratch)
		scratch_destroy(&s.scratch, true);
	if (r >= 0)
		verify_report(&s, started, mono);
	verify_result_free(&s.vr);
	ledger_free(s.ledger);
	rundir_close(&s.rd);
	return r < 0 ? -r : s.report.exit_code;
}
