// SPDX-License-Identifier: LGPL-2.1-or-later
#include "engine.h"
#include "shared/macro.h"

static const struct engine_ops *const engines[_ENGINE_MAX] = {
	[ENGINE_PWRITE] = &engine_pwrite_ops,
	[ENGINE_WRITE] = &engine_write_ops,
};

const struct engine_ops *engine_get(enum engine_kind kind)
{
	return (unsigned)kind < ARRAY_SIZE(engines) ? engines[kind] : NULL;
}
