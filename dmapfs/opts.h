/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * opts.h - the dmapfs command line.
 */
#ifndef DM_OPTS_H
#define DM_OPTS_H

#include <stdbool.h>
#include <stdio.h>

#include "policy.h"

#define DM_DEFAULT_SLOTS	128
#define DM_MIN_SLOTS		2
#define DM_MAX_SLOTS		65536
#define DM_DEFAULT_THREADS	16

enum dm_open_mode {
	DM_OPEN_DIRECT = 0,	/* FOPEN_DIRECT_IO + DIRECT_IO_ALLOW_MMAP */
	DM_OPEN_CACHED,		/* kernel page cache, no direct_io */
};

struct dm_opts {
	unsigned int slots;
	struct dm_policy policy;
	enum dm_open_mode open_mode;
	int ready_fd;			/* -1: none */
	bool debug;
	bool die_with_parent;
	const char *log_path;
	unsigned int max_threads;
	const char *backing;
	const char *mountpoint;
};

enum dm_opts_result {
	DM_OPTS_RUN = 0,
	DM_OPTS_EXIT,		/* --help or --version printed: exit 0 */
	DM_OPTS_USAGE,		/* error in err[]: exit 2 */
};

enum dm_opts_result dm_opts_parse(int argc, char **argv, struct dm_opts *o,
				  char *err, size_t errlen);
void dm_opts_help(FILE *f);
const char *dm_open_mode_name(enum dm_open_mode m);

#endif
