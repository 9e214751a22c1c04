// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "reports/report.h"
#include "shared/log.h"
#include "shared/macro.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "stress", cmd_stress, "run a workload, kill writers, verify every block" },
	{ "verify", cmd_verify, "re-verify a finished or interrupted run from its ledger" },
	{ "profiles", cmd_profiles, "list the bundled profiles, or show one" },
	{ "vm", cmd_vm, "boot a kernel under QEMU and run poof in it on cgroup v2" },
	{ "cleanup", cmd_cleanup, "remove what interrupted runs left behind" },
	{ "report", cmd_report, "render a run's report.json again as HTML, JUnit or KTAP" },
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: poof COMMAND [OPTIONS]...\n\n"
		     "Finds the writes that vanish when containers run out of memory.\n\n"
		     "Commands:\n");
	for (unsigned i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\n  --version  version and compiled-in features\n"
		     "  --help     this text\n\n"
		     "See poof(1) and poof COMMAND --help.\n");
}

static void version(void)
{
	printf("poof %s\n%cSYSTEMD %cURING %cSECCOMP %cLIBCGROUP +XXHASH +JSON +LIBMOUNT\n",
	       POOF_VERSION, HAVE_SYSTEMD ? '+' : '-', HAVE_URING ? '+' : '-',
	       HAVE_SECCOMP ? '+' : '-', HAVE_LIBCGROUP ? '+' : '-');
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (streq(argv[1], "--version") || streq(argv[1], "version")) {
		version();
		return 0;
	}
	if (streq(argv[1], "--help") || streq(argv[1], "-h") || streq(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(commands); i++)
		if (streq(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	log_error("unknown command \"%s\"; accepted: stress, verify, profiles, vm, cleanup, "
		  "report, --version, --help",
		  argv[1]);
	return EXIT_USAGE;
}
