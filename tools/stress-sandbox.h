/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * poof stress's check of the workers' sandbox, before anything is
 * created: can this kernel and this build run the workers under their
 * allow-lists, and notify poof of the calls errors are injected into?
 */

#include "profiles/profile.h"

/* 0, or the exit code after saying why not and what to do (69). */
int stress_check_sandbox(const struct plan *plan);
