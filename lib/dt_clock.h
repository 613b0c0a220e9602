/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dt_clock.h - monotonic seconds, for durations in verdict reasons */
#ifndef DT_CLOCK_H
#define DT_CLOCK_H

#include <time.h>

static inline double dt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
