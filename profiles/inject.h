/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What `-o inject=SYSCALL:ERRNO:RATE[,...]` asks for: for each syscall that
 * can be made to fail, the errno it fails with and the share of its calls
 * that fail. How a call is chosen is stress/inject.h's; this is the value,
 * read from text and written back exactly.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The syscalls an error can be injected into; the order the reports list them in. */
enum inject_call {
	INJECT_WRITE,
	INJECT_PWRITE64,
	INJECT_FSYNC,
	INJECT_FDATASYNC,
	INJECT_SYNC_FILE_RANGE,
	INJECT_MSYNC,
	_INJECT_CALL_MAX,
};

/*
 * num calls in den fail, 0 <= num <= den, den >= 1. A percentage is kept
 * as millionths (den INJECT_PERCENT_DEN) and says so, to be written back
 * as it was given: "1%" stays "1%", "2/32" stays "2/32".
 */
struct inject_rate {
	uint32_t num, den;
	bool percent;
};
#define INJECT_PERCENT_DEN 1000000U

struct inject_rule {
	int error; /* the errno injected (positive); 0: this syscall is left alone */
	struct inject_rate rate;
};

/* One rule per syscall, indexed by enum inject_call: a syscall is named at most once. */
struct inject_spec {
	struct inject_rule rules[_INJECT_CALL_MAX];
};

#define INJECT_ACCEPTED                                                                       \
	"none, or SYSCALL:ERRNO:RATE[,...] with SYSCALL one of write, pwrite64 (or pwrite), " \
	"fsync, fdatasync, sync_file_range, msync, each at most once; ERRNO an errno name "   \
	"like ENOMEM, EIO or ENOSPC; RATE a share of the calls like 1/16, 1/1000 or 1% "      \
	"(0 to 1/1, 0% to 100%)"

/* "write", "pwrite64", ...; "unknown" past the end. */
const char *inject_call_name(enum inject_call c);

/* The call named name ("pwrite" too), or -EINVAL. */
int inject_call_from_name(const char *name);

/* Whether any syscall has a rule. */
bool inject_spec_any(const struct inject_spec *s);

/* "1/16", "1%", "0.25%", "0": 0, or -EINVAL/-ERANGE with *ret untouched. */
int inject_rate_parse(const char *text, struct inject_rate *ret);
void inject_rate_format(const struct inject_rate *r, char *buf, size_t len);

/* "none" or "fsync:ENOMEM:1/16,write:EIO:1%": 0, or -EINVAL/-ERANGE with *ret untouched. */
int inject_spec_parse(const char *text, struct inject_spec *ret);
/* The rules in call order, "none" when there is none. */
void inject_spec_format(const struct inject_spec *s, char *buf, size_t len);

/* The errno called name ("EIO"), or -EINVAL. */
int errno_from_name(const char *name);
