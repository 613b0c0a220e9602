// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mixed-rw-2m: reads and writes on one 2 MiB-aligned range (one DAX
 * mapping) of a file, first in order, then all at once.
 *
 * The file is truncated to three ranges first (writes that extend i_size
 * bypass DAX) and only range 1 is used.
 *
 * Sequential part: read the sparse range (one RO mapping expected), write
 * it (exactly one RO->RW upgrade in place, no second mapping), read it
 * back (the new data). Mapping counts come from the mapping observer
 * (dmapfs counters, kprobe on a guest) and, on dmapfs, the map lines of
 * the control file; without an observer that check is reported as not
 * made.
 *
 * Concurrent part: writers and readers, as threads and as processes,
 * through pread/pwrite, io_uring and MAP_SHARED mmap (PROT_READ for
 * readers, PROT_WRITE + msync for writers), for the runtime budget. The
 * mmap method is what claim conc-mmap is about, which needs a target
 * whose MAP_SHARED mmaps are DAX mappings (DT_FEAT_DAX_MMAP): elsewhere
 * (dmapfs: its mmaps go through the kernel page cache) it is left out
 * unless -p methods names it, and then only its data are judged. Data
 * are self-describing 4 KiB blocks (offset, generation, writer,
 * checksum; lib/dt_blk.h), each owned by one writer; readers judge only
 * blocks whose writer was idle during the read (lib/dt_owned.h), so a
 * correct stack gives no false positive. When the window size is known,
 * an evictor reads other ranges now and then so the range is reclaimed
 * and set up again (RO or RW, then upgraded) while the workers run.
 *
 * A block that reads back older than written is told apart by evicting
 * the range and reading again: still old in the file -> "lost write";
 * right in the file -> "stale read" (reads came from a stale mapping).
 *
 * Parameters: runtime (seconds; the budget, 10 by default, quick 4), writers (4), readers (4),
 * procs (1: every other worker is a process; 0: threads only), methods
 * (psync,uring,mmap; without DAX mmap psync,uring), span (16: blocks per
 * read at most), evict_ms
 * (250; 0: no evictions), parts (seq,conc), window (window size when the
 * target cannot tell), mmap_coherent (default: 1 on a DAX file or a
 * non-FUSE target; 0 on FUSE without DAX, e.g. dmapfs, whose mmap goes
 * through a page cache: a block that looks old through the mapping is
 * then read again with pread and only that is judged).
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dt_blk.h"
#include "dt_case.h"
#include "dt_clock.h"
#include "dt_dmapctl.h"
#include "dt_fmt.h"
#include "dt_fs.h"
#include "dt_observe.h"
#include "dt_owned.h"
#include "dt_pool.h"
#include "dt_rwio.h"
#include "dt_window.h"

#define MRW_IDX		1
#define MRW_BASE	((uint64_t)MRW_IDX << DT_RANGE_SHIFT)
#define MRW_NBLKS	(DT_RANGE_SIZE / DT_BLK_SIZE)
#define MRW_MAX_WORKERS	16

struct mrw {
	bool seq, conc;
	double runtime;
	int nwriters, nreaders;
	bool procs;
	unsigned int methods;
	uint32_t span;
	long evict_ms;
	bool mmap_coherent;
	bool mmap_in_scope;	/* the target maps files DAX on mmap */

	int fd;
	const char *workdir;
	char path[PATH_MAX];
	char rel[PATH_MAX];	/* as the dmapfs map lines spell it */
	bool have_ctl;
	struct dt_window win;
	bool win_known;
	struct dt_obs *obs;
	struct dt_own *own;
	char *buf;		/* one range */
	bool seq_data_bad;
	bool observer_ok;	/* it saw the first read's setup */
	bool failed;
	const char *claim;	/* what the part running now reports on */
	char seq_note[512];
	char conc_note[512];

	/* concurrent part */
	struct dt_own_worker workers[MRW_MAX_WORKERS];
	struct dt_pool pool;
	uint64_t evictions;
};

static struct mrw mrw = { .fd = -1 };

static const char *const groups[] = { "stress", "quick", "dax", NULL };
static const char *const parts[] = { "seq", "conc", NULL };
static const char *const methods[] = { "psync", "uring", "io_uring", "mmap",
				       NULL };

static const struct dt_claim claims[] = {
	{ "seq-read", "reading an unmapped sparse range returns zeros and sets up one read-only mapping" },
	{ "seq-upgrade", "writing that range upgrades its mapping in place, once (no second mapping), and the data reads back" },
	{ "observer", "the mapping observer saw the setup of the range read first" },
	{ "conc-data", "concurrent readers and writers (threads and processes; pread/pwrite, io_uring and, where it runs, mmap) see no torn, stale or lost block" },
	{ "conc-mmap", "loads and stores through DAX mmaps of the range, among those readers and writers, see no torn, stale or lost block",
	  .needs_features = DT_FEAT_DAX_MMAP },
	{ "conc-map", "under concurrent access the range has one mapping at most, and no more upgrades than read-only setups" },
	{ NULL },
};

static const struct dt_param_decl mrw_params[] = {
	{ "parts", DT_PARAM_CHOICES, "seq,conc", NULL,
	  "the sequential part, the concurrent part, or both",
	  .choices = parts },
	{ "runtime", DT_PARAM_LONG, NULL, "4",
	  "seconds of the concurrent part (default: the runtime budget)",
	  .min = "1" },
	{ "writers", DT_PARAM_LONG, "4", NULL, "writers (16 workers at most)",
	  .min = "1", .max = "16" },
	{ "readers", DT_PARAM_LONG, "4", NULL, "readers (16 workers at most)",
	  .min = "0", .max = "15" },
	{ "procs", DT_PARAM_BOOL, "1", NULL,
	  "every other worker is a process (else threads only)" },
	{ "methods", DT_PARAM_CHOICES, NULL, NULL,
	  "I/O methods of the workers (default: psync,uring,mmap; psync,uring where the target does not map files DAX on mmap)",
	  .choices = methods },
	{ "span", DT_PARAM_LONG, "16", NULL, "blocks per read at most",
	  .min = "1", .max = "64" },
	{ "evict_ms", DT_PARAM_LONG, "250", NULL,
	  "milliseconds between evictions of the range (0: none)",
	  .min = "0" },
	{ "mmap_coherent", DT_PARAM_BOOL, NULL, NULL,
	  "loads through a mapping see direct I/O (default: a DAX file or not FUSE)" },
	DT_PARAM_WINDOW,
	{ NULL },
};

static void mrw_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void mrw_fail(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	mrw.failed = true;
	dt_claim_failed(mrw.claim, "%s", buf);
}

static unsigned int parse_methods(const char *s)
{
	unsigned int m = 0;
	char buf[128], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "psync"))
			m |= 1u << DT_IO_PSYNC;
		else if (!strcmp(tok, "uring") || !strcmp(tok, "io_uring"))
			m |= 1u << DT_IO_URING;
		else if (!strcmp(tok, "mmap"))
			m |= 1u << DT_IO_MMAP;
		else
			dt_brk("parameter methods: '%s' is not psync, uring or mmap",
			       tok);
	}
	if (!m)
		dt_brk("parameter methods: empty");
	return m;
}

static void params(struct dt_ctx *ctx)
{
	const char *p = dt_param("parts");
	double left = dt_runtime_left();

	mrw.seq = strstr(p, "seq");
	mrw.conc = strstr(p, "conc");
	/* the concurrent part runs for the runtime budget (--runtime-mul) */
	if (dt_param("runtime"))
		mrw.runtime = dt_param_long("runtime");
	else
		mrw.runtime = left > 2 ? (long)left : 2;
	mrw.nwriters = dt_param_long("writers");
	mrw.nreaders = dt_param_long("readers");
	if (mrw.nwriters + mrw.nreaders > MRW_MAX_WORKERS)
		dt_brk("parameters writers/readers: %d in all at most",
		       MRW_MAX_WORKERS);
	mrw.procs = dt_param_bool("procs");
	mrw.mmap_in_scope = dt_claim_in_scope(ctx, "conc-mmap");
	if (dt_param_given("methods"))
		mrw.methods = parse_methods(dt_param("methods"));
	else
		mrw.methods = parse_methods(mrw.mmap_in_scope ?
					    "psync,uring,mmap" : "psync,uring");
	if (!mrw.mmap_in_scope && !dt_param_given("methods"))
		dt_info("mmap left out of the concurrent part: %s does not map files DAX on mmap",
			dt_target_label(ctx->features, ctx->target_name));
	mrw.span = dt_param_long("span");
	mrw.evict_ms = dt_param_long("evict_ms");
}

static void setup(struct dt_ctx *ctx)
{
	params(ctx);
	mrw.workdir = ctx->workdir;
	if (dt_path(mrw.path, sizeof(mrw.path), ctx->workdir, "mixed") < 0)
		dt_brk("path too long");
	mrw.fd = open(mrw.path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (mrw.fd < 0)
		dt_brk("create %s: %s", mrw.path, strerror(errno));
	/* i_size first: writes inside i_size take the DAX path */
	if (ftruncate(mrw.fd, 3 * DT_RANGE_SIZE) < 0)
		dt_brk("truncate %s to 6 MiB: %s", mrw.path, strerror(errno));
	if (posix_memalign((void **)&mrw.buf, DT_BLK_SIZE, DT_RANGE_SIZE))
		dt_brk("out of memory");
	mrw.own = dt_own_create(MRW_BASE, MRW_NBLKS, mrw.nwriters, ctx->seed);
	if (!mrw.own)
		dt_brk("shared state: %s", strerror(errno));

	mrw.obs = dt_obs_open(ctx);
	dt_obs_track(mrw.obs, mrw.path);
	mrw.have_ctl = (ctx->features & DT_FEAT_COUNTERS) &&
		       !dt_ctl_relpath(mrw.path, mrw.rel, sizeof(mrw.rel));
	mrw.win_known = !dt_window_probe(ctx, &mrw.win);
	if (mrw.win_known) {
		dt_metric("window_slots", "%" PRIu64, mrw.win.slots);
		dt_info("window: %" PRIu64 " slots of 2 MiB (%s)",
			mrw.win.slots, mrw.win.source);
	} else {
		dt_info("%s: no evictions, stale and lost data not told apart",
			mrw.win.source);
	}
	dt_metric("window_source", "%s", mrw.win.source);
	if (dt_param_given("mmap_coherent"))
		mrw.mmap_coherent = dt_param_bool("mmap_coherent");
	else
		mrw.mmap_coherent = dt_is_dax(mrw.fd) == 1 ||
				    !(ctx->features & DT_FEAT_FUSE);
	if (!mrw.mmap_coherent)
		dt_info("mmap: loads go through a FUSE page cache that direct I/O does not keep coherent (no DAX on the file): a block that looks old through the mapping is read again with pread, and pread's answer is judged");
	dt_metric("mmap_coherent", "%d", mrw.mmap_coherent);
	dt_metric("range_offset", "%" PRIu64, MRW_BASE);
}

static int io_full(bool write, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = write ? pwrite(mrw.fd, (char *)buf + done,
					   len - done, off + done) :
				    pread(mrw.fd, (char *)buf + done,
					  len - done, off + done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			return -ENODATA;
		done += r;
	}
	dt_heartbeat_add(len, 1);
	return 0;
}

static const char *gen_text(uint64_t gen, char *buf, size_t len)
{
	if (gen)
		snprintf(buf, len, "%" PRIu64, gen);
	else
		snprintf(buf, len, "zeros (never written)");
	return buf;
}

/*
 * A data anomaly was seen: stop, evict the range from the window if we
 * can, read everything back and report what it was, with the offset.
 */
static void data_fail(struct dt_ctx *ctx, const char *part,
		      const struct dt_anom *seen)
{
	char why[256] = "", g1[48], g2[48];
	struct dt_anom fb;
	bool evicted = false;
	int n;

	if (seen->kind == DT_OWN_IOERR) {
		mrw_fail("%s: %s: %s", part, seen->who, seen->what);
		return;
	}
	if (seen->kind == DT_OWN_BAD) {
		mrw_fail("%s: bad block at offset 0x%" PRIx64
		       ": expected generation %" PRIu64 ", read %s (%s)",
		       part, seen->off, seen->want, seen->what, seen->who);
		return;
	}
	if (mrw.win_known) {
		dt_phase("%s: evicting the range", part);
		evicted = !dt_window_evict(ctx->workdir, mrw.win.slots, why,
					   sizeof(why));
		if (!evicted)
			dt_info("eviction failed: %s", why);
	} else {
		snprintf(why, sizeof(why), "%s", mrw.win.source);
	}
	n = dt_own_verify(mrw.own, mrw.fd, &fb);
	gen_text(seen->got, g2, sizeof(g2));
	if (n < 0) {
		mrw_fail("%s: stale read or lost write at offset 0x%"
		       PRIx64 ": generation %" PRIu64 " written, %s read back (%s); reading the range again failed: %s",
		       part, seen->off, seen->want, g2, seen->who, fb.what);
	} else if (!evicted) {
		mrw_fail("%s: stale read or lost write at offset 0x%"
		       PRIx64 ": generation %" PRIu64 " written, %s read back (%s); %d block(s) wrong when read again; could not evict the range to tell which: %s",
		       part, seen->off, seen->want, g2, seen->who, n, why);
	} else if (n > 0 && fb.kind == DT_OWN_STALE) {
		gen_text(fb.got, g1, sizeof(g1));
		mrw_fail("%s: lost write at offset 0x%" PRIx64
		       ": generation %" PRIu64 " written, %s read back, still so after evicting the range from the window; %d block(s) lost (first seen at 0x%" PRIx64 " by %s)",
		       part, fb.off, fb.want, g1, n, seen->off, seen->who);
	} else if (n > 0) {
		mrw_fail("%s: bad block at offset 0x%" PRIx64
		       " after evicting the range: expected generation %"
		       PRIu64 ", read %s (first seen at 0x%" PRIx64
		       ": generation %" PRIu64 " written, %s read back, by %s)",
		       part, fb.off, fb.want, fb.what, seen->off, seen->want,
		       g2, seen->who);
	} else {
		mrw_fail("%s: stale read at offset 0x%" PRIx64
		       ": generation %" PRIu64 " written, %s read back (%s); once the range was evicted from the window the file held generation %"
		       PRIu64 ": reads were served from a stale mapping",
		       part, seen->off, seen->want, g2, seen->who,
		       seen->want);
	}
}

/* The map lines of our range: how many, how many RW, described. */
static int ctl_maps(int *nrw, char *desc, size_t len)
{
	struct dt_ctl c;
	int n;

	if (!mrw.have_ctl || dt_ctl_read(mrw.workdir, &c) < 0)
		return -1;
	n = dt_ctl_maps_of(&c, mrw.rel, MRW_IDX, nrw, desc, len);
	dt_ctl_free(&c);
	return n;
}

/*
 * Judge the mapping counts of one sequential step: 0 checked and right,
 * 1 wrong (what is wrong in fails, for the caller to report), -1 not
 * checked (note says why).
 */
static int seq_judge_map(const char *step, const struct dt_obs_delta *d,
			 uint64_t ro, uint64_t rw, uint64_t up, bool want_rw,
			 char *note, size_t len, char *fails, size_t flen)
{
	char counts[256], desc[128];
	int n, nrw = 0, bad = 0;
	size_t pos = 0;
	/* counts of an observer that missed the first read prove nothing */
	bool counts_ok = d->map_valid && mrw.observer_ok;

	fails[0] = '\0';

	dt_obs_map_text(d, counts, sizeof(counts));
	if (counts_ok && (d->map.setup_ro != ro || d->map.setup_rw != rw ||
			  d->map.upgrades != up)) {
		pos += snprintf(fails + pos, flen - pos,
				"sequential %s: expected setup_ro=%" PRIu64
				" setup_rw=%" PRIu64 " upgrades=%" PRIu64
				", counted %s", step, ro, rw, up, counts);
		bad = 1;
	}
	n = ctl_maps(&nrw, desc, sizeof(desc));
	if (n > 1) {
		/* e.g. a new RW mapping instead of an upgrade: a leak */
		if (pos < flen)
			snprintf(fails + pos, flen - pos,
				 "%ssequential %s: a second mapping of range %d: the map shows %d (%s), expected one %s mapping",
				 pos ? "; " : "", step, MRW_IDX, n, desc,
				 want_rw ? "RW" : "RO");
		bad = 1;
	} else if (n >= 0 && (n != 1 || (nrw == 1) != want_rw)) {
		if (pos < flen)
			snprintf(fails + pos, flen - pos,
				 "%ssequential %s: expected one %s mapping of range %d, the map shows %d%s%s%s",
				 pos ? "; " : "", step, want_rw ? "RW" : "RO",
				 MRW_IDX, n, n ? " (" : "", desc, n ? ")" : "");
		bad = 1;
	}
	if (counts_ok)
		snprintf(note, len, "%s%s", d->map_backend,
			 n >= 0 ? " and the map lines" : "");
	else if (d->map_valid)
		snprintf(note, len, "%s missed the first read's mapping%s",
			 d->map_backend, n >= 0 ? "; the map lines agree" : "");
	else
		snprintf(note, len, "%s", d->map_why);
	if (bad)
		return 1;
	/* the map lines alone see the mappings, not how they came */
	return counts_ok ? 0 : -1;
}

static void seq_part(struct dt_ctx *ctx)
{
	char note_r[384], note_w[384], d[160], fails[768];
	struct dt_obs_delta dr, dw;
	struct dt_anom first;
	struct dt_blk_info bi;
	uint32_t b, nbad = 0, zeros_bad;
	int ret, mr, mw;

	/* 1: read the sparse range: one RO mapping */
	mrw.claim = "seq-read";
	dt_phase("sequential: read");
	dt_obs_begin(mrw.obs);
	ret = io_full(false, mrw.buf, DT_RANGE_SIZE, MRW_BASE);
	dt_obs_end(mrw.obs, &dr);
	dt_obs_check_file(mrw.obs, mrw.fd, &dr);
	dt_obs_metrics(&dr, "seq.read");
	if (ret) {
		mrw_fail("sequential read of the sparse range at 0x%"
		       PRIx64 " failed: %s", MRW_BASE, strerror(-ret));
		mrw.seq_data_bad = true;
		return;
	}
	for (b = 0; b < MRW_NBLKS; b++) {
		uint64_t off = MRW_BASE + (uint64_t)b * DT_BLK_SIZE;

		if (dt_blk_check(mrw.buf + (size_t)b * DT_BLK_SIZE, off,
				 ctx->seed, &bi) == DT_BLK_ZERO)
			continue;
		mrw_fail("sequential read of a sparse range: offset 0x%"
		       PRIx64 " holds %s, not zeros", off,
		       dt_blk_describe(&bi, d, sizeof(d)));
		nbad = 1;
		break;
	}
	/* the positive control: a fresh file, one range read */
	mrw.observer_ok = dt_obs_judge_observer(&dr, "sequential read", 1,
						true, "observer") ==
			  DT_CLAIM_HELD;
	mr = seq_judge_map("read", &dr, 1, 0, 0, false, note_r,
			   sizeof(note_r), fails, sizeof(fails));
	if (mr > 0)
		mrw_fail("%s", fails);
	else if (!nbad && !mr)
		dt_claim_held("seq-read", "zeros, one read-only setup (%s)",
			      note_r);
	else if (!nbad)
		dt_claim_unmeasured("seq-read", "zeros read; the mapping not observed: %s",
				    note_r);

	/* 2: write it: the RO mapping is upgraded in place, once */
	mrw.claim = "seq-upgrade";
	dt_phase("sequential: write");
	for (b = 0; b < MRW_NBLKS; b++)
		dt_blk_fill(mrw.buf + (size_t)b * DT_BLK_SIZE,
			    MRW_BASE + (uint64_t)b * DT_BLK_SIZE, 1,
			    b % mrw.nwriters, ctx->seed);
	dt_obs_begin(mrw.obs);
	ret = io_full(true, mrw.buf, DT_RANGE_SIZE, MRW_BASE);
	dt_obs_end(mrw.obs, &dw);
	dt_obs_check_file(mrw.obs, mrw.fd, &dw);
	dt_obs_metrics(&dw, "seq.write");
	if (ret) {
		mrw_fail("sequential write of the 2 MiB range at 0x%"
		       PRIx64 " failed: %s", MRW_BASE, strerror(-ret));
		mrw.seq_data_bad = true;
		return;
	}
	for (b = 0; b < MRW_NBLKS; b++)
		mrw.own->blk[b].gen = 1;
	/* judged now, before a read-back or an eviction changes the map */
	mw = seq_judge_map("write", &dw, 0, 0, 1, true, note_w,
			   sizeof(note_w), fails, sizeof(fails));

	/* 3: read back: the new data */
	dt_phase("sequential: read back");
	ret = io_full(false, mrw.buf, DT_RANGE_SIZE, MRW_BASE);
	if (ret) {
		mrw_fail("sequential read-back at 0x%" PRIx64
		       " failed: %s", MRW_BASE, strerror(-ret));
		mrw.seq_data_bad = true;
		return;
	}
	memset(&first, 0, sizeof(first));
	zeros_bad = nbad;
	nbad = 0;
	for (b = 0; b < MRW_NBLKS; b++) {
		uint64_t off = MRW_BASE + (uint64_t)b * DT_BLK_SIZE;
		const char *blk = mrw.buf + (size_t)b * DT_BLK_SIZE;

		if (dt_blk_check(blk, off, ctx->seed, &bi) == DT_BLK_OK &&
		    bi.gen == 1)
			continue;
		if (!nbad++) {
			dt_own_describe(mrw.own, blk, off, 1, &first);
			snprintf(first.who, sizeof(first.who),
				 "one pwrite of the whole range, then one pread");
		}
	}
	dt_metric("seq.bad_blocks", "%u", nbad);
	/* the data verdict first: it names the offset */
	if (nbad) {
		mrw.seq_data_bad = true;
		data_fail(ctx, "sequential read-write-read", &first);
	}
	/* then the mapping checks of the write */
	if (mw > 0)
		mrw_fail("%s", fails);
	if (!nbad && !mw)
		dt_claim_held("seq-upgrade", "one upgrade in place, no second mapping, the data read back (%s)",
			      note_w);
	else if (!nbad && mw < 0)
		dt_claim_unmeasured("seq-upgrade", "the data read back; the upgrade not observed: %s",
				    note_w);
	if (nbad || zeros_bad || mr > 0 || mw > 0)
		return;
	if (!mr && !mw)
		snprintf(mrw.seq_note, sizeof(mrw.seq_note),
			 "sequential: read zeros (one RO mapping), wrote the range (one upgrade in place, no second mapping), read it back (%s)",
			 note_w);
	else
		snprintf(mrw.seq_note, sizeof(mrw.seq_note),
			 "sequential: read zeros, wrote the range, read it back; mappings not checked: %s",
			 mr ? note_r : note_w);
}

/* --- the concurrent part --- */

static void start_workers(struct dt_ctx *ctx)
{
	int i, n = mrw.nwriters + mrw.nreaders;
	char name[48], err[256];

	dt_pool_init_ctl(&mrw.pool, &mrw.own->ctl);
	for (i = 0; i < n; i++) {
		struct dt_own_worker *w = &mrw.workers[i];
		bool writer = i < mrw.nwriters;
		int id = writer ? i : i - mrw.nwriters;
		bool proc = mrw.procs && (id & 1);

		w->own = mrw.own;
		w->fd = mrw.fd;
		w->id = id;
		w->writer = writer;
		w->methods = mrw.methods;
		w->max_span = mrw.span;
		w->mmap_coherent = mrw.mmap_coherent;
		w->rng = dt_rand();
		snprintf(name, sizeof(name), "%s %d (%s)",
			 writer ? "writer" : "reader", id,
			 proc ? "process" : "thread");
		snprintf(w->name, sizeof(w->name), "%s", name);
		dt_pool_add(&mrw.pool, name, proc, writer, dt_own_work_fn, w);
	}
	if (dt_pool_start(&mrw.pool, mrw.own->ctl.deadline, err,
			  sizeof(err)) < 0)
		dt_brk("starting the workers: %s", err);
	for (i = 0; i < mrw.pool.n; i++)
		if (mrw.pool.w[i].process)
			dt_obs_track_pid(mrw.obs, mrw.pool.w[i].pid);
}

/* a worker process killed by a signal: a SIGBUS is the target's doing */
static void died(const struct dt_pool_worker *w, int sig, void *arg)
{
	if (sig == SIGBUS)
		mrw_fail("%s was killed by SIGBUS", w->name);
	else
		dt_res(DT_ERROR, "%s was killed by %s", w->name,
		       strsignal(sig));
}

/* Wait for every worker; a worker process killed by a signal FAILs. */
static void stop_workers(void)
{
	dt_pool_join(&mrw.pool, died, NULL);
}

/*
 * Run the workers in epochs: every evict_ms, park them all, push the
 * range out of the window, and let them go on. Each epoch then starts
 * with the range unmapped, and its first accesses race to set it up
 * (RO for a read, RW for a write, upgrades after). Without a known
 * window size the workers just run.
 */
static void epochs(struct dt_ctx *ctx)
{
	struct timespec ts = {
		.tv_sec = mrw.evict_ms / 1000,
		.tv_nsec = (mrw.evict_ms % 1000) * 1000000L,
	};
	char why[200];

	if (!mrw.win_known || mrw.evict_ms <= 0) {
		while (!dt_pool_stopped(&mrw.own->ctl)) {
			usleep(50000);
			dt_obs_poll(mrw.obs);
		}
		return;
	}
	while (!dt_pool_stopped(&mrw.own->ctl)) {
		nanosleep(&ts, NULL);
		dt_obs_poll(mrw.obs);
		if (!dt_pool_pause(&mrw.own->ctl, mrw.pool.n))
			break;
		if (dt_window_evict(ctx->workdir, mrw.win.slots, why,
				    sizeof(why)) < 0) {
			struct dt_anom a = { .kind = DT_OWN_IOERR };

			snprintf(a.who, sizeof(a.who),
				 "the evictor (one page of each of %" PRIu64 " ranges of a sparse file)",
				 mrw.win.slots + 8);
			snprintf(a.what, sizeof(a.what), "%s", why);
			dt_pool_note(&mrw.own->ctl, &a);
		}
		mrw.evictions++;
		dt_pool_resume(&mrw.own->ctl);
	}
}

static void conc_metrics(double secs)
{
	struct dt_own *o = mrw.own;
	uint64_t w = 0, r = 0;
	int m;

	for (m = 0; m < DT_IO_NR; m++) {
		w += o->writes[m];
		r += o->reads[m];
		if (!(mrw.methods & (1u << m)))
			continue;
		dt_metric(m == DT_IO_PSYNC ? "conc.writes.psync" :
			  m == DT_IO_URING ? "conc.writes.io_uring" :
					     "conc.writes.mmap",
			  "%" PRIu64, o->writes[m]);
		dt_metric(m == DT_IO_PSYNC ? "conc.reads.psync" :
			  m == DT_IO_URING ? "conc.reads.io_uring" :
					     "conc.reads.mmap",
			  "%" PRIu64, o->reads[m]);
	}
	dt_metric("conc.seconds", "%.2f", secs);
	dt_metric("conc.writes", "%" PRIu64, w);
	dt_metric("conc.reads", "%" PRIu64, r);
	dt_metric("conc.blocks_checked", "%" PRIu64, o->checked);
	dt_metric("conc.blocks_raced", "%" PRIu64, o->raced);
	dt_metric("conc.readbacks", "%" PRIu64, o->readbacks);
	dt_metric("conc.mmap_msyncs", "%" PRIu64, o->msyncs);
	if (!mrw.mmap_coherent)
		dt_metric("conc.mmap_behind_pread", "%" PRIu64, o->mmap_stale);
	dt_metric("conc.mmap_sync_file_ranges", "%" PRIu64, o->ranges_synced);
	dt_metric("conc.bytes", "%" PRIu64, o->bytes);
	dt_metric("conc.evictions", "%" PRIu64, mrw.evictions);
	if (secs > 0)
		dt_metric("conc.ops_per_s", "%.0f", (w + r) / secs);
}

/* What the concurrent part says of DAX mmaps, once it found no anomaly. */
static void conc_mmap_claim(struct dt_ctx *ctx)
{
	uint64_t loads = mrw.own->reads[DT_IO_MMAP];
	uint64_t stores = mrw.own->writes[DT_IO_MMAP];

	if (!mrw.mmap_in_scope)
		dt_claim_out_of_scope(ctx, "conc-mmap");
	else if (!(mrw.methods & (1u << DT_IO_MMAP)))
		dt_claim_unmeasured("conc-mmap", "mmap is not among the methods (-p methods)");
	else if (!loads && !stores)
		dt_claim_unmeasured("conc-mmap", "no access went through a mapping (mmap refused?)");
	else
		dt_claim_held("conc-mmap", "%" PRIu64 " loads and %" PRIu64 " stores through the mappings, no block wrong",
			      loads, stores);
}

static void conc_part(struct dt_ctx *ctx)
{
	char counts[256], desc[128], b[DT_FMT_LEN];
	struct dt_anom fb;
	struct dt_obs_delta d;
	int n, nrw = 0, nmap, i;
	uint64_t w = 0, r = 0;
	double t0, secs;

	mrw.claim = "conc-data";
	if (!mrw.seq) {
		dt_phase("concurrent: writing generation 1");
		n = dt_own_write_all(mrw.own, mrw.fd, 1);
		if (n)
			dt_brk("writing the range before the concurrent part: %s",
			       strerror(-n));
	}
	dt_phase("concurrent: %d writers, %d readers, %.0f s",
		 mrw.nwriters, mrw.nreaders, mrw.runtime);
	dt_obs_begin(mrw.obs);
	t0 = dt_now();
	mrw.own->ctl.deadline = t0 + mrw.runtime;
	start_workers(ctx);
	epochs(ctx);
	stop_workers();
	secs = dt_now() - t0;
	dt_obs_end(mrw.obs, &d);
	dt_obs_check_file(mrw.obs, mrw.fd, &d);
	dt_obs_metrics(&d, "conc");
	conc_metrics(secs);
	for (i = 0; i < mrw.nwriters + mrw.nreaders; i++)
		if (mrw.workers[i].why[0]) {
			dt_info("%s: not usable: %s", mrw.workers[i].name,
				mrw.workers[i].why);
			break;
		}

	if (mrw.own->ctl.nanom) {
		dt_metric("conc.anomalies", "%u", mrw.own->ctl.nanom);
		/* seen through a DAX mmap: that claim's */
		if (mrw.mmap_in_scope &&
		    strstr(mrw.own->ctl.first.who, "via mmap"))
			mrw.claim = "conc-mmap";
		data_fail(ctx, "concurrent", &mrw.own->ctl.first);
		return;
	}
	dt_phase("concurrent: final check");
	n = dt_own_verify(mrw.own, mrw.fd, &fb);
	if (n) {
		snprintf(fb.who, sizeof(fb.who),
			 "the final pread of the range after the workers stopped");
		data_fail(ctx, "concurrent", &fb);
		return;
	}
	dt_claim_held("conc-data", "%" PRIu64 " blocks checked, none torn, stale or lost",
		      mrw.own->checked);
	conc_mmap_claim(ctx);
	mrw.claim = "conc-map";
	dt_obs_map_text(&d, counts, sizeof(counts));
	nmap = ctl_maps(&nrw, desc, sizeof(desc));
	/* without the map lines: what the observer counted alive */
	if (nmap < 0)
		nmap = dt_obs_live(mrw.obs, 0, desc, sizeof(desc));
	if (nmap > 1) {
		mrw_fail("concurrent: range %d has %d mappings after the workers stopped (%s)",
			 MRW_IDX, nmap, desc);
		return;
	}
	if (d.map_valid && d.map.upgrades > d.map.setup_ro) {
		mrw_fail("concurrent: more upgrades than RO mappings to upgrade: %s",
			 counts);
		return;
	}
	if (d.map_valid && nmap >= 0)
		dt_claim_held("conc-map", "%s; %d mapping(s) of the range after the workers stopped",
			      counts, nmap);
	else if (d.map_valid)
		dt_claim_unmeasured("conc-map", "how many mappings the range has is not known: %s",
				    desc);
	else
		dt_claim_unmeasured("conc-map", "%s", d.map_why);
	for (i = 0; i < DT_IO_NR; i++) {
		w += mrw.own->writes[i];
		r += mrw.own->reads[i];
	}
	snprintf(mrw.conc_note, sizeof(mrw.conc_note),
		 "concurrent: %d writers, %d readers (%s) for %.1f s: %" PRIu64
		 " writes, %" PRIu64 " reads, %" PRIu64
		 " blocks checked, %s, %" PRIu64
		 " evictions; no torn, stale or lost block; %s",
		 mrw.nwriters, mrw.nreaders,
		 mrw.procs ? "threads and processes" : "threads", secs, w, r,
		 mrw.own->checked, dt_fmt_bytes(b, sizeof(b), mrw.own->bytes),
		 mrw.evictions, d.map_valid ? counts : d.map_why);
}

static void not_run(struct dt_ctx *ctx, const char *part, const char *why)
{
	static const char *const seq[] = { "seq-read", "seq-upgrade",
					   "observer", NULL };
	static const char *const conc[] = { "conc-data", "conc-mmap",
					    "conc-map", NULL };
	const char *const *c;

	for (c = strcmp(part, "seq") ? conc : seq; *c; c++)
		if (dt_claim_in_scope(ctx, *c))
			dt_claim_unmeasured(*c, "%s", why);
		else
			dt_claim_out_of_scope(ctx, *c);
}

static void run(struct dt_ctx *ctx)
{
	if (mrw.seq)
		seq_part(ctx);
	else
		not_run(ctx, "seq", "the sequential part was not run (-p parts)");
	if (mrw.conc && mrw.seq_data_bad)
		not_run(ctx, "conc", "not run: the sequential part already lost data");
	else if (mrw.conc)
		conc_part(ctx);
	else
		not_run(ctx, "conc", "the concurrent part was not run (-p parts)");
	/* the reason of a PASS; the claims decide whether there is one */
	if (!mrw.failed)
		dt_res(DT_PASS, "%s%s%s", mrw.seq_note,
		       mrw.seq_note[0] && mrw.conc_note[0] ? "; " : "",
		       mrw.conc_note);
}

static void cleanup(struct dt_ctx *ctx)
{
	if (mrw.own)
		dt_pool_destroy(&mrw.pool);
	dt_obs_close(mrw.obs);
	mrw.obs = NULL;
	if (mrw.fd >= 0)
		close(mrw.fd);
	mrw.fd = -1;
	dt_own_destroy(mrw.own);
	mrw.own = NULL;
	free(mrw.buf);
	mrw.buf = NULL;
}

const struct dt_case dt_case_mixed_rw_2m = {
	.name = "mixed-rw-2m",
	.desc = "read, write, read back one 2 MiB range (RO mapping, one upgrade), then concurrent readers and writers with verified blocks",
	.groups = groups,
	.params = mrw_params,
	.claims = claims,
	.timeout = 300,
	.runtime = 10,
	.progress_window = 30,
	.setup = setup,
	.run = run,
	.cleanup = cleanup,
};
