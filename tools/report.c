// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * poof report: render a finished or interrupted run again, as HTML, JUnit
 * or KTAP, from its report.json alone (reports/render.h), whatever poof
 * version wrote it. Exit 0 when everything asked for was written, 64 for a
 * command line it cannot follow, 65 for a report that does not parse or is
 * not a poof report, 70 when an output could not be written. Outputs are
 * written atomically: never half of one.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "common.h"
#include "outputs.h"
#include "reports/jsonget.h"
#include "reports/report.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/macro.h"

/* A report of a 1-hour run with 64 containers is tens of MiB; refuse what no run writes. */
#define REPORT_MAX_BYTES (1024UL * 1024 * 1024)

struct report_args {
	const char *input;
	struct outputs outputs;
};

static void report_usage(FILE *out)
{
	fprintf(out,
		"Usage: poof report RUNDIR|JSON [--html FILE] [--junit FILE] [--ktap FILE|-]\n\n"
		"Render a finished or interrupted run again from its report.json (for a\n"
		"RUNDIR: RUNDIR/report.json, else RUNDIR/verify.json). See poof-report(1).\n");
}

static int check_args(int argc, char **argv, struct report_args *a)
{
	if (argc - optind != 1) {
		log_error("poof report takes exactly one RUNDIR or report JSON file, got %d",
			  argc - optind);
		return -EINVAL;
	}
	a->input = argv[optind];
	if (!outputs_any(&a->outputs)) {
		log_error("nothing to render: give at least one of --html FILE, --junit FILE, "
			  "--ktap FILE|-");
		return -EINVAL;
	}
	return outputs_check(&a->outputs);
}

static int parse_args(int argc, char **argv, struct report_args *a)
{
	static const struct option options[] = { OUTPUT_OPTIONS,
						 { "help", no_argument, NULL, 'h' },
						 { "quiet", no_argument, NULL, 'q' },
						 {} };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hq", options, NULL)) != -1) {
		if (outputs_option(c)) {
			if (outputs_set(&a->outputs, c, optarg) < 0)
				return -EINVAL;
			continue;
		}
		switch (c) {
		case 'q':
			log_set_level(LOG_WARN);
			break;
		case 'h':
			report_usage(stdout);
			return 1;
		default:
			log_error("poof report accepts --html FILE, --junit FILE, --ktap FILE|-, "
				  "--quiet and --help");
			report_usage(stderr);
			return -EINVAL;
		}
	}
	return check_args(argc, argv, a);
}

/* In a run directory, report.json, else verify.json; a later verify.json is pointed out. */
static int resolve_rundir(const char *dir, char *ret, size_t len)
{
	char later[PATH_MAX];
	struct stat st;

	snprintf(later, sizeof(later), "%s/%s", dir, VERIFY_REPORT_FILE_NAME);
	if (snprintf(ret, len, "%s/%s", dir, REPORT_FILE_NAME) >= (int)len)
		return -EXIT_USAGE;
	if (lstat(ret, &st) == 0) {
		if (lstat(later, &st) == 0)
			log_notice("rendering %s; the %s of a later poof verify renders with: poof "
				   "report %s",
				   ret, VERIFY_REPORT_FILE_NAME, later);
		return 0;
	}
	if (lstat(later, &st) == 0)
		return snprintf(ret, len, "%s", later) < (int)len ? 0 : -EXIT_USAGE;
	log_error("%s holds neither %s nor %s: no poof run reported there (a run killed before "
		  "it reported has only its ledger: poof verify %s judges it)",
		  dir, REPORT_FILE_NAME, VERIFY_REPORT_FILE_NAME, dir);
	return -EXIT_USAGE;
}

/* The report to read: the file given, or the one in the run directory given. */
static int resolve_input(const char *input, char *ret, size_t len)
{
	struct stat st;

	if (stat(input, &st) < 0) {
		log_error("%s: %s (poof report takes a run directory or a report JSON file)", input,
			  strerror(errno));
		return -EXIT_USAGE;
	}
	if (S_ISDIR(st.st_mode))
		return resolve_rundir(input, ret, len);
	if (snprintf(ret, len, "%s", input) >= (int)len) {
		log_error("%s: %s", input, strerror(ENAMETOOLONG));
		return -EXIT_USAGE;
	}
	return 0;
}

/* "line 3, column 7" for a byte offset into text. */
static void position(const char *text, size_t offset, char *buf, size_t len)
{
	unsigned line = 1, column = 1;

	for (size_t i = 0; i < offset && text[i]; i++, column++)
		if (text[i] == '\n')
			line++, column = 0;
	snprintf(buf, len, "line %u, column %u", line, column);
}

/* Parse all of text as one JSON value; name what is wrong when it is not. */
static int parse_report(const char *path, const char *text, size_t len, json_object **ret)
{
	struct json_tokener *tok = json_tokener_new();
	enum json_tokener_error err;
	json_object *o;
	char where[64];
	size_t end;

	if (!tok)
		return -EXIT_INTERNAL;
	o = json_tokener_parse_ex(tok, text, (int)len);
	err = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (err == json_tokener_success && end + strspn(text + end, " \t\r\n") == len) {
		*ret = o;
		return 0;
	}
	json_object_put(o);
	position(text, end, where, sizeof(where));
	log_error("%s does not parse as JSON: %s at %s", path,
		  err == json_tokener_success  ? "text after the report" :
		  err == json_tokener_continue ? "it ends in the middle of a value" :
						 json_tokener_error_desc(err),
		  where);
	return -EXIT_DAMAGED;
}

/* A poof report of a schema this poof reads: what is wrong is named. */
static int check_report(const char *path, json_object *o)
{
	json_object *version = jget(o, "schema_version");
	const char *tool = jget_str(o, "tool.name", NULL);

	if (!json_object_is_type(o, json_type_object)) {
		log_error("%s is JSON but not a poof report: a report is one JSON object", path);
		return -EXIT_DAMAGED;
	}
	if (jget(o, "tool") && !streq(tool, "poof")) {
		log_error("%s is not a poof report: tool.name is %s, not \"poof\"", path,
			  tool ? tool : "missing");
		return -EXIT_DAMAGED;
	}
	if (!json_object_is_type(version, json_type_int)) {
		log_error("%s is not a poof report: schema_version is %s (see poof-report(5))",
			  path, version ? "not an integer" : "missing");
		return -EXIT_DAMAGED;
	}
	if (json_object_get_int64(version) != REPORT_SCHEMA_VERSION) {
		log_error("%s has schema_version %lld; this poof reads version %d%s", path,
			  (long long)json_object_get_int64(version), REPORT_SCHEMA_VERSION,
			  json_object_get_int64(version) > REPORT_SCHEMA_VERSION ?
				  ": render it with the poof that wrote it, or a newer one" :
				  "");
		return -EXIT_DAMAGED;
	}
	return 0;
}

static int load_report(const char *path, json_object **ret)
{
	_cleanup_free_ void *data = NULL;
	size_t len;
	int r;

	r = read_file_full(AT_FDCWD, path, REPORT_MAX_BYTES, &data, &len);
	if (r == -ELOOP)
		log_error("%s is a symbolic link: poof does not follow links to its reports; give "
			  "the file itself",
			  path);
	else if (r == -EFBIG)
		log_error("%s is larger than %lu MiB: not a report poof wrote", path,
			  REPORT_MAX_BYTES >> 20);
	else if (r == -EINVAL)
		log_error("%s is not a regular file", path);
	else if (r < 0)
		log_error("cannot read %s: %s", path, strerror(-r));
	if (r < 0)
		return r == -ENOMEM ? -EXIT_INTERNAL : r == -EFBIG ? -EXIT_DAMAGED : -EXIT_USAGE;
	if (strspn(data, " \t\r\n") == len) {
		log_error("%s is empty: not a poof report", path);
		return -EXIT_DAMAGED;
	}
	r = parse_report(path, data, len, ret);
	if (r < 0)
		return r;
	r = check_report(path, *ret);
	if (r < 0) {
		json_object_put(*ret);
		*ret = NULL;
	}
	return r;
}

int cmd_report(int argc, char **argv)
{
	struct report_args a = { 0 };
	char path[PATH_MAX];
	json_object *report = NULL;
	int r;

	r = parse_args(argc, argv, &a);
	if (r != 0)
		return r > 0 ? 0 : EXIT_USAGE;
	r = resolve_input(a.input, path, sizeof(path));
	if (r >= 0)
		r = load_report(path, &report);
	if (r >= 0 && outputs_write(&a.outputs, report) < 0)
		r = -EXIT_INTERNAL;
	json_object_put(report);
	return r < 0 ? -r : 0;
}
