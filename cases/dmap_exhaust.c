// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmap-exhaust: touch many more 2 MiB ranges than the DAX window has
 * slots, from many workers at once, so that mappings are reclaimed all
 * the time while others are being set up, used and pinned.
 *
 * Files: several sparse files, factor x slots ranges in all (the window
 * size from dmapfs, /proc/iomem, the kernel log or -p window=SIZE). Some
 * ranges are "write ranges" (as many as the host's free space allows:
 * a RW mapping reserves its whole 2 MiB); the rest stay holes.
 *
 * Workers (threads and processes):
 *  - readers: pread or io_uring of 4 KiB..64 KiB, or of a whole range,
 *    anywhere (also across two ranges);
 *  - writers: the first write of a block of a write range, or the same
 *    bytes again (a block never changes once written), pwrite or io_uring;
 *  - mappers: map one to three ranges at once (MAP_SHARED, PROT_READ, or
 *    PROT_WRITE in write ranges), touch every page, store into unwritten
 *    blocks, hold the mappings a while (pinning those ranges while the
 *    others fault), unmap;
 *  - churn: short-lived files that are written, mapped, truncated while
 *    mapped, unlinked while mapped, and extended again (lib/dt_churn.h).
 *
 * The mappers and the churn's mapping are what claims mmap and
 * churn-mapped are about: a mapping that pins its range while others are
 * reclaimed, a fault that sets up a range or SIGBUSes, a truncate that
 * must break a DAX layout. They need a target whose MAP_SHARED mmaps are
 * DAX mappings (DT_FEAT_DAX_MMAP); elsewhere (dmapfs: its mmaps go through
 * the kernel page cache and pin nothing) the mappers are left out, the
 * churn checks its files with pread only, and both claims are reported
 * out of scope.
 *
 * Every block read is judged: a block written before the read began must
 * be that block (offset, generation, file tag, checksum), a block nobody
 * wrote must be zeros. Blocks in their first write during the read are
 * skipped. At the end every write range is read back whole. The block
 * states are lib/dt_blk.h's (dt_bs_*), the workers, their deadline and
 * the first anomaly lib/dt_pool.h's: this file holds the layout, the
 * workers' operations and the verdict.
 *
 * Checks: no I/O error (a full window must be reclaimed, not refused),
 * no wrong data, reclaims seen where the dmapfs counters exist, and
 * completion: a reclaim that deadlocks stops every worker, and since
 * workers heartbeat only on completed operations, the watchdog sees no
 * progress and calls it a HANG.
 *
 * Parameters: runtime (the budget, 10 s by default, quick 6), factor (4, quick 3: ranges per
 * slot), files (4), readers (3), writers (2), mappers (2), churn (1),
 * procs (1: every other worker a process), window (if the target cannot
 * tell), ranges (when the window is unknown: 512), space (fraction of
 * the free space write ranges may reserve, percent: 40), and three that
 * provoke the known issues of the 6.1 client (known-issues/README.md): hot
 * (0; N: writers and mappers only on the first N ranges of each file,
 * which inline reclaim takes first), stores (1: mappers store into write
 * ranges), openers (0: workers that open and close the files).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dt_ballast.h"
#include "dt_blk.h"
#include "dt_case.h"
#include "dt_churn.h"
#include "dt_clock.h"
#include "dt_dmapctl.h"
#include "dt_fmt.h"
#include "dt_fs.h"
#include "dt_observe.h"
#include "dt_pool.h"
#include "dt_rwio.h"
#include "dt_window.h"

#define EX_MAX_FILES	16
#define EX_MAX_WORKERS	DT_POOL_MAX
/* blocks per range */
#define EX_BPR		(DT_RANGE_SIZE / DT_BLK_SIZE)
#define EX_MAX_MAPS	3

/* what an anomaly is of: the claim it fails */
enum { AN_IO = 1, AN_DATA, AN_MMAP, AN_CHURN_MAP };
enum ex_kind { EX_READER, EX_WRITER, EX_MAPPER, EX_CHURN, EX_OPENER };

static const char *const kind_names[] = {
	[EX_READER] = "reader",
	[EX_WRITER] = "writer",
	[EX_MAPPER] = "mapper",
	[EX_CHURN] = "churn",
	[EX_OPENER] = "opener",
};

/* in MAP_SHARED memory: workers may be processes */
struct ex_shared {
	uint64_t reads, writes, maps, cycles, bytes;
	uint64_t checked, raced, mmap_behind, stores;
	uint8_t state[];	/* per block of every file */
};

struct ex_worker {
	enum ex_kind kind;
	int id;
	const char *name;	/* the pool's */
	uint64_t rng;
};

struct ex {
	double runtime;
	uint32_t nfiles;
	uint32_t nr;		/* ranges per file */
	uint32_t total;		/* ranges in all */
	uint32_t wstride;	/* g % wstride == 0: a write range */
	uint32_t nwrite;	/* write ranges */
	uint32_t churn_ranges;
	uint32_t hot;		/* >0: writers, mappers on ranges 0..hot-1 only */
	bool stores;		/* mappers store into write ranges */
	bool coherent;
	uint64_t seed;
	const char *workdir;
	struct dt_window win;
	bool win_known;
	int fds[EX_MAX_FILES];
	char paths[EX_MAX_FILES][PATH_MAX];
	struct ex_shared *sh;
	size_t shsize;
	struct dt_pool pool;
	struct ex_worker w[EX_MAX_WORKERS];
	int nw;
	struct dt_obs *obs;
	bool have_ctl;
	struct dt_ctl ctl0;
	long nmappers;
	long nchurn;
	bool mappers_refused;
	bool mmap_in_scope;	/* the target maps files DAX on mmap */
};

static struct ex ex;

static const char *const groups[] = { "stress", "quick", "dax", NULL };

static const struct dt_claim claims[] = {
	{ "complete", "every read, write and truncate/unlink cycle completes without an error: a full window is reclaimed, not refused" },
	{ "data", "every block read is right (written blocks their data, holes zeros), and every write range reads back whole at the end" },
	{ "mmap", "shared mappings that pin ranges while others are reclaimed work (no SIGBUS) and see the right data",
	  .needs_features = DT_FEAT_DAX_MMAP },
	{ "churn-mapped", "a mapped file truncated, unlinked and extended again: the mapping shows its data where the file keeps it, zeros where it was cut, and no SIGBUS",
	  .needs_features = DT_FEAT_DAX_MMAP },
	{ "exhausted", "the workload used more 2 MiB ranges than the window has slots" },
	{ "reclaims", "mappings were reclaimed while it ran" },
	{ NULL },
};

static const struct dt_param_decl params[] = {
	{ "runtime", DT_PARAM_LONG, NULL, "6",
	  "seconds the workers run (default: the runtime budget)",
	  .min = "1" },
	{ "factor", DT_PARAM_LONG, "4", "3", "ranges per window slot",
	  .min = "2" },
	{ "files", DT_PARAM_LONG, "4", NULL, "sparse files the ranges are in",
	  .min = "1", .max = "16" },
	{ "readers", DT_PARAM_LONG, "3", NULL, "reader workers", .min = "0" },
	{ "writers", DT_PARAM_LONG, "2", NULL, "writer workers", .min = "0" },
	{ "mappers", DT_PARAM_LONG, "2", NULL, "mmap workers", .min = "0" },
	{ "churn", DT_PARAM_LONG, "1", NULL,
	  "truncate/unlink workers", .min = "0" },
	{ "procs", DT_PARAM_BOOL, "1", NULL,
	  "every other worker is a process (else threads only)" },
	{ "ranges", DT_PARAM_LONG, "512", NULL,
	  "ranges touched when the window size is unknown", .min = "2" },
	{ "space", DT_PARAM_LONG, "40", NULL,
	  "percent of the free space write ranges may reserve",
	  .min = "0", .max = "90" },
	{ "mmap_coherent", DT_PARAM_BOOL, NULL, NULL,
	  "loads through a mapping see direct I/O (default: a DAX file or not FUSE)" },
	{ "hot", DT_PARAM_LONG, "0", NULL,
	  "N > 0: writers and mappers use only the first N ranges of each file (the ones inline reclaim takes first; see known-issues/README.md)",
	  .min = "0", .max = "64" },
	{ "stores", DT_PARAM_BOOL, "1", NULL,
	  "mappers store into (and flush) the write ranges they map" },
	{ "openers", DT_PARAM_LONG, "0", NULL,
	  "workers that open and close the files in a loop", .min = "0" },
	DT_PARAM_WINDOW,
	{ NULL },
};

static inline uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static bool stopped(void)
{
	return dt_pool_stopped(ex.pool.ctl);
}

/* The first problem is kept whole (lib/dt_pool); everybody stops. */
#define anomaly(kind, ...) dt_pool_notef(ex.pool.ctl, kind, __VA_ARGS__)

static inline uint8_t *bstate(uint32_t f, uint64_t off)
{
	return &ex.sh->state[(uint64_t)f * ex.nr * EX_BPR +
			     off / DT_BLK_SIZE];
}

static inline bool is_write_range(uint32_t f, uint32_t r)
{
	if (ex.hot)
		return ex.nwrite && r < ex.hot;
	return ex.nwrite && ((uint64_t)f * ex.nr + r) % ex.wstride == 0;
}

static inline void add(uint64_t *c, uint64_t n)
{
	__atomic_add_fetch(c, n, __ATOMIC_RELAXED);
}

/* --- judging blocks --- */

/*
 * Judge one block read at off of file f; s1 is its state before the read
 * began, s2 after it ended. 0 fine or not judged, 1 wrong (desc filled).
 */
static int judge(uint32_t f, uint64_t off, const void *blk, uint8_t s1,
		 uint8_t s2, char *desc, size_t len)
{
	switch (dt_bs_judge(blk, off, ex.seed, f, s1, s2, desc, len)) {
	case DT_BS_RIGHT:
		add(&ex.sh->checked, 1);
		return 0;
	case DT_BS_WRONG:
		add(&ex.sh->checked, 1);
		return 1;
	default:
		add(&ex.sh->raced, 1);
		return 0;
	}
}

/* pread judges a block that looked wrong through a page-cache mapping */
static int pread_judge(uint32_t f, uint64_t off, uint8_t s1, char *desc,
		       size_t len)
{
	uint64_t blk[DT_BLK_SIZE / 8];
	ssize_t r = pread(ex.fds[f], blk, DT_BLK_SIZE, off);
	uint8_t s2;

	if (r != DT_BLK_SIZE) {
		snprintf(desc, len, "pread to recheck it failed: %s",
			 r < 0 ? dt_errname(errno) : "short read");
		return 1;
	}
	s2 = dt_bs_get(bstate(f, off));
	if (judge(f, off, blk, s1, s2, desc, len))
		return 1;
	add(&ex.sh->mmap_behind, 1);
	return 0;
}

/* --- readers --- */

static void reader_op(struct ex_worker *w, struct dt_rwio *io, char *buf,
		      uint8_t *s1)
{
	uint32_t f = rnd(&w->rng) % ex.nfiles, r = rnd(&w->rng) % ex.nr, i, n;
	uint64_t fsize = (uint64_t)ex.nr << DT_RANGE_SHIFT, off;
	enum dt_io_method m = (io[f].methods & (1u << DT_IO_URING)) &&
			      (rnd(&w->rng) & 1) ? DT_IO_URING : DT_IO_PSYNC;
	char desc[256];
	size_t len;
	ssize_t got;

	if (rnd(&w->rng) % 16 == 0) {
		off = (uint64_t)r << DT_RANGE_SHIFT;
		len = DT_RANGE_SIZE;
	} else {
		off = ((uint64_t)r << DT_RANGE_SHIFT) +
		      (rnd(&w->rng) % EX_BPR) * DT_BLK_SIZE;
		len = (1 + rnd(&w->rng) % 16) * DT_BLK_SIZE;
		if (off + len > fsize)
			len = fsize - off;
	}
	n = len / DT_BLK_SIZE;
	for (i = 0; i < n; i++)
		s1[i] = dt_bs_get(bstate(f, off + (uint64_t)i * DT_BLK_SIZE));
	got = dt_rwio_read(&io[f], m, buf, len, off);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (got != (ssize_t)len) {
		anomaly(AN_IO, "%s: %s of %zu bytes of %s at 0x%" PRIx64 ": %s (window of %" PRIu64 " slots, %u ranges in use)",
			w->name, dt_io_method_name(m), len, ex.paths[f] +
			strlen(ex.workdir) + 1, off, got < 0 ?
			dt_errname((int)-got) : "short read", ex.win.slots,
			ex.total);
		return;
	}
	add(&ex.sh->reads, 1);
	add(&ex.sh->bytes, len);
	dt_heartbeat_add(len, 1);
	for (i = 0; i < n; i++) {
		uint64_t boff = off + (uint64_t)i * DT_BLK_SIZE;
		uint8_t s2 = dt_bs_get(bstate(f, boff));

		if (judge(f, boff, buf + (size_t)i * DT_BLK_SIZE, s1[i], s2,
			  desc, sizeof(desc))) {
			anomaly(AN_DATA, "%s via %s: file %u offset 0x%" PRIx64 ": %s",
				w->name, dt_io_method_name(m), f, boff, desc);
			return;
		}
	}
}

/* --- writers --- */

static bool pick_write_block(struct ex_worker *w, uint32_t *f, uint64_t *off)
{
	uint64_t g = (uint64_t)ex.wstride * (rnd(&w->rng) % ex.nwrite);

	if (ex.hot)
		g = (uint64_t)(rnd(&w->rng) % ex.nfiles) * ex.nr +
		    rnd(&w->rng) % ex.hot;
	if (g >= ex.total)
		return false;
	*f = g / ex.nr;
	*off = ((g % ex.nr) << DT_RANGE_SHIFT) +
	       (rnd(&w->rng) % EX_BPR) * DT_BLK_SIZE;
	return true;
}

static void writer_op(struct ex_worker *w, struct dt_rwio *io, char *buf)
{
	enum dt_io_method m;
	uint64_t off;
	uint32_t f;
	bool first;
	ssize_t r;
	uint8_t *st;

	if (!pick_write_block(w, &f, &off))
		return;
	st = bstate(f, off);
	if (!dt_bs_claim(st, &first))
		return;
	m = (io[f].methods & (1u << DT_IO_URING)) && (rnd(&w->rng) & 1) ?
	    DT_IO_URING : DT_IO_PSYNC;
	dt_blk_fill(buf, off, 1, f, ex.seed);
	r = dt_rwio_write(&io[f], m, buf, DT_BLK_SIZE, off);
	if (r != DT_BLK_SIZE) {
		anomaly(AN_IO, "%s: %s of 4 KiB to file %u at 0x%" PRIx64 ": %s (window of %" PRIu64 " slots, %u ranges in use)",
			w->name, dt_io_method_name(m), f, off,
			r < 0 ? dt_errname((int)-r) : "short write",
			ex.win.slots, ex.total);
		return;
	}
	dt_bs_written(st, first);
	add(&ex.sh->writes, 1);
	add(&ex.sh->bytes, DT_BLK_SIZE);
	dt_heartbeat_add(DT_BLK_SIZE, 1);
}

/* --- mappers --- */

struct held {
	uint32_t f, r;
	bool wr;
	char *p;
};

static int map_touch(struct ex_worker *w, struct held *h, char *buf)
{
	uint64_t base = (uint64_t)h->r << DT_RANGE_SHIFT;
	char desc[256];
	uint32_t b;

	for (b = 0; b < EX_BPR; b++) {
		uint64_t off = base + (uint64_t)b * DT_BLK_SIZE;
		uint8_t s1 = dt_bs_get(bstate(h->f, off)), s2;
		uintptr_t fault;

		if (dt_guard_copy(buf, h->p + (size_t)b * DT_BLK_SIZE,
				  DT_BLK_SIZE, &fault)) {
			anomaly(AN_MMAP, "%s: SIGBUS touching the mapping of file %u range %u at offset 0x%" PRIx64 " (window of %" PRIu64 " slots, %u ranges in use)",
				w->name, h->f, h->r,
				base + (fault - (uintptr_t)h->p),
				ex.win.slots, ex.total);
			return -1;
		}
		s2 = dt_bs_get(bstate(h->f, off));
		if (!judge(h->f, off, buf, s1, s2, desc, sizeof(desc)))
			continue;
		if (!ex.coherent &&
		    !pread_judge(h->f, off, s1, desc, sizeof(desc)))
			continue;
		anomaly(AN_MMAP, "%s via mmap: file %u offset 0x%" PRIx64 ": %s%s",
			w->name, h->f, off, desc,
			ex.coherent ? "" : " (pread agrees)");
		return -1;
	}
	add(&ex.sh->bytes, DT_RANGE_SIZE);
	dt_heartbeat_add(DT_RANGE_SIZE, 1);
	return 0;
}

static int map_store(struct ex_worker *w, struct held *h, char *buf)
{
	uint64_t base = (uint64_t)h->r << DT_RANGE_SHIFT;
	int i;

	for (i = 0; i < 4; i++) {
		uint32_t b = rnd(&w->rng) % EX_BPR;
		uint64_t off = base + (uint64_t)b * DT_BLK_SIZE;
		uint8_t *st = bstate(h->f, off);
		char *p = h->p + (size_t)b * DT_BLK_SIZE;
		uintptr_t fault;
		bool first;
		int ret;

		if (!dt_bs_claim(st, &first))
			continue;
		dt_blk_fill(buf, off, 1, h->f, ex.seed);
		if (dt_guard_copy(p, buf, DT_BLK_SIZE, &fault)) {
			anomaly(AN_MMAP, "%s: SIGBUS storing into the mapping of file %u at offset 0x%" PRIx64 " (window of %" PRIu64 " slots)",
				w->name, h->f, off, ex.win.slots);
			return -1;
		}
		if (rnd(&w->rng) % 8 == 0)
			ret = msync(p, DT_BLK_SIZE, MS_SYNC);
		else
			ret = sync_file_range(ex.fds[h->f], off, DT_BLK_SIZE,
					      SYNC_FILE_RANGE_WAIT_BEFORE |
					      SYNC_FILE_RANGE_WRITE |
					      SYNC_FILE_RANGE_WAIT_AFTER);
		if (ret < 0) {
			anomaly(AN_MMAP, "%s: flushing a store into file %u at 0x%" PRIx64 ": %s",
				w->name, h->f, off, dt_errname(errno));
			return -1;
		}
		dt_bs_written(st, first);
		add(&ex.sh->stores, 1);
		dt_heartbeat_add(DT_BLK_SIZE, 1);
	}
	return 0;
}

/*
 * A mount whose files are all direct I/O without DAX (virtio-fs with
 * cache=none) refuses MAP_SHARED with ENODEV: a property of the mount,
 * not a fault. The mappers are then left out, and the result says so.
 */
static bool shared_mmap_works(void)
{
	void *p = mmap(NULL, DT_RANGE_SIZE, PROT_READ, MAP_SHARED, ex.fds[0], 0);

	if (p != MAP_FAILED) {
		munmap(p, DT_RANGE_SIZE);
		return true;
	}
	if (errno != ENODEV)
		return true;	/* the mappers will report it */
	dt_claim_unmeasured("mmap", "mappers not run: this mount refuses MAP_SHARED mmap (ENODEV: direct I/O without DAX)");
	dt_metric("mappers", "skipped (MAP_SHARED: ENODEV)");
	return false;
}

static void mapper_op(struct ex_worker *w, char *buf)
{
	struct held h[EX_MAX_MAPS];
	int n = 1 + rnd(&w->rng) % EX_MAX_MAPS, i, k = 0;
	struct timespec hold = { 0, (10 + rnd(&w->rng) % 40) * 1000000L };

	for (i = 0; i < n; i++) {
		h[k].f = rnd(&w->rng) % ex.nfiles;
		h[k].r = rnd(&w->rng) % ex.nr;
		if (ex.hot)
			h[k].r = rnd(&w->rng) % ex.hot;
		h[k].wr = ex.stores && is_write_range(h[k].f, h[k].r);
		h[k].p = mmap(NULL, DT_RANGE_SIZE, PROT_READ |
			      (h[k].wr ? PROT_WRITE : 0), MAP_SHARED,
			      ex.fds[h[k].f], (off_t)h[k].r << DT_RANGE_SHIFT);
		if (h[k].p == MAP_FAILED) {
			anomaly(AN_MMAP, "%s: mmap of file %u range %u: %s", w->name,
				h[k].f, h[k].r, dt_errname(errno));
			break;
		}
		k++;
	}
	/* touch all while all are held, store, hold, touch again */
	for (i = 0; i < k && !stopped(); i++)
		if (map_touch(w, &h[i], buf) ||
		    (h[i].wr && map_store(w, &h[i], buf)))
			break;
	if (i == k && !stopped()) {
		nanosleep(&hold, NULL);
		for (i = 0; i < k && !stopped(); i++)
			if (map_touch(w, &h[i], buf))
				break;
	}
	for (i = 0; i < k; i++)
		munmap(h[i].p, DT_RANGE_SIZE);
	add(&ex.sh->maps, k);
}

/* --- openers: open and close the files, as a guest application may --- */

static void opener_loop(struct ex_worker *w)
{
	while (!stopped()) {
		uint32_t f = rnd(&w->rng) % ex.nfiles;
		int fd = open(ex.paths[f], O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			anomaly(AN_IO, "%s: open %s: %s", w->name, ex.paths[f],
				dt_errname(errno));
			break;
		}
		close(fd);
		add(&ex.sh->cycles, 0);
		dt_heartbeat_add(0, 1);
	}
}

/* --- churn --- */

static void churn_loop(struct ex_worker *w)
{
	struct dt_churn c = {
		.dir = ex.workdir,
		.ranges = ex.churn_ranges,
		.seed = ex.seed,
		.mmap_coherent = ex.coherent,
		.map = ex.mmap_in_scope && !ex.mappers_refused,
	};
	unsigned int k = w->id * 100000u;

	while (!stopped()) {
		if (dt_churn_cycle(&c, k++)) {
			anomaly(c.err_mapped ? AN_CHURN_MAP : AN_IO, "%s: %s",
				w->name, c.err);
			break;
		}
		add(&ex.sh->cycles, 1);
		add(&ex.sh->mmap_behind, c.mmap_behind);
		c.mmap_behind = 0;
	}
}

static void work(void *arg)
{
	struct ex_worker *w = arg;

	struct dt_rwio io[EX_MAX_FILES];
	uint8_t s1[EX_BPR];
	uint32_t f;
	char *buf;

	if (w->kind == EX_CHURN) {
		churn_loop(w);
		return;
	}
	if (w->kind == EX_OPENER) {
		opener_loop(w);
		return;
	}
	if (posix_memalign((void **)&buf, DT_BLK_SIZE, DT_RANGE_SIZE)) {
		anomaly(AN_IO, "%s: out of memory", w->name);
		return;
	}
	for (f = 0; f < ex.nfiles; f++)
		dt_rwio_open(&io[f], ex.fds[f], 0, 0,
			     w->kind == EX_MAPPER ? 0 : 1u << DT_IO_URING,
			     false);
	while (!stopped()) {
		if (w->kind == EX_READER)
			reader_op(w, io, buf, s1);
		else if (w->kind == EX_WRITER)
			writer_op(w, io, buf);
		else
			mapper_op(w, buf);
	}
	for (f = 0; f < ex.nfiles; f++)
		dt_rwio_close(&io[f]);
	free(buf);
}

/* --- setup --- */

static void layout(struct dt_ctx *ctx)
{
	uint64_t factor = dt_param_long("factor");
	uint64_t pct = dt_param_long("space"), budget, ranges;
	struct dt_space sp;
	char b1[DT_FMT_LEN], b2[DT_FMT_LEN], why[256];

	ex.win_known = !dt_window_probe(ctx, &ex.win);
	if (ex.win_known) {
		ranges = factor * ex.win.slots;
		if (ranges < ex.win.slots + 16)
			ranges = ex.win.slots + 16;
	} else {
		ranges = dt_param_long("ranges");
		dt_info("%s; touching %" PRIu64 " ranges, exhaustion not confirmed",
			ex.win.source, ranges);
	}
	ex.nfiles = dt_param_long("files");
	ex.nr = (ranges + ex.nfiles - 1) / ex.nfiles;
	if (ex.nr < 2)
		ex.nr = 2;
	ex.total = ex.nr * ex.nfiles;

	/* write ranges: every RW mapping reserves its whole range */
	if (dt_space_get(ctx->workdir, &sp) < 0)
		dt_brk("statvfs %s: %s", ctx->workdir, strerror(errno));
	/* reserving a share of the free space is a fill: --allow-fill */
	if (dt_space_budget(ctx, sp.usable, pct, &budget, why,
			    sizeof(why)) < 0)
		dt_skip("%s", why);
	ex.churn_ranges = ctx->quick ? 3 : 4;
	if (budget > ((uint64_t)ex.churn_ranges + 2) << DT_RANGE_SHIFT)
		budget -= ((uint64_t)ex.churn_ranges + 2) << DT_RANGE_SHIFT;
	else
		budget = 0;
	ex.nwrite = budget >> DT_RANGE_SHIFT;
	if (ex.nwrite > ex.total / 2)
		ex.nwrite = ex.total / 2;
	ex.wstride = ex.nwrite ? ex.total / ex.nwrite : 1;
	if (ex.nwrite)
		ex.nwrite = (ex.total + ex.wstride - 1) / ex.wstride;
	dt_info("%u files x %u ranges = %s sparse; %u write ranges (%s free, %s%" PRIu64 "%% of it for reservations)",
		ex.nfiles, ex.nr,
		dt_fmt_bytes(b1, sizeof(b1),
			     (uint64_t)ex.total << DT_RANGE_SHIFT),
		ex.nwrite, dt_fmt_bytes(b2, sizeof(b2), sp.usable),
		ctx->features & DT_FEAT_FILL ? "" : "no --allow-fill: at most 64 MiB, not ",
		pct);
	dt_metric("window_slots", "%" PRIu64, ex.win.slots);
	dt_metric("window_source", "%s", ex.win.source);
	dt_metric("ranges", "%u", ex.total);
	dt_metric("write_ranges", "%u", ex.nwrite);
	dt_metric("files", "%u", ex.nfiles);
}

static void make_files(struct dt_ctx *ctx)
{
	uint32_t f;
	char name[32];

	for (f = 0; f < ex.nfiles; f++) {
		snprintf(name, sizeof(name), "ex.%u", f);
		if (dt_path(ex.paths[f], sizeof(ex.paths[f]), ctx->workdir,
			    name) < 0)
			dt_brk("path too long");
		ex.fds[f] = open(ex.paths[f], O_RDWR | O_CREAT | O_EXCL |
				 O_CLOEXEC, 0644);
		if (ex.fds[f] < 0)
			dt_brk("create %s: %s", ex.paths[f], strerror(errno));
		if (ftruncate(ex.fds[f], (off_t)ex.nr << DT_RANGE_SHIFT) < 0)
			dt_brk("truncate %s: %s", ex.paths[f], strerror(errno));
		if (f < DT_OBS_MAX_FILES)
			dt_obs_track(ex.obs, ex.paths[f]);
	}
}

static void add_workers(enum ex_kind kind, long n, bool procs)
{
	long i;

	for (i = 0; i < n; i++) {
		struct ex_worker *w = &ex.w[ex.nw];
		struct dt_pool_worker *pw;
		bool process = procs && (i & 1);
		char name[48];

		if (ex.nw >= EX_MAX_WORKERS)
			dt_brk("more than %d workers", EX_MAX_WORKERS);
		snprintf(name, sizeof(name), "%s %ld (%s)", kind_names[kind],
			 i, process ? "process" : "thread");
		pw = dt_pool_add(&ex.pool, name, process, kind, work, w);
		if (!pw)
			dt_brk("more than %d workers", DT_POOL_MAX);
		w->kind = kind;
		w->id = ex.nw;
		w->rng = dt_rand();
		w->name = pw->name;
		ex.nw++;
	}
}

static void setup(struct dt_ctx *ctx)
{
	bool procs = dt_param_bool("procs");
	double left = dt_runtime_left();
	uint32_t f;

	for (f = 0; f < EX_MAX_FILES; f++)
		ex.fds[f] = -1;
	if (dt_pool_init(&ex.pool) < 0)
		dt_brk("worker pool: %s", strerror(errno));
	ex.workdir = ctx->workdir;
	ex.seed = ctx->seed;
	ex.hot = dt_param_long("hot");
	ex.stores = dt_param_bool("stores");
	/* the workers run for the runtime budget (--runtime-mul) */
	if (dt_param("runtime"))
		ex.runtime = dt_param_long("runtime");
	else
		ex.runtime = left > 2 ? (long)left : 2;
	ex.obs = dt_obs_open(ctx);
	layout(ctx);
	if (ex.hot && ex.nwrite < (uint64_t)ex.nfiles * ex.hot)
		dt_skip("parameter hot=%u needs %" PRIu64 " write ranges; the free space allows %u",
			ex.hot, (uint64_t)ex.nfiles * ex.hot, ex.nwrite);
	ex.shsize = sizeof(struct ex_shared) +
		    (size_t)ex.total * EX_BPR;
	ex.sh = mmap(NULL, ex.shsize, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ex.sh == MAP_FAILED) {
		ex.sh = NULL;
		dt_brk("shared state of %zu bytes: %s", ex.shsize,
		       strerror(errno));
	}
	make_files(ctx);
	if (dt_param_given("mmap_coherent"))
		ex.coherent = dt_param_bool("mmap_coherent");
	else
		ex.coherent = dt_is_dax(ex.fds[0]) == 1 ||
			      !(ctx->features & DT_FEAT_FUSE);
	dt_metric("mmap_coherent", "%d", ex.coherent);
	add_workers(EX_READER, dt_param_long("readers"), procs);
	if (ex.nwrite)
		add_workers(EX_WRITER, dt_param_long("writers"), procs);
	ex.mmap_in_scope = dt_claim_in_scope(ctx, "mmap");
	if (!ex.mmap_in_scope) {
		dt_info("mappers left out, churn without a mapping: %s does not map files DAX on mmap",
			dt_target_label(ctx->features, ctx->target_name));
		dt_metric("mappers", "left out (the target does not map files DAX on mmap)");
	} else {
		ex.mappers_refused = !shared_mmap_works();
	}
	if (ex.mmap_in_scope && !ex.mappers_refused) {
		ex.nmappers = dt_param_long("mappers");
		add_workers(EX_MAPPER, ex.nmappers, procs);
	}
	ex.nchurn = dt_param_long("churn");
	add_workers(EX_CHURN, ex.nchurn, procs);
	add_workers(EX_OPENER, dt_param_long("openers"), procs);
	if (ex.hot)
		dt_metric("hot", "%u", ex.hot);
	if (dt_param_long("openers"))
		dt_metric("openers", "%ld", dt_param_long("openers"));
	if (!ex.nw)
		dt_brk("no workers");
	ex.have_ctl = (ctx->features & DT_FEAT_COUNTERS) &&
		      !dt_ctl_read(ctx->workdir, &ex.ctl0);
}

/* --- run --- */

/* a worker process killed by a signal: a SIGBUS is the target's doing */
static void died(const struct dt_pool_worker *w, int sig, void *arg)
{
	if (sig == SIGBUS)
		dt_claim_failed(w->kind == EX_MAPPER ? "mmap" : "complete",
				"%s was killed by %s", w->name, strsignal(sig));
	else
		dt_res(DT_ERROR, "%s was killed by %s", w->name,
		       strsignal(sig));
}

/* Read every write range back whole, and one block of every hole range. */
static int final_check(char *msg, size_t len)
{
	uint32_t f, r, b;
	char *buf, desc[256];
	int ret = 0;

	if (posix_memalign((void **)&buf, DT_BLK_SIZE, DT_RANGE_SIZE))
		dt_brk("out of memory");
	for (f = 0; f < ex.nfiles && !ret; f++) {
		for (r = 0; r < ex.nr && !ret; r++) {
			uint64_t base = (uint64_t)r << DT_RANGE_SHIFT;
			size_t want = is_write_range(f, r) ? DT_RANGE_SIZE :
							     DT_BLK_SIZE;
			size_t done = 0;

			while (done < want) {
				ssize_t n = pread(ex.fds[f], buf + done,
						  want - done, base + done);

				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0) {
					snprintf(msg, len, "final read of file %u at 0x%" PRIx64 ": %s",
						 f, base + done, n < 0 ?
						 dt_errname(errno) :
						 "end of file");
					ret = -1;
					break;
				}
				done += n;
			}
			if (ret)
				break;
			dt_heartbeat_add(want, 1);
			for (b = 0; b < want / DT_BLK_SIZE; b++) {
				uint64_t off = base + (uint64_t)b * DT_BLK_SIZE;
				uint8_t s = *bstate(f, off);

				if (s == DT_BS_WRITING)
					continue;	/* a write that failed */
				if (!judge(f, off,
					   buf + (size_t)b * DT_BLK_SIZE,
					   s, s, desc, sizeof(desc)))
					continue;
				snprintf(msg, len, "final check of file %u at offset 0x%" PRIx64 ": %s",
					 f, off, desc);
				ret = -1;
				break;
			}
		}
	}
	free(buf);
	return ret;
}

/*
 * Reclaims: the dmapfs counter, else removals of the tracked files by an
 * observer that counts them (the files stay open and whole: every
 * removal of theirs is a reclaim).
 */
static void judge_reclaims(const struct dt_obs_delta *d, bool known,
			   uint64_t reclaims, const char *counts)
{
	if (!known && d->map_valid && d->counts[0].removes &&
	    d->counts[0].scope == DT_OBS_SCOPE_CASE && !d->map.lossy) {
		known = true;
		reclaims = d->map.tracked_removes;
	}
	if (known && reclaims) {
		dt_claim_held("reclaims", "%" PRIu64 " reclaims (%s)", reclaims,
			      counts);
		return;
	}
	if (known && ex.win_known) {
		dt_claim_failed("reclaims", "%u ranges used with a window of %" PRIu64 " slots, but no reclaim was counted (%s)",
				ex.total, ex.win.slots, counts);
		return;
	}
	if (known)
		dt_claim_unmeasured("reclaims", "none counted, and the window's size is unknown (%s)",
				    counts);
	else
		dt_claim_unmeasured("reclaims", "no observer counts removals: %s",
				    d->map_valid ? "kprobe counts setups only" :
				    d->map_why);
}

static void run(struct dt_ctx *ctx)
{
	char msg[512], counts[256], rec[160] = "", win[32];
	struct dt_obs_delta d;
	struct dt_ctl c1;
	double t0, secs;
	uint64_t reclaims = 0;
	bool reclaims_known = false;

	dt_phase("%d workers on %u ranges (window %" PRIu64 " slots), %.0f s",
		 ex.nw, ex.total, ex.win.slots, ex.runtime);
	dt_obs_begin(ex.obs);
	t0 = dt_now();
	if (dt_pool_start(&ex.pool, t0 + ex.runtime, msg, sizeof(msg)) < 0)
		dt_brk("starting the workers: %s", msg);
	/* no heartbeat of our own here: only the workers' progress counts */
	while (!stopped()) {
		usleep(100000);
		dt_obs_poll(ex.obs);
	}
	dt_pool_join(&ex.pool, died, NULL);
	secs = dt_now() - t0;
	dt_obs_end(ex.obs, &d);
	if (ex.have_ctl && !dt_ctl_read(ctx->workdir, &c1)) {
		reclaims = c1.reclaims - ex.ctl0.reclaims;
		reclaims_known = true;
		dt_metric("reclaims", "%" PRIu64, reclaims);
		dt_metric("removemappings", "%" PRIu64,
			  c1.removemappings - ex.ctl0.removemappings);
		snprintf(rec, sizeof(rec), ", %" PRIu64 " reclaims", reclaims);
		dt_ctl_free(&c1);
	}
	dt_obs_metrics(&d, "run");
	dt_metric("seconds", "%.2f", secs);
	dt_metric("reads", "%" PRIu64, ex.sh->reads);
	dt_metric("writes", "%" PRIu64, ex.sh->writes);
	dt_metric("mappings", "%" PRIu64, ex.sh->maps);
	dt_metric("mmap_stores", "%" PRIu64, ex.sh->stores);
	dt_metric("churn_cycles", "%" PRIu64, ex.sh->cycles);
	dt_metric("bytes", "%" PRIu64, ex.sh->bytes);
	dt_metric("blocks_checked", "%" PRIu64, ex.sh->checked);
	dt_metric("blocks_raced", "%" PRIu64, ex.sh->raced);
	if (!ex.coherent)
		dt_metric("mmap_behind_pread", "%" PRIu64, ex.sh->mmap_behind);

	if (ex.pool.ctl->nanom) {
		static const char *const kind_claim[] = {
			[AN_IO] = "complete", [AN_DATA] = "data",
			[AN_MMAP] = "mmap", [AN_CHURN_MAP] = "churn-mapped",
		};
		char state[160] = "";

		if (ex.have_ctl && !dt_ctl_read(ctx->workdir, &c1)) {
			snprintf(state, sizeof(state),
				 "; dmapfs then: %" PRIu64 " of %" PRIu64 " slots free, %" PRIu64 " reclaims during the run",
				 c1.slots_free, c1.slots_total,
				 c1.reclaims - ex.ctl0.reclaims);
			dt_ctl_free(&c1);
		}
		dt_metric("anomalies", "%u", ex.pool.ctl->nanom);
		dt_claim_failed(kind_claim[ex.pool.ctl->first.kind ?
					   ex.pool.ctl->first.kind : AN_IO],
				"%s%s", ex.pool.ctl->first.what, state);
		return;
	}
	dt_claim_held("complete", "%" PRIu64 " reads, %" PRIu64 " writes, %" PRIu64 " truncate/unlink cycles by %d workers in %.1f s",
		      ex.sh->reads, ex.sh->writes, ex.sh->cycles, ex.nw, secs);
	if (!ex.mmap_in_scope)
		dt_claim_out_of_scope(ctx, "mmap");
	else if (ex.nmappers)
		dt_claim_held("mmap", "%" PRIu64 " mappings held and touched, %" PRIu64 " stores",
			      ex.sh->maps, ex.sh->stores);
	else if (!ex.mappers_refused)
		dt_claim_unmeasured("mmap", "no mappers (-p mappers=0)");
	if (!dt_claim_in_scope(ctx, "churn-mapped"))
		dt_claim_out_of_scope(ctx, "churn-mapped");
	else if (ex.mappers_refused)
		dt_claim_unmeasured("churn-mapped", "this mount refuses MAP_SHARED mmap (ENODEV)");
	else if (ex.nchurn && ex.sh->cycles)
		dt_claim_held("churn-mapped", "%" PRIu64 " files mapped, truncated, unlinked and extended", ex.sh->cycles);
	else
		dt_claim_unmeasured("churn-mapped", "%s",
				    ex.nchurn ? "no churn cycle completed" :
						"no churn workers (-p churn=0)");
	dt_phase("final check");
	if (final_check(msg, sizeof(msg))) {
		dt_claim_failed("data", "%s", msg);
		return;
	}
	dt_claim_held("data", "%" PRIu64 " blocks checked, and the write ranges read back whole",
		      ex.sh->checked);
	dt_obs_map_text(&d, counts, sizeof(counts));
	if (ex.win_known)
		dt_claim_held("exhausted", "%u ranges for a window of %" PRIu64 " slots (%s)",
			      ex.total, ex.win.slots, ex.win.source);
	else
		dt_claim_unmeasured("exhausted", "%s: exhaustion not confirmed",
				    ex.win.source);
	judge_reclaims(&d, reclaims_known, reclaims, counts);
	if (ex.win_known)
		snprintf(win, sizeof(win), "%" PRIu64 " slots", ex.win.slots);
	else
		snprintf(win, sizeof(win), "unknown size");
	/* the reason of a PASS; the claims decide whether there is one */
	dt_res(DT_PASS, "%u ranges in %u files, window of %s, %d workers for %.1f s: %" PRIu64
	       " reads, %" PRIu64 " writes, %" PRIu64 " mappings (%" PRIu64
	       " stores), %" PRIu64 " truncate/unlink cycles, %" PRIu64
	       " blocks checked, all data right%s; %s",
	       ex.total, ex.nfiles, win, ex.nw, secs,
	       ex.sh->reads, ex.sh->writes,
	       ex.sh->maps, ex.sh->stores, ex.sh->cycles, ex.sh->checked,
	       rec, d.map_valid ? counts : d.map_why);
}

static void cleanup(struct dt_ctx *ctx)
{
	uint32_t f;

	dt_pool_destroy(&ex.pool);
	for (f = 0; f < EX_MAX_FILES; f++)
		if (ex.fds[f] >= 0) {
			close(ex.fds[f]);
			ex.fds[f] = -1;
		}
	dt_ctl_free(&ex.ctl0);
	dt_obs_close(ex.obs);
	ex.obs = NULL;
	if (ex.sh)
		munmap(ex.sh, ex.shsize);
	ex.sh = NULL;
}

const struct dt_case dt_case_dmap_exhaust = {
	.name = "dmap-exhaust",
	.desc = "many more 2 MiB ranges than window slots, concurrent readers, writers, pinning mmaps, truncate and unlink: completes, data right, reclaims",
	.groups = groups,
	/* without a DAX window there is nothing to exhaust */
	.needs_features = DT_FEAT_DAX,
	.params = params,
	.claims = claims,
	.timeout = 300,
	.runtime = 10,
	.progress_window = 20,
	.setup = setup,
	.run = run,
	.cleanup = cleanup,
};
