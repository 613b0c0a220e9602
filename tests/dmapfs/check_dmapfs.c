// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_dmapfs.c - unit tests of the dmapfs logic that needs no FUSE:
 * the window and the client policies over a fake backend, the control
 * text, the option and inject parsers, and the host SIGBUS recovery.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ctl.h"
#include "dmap.h"
#include "dt_dmapctl.h"
#include "host.h"
#include "opts.h"
#include "policy.h"
#include "window.h"

/* ---- a fake backend that records what the window asks for ---- */

struct fake {
	int reserves;
	int maps;
	int maps_rw;
	int unmaps;
	int reserve_err;
	int last_map_slot;
	bool last_map_rw;
	bool stopping;
};

static int fake_reserve(void *ctx, void *file, uint64_t idx)
{
	struct fake *f = ctx;

	f->reserves++;
	return f->reserve_err;
}

static int fake_map(void *ctx, struct dm_slot *s, void *file, uint64_t idx,
		    bool rw)
{
	struct fake *f = ctx;

	f->maps++;
	f->maps_rw += rw;
	f->last_map_slot = s->id;
	f->last_map_rw = rw;
	return 0;
}

static int fake_unmap(void *ctx, struct dm_slot *s)
{
	((struct fake *)ctx)->unmaps++;
	return 0;
}

static bool fake_stopping(void *ctx)
{
	return ((struct fake *)ctx)->stopping;
}

static void fake_describe(void *ctx, void *file, char *buf, size_t len)
{
	snprintf(buf, len, "%s", (const char *)file);
}

static const struct dm_backend fake_be = {
	.reserve = fake_reserve,
	.map = fake_map,
	.unmap = fake_unmap,
	.stopping = fake_stopping,
	.describe = fake_describe,
};

static struct fake fk;
static struct dm_window win;
static struct dm_tree tree, tree2;

static void setup_policy(unsigned int nslots, enum dm_client client,
			 bool reserve, unsigned int inject)
{
	struct dm_policy p = {
		.client = client,
		.host_reserve = reserve,
		.inject = inject,
	};

	memset(&fk, 0, sizeof(fk));
	ck_assert_int_eq(dm_window_init(&win, nslots, (void *)0x100000000,
					&p, &fake_be, &fk), 0);
	win.busy_timeout_ms = 200;
	dm_tree_init(&tree, "dir/file a");
	dm_tree_init(&tree2, "other");
}

static void teardown(void)
{
	dm_tree_release(&win, &tree);
	dm_tree_release(&win, &tree2);
	dm_window_destroy(&win);
}

/* get and immediately put: one access by one request */
static int touch(struct dm_tree *t, uint64_t idx, unsigned int flags,
		 struct dm_ref *out)
{
	struct dm_ref ref;
	int err = dm_get(&win, t, idx, flags, &ref);

	if (!err) {
		if (out)
			*out = ref;
		dm_put(&win, &ref);
	}
	return err;
}

START_TEST(read_sets_up_ro_and_reuses)
{
	struct dm_ref ref;

	setup_policy(4, DM_CLIENT_REFERENCE, true, 0);
	ck_assert_int_eq(touch(&tree, 0, 0, &ref), 0);
	ck_assert(!ref.slot->writable);
	ck_assert(!ref.writable);
	ck_assert_int_eq(fk.maps, 1);
	ck_assert_int_eq(fk.maps_rw, 0);
	ck_assert_int_eq(fk.reserves, 0);
	ck_assert_int_eq(touch(&tree, 0, 0, NULL), 0);
	ck_assert_int_eq(fk.maps, 1);
	ck_assert_uint_eq(win.stats.setup_ro, 1);
	ck_assert_uint_eq(win.stats.setup_rw, 0);
	ck_assert_uint_eq(win.nmapped, 1);
	ck_assert_uint_eq(win.nfree, 3);
	ck_assert_uint_eq(win.nbusy, 0);
	teardown();
}
END_TEST

START_TEST(write_upgrades_ro_in_place_once)
{
	struct dm_ref r1, r2;

	setup_policy(4, DM_CLIENT_REFERENCE, true, 0);
	ck_assert_int_eq(touch(&tree, 3, 0, &r1), 0);
	ck_assert_int_eq(touch(&tree, 3, DM_GET_WRITE, &r2), 0);
	ck_assert_ptr_eq(r1.slot, r2.slot);
	ck_assert(r2.writable);
	ck_assert_uint_eq(win.stats.upgrades, 1);
	ck_assert_int_eq(fk.reserves, 1);
	ck_assert_int_eq(fk.last_map_slot, (int)r1.slot->id);
	ck_assert(fk.last_map_rw);
	ck_assert_int_eq(touch(&tree, 3, DM_GET_WRITE, NULL), 0);
	ck_assert_int_eq(touch(&tree, 3, 0, NULL), 0);
	ck_assert_uint_eq(win.stats.upgrades, 1);
	ck_assert_uint_eq(win.stats.setup_ro, 1);
	ck_assert_uint_eq(win.stats.setup_rw, 0);
	ck_assert_int_eq(fk.maps, 2);
	teardown();
}
END_TEST

START_TEST(write_miss_sets_up_rw)
{
	setup_policy(4, DM_CLIENT_REFERENCE, true, 0);
	ck_assert_int_eq(touch(&tree, 0, DM_GET_WRITE, NULL), 0);
	ck_assert_uint_eq(win.stats.setup_rw, 1);
	ck_assert_int_eq(fk.reserves, 1);
	/* a read reuses the RW dmap */
	ck_assert_int_eq(touch(&tree, 0, 0, NULL), 0);
	ck_assert_uint_eq(win.stats.setup_ro, 0);
	ck_assert_int_eq(fk.maps, 1);
	teardown();
}
END_TEST

START_TEST(legacy_reads_set_up_rw)
{
	struct dm_ref ref;

	setup_policy(4, DM_CLIENT_LEGACY, true, 0);
	ck_assert_int_eq(touch(&tree, 0, 0, &ref), 0);
	ck_assert(ref.writable);
	ck_assert(fk.last_map_rw);
	ck_assert_uint_eq(win.stats.setup_rw, 1);
	ck_assert_uint_eq(win.stats.setup_ro, 0);
	ck_assert_int_eq(fk.reserves, 1);
	ck_assert_int_eq(touch(&tree, 0, DM_GET_WRITE, NULL), 0);
	ck_assert_uint_eq(win.stats.upgrades, 0);
	teardown();
}
END_TEST

START_TEST(reclaim_takes_least_recently_used)
{
	struct dm_ref a, b;

	setup_policy(2, DM_CLIENT_REFERENCE, true, 0);
	ck_assert_int_eq(touch(&tree, 0, 0, &a), 0);
	ck_assert_int_eq(touch(&tree, 1, 0, &b), 0);
	ck_assert_int_eq(touch(&tree, 0, 0, NULL), 0);	/* 0 is MRU */
	ck_assert_int_eq(touch(&tree2, 7, 0, NULL), 0);
	ck_assert_uint_eq(win.stats.reclaims, 1);
	ck_assert_uint_eq(win.stats.removemappings, 1);
	ck_assert_int_eq(fk.unmaps, 1);
	ck_assert_ptr_nonnull(dm_tree_find(&tree, 0));
	ck_assert_ptr_null(dm_tree_find(&tree, 1));
	ck_assert_ptr_eq(dm_tree_find(&tree2, 7)->slot, b.slot);
	/* next victim is range 0 */
	ck_assert_int_eq(touch(&tree, 5, 0, NULL), 0);
	ck_assert_ptr_null(dm_tree_find(&tree, 0));
	ck_assert_uint_eq(win.stats.reclaims, 2);
	teardown();
}
END_TEST

START_TEST(reclaim_prefers_own_inode)
{
	struct dm_tree t3;
	struct dm_ref ref;
	uint64_t i;

	setup_policy(3, DM_CLIENT_REFERENCE, true, 0);
	dm_tree_init(&t3, "third");
	ck_assert_int_eq(touch(&tree2, 0, 0, NULL), 0);	/* LRU */
	ck_assert_int_eq(touch(&tree, 0, 0, NULL), 0);
	ck_assert_int_eq(touch(&tree2, 1, 0, NULL), 0);
	/* inline reclaim takes the inode's own idle range first */
	ck_assert_int_eq(touch(&tree, 1, 0, NULL), 0);
	ck_assert_ptr_null(dm_tree_find(&tree, 0));
	ck_assert_ptr_nonnull(dm_tree_find(&tree2, 0));
	ck_assert_uint_eq(win.stats.reclaims_inline, 1);
	ck_assert_uint_eq(win.stats.reclaims, 1);
	/*
	 * With the worker running, an inode with no idle range of its own
	 * never takes another inode's (upstream): it waits for the worker,
	 * which frees the least recently used ranges.
	 */
	ck_assert_int_eq(dm_window_start_worker(&win), 0);
	ck_assert_int_eq(dm_get(&win, &t3, 5, 0, &ref), 0);
	dm_put(&win, &ref);
	dm_window_stop_worker(&win);
	ck_assert_uint_eq(win.stats.reclaims_inline, 1);
	ck_assert_uint_gt(dm_stat_get(win.stats.reclaims_background), 0);
	ck_assert_ptr_null(dm_tree_find(&tree2, 0));
	/* without a worker nothing else would free one: any idle range */
	for (i = 7; win.nfree; i++)
		ck_assert_int_eq(touch(&tree2, i, 0, NULL), 0);
	ck_assert_int_eq(touch(&t3, 9, 0, NULL), 0);
	ck_assert_uint_eq(win.stats.reclaims_inline, 2);
	dm_tree_release(&win, &t3);
	teardown();
}
END_TEST

START_TEST(background_reclaim_chunk)
{
	struct dm_ref busy;
	uint64_t i;

	setup_policy(20, DM_CLIENT_REFERENCE, true, 0);
	/* 16 of 20 used: 20 % free, not below the threshold */
	for (i = 0; i < 16; i++)
		ck_assert_int_eq(touch(&tree, i, 0, NULL), 0);
	pthread_mutex_lock(&win.lock);
	ck_assert_uint_eq(dm_window_reclaim_chunk(&win), 0);
	pthread_mutex_unlock(&win.lock);
	/* 17 used, one of them busy: 10 idle ones go, oldest first */
	ck_assert_int_eq(dm_get(&win, &tree, 16, 0, &busy), 0);
	pthread_mutex_lock(&win.lock);
	ck_assert_uint_eq(dm_window_reclaim_chunk(&win), 10);
	pthread_mutex_unlock(&win.lock);
	ck_assert_uint_eq(win.nfree, 13);
	ck_assert_uint_eq(win.stats.reclaims_background, 10);
	ck_assert_uint_eq(win.stats.reclaims_inline, 0);
	ck_assert_ptr_null(dm_tree_find(&tree, 9));
	ck_assert_ptr_nonnull(dm_tree_find(&tree, 10));
	ck_assert_ptr_nonnull(dm_tree_find(&tree, 16));
	dm_put(&win, &busy);
	teardown();
}
END_TEST

START_TEST(background_worker_runs)
{
	uint64_t i;
	int n;

	setup_policy(10, DM_CLIENT_REFERENCE, true, 0);
	ck_assert_int_eq(dm_window_start_worker(&win), 0);
	/* 9 of 10 used: below 20 % free, the worker frees idle ones */
	for (i = 0; i < 9; i++)
		ck_assert_int_eq(touch(&tree, i, 0, NULL), 0);
	for (n = 0; n < 200 && !dm_stat_get(win.stats.reclaims_background);
	     n++)
		usleep(10 * 1000);
	ck_assert_uint_gt(dm_stat_get(win.stats.reclaims_background), 0);
	dm_window_stop_worker(&win);
	ck_assert_uint_ge(win.nfree, 2);
	teardown();
}
END_TEST

START_TEST(busy_window_waits_bounded)
{
	struct dm_ref a, b, c;

	setup_policy(2, DM_CLIENT_REFERENCE, true, DM_INJ_BUSY_EAGAIN);
	ck_assert_int_eq(dm_get(&win, &tree, 0, 0, &a), 0);
	ck_assert_int_eq(dm_get(&win, &tree, 1, 0, &b), 0);
	ck_assert_uint_eq(win.nbusy, 2);
	ck_assert_int_eq(dm_get(&win, &tree, 2, DM_GET_NOWAIT, &c), -EBUSY);
	ck_assert_int_eq(dm_get(&win, &tree, 2, 0, &c), -EAGAIN);
	/* a busy slot may still be shared */
	ck_assert_int_eq(dm_get(&win, &tree, 0, 0, &c), 0);
	dm_put(&win, &c);
	dm_put(&win, &a);
	dm_put(&win, &b);
	ck_assert_uint_eq(win.nbusy, 0);
	ck_assert_int_eq(touch(&tree, 2, 0, NULL), 0);
	teardown();
}
END_TEST

static void *late_put(void *arg)
{
	usleep(50 * 1000);
	dm_put(&win, arg);
	return NULL;
}

START_TEST(busy_window_wakes_on_put)
{
	struct dm_ref a, b, c;
	pthread_t th;

	setup_policy(2, DM_CLIENT_REFERENCE, true, 0);
	win.busy_timeout_ms = 5000;
	ck_assert_int_eq(dm_get(&win, &tree, 0, 0, &a), 0);
	ck_assert_int_eq(dm_get(&win, &tree, 1, 0, &b), 0);
	pthread_create(&th, NULL, late_put, &a);
	ck_assert_int_eq(dm_get(&win, &tree, 2, 0, &c), 0);
	pthread_join(th, NULL);
	ck_assert_ptr_eq(c.slot, &win.slots[0]);
	ck_assert_uint_eq(win.stats.busy_waits, 1);
	dm_put(&win, &c);
	dm_put(&win, &b);
	teardown();
}
END_TEST

static int prepared;
static int gave_up_after;

static void count_prepare(void *arg)
{
	prepared++;
}

static bool gives_up(void *arg)
{
	return --gave_up_after <= 0;
}

START_TEST(busy_window_waits_until_given_up)
{
	struct dm_waiter wt = { count_prepare, gives_up, NULL };
	struct dm_ref a, b, c;

	/* no deadline by default: only the waiter ends the wait */
	setup_policy(2, DM_CLIENT_REFERENCE, true, 0);
	ck_assert_int_eq(dm_get(&win, &tree, 0, 0, &a), 0);
	ck_assert_int_eq(dm_get(&win, &tree, 1, 0, &b), 0);
	prepared = 0;
	gave_up_after = 3;
	ck_assert_int_eq(dm_get_wait(&win, &tree, 2, 0, &wt, &c), -EINTR);
	ck_assert_int_eq(prepared, 1);
	ck_assert_int_le(gave_up_after, 0);
	dm_put(&win, &a);
	dm_put(&win, &b);
	teardown();
}
END_TEST

START_TEST(reservation_failure_is_early_enospc)
{
	struct dm_ref ref;

	setup_policy(4, DM_CLIENT_REFERENCE, true, 0);
	fk.reserve_err = -ENOSPC;
	ck_assert_int_eq(dm_get(&win, &tree, 0, DM_GET_WRITE, &ref),
			 -ENOSPC);
	ck_assert_uint_eq(win.stats.enospc_early, 1);
	ck_assert_uint_eq(win.stats.setup_rw, 0);
	ck_assert_uint_eq(win.nfree, 4);
	ck_assert_int_eq(fk.maps, 0);
	/* reads still work, and an upgrade fails early too */
	ck_assert_int_eq(touch(&tree, 0, 0, &ref), 0);
	ck_assert_int_eq(dm_get(&win, &tree, 0, DM_GET_WRITE, &ref),
			 -ENOSPC);
	ck_assert_uint_eq(win.stats.enospc_early, 2);
	ck_assert_uint_eq(win.stats.upgrades, 0);
	ck_assert(!dm_tree_find(&tree, 0)->slot->writable);
	ck_assert_uint_eq(win.nbusy, 0);
	teardown();
}
END_TEST

START_TEST(reservation_off_never_reserves)
{
	setup_policy(4, DM_CLIENT_LEGACY, false, 0);
	fk.reserve_err = -ENOSPC;
	ck_assert_int_eq(touch(&tree, 0, DM_GET_WRITE, NULL), 0);
	ck_assert_int_eq(touch(&tree, 1, 0, NULL), 0);
	ck_assert_int_eq(fk.reserves, 0);
	ck_assert_uint_eq(win.stats.setup_rw, 2);
	teardown();
}
END_TEST

START_TEST(inject_no_upgrade)
{
	struct dm_ref ref;

	setup_policy(4, DM_CLIENT_REFERENCE, true, DM_INJ_NO_UPGRADE);
	ck_assert_int_eq(touch(&tree, 0, 0, NULL), 0);
	ck_assert_int_eq(touch(&tree, 0, DM_GET_WRITE, &ref), 0);
	ck_assert(!ref.writable);
	ck_assert_uint_eq(win.stats.upgrades, 0);
	ck_assert_int_eq(fk.maps_rw, 0);
	teardown();
}
END_TEST

START_TEST(inject_stale_upgrade)
{
	struct dm_ref r1, w, r2;

	setup_policy(3, DM_CLIENT_REFERENCE, true, DM_INJ_STALE_UPGRADE);
	ck_assert_int_eq(touch(&tree, 0, 0, &r1), 0);
	ck_assert_int_eq(touch(&tree, 0, DM_GET_WRITE, &w), 0);
	/* a second, RW setup of the range, not an upgrade */
	ck_assert_ptr_ne(r1.slot, w.slot);
	ck_assert(w.writable);
	ck_assert(fk.last_map_rw);
	ck_assert_int_eq(fk.reserves, 1);
	ck_assert_uint_eq(win.stats.upgrades, 0);
	ck_assert_uint_eq(win.stats.setup_rw, 1);
	ck_assert_uint_eq(win.nmapped, 2);
	ck_assert_uint_eq(win.nleaked, 1);
	ck_assert(r1.slot->leaked);
	/* reads use the new mapping (both are coherent on a real host) */
	ck_assert_int_eq(touch(&tree, 0, 0, &r2), 0);
	ck_assert_ptr_eq(r2.slot, w.slot);
	/* the leaked slot is never reclaimed: 2 slots left for 3 ranges */
	ck_assert_int_eq(touch(&tree2, 0, 0, NULL), 0);
	ck_assert_int_eq(touch(&tree2, 1, 0, NULL), 0);
	ck_assert_int_eq(touch(&tree2, 2, 0, NULL), 0);
	ck_assert(r1.slot->leaked);
	ck_assert_int_eq(r1.slot->state, DM_SLOT_MAPPED);
	ck_assert_uint_eq(win.stats.reclaims, 2);
	/* until the inode is forgotten */
	dm_tree_release(&win, &tree);
	ck_assert_uint_eq(win.nleaked, 0);
	ck_assert_int_eq(r1.slot->state, DM_SLOT_FREE);
	teardown();
}
END_TEST

START_TEST(inject_reserve_ro)
{
	struct dm_ref ref;

	/* the daemon reserves RO setups, even with reservation off */
	setup_policy(4, DM_CLIENT_REFERENCE, false, DM_INJ_RESERVE_RO);
	ck_assert_int_eq(touch(&tree, 0, 0, &ref), 0);
	ck_assert_uint_eq(win.stats.setup_ro, 1);
	ck_assert(!ref.slot->writable);
	ck_assert(!fk.last_map_rw);
	ck_assert_int_eq(fk.reserves, 1);
	/* and a full host fails the read early */
	fk.reserve_err = -ENOSPC;
	ck_assert_int_eq(touch(&tree, 1, 0, NULL), -ENOSPC);
	ck_assert_uint_eq(win.stats.enospc_early, 1);
	teardown();
}
END_TEST

START_TEST(inject_no_reclaim)
{
	setup_policy(2, DM_CLIENT_REFERENCE, true, DM_INJ_NO_RECLAIM);
	ck_assert_int_eq(touch(&tree, 0, 0, NULL), 0);
	ck_assert_int_eq(touch(&tree, 1, 0, NULL), 0);
	ck_assert_int_eq(touch(&tree, 2, 0, NULL), -ENOMEM);
	ck_assert_uint_eq(win.stats.reclaims, 0);
	teardown();
}
END_TEST

static void *stop_later(void *arg)
{
	usleep(200 * 1000);
	fk.stopping = true;
	return NULL;
}

START_TEST(inject_reclaim_deadlock)
{
	struct timespec t0, t1;
	pthread_t th;

	setup_policy(2, DM_CLIENT_REFERENCE, true, DM_INJ_RECLAIM_DEADLOCK);
	ck_assert_int_eq(touch(&tree, 0, 0, NULL), 0);
	ck_assert_int_eq(touch(&tree, 1, 0, NULL), 0);
	pthread_create(&th, NULL, stop_later, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(touch(&tree, 2, 0, NULL), -ENOTCONN);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(th, NULL);
	ck_assert_int_ge((t1.tv_sec - t0.tv_sec) * 1000 +
			 (t1.tv_nsec - t0.tv_nsec) / 1000000, 150);
	ck_assert_uint_eq(win.stats.reclaims, 0);
	teardown();
}
END_TEST

START_TEST(release_frees_and_orphans)
{
	struct dm_ref busy;

	setup_policy(4, DM_CLIENT_REFERENCE, true, 0);
	ck_assert_int_eq(touch(&tree, 0, 0, NULL), 0);
	ck_assert_int_eq(touch(&tree, 1, DM_GET_WRITE, NULL), 0);
	ck_assert_int_eq(dm_get(&win, &tree, 2, 0, &busy), 0);
	dm_tree_release(&win, &tree);
	ck_assert_uint_eq(win.stats.removemappings, 2);
	ck_assert_uint_eq(win.nmapped, 1);
	ck_assert(busy.slot->orphan);
	dm_put(&win, &busy);
	ck_assert_uint_eq(win.stats.removemappings, 3);
	ck_assert_uint_eq(win.nmapped, 0);
	ck_assert_uint_eq(win.nfree, 4);
	teardown();
}
END_TEST

/* ---- control file ---- */

START_TEST(ctl_text_and_reset)
{
	struct dm_ctl_conf conf = { .open_mode = "direct", .mmap_shared = 1,
				    .conn_id = 42 };
	struct dm_snapshot snap;
	struct dt_ctl c;
	char *text;
	size_t len;

	setup_policy(4, DM_CLIENT_LEGACY, false, DM_INJ_NO_UPGRADE);
	conf.policy = &win.policy;
	ck_assert_int_eq(touch(&tree, 5, 0, NULL), 0);
	ck_assert_int_eq(touch(&tree2, 0, 0, NULL), 0);
	dm_window_snapshot(&win, &snap, 1000);
	text = dm_ctl_format(&conf, &snap, &len);
	dm_snapshot_free(&snap);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(strlen(text), len);
	/* the runner's reader understands every key of it */
	ck_assert_int_eq(dt_ctl_parse(text, &c), 0);
	ck_assert_uint_eq(c.version, DT_CTL_VERSION);
	ck_assert_str_eq(c.client, "legacy");
	ck_assert_str_eq(c.host_reserve, "off");
	ck_assert_str_eq(c.host_fault, "hang");
	ck_assert_str_eq(c.inject, "no-upgrade");
	ck_assert_str_eq(c.deviations, "client-legacy,host-reserve-off,no-upgrade");
	ck_assert_str_eq(c.open_mode, "direct");
	ck_assert_str_eq(c.mmap_shared, "yes");
	ck_assert_uint_eq(c.slot_size, 2097152);
	ck_assert_uint_eq(c.slots_total, 4);
	ck_assert_uint_eq(c.slots_free, 2);
	ck_assert_uint_eq(c.slots_busy, 0);
	ck_assert_uint_eq(c.slots_mapped, 2);
	ck_assert_uint_eq(c.setup_ro, 0);
	ck_assert_uint_eq(c.setup_rw, 2);
	ck_assert_uint_eq(c.fuse_conn, 42);
	ck_assert_int_eq(c.nmaps, 2);
	ck_assert_str_eq(c.maps[0].path, "dir/file a");
	ck_assert_uint_eq(c.maps[0].idx, 5);
	ck_assert(c.maps[0].rw);
	dt_ctl_free(&c);
	/* the map paths are escaped as in /proc/mounts */
	ck_assert_ptr_nonnull(strstr(text, "\nmap dir/file\\040a 5 0 rw\n"
					   "map other 0 1 rw\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nsetup_rw 2\n"));
	free(text);

	/* a host that cannot reserve is not the reference stack */
	conf.reserve_unsupported = true;
	win.policy.host_reserve = true;
	win.policy.inject = 0;
	win.policy.client = DM_CLIENT_REFERENCE;
	dm_window_snapshot(&win, &snap, 1000);
	text = dm_ctl_format(&conf, &snap, &len);
	dm_snapshot_free(&snap);
	ck_assert_int_eq(dt_ctl_parse(text, &c), 0);
	ck_assert_str_eq(c.host_reserve, "unsupported");
	ck_assert_str_eq(c.deviations, "host-reserve-unsupported");
	dt_ctl_free(&c);
	free(text);
	win.policy.host_reserve = false;

	dm_window_reset_stats(&win);
	dm_window_snapshot(&win, &snap, 1000);
	ck_assert_uint_eq(snap.stats.setup_rw, 0);
	ck_assert_uint_eq(snap.slots_mapped, 2);
	ck_assert_uint_eq(snap.nmaps, 2);
	dm_snapshot_free(&snap);
	teardown();
}
END_TEST

START_TEST(ctl_commands)
{
	ck_assert_int_eq(dm_ctl_parse("reset", 5), DM_CTL_RESET);
	ck_assert_int_eq(dm_ctl_parse("reset\n", 6), DM_CTL_RESET);
	ck_assert_int_eq(dm_ctl_parse("  reset \n", 9), DM_CTL_RESET);
	ck_assert_int_eq(dm_ctl_parse("resets", 6), -EINVAL);
	ck_assert_int_eq(dm_ctl_parse("", 0), -EINVAL);
}
END_TEST

START_TEST(ctl_snapshot_when_locked)
{
	struct dm_snapshot snap;

	setup_policy(4, DM_CLIENT_REFERENCE, true, 0);
	ck_assert_int_eq(touch(&tree, 0, 0, NULL), 0);
	pthread_mutex_lock(&win.lock);
	dm_window_snapshot(&win, &snap, 100);
	pthread_mutex_unlock(&win.lock);
	ck_assert(snap.window_locked);
	ck_assert_uint_eq(snap.stats.setup_ro, 1);
	ck_assert_uint_eq(snap.nmaps, 0);
	dm_snapshot_free(&snap);
	teardown();
}
END_TEST

/* ---- parsers ---- */

START_TEST(inject_names)
{
	struct dm_policy p = { .client = DM_CLIENT_REFERENCE,
			       .host_reserve = true };
	unsigned int mask = 0;
	const char *bad = NULL;
	char buf[128];

	ck_assert_int_eq(dm_inject_parse("stale-upgrade,no-upgrade", &mask,
					 &bad), 0);
	ck_assert_int_eq(dm_inject_parse("reserve-ro", &mask, &bad), 0);
	ck_assert_uint_eq(mask, DM_INJ_STALE_UPGRADE | DM_INJ_NO_UPGRADE |
			  DM_INJ_RESERVE_RO);
	dm_inject_format(mask, buf, sizeof(buf));
	ck_assert_str_eq(buf, "no-upgrade,stale-upgrade,reserve-ro");
	ck_assert_int_eq(dm_inject_parse("no-reclaim,bogus", &mask, &bad),
			 -EINVAL);
	ck_assert_str_eq(bad, "bogus");
	dm_inject_format(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "none");
	dm_deviations_format(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "none");
	p.host_reserve = false;
	p.inject = DM_INJ_NO_RECLAIM;
	dm_deviations_format(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "host-reserve-off,no-reclaim");
}
END_TEST

static enum dm_opts_result parse(struct dm_opts *o, const char *line)
{
	static char copy[512];
	char *argv[32], err[256], *tok, *save;
	int argc = 0;

	snprintf(copy, sizeof(copy), "dmapfs %s", line);
	for (tok = strtok_r(copy, " ", &save); tok && argc < 31;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return dm_opts_parse(argc, argv, o, err, sizeof(err));
}

START_TEST(options)
{
	struct dm_opts o;

	ck_assert_int_eq(parse(&o, "/b /m"), DM_OPTS_RUN);
	ck_assert_uint_eq(o.slots, 128);
	ck_assert_int_eq(o.policy.client, DM_CLIENT_REFERENCE);
	ck_assert(o.policy.host_reserve);
	ck_assert_int_eq(o.open_mode, DM_OPEN_DIRECT);
	ck_assert_int_eq(o.ready_fd, -1);
	ck_assert_int_eq(parse(&o, "--slots 4 --client legacy "
			       "--host-reserve off --host-fault die "
			       "--inject no-reclaim --inject stale-upgrade "
			       "--open-mode cached --ready-fd 7 -f /b /m"),
			 DM_OPTS_RUN);
	ck_assert_uint_eq(o.slots, 4);
	ck_assert_int_eq(o.policy.client, DM_CLIENT_LEGACY);
	ck_assert(!o.policy.host_reserve);
	ck_assert_int_eq(o.policy.host_fault, DM_FAULT_DIE);
	ck_assert_uint_eq(o.policy.inject,
			  DM_INJ_NO_RECLAIM | DM_INJ_STALE_UPGRADE);
	ck_assert_int_eq(o.open_mode, DM_OPEN_CACHED);
	ck_assert_int_eq(o.ready_fd, 7);
	ck_assert_str_eq(o.backing, "/b");
	ck_assert_str_eq(o.mountpoint, "/m");
	ck_assert_int_eq(parse(&o, "--slots 1 /b /m"), DM_OPTS_USAGE);
	ck_assert_int_eq(parse(&o, "--slots x /b /m"), DM_OPTS_USAGE);
	ck_assert_int_eq(parse(&o, "--client new /b /m"), DM_OPTS_USAGE);
	ck_assert_int_eq(parse(&o, "--inject nope /b /m"), DM_OPTS_USAGE);
	ck_assert_int_eq(parse(&o, "--bogus /b /m"), DM_OPTS_USAGE);
	ck_assert_int_eq(parse(&o, "/b"), DM_OPTS_USAGE);
	ck_assert_int_eq(parse(&o, "/b /m /x"), DM_OPTS_USAGE);
	ck_assert_int_eq(parse(&o, "/b /m --slots"), DM_OPTS_USAGE);
}
END_TEST

/* ---- host: real mappings of a temporary file ---- */

static bool never_stop(void *arg)
{
	return true;
}

START_TEST(host_sigbus_becomes_eio)
{
	struct dm_stats stats = { 0 };
	struct dm_host h = { .stats = &stats, .stopping = never_stop };
	struct dm_backend be = { 0 };
	struct dm_slot s = { 0 };
	char path[] = "/tmp/check_dmapfs.XXXXXX";
	struct dm_hostfile hf;
	char buf[8192];
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(ftruncate(fd, 8192), 0);
	hf.fd = fd;
	hf.rw = true;
	hf.path_fd = fd;
	hf.ino = 1;
	ck_assert_int_eq(dm_host_signals_init(), 0);
	ck_assert_int_eq(dm_host_window_create(&h, 2), 0);
	dm_host_backend(&be);
	s.addr = h.base;
	ck_assert_int_eq(be.map(&h, &s, &hf, 0, true), 0);
	s.writable = true;
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(dm_host_touch(&h, &hf, s.addr, 0, 8192, true), 0);
	ck_assert_uint_eq(stats.host_write_faults, 2);
	ck_assert_int_eq(dm_host_copy(&h, s.addr, buf, 8192), 0);
	/* beyond EOF: a vCPU would get SIGBUS; dmapfs gives EIO */
	ck_assert_int_eq(dm_host_touch(&h, &hf, (char *)s.addr + 8192, 8192,
				       4096, false), -EIO);
	ck_assert_uint_eq(stats.sigbus, 1);
	/* the host truncates the file under the mapping */
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	ck_assert_int_eq(dm_host_copy(&h, s.addr, buf, 4096), -EIO);
	ck_assert_uint_eq(stats.sigbus, 2);
	ck_assert_int_eq(be.unmap(&h, &s), 0);
	/* a store into a slot mapped read-only: SIGSEGV becomes -EFAULT */
	ck_assert_int_eq(ftruncate(fd, 8192), 0);
	ck_assert_int_eq(be.map(&h, &s, &hf, 0, false), 0);
	ck_assert_int_eq(dm_host_copy(&h, s.addr, buf, 4096), -EFAULT);
	ck_assert_uint_eq(stats.sigsegv, 1);
	ck_assert_uint_eq(stats.sigbus, 2);
	/* the stalled vCPU of --host-fault hang ends with the fs */
	ck_assert_int_eq(dm_host_ro_store(&h, 0), -ENOTCONN);
	ck_assert_uint_eq(stats.vcpu_stalls_total, 1);
	ck_assert_uint_eq(stats.vcpu_stalls, 0);
	ck_assert_int_eq(be.unmap(&h, &s), 0);
	dm_host_window_destroy(&h);
	close(fd);
}
END_TEST

static Suite *dmapfs_suite(void)
{
	Suite *s = suite_create("dmapfs");
	TCase *tc = tcase_create("window");

	tcase_add_test(tc, read_sets_up_ro_and_reuses);
	tcase_add_test(tc, write_upgrades_ro_in_place_once);
	tcase_add_test(tc, write_miss_sets_up_rw);
	tcase_add_test(tc, legacy_reads_set_up_rw);
	tcase_add_test(tc, reclaim_takes_least_recently_used);
	tcase_add_test(tc, reclaim_prefers_own_inode);
	tcase_add_test(tc, background_reclaim_chunk);
	tcase_add_test(tc, background_worker_runs);
	tcase_add_test(tc, busy_window_waits_bounded);
	tcase_add_test(tc, busy_window_wakes_on_put);
	tcase_add_test(tc, busy_window_waits_until_given_up);
	tcase_add_test(tc, reservation_failure_is_early_enospc);
	tcase_add_test(tc, reservation_off_never_reserves);
	tcase_add_test(tc, release_frees_and_orphans);
	suite_add_tcase(s, tc);

	tc = tcase_create("inject");
	tcase_add_test(tc, inject_no_upgrade);
	tcase_add_test(tc, inject_stale_upgrade);
	tcase_add_test(tc, inject_reserve_ro);
	tcase_add_test(tc, inject_no_reclaim);
	tcase_add_test(tc, inject_reclaim_deadlock);
	suite_add_tcase(s, tc);

	tc = tcase_create("ctl");
	tcase_add_test(tc, ctl_text_and_reset);
	tcase_add_test(tc, ctl_commands);
	tcase_add_test(tc, ctl_snapshot_when_locked);
	tcase_add_test(tc, inject_names);
	tcase_add_test(tc, options);
	suite_add_tcase(s, tc);

	tc = tcase_create("host");
	tcase_add_test(tc, host_sigbus_becomes_eio);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dmapfs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
