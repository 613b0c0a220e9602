/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * window.h - the emulated DAX window: N slots of 2 MiB, a free list, an
 * LRU of idle mapped slots, reference counts of in-flight users, and
 * reclaim as upstream fs/fuse/dax.c does it: a background worker frees
 * DM_RECLAIM_CHUNK idle slots at a time (least recently used first)
 * while fewer than DM_RECLAIM_THRESHOLD percent are free, and a request
 * that finds no free slot reclaims one inline (an idle slot of its own
 * inode first, else any idle one) or waits. This is pure bookkeeping:
 * the actual mmap work is done by a backend (host.c in dmapfs, a fake
 * in the unit tests).
 *
 * One mutex, w->lock, protects every slot and every per-inode dmap index
 * (dmap.h). It is never held while data is copied or a host fault is
 * taken; it is held while a mapping is set up (mmap, fallocate).
 */
#ifndef DM_WINDOW_H
#define DM_WINDOW_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_dmapctl.h"
#include "list.h"
#include "policy.h"
#include "stats.h"

#define DM_RANGE_SHIFT	21
#define DM_RANGE_SIZE	(1UL << DM_RANGE_SHIFT)

/* busy-eagain: how long a request waits for a busy window, then EAGAIN */
#define DM_BUSY_TIMEOUT_MS	5000
/* upstream's FUSE_DAX_RECLAIM_THRESHOLD (percent) and _CHUNK */
#define DM_RECLAIM_THRESHOLD	20
#define DM_RECLAIM_CHUNK	10

enum dm_slot_state {
	DM_SLOT_FREE = 0,	/* on the free list, PROT_NONE */
	DM_SLOT_MAPPED,		/* holds a dmap (busy or on the idle LRU) */
	DM_SLOT_TAKEN,		/* owned by one thread between take and map */
};

struct dm_tree;

struct dm_slot {
	unsigned int id;
	void *addr;
	enum dm_slot_state state;
	struct dm_tree *tree;	/* owning inode index; NULL if orphaned */
	uint64_t idx;		/* 2 MiB range index in the file */
	bool writable;		/* an RW dmap: mapped PROT_READ|PROT_WRITE */
	bool leaked;		/* on its tree's leaked list (stale-upgrade) */
	bool orphan;		/* owner released while the slot was busy */
	unsigned int refs;	/* in-flight requests using the slot */
	/*
	 * host page-cache hint (host.c): the RO dmap maps a range that is a
	 * hole in the host file; its zero pages are dropped from the host
	 * page cache when the dmap is removed (hole_fd: the host fd then).
	 */
	bool hole;
	int hole_fd;
	uint64_t hole_off;	/* file offset of the range */
	struct dm_list link;	/* free list, idle LRU or leaked list */
};

/*
 * What the window needs from the host side. Every callback returns 0 or
 * a negative errno. map() must leave the slot PROT_NONE when it fails.
 */
struct dm_backend {
	/* host daemon: fallocate(KEEP_SIZE) the 2 MiB range @idx of @file */
	int (*reserve)(void *ctx, void *file, uint64_t idx);
	/* map range @idx of @file into @s (again, for an upgrade) */
	int (*map)(void *ctx, struct dm_slot *s, void *file, uint64_t idx,
		   bool rw);
	/* REMOVEMAPPING: msync an RW slot, then make it PROT_NONE again */
	int (*unmap)(void *ctx, struct dm_slot *s);
	/* the file system is going away: blocked waits must end */
	bool (*stopping)(void *ctx);
	/* name of @file for the control file */
	void (*describe)(void *ctx, void *file, char *buf, size_t len);
};

struct dm_window {
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* a slot went idle or free */
	struct dm_slot *slots;
	unsigned int nslots;
	unsigned int nfree;
	unsigned int nbusy;
	unsigned int nmapped;
	unsigned int nleaked;		/* mapped, on a tree's leaked list */
	struct dm_list free_list;
	struct dm_list idle_list;	/* least recently used first */
	struct dm_policy policy;
	unsigned int busy_timeout_ms;	/* busy-eagain */
	/* the background reclaim worker */
	pthread_t worker;
	pthread_cond_t worker_cond;	/* below the threshold: work */
	bool worker_running;
	bool worker_stop;
	const struct dm_backend *be;
	void *be_ctx;
	struct dm_stats stats;
};

int dm_window_init(struct dm_window *w, unsigned int nslots, void *base,
		   const struct dm_policy *policy,
		   const struct dm_backend *be, void *be_ctx);
void dm_window_destroy(struct dm_window *w);

/* --- used by dmap.c, with w->lock held --- */

/*
 * Take a slot for a new dmap of inode @t: a free one, else reclaim an
 * idle one inline: the least recently used of @t's own, else the least
 * recently used of all, never @keep (NULL: none). Returns a
 * DM_SLOT_TAKEN slot, or NULL and *err:
 *   -EBUSY	every slot is in use by a request (the caller may wait)
 *   -ENOMEM	no free slot and reclaim is disabled (no-reclaim)
 *   -ENOTCONN	shutting down
 * Reclaim drops the lock around the msync/unmap; *dropped tells.
 */
struct dm_slot *dm_slot_take(struct dm_window *w, struct dm_tree *t,
			     struct dm_slot *keep, bool *dropped, int *err);
/*
 * One round of the background worker: when fewer than the threshold are
 * free, reclaim up to DM_RECLAIM_CHUNK idle slots, least recently used
 * first, and free them. Returns how many; drops the lock around unmaps.
 */
unsigned int dm_window_reclaim_chunk(struct dm_window *w);
/* TAKEN -> FREE */
void dm_slot_give_back(struct dm_window *w, struct dm_slot *s);
/* TAKEN -> MAPPED for @t/@idx (refs stay 0, slot not on the LRU yet) */
void dm_slot_mapped(struct dm_window *w, struct dm_slot *s,
		    struct dm_tree *t, uint64_t idx, bool writable);
/* take a reference on a mapped slot */
void dm_slot_ref(struct dm_window *w, struct dm_slot *s);
/* make an unreferenced mapped slot idle (most recently used) */
void dm_slot_idle(struct dm_window *w, struct dm_slot *s);
/*
 * Remove the dmap in @s (REMOVEMAPPING) and free the slot, or orphan it
 * when it is busy (it is removed by the last dm_put()).
 */
void dm_slot_remove(struct dm_window *w, struct dm_slot *s);
/*
 * Wait a little (at most 100 ms) for a slot to become idle or free, never
 * after @deadline (CLOCK_MONOTONIC; NULL: none). 0 to look again,
 * -EAGAIN at the deadline, -ENOTCONN when shutting down.
 */
int dm_window_wait(struct dm_window *w, const struct timespec *deadline);

/* The background reclaim worker (not with no-reclaim, reclaim-deadlock). */
int dm_window_start_worker(struct dm_window *w);
void dm_window_stop_worker(struct dm_window *w);

/* --- the control file --- */

struct dm_snapshot {
	struct dm_stats stats;
	unsigned int slots_total;
	unsigned int slots_free;
	unsigned int slots_busy;
	unsigned int slots_mapped;
	unsigned int slots_leaked;
	bool window_locked;	/* the lock could not be taken in time */
	struct dt_ctl_map *maps;	/* the map lines */
	int nmaps;
};

/*
 * Copy counters and slot state under the window lock, taken once. If the
 * lock cannot be taken within @timeout_ms (reclaim-deadlock), the counters
 * are still copied, slot state comes from unlocked reads and there are no
 * map lines.
 */
int dm_window_snapshot(struct dm_window *w, struct dm_snapshot *snap,
		       unsigned int timeout_ms);
void dm_snapshot_free(struct dm_snapshot *snap);
void dm_window_reset_stats(struct dm_window *w);

#endif
