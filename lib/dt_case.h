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
#include <stddef.h>
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
	/*
	 * MAP_SHARED mmaps are DAX mappings: their faults set up window
	 * ranges, pin them while mapped, fail with SIGBUS when a fault-time
	 * setup fails, and truncate must break the DAX layout. Real DAX
	 * mounts have it; dmapfs does not (its mmaps go through the page
	 * cache): checks of those claims are not measured there.
	 */
	DT_FEAT_DAX_MMAP	= 1u << 5,
};

/*
 * A claim: one statement a case makes about the system under test and
 * checks, e.g. "reads set up only read-only mappings". The case reports
 * against it (dt_claim_held/failed/unmeasured below, as often as it
 * likes: any failure fails it, any unmeasured report without a failure
 * leaves it unmeasured). The verdict follows from the claims: FAIL when
 * one failed, PASS only when every claim that is not optional was
 * measured and held, SKIP ("not measured: <text>: <why>") otherwise.
 * A declared claim the case never reports on is the case's bug (ERROR).
 */
struct dt_claim {
	const char *id;		/* "ro-only": lower case, digits and '-' */
	const char *text;	/* "reads set up only read-only mappings" */
	/*
	 * Unmeasured does not stand in the way of a PASS. Only where the
	 * README says why (a figure reported when it can be, not checked).
	 */
	bool optional;
	/*
	 * Target features (enum dt_feature) the claim can only be measured
	 * with, e.g. DT_FEAT_DAX_MMAP for what a DAX mmap does. On a target
	 * that lacks one the claim is out of scope: the case reports it with
	 * dt_claim_out_of_scope() and feeds nothing into it, and the runner
	 * lets the case PASS on its other claims, naming this one as not
	 * measured on that target. A failure still fails.
	 */
	unsigned int needs_features;
};

enum dt_claim_state {
	DT_CLAIM_NONE = 0,	/* never reported */
	DT_CLAIM_HELD,
	DT_CLAIM_UNMEASURED,
	DT_CLAIM_FAILED,
	DT_NR_CLAIM_STATES,
};

#define DT_MAX_CLAIMS	16	/* per case and variant, together */

/*
 * A case parameter, set with --param [CASE.]NAME=VALUE. Declared as data
 * so that list shows them and a typo or a bad value stops the run before
 * anything runs (exit 2); a case can read only what it declares.
 */
enum dt_param_type {
	DT_PARAM_SIZE,		/* 4k, 2M, 100G */
	DT_PARAM_LONG,		/* an integer */
	DT_PARAM_STRING,	/* any non-empty text */
	DT_PARAM_BOOL,		/* 1/0, yes/no, true/false, on/off */
	DT_PARAM_CHOICE,	/* one of .choices */
	DT_PARAM_CHOICES,	/* a comma-separated list of .choices */
};

struct dt_param_decl {
	const char *name;
	enum dt_param_type type;
	/* as text; NULL: the case computes it (the help says how) */
	const char *def;
	const char *def_quick;	/* under --quick; NULL: def */
	const char *help;
	const char *const *choices;	/* NULL-terminated */
	const char *min, *max;		/* SIZE, LONG: bounds, NULL: none */
};

/* lib/dt_window.c reads it; cases that probe the window declare it */
#define DT_PARAM_WINDOW \
	{ "window", DT_PARAM_SIZE, NULL, NULL, \
	  "DAX window size when the target cannot tell (dmapfs counters, /proc/iomem, kernel log)", \
	  .min = "2M" }

struct dt_variant {
	const char *name;
	const char *desc;
	long arg;		/* free for the case */
	/* groups of this variant on top of the case's, NULL-terminated */
	const char *const *groups;
	/* features this variant needs on top of the case's */
	unsigned int needs_features;
	/*
	 * claims of this variant on top of the case's, {NULL}-terminated;
	 * one with the id of one of the case's replaces it, in its place
	 */
	const struct dt_claim *claims;
	/* parameters of this variant; one named as the case's replaces it */
	const struct dt_param_decl *params;
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
	const struct dt_claim *claims;		/* NULL or {NULL}-terminated */
	const struct dt_param_decl *params;	/* NULL or {NULL}-terminated */

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
	const char *observer;	/* --observer: auto, none, or names */
	const char *host_log;	/* --host-log: the daemon's mapping log */
	void *priv;		/* for the case's own state */
};

/* --- reporting (lib/dt_report.c) --- */

/*
 * Report one result; a case may report many, the worst wins. A case with
 * claims reports on them instead: its FAIL and ERROR results still count,
 * the text of a PASS result is the reason of a PASS the claims allow,
 * and a SKIP result with no claim reported says why it did not run.
 */
void dt_res(enum dt_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Report ERROR, run cleanup() and end the case. */
void dt_brk(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/*
 * Report on one declared claim (by id): it held, it failed (the system
 * under test misbehaved), or it could not be measured here, with what
 * was seen or why not. Any process of the case may report.
 */
void dt_claim_held(const char *id, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dt_claim_failed(const char *id, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dt_claim_unmeasured(const char *id, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dt_claim_report(enum dt_claim_state st, const char *id,
		     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void dt_claim_vreport(enum dt_claim_state st, const char *id,
		      const char *fmt, va_list ap);
/*
 * The declared claim id of the case as its variant has it (a variant's
 * claim replaces the case's of the same id); NULL: none.
 */
const struct dt_claim *dt_claim_find(const struct dt_case *tc,
				     const struct dt_variant *v,
				     const char *id);
/*
 * Does this target have every feature the claim needs (needs_features)?
 * Ask before feeding a workload into the claim. An id the case does not
 * declare is in scope (reports on it are the case's bug, said so).
 */
bool dt_claim_in_scope(const struct dt_ctx *ctx, const char *id);
/*
 * Report a claim whose needs the target lacks, in the standard words:
 * "not measured on dmapfs: its MAP_SHARED mappings go through the kernel
 * page cache, not the DAX window". On a target that has what the claim
 * needs this is the case's bug: reported as ERROR.
 */
void dt_claim_out_of_scope(const struct dt_ctx *ctx, const char *id);

/* --- target features in words (lib/dt_feature.c), runner and cases --- */

/* "DAX-mmap"; "unknown" */
const char *dt_feature_name(unsigned int bit);
/* the bit named so (dt_feature_name()), 0: none */
unsigned int dt_feature_from_name(const char *name);
/* what a target without it does not do: "does not map files DAX on mmap" */
const char *dt_feature_missing(unsigned int bit);
/*
 * Why a target with these features lacks bit, when that is known
 * precisely, as a clause about the target: dmapfs without DAX mmap: "its
 * MAP_SHARED mappings go through the kernel page cache, not the DAX
 * window". NULL: nothing more precise than dt_feature_missing().
 */
const char *dt_feature_why_missing(unsigned int bit, unsigned int features);
/*
 * The target as results name it: "dmapfs" for a dmapfs mount (it has
 * the dmapfs counters), whichever target mounted it; else name.
 */
const char *dt_target_label(unsigned int features, const char *name);
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
 * (the first for one case only); the value given, else the declared
 * default (def_quick under --quick). Reading a parameter the case (or
 * its variant) does not declare ends the case with ERROR: a bug of the
 * case. The runner has checked every value given against its
 * declaration before the run began.
 *
 * dt_param() gives the text (NULL: not given and no declared default);
 * dt_param_given() says whether it was given; the typed readers end the
 * case with ERROR when there is no value at all (a computed default is
 * the case's to supply: ask dt_param_given() first).
 */
const char *dt_param(const char *key);
bool dt_param_given(const char *key);
uint64_t dt_param_size(const char *key);
long dt_param_long(const char *key);
bool dt_param_bool(const char *key);

/* The declaration of key for this case and variant; NULL: none. */
const struct dt_param_decl *dt_param_find(const struct dt_case *tc,
					  const struct dt_variant *v,
					  const char *key);
/*
 * Is value a valid value of d? 0, or -1 with a one-line reason in err
 * ("'x' is not a size (e.g. 4k, 2M, 100G)").
 */
int dt_param_check(const struct dt_param_decl *d, const char *value,
		   char *err, size_t len);
const char *dt_param_type_name(enum dt_param_type t);

/*
 * Kernel log lines a case writes on purpose carry this tag and the run
 * id; other runs on the machine do not count them against their cases.
 */
#define DT_KMSG_SELFTEST "dmaptest-selftest-run="

/* Names, for logs and result files. */
const char *dt_verdict_name(enum dt_verdict v);
/* "HELD", "UNMEASURED", "FAILED", "NOT-REPORTED" */
const char *dt_claim_state_name(enum dt_claim_state st);
int dt_claim_state_from_name(const char *name);

#endif
