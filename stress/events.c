// SPDX-License-Identifier: LGPL-2.1-or-later
/* The write phase's event record: appended as events come, the array doubled when full. */
#include <stdlib.h>

#include "events.h"
#include "shared/array.h"

const char *event_kind_name(enum event_kind k)
{
	static const char *const names[] = {
		[EVENT_RESPAWN] = "respawn",
		[EVENT_STALL] = "stall",
		[EVENT_WRITER_STOPPED] = "writer-stopped",
	};

	return k < ARRAY_SIZE(names) ? names[k] : NULL;
}

int event_log_add(struct event_log *log, const struct event *ev)
{
	size_t max = log->max ? log->max : EVENT_LOG_MAX;
	int r = array_make_room(&log->e, &log->cap, log->n, sizeof(*log->e), 256, max);

	if (r < 0) {
		log->dropped++;
		return r;
	}
	log->e[log->n++] = *ev;
	return 0;
}

void event_log_free(struct event_log *log)
{
	free(log->e);
	*log = (struct event_log){ .max = log->max };
}
