/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A writer process: owns its files, writes passes of checksummed blocks
 * through an engine, and keeps the ledger's promise (intend before write,
 * acknowledge only after success). It runs until its passes are done or it
 * is killed; a respawned writer carries on from the ledger.
 */

#include <stdint.h>

#include "judge/ledger.h"
#include "profiles/profile.h"
#include "stress/sandbox.h"

/* Writer exit codes the supervisor understands. */
enum {
	WRITER_EXIT_DONE = 0,
	WRITER_EXIT_FATAL = 3, /* ledger_writer.error says why */
};

struct writer_ctx {
	struct ledger *ledger;
	uint32_t writer_id;
	const struct writer_group *group;
	int data_dirfd;
	uint64_t seed; /* for the write order */
	/* Entered after the setup, before the first write; NULL: none (tests). */
	const struct sandbox_params *sandbox;
};

/* Runs in the forked child; returns the exit code. */
int writer_main(const struct writer_ctx *ctx);
