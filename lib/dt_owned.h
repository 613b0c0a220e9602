/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_owned.h - concurrent readers and writers on one file region with
 * exact data checks and no false positives.
 *
 * The region is cut into DT_BLK_SIZE blocks (dt_blk.h). Block b belongs
 * to writer b % nwriters: only that writer writes it, each time with the
 * next generation, and it records the generation once the write returned
 * (or, through a mapping, once msync(MS_SYNC) did). Each block has a
 * sequence counter in shared memory, odd while its writer is writing
 * (a seqlock): a reader notes counter and generation before its read and
 * the counter after it, and judges only blocks that no write touched
 * meanwhile. Such a block must read back as exactly the recorded
 * generation: an older one is a stale read or a lost write, a checksum
 * mismatch a torn block, another offset a misplaced one. A writer also
 * reads its own block back right after writing it (nobody else writes
 * it, so no race). After the workers stop, every block must hold its
 * last recorded generation.
 *
 * The state lives in a MAP_SHARED anonymous mapping, so workers may be
 * threads of the case process or forked processes alike; it holds the
 * control block of their pool (lib/dt_pool.h: stop, deadline, pause,
 * the first anomaly).
 */
#ifndef DT_OWNED_H
#define DT_OWNED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_pool.h"
#include "dt_rwio.h"

enum dt_own_kind {
	DT_OWN_NONE = 0,
	DT_OWN_STALE,		/* an older generation than was written */
	DT_OWN_BAD,		/* torn, misplaced, garbage, future */
	DT_OWN_IOERR,		/* an I/O error or a short transfer */
};

struct dt_own_blk {
	uint32_t seq;		/* odd while the owner writes the block */
	uint32_t gen;		/* last generation written completely */
};

struct dt_own {
	/*
	 * stop, deadline, pause and the first anomaly (kind: enum
	 * dt_own_kind): the workers' pool runs on it (dt_pool_init_ctl())
	 */
	struct dt_pool_ctl ctl;
	uint64_t base;		/* file offset of block 0 */
	uint32_t nblks;
	uint32_t nwriters;
	uint64_t seed;

	uint64_t writes[DT_IO_NR];
	uint64_t reads[DT_IO_NR];	/* requests, by method */
	uint64_t checked;	/* blocks judged by readers */
	uint64_t raced;		/* skipped: their writer was busy */
	uint64_t readbacks;	/* writers' read-after-write checks */
	uint64_t bytes;
	uint64_t mmap_stale;	/* mapping behind, pread right */
	uint64_t msyncs;	/* mapping stores flushed by msync() */
	uint64_t ranges_synced;	/* ... by sync_file_range() */

	struct dt_own_blk blk[];
};

struct dt_own_worker {
	struct dt_own *own;
	int fd;			/* O_RDWR for writers */
	int id;			/* writer id < nwriters, or reader id */
	bool writer;
	unsigned int methods;	/* bits of enum dt_io_method */
	uint32_t max_span;	/* readers: blocks per read, at most */
	/*
	 * false where loads through a MAP_SHARED mapping go through a page
	 * cache that direct I/O does not keep coherent (FUSE without DAX,
	 * e.g. dmapfs): a wrong block read through the mapping is then read
	 * again with pread, and only pread's answer is judged.
	 */
	bool mmap_coherent;
	uint64_t rng;		/* seed of its own random numbers */
	char name[48];		/* "writer 2 (process)" */
	char why[160];		/* methods that were refused */
	int ret;		/* 0, or -1 when it could not start */
};

/* Shared state for nblks blocks from file offset base; NULL on ENOMEM. */
struct dt_own *dt_own_create(uint64_t base, uint32_t nblks,
			     uint32_t nwriters, uint64_t seed);
void dt_own_destroy(struct dt_own *o);

/*
 * Write generation gen of every block with one pwrite per 2 MiB and
 * record it (the starting state when the workers did not write yet).
 * 0, or -errno.
 */
int dt_own_write_all(struct dt_own *o, int fd, uint32_t gen);

/*
 * Run one worker until the pool on o->ctl stops (dt_pool_stop(), its
 * deadline, or an anomaly: dt_pool_note()); it parks between two
 * operations when the pool is paused.
 */
void dt_own_work(struct dt_own_worker *w);
static inline void dt_own_work_fn(void *w)
{
	dt_own_work(w);
}

/*
 * Read every block with pread and compare it with its recorded
 * generation. Returns how many differ; *first describes the first
 * (DT_OWN_STALE when only the generation is behind). -1 on a read error
 * (first->kind DT_OWN_IOERR).
 */
int dt_own_verify(struct dt_own *o, int fd, struct dt_anom *first);

/* Describe a block that is not the generation wanted. */
void dt_own_describe(const struct dt_own *o, const void *blk, uint64_t off,
		     uint64_t want, struct dt_anom *a);

#endif
