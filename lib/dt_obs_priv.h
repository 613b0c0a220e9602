/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_obs_priv.h - between the observer front end and its backends, and
 * the parsers the unit tests call directly.
 */
#ifndef DT_OBS_PRIV_H
#define DT_OBS_PRIV_H

#include <stdbool.h>
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
	dev_t skip_dev;			/* events of this inode are foreign: */
	ino_t skip_ino;			/* the observer's own (0: none) */
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

/*
 * The host-log backend's accounting (dt_obs_hostlog.c): one line of a
 * patched virtiofsd's mapping log, and the counts of the case.
 */
struct dt_hostlog_line {
	bool setup;		/* else a removal */
	bool writable;		/* flags=rw */
	bool upgrade;		/* RW setup of a range the daemon had RO */
	bool reserve;		/* the daemon reserved (fallocate) first */
	uint64_t ino, dev;	/* the host's */
	uint64_t foffset, moffset, len;
	int64_t result;		/* 0 or -errno */
};

/* 0, or -1 when the line is not a mapping line */
int dt_hostlog_parse(const char *line, struct dt_hostlog_line *hl);

struct dt_hlacct {
	bool has_header, has_dev;
	uint64_t dev;			/* host st_dev of the scratch fs */
	struct dt_map_count c;		/* cumulative */
	struct dt_kino *inos;		/* inodes the case mapped (dev unused) */
	int ninos, cap;
	uint64_t lines;
};

/* One line of the log (header lines included); inos: tracked files. */
void dt_hlacct_line(struct dt_hlacct *a, const char *line,
		    const ino_t *inos, int nfiles);
long dt_hlacct_live(const struct dt_hlacct *a, uint64_t ino);
void dt_hlacct_free(struct dt_hlacct *a);

/* allocation backend: sum of fresh st_blocks bytes and fs used bytes */
int dt_obs_alloc_snap(struct dt_obs *o, uint64_t *blocks, uint64_t *used,
		      char *why, size_t len);

/* kernel backends: does the kernel map this file (STATX_ATTR_DAX)? */
int dt_obs_kernel_sees(const char *backend, int fd, char *why, size_t len);

#endif
