/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_obs_priv.h - between the observer front end and its backends, and
 * the parsers the unit tests call directly.
 */
#ifndef DT_OBS_PRIV_H
#define DT_OBS_PRIV_H

#include <stdint.h>
#include <sys/types.h>

#include "dt_observe.h"
#include "dt_tracefs.h"

/* "key value" lines of the dmapfs control file; -1 when keys lack. */
int dt_counters_parse(const char *text, struct dt_map_count *c,
		      uint64_t *stalls_now);

/*
 * The kernel backends' accounting of trace_pipe lines: mapping setups
 * (fuse_dax_setup_mapping, or the kprobe event "setup": writable=,
 * upgrade=, error= where there), removals (fuse_dax_remove_mapping) and
 * forks. An event is the case's when its task is in the process tree,
 * or its inode is a tracked file's, or (a removal) its inode is one the
 * case mapped; others are counted as foreign. Mappings alive per inode
 * are kept for every inode the case mapped.
 */
struct dt_kino {
	dev_t dev;
	ino_t ino;
	long live;
};

struct dt_kacct {
	struct dt_ptree tree;
	struct dt_map_count c;		/* cumulative */
	struct dt_kino *inos;
	int ninos, cap;
	uint64_t lines;
};

/* One line; files/devs/inos: the tracked files now (may be NULL, 0). */
void dt_kacct_line(struct dt_kacct *a, const char *line, const dev_t *devs,
		   const ino_t *inos, int nfiles);
/* Mappings alive of dev:ino, counted since the start (0: none seen). */
long dt_kacct_live(const struct dt_kacct *a, dev_t dev, ino_t ino);
void dt_kacct_free(struct dt_kacct *a);

/* allocation backend: sum of fresh st_blocks bytes and fs used bytes */
int dt_obs_alloc_snap(struct dt_obs *o, uint64_t *blocks, uint64_t *used,
		      char *why, size_t len);

/* kernel backends: does the kernel map this file (STATX_ATTR_DAX)? */
int dt_obs_kernel_sees(const char *backend, int fd, char *why, size_t len);

#endif
