/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_ballast.h - fill the host file system through the target with one
 * ballast file, and take it away again.
 *
 * The ballast is named DT_BALLAST_PREFIX<marker> (lib/dt_marker.h: uid,
 * boot id, pid, start time), locked while its case lives, and registered
 * with the runner before the first byte is allocated, so the runner
 * removes it even when the case is killed; a run after a killed runner
 * finds what is left by the name (dt_ballast_reap()), and removes it only
 * when it is this user's and its case is provably gone.
 *
 * Every fill needs the target's consent: DT_FEAT_FILL (the runner's own
 * dmapfs, or --allow-fill). dt_ballast_fill() checks it itself.
 */
#ifndef DT_BALLAST_H
#define DT_BALLAST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_fs.h"

#define DT_BALLAST_PREFIX	".dmaptest-ballast."

struct dt_ctx;

struct dt_ballast {
	char path[PATH_MAX];
	char dir[PATH_MAX];	/* where it is */
	int fd;			/* -1 when there is none */
	uint64_t bytes;		/* allocated into the ballast */
	bool by_write;		/* no fallocate on the target: wrote data */
	/*
	 * The fill ended on a 4 KiB allocation refused with ENOSPC: the
	 * host was full then (statvfs may still show blocks the file system
	 * keeps for itself).
	 */
	bool full;
	double secs;
	struct dt_space before;	/* the file system before and after */
	struct dt_space after;
};

void dt_ballast_init(struct dt_ballast *b);

/*
 * Fill the file system holding dir until at most @leave bytes are usable;
 * with leave == 0, until not even one 4 KiB block can be allocated.
 * Heartbeats per allocated chunk. 0, or -1 with err filled.
 */
int dt_ballast_fill(struct dt_ballast *b, const char *dir, uint64_t leave,
		    char *err, size_t errlen);

/*
 * Fill again what was freed meanwhile (closed files give back their
 * preallocations), until not even 4 KiB can be allocated.
 */
int dt_ballast_top_up(struct dt_ballast *b, char *err, size_t errlen);

/* Remove the ballast and sync; safe to call twice and from cleanup. */
void dt_ballast_remove(struct dt_ballast *b);

/*
 * Remove ballast files that earlier runs left behind near this target
 * (their process is gone); logs each one. Returns how many.
 */
int dt_ballast_reap(const struct dt_ctx *ctx);

/*
 * How much of usable space a case may take for reservations or files
 * (-p space=PERCENT, default pct): pct% (at most 90) with DT_FEAT_FILL;
 * without it a little only (a tenth, 64 MiB at most), and -p space is
 * refused (-1, why says why: the case SKIPs).
 */
int dt_space_budget(const struct dt_ctx *ctx, uint64_t usable, long pct,
		    uint64_t *budget, char *why, size_t whysz);

#endif
