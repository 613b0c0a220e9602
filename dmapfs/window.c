// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * window.c - slots of the emulated DAX window: free list, idle LRU,
 * reference counts, inline and background reclaim, and waiting for a
 * busy window.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dmap.h"
#include "log.h"
#include "window.h"

int dm_window_init(struct dm_window *w, unsigned int nslots, void *base,
		   const struct dm_policy *policy,
		   const struct dm_backend *be, void *be_ctx)
{
	pthread_condattr_t attr;
	unsigned int i;

	memset(w, 0, sizeof(*w));
	w->slots = calloc(nslots, sizeof(*w->slots));
	if (!w->slots)
		return -ENOMEM;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &attr);
	pthread_cond_init(&w->worker_cond, &attr);
	pthread_condattr_destroy(&attr);
	dm_list_init(&w->free_list);
	dm_list_init(&w->idle_list);
	w->nslots = nslots;
	w->policy = *policy;
	w->busy_timeout_ms = DM_BUSY_TIMEOUT_MS;
	w->be = be;
	w->be_ctx = be_ctx;
	for (i = 0; i < nslots; i++) {
		struct dm_slot *s = &w->slots[i];

		s->id = i;
		s->addr = (void *)((uintptr_t)base + (uintptr_t)i *
				   DM_RANGE_SIZE);
		dm_list_init(&s->link);
		dm_list_add_tail(&s->link, &w->free_list);
	}
	w->nfree = nslots;
	return 0;
}

void dm_window_destroy(struct dm_window *w)
{
	dm_window_stop_worker(w);
	free(w->slots);
	w->slots = NULL;
	pthread_cond_destroy(&w->worker_cond);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
}

static bool window_stopping(struct dm_window *w)
{
	return w->be->stopping && w->be->stopping(w->be_ctx);
}

/* Fewer free slots than the threshold (upstream's free_percent test)? */
static bool below_threshold(struct dm_window *w)
{
	return (uint64_t)w->nfree * 100 / w->nslots < DM_RECLAIM_THRESHOLD;
}

/* Wake the background worker when there is work for it. */
static void kick_worker(struct dm_window *w)
{
	if (w->worker_running && below_threshold(w) &&
	    !dm_list_empty(&w->idle_list))
		pthread_cond_signal(&w->worker_cond);
}

/*
 * reclaim-deadlock: below the reclaim threshold, wait for the worker to
 * free slots while holding the window lock it (and every path freeing a
 * slot) needs. Ends only when the fs goes away.
 */
static void deadlock_wait(struct dm_window *w)
{
	const struct timespec nap = { 0, 50 * 1000 * 1000 };

	dm_log("inject reclaim-deadlock: %u of %u slots free, waiting for reclaim with the window lock held",
	       w->nfree, w->nslots);
	while (below_threshold(w) && !window_stopping(w))
		nanosleep(&nap, NULL);
}

static void reclaim_slot(struct dm_window *w, struct dm_slot *s,
			 bool background)
{
	int err;

	dm_list_del(&s->link);
	if (s->tree)
		dm_tree_forget_slot(s->tree, s);
	s->tree = NULL;
	s->state = DM_SLOT_TAKEN;
	w->nmapped--;
	dm_stat_inc(w->stats.removemappings);
	dm_stat_inc(w->stats.reclaims);
	if (background)
		dm_stat_inc(w->stats.reclaims_background);
	else
		dm_stat_inc(w->stats.reclaims_inline);
	dm_debug("reclaim slot %u (range %llu, %s)%s", s->id,
		 (unsigned long long)s->idx, s->writable ? "rw" : "ro",
		 background ? " in the background" : "");

	pthread_mutex_unlock(&w->lock);
	err = w->be->unmap(w->be_ctx, s);
	pthread_mutex_lock(&w->lock);
	if (err)
		dm_log("reclaim: unmap of slot %u failed: %s", s->id,
		       strerror(-err));
	s->writable = false;
	s->leaked = false;
}

/*
 * The idle slot inline reclaim takes: the least recently used one of the
 * requesting inode @t, never @keep. As upstream's
 * inode_inline_reclaim_one_dmap(), a request does not take another
 * inode's range: it waits for the background worker instead. Only a
 * window without a worker (not started, or it could not be) falls back
 * to the least recently used idle slot of any inode, or nothing would
 * ever free one.
 */
static struct dm_slot *inline_victim(struct dm_window *w, struct dm_tree *t,
				     struct dm_slot *keep)
{
	struct dm_slot *any = NULL;
	struct dm_list *pos;

	for (pos = w->idle_list.next; pos != &w->idle_list;
	     pos = pos->next) {
		struct dm_slot *s = dm_container_of(pos, struct dm_slot,
						    link);

		if (s == keep)
			continue;
		if (s->tree == t)
			return s;
		if (!any)
			any = s;
	}
	return w->worker_running ? NULL : any;
}

struct dm_slot *dm_slot_take(struct dm_window *w, struct dm_tree *t,
			     struct dm_slot *keep, bool *dropped, int *err)
{
	struct dm_slot *s;

	*dropped = false;
	if ((w->policy.inject & DM_INJ_RECLAIM_DEADLOCK) &&
	    below_threshold(w)) {
		deadlock_wait(w);
		if (window_stopping(w)) {
			*err = -ENOTCONN;
			return NULL;
		}
	}
	if (!dm_list_empty(&w->free_list)) {
		s = dm_container_of(w->free_list.next, struct dm_slot, link);
		dm_list_del(&s->link);
		w->nfree--;
		s->state = DM_SLOT_TAKEN;
		kick_worker(w);
		return s;
	}
	if (w->policy.inject & DM_INJ_NO_RECLAIM) {
		*err = -ENOMEM;
		return NULL;
	}
	s = inline_victim(w, t, keep);
	if (!s) {
		/* the caller waits: the worker frees other inodes' ranges */
		kick_worker(w);
		*err = -EBUSY;
		return NULL;
	}
	reclaim_slot(w, s, false);
	*dropped = true;
	return s;
}

unsigned int dm_window_reclaim_chunk(struct dm_window *w)
{
	unsigned int n = 0;

	if (!below_threshold(w) || (w->policy.inject & DM_INJ_NO_RECLAIM))
		return 0;
	while (n < DM_RECLAIM_CHUNK && !dm_list_empty(&w->idle_list)) {
		struct dm_slot *s = dm_container_of(w->idle_list.next,
						    struct dm_slot, link);

		reclaim_slot(w, s, true);
		dm_slot_give_back(w, s);
		n++;
	}
	return n;
}

static void *worker_main(void *arg)
{
	struct dm_window *w = arg;

	pthread_mutex_lock(&w->lock);
	while (!w->worker_stop) {
		struct timespec until;

		if (dm_window_reclaim_chunk(w))
			continue;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += 100 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->worker_cond, &w->lock, &until);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int dm_window_start_worker(struct dm_window *w)
{
	int err;

	/*
	 * no-reclaim reclaims nothing; under reclaim-deadlock the worker
	 * would wait for the lock the request holds: it never runs
	 */
	if (w->policy.inject & (DM_INJ_NO_RECLAIM | DM_INJ_RECLAIM_DEADLOCK))
		return 0;
	pthread_mutex_lock(&w->lock);
	w->worker_stop = false;
	err = pthread_create(&w->worker, NULL, worker_main, w);
	w->worker_running = !err;
	pthread_mutex_unlock(&w->lock);
	return -err;
}

void dm_window_stop_worker(struct dm_window *w)
{
	if (!w->worker_running)
		return;
	pthread_mutex_lock(&w->lock);
	w->worker_stop = true;
	pthread_cond_signal(&w->worker_cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->worker, NULL);
	w->worker_running = false;
}

void dm_slot_give_back(struct dm_window *w, struct dm_slot *s)
{
	s->state = DM_SLOT_FREE;
	s->tree = NULL;
	s->writable = false;
	s->leaked = false;
	s->orphan = false;
	s->refs = 0;
	dm_list_add_tail(&s->link, &w->free_list);
	w->nfree++;
	pthread_cond_broadcast(&w->cond);
}

void dm_slot_mapped(struct dm_window *w, struct dm_slot *s,
		    struct dm_tree *t, uint64_t idx, bool writable)
{
	s->state = DM_SLOT_MAPPED;
	s->tree = t;
	s->idx = idx;
	s->writable = writable;
	s->leaked = false;
	s->orphan = false;
	s->refs = 0;
	w->nmapped++;
}

void dm_slot_ref(struct dm_window *w, struct dm_slot *s)
{
	if (s->refs++ == 0) {
		if (dm_list_linked(&s->link))
			dm_list_del(&s->link);
		w->nbusy++;
	}
}

void dm_slot_idle(struct dm_window *w, struct dm_slot *s)
{
	dm_list_add_tail(&s->link, &w->idle_list);
	pthread_cond_broadcast(&w->cond);
	kick_worker(w);
}

void dm_slot_remove(struct dm_window *w, struct dm_slot *s)
{
	int err;

	if (s->refs) {
		s->orphan = true;
		s->tree = NULL;
		return;
	}
	if (dm_list_linked(&s->link))
		dm_list_del(&s->link);
	s->tree = NULL;
	w->nmapped--;
	dm_stat_inc(w->stats.removemappings);
	err = w->be->unmap(w->be_ctx, s);
	if (err)
		dm_log("removemapping of slot %u failed: %s", s->id,
		       strerror(-err));
	dm_slot_give_back(w, s);
}

int dm_window_wait(struct dm_window *w, const struct timespec *deadline)
{
	struct timespec now, until;

	if (window_stopping(w))
		return -ENOTCONN;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (deadline && (now.tv_sec > deadline->tv_sec ||
			 (now.tv_sec == deadline->tv_sec &&
			  now.tv_nsec >= deadline->tv_nsec)))
		return -EAGAIN;
	/* wake up at least every 100 ms to notice a shutdown */
	until = now;
	until.tv_nsec += 100 * 1000 * 1000;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	if (deadline && (until.tv_sec > deadline->tv_sec ||
			 (until.tv_sec == deadline->tv_sec &&
			  until.tv_nsec > deadline->tv_nsec)))
		until = *deadline;
	pthread_cond_timedwait(&w->cond, &w->lock, &until);
	return 0;
}

static void snapshot_maps(struct dm_window *w, struct dm_snapshot *snap)
{
	char name[4096];
	unsigned int i;

	snap->maps = calloc(w->nslots, sizeof(*snap->maps));
	if (!snap->maps)
		return;
	for (i = 0; i < w->nslots; i++) {
		struct dm_slot *s = &w->slots[i];
		struct dt_ctl_map *m;

		if (s->state != DM_SLOT_MAPPED)
			continue;
		m = &snap->maps[snap->nmaps++];
		name[0] = '\0';
		if (s->tree && w->be->describe)
			w->be->describe(w->be_ctx, s->tree->file, name,
					sizeof(name));
		if (!name[0])
			strcpy(name, "?");
		m->path = strdup(name);
		m->idx = s->idx;
		m->slot = s->id;
		m->rw = s->writable;
	}
}

int dm_window_snapshot(struct dm_window *w, struct dm_snapshot *snap,
		       unsigned int timeout_ms)
{
	struct timespec until;
	int err;

	memset(snap, 0, sizeof(*snap));
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	err = pthread_mutex_timedlock(&w->lock, &until);
	snap->slots_total = w->nslots;
	if (err) {
		snap->window_locked = true;
		dm_stats_copy(&snap->stats, &w->stats);
		snap->slots_free = __atomic_load_n(&w->nfree,
						   __ATOMIC_RELAXED);
		snap->slots_busy = __atomic_load_n(&w->nbusy,
						   __ATOMIC_RELAXED);
		snap->slots_mapped = __atomic_load_n(&w->nmapped,
						     __ATOMIC_RELAXED);
		snap->slots_leaked = __atomic_load_n(&w->nleaked,
						     __ATOMIC_RELAXED);
		return 0;
	}
	dm_stats_copy(&snap->stats, &w->stats);
	snap->slots_free = w->nfree;
	snap->slots_busy = w->nbusy;
	snap->slots_mapped = w->nmapped;
	snap->slots_leaked = w->nleaked;
	snapshot_maps(w, snap);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

void dm_snapshot_free(struct dm_snapshot *snap)
{
	int i;

	for (i = 0; i < snap->nmaps; i++)
		free(snap->maps[i].path);
	free(snap->maps);
	snap->maps = NULL;
	snap->nmaps = 0;
}

void dm_window_reset_stats(struct dm_window *w)
{
	struct timespec until;
	int err;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	err = pthread_mutex_timedlock(&w->lock, &until);
	dm_stats_reset(&w->stats);
	if (!err)
		pthread_mutex_unlock(&w->lock);
}
