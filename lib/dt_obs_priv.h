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

/* "key value" lines of the dmapfs control file; -1 when keys lack. */
int dt_counters_parse(const char *text, struct dt_map_count *c,
		      uint64_t *stalls_now);

/*
 * Count fuse_setup_one_mapping hits from a hist file (hist true: lines
 * "{ common_pid: COMM [PID], writable: W, upgrade: U } hitcount: N") or
 * a trace file ("COMM-PID [cpu] ...: setup: (...) writable=W upgrade=U").
 * Hits of pids (or of their io_uring workers "iou-wrk-PID") are counted,
 * others go to c->foreign. -1 when the text is not of that kind.
 */
int dt_kprobe_parse(const char *text, bool hist, const pid_t *pids,
		    int npids, struct dt_map_count *c);

/* allocation backend: sum of fresh st_blocks bytes and fs used bytes */
int dt_obs_alloc_snap(struct dt_obs *o, uint64_t *blocks, uint64_t *used,
		      char *why, size_t len);

#endif
