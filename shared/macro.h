/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))

/* A macro's value as a string literal. */
#define STRINGIFY(x) STRINGIFY_(x)
#define STRINGIFY_(x) #x

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((typeof(x))(a)-1))

static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Hand ownership out of a scope that would otherwise clean it up. */
#define steal_pointer(pp)                    \
	({                                   \
		typeof(*(pp)) _ptr_ = *(pp); \
		*(pp) = NULL;                \
		_ptr_;                       \
	})

#define steal_fd(fdp)              \
	({                         \
		int _fd_ = *(fdp); \
		*(fdp) = -1;       \
		_fd_;              \
	})

/* -errno of the last failed libc call, never 0. */
static inline int negative_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

/* Copy src into dst[size]: 0, or -ENAMETOOLONG (dst untouched) when it does not fit. */
static inline int copy_string(char *dst, size_t size, const char *src)
{
	size_t len = __builtin_strlen(src);

	if (len >= size)
		return -ENAMETOOLONG;
	__builtin_memcpy(dst, src, len + 1);
	return 0;
}

static inline int streq(const char *a, const char *b)
{
	return a && b && __builtin_strcmp(a, b) == 0;
}
