/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_churn.h - one life of a short-lived, mapped file: create it sparse
 * over several 2 MiB ranges, write a block into each range, map it
 * (MAP_SHARED) and touch every range, truncate it to one range while it
 * is mapped, unlink it while it is mapped and open, check what is still
 * reachable, extend it again (the truncated ranges must read as zeros,
 * never as the old data), unmap and close. Every access through the
 * mapping runs under the SIGBUS guard of dt_rwio.h. Without map the same
 * life goes on with pread only (a target whose mmaps are not DAX
 * mappings: what the mapping would show there is the kernel page
 * cache's, not the window's).
 *
 * Meant to run next to other workers, so that mapped ranges are
 * truncated away and files are evicted while the window is busy.
 */
#ifndef DT_CHURN_H
#define DT_CHURN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dt_churn {
	const char *dir;
	uint32_t ranges;	/* ranges per file, >= 2 */
	uint64_t seed;
	/*
	 * false when loads through the mapping may lag direct I/O (a FUSE
	 * page cache): a block that looks wrong there is read again with
	 * pread, and pread's answer is judged.
	 */
	bool mmap_coherent;
	bool map;		/* map the file and check through the mapping */
	/* out */
	uint64_t cycles;
	uint64_t bytes;
	uint64_t mmap_behind;
	char err[384];		/* what went wrong, file and offset */
	bool err_mapped;	/* it went wrong through the mapping */
};

/* One life of file number k; 0, or -1 with c->err filled. */
int dt_churn_cycle(struct dt_churn *c, unsigned int k);

#endif
