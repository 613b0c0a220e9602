// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pwrite-enospc: the patch's second reproducer,
 *
 *	truncate -s 100G f; xfs_io -c "pwrite 0 100G" f
 *
 * on a host with much less free space. The writes stay inside i_size, so
 * on a DAX mount they go through read-write mappings. Expected: ENOSPC,
 * early. Before the patch the host page fault could not allocate, the
 * vCPU retried it forever and the writer hung.
 *
 * The host is first filled through the target (ballast) until `leave`
 * bytes are usable, when the target may be filled; a size-limited host
 * is used as it is. Then:
 *  - FAIL when write(2) kills the writer with SIGBUS, fails with another
 *    error than ENOSPC, never fails, or fails late: more than `slack`
 *    bytes beyond the space that was free at the start were accepted, or
 *    the error came more than `delay` seconds after the last successful
 *    write; a write that never returns stops the heartbeat (one per
 *    successful write) and the watchdog ends the case as HANG;
 *  - FAIL when fsync after the error fails (accepted data lost) or the
 *    accepted data does not read back intact.
 * Reported: bytes written, host space at the start, the time from the
 * last good write to the error, write amplification (host bytes
 * allocated / bytes written) and the mapping counts.
 *
 * native:  1 MiB pwrite(2) calls of an offset-keyed pattern from 0.
 * literal: truncate(1) and xfs_io -c "pwrite 0 SIZE" (0xcd bytes); bytes
 *          accepted = xfs_io's wchar minus what it printed.
 *
 * Parameters: size (100G), leave (256M; quick 32M), slack (16M),
 * delay (10 s), bs (1M).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dt_ballast.h"
#include "dt_case.h"
#include "dt_clock.h"
#include "dt_cmd.h"
#include "dt_fmt.h"
#include "dt_fs.h"
#include "dt_observe.h"
#include "dt_pattern.h"
#include "dt_readcheck.h"

#define PWE_LITERAL	1
#define PWE_XFS_IO_BYTE	0xcd

struct pwe {
	bool skip;
	bool literal;
	uint64_t size, leave, slack, bs;
	double delay;
	uint64_t free_start;	/* usable bytes when writing began */
	uint64_t seed;
	char path[PATH_MAX];
	int fd;
	struct dt_obs *obs;
	struct dt_ballast ballast;

	/* what the writer saw */
	uint64_t written;
	int err;		/* errno of the failing write, 0: none */
	double secs;		/* the whole write phase */
	double gap;		/* last successful write -> the error */
	bool sigbus;
	char detail[256];	/* literal: what xfs_io said */
};

static struct pwe pwe = { .fd = -1 };

static const char *const groups[] = { "quick", "seed", "dax", "enospc", NULL };
static const char *const cmds[] = { "truncate", NULL };

static const struct dt_param_decl params[] = {
	{ "size", DT_PARAM_SIZE, "100G", NULL, "i_size of the file written",
	  .min = "1M" },
	{ "leave", DT_PARAM_SIZE, "256M", "32M",
	  "usable bytes the ballast leaves on the host (when it may be filled)" },
	{ "slack", DT_PARAM_SIZE, "16M", NULL,
	  "bytes accepted beyond the usable space before ENOSPC counts as late" },
	{ "delay", DT_PARAM_LONG, "10", NULL,
	  "seconds from the last good write to ENOSPC before it counts as late",
	  .min = "0" },
	{ "bs", DT_PARAM_SIZE, "1M", NULL, "native: bytes per pwrite(2)",
	  .min = "512", .max = "64M" },
	{ NULL },
};

static const struct dt_claim claims[] = {
	{ "enospc", "writing past the host's free space fails with ENOSPC (no SIGBUS, no other error, no hang)" },
	{ "early", "the ENOSPC comes early: at most slack bytes beyond the free space, and within delay seconds of the last good write" },
	{ "durable", "what was written before the ENOSPC is durable (fsync) and reads back intact" },
	{ NULL },
};

static const struct dt_variant variants[] = {
	{ "native", "1 MiB pwrite(2) calls from offset 0", 0 },
	{ "literal", "xfs_io -c \"pwrite 0 SIZE\"", PWE_LITERAL },
	{ NULL },
};

static void make_file(void)
{
	char sz[32], st[64];
	struct stat sb;

	snprintf(sz, sizeof(sz), "%" PRIu64, pwe.size);
	if (pwe.literal) {
		const char *argv[] = { "truncate", "-s", sz, pwe.path, NULL };
		struct dt_cmd c = { .argv = argv };

		if (dt_cmd_run(&c) < 0)
			dt_brk("running truncate: %s", strerror(errno));
		dt_cmd_free(&c);
		if (!dt_cmd_ok(&c))
			dt_brk("truncate -s %s failed (%s): %s", sz,
			       dt_cmd_status(&c, st, sizeof(st)), c.err);
		pwe.fd = open(pwe.path, O_RDWR | O_CLOEXEC);
	} else {
		pwe.fd = open(pwe.path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			      0644);
		if (pwe.fd >= 0 && ftruncate(pwe.fd, pwe.size) < 0)
			dt_brk("ftruncate to %s bytes: %s", sz,
			       strerror(errno));
	}
	if (pwe.fd < 0)
		dt_brk("open %s: %s", pwe.path, strerror(errno));
	if (fstat(pwe.fd, &sb) < 0 || (uint64_t)sb.st_size != pwe.size)
		dt_brk("%s: size is not %s after truncate", pwe.path, sz);
}

static void setup(struct dt_ctx *ctx)
{
	char err[256], b1[DT_FMT_LEN], b2[DT_FMT_LEN];
	struct dt_space sp;
	int n;

	dt_ballast_init(&pwe.ballast);
	pwe.literal = ctx->variant && (ctx->variant->arg & PWE_LITERAL);
	pwe.seed = ctx->seed;
	if (pwe.literal && !dt_cmd_exists("xfs_io")) {
		pwe.skip = true;
		dt_res(DT_SKIP, "needs command 'xfs_io' (xfsprogs) on PATH");
		return;
	}
	pwe.size = dt_param_size("size");
	pwe.leave = dt_param_size("leave");
	pwe.slack = dt_param_size("slack");
	pwe.bs = dt_param_size("bs");
	pwe.delay = dt_param_long("delay");

	n = dt_ballast_reap(ctx);
	if (n)
		dt_metric("stale_ballast_removed", "%d", n);
	if (dt_space_get(ctx->workdir, &sp) < 0)
		dt_brk("statvfs %s: %s", ctx->workdir, strerror(errno));
	if ((ctx->features & DT_FEAT_FILL) && sp.usable > pwe.leave) {
		if (dt_ballast_fill(&pwe.ballast, ctx->workdir, pwe.leave, err,
				    sizeof(err)) < 0)
			dt_brk("filling the host: %s", err);
		dt_metric("ballast_bytes", "%" PRIu64, pwe.ballast.bytes);
		dt_info("ballast of %s in %.1f s",
			dt_fmt_bytes(b1, sizeof(b1), pwe.ballast.bytes),
			pwe.ballast.secs);
		sp = pwe.ballast.after;
	}
	pwe.free_start = sp.usable;
	dt_metric("host_free_start", "%" PRIu64, pwe.free_start);
	dt_metric("size", "%" PRIu64, pwe.size);
	if (pwe.free_start + pwe.slack >= pwe.size / 2)
		dt_brk("the host has %s usable: not much less than the %s to write (raise -p size, or allow filling)",
		       dt_fmt_bytes(b1, sizeof(b1), pwe.free_start),
		       dt_fmt_bytes(b2, sizeof(b2), pwe.size));

	pwe.obs = dt_obs_open(ctx);
	if (dt_path(pwe.path, sizeof(pwe.path), ctx->workdir, "big") < 0)
		dt_brk("path too long");
	dt_obs_track(pwe.obs, pwe.path);
	make_file();
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, 1);
}

static void write_native(void)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	volatile double t0, t_last;
	char *buf;
	volatile uint64_t off = 0;

	if (posix_memalign((void **)&buf, 4096, pwe.bs))
		dt_brk("out of memory");
	sigaction(SIGBUS, &sa, &old);
	t0 = t_last = dt_now();
	if (sigsetjmp(bus_jmp, 1)) {
		pwe.sigbus = true;
		goto out;
	}
	while (off < pwe.size) {
		size_t n = pwe.size - off < pwe.bs ? pwe.size - off : pwe.bs;
		ssize_t w;

		dt_pattern_fill(buf, n, off, pwe.seed);
		w = pwrite(pwe.fd, buf, n, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			pwe.err = errno;
			break;
		}
		if (w == 0) {
			pwe.err = EIO;	/* no progress and no error */
			break;
		}
		off += w;
		t_last = dt_now();
		/* only a write that returned is progress */
		dt_heartbeat_add(w, 1);
	}
out:
	pwe.gap = dt_now() - t_last;
	pwe.secs = dt_now() - t0;
	pwe.written = off;
	sigaction(SIGBUS, &old, NULL);
	free(buf);
}

static void write_literal(void)
{
	char cmd[64], st[64], *text;
	const char *argv[] = { "xfs_io", "-c", cmd, pwe.path, NULL };
	struct dt_cmd c = { .argv = argv, .out_keep = 1024 };
	uint64_t printed;

	snprintf(cmd, sizeof(cmd), "pwrite 0 %" PRIu64, pwe.size);
	if (dt_cmd_start(&c) < 0)
		dt_brk("starting xfs_io: %s", strerror(errno));
	dt_obs_track_pid(pwe.obs, c.pid);
	if (dt_cmd_wait(&c) < 0)
		dt_brk("waiting for xfs_io: %s", strerror(errno));
	/* wchar counts its messages too: take them off */
	printed = c.out_total + c.err_total;
	pwe.written = c.wchar > printed ? c.wchar - printed : 0;
	pwe.secs = c.secs;
	pwe.gap = c.secs - c.last_progress;
	if (WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGBUS)
		pwe.sigbus = true;
	text = c.err_total ? c.err : c.out;
	snprintf(pwe.detail, sizeof(pwe.detail), "%.255s", text ? text : "");
	for (char *p = pwe.detail; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (strstr(c.err, "No space left on device") ||
	    strstr(c.out, "No space left on device"))
		pwe.err = ENOSPC;
	else if (strstr(c.out, "wrote ") && !c.err_total && dt_cmd_ok(&c))
		pwe.err = 0;
	else
		pwe.err = EIO;	/* something else: the detail says what */
	dt_info("xfs_io: %s, wchar %" PRIu64 ", printed %" PRIu64 " bytes: %s",
		dt_cmd_status(&c, st, sizeof(st)), c.wchar, printed,
		pwe.detail);
	dt_cmd_free(&c);
}

static void run(struct dt_ctx *ctx)
{
	char b1[DT_FMT_LEN], b2[DT_FMT_LEN], b3[DT_FMT_LEN], mapt[512];
	char rc[512], amp[96] = "amplification not measured";
	struct dt_rc_opts ro = { .engine = DT_RC_PREAD };
	struct dt_rc_result r;
	struct dt_obs_delta d;
	const char *how = pwe.literal ? "xfs_io pwrite" : "pwrite(2)";
	int bad = 0;

	if (pwe.skip)
		return;
	/* the writes until ENOSPC (about what is usable), then reading
	 * them back: one total for the case */
	dt_progress_total(2 * pwe.free_start);
	if (dt_obs_begin(pwe.obs) < 0)
		dt_brk("observer: nothing can be measured");
	dt_phase("writing %s from offset 0",
		 dt_fmt_bytes(b1, sizeof(b1), pwe.size));
	if (pwe.literal)
		write_literal();
	else
		write_native();

	dt_fmt_bytes(b1, sizeof(b1), pwe.written);
	dt_fmt_bytes(b2, sizeof(b2), pwe.free_start);
	dt_metric("bytes_written", "%" PRIu64, pwe.written);
	dt_metric("write_seconds", "%.3f", pwe.secs);
	dt_metric("error", "%s", pwe.sigbus ? "SIGBUS" :
		  pwe.err ? dt_errname(pwe.err) : "none");
	dt_metric("error_after_last_write_s", "%.3f", pwe.gap);
	dt_info("%s: %s written in %.1f s, then %s %.3f s after the last successful write",
		how, b1, pwe.secs, pwe.sigbus ? "SIGBUS" :
		pwe.err ? dt_errname(pwe.err) : "no error", pwe.gap);

	if (pwe.sigbus) {
		dt_claim_failed("enospc", "%s raised SIGBUS after %s written (host had %s usable)",
				how, b1, b2);
		bad++;
	} else if (!pwe.err) {
		dt_claim_failed("enospc", "no ENOSPC: %s wrote all %s with only %s usable on the host",
				how, dt_fmt_bytes(b3, sizeof(b3), pwe.size), b2);
		bad++;
	} else if (pwe.err != ENOSPC) {
		dt_claim_failed("enospc", "%s failed after %s with %s, expected ENOSPC%s%s",
				how, b1, pwe.literal ? "an error" :
				dt_errname(pwe.err), pwe.detail[0] ? ": " : "",
				pwe.detail);
		bad++;
	} else {
		dt_claim_held("enospc", "ENOSPC after %s written (host had %s usable)",
			      b1, b2);
	}
	if (pwe.written > pwe.free_start + pwe.slack) {
		dt_claim_failed("early", "late ENOSPC: %s accepted %s with %s usable at the start (bound: usable + %s)",
				how, b1, b2,
				dt_fmt_bytes(b3, sizeof(b3), pwe.slack));
		bad++;
	} else if (pwe.err && pwe.gap > pwe.delay) {
		dt_claim_failed("early", "late ENOSPC: the error came %.1f s after the last successful write (bound %.0f s)",
				pwe.gap, pwe.delay);
		bad++;
	} else if (pwe.err) {
		dt_claim_held("early", "%s accepted with %s usable, the error %.3f s after the last good write%s",
			      b1, b2, pwe.gap,
			      pwe.literal ? " (sampled every 0.2 s)" : "");
	} else {
		dt_claim_unmeasured("early", "no ENOSPC came at all");
	}

	/* what write(2) accepted must be durable and read back */
	dt_phase("fsync and read back");
	if (fsync(pwe.fd) < 0) {
		dt_claim_failed("durable", "fsync after the ENOSPC failed with %s: data that %s accepted was lost",
				dt_errname(errno), how);
		bad++;
	}
	dt_obs_end(pwe.obs, &d);
	dt_obs_check_file(pwe.obs, pwe.fd, &d);
	dt_obs_metrics(&d, "write");
	dt_obs_map_text(&d, mapt, sizeof(mapt));
	if (d.blocks_valid && pwe.written) {
		double a = (double)d.blocks / pwe.written;

		dt_metric("write_amplification", "%.3f", a);
		dt_metric("fs_used_per_byte", "%.3f",
			  (double)d.fs_used / pwe.written);
		snprintf(amp, sizeof(amp), "write amplification %.2f (file blocks %s)",
			 a, dt_fmt_delta(b3, sizeof(b3), d.blocks));
	}
	dt_drop_cache(pwe.fd);
	if (pwe.literal)
		ro.expect = (struct dt_expect){ .kind = DT_EXPECT_BYTE,
						.byte = PWE_XFS_IO_BYTE };
	else
		ro.expect = (struct dt_expect){ .kind = DT_EXPECT_PATTERN,
						.seed = pwe.seed };
	if (dt_read_check(pwe.fd, 0, pwe.written, &ro, &r) < 0) {
		dt_rc_describe(&r, rc, sizeof(rc));
		dt_claim_failed("durable", "data written before the ENOSPC does not read back: %s",
				rc);
		bad++;
	} else {
		dt_claim_held("durable", "%s fsynced and read back intact", b1);
	}
	if (bad)
		return;
	dt_res(DT_PASS, "ENOSPC after %s written (host had %s usable), %.3f s after the last successful write%s; the data reads back intact; %s; %s",
	       b1, b2, pwe.gap, pwe.literal ? " (sampled every 0.2 s)" : "",
	       amp, mapt);
}

static void cleanup(struct dt_ctx *ctx)
{
	if (pwe.fd >= 0)
		close(pwe.fd);
	pwe.fd = -1;
	/* give the space back at once, not when the runner gets to it */
	if (pwe.path[0])
		unlink(pwe.path);
	dt_ballast_remove(&pwe.ballast);
	dt_obs_close(pwe.obs);
	pwe.obs = NULL;
}

const struct dt_case dt_case_pwrite_enospc = {
	.name = "pwrite-enospc",
	.desc = "truncate -s 100G f; pwrite 0 100G on a small host: early ENOSPC, no hang, data intact",
	.groups = groups,
	/* it writes until the host is full */
	.needs_features = DT_FEAT_FILL,
	.needs_cmds = cmds,
	.timeout = 1800,
	.progress_window = 30,
	.variants = variants,
	.params = params,
	.claims = claims,
	.setup = setup,
	.run = run,
	.cleanup = cleanup,
};
