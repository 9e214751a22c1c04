// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The hog slots: one per process of every [hog] section in every replica of
 * its container, each remembering its child and, for a kmem hog, the
 * directory it churns in.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hog.h"
#include "shared/nofollow.h"
#include "supervisor-internal.h"

/* A kmem hog churns in a directory of its own below the run's data directory. */
static int hog_dir(struct supervisor *s, uint32_t id)
{
	_cleanup_close_ int hogs = -1;
	char name[32];

	/* Both levels through fds, neither a symlink: respawned hogs find theirs again. */
	if (mkdirat(s->cfg->data_dirfd, SUPERVISOR_HOG_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	hogs = open_dir_nofollow(s->cfg->data_dirfd, SUPERVISOR_HOG_DIR, O_RDONLY);
	if (hogs < 0)
		return hogs;
	snprintf(name, sizeof(name), "h%u", id);
	if (mkdirat(hogs, name, 0755) < 0 && errno != EEXIST)
		return -errno;
	return open_dir_nofollow(hogs, name, O_RDONLY);
}

/* Every [hog] section, once per process per replica of its container. */
int hog_slots_setup(struct supervisor *s)
{
	const struct plan *plan = s->cfg->plan;
	const struct run_containers *rc = s->cfg->containers;
	unsigned n = 0;

	for (unsigned i = 0; i < plan->nhogs; i++)
		n += plan->hogs[i].count * plan_container_replicas(plan, plan->hogs[i].container);
	if (n == 0)
		return 0;
	if (!rc)
		return -EINVAL; /* the plan validator refuses hogs outside containers */
	s->hogs = calloc(n, sizeof(*s->hogs));
	if (!s->hogs)
		return -ENOMEM;
	for (unsigned i = 0; i < plan->nhogs; i++) {
		const struct hog_spec *spec = &plan->hogs[i];
		unsigned first = containers_first(rc, plan_container_index(plan, spec->container));
		unsigned replicas = plan_container_replicas(plan, spec->container);

		for (unsigned r = 0; r < replicas; r++)
			for (unsigned k = 0; k < spec->count; k++) {
				struct hog_proc *h = &s->hogs[s->nhogs];

				*h = (struct hog_proc){ .spec = i,
							.container = first + r,
							.id = s->nhogs,
							.dirfd = -1 };
				if (spec->kind == HOG_KMEM) {
					h->dirfd = hog_dir(s, h->id);
					if (h->dirfd < 0)
						return h->dirfd;
				}
				s->nhogs++;
			}
	}
	return 0;
}

void hog_slots_free(struct supervisor *s)
{
	for (unsigned i = 0; i < s->nhogs; i++)
		if (s->hogs[i].dirfd >= 0)
			close(s->hogs[i].dirfd);
	free(s->hogs);
	s->hogs = NULL;
	s->nhogs = 0;
}

struct hog_proc *hog_slot_by_pid(struct supervisor *s, pid_t pid)
{
	for (unsigned i = 0; i < s->nhogs; i++)
		if (s->hogs[i].pid == pid)
			return &s->hogs[i];
	return NULL;
}

uint32_t hog_slots_alive(const struct supervisor *s)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < s->nhogs; i++)
		n += s->hogs[i].pid > 0;
	return n;
}
