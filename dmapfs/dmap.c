// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmap.c - per-inode dmap index and the client policies (reuse, setup,
 * upgrade) of the emulated virtio-fs DAX client.
 *
 * The index is a sorted array of 2 MiB range indexes: an inode never has
 * more dmaps than the window has slots, so lookups are a binary search
 * over at most a few hundred entries.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dmap.h"
#include "log.h"

void dm_tree_init(struct dm_tree *t, void *file)
{
	memset(t, 0, sizeof(*t));
	t->file = file;
	dm_list_init(&t->leaked);
}

static size_t tree_pos(const struct dm_tree *t, uint64_t idx)
{
	size_t lo = 0, hi = t->nents;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->ents[mid].idx < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct dm_tree_ent *dm_tree_find(struct dm_tree *t, uint64_t idx)
{
	size_t pos = tree_pos(t, idx);

	if (pos < t->nents && t->ents[pos].idx == idx)
		return &t->ents[pos];
	return NULL;
}

static struct dm_tree_ent *tree_insert(struct dm_tree *t, uint64_t idx)
{
	size_t pos = tree_pos(t, idx);
	struct dm_tree_ent *e;

	if (pos < t->nents && t->ents[pos].idx == idx)
		return &t->ents[pos];
	if (t->nents == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;

		e = realloc(t->ents, cap * sizeof(*e));
		if (!e)
			return NULL;
		t->ents = e;
		t->cap = cap;
	}
	memmove(&t->ents[pos + 1], &t->ents[pos],
		(t->nents - pos) * sizeof(*e));
	t->nents++;
	e = &t->ents[pos];
	memset(e, 0, sizeof(*e));
	e->idx = idx;
	return e;
}

static void tree_remove(struct dm_tree *t, struct dm_tree_ent *e)
{
	size_t pos = e - t->ents;

	memmove(&t->ents[pos], &t->ents[pos + 1],
		(t->nents - pos - 1) * sizeof(*e));
	t->nents--;
}

void dm_tree_forget_slot(struct dm_tree *t, struct dm_slot *s)
{
	struct dm_tree_ent *e = dm_tree_find(t, s->idx);

	if (!e)
		return;
	if (e->slot == s)
		tree_remove(t, e);
}

void dm_tree_release(struct dm_window *w, struct dm_tree *t)
{
	size_t i;

	pthread_mutex_lock(&w->lock);
	for (i = 0; i < t->nents; i++) {
		struct dm_tree_ent *e = &t->ents[i];

		if (e->slot)
			dm_slot_remove(w, e->slot);
	}
	while (!dm_list_empty(&t->leaked)) {
		struct dm_slot *s = dm_container_of(t->leaked.next,
						    struct dm_slot, link);

		dm_list_del(&s->link);
		s->leaked = false;
		w->nleaked--;
		dm_slot_remove(w, s);
	}
	free(t->ents);
	t->ents = NULL;
	t->nents = 0;
	t->cap = 0;
	pthread_mutex_unlock(&w->lock);
}

/*
 * The daemon's reservation before a SETUPMAPPING of range @idx (@rw: the
 * WRITE flag is set). The reference daemon reserves RW setups only;
 * reserve-ro ignores the flags and reserves every setup.
 */
static int reserve(struct dm_window *w, struct dm_tree *t, uint64_t idx,
		   bool rw)
{
	int err;

	if (!(w->policy.inject & DM_INJ_RESERVE_RO) &&
	    !(rw && w->policy.host_reserve))
		return 0;
	err = w->be->reserve(w->be_ctx, t->file, idx);
	if (err == -ENOSPC || err == -EDQUOT) {
		dm_stat_inc(w->stats.enospc_early);
		dm_debug("reservation of range %llu failed: ENOSPC",
			 (unsigned long long)idx);
		return -ENOSPC;
	}
	return err;
}

static void use_slot(struct dm_window *w, struct dm_slot *s, bool write,
		     struct dm_ref *ref)
{
	dm_slot_ref(w, s);
	ref->slot = s;
	ref->addr = s->addr;
	ref->writable = s->writable;
}

/* reference client: re-send SETUPMAPPING with WRITE for the same slot */
static int upgrade_in_place(struct dm_window *w, struct dm_tree *t,
			    struct dm_slot *s)
{
	int err;

	err = reserve(w, t, s->idx, true);
	if (err)
		return err;
	err = w->be->map(w->be_ctx, s, t->file, s->idx, true);
	if (err) {
		/* the backend left the slot PROT_NONE: drop the dmap */
		dm_tree_forget_slot(t, s);
		dm_slot_remove(w, s);
		return err;
	}
	s->writable = true;
	dm_stat_inc(w->stats.upgrades);
	dm_debug("upgrade slot %u (range %llu) to rw", s->id,
		 (unsigned long long)s->idx);
	return 0;
}

/*
 * stale-upgrade: set the range up again, RW, in a second slot (a new
 * SETUPMAPPING with the WRITE flag, not an upgrade) and forget the RO
 * dmap without removing it: the old slot stays mapped (coherent, it maps
 * the same host file) but no index refers to it, so it is never reused
 * or reclaimed until the inode is forgotten: a leaked range.
 */
static int stale_upgrade(struct dm_window *w, struct dm_tree *t,
			 struct dm_tree_ent *e, struct dm_slot *spare)
{
	struct dm_slot *old = e->slot;
	int err;

	err = reserve(w, t, e->idx, true);
	if (!err)
		err = w->be->map(w->be_ctx, spare, t->file, e->idx, true);
	if (err) {
		dm_slot_give_back(w, spare);
		return err;
	}
	dm_slot_mapped(w, spare, t, e->idx, true);
	dm_slot_idle(w, spare);
	e->slot = spare;
	/* an idle slot leaves the LRU; a busy one is on no list */
	if (dm_list_linked(&old->link))
		dm_list_del(&old->link);
	dm_list_add_tail(&old->link, &t->leaked);
	old->leaked = true;
	w->nleaked++;
	dm_stat_inc(w->stats.setup_rw);
	dm_debug("stale upgrade of range %llu: new rw slot %u, slot %u leaked",
		 (unsigned long long)e->idx, spare->id, old->id);
	return 0;
}

static int setup_new(struct dm_window *w, struct dm_tree *t, uint64_t idx,
		     bool write, struct dm_slot *spare)
{
	bool rw = write || w->policy.client == DM_CLIENT_LEGACY;
	struct dm_tree_ent *e;
	int err;

	err = reserve(w, t, idx, rw);
	if (!err)
		err = w->be->map(w->be_ctx, spare, t->file, idx, rw);
	if (err) {
		dm_slot_give_back(w, spare);
		return err;
	}
	e = tree_insert(t, idx);
	if (!e) {
		w->be->unmap(w->be_ctx, spare);
		dm_slot_give_back(w, spare);
		return -ENOMEM;
	}
	e->slot = spare;
	dm_slot_mapped(w, spare, t, idx, rw);
	dm_slot_idle(w, spare);
	if (rw)
		dm_stat_inc(w->stats.setup_rw);
	else
		dm_stat_inc(w->stats.setup_ro);
	dm_debug("setup slot %u range %llu %s", spare->id,
		 (unsigned long long)idx, rw ? "rw" : "ro");
	return 0;
}

static void deadline_after(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/*
 * No slot for now: wait as upstream does (until a slot goes idle or free,
 * or the requester is killed: -EINTR), or at most DM_BUSY_TIMEOUT_MS
 * with busy-eagain. 0 to look again.
 */
static int busy_wait(struct dm_window *w, const struct dm_waiter *waiter,
		     bool *waited, struct timespec *deadline)
{
	bool eagain = w->policy.inject & DM_INJ_BUSY_EAGAIN;
	int err;

	if (!*waited) {
		*waited = true;
		dm_stat_inc(w->stats.busy_waits);
		if (eagain)
			deadline_after(deadline, w->busy_timeout_ms);
		if (waiter && waiter->prepare)
			waiter->prepare(waiter->arg);
	}
	err = dm_window_wait(w, eagain ? deadline : NULL);
	if (!err && waiter && waiter->gave_up(waiter->arg))
		err = -EINTR;
	return err;
}

int dm_get(struct dm_window *w, struct dm_tree *t, uint64_t idx,
	   unsigned int flags, struct dm_ref *ref)
{
	return dm_get_wait(w, t, idx, flags, NULL, ref);
}

int dm_get_wait(struct dm_window *w, struct dm_tree *t, uint64_t idx,
		unsigned int flags, const struct dm_waiter *waiter,
		struct dm_ref *ref)
{
	bool write = flags & DM_GET_WRITE;
	struct dm_slot *spare = NULL;
	struct timespec deadline;
	bool waited = false;
	int err = 0;

	memset(ref, 0, sizeof(*ref));
	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct dm_tree_ent *e = dm_tree_find(t, idx);
		bool dropped;

		if (e && !write) {
			use_slot(w, e->slot, false, ref);
			break;
		}
		if (e && write && e->slot) {
			struct dm_slot *s = e->slot;

			if (s->writable ||
			    (w->policy.inject & DM_INJ_NO_UPGRADE)) {
				use_slot(w, s, true, ref);
				break;
			}
			if (!(w->policy.inject & DM_INJ_STALE_UPGRADE)) {
				err = upgrade_in_place(w, t, s);
				if (!err)
					use_slot(w, s, true, ref);
				break;
			}
			if (spare) {
				err = stale_upgrade(w, t, e, spare);
				spare = NULL;
				if (!err)
					use_slot(w, e->slot, true, ref);
				break;
			}
		} else if (spare) {
			err = setup_new(w, t, idx, write, spare);
			spare = NULL;
			if (!err)
				use_slot(w, dm_tree_find(t, idx)->slot, write,
					 ref);
			break;
		}

		/*
		 * A new dmap is needed: find a slot, then look again (the
		 * lock may have been dropped). A stale upgrade keeps the
		 * dmap it leaks from being reclaimed meanwhile.
		 */
		spare = dm_slot_take(w, t, e ? e->slot : NULL, &dropped,
				     &err);
		if (spare)
			continue;
		if (err != -EBUSY || (flags & DM_GET_NOWAIT))
			break;
		err = busy_wait(w, waiter, &waited, &deadline);
		if (err)
			break;
	}
	if (spare)
		dm_slot_give_back(w, spare);
	pthread_mutex_unlock(&w->lock);
	return err;
}

void dm_put(struct dm_window *w, struct dm_ref *ref)
{
	struct dm_slot *s = ref->slot;

	if (!s)
		return;
	pthread_mutex_lock(&w->lock);
	if (--s->refs == 0) {
		w->nbusy--;
		if (s->orphan) {
			s->orphan = false;
			dm_slot_remove(w, s);
		} else if (!s->leaked) {
			dm_slot_idle(w, s);
		}
	}
	pthread_mutex_unlock(&w->lock);
	ref->slot = NULL;
}
