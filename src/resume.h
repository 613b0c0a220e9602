/* SPDX-License-Identifier: GPL-2.0-or-later */
/* resume.h - continue a run folder whose runner died mid-case */
#ifndef DT_RESUME_H
#define DT_RESUME_H

#include <stdbool.h>

#include "results.h"

/* "case[/variant][#iteration]" back to the declaration; -1 if unknown */
int parse_case_id(const char *id, const struct dt_case **tc,
		  const struct dt_variant **v, int *iteration);
/*
 * Load RUN_DIR/run.json into run: the plan, the finished cases, and the
 * case that was running, recorded now as FAIL "the guest died during
 * this case: REASON" (its start and duration from CASE_DIR/vm-death when
 * the launcher that saw it die left one). Cases that were interrupted
 * (SIGINT, SIGTERM) are not done: they run again. A selection (sel)
 * must be the run's own.
 */
int resume_load(struct run_info *run, const char *dir, char *const *sel,
		int nr_sel, const char *reason, char *err, size_t errsz);
bool resume_is_done(const struct run_info *run, const char *id);

#endif
