/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_case.h - how a dmaptest case is declared and what it may call.
 *
 * A case is data (struct dt_case) plus up to three hooks. The runner
 * checks the declared requirements, forks a process for the case, and
 * calls setup(), run() and cleanup() in it. cleanup() always runs when
 * setup() was entered, also after dt_brk().
 *
 * Adding a case: one file in cases/ that defines
 *	const struct dt_case dt_case_<ident> = { ... };
 * and one line DT_CASE(<ident>) in cases/case_list.h.
 */
#ifndef DT_CASE_H
#define DT_CASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Verdicts, in increasing severity. When a case reports several results
 * the most severe one wins. HANG is given by the runner only.
 */
enum dt_verdict {
	DT_SKIP = 0,
	DT_PASS,
	DT_ERROR,	/* the case or its setup broke, not the system under test */
	DT_FAIL,	/* the system under test misbehaved */
	DT_HANG,	/* the watchdog fired */
	DT_NR_VERDICTS,
};

/* Features a target may have; cases list the ones they need. */
enum dt_feature {
	DT_FEAT_DAX		= 1u << 0,	/* files are DAX-mapped */
	DT_FEAT_FILL		= 1u << 1,	/* may fill the host fs */
	DT_FEAT_COUNTERS	= 1u << 2,	/* dmapfs mapping counters */
	DT_FEAT_SIZE_LIMITED	= 1u << 3,	/* host fs is small, ours */
	DT_FEAT_FUSE		= 1u << 4,	/* target is a FUSE fs */
};

struct dt_variant {
	const char *name;
	const char *desc;
	long arg;		/* free for the case */
	/* groups of this variant on top of the case's, NULL-terminated */
	const char *const *groups;
	/* features this variant needs on top of the case's */
	unsigned int needs_features;
};

struct dt_ctx;

struct dt_case {
	const char *name;		/* "truncate-od" */
	const char *desc;		/* one line */
	const char *const *groups;	/* NULL-terminated, e.g. quick */

	/* requirements: every unmet one is listed in the SKIP reason */
	bool needs_root;
	const char *const *needs_cmds;	/* NULL-terminated, on PATH */
	const char *min_kver;		/* "5.10" */
	unsigned int needs_features;	/* enum dt_feature bits */
	uint64_t min_free_bytes;	/* on the target */

	/* budgets, in seconds; the runner scales them by --timeout-mul */
	int timeout;		/* hard limit; 0: DT_DEFAULT_TIMEOUT */
	int runtime;		/* work budget for loops; 0: none */
	int progress_window;	/* no heartbeat this long: HANG; 0: default */

	/*
	 * A signal that is the expected way for the case to end (its
	 * verdict is then PASS unless it reported a failure first).
	 */
	int expect_signal;

	const struct dt_variant *variants;	/* NULL or {NULL}-terminated */

	void (*setup)(struct dt_ctx *ctx);
	void (*run)(struct dt_ctx *ctx);
	void (*cleanup)(struct dt_ctx *ctx);
};

#define DT_DEFAULT_TIMEOUT		300
#define DT_DEFAULT_PROGRESS_WINDOW	60

/* What a running case knows about itself and its target. */
struct dt_ctx {
	const struct dt_case *tcase;
	const struct dt_variant *variant;	/* NULL without variants */
	const char *workdir;	/* scratch directory on the target, empty */
	const char *target_root;	/* mount point of the target */
	const char *target_name;	/* "dmapfs", "dir", ... */
	unsigned int features;	/* enum dt_feature bits of the target */
	uint64_t seed;
	const char *run_id;	/* of the run, e.g. for marking what we log */
	int iteration;		/* 1-based */
	double timeout_mul;
	int verbose;
	bool quick;		/* the "quick" group was selected: small sizes */
	const char *const *params;	/* "key=value" from --param */
	void *priv;		/* for the case's own state */
};

/* --- reporting (lib/dt_report.c) --- */

/* Report one result; a case may report many, the worst wins. */
void dt_res(enum dt_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Report ERROR, run cleanup() and end the case. */
void dt_brk(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* Report SKIP (a requirement found unmet at run time), clean up, end. */
void dt_skip(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* Informational line into the case log (and the console with -v). */
void dt_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A named figure for the result file, run.json and junit.xml. */
void dt_metric(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Progress: the watchdog treats a case whose heartbeat stops for
 * progress_window seconds as hung. Cheap enough for every I/O.
 */
void dt_heartbeat(uint64_t bytes_done, uint64_t ops_done);
void dt_heartbeat_add(uint64_t bytes, uint64_t ops);
/* Bytes the case will count in all; the first call of a case stands. */
void dt_progress_total(uint64_t total_bytes);
void dt_phase(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Ask the runner to undo this if the case cannot (crash, kill, hang). */
void dt_register_file(const char *path);

/* May the case fill the target's file system (DT_FEAT_FILL)? */
bool dt_fill_allowed(void);

/* Seconds left of the runtime budget (scaled); < 0 when no budget. */
double dt_runtime_left(void);
/* Deterministic per-case random numbers from the run seed. */
uint64_t dt_rand(void);

/*
 * Case parameters from "--param case.key=value" or "--param key=value"
 * (the first for one case only). NULL or the default when not given;
 * dt_param_size() accepts 4k, 2M, 100G and ends the case with ERROR on a
 * malformed value.
 */
const char *dt_param(const char *key);
uint64_t dt_param_size(const char *key, uint64_t def);
long dt_param_long(const char *key, long def);

/*
 * Kernel log lines a case writes on purpose carry this tag and the run
 * id; other runs on the machine do not count them against their cases.
 */
#define DT_KMSG_SELFTEST "dmaptest-selftest-run="

/* Names, for logs and result files. */
const char *dt_verdict_name(enum dt_verdict v);

#endif
