// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_report.c - the case side of the runner channel: results, metrics,
 * heartbeats, and the case process's main (setup, run, cleanup).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dt_case.h"
#include "dt_proto.h"

static int report_fd = -1;
static struct dt_progress *progress;
static struct dt_ctx *cur_ctx;
static pid_t main_pid;
static int in_cleanup;
static int cleanup_due;
static double budget_end;	/* CLOCK_MONOTONIC seconds, 0: none */
static uint64_t rand_state;

static const char *const verdict_names[DT_NR_VERDICTS] = {
	[DT_SKIP] = "SKIP",
	[DT_PASS] = "PASS",
	[DT_ERROR] = "ERROR",
	[DT_FAIL] = "FAIL",
	[DT_HANG] = "HANG",
};

static const char *const claim_state_names[DT_NR_CLAIM_STATES] = {
	[DT_CLAIM_NONE] = "NOT-REPORTED",
	[DT_CLAIM_HELD] = "HELD",
	[DT_CLAIM_UNMEASURED] = "UNMEASURED",
	[DT_CLAIM_FAILED] = "FAILED",
};

const char *dt_verdict_name(enum dt_verdict v)
{
	if ((unsigned int)v >= DT_NR_VERDICTS)
		return "?";
	return verdict_names[v];
}

const char *dt_claim_state_name(enum dt_claim_state st)
{
	if ((unsigned int)st >= DT_NR_CLAIM_STATES)
		return "?";
	return claim_state_names[st];
}

int dt_claim_state_from_name(const char *name)
{
	int st;

	for (st = 0; st < DT_NR_CLAIM_STATES; st++)
		if (!strcmp(name, claim_state_names[st]))
			return st;
	return -1;
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One line, one write(2): atomic on a pipe. Newlines become spaces. */
static void send_line(char tag, const char *head, const char *fmt,
		      va_list ap)
{
	char buf[DT_LINE_MAX];
	int n, i;

	n = snprintf(buf, sizeof(buf), "%c %s%s", tag, head ? head : "",
		     head ? " " : "");
	if (n < 0 || n >= (int)sizeof(buf) - 2)
		return;
	i = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	if (i < 0)
		return;
	n += i;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	for (i = 2; i < n; i++)
		if (buf[i] == '\n' || buf[i] == '\r')
			buf[i] = ' ';
	buf[n++] = '\n';

	if (report_fd < 0) {
		/* not under the runner (unit tests): print it */
		fwrite(buf, 1, n, stderr);
		return;
	}
	while (write(report_fd, buf, n) < 0 && errno == EINTR)
		;
}

static void send_fmt(char tag, const char *head, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_line(tag, head, fmt, ap);
	va_end(ap);
}

void dt_res(enum dt_verdict v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_line('R', dt_verdict_name(v), fmt, ap);
	va_end(ap);
}

void dt_claim_vreport(enum dt_claim_state st, const char *id,
		      const char *fmt, va_list ap)
{
	char head[128];

	/* "C HELD ro-only detail": the id has no blank, the runner checks it */
	snprintf(head, sizeof(head), "%s %s", dt_claim_state_name(st),
		 id && *id ? id : "?");
	send_line('C', head, fmt, ap);
}

void dt_claim_report(enum dt_claim_state st, const char *id,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dt_claim_vreport(st, id, fmt, ap);
	va_end(ap);
}

void dt_claim_held(const char *id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dt_claim_vreport(DT_CLAIM_HELD, id, fmt, ap);
	va_end(ap);
}

void dt_claim_failed(const char *id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dt_claim_vreport(DT_CLAIM_FAILED, id, fmt, ap);
	va_end(ap);
}

void dt_claim_unmeasured(const char *id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dt_claim_vreport(DT_CLAIM_UNMEASURED, id, fmt, ap);
	va_end(ap);
}

static const struct dt_claim *find_in(const struct dt_claim *c,
				      const char *id)
{
	for (; c && c->id; c++)
		if (!strcmp(c->id, id))
			return c;
	return NULL;
}

const struct dt_claim *dt_claim_find(const struct dt_case *tc,
				     const struct dt_variant *v,
				     const char *id)
{
	const struct dt_claim *c = v ? find_in(v->claims, id) : NULL;

	return c ? c : find_in(tc->claims, id);
}

/* the features the claim needs that the target lacks */
static unsigned int claim_lacks(const struct dt_ctx *ctx, const char *id)
{
	const struct dt_claim *c = dt_claim_find(ctx->tcase, ctx->variant, id);

	return c ? c->needs_features & ~ctx->features : 0;
}

bool dt_claim_in_scope(const struct dt_ctx *ctx, const char *id)
{
	return !claim_lacks(ctx, id);
}

void dt_claim_out_of_scope(const struct dt_ctx *ctx, const char *id)
{
	unsigned int lacks = claim_lacks(ctx, id), bit;
	char why[512];
	size_t pos = 0;

	if (!lacks) {
		dt_res(DT_ERROR, "claim '%s' reported out of scope on a target that has what it needs: a bug of the case",
		       id);
		return;
	}
	for (bit = 1; bit && pos < sizeof(why); bit <<= 1) {
		const char *w;

		if (!(lacks & bit))
			continue;
		w = dt_feature_why_missing(bit, ctx->features);
		pos += snprintf(why + pos, sizeof(why) - pos, "%s%s%s",
				pos ? "; " : "", w ? "" : "the target ",
				w ? w : dt_feature_missing(bit));
	}
	dt_claim_unmeasured(id, "not measured on %s: %s",
			    dt_target_label(ctx->features, ctx->target_name),
			    why);
}

void dt_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_line('I', NULL, fmt, ap);
	va_end(ap);
}

void dt_metric(const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_line('M', key, fmt, ap);
	va_end(ap);
}

void dt_register_file(const char *path)
{
	send_fmt('F', NULL, "%s", path);
}

static void run_cleanup(void)
{
	const struct dt_case *tc;

	if (!cur_ctx || !cleanup_due || in_cleanup || getpid() != main_pid)
		return;
	tc = cur_ctx->tcase;
	in_cleanup = 1;
	if (tc->cleanup)
		tc->cleanup(cur_ctx);
	cleanup_due = 0;
}

void dt_brk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_line('R', dt_verdict_name(DT_ERROR), fmt, ap);
	va_end(ap);
	/* a helper process of the case just ends; the case main cleans up */
	run_cleanup();
	fflush(NULL);
	_exit(0);
}

void dt_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_line('R', dt_verdict_name(DT_SKIP), fmt, ap);
	va_end(ap);
	run_cleanup();
	fflush(NULL);
	_exit(0);
}

void dt_heartbeat(uint64_t bytes_done, uint64_t ops_done)
{
	if (!progress)
		return;
	__atomic_store_n(&progress->bytes, bytes_done, __ATOMIC_RELAXED);
	__atomic_store_n(&progress->ops, ops_done, __ATOMIC_RELAXED);
	__atomic_add_fetch(&progress->beats, 1, __ATOMIC_RELEASE);
}

void dt_heartbeat_add(uint64_t bytes, uint64_t ops)
{
	if (!progress)
		return;
	__atomic_add_fetch(&progress->bytes, bytes, __ATOMIC_RELAXED);
	__atomic_add_fetch(&progress->ops, ops, __ATOMIC_RELAXED);
	__atomic_add_fetch(&progress->beats, 1, __ATOMIC_RELEASE);
}

void dt_progress_total(uint64_t total_bytes)
{
	uint64_t none = 0;

	/* the first total stands: one that moves makes the ETA a guess */
	if (progress)
		__atomic_compare_exchange_n(&progress->total_bytes, &none,
					    total_bytes, false,
					    __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);
}

void dt_phase(const char *fmt, ...)
{
	char buf[sizeof(progress->phase)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (progress) {
		memcpy(progress->phase, buf, sizeof(buf));
		__atomic_add_fetch(&progress->beats, 1, __ATOMIC_RELEASE);
	}
	dt_info("phase: %s", buf);
}

bool dt_fill_allowed(void)
{
	return cur_ctx && (cur_ctx->features & DT_FEAT_FILL);
}

double dt_runtime_left(void)
{
	if (budget_end <= 0)
		return -1;
	return budget_end - now_mono();
}

/* splitmix64: small, fast and good enough for test data */
uint64_t dt_rand(void)
{
	uint64_t z = (rand_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void dt_report_attach(int fd, struct dt_progress *prog, struct dt_ctx *ctx,
		      double runtime_budget)
{
	report_fd = fd;
	progress = prog;
	cur_ctx = ctx;
	main_pid = getpid();
	rand_state = ctx ? ctx->seed : 0;
	dt_param_attach(ctx);
	budget_end = runtime_budget > 0 ? now_mono() + runtime_budget : 0;
}

void dt_case_main(struct dt_ctx *ctx)
{
	const struct dt_case *tc = ctx->tcase;

	if (tc->setup) {
		cleanup_due = 1;
		tc->setup(ctx);
	}
	cleanup_due = 1;
	if (tc->run)
		tc->run(ctx);
	run_cleanup();
	fflush(NULL);
	_exit(0);
}
