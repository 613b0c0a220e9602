/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats.h - dmapfs counters.
 *
 * Every field is updated with relaxed atomics so the host fault path can
 * count without a lock. The window layer updates its counters under the
 * window lock, and the control file takes that lock once to copy a
 * consistent snapshot of counters and slot state.
 */
#ifndef DM_STATS_H
#define DM_STATS_H

#include <stdint.h>

#include "dt_dmapctl.h"

struct dm_stats {
	/* counters, zeroed by "reset" (the protocol's table) */
#define X(key, help) uint64_t key;
	DT_CTL_COUNTERS(X)
#undef X
	/* state, not zeroed */
	uint64_t vcpu_stalls;		/* stalls in progress now */
};

#define dm_stat_add(field, n) \
	__atomic_fetch_add(&(field), (n), __ATOMIC_RELAXED)
#define dm_stat_sub(field, n) \
	__atomic_fetch_sub(&(field), (n), __ATOMIC_RELAXED)
#define dm_stat_inc(field) dm_stat_add(field, 1)
#define dm_stat_get(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)
#define dm_stat_set(field, v) \
	__atomic_store_n(&(field), (v), __ATOMIC_RELAXED)

static inline void dm_stats_copy(struct dm_stats *dst, struct dm_stats *src)
{
#define X(key, help) dst->key = dm_stat_get(src->key);
	DT_CTL_COUNTERS(X)
#undef X
	dst->vcpu_stalls = dm_stat_get(src->vcpu_stalls);
}

static inline void dm_stats_reset(struct dm_stats *s)
{
#define X(key, help) dm_stat_set(s->key, 0);
	DT_CTL_COUNTERS(X)
#undef X
}

#endif
