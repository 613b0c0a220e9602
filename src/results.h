/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * results.h - the results folder of a run.
 *
 * RESULTS/<run-id>/{run.json,junit.xml,tap} and one folder per case with
 * result, log, full, dmesg and hang.txt. Every summary file is rewritten
 * atomically after each case, so a runner killed at any moment leaves
 * complete files behind, and run.json says whether the run ended.
 */
#ifndef DT_RESULTS_H
#define DT_RESULTS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "dt_case.h"

struct metric {
	char *key;
	char *value;
};

/* What one claim of a case came to. */
struct claim_result {
	char *id;
	char *text;
	bool optional;
	enum dt_claim_state state;
	int held, unmeasured, failed;	/* reports of each kind */
	char *detail;		/* the first report of the deciding state */
	unsigned int needs;	/* target features it needs (dt_claim) */
	bool out_of_scope;	/* unmeasured: the target lacks them */
};

struct case_result {
	char *id;		/* case[/variant][#iteration] */
	char *dir_name;		/* folder under the run folder */
	const struct dt_case *tcase;
	const struct dt_variant *variant;
	int iteration;
	enum dt_verdict verdict;
	char *reason;
	bool excluded;
	bool unkillable;
	bool target_died;
	bool interrupted;	/* the runner was asked to stop: not done */
	double start;		/* wall clock */
	double duration;
	struct metric *metrics;
	int nr_metrics;
	struct claim_result *claims;
	int nr_claims;
};

struct run_info {
	char *id;
	char dir[PATH_MAX];
	char results_dir[PATH_MAX];
	double start, end;
	const char *status;	/* running, complete, interrupted */
	uint64_t seed;
	int planned;
	char **argv;
	int argc;
	const struct dt_opts *opts;
	char *target_json;	/* the target's description, as JSON */
	char *env_json;		/* what env_probe() found, as JSON */
	char *current;		/* id of the case running now, or NULL */
	char *header;		/* the "# dmaptest ..." line of the TAP stream */
	char *error;		/* why the run could not start, or NULL */
	char **plan_ids;		/* every planned case id, in order */
	int nr_plan;
	char **selection;	/* the words of "run WORD...", as given */
	int nr_selection;
	struct case_result *results;
	int nr_results;		/* the last may still be running */
	int nr_done;		/* finished ones: the summaries show these */
};

/* "case[/variant][#iteration]" */
char *result_id(const struct dt_case *tc, const struct dt_variant *v,
		int iteration, int iterations);
/* Create the run folder and point RESULTS/latest at it. */
int results_open(struct run_info *run, char *err, size_t errsz);
struct case_result *results_add(struct run_info *run,
				const struct dt_case *tc,
				const struct dt_variant *v, int iteration,
				int iterations);
/* The same with the id given (taking it over). */
struct case_result *results_add_id(struct run_info *run,
				   const struct dt_case *tc,
				   const struct dt_variant *v, int iteration,
				   char *id);
void result_add_metric(struct case_result *r, const char *key,
		       const char *value);
/* One claim's record; needs and out_of_scope are the caller's to set. */
struct claim_result *result_add_claim(struct case_result *r, const char *id,
				      const char *text, bool optional,
				      enum dt_claim_state state, int held,
				      int unmeasured, int failed,
				      const char *detail);
/* Path of a file inside the case's folder (created on first use). */
int results_case_path(struct run_info *run, struct case_result *r,
		      const char *name, char *out, size_t size);
/* Write the case's result file and the run's summary files. */
int results_write_case(struct run_info *run, struct case_result *r);
int results_update(struct run_info *run);
void results_count(const struct run_info *run, int counts[DT_NR_VERDICTS],
		   int *excluded);
void results_free(struct run_info *run);

/* The "claims" of a case object of run.json back into r (resume). */
struct json_object;
void result_claims_from_json(struct case_result *r,
			     struct json_object *jcase);

/* Generators, also used by the unit tests. */
char *results_run_json(const struct run_info *run);
char *results_junit(const struct run_info *run);
char *results_tap(const struct run_info *run);
/* The TAP stream's first lines: version, header, plan. */
char *results_tap_head(const struct run_info *run);
char *results_case_text(const struct case_result *r);
/* One TAP line (and its YAML block) for result number n (1-based). */
char *results_tap_line(const struct case_result *r, int n);

#endif
