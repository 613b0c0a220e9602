/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_observe.h - mapping observers: how many read-only and read-write DAX
 * mappings (RO->RW upgrades, removals) did a workload cause, and did it
 * make the host allocate blocks.
 *
 * Two kinds of backend, chosen at run time and named in the results
 * (metric "observer"):
 *  - mapping backends, in order of preference:
 *	"dmapfs-counters"  the dmapfs control file at the mount root: every
 *	                   mapping of the mount, exact;
 *	"tracepoint"       the fuse_dax tracepoints (patches/linux-6.1/0002)
 *	                   in a private tracefs instance: setups, upgrades
 *	                   and removals of the case (its processes and
 *	                   threads, and the tracked files' inodes);
 *	"host-log"         the reference virtiofsd's own log of every mapping
 *	                   (--host-log, from scripts/dmaptest-vm): setups,
 *	                   upgrades, removals and failed setups on the
 *	                   scratch file system, seen from the host;
 *	"kprobe"           a kprobe on fuse_setup_one_mapping() (setups of
 *	                   the case's processes; refused on a compiler clone
 *	                   such as fuse_setup_one_mapping.constprop.0, whose
 *	                   arguments cannot be trusted);
 *    every one that is available is opened (ctx->observer narrows the
 *    choice: "auto", "none", or names); the first is the one the checks
 *    use, the others count alongside, and two that count the same scope
 *    must agree. With none, the why is kept and every mapping claim is
 *    reported as not measured (never held);
 *  - the allocation backend "alloc", always there: st_blocks of the
 *    tracked files (asked afresh after a sync) and the file system's
 *    free blocks (statvfs) before and after.
 *
 * A third mapping backend (a host-side log of the daemon, say) is one
 * more struct dt_map_backend in its own file and one line in the table
 * of dt_observe.c.
 *
 * Usage: o = dt_obs_open(ctx); dt_obs_track(o, path)...; dt_obs_begin(o);
 * workload (dt_obs_poll(o) now and then in a long one); dt_obs_end(o,
 * &delta); judge; dt_obs_close(o) (also from cleanup: it removes the
 * tracefs instance and the kprobe).
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
#define DT_OBS_MAX_MAPS		4
#define DT_OBS_WHY		256

/* Mapping counts; all are growth between begin and end. */
struct dt_map_count {
	uint64_t setup_ro;	/* read-only SETUPMAPPINGs */
	uint64_t setup_rw;	/* read-write SETUPMAPPINGs (not upgrades) */
	uint64_t upgrades;	/* RO mapping made RW in place */
	uint64_t removes;	/* REMOVEMAPPINGs */
	uint64_t tracked_removes; /* of the tracked files (kernel backends) */
	uint64_t setup_errors;	/* SETUPMAPPINGs that failed (tracepoint) */
	uint64_t enospc_early;	/* RW setups refused by the reservation */
	uint64_t stalls;	/* host faults that stalled a vCPU */
	uint64_t host_write_faults;
	uint64_t sigbus;
	uint64_t foreign;	/* events of others (not counted above) */
	bool lossy;		/* events were lost: counts are low */
};

/* What a backend counts. */
enum dt_obs_scope {
	DT_OBS_SCOPE_MOUNT,	/* every mapping of the mount */
	DT_OBS_SCOPE_CASE,	/* the case's processes and files */
};

/* One backend's counts of a workload. */
struct dt_obs_count {
	char backend[32];
	bool valid;
	char why[DT_OBS_WHY];		/* why not, when !valid */
	enum dt_obs_scope scope;
	bool removes;			/* it counts removals */
	struct dt_map_count map;
};

struct dt_obs_delta {
	bool map_valid;			/* a mapping backend counted */
	char map_backend[32];
	char map_why[DT_OBS_WHY + 64];	/* why not, when !map_valid */
	struct dt_map_count map;	/* the first backend's */
	uint64_t stalls_now;		/* dmapfs: vCPUs stalled right now */
	/* every mapping backend, the first included */
	struct dt_obs_count counts[DT_OBS_MAX_MAPS];
	int ncounts;

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
	enum dt_obs_scope scope;
	bool removes;		/* counts REMOVEMAPPINGs */
	bool kernel;		/* sees the guest kernel's DAX mappings */
	/*
	 * Its snapshots read a file through the mount under test, which sets
	 * up mappings of their own (host-log): taken before the other
	 * backends' at begin and after theirs at end, so that no other
	 * backend counts them.
	 */
	bool reads_mount;
	/* 0 when usable; -1 with why filled. May keep state in *priv. */
	int (*open)(struct dt_obs *o, void **priv, char *why, size_t len);
	/* current cumulative counts */
	int (*snap)(struct dt_obs *o, void *priv, struct dt_map_count *c);
	/* Does it see this file's mappings? 0 yes, -1 with why. */
	int (*sees)(struct dt_obs *o, void *priv, int fd, char *why,
		    size_t len);
	/*
	 * How many mappings file i of the tracked files has now, counted
	 * since the observer was opened (exact for a file made after
	 * that); -1 with why when it cannot tell. NULL: never can.
	 */
	long (*live)(struct dt_obs *o, void *priv, int i, char *why,
		     size_t len);
	/* take in what is pending (a long workload); may be NULL */
	void (*poll)(struct dt_obs *o, void *priv);
	void (*close)(struct dt_obs *o, void *priv);
};

extern const struct dt_map_backend dt_map_counters;
extern const struct dt_map_backend dt_map_tracepoint;
extern const struct dt_map_backend dt_map_kprobe;
extern const struct dt_map_backend dt_map_hostlog;

/* The names, in order of preference (for --observer). */
const char *dt_obs_backend_name(int i);

struct dt_obs_map {
	const struct dt_map_backend *b;
	void *priv;
	struct dt_map_count c0;		/* begin snapshot */
	bool c0_ok;
};

struct dt_obs {
	const struct dt_ctx *ctx;
	const char *dir;		/* workdir: where the files are */
	char mount_root[4096];
	struct dt_obs_map maps[DT_OBS_MAX_MAPS];
	int nmaps;			/* maps[0] is the one judged */
	char map_why[2 * DT_OBS_WHY];	/* why the others are not used */
	char name[96];			/* "dmapfs-counters+alloc" */
	pid_t root_pid;			/* the process that opened it */
	/*
	 * A file the observer itself reads through the mount (the host log):
	 * its mappings are nobody's of the case (0: none).
	 */
	dev_t self_dev;
	ino_t self_ino;

	char *files[DT_OBS_MAX_FILES];
	dev_t devs[DT_OBS_MAX_FILES];	/* 0: not there (yet) */
	ino_t inos[DT_OBS_MAX_FILES];
	int nfiles;
	pid_t pids[DT_OBS_MAX_PIDS];	/* processes of the workload */
	int npids;

	/* begin snapshot */
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
/* Why there is no mapping backend (or why the others are not used). */
const char *dt_obs_why(const struct dt_obs *o);

/* Files whose st_blocks (and mappings, by inode) are followed. */
int dt_obs_track(struct dt_obs *o, const char *path);
void dt_obs_untrack_all(struct dt_obs *o);
/* A child process whose mappings count as the workload's. */
void dt_obs_track_pid(struct dt_obs *o, pid_t pid);

/*
 * Snapshots. end() syncs the file system first and re-asks st_blocks,
 * so DAX writes are seen. -1 only when nothing could be measured.
 */
int dt_obs_begin(struct dt_obs *o);
int dt_obs_end(struct dt_obs *o, struct dt_obs_delta *d);
/* Take in pending events now (from a progress tick of a long workload). */
void dt_obs_poll(struct dt_obs *o);

/*
 * Would the mapping backends see mappings of this open file? (kernel
 * ones only if the file is DAX.) Those that would not are marked invalid
 * with the reason; when the first is one of them, d->map_valid too.
 */
void dt_obs_check_file(struct dt_obs *o, int fd, struct dt_obs_delta *d);

/*
 * How many mappings tracked file i has right now, by the first backend
 * that can tell; -1 with why when none can (why: "kprobe: counts setups
 * only"). Exact for a file made after dt_obs_open().
 */
long dt_obs_live(struct dt_obs *o, int i, char *why, size_t len);

/* What a read-only workload is judged on, and the claims it reports. */
struct dt_obs_ro {
	const char *label;	/* "read/sparse": in every detail */
	/*
	 * 2 MiB ranges the workload reads, and whether none of them was
	 * mapped when it began (a fresh file, or checked with
	 * dt_obs_live()): then the observer must count a setup for each,
	 * or it missed mappings (the positive control).
	 */
	uint64_t ranges;
	bool unmapped;
	uint64_t fs_slack;	/* host used-space growth tolerated */
	/* claim ids; NULL: not judged here */
	const char *claim_ro;		/* no RW setup, no upgrade, no stall */
	const char *claim_alloc;	/* no host allocation */
	const char *claim_observer;	/* saw every mapping; backends agree */
};

/*
 * Judge a workload that only read and report on the claims: RW setups,
 * upgrades or stalls fail claim_ro; blocks of the files, or host used
 * space grown by more than fs_slack (on a shared host, !fs_private,
 * growth outside the files is only a warning: metric
 * warn.<prefix>.fs_used_not_in_files), fail claim_alloc; fewer setups
 * than ranges read from an unmapped state, or two backends of one scope
 * that disagree, fail claim_observer, and claim_ro is then not measured
 * (an observer that misses mappings proves nothing). What cannot be
 * measured is reported so, with why. Records "<prefix>.setup_ro"... and
 * writes a one-line summary into sum. Returns the worst state reported.
 */
enum dt_claim_state dt_obs_judge_ro(const struct dt_obs_delta *d,
				    const char *prefix,
				    const struct dt_obs_ro *r, char *sum,
				    size_t len);
/*
 * Only the observer claim: positive control (ranges, unmapped; ranges 0:
 * none) and agreement. Returns the state reported.
 */
enum dt_claim_state dt_obs_judge_observer(const struct dt_obs_delta *d,
					  const char *label, uint64_t ranges,
					  bool unmapped, const char *claim);
/* Do the backends of one scope agree? 0 yes, -1 with the difference. */
int dt_obs_agree(const struct dt_obs_delta *d, char *why, size_t len);
/* Metrics "<prefix>.setup_ro"... for any workload, no judging. */
void dt_obs_metrics(const struct dt_obs_delta *d, const char *prefix);
/* "setup_ro=8 setup_rw=0 upgrades=0 (dmapfs-counters)" or why not */
void dt_obs_map_text(const struct dt_obs_delta *d, char *buf, size_t len);

#endif
