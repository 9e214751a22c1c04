// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "profiles/profile.h"
#include "reports/report.h"
#include "shared/log.h"
#include "shared/macro.h"

#define MAX_OVERRIDES 64

struct profiles_args {
	bool effective;
	const char *overrides[MAX_OVERRIDES];
	unsigned noverrides;
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: poof profiles [list]\n"
		     "       poof profiles show [--effective] [-o KEY=VALUE]... NAME|FILE\n\n"
		     "List the bundled profiles with what each one stresses, or print one\n"
		     "as written. With --effective (implied by -o), print instead the plan\n"
		     "poof stress would run: every key with its value, overrides applied.\n\n"
		     "  -e, --effective     print the effective plan\n"
		     "  -o KEY=VALUE        override a key, as for poof stress\n"
		     "  -h, --help          this text\n\n"
		     "See poof-profile(5).\n");
}

/* The first line of a profile's opening comment, without its marker. */
static void describe(const char *text, char *buf, size_t len)
{
	const char *line = text;

	buf[0] = '\0';
	while (*line == '#' || *line == ';') {
		size_t n = strcspn(line, "\n");
		const char *s = line + strspn(line, "#; \t");

		if (s < line + n && strncmp(s, "SPDX-", 5) != 0) {
			snprintf(buf, len, "%.*s", (int)(line + n - s), s);
			return;
		}
		line += n + (line[n] == '\n');
	}
}

static const struct bundled_profile *bundled_find(const char *name)
{
	for (unsigned i = 0; i < n_bundled_profiles; i++)
		if (streq(bundled_profiles[i].name, name))
			return &bundled_profiles[i];
	return NULL;
}

static int list_profiles(void)
{
	int width = 0;

	for (unsigned i = 0; i < n_bundled_profiles; i++)
		width = MAX(width, (int)strlen(bundled_profiles[i].name));
	for (unsigned i = 0; i < n_bundled_profiles; i++) {
		char description[200];

		describe(bundled_profiles[i].text, description, sizeof(description));
		printf("%-*s  %s\n", width, bundled_profiles[i].name, description);
	}
	return 0;
}

static int copy_file(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char buf[4096];
	size_t n;
	int r = 0;

	if (!f) {
		log_error("%s: cannot open: %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	if (ferror(f)) {
		log_error("%s: cannot read: %s", path, strerror(errno));
		r = EXIT_USAGE;
	}
	return r;
}

/* A profile that does not load is an error here too: show names the line. */
static int show_text(const char *name_or_path)
{
	const struct bundled_profile *b;
	struct profile_error err;
	struct plan plan;

	if (profile_load(name_or_path, &plan, &err) < 0) {
		log_profile_error(&err);
		return EXIT_USAGE;
	}
	if (plan.profile_path[0])
		return copy_file(plan.profile_path);
	b = bundled_find(plan.profile);
	if (!b) {
		log_error("bundled profile \"%s\" vanished", plan.profile);
		return EXIT_INTERNAL;
	}
	fputs(b->text, stdout);
	return 0;
}

static int show_effective(const char *name_or_path, const struct profiles_args *args)
{
	struct profile_error err;
	struct plan plan;
	int r;

	r = profile_load(name_or_path, &plan, &err);
	for (unsigned i = 0; r >= 0 && i < args->noverrides; i++)
		r = profile_override(&plan, args->overrides[i], &err);
	if (r >= 0)
		r = plan_validate(&plan, &err);
	if (r < 0) {
		log_profile_error(&err);
		return EXIT_USAGE;
	}
	plan_print(&plan, stdout);
	return 0;
}

/* 0 to go on, 1 when --help was served, -EXIT_USAGE on a usage error. */
static int parse_args(int argc, char **argv, struct profiles_args *args)
{
	static const struct option options[] = {
		{ "effective", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	optind = 0; /* GNU getopt: start afresh, whoever parsed before us */
	opterr = 0; /* say it as poof says everything else */
	while ((c = getopt_long(argc, argv, ":eho:", options, NULL)) >= 0) {
		switch (c) {
		case 'e':
			args->effective = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'o':
			if (args->noverrides >= MAX_OVERRIDES) {
				log_error("more than %d -o options", MAX_OVERRIDES);
				return -EXIT_USAGE;
			}
			args->overrides[args->noverrides++] = optarg;
			args->effective = true;
			break;
		case ':':
			log_error("option %s needs a value", argv[optind - 1]);
			return -EXIT_USAGE;
		default:
			log_error("unknown option \"%s\" for poof profiles show; "
				  "accepted: --effective, -o KEY=VALUE, --help",
				  argv[optind - 1]);
			return -EXIT_USAGE;
		}
	}
	return 0;
}

static int cmd_show(int argc, char **argv)
{
	struct profiles_args args = { 0 };
	int r = parse_args(argc, argv, &args);

	if (r != 0)
		return r < 0 ? -r : 0;
	if (optind != argc - 1) {
		log_error("poof profiles show takes one profile name or file; "
			  "bundled profiles are listed by poof profiles list");
		return EXIT_USAGE;
	}
	if (args.effective)
		return show_effective(argv[optind], &args);
	return show_text(argv[optind]);
}

static int flush_stdout(int r)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("writing to standard output failed: %s", strerror(errno));
		return r ? r : EXIT_INTERNAL;
	}
	return r;
}

/* argv[0] is "profiles". */
int cmd_profiles(int argc, char **argv)
{
	if (argc < 2 || streq(argv[1], "list")) {
		if (argc > 2) {
			log_error("poof profiles list takes no arguments");
			return EXIT_USAGE;
		}
		return flush_stdout(list_profiles());
	}
	if (streq(argv[1], "-h") || streq(argv[1], "--help")) {
		usage(stdout);
		return flush_stdout(0);
	}
	if (streq(argv[1], "show"))
		return flush_stdout(cmd_show(argc - 1, argv + 1));
	log_error("unknown profiles command \"%s\"; accepted: list, show NAME|FILE", argv[1]);
	return EXIT_USAGE;
}
