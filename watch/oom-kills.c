// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The OOM kills of the kernel log, each with its victim's pid, comm and
 * cgroup (SPEC section 5): the "oom-kill:" summary line names the victim
 * and its task_memcg; with memory.oom.group the kernel kills the rest of
 * the group too, each with a "Killed process PID (COMM)" line of its own
 * and no summary, in the victim's group. memory.events counts every one
 * of them as oom_kill, so every one is kept here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/array.h"
#include "shared/macro.h"
#include "watch/kernel-watch.h"

static struct kernel_oom_kill *new_kill(struct kernel_watch *w)
{
	if (array_make_room(&w->kills, &w->kills_cap, w->nkills, sizeof(*w->kills), 64,
			    KWATCH_OOM_KILLS_MAX) < 0)
		return NULL;
	return &w->kills[w->nkills++];
}

static void add_kill(struct kernel_watch *w, const struct kmsg_record *r, int pid, const char *comm,
		     const char *memcg)
{
	struct kernel_oom_kill *k = new_kill(w);

	if (!k) {
		w->kills_dropped++;
		return;
	}
	*k = (struct kernel_oom_kill){
		.usec = r->ts_usec > w->reader.marker_usec ? r->ts_usec - w->reader.marker_usec : 0,
		.pid = pid,
	};
	snprintf(k->comm, sizeof(k->comm), "%s", comm);
	snprintf(k->task_memcg, sizeof(k->task_memcg), "%s", memcg);
}

int kernel_parse_killed(const char *text, int *ret_pid, char *ret_comm, size_t len)
{
	const char *p = strstr(text, "Killed process "), *open, *close;
	char *end;
	long pid;

	if (!p)
		return -1;
	pid = strtol(p + 15, &end, 10);
	open = strstr(end, " (");
	if (end == p + 15 || pid <= 0 || open != end || !(close = strchr(open + 2, ')')))
		return -1;
	*ret_pid = (int)pid;
	snprintf(ret_comm, len, "%.*s", (int)(close - open - 2), open + 2);
	return 0;
}

void kernel_oom_note(struct kernel_watch *w, const struct kmsg_record *r, enum kmsg_event e)
{
	char comm[64], memcg[sizeof(w->kills->task_memcg)];
	struct kmsg_oom o;
	int pid;

	if (e == KMSG_OOM_KILL) {
		/* A global OOM (no oom_memcg=) kills no container's task: nothing to keep. */
		w->last_victim = -1;
		if (kmsg_parse_oom(r->text, &o) < 0)
			return;
		add_kill(w, r, o.pid, o.task, o.task_memcg[0] ? o.task_memcg : o.memcg);
		if (w->nkills && w->kills[w->nkills - 1].pid == o.pid)
			w->last_victim = (int)w->nkills - 1;
		return;
	}
	/* A member of the victim's group: "Killed process" of another pid, after the summary. */
	if (w->last_victim < 0 || kernel_parse_killed(r->text, &pid, comm, sizeof(comm)) < 0 ||
	    pid == w->kills[w->last_victim].pid)
		return;
	/* A copy: adding the member may move the array, the victim's record with it. */
	snprintf(memcg, sizeof(memcg), "%s", w->kills[w->last_victim].task_memcg);
	add_kill(w, r, pid, comm, memcg);
}
