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

struct dm_stats {
	/* counters, zeroed by "reset" */
	uint64_t setup_ro;
	uint64_t setup_rw;
	uint64_t upgrades;
	uint64_t removemappings;
	uint64_t reclaims;
	uint64_t enospc_early;
	uint64_t vcpu_stalls_total;
	uint64_t host_write_faults;	/* pages populated for write */
	uint64_t sigbus;
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
	dst->setup_ro = dm_stat_get(src->setup_ro);
	dst->setup_rw = dm_stat_get(src->setup_rw);
	dst->upgrades = dm_stat_get(src->upgrades);
	dst->removemappings = dm_stat_get(src->removemappings);
	dst->reclaims = dm_stat_get(src->reclaims);
	dst->enospc_early = dm_stat_get(src->enospc_early);
	dst->vcpu_stalls_total = dm_stat_get(src->vcpu_stalls_total);
	dst->host_write_faults = dm_stat_get(src->host_write_faults);
	dst->sigbus = dm_stat_get(src->sigbus);
	dst->vcpu_stalls = dm_stat_get(src->vcpu_stalls);
}

static inline void dm_stats_reset(struct dm_stats *s)
{
	dm_stat_set(s->setup_ro, 0);
	dm_stat_set(s->setup_rw, 0);
	dm_stat_set(s->upgrades, 0);
	dm_stat_set(s->removemappings, 0);
	dm_stat_set(s->reclaims, 0);
	dm_stat_set(s->enospc_early, 0);
	dm_stat_set(s->vcpu_stalls_total, 0);
	dm_stat_set(s->host_write_faults, 0);
	dm_stat_set(s->sigbus, 0);
}

#endif
