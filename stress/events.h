/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What happened when during the write phase, for the report's timeline:
 * respawns, stall episodes and writers stopped by errors, in the order the
 * supervisor saw them. The supervisor appends; the report reads.
 *
 * Bounded: past EVENT_LOG_MAX entries (an OOM storm respawns hundreds of
 * times a second) an event is only counted in `dropped`, as is one that
 * finds no memory. Recording costs an append; the array grows by doubling.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "shared/macro.h"

#define EVENT_LOG_MAX 65536

enum event_kind {
	EVENT_RESPAWN,	      /* a writer or hog started again after its death */
	EVENT_STALL,	      /* a writer's heartbeat stopped for stall-timeout */
	EVENT_WRITER_STOPPED, /* a writer exited on an error */
	_EVENT_KIND_MAX,
};

struct event {
	uint64_t at_ns;	    /* since the write phase started */
	uint32_t slot;	    /* the writer's id, or the hog's */
	uint32_t container; /* index of its run container, CONTAINER_NONE outside */
	pid_t pid;
	uint8_t kind; /* enum event_kind */
	bool hog;     /* slot is a hog's id, not a writer's */
};

struct event_log {
	struct event *e;
	size_t n, cap;
	size_t max;	  /* 0: EVENT_LOG_MAX */
	uint64_t dropped; /* events not recorded: beyond max, or no memory */
};

/* "respawn", "stall", "writer-stopped": the kinds of write_phase.events. */
const char *event_kind_name(enum event_kind k);

/* Record *ev: 0, or -ENOBUFS (beyond max) or -ENOMEM, and then it is counted as dropped. */
int event_log_add(struct event_log *log, const struct event *ev);

/* Free the entries; max stays. Also the cleanup of a struct event_log variable. */
void event_log_free(struct event_log *log);
#define _cleanup_event_log_ _cleanup_(event_log_free)
