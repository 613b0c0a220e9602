/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_observe.h - mapping observers: how many read-only and read-write DAX
 * mappings (and RO->RW upgrades) did a workload cause, and did it make
 * the host allocate blocks.
 *
 * Two kinds of backend, chosen at run time and named in the results
 * (metric "observer"):
 *  - a mapping backend, the first one that is available of
 *	"dmapfs-counters"  the dmapfs control file at the mount root (exact);
 *	"kprobe"           a kprobe event on fuse_setup_one_mapping() read
 *	                   through tracefs (a real virtio-fs guest);
 *    when none is, the observer says why, and a check of mappings is
 *    reported as not done (never passed);
 *  - the allocation backend "alloc", always there: st_blocks of the
 *    tracked files (asked afresh after a sync) and the file system's
 *    free blocks (statvfs) before and after.
 *
 * Usage: o = dt_obs_open(ctx); dt_obs_track(o, path)...; dt_obs_begin(o);
 * workload; dt_obs_end(o, &delta); judge; dt_obs_close(o) (also from
 * cleanup: it removes the kprobe event).
 */
#ifndef DT_OBSERVE_H
#define DT_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dt_case.h"

#define DT_OBS_MAX_FILES	32
#define DT_OBS_MAX_PIDS		32
#define DT_OBS_WHY		256

/* Mapping counts; all are growth between begin and end. */
struct dt_map_count {
	uint64_t setup_ro;	/* read-only SETUPMAPPINGs */
	uint64_t setup_rw;	/* read-write SETUPMAPPINGs (not upgrades) */
	uint64_t upgrades;	/* RO mapping made RW in place */
	uint64_t removes;	/* REMOVEMAPPINGs (dmapfs only) */
	uint64_t enospc_early;	/* RW setups refused by the reservation */
	uint64_t stalls;	/* host faults that stalled a vCPU */
	uint64_t host_write_faults;
	uint64_t sigbus;
	uint64_t foreign;	/* kprobe: hits of other processes (ignored) */
	bool lossy;		/* kprobe: trace buffer overran, counts low */
};

struct dt_obs_delta {
	bool map_valid;			/* a mapping backend counted */
	char map_backend[32];
	char map_why[DT_OBS_WHY + 64];	/* why not, when !map_valid */
	struct dt_map_count map;
	uint64_t stalls_now;		/* dmapfs: vCPUs stalled right now */

	bool blocks_valid;
	char blocks_why[DT_OBS_WHY];
	int64_t blocks;		/* st_blocks growth of the files, bytes */
	int64_t fs_used;	/* host file system used-bytes growth */
	bool fs_private;	/* the host fs is the target's own: growth counts */
	double secs;		/* from begin to end */
};

/* A mapping backend (one file each). */
struct dt_obs;
struct dt_map_backend {
	const char *name;
	/* 0 when usable; -1 with why filled. May keep state in *priv. */
	int (*open)(struct dt_obs *o, void **priv, char *why, size_t len);
	/* current cumulative counts */
	int (*snap)(struct dt_obs *o, void *priv, struct dt_map_count *c);
	/* Does it see this file's mappings? 0 yes, -1 with why. */
	int (*sees)(struct dt_obs *o, void *priv, int fd, char *why,
		    size_t len);
	void (*close)(struct dt_obs *o, void *priv);
};

extern const struct dt_map_backend dt_map_counters;
extern const struct dt_map_backend dt_map_kprobe;

struct dt_obs {
	const struct dt_ctx *ctx;
	const char *dir;		/* workdir: where the files are */
	char mount_root[4096];
	const struct dt_map_backend *map;	/* NULL: none available */
	void *map_priv;
	char map_why[DT_OBS_WHY];	/* why no mapping backend */
	char name[64];			/* "dmapfs-counters+alloc" */

	char *files[DT_OBS_MAX_FILES];
	int nfiles;
	pid_t pids[DT_OBS_MAX_PIDS];	/* processes of the workload */
	int npids;

	/* begin snapshot */
	struct dt_map_count map0;
	bool map0_ok;
	uint64_t blocks0[DT_OBS_MAX_FILES];
	bool blocks0_ok;
	uint64_t used0;
	double t0;
	uint64_t stalls_now;		/* set by the counters backend */
};

/* Pick the backends and log them (metric "observer"); never NULL. */
struct dt_obs *dt_obs_open(const struct dt_ctx *ctx);
void dt_obs_close(struct dt_obs *o);
const char *dt_obs_name(const struct dt_obs *o);
bool dt_obs_has_map(const struct dt_obs *o);

/* Files whose st_blocks the allocation backend follows. */
int dt_obs_track(struct dt_obs *o, const char *path);
void dt_obs_untrack_all(struct dt_obs *o);
/* A child process whose mappings count as the workload's (kprobe). */
void dt_obs_track_pid(struct dt_obs *o, pid_t pid);

/*
 * Snapshots. end() syncs the file system first and re-asks st_blocks,
 * so DAX writes are seen. -1 only when nothing could be measured.
 */
int dt_obs_begin(struct dt_obs *o);
int dt_obs_end(struct dt_obs *o, struct dt_obs_delta *d);

/*
 * Would the mapping backend see mappings of this open file? (kprobe: only
 * if the file is DAX.) When not, marks d->map_valid false with a reason.
 */
void dt_obs_check_file(struct dt_obs *o, int fd, struct dt_obs_delta *d);

/*
 * Judge a workload that only read: no RW setup, no upgrade, no stall, no
 * allocation of the files, host used space grown by at most fs_slack (on
 * a shared host, !fs_private, growth outside the files is only a warning:
 * metric warn.<prefix>.fs_used_not_in_files). Records "<prefix>.setup_ro"
 * etc. and writes a one-line summary (what was measured, what could not
 * be) into sum. Returns DT_PASS or DT_FAIL, the summary starting with
 * what failed; DT_ERROR when nothing at all could be measured.
 */
enum dt_verdict dt_obs_judge_ro(const struct dt_obs_delta *d,
				const char *prefix, uint64_t fs_slack,
				char *sum, size_t len);
/* Metrics "<prefix>.setup_ro"... for any workload, no judging. */
void dt_obs_metrics(const struct dt_obs_delta *d, const char *prefix);
/* "setup_ro=8 setup_rw=0 upgrades=0 (dmapfs-counters)" or why not */
void dt_obs_map_text(const struct dt_obs_delta *d, char *buf, size_t len);

#endif
