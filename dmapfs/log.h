/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - dmapfs diagnostics: stderr or --log FILE, one line per message.
 */
#ifndef DM_LOG_H
#define DM_LOG_H

#include <stdbool.h>

extern bool dm_log_debug_on;

int dm_log_open(const char *path);
void dm_log_close(void);
void dm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define dm_debug(...)					\
	do {						\
		if (dm_log_debug_on)			\
			dm_log(__VA_ARGS__);		\
	} while (0)

#endif
