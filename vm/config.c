// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * config.sh for the guest's /init: the run's settings, each value quoted
 * for sh, then the guest poof's argv.
 */
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "shared/macro.h"
#include "xfer.h"

/* The dm-flakey feature of a --fault that drops or fails writes. */
static const char *fault_feature(const char *fault)
{
	return streq(fault, "drop-writes")  ? "drop_writes" :
	       streq(fault, "error-writes") ? "error_writes" :
					      "";
}

char *vm_config_text(const struct vm_guest_config *g)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	_cleanup_fclose_ FILE *f = open_memstream(&text, &len);
	_cleanup_free_ char *hook = shell_quote(g->hook ? g->hook : "");

	if (!f || !hook)
		return NULL;
	fprintf(f,
		"POOF_VM_FS=%s\nPOOF_VM_FAULT=%s\nPOOF_VM_FAULT_FEATURE=%s\n"
		"POOF_VM_FAULT_AFTER=%.3f\nPOOF_VM_FAULT_FOR=%.3f\n"
		"POOF_VM_HANG_TEST=%d\nPOOF_VM_HOOK=%s\nPOOF_VM_INIT=%s\n"
		"POOF_VM_FAULT_LOG=" VM_GUEST_FAULT_LOG "\nset --",
		g->fs, g->fault, fault_feature(g->fault), (double)g->fault_after_ns / 1e9,
		(double)g->fault_for_ns / 1e9, g->hang_test, hook, g->init);
	for (int i = 0; i < g->argc; i++) {
		_cleanup_free_ char *q = shell_quote(g->argv[i]);

		fprintf(f, " %s", q ? q : "''");
	}
	fputc('\n', f);
	/* The stream publishes text and len when it is closed: before they are handed out. */
	fclose(steal_pointer(&f));
	return steal_pointer(&text);
}
