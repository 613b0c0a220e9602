// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * host-enospc: host ENOSPC injected from inside the guest. The host file
 * system is filled through the target with a ballast file until not even
 * 4 KiB can be allocated (so less than one 2 MiB range is free), then:
 *
 *  sparse-read   reading a sparse file works, allocates nothing and sets
 *                up no RW mapping;
 *  hole-write    pwrite(2) into a hole (inside i_size: the DAX path)
 *                fails with ENOSPC within `prompt` seconds;
 *  mmap-store    a store through a MAP_SHARED mapping into a hole ends
 *                with SIGBUS or an msync/fsync error within `prompt`
 *                seconds (in a child process, so the SIGBUS is its own);
 *                only on a target whose mmaps are DAX mappings
 *                (DT_FEAT_DAX_MMAP): on dmapfs the store lands in the
 *                kernel page cache and its writeback is a FUSE write, which
 *                hole-write measures already, so it is not done there and
 *                its claim is out of scope;
 *  overwrite     overwriting allocated blocks succeeds; if it fails with
 *                ENOSPC the host reserved more than the write needs:
 *                reported as reservation amplification (metric
 *                warn.reservation_amplification), not as a failure;
 *  refill        after the ballast is removed and its space is back
 *                (waited for, at most `space_wait` seconds: on FUSE it
 *                comes back when the daemon has handled the asynchronous
 *                RELEASE and FORGET; metric space_back_seconds), a write
 *                into a hole and its fsync succeed and read back;
 *  checksums     data written before the fill is unchanged.
 *
 * A write that stalls stops the heartbeat: the watchdog calls it a hang.
 * The ballast is removed on every path (cleanup, and registered with the
 * runner; a later run reaps one a killed runner left).
 *
 * Parameters: size (sparse file, 64M; quick 16M), prompt (10 s),
 * fs_slack (4M), space_wait (10 s).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dt_ballast.h"
#include "dt_case.h"
#include "dt_clock.h"
#include "dt_fmt.h"
#include "dt_fs.h"
#include "dt_observe.h"
#include "dt_pattern.h"
#include "dt_readcheck.h"

#define MIB		(1ULL << 20)
#define RANGE		(2 * MIB)	/* FUSE_DAX_SZ */
#define KEEP_SIZE	(4 * MIB)
#define OVER_SIZE	(4 * MIB)
#define OVER_WRITTEN	(3 * MIB)	/* [3M, 4M) stays a hole */

enum { F_KEEP, F_OVER, F_SPARSE, NR_FILES };

static const char *const file_names[NR_FILES] = { "keep", "over", "sparse" };

struct he {
	uint64_t size, fs_slack, seed;
	double prompt;
	double space_wait;	/* for a removed ballast's space to come back */
	double space_back;	/* how long it took */
	char path[NR_FILES][PATH_MAX];
	int fd[NR_FILES];
	uint64_t keep_hash;
	struct dt_obs *obs;
	struct dt_ballast ballast;
	pid_t child;		/* an mmap-store child not reaped yet */
	char sum[1536];		/* what passed, for the final reason */
	size_t sum_len;
	int fails;
	bool warned;
	const char *claim;	/* the one the check running now reports on */
};

static struct he he = { .fd = { -1, -1, -1 }, .child = -1 };

static const char *const groups[] = { "quick", "enospc", "dax", NULL };

static const struct dt_claim claims[] = {
	{ "sparse-read", "reading a sparse file on a full host completes, returns zeros and allocates nothing" },
	{ "ro-only", "that read sets up only read-only mappings" },
	{ "observer", "the mapping observer saw a setup for every range that read" },
	{ "hole-write", "a write into a hole on a full host fails with ENOSPC within prompt seconds" },
	{ "mmap-store", "a store into a hole through a shared mapping on a full host ends with SIGBUS or an msync/fsync error within prompt seconds",
	  .needs_features = DT_FEAT_DAX_MMAP },
	{ "overwrite", "an overwrite of allocated blocks on a full host succeeds, or is refused with ENOSPC (a reservation, reported) and leaves the old data" },
	{ "refill", "writes into holes work again once the ballast is removed" },
	{ "checksums", "data written before the fill is unchanged" },
	{ NULL },
};

static const struct dt_param_decl params[] = {
	{ "size", DT_PARAM_SIZE, "64M", "16M", "size of the sparse file",
	  .min = "8M" },
	{ "prompt", DT_PARAM_LONG, "10", NULL,
	  "seconds within which a hole write or mmap store must fail",
	  .min = "1" },
	{ "space_wait", DT_PARAM_LONG, "10", NULL,
	  "seconds to wait for a removed ballast's space to come back (FUSE frees it on RELEASE)",
	  .min = "1" },
	{ "fs_slack", DT_PARAM_SIZE, "4M", NULL,
	  "growth of the host's used space tolerated from other writers" },
	{ NULL },
};

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * one passed check: into the log now, into the final reason later, and
 * held for the claim of the check running
 */
static void note(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (he.claim) {
		va_start(ap, fmt);
		dt_claim_vreport(DT_CLAIM_HELD, he.claim, fmt, ap);
		va_end(ap);
	}

	if (he.sum_len >= sizeof(he.sum))
		return;
	if (he.sum_len)
		he.sum_len += snprintf(he.sum + he.sum_len,
				       sizeof(he.sum) - he.sum_len, "; ");
	if (he.sum_len >= sizeof(he.sum))
		return;
	va_start(ap, fmt);
	n = vsnprintf(he.sum + he.sum_len, sizeof(he.sum) - he.sum_len, fmt,
		      ap);
	va_end(ap);
	dt_info("ok: %s", he.sum + he.sum_len);
	if (n > 0)
		he.sum_len += n;
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* one failed check: reported at once, so a later hang still shows it */
static void fail(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	he.fails++;
	if (he.claim)
		dt_claim_failed(he.claim, "%s", buf);
	else
		dt_res(DT_FAIL, "%s", buf);
}

static void unmeasured(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* an inconclusive check: not a pass, said so in the log and the claim */
static void unmeasured(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	dt_info("not measured: %s", buf);
	dt_claim_unmeasured(he.claim, "%s", buf);
}

static uint64_t seed_of(int file)
{
	return he.seed + file * 0x1000193;
}

static void write_pattern(int f, uint64_t off, uint64_t len, uint64_t seed)
{
	char *buf = malloc(MIB);
	uint64_t done;

	if (!buf)
		dt_brk("out of memory");
	for (done = 0; done < len; ) {
		size_t n = len - done < MIB ? len - done : MIB;
		ssize_t w;

		dt_pattern_fill(buf, n, off + done, seed);
		w = pwrite(he.fd[f], buf, n, off + done);
		if (w <= 0)
			dt_brk("writing %s before the fill: %s", file_names[f],
			       w < 0 ? strerror(errno) : "no progress");
		done += w;
		dt_heartbeat_add(w, 1);
	}
	free(buf);
}

/* checksum of a whole file as the file system returns it now */
static int hash_file(int f, uint64_t len, uint64_t *out)
{
	char *buf = malloc(MIB);
	uint64_t h = DT_HASH_INIT, off;

	if (!buf)
		dt_brk("out of memory");
	dt_drop_cache(he.fd[f]);
	for (off = 0; off < len; ) {
		ssize_t n = pread(he.fd[f], buf, MIB, off);

		if (n <= 0) {
			free(buf);
			return -1;
		}
		h = dt_hash(h, buf, n);
		off += n;
		dt_heartbeat_add(n, 1);
	}
	free(buf);
	*out = h;
	return 0;
}

static void setup(struct dt_ctx *ctx)
{
	char err[256], b1[DT_FMT_LEN], b2[DT_FMT_LEN];
	int i, n;

	dt_ballast_init(&he.ballast);
	he.seed = ctx->seed;
	he.size = dt_param_size("size");
	he.size &= ~(RANGE - 1);
	he.prompt = dt_param_long("prompt");
	he.space_wait = dt_param_long("space_wait");
	he.fs_slack = dt_param_size("fs_slack");
	n = dt_ballast_reap(ctx);
	if (n)
		dt_metric("stale_ballast_removed", "%d", n);
	he.obs = dt_obs_open(ctx);

	dt_phase("writing the files before the fill");
	for (i = 0; i < NR_FILES; i++) {
		if (dt_path(he.path[i], sizeof(he.path[i]), ctx->workdir,
			    file_names[i]) < 0)
			dt_brk("path too long");
		he.fd[i] = open(he.path[i], O_RDWR | O_CREAT | O_EXCL |
					    O_CLOEXEC, 0644);
		if (he.fd[i] < 0)
			dt_brk("create %s: %s", he.path[i], strerror(errno));
	}
	/* truncate first: the writes then go through the DAX path */
	if (ftruncate(he.fd[F_KEEP], KEEP_SIZE) < 0 ||
	    ftruncate(he.fd[F_OVER], OVER_SIZE) < 0 ||
	    ftruncate(he.fd[F_SPARSE], he.size) < 0)
		dt_brk("ftruncate: %s", strerror(errno));
	write_pattern(F_KEEP, 0, KEEP_SIZE, seed_of(F_KEEP));
	write_pattern(F_OVER, 0, OVER_WRITTEN, seed_of(F_OVER));
	for (i = 0; i < NR_FILES; i++)
		if (dt_sync_fd(he.fd[i]) < 0)
			dt_brk("fsync %s: %s", he.path[i], strerror(errno));
	if (hash_file(F_KEEP, KEEP_SIZE, &he.keep_hash) < 0)
		dt_brk("reading back %s: %s", he.path[F_KEEP],
		       strerror(errno));

	if (dt_ballast_fill(&he.ballast, ctx->workdir, 0, err,
			    sizeof(err)) < 0)
		dt_brk("filling the host: %s", err);
	dt_metric("ballast_bytes", "%" PRIu64, he.ballast.bytes);
	dt_metric("host_free_after_fill", "%" PRIu64, he.ballast.after.free);
	note("host filled (ballast %s in %.1f s; statvfs free %s)",
	     dt_fmt_bytes(b1, sizeof(b1), he.ballast.bytes), he.ballast.secs,
	     dt_fmt_bytes(b2, sizeof(b2), he.ballast.after.free));
}

static void top_up(void)
{
	char err[256];

	if (dt_ballast_top_up(&he.ballast, err, sizeof(err)) < 0)
		dt_brk("topping up the ballast: %s", err);
}

static void check_sparse_read(void)
{
	struct dt_rc_opts o = { .engine = DT_RC_PREAD,
				.expect = { .kind = DT_EXPECT_ZERO } };
	struct dt_rc_result r;
	struct dt_obs_delta d;
	struct dt_obs_ro ro = {
		.label = "sparse read on a full host",
		/* never read before: nothing of it is mapped */
		.ranges = he.size / RANGE,
		.unmapped = true,
		.fs_slack = he.fs_slack,
		.claim_ro = "ro-only",
		.claim_observer = "observer",
	};
	char msg[256], sum[1024];
	int ret;

	he.claim = "sparse-read";
	dt_phase("sparse read on a full host");
	dt_obs_untrack_all(he.obs);
	dt_obs_track(he.obs, he.path[F_SPARSE]);
	dt_obs_begin(he.obs);
	dt_drop_cache(he.fd[F_SPARSE]);
	ret = dt_read_check(he.fd[F_SPARSE], 0, he.size, &o, &r);
	dt_obs_end(he.obs, &d);
	dt_obs_check_file(he.obs, he.fd[F_SPARSE], &d);
	dt_rc_describe(&r, msg, sizeof(msg));
	if (ret < 0) {
		fail("sparse read on a full host: %s", msg);
		return;
	}
	/* the allocation part is this check's own claim */
	dt_obs_judge_ro(&d, "sparse_read", &ro, sum, sizeof(sum));
	if (d.blocks_valid && (d.blocks > 0 ||
			       (d.fs_private && d.fs_used > 0 &&
				(uint64_t)d.fs_used > he.fs_slack))) {
		fail("sparse read on a full host allocated: %s", sum);
		return;
	}
	if (!d.blocks_valid) {
		unmeasured("sparse read on a full host: allocation not measured: %s",
			   d.blocks_why);
		return;
	}
	note("sparse read %s; %s", msg, sum);
}

static void check_hole_write(void)
{
	uint64_t off = he.size / 2 + 4096;
	char buf[4096], b[DT_FMT_LEN];
	double t0, secs;
	ssize_t w;
	int err;

	he.claim = "hole-write";
	dt_phase("write into a hole on a full host");
	top_up();
	dt_pattern_fill(buf, sizeof(buf), off, seed_of(F_SPARSE));
	t0 = dt_now();
	w = pwrite(he.fd[F_SPARSE], buf, sizeof(buf), off);
	err = errno;
	secs = dt_now() - t0;
	dt_metric("hole_write_seconds", "%.3f", secs);
	dt_metric("hole_write_result", "%s", w < 0 ? dt_errname(err) :
		  "written");
	if (w >= 0) {
		/* accepted: then it must be durable, or it was a late ENOSPC */
		if (fsync(he.fd[F_SPARSE]) < 0) {
			fail("write into a hole on a full host returned %zd and its fsync failed with %s: late ENOSPC, the data is lost",
			     w, dt_errname(errno));
			return;
		}
		unmeasured("a hole write was accepted and is durable: the host still had room (statvfs free %s)",
			   dt_fmt_bytes(b, sizeof(b), he.ballast.after.free));
		return;
	}
	if (err != ENOSPC) {
		fail("write into a hole on a full host failed with %s after %.3f s, expected ENOSPC",
		     dt_errname(err), secs);
		return;
	}
	if (secs > he.prompt) {
		fail("write into a hole on a full host got ENOSPC only after %.1f s (bound %.0f s)",
		     secs, he.prompt);
		return;
	}
	note("hole write ENOSPC in %.3f s", secs);
}

enum { ST_MMAP = 1, ST_MSYNC, ST_FSYNC, ST_DONE };

struct store_report {
	int stage;
	int err;
};

static void __attribute__((noreturn)) store_child(int wfd, uint64_t off)
{
	struct rlimit no_core = { 0, 0 };
	struct store_report rep = { ST_DONE, 0 };
	int fd = he.fd[F_SPARSE];
	char *p;

	setrlimit(RLIMIT_CORE, &no_core);
	signal(SIGBUS, SIG_DFL);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
	if (p == MAP_FAILED) {
		rep = (struct store_report){ ST_MMAP, errno };
		goto out;
	}
	/* the store: on a full host this is where SIGBUS comes */
	memset(p, 0x5a, 4096);
	if (msync(p, 4096, MS_SYNC) < 0)
		rep = (struct store_report){ ST_MSYNC, errno };
	else if (fsync(fd) < 0)
		rep = (struct store_report){ ST_FSYNC, errno };
out:
	if (write(wfd, &rep, sizeof(rep)) != sizeof(rep))
		_exit(3);
	_exit(0);
}

/* wait for the child up to the bound; 0 reaped, -1 still running */
static int wait_child(pid_t pid, double bound, int *status)
{
	double t0 = dt_now();

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return 0;
		if (dt_now() - t0 > bound)
			return -1;
		usleep(20000);
	}
}

static void check_mmap_store(struct dt_ctx *ctx)
{
	uint64_t off = he.size / 4 * 3;
	struct store_report rep = { 0, 0 };
	int pfd[2], status = 0;
	double t0, secs;
	pid_t pid;

	he.claim = "mmap-store";
	if (!dt_claim_in_scope(ctx, he.claim)) {
		dt_metric("mmap_store_result", "not done: the target does not map files DAX on mmap");
		dt_claim_out_of_scope(ctx, he.claim);
		return;
	}
	dt_phase("mmap store into a hole on a full host");
	top_up();
	if (pipe2(pfd, O_CLOEXEC) < 0)
		dt_brk("pipe: %s", strerror(errno));
	fflush(NULL);
	t0 = dt_now();
	pid = fork();
	if (pid < 0)
		dt_brk("fork: %s", strerror(errno));
	if (pid == 0) {
		close(pfd[0]);
		store_child(pfd[1], off);
	}
	close(pfd[1]);
	if (wait_child(pid, he.prompt, &status) < 0) {
		secs = dt_now() - t0;
		kill(pid, SIGKILL);
		if (wait_child(pid, 5, &status) < 0)
			he.child = pid;	/* stuck in the kernel: reap later */
		close(pfd[0]);
		fail("mmap store into a hole on a full host did not end within %.0f s (no SIGBUS, no error: a hang)",
		     secs);
		return;
	}
	secs = dt_now() - t0;
	if (read(pfd[0], &rep, sizeof(rep)) != sizeof(rep))
		rep.stage = 0;
	close(pfd[0]);
	dt_metric("mmap_store_seconds", "%.3f", secs);
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		dt_metric("mmap_store_result", "SIG%s", sigabbrev_np(sig));
		if (sig == SIGBUS)
			note("mmap store SIGBUS in %.3f s", secs);
		else
			fail("mmap store into a hole on a full host: child killed by SIG%s",
			     sigabbrev_np(sig));
		return;
	}
	switch (rep.stage) {
	case ST_MMAP:
		dt_metric("mmap_store_result", "mmap %s", dt_errname(rep.err));
		unmeasured("mmap store not done: a MAP_SHARED mapping was refused (%s)",
			   dt_errname(rep.err));
		return;
	case ST_MSYNC:
	case ST_FSYNC:
		dt_metric("mmap_store_result", "%s %s",
			  rep.stage == ST_MSYNC ? "msync" : "fsync",
			  dt_errname(rep.err));
		note("mmap store: %s %s in %.3f s",
		     rep.stage == ST_MSYNC ? "msync" : "fsync",
		     dt_errname(rep.err), secs);
		return;
	case ST_DONE:
		dt_metric("mmap_store_result", "stored");
		unmeasured("an mmap store into a hole succeeded and is durable: the host still had room");
		return;
	}
	fail("mmap store child ended with %#x and no report", status);
}

static void check_overwrite(const char *what, uint64_t off, uint64_t len)
{
	struct dt_rc_opts o = { .engine = DT_RC_PREAD };
	struct dt_rc_result r;
	char *buf = malloc(len), msg[256], key[64], b[DT_FMT_LEN];
	uint64_t seed = seed_of(F_OVER) ^ 0x5eed;
	double t0 = dt_now(), secs;
	ssize_t w;
	int err;

	if (!buf)
		dt_brk("out of memory");
	he.claim = "overwrite";
	dt_phase("overwrite %s", what);
	dt_pattern_fill(buf, len, off, seed);
	w = pwrite(he.fd[F_OVER], buf, len, off);
	err = errno;
	free(buf);
	secs = dt_now() - t0;
	snprintf(key, sizeof(key), "overwrite_%s", what);
	if (w == (ssize_t)len && fsync(he.fd[F_OVER]) < 0) {
		fail("overwrite of allocated blocks (%s) was accepted but its fsync failed with %s",
		     what, dt_errname(errno));
		return;
	}
	o.expect.kind = DT_EXPECT_PATTERN;
	o.expect.seed = w == (ssize_t)len ? seed : seed_of(F_OVER);
	if (w < 0 && err == ENOSPC) {
		he.warned = true;
		dt_metric(key, "ENOSPC");
		dt_metric("warn.reservation_amplification",
			  "overwrite of %" PRIu64 " allocated bytes at %" PRIu64 " failed with ENOSPC",
			  len, off);
		dt_info("WARN: reservation amplification: overwriting %s of allocated blocks at offset %" PRIu64 " failed with ENOSPC (the host reserves the whole 2 MiB range)",
			dt_fmt_bytes(b, sizeof(b), len), off);
		note("WARN overwrite %s: ENOSPC (reservation amplification)",
		     what);
	} else if (w < 0) {
		fail("overwrite of allocated blocks (%s) failed with %s after %.3f s",
		     what, dt_errname(err), secs);
		return;
	} else if (w != (ssize_t)len) {
		fail("overwrite of allocated blocks (%s) was short: %zd of %" PRIu64 " bytes",
		     what, w, len);
		return;
	} else {
		dt_metric(key, "ok");
		note("overwrite %s ok in %.3f s", what, secs);
	}
	/* the new data, or after a refusal the old data, is there */
	dt_drop_cache(he.fd[F_OVER]);
	if (dt_read_check(he.fd[F_OVER], off, len, &o, &r) < 0) {
		dt_rc_describe(&r, msg, sizeof(msg));
		fail("after the overwrite (%s): %s", what, msg);
	}
}

/*
 * The space of a removed file comes back when its last reference goes:
 * on FUSE that is when the daemon has handled the RELEASE and FORGET the
 * kernel sends after the unlink, asynchronously (about 0.1 s with
 * libfuse's passthrough_ll or virtiofsd). Wait for it, bounded, until at
 * least what the refill needs (a whole range, as a host that reserves
 * takes) is usable again; -1 when it did not come back in time.
 */
static int wait_space_back(const char *dir, uint64_t floor, uint64_t ballast)
{
	uint64_t want = floor + (ballast < 4 * RANGE ? ballast : 4 * RANGE);
	char b1[DT_FMT_LEN], b2[DT_FMT_LEN];
	double t0 = dt_now(), secs;
	struct dt_space sp;

	for (;;) {
		if (dt_space_get(dir, &sp) == 0 && sp.usable >= want)
			break;
		secs = dt_now() - t0;
		if (secs > he.space_wait) {
			dt_metric("space_back_seconds", "none in %.0f", secs);
			fail("after the ballast was removed, its space did not come back within %.0f s (statvfs usable %s, the ballast held %s)",
			     he.space_wait, dt_fmt_bytes(b1, sizeof(b1), sp.usable),
			     dt_fmt_bytes(b2, sizeof(b2), ballast));
			return -1;
		}
		dt_heartbeat_add(0, 1);
		usleep(10000);
	}
	secs = dt_now() - t0;
	he.space_back = secs;
	dt_metric("space_back_seconds", "%.3f", secs);
	dt_info("space back %.3f s after the ballast was removed", secs);
	return 0;
}

static void check_refill(void)
{
	struct dt_rc_opts o = { .engine = DT_RC_PREAD,
				.expect = { .kind = DT_EXPECT_PATTERN,
					    .seed = seed_of(F_SPARSE) } };
	uint64_t floor = he.ballast.after.usable, ballast = he.ballast.bytes;
	struct dt_rc_result r;
	uint64_t off = he.size / 4;
	char *buf, msg[256], dir[PATH_MAX];
	ssize_t w;

	he.claim = "refill";
	dt_phase("removing the ballast, writing again");
	snprintf(dir, sizeof(dir), "%s", he.ballast.dir);
	dt_ballast_remove(&he.ballast);
	if (wait_space_back(dir, floor, ballast) < 0)
		return;
	buf = malloc(MIB);
	if (!buf)
		dt_brk("out of memory");
	dt_pattern_fill(buf, MIB, off, seed_of(F_SPARSE));
	w = pwrite(he.fd[F_SPARSE], buf, MIB, off);
	free(buf);
	if (w != (ssize_t)MIB) {
		fail("after the ballast was removed, a 1 MiB write into a hole still fails: %s",
		     w < 0 ? dt_errname(errno) : "short write");
		return;
	}
	if (fsync(he.fd[F_SPARSE]) < 0) {
		fail("after the ballast was removed, fsync of a new write fails: %s",
		     dt_errname(errno));
		return;
	}
	dt_drop_cache(he.fd[F_SPARSE]);
	if (dt_read_check(he.fd[F_SPARSE], off, MIB, &o, &r) < 0) {
		dt_rc_describe(&r, msg, sizeof(msg));
		fail("after the ballast was removed, a new write does not read back: %s",
		     msg);
		return;
	}
	note("writes work again after the ballast is removed (its space was back in %.3f s)",
	     he.space_back);
}

static void check_checksums(void)
{
	struct dt_rc_opts o = { .engine = DT_RC_PREAD,
				.expect = { .kind = DT_EXPECT_PATTERN,
					    .seed = seed_of(F_KEEP) } };
	struct dt_rc_result r;
	uint64_t h;
	char msg[256];

	he.claim = "checksums";
	dt_phase("checksums of the data written before the fill");
	if (hash_file(F_KEEP, KEEP_SIZE, &h) < 0) {
		fail("reading back %s: %s", file_names[F_KEEP],
		     strerror(errno));
		return;
	}
	dt_metric("keep_hash_before", "%016" PRIx64, he.keep_hash);
	dt_metric("keep_hash_after", "%016" PRIx64, h);
	if (h != he.keep_hash) {
		dt_read_check(he.fd[F_KEEP], 0, KEEP_SIZE, &o, &r);
		dt_rc_describe(&r, msg, sizeof(msg));
		fail("data written before the fill changed: checksum %016" PRIx64 " is now %016" PRIx64 " (%s)",
		     he.keep_hash, h, msg);
		return;
	}
	note("checksums unchanged");
}

static void run(struct dt_ctx *ctx)
{
	check_sparse_read();
	check_hole_write();
	check_mmap_store(ctx);
	check_overwrite("whole-range", 0, MIB);
	check_overwrite("part-range", RANGE, 64 * 1024);
	check_refill();
	check_checksums();
	/* the reason of a PASS; the claims decide whether there is one */
	if (!he.fails)
		dt_res(DT_PASS, "%s%s", he.warned ? "WARN reservation amplification; " : "",
		       he.sum);
}

static void cleanup(struct dt_ctx *ctx)
{
	int i, status;

	dt_ballast_remove(&he.ballast);
	if (he.child > 0 && waitpid(he.child, &status, WNOHANG) == 0)
		dt_info("mmap-store child %d is still stuck after the ballast was removed",
			(int)he.child);
	for (i = 0; i < NR_FILES; i++)
		if (he.fd[i] >= 0)
			close(he.fd[i]);
	dt_obs_close(he.obs);
	he.obs = NULL;
}

const struct dt_case dt_case_host_enospc = {
	.name = "host-enospc",
	.desc = "host full (ballast): reads work, hole writes and mmap stores fail promptly, data intact",
	.groups = groups,
	.needs_features = DT_FEAT_FILL,
	.params = params,
	.claims = claims,
	.timeout = 900,
	.progress_window = 30,
	.setup = setup,
	.run = run,
	.cleanup = cleanup,
};
