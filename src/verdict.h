/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * verdict.h - turn what was observed of a case process into one verdict
 * and a reason. Pure logic: no I/O, unit tested.
 */
#ifndef DT_VERDICT_H
#define DT_VERDICT_H

#include <stdbool.h>

#include "dt_case.h"

#define REASON_MAX 1024

enum hang_kind {
	HANG_NONE,
	HANG_TIMEOUT,		/* hard timeout */
	HANG_NO_PROGRESS,	/* heartbeat stopped */
};

struct case_observation {
	/* what the case reported */
	int nr_results[DT_NR_VERDICTS];
	char first_reason[DT_NR_VERDICTS][REASON_MAX];

	/* how its main process ended */
	bool exited;		/* else killed by term_signal */
	int exit_code;
	int term_signal;
	int expect_signal;	/* declared by the case, 0: none */

	/* what the runner saw */
	enum hang_kind hang;
	double hang_seconds;	/* timeout or window that expired */
	char hang_phase[64];
	bool unkillable;
	int nr_unkillable;
	bool interrupted;	/* the runner got SIGINT/SIGTERM */
	int nr_leftovers;	/* processes alive after the case ended */
	char leftovers[256];
	int nr_kmsg_bad;	/* kernel log lines that mean trouble */
	char kmsg_first[256];
	bool target_died;
	char target_reason[256];
	bool target_aborted;	/* the runner broke its connection to end the case */
};

struct case_verdict {
	enum dt_verdict verdict;
	char reason[REASON_MAX];
};

void observation_init(struct case_observation *obs);
/* Record one "R" line from the case. */
void observation_add_result(struct case_observation *obs, enum dt_verdict v,
			    const char *reason);
void decide_verdict(const struct case_observation *obs,
		    struct case_verdict *out);
/* "PASS" -> DT_PASS; -1 when unknown */
int verdict_from_name(const char *name);

#endif
