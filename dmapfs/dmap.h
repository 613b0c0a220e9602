/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmap.h - the per-inode dmap index (2 MiB range index -> slot) and the
 * client policies that decide, for a read or a write of one range,
 * whether to reuse a dmap, upgrade it, or set up a new one.
 *
 * reference (the patch): reads set up RO dmaps and reuse any dmap; writes
 *	set up RW dmaps and upgrade an RO dmap in place (same slot).
 * legacy: every setup is RW, reads too; nothing to upgrade. A read
 *	through an RW dmap still faults like a read (no host allocation).
 * With host_reserve, every RW setup and every upgrade first reserves the
 * whole range on the host (fallocate KEEP_SIZE) and fails with ENOSPC.
 */
#ifndef DM_DMAP_H
#define DM_DMAP_H

#include "window.h"

struct dm_tree_ent {
	uint64_t idx;
	struct dm_slot *slot;	/* the dmap */
};

/* Protected by the window lock. */
struct dm_tree {
	void *file;		/* backend handle of the inode */
	struct dm_tree_ent *ents;	/* sorted by idx */
	size_t nents;
	size_t cap;
	/*
	 * stale-upgrade: slots still mapped that no entry refers to any
	 * more; never reclaimed, removed when the inode is forgotten
	 */
	struct dm_list leaked;
};

#define DM_GET_WRITE	(1u << 0)	/* the request writes the range */
#define DM_GET_NOWAIT	(1u << 1)	/* -EBUSY instead of waiting */

/* Who waits for a busy window (a FUSE request), for dm_get_wait(). */
struct dm_waiter {
	/* called once, under the window lock, when the wait begins */
	void (*prepare)(void *arg);
	/* the requester gave up (interrupted and being killed): -EINTR */
	bool (*gave_up)(void *arg);
	void *arg;
};

struct dm_ref {
	struct dm_slot *slot;
	void *addr;		/* start of the 2 MiB slot */
	bool writable;		/* the slot is mapped RW */
};

void dm_tree_init(struct dm_tree *t, void *file);
/* Release every dmap of the inode (forget/evict); counts removemappings. */
void dm_tree_release(struct dm_window *w, struct dm_tree *t);

/* lookups, window lock held */
struct dm_tree_ent *dm_tree_find(struct dm_tree *t, uint64_t idx);
/* drop @s from the index (reclaim) */
void dm_tree_forget_slot(struct dm_tree *t, struct dm_slot *s);

/*
 * Get a dmap for range @idx of @t for a read or a write, following the
 * client policy. On success @ref holds a reference: release it with
 * dm_put() after the data was copied. When every slot is busy, wait as
 * upstream's read/write path does: until a slot goes idle or free, or
 * @waiter gave up (-EINTR). Errors: -ENOSPC (reservation), -EINTR,
 * -EAGAIN (busy-eagain: window busy for DM_BUSY_TIMEOUT_MS), -EBUSY
 * (DM_GET_NOWAIT), -ENOMEM (no-reclaim), -ENOTCONN (shutting down), or
 * a backend error. dm_get(): no waiter.
 */
int dm_get_wait(struct dm_window *w, struct dm_tree *t, uint64_t idx,
		unsigned int flags, const struct dm_waiter *waiter,
		struct dm_ref *ref);
int dm_get(struct dm_window *w, struct dm_tree *t, uint64_t idx,
	   unsigned int flags, struct dm_ref *ref);
void dm_put(struct dm_window *w, struct dm_ref *ref);

#endif
