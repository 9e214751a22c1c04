/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

uint64_t now_monotonic_ns(void);
uint64_t now_realtime_ns(void);
/* CLOCK_BOOTTIME: what /proc/uptime counts. */
uint64_t now_boottime_ns(void);
/* The calling process's CPU time, user and system, all threads. */
uint64_t process_cpu_ns(void);
void sleep_ns(uint64_t ns);
/* "2026-11-24T14:22:21Z" into buf (at least 32 bytes). */
const char *format_realtime(uint64_t ns, char *buf, unsigned len);
