/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Checks and messages shared by the subcommands. */

#include <stdbool.h>
#include <stdio.h>

#include "profiles/profile.h"

/*
 * -q/--quiet, -v/--verbose and -h/--help, the same in every subcommand: its
 * option loop hands those three to this. -q lowers the log level and sets
 * *quiet (may be NULL), -v raises it, -h prints the usage on stdout.
 * Returns 1 after -h (the command exits 0 at once), else 0.
 */
int parse_common_option(int c, void (*usage)(FILE *out), bool *quiet);

/* "poof: error: FILE:LINE: KEY: message" for a profile or -o error. */
void log_profile_error(const struct profile_error *err);

/* The directory an output file goes in exists: else -EINVAL, logged naming the option. */
int check_output_path(const char *path, const char *option);

/*
 * --dir DIR: must exist, be a writable directory on a filesystem with
 * writeback. Logs the reason and returns -EXIT_USAGE or -EXIT_UNSUPPORTED.
 */
int check_target_dir(const char *dir);

/* Is name an executable in PATH (or /usr/sbin, /sbin)? */
bool find_program(const char *name);
