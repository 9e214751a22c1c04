/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/*
 * Room for element n of a heap array that is doubled when full: *items_p
 * (the address of the array's pointer) holds *cap elements of `size`
 * bytes, the first allocation holds `first`, and the array never holds more
 * than `max`. 0 when element n may be written (the array and *cap updated
 * if it grew), -ENOBUFS when n is at max, -ENOMEM; the array is unchanged
 * on error. The caller counts what it could not keep.
 */
int array_make_room(void *items_p, size_t *cap, size_t n, size_t size, size_t first, size_t max);
