// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fio: the suite's fio job files (cases/fio/, *.fio) against the target,
 * with crc32c verification, as a stress of the mapping state machine.
 *
 * randrw-2m-psync:    four jobs of random 4 KiB reads and writes on one
 *                     2 MiB range (each job its own 512 KiB of it);
 * randrw-2m-io_uring: the same through io_uring, 8 in flight per job;
 * randrw-2m-mmap:     an mmap job and three psync jobs on one range (one
 *                     DAX mapping shared by mmap and read/write: needs a
 *                     target whose mmaps are DAX mappings, else SKIP;
 *                     on dmapfs the mmap job would go through the
 *                     kernel page cache and test nothing of the window);
 * many-files:         four jobs over files with twice as many 2 MiB
 *                     ranges as the window has slots.
 *
 * The files are created truncated to size first (writes that extend
 * i_size bypass DAX). fio's --runtime comes from the case budget; its
 * JSON output goes to a file and is parsed with json-c; its status
 * objects (one a second) give the heartbeat, so fio stuck in the file
 * system is a HANG. Any fio error (exit status, a job's "error", a verify
 * failure) FAILs; bandwidth, IOPS and p50/p99 completion latency of every
 * job go into the metrics.
 *
 * Parameters: fio_runtime (seconds; quick 4, else the budget, 8 by default),
 * fio_dir (where the job files are), window (if the target cannot tell),
 * ranges (many-files without a known window: 512), space (percent of the
 * free space many-files may use: 40).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dt_ballast.h"
#include "dt_case.h"
#include "dt_dmapctl.h"
#include "dt_fio.h"
#include "dt_fmt.h"
#include "dt_fs.h"
#include "dt_observe.h"
#include "dt_window.h"

#define FS_JOBS		4		/* numjobs of many-files.fio */
#define FS_FILE_RANGES	2		/* ranges per many-files file */

enum { V_PSYNC, V_URING, V_MMAP, V_MANY };

static const char *const jobfiles[] = {
	[V_PSYNC] = "randrw-2m-psync.fio",
	[V_URING] = "randrw-2m-io_uring.fio",
	[V_MMAP] = "randrw-2m-mmap.fio",
	[V_MANY] = "many-files.fio",
};

struct fs {
	int kind;
	int runtime;
	char jobfile[PATH_MAX];
	char tmpdir[PATH_MAX];	/* fio's output, off the target */
	char out[PATH_MAX];
	char err[PATH_MAX];
	struct dt_window win;
	bool win_known;
	uint32_t nrfiles;	/* many-files: per job */
	uint32_t ranges;	/* ranges the job files cover */
	char note[256];
	char env[5][PATH_MAX + 32];
	const char *envp[6];
	struct dt_obs *obs;
	bool have_ctl;
	struct dt_ctl ctl0;
};

static struct fs fs;

static const char *const groups[] = { "stress", "quick", "dax", NULL };
static const char *const cmds[] = { "fio", NULL };

static const struct dt_param_decl params[] = {
	{ "fio_runtime", DT_PARAM_LONG, NULL, "4",
	  "fio's --runtime in seconds (default: the runtime budget)",
	  .min = "1" },
	{ "fio_dir", DT_PARAM_STRING, NULL, NULL,
	  "where the job files are (default: the source tree or the installed data)" },
	{ "ranges", DT_PARAM_LONG, "512", NULL,
	  "many-files: ranges when the window size is unknown", .min = "8" },
	{ "space", DT_PARAM_LONG, "40", NULL,
	  "many-files: percent of the free space it may use",
	  .min = "1", .max = "90" },
	DT_PARAM_WINDOW,
	{ NULL },
};

static const struct dt_claim claims[] = {
	{ "verify", "every fio job completes without an error and its crc32c verify is clean" },
	{ NULL },
};

static const struct dt_claim many_claims[] = {
	{ "exhausted", "the files have more 2 MiB ranges than the window has slots" },
	{ "reclaims", "mappings were reclaimed while fio ran" },
	{ NULL },
};

static const struct dt_variant variants[] = {
	{ "randrw-2m-psync", "4 jobs randrw on one 2 MiB range, pread/pwrite, crc32c verify", V_PSYNC },
	{ "randrw-2m-io_uring", "4 jobs randrw on one 2 MiB range, io_uring qd 8, crc32c verify", V_URING },
	{ "randrw-2m-mmap", "mmap job and 3 psync jobs on one 2 MiB range, crc32c verify", V_MMAP,
	  .needs_features = DT_FEAT_DAX_MMAP },
	{ "many-files", "4 jobs randrw over files with twice as many ranges as window slots", V_MANY,
	  .claims = many_claims },
	{ NULL },
};

static void make_file(const char *dir, const char *name, uint64_t size)
{
	char path[PATH_MAX];
	int fd;

	if (dt_path(path, sizeof(path), dir, name) < 0)
		dt_brk("path too long");
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		dt_brk("create %s: %s", path, strerror(errno));
	if (ftruncate(fd, size) < 0)
		dt_brk("truncate %s: %s", path, strerror(errno));
	close(fd);
}

/* many-files: twice as many ranges as slots, within the free space */
static void size_many(struct dt_ctx *ctx)
{
	uint64_t want, budget, pct = dt_param_long("space");
	uint64_t per_file = (uint64_t)FS_FILE_RANGES << DT_RANGE_SHIFT;
	char b[DT_FMT_LEN], why[256];
	struct dt_space sp;
	uint32_t j, f;

	fs.win_known = !dt_window_probe(ctx, &fs.win);
	want = fs.win_known ? 2 * fs.win.slots :
			      (uint64_t)dt_param_long("ranges");
	if (dt_space_get(ctx->workdir, &sp) < 0)
		dt_brk("statvfs %s: %s", ctx->workdir, strerror(errno));
	/* a written range reserves all of its 2 MiB: a share is a fill */
	if (dt_space_budget(ctx, sp.usable, pct, &budget, why,
			    sizeof(why)) < 0)
		dt_skip("%s", why);
	budget >>= DT_RANGE_SHIFT;
	if (want > budget)
		want = budget;
	fs.nrfiles = want / (FS_JOBS * FS_FILE_RANGES);
	if (!fs.nrfiles)
		dt_brk("no room for many-files: %s usable on the target",
		       dt_fmt_bytes(b, sizeof(b), sp.usable));
	fs.ranges = fs.nrfiles * FS_JOBS * FS_FILE_RANGES;
	if (!fs.win_known)
		snprintf(fs.note, sizeof(fs.note), "; %s", fs.win.source);
	else if (fs.ranges <= fs.win.slots)
		snprintf(fs.note, sizeof(fs.note),
			 "; NOT larger than the window: %u ranges for %" PRIu64 " slots (free space)",
			 fs.ranges, fs.win.slots);
	for (j = 0; j < FS_JOBS; j++)
		for (f = 0; f < fs.nrfiles; f++) {
			char name[32];

			snprintf(name, sizeof(name), "many.%u.%u", j, f);
			make_file(ctx->workdir, name, per_file);
		}
	snprintf(fs.env[3], sizeof(fs.env[3]), "DMAPTEST_NRFILES=%u",
		 fs.nrfiles);
	snprintf(fs.env[4], sizeof(fs.env[4]), "DMAPTEST_FILESIZE=%" PRIu64,
		 per_file);
	dt_metric("files", "%u", fs.nrfiles * FS_JOBS);
	dt_metric("window_slots", "%" PRIu64, fs.win.slots);
	dt_metric("window_source", "%s", fs.win.source);
}

static void setup(struct dt_ctx *ctx)
{
	double left = dt_runtime_left();
	char why[1024];
	int i;

	fs.kind = ctx->variant ? (int)ctx->variant->arg : V_PSYNC;
	if (dt_fio_find_job(jobfiles[fs.kind], fs.jobfile,
			    sizeof(fs.jobfile), why, sizeof(why)) < 0)
		dt_brk("fio job file %s not found (looked in %s; -p fio_dir=DIR)",
		       jobfiles[fs.kind], why);
	/* fio runs for the runtime budget (--runtime-mul) */
	if (dt_param("fio_runtime"))
		fs.runtime = dt_param_long("fio_runtime");
	else
		fs.runtime = left > 2 ? (int)left : 2;
	/* output files on the target would add mappings of their own */
	snprintf(fs.tmpdir, sizeof(fs.tmpdir), "%s/dmaptest-fio.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(fs.tmpdir))
		dt_brk("mkdtemp %s: %s", fs.tmpdir, strerror(errno));
	dt_register_file(fs.tmpdir);
	if (dt_path(fs.out, sizeof(fs.out), fs.tmpdir, "fio.json") < 0 ||
	    dt_path(fs.err, sizeof(fs.err), fs.tmpdir, "fio.stderr") < 0)
		dt_brk("path too long");
	snprintf(fs.env[0], sizeof(fs.env[0]), "DMAPTEST_DIR=%s",
		 ctx->workdir);
	snprintf(fs.env[1], sizeof(fs.env[1]), "DMAPTEST_FILE=fio.dat");
	snprintf(fs.env[2], sizeof(fs.env[2]), "DMAPTEST_RUNTIME=%d",
		 fs.runtime);
	fs.env[3][0] = fs.env[4][0] = '\0';
	fs.obs = dt_obs_open(ctx);
	if (fs.kind == V_MANY) {
		size_many(ctx);
	} else {
		/* two ranges: no write of range 0 extends i_size */
		make_file(ctx->workdir, "fio.dat", 2 * DT_RANGE_SIZE);
		fs.ranges = 1;
	}
	for (i = 0; i < 5; i++)
		fs.envp[i] = fs.env[i][0] ? fs.env[i] : NULL;
	fs.envp[5] = NULL;
	dt_metric("fio_jobfile", "%s", fs.jobfile);
	dt_metric("fio_runtime", "%d", fs.runtime);
	fs.have_ctl = (ctx->features & DT_FEAT_COUNTERS) &&
		      !dt_ctl_read(ctx->workdir, &fs.ctl0);
}

/* The first line of text that contains what ("verify:"), or NULL. */
static const char *line_with(const char *text, const char *what,
			     char *buf, size_t len)
{
	const char *p = text ? strstr(text, what) : NULL, *s, *e;

	if (!p)
		return NULL;
	for (s = p; s > text && s[-1] != '\n'; s--)
		;
	e = strchr(p, '\n');
	snprintf(buf, len, "%.*s", (int)(e ? e - s : (long)strlen(s)), s);
	return buf;
}

static void job_metrics(const struct dt_fio_result *r)
{
	double rbw = 0, wbw = 0, riops = 0, wiops = 0;
	int i;

	dt_metric("fio_version", "%s", r->version);
	dt_metric("jobs", "%d", r->njobs);
	for (i = 0; i < r->njobs; i++) {
		const struct dt_fio_job *j = &r->jobs[i];
		const struct dt_fio_dir *d[2] = { &j->rd, &j->wr };
		static const char *const dn[2] = { "read", "write" };
		int k;

		for (k = 0; k < 2; k++) {
			char key[160];
			int n = snprintf(key, sizeof(key), "job%d.%s.%s.", i,
					 j->name, dn[k]);

			if (n < 0 || n >= 120)
				continue;
			snprintf(key + n, sizeof(key) - n, "bw_kib_s");
			dt_metric(key, "%.0f", d[k]->bw_kib);
			snprintf(key + n, sizeof(key) - n, "iops");
			dt_metric(key, "%.0f", d[k]->iops);
			snprintf(key + n, sizeof(key) - n, "bytes");
			dt_metric(key, "%" PRIu64, d[k]->io_bytes);
			if (!d[k]->have_pct)
				continue;
			snprintf(key + n, sizeof(key) - n, "clat_p50_us");
			dt_metric(key, "%.1f", d[k]->clat_p50_us);
			snprintf(key + n, sizeof(key) - n, "clat_p99_us");
			dt_metric(key, "%.1f", d[k]->clat_p99_us);
		}
		rbw += j->rd.bw_kib;
		wbw += j->wr.bw_kib;
		riops += j->rd.iops;
		wiops += j->wr.iops;
	}
	dt_metric("read_bw_kib_s", "%.0f", rbw);
	dt_metric("write_bw_kib_s", "%.0f", wbw);
	dt_metric("read_iops", "%.0f", riops);
	dt_metric("write_iops", "%.0f", wiops);
}

/* "read 12.3 MiB/s 3150 IOPS p50 40 us p99 300 us" over the jobs */
static void summary(const struct dt_fio_result *r, char *buf, size_t len)
{
	double bw[2] = { 0, 0 }, iops[2] = { 0, 0 }, p50[2] = { 0, 0 };
	double p99[2] = { 0, 0 };
	int i, k;
	size_t pos = 0;

	for (i = 0; i < r->njobs; i++) {
		const struct dt_fio_dir *d[2] = { &r->jobs[i].rd,
						  &r->jobs[i].wr };

		for (k = 0; k < 2; k++) {
			bw[k] += d[k]->bw_kib;
			iops[k] += d[k]->iops;
			if (d[k]->have_pct && d[k]->clat_p50_us > p50[k])
				p50[k] = d[k]->clat_p50_us;
			if (d[k]->have_pct && d[k]->clat_p99_us > p99[k])
				p99[k] = d[k]->clat_p99_us;
		}
	}
	for (k = 0; k < 2 && pos < len; k++)
		pos += snprintf(buf + pos, len - pos,
				"%s%s %.1f MiB/s %.0f IOPS (worst job p50 %.0f us, p99 %.0f us)",
				k ? ", " : "", k ? "write" : "read",
				bw[k] / 1024, iops[k], p50[k], p99[k]);
}

static void judge(struct dt_fio_run *fr, const char *out, const char *tail)
{
	struct dt_fio_result r;
	char why[256], line[256], sum[384], st[64] = "";
	const char *vl;
	int i;

	if (WIFSIGNALED(fr->status)) {
		dt_claim_failed("verify", "fio was killed by %s after %.1f s: %.300s",
				strsignal(WTERMSIG(fr->status)), fr->secs,
				fr->err);
		return;
	}
	if (WIFEXITED(fr->status) && WEXITSTATUS(fr->status))
		snprintf(st, sizeof(st), "exit status %d",
			 WEXITSTATUS(fr->status));
	if (dt_fio_parse_last(out ? out : "", out ? strlen(out) : 0, &r, why,
			      sizeof(why)) < 0) {
		dt_res(DT_ERROR, "fio %s, and its output has no result (%s): %.300s",
		       st[0] ? st : "ended", why, fr->err);
		return;
	}
	job_metrics(&r);
	vl = line_with(fr->err, "verify:", line, sizeof(line));
	if (!vl)
		vl = line_with(out, "verify:", line, sizeof(line));
	for (i = 0; i < r.njobs; i++) {
		if (!r.jobs[i].error)
			continue;
		dt_claim_failed("verify", "fio job %d (%s): error %s (%s)%s%s",
				i, r.jobs[i].name, dt_errname(r.jobs[i].error),
				r.jobs[i].error == EILSEQ ? "fio's code for a verify failure" :
				strerror(r.jobs[i].error), vl ? ": " : "",
				vl ? vl : "");
		dt_fio_result_free(&r);
		return;
	}
	if (vl) {
		dt_claim_failed("verify", "fio reported a verify failure: %s", vl);
	} else if (st[0]) {
		dt_claim_failed("verify", "fio %s: %.300s", st, fr->err);
	} else {
		summary(&r, sum, sizeof(sum));
		dt_claim_held("verify", "%d jobs, %.1f s, verify clean",
			      r.njobs, fr->secs);
		/* the reason of a PASS; the claims decide whether there is one */
		dt_res(DT_PASS, "fio %s, %d jobs, %.1f s, crc32c verify clean: %s%s",
		       jobfiles[fs.kind], r.njobs, fr->secs, sum, tail);
	}
	dt_fio_result_free(&r);
}

/* many-files: was the window exhausted, and were mappings reclaimed? */
static void judge_many(const struct dt_obs_delta *d, bool known,
		       uint64_t reclaims, const char *counts)
{
	bool exhausted = fs.win_known && fs.ranges > fs.win.slots;

	if (exhausted)
		dt_claim_held("exhausted", "%u ranges for %" PRIu64 " slots",
			      fs.ranges, fs.win.slots);
	else if (fs.win_known)
		dt_claim_unmeasured("exhausted", "only %u ranges fit in the free space for a window of %" PRIu64 " slots",
				    fs.ranges, fs.win.slots);
	else
		dt_claim_unmeasured("exhausted", "%s", fs.win.source);
	/* fio's files stay whole while it runs: their removals are reclaims */
	if (!known && d->map_valid && d->counts[0].removes &&
	    d->counts[0].scope == DT_OBS_SCOPE_CASE && !d->map.lossy) {
		known = true;
		reclaims = d->map.removes;
	}
	if (known && reclaims)
		dt_claim_held("reclaims", "%" PRIu64 " reclaims (%s)", reclaims,
			      counts);
	else if (known && exhausted)
		dt_claim_failed("reclaims", "%u ranges over a window of %" PRIu64 " slots, but no reclaim was counted (%s)",
				fs.ranges, fs.win.slots, counts);
	else if (known)
		dt_claim_unmeasured("reclaims", "none counted, and the window was not exhausted (%s)",
				    counts);
	else
		dt_claim_unmeasured("reclaims", "no observer counts removals: %s",
				    d->map_valid ? "kprobe counts setups only" :
				    d->map_why);
}

/* a long run: take the observer's events in as it goes */
static void tick(void *arg)
{
	dt_obs_poll(fs.obs);
}

static void run(struct dt_ctx *ctx)
{
	struct dt_fio_run fr = {
		.jobfile = fs.jobfile,
		.cwd = ctx->workdir,
		.env = fs.envp,
		.out_path = fs.out,
		.err_path = fs.err,
		.status_interval = 1,
		.tick = tick,
	};
	char counts[256], tail[768], rec[64] = "";
	uint64_t reclaims = 0;
	struct dt_obs_delta d;
	bool rec_known = false;
	struct dt_ctl c1;
	char *out;

	dt_phase("fio %s, %d s", ctx->variant ? ctx->variant->name : "",
		 fs.runtime);
	dt_obs_begin(fs.obs);
	if (dt_fio_run(&fr) < 0)
		dt_brk("running fio: %s", strerror(errno));
	dt_obs_end(fs.obs, &d);
	dt_obs_metrics(&d, "fio");
	if (fs.have_ctl && !dt_ctl_read(ctx->workdir, &c1)) {
		reclaims = c1.reclaims - fs.ctl0.reclaims;
		rec_known = true;
		dt_metric("reclaims", "%" PRIu64, reclaims);
		snprintf(rec, sizeof(rec), ", %" PRIu64 " reclaims", reclaims);
		dt_ctl_free(&c1);
	}
	dt_metric("fio_seconds", "%.2f", fr.secs);
	dt_metric("fio_status_objects", "%d", fr.nstatus);
	dt_obs_map_text(&d, counts, sizeof(counts));
	if (fs.kind == V_MANY)
		snprintf(tail, sizeof(tail), "; %u ranges in %u files; mappings: %s%s%s",
			 fs.ranges, fs.nrfiles * FS_JOBS,
			 d.map_valid ? counts : d.map_why, rec, fs.note);
	else
		snprintf(tail, sizeof(tail), "; mappings: %s%s",
			 d.map_valid ? counts : d.map_why, rec);
	out = dt_read_whole(fs.out, 0, NULL);
	judge(&fr, out, tail);
	free(out);
	if (fs.kind == V_MANY)
		judge_many(&d, rec_known, reclaims, counts);
}

static void cleanup(struct dt_ctx *ctx)
{
	if (fs.tmpdir[0]) {
		if (fs.out[0])
			unlink(fs.out);
		if (fs.err[0])
			unlink(fs.err);
		rmdir(fs.tmpdir);
	}
	dt_ctl_free(&fs.ctl0);
	dt_obs_close(fs.obs);
	fs.obs = NULL;
}

const struct dt_case dt_case_fio_stress = {
	.name = "fio",
	.desc = "fio job files (cases/fio): randrw with crc32c verify on one 2 MiB range (psync, io_uring, mmap) and over more files than the window",
	.groups = groups,
	.needs_cmds = cmds,
	.params = params,
	.claims = claims,
	.timeout = 300,
	.runtime = 8,
	.progress_window = 30,
	.variants = variants,
	.setup = setup,
	.run = run,
	.cleanup = cleanup,
};
