// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "containers.h"
#include "shared/macro.h"

#include <limits.h>
#include <unistd.h>

unsigned containers_first(const struct run_containers *rc, unsigned spec)
{
	for (unsigned i = 0; i < rc->n; i++)
		if (rc->c[i].spec == spec)
			return i;
	return CONTAINER_NONE;
}

int containers_validate(const struct plan *plan, const struct cg_layout *layout,
			enum cg_manager_kind manager, char **ret_message)
{
	for (unsigned i = 0; i < plan->ncontainers; i++) {
		struct cg_limits l;
		char *msg = NULL;
		int r;

		plan_container_limits(&plan->containers[i], &l);
		r = cg_limits_validate(layout, manager, NULL, &l, &msg);
		if (r < 0) {
			if (asprintf(ret_message, "container %s: %s", plan->containers[i].name,
				     msg ? msg : strerror(-r)) < 0)
				*ret_message = NULL;
			free(msg);
			return r;
		}
	}
	return 0;
}

static unsigned total_instances(const struct plan *plan)
{
	unsigned n = 0;

	for (unsigned i = 0; i < plan->ncontainers; i++)
		n += plan->containers[i].count;
	return n;
}

static void pressure_path(const struct run_container *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/memory.pressure", cg_container_path(c->cg));
}

/* PSI is per cgroup on v2 only; without it the report says nothing about pressure. */
static void psi_open(struct run_container *c)
{
	char path[PATH_MAX];
	int fd;

	pressure_path(c, path, sizeof(path));
	c->psi_known = psi_read(path, &c->psi_start) == 0;
	if (!c->psi_known)
		return;
	fd = psi_trigger_open(path);
	c->psi_fd = fd >= 0 ? fd : -1;
}

int containers_read_psi(const struct run_container *c, struct psi_totals *ret)
{
	char path[PATH_MAX];

	if (!c->psi_known)
		return -ENOENT;
	pressure_path(c, path, sizeof(path));
	return psi_read(path, ret);
}

void containers_read_psi_end(struct run_containers *rc)
{
	for (unsigned i = 0; i < rc->n; i++) {
		struct run_container *c = &rc->c[i];

		if (c->psi_known && containers_read_psi(c, &c->psi_end) < 0)
			c->psi_end = c->psi_start;
	}
}

static int create_all(const struct plan *plan, struct run_containers *rc)
{
	for (unsigned i = 0; i < plan->ncontainers; i++) {
		const struct container_spec *spec = &plan->containers[i];
		struct cg_limits l;

		plan_container_limits(spec, &l);
		for (unsigned r = 0; r < spec->count; r++) {
			struct run_container *c = &rc->c[rc->n];
			int k;

			if (spec->count == 1)
				snprintf(c->name, sizeof(c->name), "%s", spec->name);
			else
				snprintf(c->name, sizeof(c->name), "%s-%u", spec->name, r);
			c->spec = i;
			c->psi_fd = -1;
			k = cg_container_create(rc->run, c->name, &l, &c->cg);
			if (k < 0)
				return k;
			psi_open(c);
			rc->n++;
		}
	}
	return 0;
}

int containers_open(const struct plan *plan, const struct cg_layout *layout,
		    enum cg_manager_kind manager, const char *run_id, struct run_containers *ret)
{
	struct run_containers rc = { .manager = manager };
	int r;

	rc.c = calloc(MAX(total_instances(plan), 1u), sizeof(*rc.c));
	rc.events_pfd = calloc(MAX(total_instances(plan), 1u), sizeof(*rc.events_pfd));
	if (!rc.c || !rc.events_pfd) {
		containers_close(&rc, 0);
		return -ENOMEM;
	}
	r = cg_run_open(layout, manager, NULL, run_id, &rc.run);
	if (r >= 0)
		r = create_all(plan, &rc);
	if (r < 0) {
		containers_close(&rc, 0);
		return r;
	}
	*ret = rc;
	return 0;
}

void containers_read_events(struct run_containers *rc)
{
	for (unsigned i = 0; i < rc->n; i++) {
		struct run_container *c = &rc->c[i];

		if (cg_container_read_events(c->cg, &c->last) < 0)
			continue;
		if (!c->events_known)
			c->start = c->last;
		c->events_known = true;
	}
}

/* One poll for every container: whose memory.events changed since it was last read? */
static void poll_events(struct run_containers *rc)
{
	for (unsigned i = 0; i < rc->n; i++) {
		int fd = cg_container_events_fd(rc->c[i].cg);

		rc->events_pfd[i] = (struct pollfd){ .fd = fd >= 0 ? fd : -1, .events = POLLPRI };
	}
	if (poll(rc->events_pfd, rc->n, 0) < 0)
		for (unsigned i = 0; i < rc->n; i++)
			rc->events_pfd[i].fd = -1; /* unknown: read them all */
}

void containers_sample_events(struct run_containers *rc)
{
	poll_events(rc);
	for (unsigned i = 0; i < rc->n; i++) {
		struct run_container *c = &rc->c[i];
		const struct pollfd *p = &rc->events_pfd[i];

		if (!c->events_known)
			continue; /* the baseline is containers_read_events()' */
		if (p->fd >= 0 && (p->revents & (POLLPRI | POLLERR)))
			(void)cg_container_read_events(c->cg, &c->last);
		else if (p->fd < 0)
			(void)cg_container_read_oom_kills(c->cg, &c->last.tree.oom_kill);
	}
}

uint64_t containers_oom_kills(const struct run_containers *rc)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < rc->n; i++)
		if (rc->c[i].events_known)
			n += rc->c[i].last.tree.oom_kill - rc->c[i].start.tree.oom_kill;
	return n;
}

unsigned containers_watch_lacking(const struct run_containers *rc)
{
	unsigned have = CG_WATCH_ALL;

	for (unsigned i = 0; i < rc->n; i++) {
		have &= cg_container_watch(rc->c[i].cg);
		if (!rc->c[i].psi_known)
			have &= ~(unsigned)CG_WATCH_PRESSURE;
	}
	return rc->n ? CG_WATCH_ALL & ~have : 0;
}

void containers_kill(struct run_containers *rc)
{
	for (unsigned i = 0; i < rc->n; i++)
		cg_container_kill(rc->c[i].cg);
}

unsigned containers_wait_empty(struct run_containers *rc, uint64_t deadline_ns)
{
	unsigned left = 0;

	for (unsigned i = 0; i < rc->n; i++)
		left += cg_container_wait_empty(rc->c[i].cg, deadline_ns) < 0;
	return left;
}

int containers_close(struct run_containers *rc, uint64_t deadline_ns)
{
	int r = 0;

	for (unsigned i = 0; i < rc->n; i++)
		if (rc->c[i].psi_fd >= 0)
			close(rc->c[i].psi_fd);
	if (rc->run) {
		r = cg_run_close(rc->run, deadline_ns);
		cg_run_free(rc->run);
	}
	free(rc->c);
	free(rc->events_pfd);
	*rc = (struct run_containers){ 0 };
	return r;
}
