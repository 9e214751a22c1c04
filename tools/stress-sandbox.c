// SPDX-License-Identifier: LGPL-2.1-or-later
/* poof stress: what the sandbox and error injection need, checked before the run. */
#include <errno.h>
#include <string.h>

#include "reports/report.h"
#include "shared/log.h"
#include "stress-sandbox.h"
#include "stress/sandbox.h"

static int refuse_probe(const struct plan *p, bool inject, int r, int api)
{
	const char *asked = p->sandbox ? "-o sandbox=yes" : "-o inject";
	const char *without = !p->sandbox ? "run without -o inject" :
			      inject	  ? "-o sandbox=no and no -o inject" :
					    "-o sandbox=no";

	if (r == -ENOTSUP)
		log_error("%s needs libseccomp, and this poof was built without it (poof --version "
			  "says -SECCOMP).\n  Fix: %s, or build poof with libseccomp-dev installed.",
			  asked, without);
	else if (r == -EOPNOTSUPP)
		log_error("-o inject needs seccomp user notification, which this kernel or "
			  "libseccomp lacks (API level %d, 6 needed).\n  Fix: run on Linux 5.7 or "
			  "later (poof vm), or without -o inject.",
			  api);
	else
		log_error(
			"%s needs seccomp filters, which this kernel refuses (%s).\n  Fix: a kernel "
			"with CONFIG_SECCOMP_FILTER, or %s.",
			asked, strerror(-r), without);
	return EXIT_UNSUPPORTED;
}

int stress_check_sandbox(const struct plan *plan)
{
	bool inject = inject_spec_any(&plan->inject);
	const char *engine = plan->sandbox ? sandbox_engine_unlisted(plan) : NULL;
	int api, r;

	if (!plan->sandbox && !inject)
		return 0;
	if (engine) {
		log_error("the %s engine has no sandbox allow-list yet.\n  Fix: -o sandbox=no.",
			  engine);
		return EXIT_UNSUPPORTED;
	}
	r = sandbox_probe(inject, &api);
	return r < 0 ? refuse_probe(plan, inject, r, api) : 0;
}
