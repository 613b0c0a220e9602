/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * progress.h - the progress line on stderr: live on a terminal (done /
 * total, rate, ETA), a plain line every few seconds otherwise.
 */
#ifndef DT_PROGRESS_H
#define DT_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "dt_proto.h"
#include "options.h"

void progress_setup(enum dt_progress_mode mode);
void progress_start(const char *id, int index, int total);
void progress_tick(const struct dt_progress *p, double now);
/* The text of the line (for tests): every figure has its label. */
void progress_line(char *line, size_t size, const char *id, int index,
		   int total_cases, unsigned long long bytes,
		   unsigned long long total, double rate, double elapsed,
		   const char *phase);
/* Erase the live line before other output is printed. */
void progress_clear(void);

#endif
