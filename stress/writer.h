/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A writer process: owns its files, writes passes of checksummed blocks
 * through an engine, and keeps the ledger's promise (intend before write,
 * acknowledge only after success). One loop for every engine: it submits
 * blocks while the engine has room (one at a time for a synchronous engine,
 * up to queue-depth for io_uring), reaps completions as they come back, and
 * ends every pass with nothing in flight. It runs until its passes are done
 * or it is killed; a respawned writer carries on from the ledger.
 */

#include <stdint.h>

#include "judge/ledger.h"
#include "stress/engine.h"
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
	/* The engine; NULL for the group's. Tests pass a scripted one. */
	const struct engine_ops *engine;
};

/* Runs in the forked child; returns the exit code. */
int writer_main(const struct writer_ctx *ctx);
