/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_ballast.h - fill the host file system through the target with one
 * ballast file, and take it away again.
 *
 * The ballast is named DT_BALLAST_PREFIX<boot id>.<pid> and registered
 * with the runner before the first byte is allocated, so the runner
 * removes it even when the case is killed; a run after a killed runner
 * finds what is left by the name (dt_ballast_reap()).
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

/* The name parts: 0 when name is a ballast name. */
int dt_ballast_parse_name(const char *name, char *boot, size_t bootlen,
			  long *pid);

#endif
