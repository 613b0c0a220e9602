/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * repro.h - what the reproducers of known-issues/README.md share
 * (reclaim-ebusy.c, ro-store.c): the range geometry, a clock, a cheap
 * random number, and "the first failure stops everybody". Header only,
 * so that each reproducer still builds with one compiler command
 * (tests/dax/findings.sh: cc -static -pthread -I tests/dax FILE.c).
 */
#ifndef DT_DAX_REPRO_H
#define DT_DAX_REPRO_H

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define RANGE		(2UL << 20)	/* a DAX window slot */
#define PAGE		4096UL

static volatile int stop;
static int fail_err;
static char fail_what[160];
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64: seeds must not be 0 */
static inline uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void failed(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), unused));

/* The first failure is kept; everybody stops. */
static void failed(int err, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&fail_lock);
	if (!fail_err) {
		fail_err = err;
		va_start(ap, fmt);
		vsnprintf(fail_what, sizeof(fail_what), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&fail_lock);
	stop = 1;
}

#endif
