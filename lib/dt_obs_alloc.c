// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_obs_alloc.c - the allocation backend "alloc": works on any target.
 * Blocks of the tracked files as the file system reports them after a
 * sync (FUSE is made to refetch them), and the used bytes of the whole
 * file system from statvfs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dt_fs.h"
#include "dt_obs_priv.h"
#include "dt_observe.h"

int dt_obs_alloc_snap(struct dt_obs *o, uint64_t *blocks, uint64_t *used,
		      char *why, size_t len)
{
	struct dt_space sp;
	int i, ret = 0;

	/* DAX writes reach the host without the guest's inode noticing */
	if (dt_sync_path(o->dir) < 0 && why && !why[0])
		snprintf(why, len, "syncfs %s: %s", o->dir, strerror(errno));
	for (i = 0; i < o->nfiles; i++) {
		if (!dt_fresh_blocks(o->files[i], &blocks[i]))
			continue;
		blocks[i] = 0;
		if (errno == ENOENT)
			continue;	/* not created yet, or removed */
		if (why)
			snprintf(why, len, "statx %s: %s", o->files[i],
				 strerror(errno));
		ret = -1;
	}
	if (dt_space_get(o->dir, &sp) < 0) {
		if (why)
			snprintf(why, len, "statvfs %s: %s", o->dir,
				 strerror(errno));
		return -1;
	}
	*used = sp.total - sp.free;
	return ret;
}
