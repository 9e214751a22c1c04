/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Subcommands: each returns the process exit code (SPEC section 7). */

int cmd_stress(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_profiles(int argc, char **argv);
int cmd_vm(int argc, char **argv);
int cmd_cleanup(int argc, char **argv);
int cmd_report(int argc, char **argv);
