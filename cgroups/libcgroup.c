// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The libcgroup 2.0.2 calls poof makes, in one place: create a group with
 * values, delete it empty-only. Its logging goes into a buffer
 * (cg_libcgroup_last_message()), never to the terminal. Without libcgroup
 * these return -ENOTSUP and the callers use plain files.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "manager-internal.h"
#include "shared/macro.h"

static char last_message[512];

const char *cg_libcgroup_last_message(void)
{
	return last_message;
}

#if HAVE_LIBCGROUP
#include <libcgroup.h>

static int init_result;

static void logger(void *userdata, int level, const char *fmt, va_list ap)
{
	size_t n;

	(void)userdata;
	if (level > CGROUP_LOG_WARNING)
		return;
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
	n = strlen(last_message);
	if (n && last_message[n - 1] == '\n')
		last_message[n - 1] = '\0';
}

static void init_once(void)
{
	cgroup_set_logger(logger, CGROUP_LOG_WARNING, NULL);
	init_result = cgroup_init();
}

/* libcgroup's ECG* codes as -errno; ECGOTHER carries the real errno. */
static int lib_error(int ecg)
{
	int e;

	switch (ecg) {
	case 0:
		return 0;
	case ECGOTHER:
	case ECGCANTSETVALUE:
	case ECGROUPNOTCREATED:
		e = cgroup_get_last_errno();
		return e > 0 ? -e : -EIO;
	case ECGROUPNOTEXIST:
		return -ENOENT;
	case ECGROUPNOTOWNER:
	case ECGROUPNOTALLOWED:
		return -EPERM;
	case ECGNONEMPTY:
		return -EBUSY;
	case ECGROUPNOTMOUNTED:
	case ECGROUPSUBSYSNOTMOUNTED:
	case ECGROUPNOTCOMPILED:
	case ECGROUPUNSUPP:
		return -ENOTSUP;
	case ECGINVAL:
	case ECGROUPVALUENOTEXIST:
		return -EINVAL;
	default:
		return -EIO;
	}
}

static int lib_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, init_once);
	return lib_error(init_result);
}

static void cgroup_freep(struct cgroup **cg)
{
	if (*cg)
		cgroup_free(cg);
}

/* libcgroup initialised, and a group struct for rel with the controller added. */
static int new_group(const char *rel, const char *controller, struct cgroup **ret_cg,
		     struct cgroup_controller **ret_ctrl)
{
	struct cgroup *cg;
	int r = lib_init();

	if (r < 0)
		return r;
	cg = cgroup_new_cgroup(rel);
	if (!cg)
		return -ENOMEM;
	*ret_ctrl = cgroup_add_controller(cg, controller);
	if (!*ret_ctrl) {
		cgroup_free(&cg);
		return -ENOMEM;
	}
	*ret_cg = cg;
	return 0;
}

int cg_lib_create(const char *rel, const char *controller, const struct cg_setting *settings,
		  size_t nsettings)
{
	_cleanup_(cgroup_freep) struct cgroup *cg = NULL;
	struct cgroup_controller *ctrl;
	int r;

	r = new_group(rel, controller, &cg, &ctrl);
	if (r < 0)
		return r;
	/* Values are written in the order added: memory.limit_in_bytes before memsw. */
	for (size_t i = 0; i < nsettings; i++) {
		r = lib_error(cgroup_add_value_string(ctrl, settings[i].file, settings[i].value));
		if (r < 0)
			return r;
	}
	r = lib_error(cgroup_create_cgroup(cg, 1));
	if (r < 0) {
		/* The directory may exist with a value refused: leave nothing behind. */
		cgroup_delete_cgroup_ext(cg, CGFLAG_DELETE_EMPTY_ONLY);
	}
	return r;
}

int cg_lib_delete_empty(const char *rel, const char *controller)
{
	_cleanup_(cgroup_freep) struct cgroup *cg = NULL;
	struct cgroup_controller *ctrl;
	int r;

	r = new_group(rel, controller, &cg, &ctrl);
	if (r < 0)
		return r;
	/* Never without EMPTY_ONLY: that would move tasks to the parent first. */
	return lib_error(cgroup_delete_cgroup_ext(cg, CGFLAG_DELETE_EMPTY_ONLY));
}

#else

int cg_lib_create(const char *rel, const char *controller, const struct cg_setting *settings,
		  size_t nsettings)
{
	(void)rel, (void)controller, (void)settings, (void)nsettings;
	return -ENOTSUP;
}

int cg_lib_delete_empty(const char *rel, const char *controller)
{
	(void)rel, (void)controller;
	return -ENOTSUP;
}

#endif
