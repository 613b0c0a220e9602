// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * truncate-od: the patch's first reproducer,
 *
 *	truncate -s 100G f; od -x f
 *
 * Reading a sparse file must complete, return zeros, allocate nothing on
 * the host and set up read-only mappings only: before the patch every
 * mapping was read-write, so the host took write faults and allocated
 * (and, with the host full, the read hung).
 *
 * native:       1 MiB requests (io_uring, 4 in flight; pread without
 *               io_uring), every byte checked, throughput reported.
 * literal:      the real od -x; its exact output is checked (a zero line,
 *               "*", the size in octal). od reads ~100 MB/s, so the
 *               default size is smaller.
 * *-full:       the same with the host file system filled first through
 *               the target (needs a target that may be filled).
 * mmap-hole-full: the holes read through MAP_SHARED PROT_READ mappings
 *               (64 MiB at a time) with the host full: a read fault of a
 *               hole must need no space (a host that allocates on read
 *               faults, as tmpfs does, SIGBUSes there: a FAIL that says
 *               so, never a crash). Its ro-only claim is about the
 *               faults' mappings and needs a target whose mmaps are DAX
 *               mappings (on dmapfs they are FUSE reads through the page
 *               cache: out of scope there); zeros and no allocation on a
 *               full host are a read fault of a hole on the host, and
 *               are measured everywhere.
 *
 * Parameters: size (native 100G, literal 1G, mmap 256M; quick 256M /
 * 64M),
 * bs (1M), qd (4), engine (auto|pread|uring), fs_slack (4M: growth of
 * the host's used space tolerated from unrelated writers).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt_ballast.h"
#include "dt_case.h"
#include "dt_clock.h"
#include "dt_cmd.h"
#include "dt_fmt.h"
#include "dt_fs.h"
#include "dt_observe.h"
#include "dt_od.h"
#include "dt_readcheck.h"
#include "dt_rwio.h"

#define TOD_LITERAL	1
#define TOD_FULL	2
#define TOD_MMAP	4
#define TOD_MMAP_WINDOW	(64ULL << 20)

struct tod {
	bool skip;
	bool literal;
	bool mmap;
	bool full;
	uint64_t size;
	uint64_t fs_slack;
	uint64_t bytes_read;	/* by the workload, up to where it stopped */
	char path[PATH_MAX];
	struct dt_obs *obs;
	struct dt_ballast ballast;
	char fill_note[160];
};

static struct tod tod;

static const char *const groups[] = { "quick", "seed", "dax", NULL };
static const char *const full_groups[] = { "enospc", NULL };
static const char *const cmds[] = { "od", "truncate", NULL };

static const char *const engines[] = { "auto", "pread", "uring", NULL };

static const struct dt_param_decl params[] = {
	{ "size", DT_PARAM_SIZE, "100G", "256M", "size of the sparse file",
	  .min = "4k" },
	{ "bs", DT_PARAM_SIZE, "1M", NULL, "native: bytes per read request",
	  .min = "4k", .max = "64M" },
	{ "qd", DT_PARAM_LONG, "4", NULL, "native: requests in flight (io_uring)",
	  .min = "1", .max = "256" },
	{ "engine", DT_PARAM_CHOICE, "auto", NULL,
	  "native: io_uring where it works (auto), pread, uring",
	  .choices = engines },
	{ "fs_slack", DT_PARAM_SIZE, "4M", NULL,
	  "growth of the host's used space tolerated from other writers" },
	{ NULL },
};

/* od reads ~100 MB/s: a smaller file */
static const struct dt_param_decl literal_params[] = {
	{ "size", DT_PARAM_SIZE, "1G", "64M", "size of the sparse file",
	  .min = "4k" },
	{ NULL },
};

/* page faults through FUSE: about 80 MiB/s under load, so smaller too */
static const struct dt_param_decl mmap_params[] = {
	{ "size", DT_PARAM_SIZE, "256M", "64M", "size of the sparse file",
	  .min = "4k" },
	{ NULL },
};

static const struct dt_claim claims[] = {
	{ "zeros", "the read of the sparse file completes and returns only zeros" },
	{ "ro-only", "the read sets up only read-only mappings (no read-write setup, no upgrade)" },
	{ "no-alloc", "the read allocates nothing on the host" },
	{ "observer", "the mapping observer saw a setup for every range read" },
	{ NULL },
};

static const struct dt_claim full_claims[] = {
	{ "host-full", "the host file system was full when the read began (the fill ended on a 4 KiB allocation refused with ENOSPC)" },
	{ NULL },
};

/* the mappings of read faults: what a DAX mmap does */
static const struct dt_claim mmap_claims[] = {
	{ "host-full", "the host file system was full when the read began (the fill ended on a 4 KiB allocation refused with ENOSPC)" },
	{ "ro-only", "the read faults set up only read-only mappings (no read-write setup, no upgrade)",
	  .needs_features = DT_FEAT_DAX_MMAP },
	{ NULL },
};

static const struct dt_variant variants[] = {
	{ "native", "read with 1 MiB requests, check every byte", 0 },
	{ "literal", "the real od -x, exact output checked", TOD_LITERAL,
	  .params = literal_params },
	{ "native-full", "native, with the host file system full", TOD_FULL,
	  full_groups, DT_FEAT_FILL, .claims = full_claims },
	{ "literal-full", "literal, with the host file system full",
	  TOD_LITERAL | TOD_FULL, full_groups, DT_FEAT_FILL,
	  .claims = full_claims, .params = literal_params },
	{ "mmap-hole-full", "the holes read through MAP_SHARED mappings, with the host file system full",
	  TOD_MMAP | TOD_FULL, full_groups, DT_FEAT_FILL,
	  .claims = mmap_claims, .params = mmap_params },
	{ NULL },
};

static void make_file(struct dt_ctx *ctx)
{
	char sz[32], line[PATH_MAX + 64];
	struct stat st;

	snprintf(sz, sizeof(sz), "%" PRIu64, tod.size);
	if (tod.literal) {
		const char *argv[] = { "truncate", "-s", sz, tod.path, NULL };
		struct dt_cmd c = { .argv = argv };

		if (dt_cmd_run(&c) < 0)
			dt_brk("running truncate: %s", strerror(errno));
		if (!dt_cmd_ok(&c)) {
			dt_cmd_status(&c, line, sizeof(line));
			dt_cmd_free(&c);
			dt_brk("truncate -s %s failed (%s): %s", sz, line,
			       c.err);
		}
		dt_cmd_free(&c);
	} else {
		int fd = open(tod.path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			      0644);

		if (fd < 0)
			dt_brk("create %s: %s", tod.path, strerror(errno));
		if (ftruncate(fd, tod.size) < 0)
			dt_brk("ftruncate %s to %s bytes: %s", tod.path, sz,
			       strerror(errno));
		close(fd);
	}
	if (stat(tod.path, &st) < 0 || (uint64_t)st.st_size != tod.size)
		dt_brk("%s: size is not %s after truncate", tod.path, sz);
}

static void fill_host(struct dt_ctx *ctx)
{
	char err[256], b1[DT_FMT_LEN], b2[DT_FMT_LEN];
	int n = dt_ballast_reap(ctx);

	if (n)
		dt_metric("stale_ballast_removed", "%d", n);
	if (dt_ballast_fill(&tod.ballast, ctx->workdir, 0, err,
			    sizeof(err)) < 0)
		dt_brk("filling the host: %s", err);
	dt_metric("ballast_bytes", "%" PRIu64, tod.ballast.bytes);
	dt_metric("host_free_after_fill", "%" PRIu64, tod.ballast.after.free);
	snprintf(tod.fill_note, sizeof(tod.fill_note),
		 "; host full (ballast %s in %.1f s, statvfs free %s)",
		 dt_fmt_bytes(b1, sizeof(b1), tod.ballast.bytes),
		 tod.ballast.secs,
		 dt_fmt_bytes(b2, sizeof(b2), tod.ballast.after.free));
	dt_info("%s", tod.fill_note + 2);
	if (tod.ballast.full)
		dt_claim_held("host-full", "a 4 KiB allocation failed with ENOSPC after a ballast of %s",
			      b1);
	else
		dt_claim_unmeasured("host-full", "the fill ended without an ENOSPC (statvfs free %s)",
				    b2);
}

static void setup(struct dt_ctx *ctx)
{
	char b[DT_FMT_LEN];

	dt_ballast_init(&tod.ballast);
	tod.literal = ctx->variant && (ctx->variant->arg & TOD_LITERAL);
	tod.full = ctx->variant && (ctx->variant->arg & TOD_FULL);
	tod.mmap = ctx->variant && (ctx->variant->arg & TOD_MMAP);
	tod.size = dt_param_size("size");
	/* whole pages keep od's output to the three lines checked */
	tod.size = (tod.size + 4095) & ~4095ULL;
	if (!tod.size)
		dt_brk("size must be at least 4k");
	tod.fs_slack = dt_param_size("fs_slack");
	dt_metric("size", "%" PRIu64, tod.size);
	dt_info("sparse file of %s", dt_fmt_bytes(b, sizeof(b), tod.size));

	tod.obs = dt_obs_open(ctx);
	if (dt_path(tod.path, sizeof(tod.path), ctx->workdir, "sparse") < 0)
		dt_brk("path too long");
	dt_obs_track(tod.obs, tod.path);
	/* the file first: on a full host even a new inode may not fit */
	make_file(ctx);
	if (tod.full)
		fill_host(ctx);
}

/*
 * A read that allocates has failed already, and on a host that fills up
 * it may hang next: say so while it can still be said.
 */
static void watch_alloc(uint64_t done)
{
	static bool told;
	char b1[DT_FMT_LEN], b2[DT_FMT_LEN];
	uint64_t blocks;

	if (told || dt_fresh_blocks(tod.path, &blocks) < 0 || !blocks)
		return;
	told = true;
	dt_claim_failed("no-alloc", "the read is allocating host blocks: %s allocated after %s read",
			dt_fmt_bytes(b1, sizeof(b1), blocks),
			dt_fmt_bytes(b2, sizeof(b2), done));
}

/* a long read: take the observer's events in as it goes */
static void tick_read(uint64_t done, void *arg)
{
	watch_alloc(done);
	dt_obs_poll(tod.obs);
}

static void tick_cmd(struct dt_cmd *c, void *arg)
{
	watch_alloc(c->rchar);
	dt_obs_poll(tod.obs);
}

static int read_native(struct dt_ctx *ctx, char *msg, size_t len)
{
	const char *eng = dt_param("engine");
	struct dt_rc_opts o = {
		.engine = DT_RC_AUTO,
		.bs = dt_param_size("bs"),
		.qd = dt_param_long("qd"),
		.expect = { .kind = DT_EXPECT_ZERO },
		.tick = tick_read,
		.tick_bytes = 256ULL << 20,
	};
	struct dt_rc_result r;
	int fd, ret;

	if (!strcmp(eng, "pread"))
		o.engine = DT_RC_PREAD;
	else if (!strcmp(eng, "uring"))
		o.engine = DT_RC_URING;
	fd = open(tod.path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		dt_brk("open %s: %s", tod.path, strerror(errno));
	dt_phase("reading the sparse file");
	ret = dt_read_check(fd, 0, tod.size, &o, &r);
	close(fd);
	dt_info("engine: %s", r.engine);
	dt_metric("engine", "%s", r.engine);
	tod.bytes_read = r.bytes;
	dt_metric("bytes_read", "%" PRIu64, r.bytes);
	dt_metric("seconds", "%.3f", r.secs);
	if (r.secs > 0)
		dt_metric("throughput_mib_s", "%.1f",
			  r.bytes / r.secs / (1 << 20));
	dt_rc_describe(&r, msg, len);
	return ret;
}

static int read_literal(struct dt_ctx *ctx, char *msg, size_t len)
{
	const char *argv[] = { "od", "-x", tod.path, NULL };
	struct dt_cmd c = { .argv = argv, .out_keep = 4096,
			      .tick = tick_cmd };
	char want[256], st[64], b[DT_FMT_LEN], rate[DT_FMT_LEN];
	int ret = -1;

	if (dt_od_zero_text(tod.size, want, sizeof(want)) < 0)
		dt_brk("od text for %" PRIu64 " bytes does not fit", tod.size);
	dt_phase("od -x of the sparse file");
	if (dt_cmd_start(&c) < 0)
		dt_brk("starting od: %s", strerror(errno));
	dt_obs_track_pid(tod.obs, c.pid);
	if (dt_cmd_wait(&c) < 0)
		dt_brk("waiting for od: %s", strerror(errno));
	dt_metric("od_seconds", "%.3f", c.secs);
	dt_metric("od_rchar", "%" PRIu64, c.rchar);
	/*
	 * rchar also counts od's own libraries and locale files: the whole
	 * file when od succeeded, else unknown (no positive control)
	 */
	tod.bytes_read = dt_cmd_ok(&c) ? tod.size : 0;
	dt_metric("bytes_read", "%" PRIu64, c.rchar);
	dt_metric("seconds", "%.3f", c.secs);
	if (c.secs > 0)
		dt_metric("throughput_mib_s", "%.1f",
			  c.rchar / c.secs / (1 << 20));
	dt_cmd_status(&c, st, sizeof(st));
	if (!dt_cmd_ok(&c)) {
		snprintf(msg, len, "od -x %s after %.1f s (read %" PRIu64
			 " bytes): %.200s", st, c.secs, c.rchar, c.err);
	} else if (c.err_total) {
		snprintf(msg, len, "od -x wrote to stderr: %.200s", c.err);
	} else if (c.out_total != strlen(want) || strcmp(c.out, want)) {
		char *nl;

		for (nl = c.out; (nl = strchr(nl, '\n')); )
			*nl = '|';
		snprintf(msg, len, "od -x printed %" PRIu64 " bytes \"%.160s\", expected the zero line, '*' and %07" PRIo64,
			 c.out_total, c.out, tod.size);
	} else {
		snprintf(msg, len, "od -x printed exactly the zero line, '*' and %07" PRIo64 " in %.1f s (read %s, %s)",
			 tod.size, c.secs,
			 dt_fmt_bytes(b, sizeof(b), c.rchar),
			 dt_fmt_rate(rate, sizeof(rate), c.rchar, c.secs));
		ret = 0;
	}
	dt_cmd_free(&c);
	return ret;
}

/*
 * Read the sparse file through MAP_SHARED PROT_READ mappings, a window at
 * a time, every byte checked, under a SIGBUS guard: on a full host a read
 * fault of a hole must need no space.
 */
static int read_mmap(struct dt_ctx *ctx, char *msg, size_t len)
{
	char *buf = malloc(1 << 20), *zero = calloc(1, 1 << 20);
	char b[DT_FMT_LEN], rate[DT_FMT_LEN];
	uint64_t off, done = 0;
	double t0, secs;
	int fd, ret = -1;

	if (!buf || !zero)
		dt_brk("out of memory");
	fd = open(tod.path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		dt_brk("open %s: %s", tod.path, strerror(errno));
	dt_phase("reading the holes through shared mappings");
	t0 = dt_now();
	for (off = 0; off < tod.size; off += TOD_MMAP_WINDOW) {
		size_t n = tod.size - off < TOD_MMAP_WINDOW ?
			   tod.size - off : TOD_MMAP_WINDOW;
		char *p = mmap(NULL, n, PROT_READ, MAP_SHARED, fd, off);
		size_t i;

		if (p == MAP_FAILED) {
			if (!off)
				dt_skip("a MAP_SHARED mapping of the sparse file is refused: %s",
					strerror(errno));
			snprintf(msg, len, "mmap of offset %" PRIu64 ": %s",
				 off, strerror(errno));
			goto out;
		}
		madvise(p, n, MADV_SEQUENTIAL);
		for (i = 0; i < n; i += 1 << 20) {
			size_t c = n - i < (1u << 20) ? n - i : 1u << 20;
			uintptr_t fault;

			if (dt_guard_copy(buf, p + i, c, &fault) < 0) {
				snprintf(msg, len, "SIGBUS reading a hole through a MAP_SHARED mapping at offset %" PRIu64 ", after %s read: the host could not serve a read fault of a hole on a full file system (it allocates on read faults, as tmpfs does); a read must need no space",
					 off + (fault - (uintptr_t)p),
					 dt_fmt_bytes(b, sizeof(b), done));
				munmap(p, n);
				goto out;
			}
			if (memcmp(buf, zero, c)) {
				size_t k = 0;

				while (!buf[k])
					k++;
				snprintf(msg, len, "byte at offset %" PRIu64 " of a hole read through a MAP_SHARED mapping is 0x%02x, not zero",
					 off + i + k, (unsigned char)buf[k]);
				munmap(p, n);
				goto out;
			}
			done += c;
			dt_heartbeat_add(c, 1);
			if (!(done % (256ULL << 20)))
				watch_alloc(done);
		}
		munmap(p, n);
	}
	secs = dt_now() - t0;
	snprintf(msg, len, "read %s of holes through MAP_SHARED mappings, all zeros, in %.1f s (%s)",
		 dt_fmt_bytes(b, sizeof(b), done), secs,
		 dt_fmt_rate(rate, sizeof(rate), done, secs));
	ret = 0;
out:
	secs = dt_now() - t0;
	dt_metric("engine", "mmap MAP_SHARED, %llu MiB windows",
		  TOD_MMAP_WINDOW >> 20);
	tod.bytes_read = done;
	dt_metric("bytes_read", "%" PRIu64, done);
	dt_metric("seconds", "%.3f", secs);
	if (secs > 0)
		dt_metric("throughput_mib_s", "%.1f",
			  done / secs / (1 << 20));
	close(fd);
	free(buf);
	free(zero);
	return ret;
}

static void run(struct dt_ctx *ctx)
{
	char msg[512], sum[1024];
	struct dt_obs_delta d;
	struct dt_obs_ro ro = {
		.label = "sparse read",
		/* a fresh file: nothing of it was mapped */
		.unmapped = true,
		.fs_slack = tod.fs_slack,
		.claim_ro = "ro-only",
		.claim_alloc = "no-alloc",
		.claim_observer = "observer",
	};
	enum dt_claim_state st;
	int fd, ret;

	if (tod.skip)
		return;
	if (!dt_claim_in_scope(ctx, ro.claim_ro)) {
		dt_claim_out_of_scope(ctx, ro.claim_ro);
		ro.claim_ro = NULL;
	}
	dt_progress_total(tod.size);
	if (dt_obs_begin(tod.obs) < 0)
		dt_brk("observer: nothing can be measured");
	if (tod.literal)
		ret = read_literal(ctx, msg, sizeof(msg));
	else if (tod.mmap)
		ret = read_mmap(ctx, msg, sizeof(msg));
	else
		ret = read_native(ctx, msg, sizeof(msg));
	dt_phase("measuring");
	dt_obs_end(tod.obs, &d);
	/*
	 * The positive control counts the ranges the workload read, not those
	 * it meant to: a read refused at offset 0 read no range.
	 */
	ro.ranges = (tod.bytes_read + (2ULL << 20) - 1) >> 21;
	fd = open(tod.path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		dt_obs_check_file(tod.obs, fd, &d);
		close(fd);
	}
	if (ret < 0)
		dt_claim_failed("zeros", "%s: %s%s", tod.literal ? "od -x" :
				tod.mmap ? "mmap read" : "sparse read", msg,
				tod.fill_note);
	else
		dt_claim_held("zeros", "%s", msg);
	st = dt_obs_judge_ro(&d, "read", &ro, sum, sizeof(sum));
	dt_info("sparse read of %" PRIu64 " bytes: %s%s", tod.size, sum,
		tod.fill_note);
	/* the reason of a PASS; the claims decide whether there is one */
	if (ret == 0 && st == DT_CLAIM_HELD)
		dt_res(DT_PASS, "%s; %s%s", msg, sum, tod.fill_note);
}

static void cleanup(struct dt_ctx *ctx)
{
	dt_ballast_remove(&tod.ballast);
	dt_obs_close(tod.obs);
	tod.obs = NULL;
}

const struct dt_case dt_case_truncate_od = {
	.name = "truncate-od",
	.desc = "truncate -s 100G f; od -x f: completes, zeros, no allocation, no RW mapping",
	.groups = groups,
	.needs_cmds = cmds,
	.timeout = 3600,
	.progress_window = 60,
	.variants = variants,
	.params = params,
	.claims = claims,
	.setup = setup,
	.run = run,
	.cleanup = cleanup,
};
