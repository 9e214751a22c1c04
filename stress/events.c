// SPDX-License-Identifier: LGPL-2.1-or-later
/* The write phase's event record: appended as events come, the array doubled when full. */
#include <errno.h>
#include <stdlib.h>

#include "events.h"

const char *event_kind_name(enum event_kind k)
{
	static const char *const names[] = {
		[EVENT_RESPAWN] = "respawn",
		[EVENT_STALL] = "stall",
		[EVENT_WRITER_STOPPED] = "writer-stopped",
	};

	return k < ARRAY_SIZE(names) ? names[k] : NULL;
}

static int event_log_grow(struct event_log *log, size_t max)
{
	size_t cap = log->cap ? MIN(log->cap * 2, max) : MIN((size_t)256, max);
	struct event *e = reallocarray(log->e, cap, sizeof(*e));

	if (!e)
		return -ENOMEM;
	log->e = e;
	log->cap = cap;
	return 0;
}

int event_log_add(struct event_log *log, const struct event *ev)
{
	size_t max = log->max ? log->max : EVENT_LOG_MAX;
	int r;

	if (log->n >= max) {
		log->dropped++;
		return -ENOBUFS;
	}
	if (log->n == log->cap) {
		r = event_log_grow(log, max);
		if (r < 0) {
			log->dropped++;
			return r;
		}
	}
	log->e[log->n++] = *ev;
	return 0;
}

void event_log_free(struct event_log *log)
{
	free(log->e);
	*log = (struct event_log){ .max = log->max };
}
