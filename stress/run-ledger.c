// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The run's ledger, laid out from the plan before any writer starts: a slot
 * per writer (a group runs once per replica of its container), its files
 * and their blocks, and a header naming the data directory and the
 * scratch image for poof verify.
 */
#include <errno.h>

#include "run-internal.h"
#include "shared/macro.h"

static uint32_t writer_container(const struct stress_run *run, const struct writer_group *g,
				 uint32_t replica)
{
	if (!g->container[0] || !run->contained)
		return CONTAINER_NONE;
	return containers_first(&run->containers, plan_container_index(&run->plan, g->container)) +
	       replica;
}

static void ledger_fill_layout(struct stress_run *run)
{
	struct ledger *l = run->ledger;
	uint32_t w = 0, f = 0;
	uint64_t b = 0;

	for (unsigned gi = 0; gi < run->plan.ngroups; gi++) {
		const struct writer_group *g = &run->plan.groups[gi];

		for (uint32_t i = 0; i < g->count * plan_group_replicas(&run->plan, g); i++, w++) {
			l->writers[w] = (struct ledger_writer){
				.writer_id = w,
				.first_file = f,
				.nfiles = g->files,
				.group = gi,
				.container = writer_container(run, g, i / g->count),
			};
			for (uint32_t j = 0; j < g->files; j++, f++) {
				uint32_t nblocks = (uint32_t)(g->file_size / g->block_size);

				l->files[f] = (struct ledger_file){
					.file_id = f,
					.writer_id = w,
					.nblocks = nblocks,
					.block_size = g->block_size,
					.first_block = b,
					.order = g->order,
				};
				b += nblocks;
			}
		}
	}
}

/* What poof verify needs to find the data again; a path that does not fit fails. */
static int fill_header(struct stress_run *run)
{
	struct ledger_header *h = run->ledger->hdr;
	const struct run_target *t = &run->target;
	int r;

	r = copy_string(h->data_dir, sizeof(h->data_dir), t->data_dir);
	if (r >= 0)
		r = copy_string(h->profile, sizeof(h->profile), run->plan.profile);
	if (r >= 0 && t->have_scratch) {
		h->flags |= LEDGER_F_SCRATCH;
		r = copy_string(h->scratch_image, sizeof(h->scratch_image), t->scratch.image);
		if (r >= 0)
			r = copy_string(h->scratch_fs, sizeof(h->scratch_fs),
					scratch_fs_name(t->scratch.fs));
	}
	return r;
}

int run_prepare_ledger(struct stress_run *run)
{
	struct ledger_params lp = { .run_id = run->rd.run_id, .seed = run->seed };
	int r;

	for (unsigned i = 0; i < run->plan.ngroups; i++) {
		const struct writer_group *g = &run->plan.groups[i];

		uint32_t writers = g->count * plan_group_replicas(&run->plan, g);

		lp.nwriters += writers;
		lp.nfiles += writers * g->files;
		lp.nblocks += (uint64_t)writers * g->files * (g->file_size / g->block_size);
	}
	r = ledger_create(run->rd.fd, &lp, &run->ledger);
	if (r < 0) {
		run_tell(run, RUN_EV_LEDGER_FAILED, r);
		return r;
	}
	if (!run->ledger->locked)
		run_tell(run, RUN_EV_LEDGER_UNLOCKED, 0);
	ledger_fill_layout(run);
	r = fill_header(run);
	if (r < 0) {
		run_tell(run, RUN_EV_LEDGER_PATH_TOO_LONG, r);
		return r;
	}
	ledger_header_changed(run->ledger);
	return 0;
}
