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
#define CLAIM_DETAIL_MAX 512

/* What the case reported on one declared claim. */
struct claim_obs {
	const char *id;
	const char *text;
	bool optional;
	unsigned int needs;	/* target features it needs (dt_claim) */
	int nr[DT_NR_CLAIM_STATES];	/* reports of each state */
	/* the first report of each state */
	char detail[DT_NR_CLAIM_STATES][CLAIM_DETAIL_MAX];
};

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

	/* the target: its features, and its name in reasons ("dmapfs") */
	unsigned int features;
	char target[64];

	/* the case's claims, declared and reported */
	struct claim_obs claims[DT_MAX_CLAIMS];
	int nr_claims;
	int nr_undeclared;	/* reports on ids the case did not declare */
	char undeclared[64];	/* the first such id */
};

struct case_verdict {
	enum dt_verdict verdict;
	char reason[REASON_MAX];
};

void observation_init(struct case_observation *obs);
/* Record one "R" line from the case. */
void observation_add_result(struct case_observation *obs, enum dt_verdict v,
			    const char *reason);
/*
 * Declare one claim (before the case runs); -1 when there are too many
 * or the id is declared twice.
 */
int observation_declare_claim(struct case_observation *obs, const char *id,
			      const char *text, bool optional);
/* The same for a claim that needs target features (dt_claim.needs_features). */
int observation_declare_claim_needs(struct case_observation *obs,
				    const char *id, const char *text,
				    bool optional, unsigned int needs);
/* The target's features and its name, before the verdict is decided. */
void observation_set_target(struct case_observation *obs,
			    unsigned int features, const char *label);
/* Record one "C" line from the case. */
void observation_add_claim(struct case_observation *obs,
			   enum dt_claim_state st, const char *id,
			   const char *detail);
/* What one claim came to: failed, else unmeasured, else held. */
enum dt_claim_state claim_state(const struct claim_obs *c);
/*
 * The features the claim needs that the target lacks: when it is also
 * unmeasured, the claim is out of scope on this target (it does not stand
 * in the way of a PASS, and the reason names it).
 */
unsigned int claim_lacks(const struct case_observation *obs,
			 const struct claim_obs *c);
bool claim_out_of_scope(const struct case_observation *obs,
			const struct claim_obs *c);
void decide_verdict(const struct case_observation *obs,
		    struct case_verdict *out);
/* "PASS" -> DT_PASS; -1 when unknown */
int verdict_from_name(const char *name);

#endif
