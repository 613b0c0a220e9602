// SPDX-License-Identifier: GPL-2.0-or-later
/* verdict.c - one verdict and reason from a case's observations */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "verdict.h"

void observation_init(struct case_observation *obs)
{
	memset(obs, 0, sizeof(*obs));
	obs->exited = true;
}

void observation_add_result(struct case_observation *obs, enum dt_verdict v,
			    const char *reason)
{
	if ((unsigned int)v >= DT_NR_VERDICTS)
		v = DT_ERROR;
	if (!obs->nr_results[v]++)
		snprintf(obs->first_reason[v], REASON_MAX, "%s", reason);
}

int observation_declare_claim(struct case_observation *obs, const char *id,
			      const char *text, bool optional)
{
	return observation_declare_claim_needs(obs, id, text, optional, 0);
}

int observation_declare_claim_needs(struct case_observation *obs,
				    const char *id, const char *text,
				    bool optional, unsigned int needs)
{
	struct claim_obs *c;
	int i;

	if (!id || !*id || obs->nr_claims >= DT_MAX_CLAIMS)
		return -1;
	for (i = 0; i < obs->nr_claims; i++)
		if (!strcmp(obs->claims[i].id, id))
			return -1;
	c = &obs->claims[obs->nr_claims++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->text = text ? text : id;
	c->optional = optional;
	c->needs = needs;
	return 0;
}

void observation_set_target(struct case_observation *obs,
			    unsigned int features, const char *label)
{
	obs->features = features;
	snprintf(obs->target, sizeof(obs->target), "%s", label ? label : "");
}

void observation_add_claim(struct case_observation *obs,
			   enum dt_claim_state st, const char *id,
			   const char *detail)
{
	char reason[REASON_MAX];
	struct claim_obs *c = NULL;
	int i;

	for (i = 0; i < obs->nr_claims; i++)
		if (!strcmp(obs->claims[i].id, id))
			c = &obs->claims[i];
	if (!c || st <= DT_CLAIM_NONE || st >= DT_NR_CLAIM_STATES) {
		if (!obs->nr_undeclared++)
			snprintf(obs->undeclared, sizeof(obs->undeclared), "%s",
				 id);
		return;
	}
	if (!c->nr[st]++)
		snprintf(c->detail[st], CLAIM_DETAIL_MAX, "%s", detail);
	if (st != DT_CLAIM_FAILED)
		return;
	/* a failed claim is a failure like any other: hangs and deaths say so */
	snprintf(reason, sizeof(reason), "%s: %s", c->text, detail);
	observation_add_result(obs, DT_FAIL, reason);
}

enum dt_claim_state claim_state(const struct claim_obs *c)
{
	if (c->nr[DT_CLAIM_FAILED])
		return DT_CLAIM_FAILED;
	if (c->nr[DT_CLAIM_UNMEASURED])
		return DT_CLAIM_UNMEASURED;
	if (c->nr[DT_CLAIM_HELD])
		return DT_CLAIM_HELD;
	return DT_CLAIM_NONE;
}

unsigned int claim_lacks(const struct case_observation *obs,
			 const struct claim_obs *c)
{
	return c->needs & ~obs->features;
}

bool claim_out_of_scope(const struct case_observation *obs,
			const struct claim_obs *c)
{
	return claim_lacks(obs, c) && claim_state(c) == DT_CLAIM_UNMEASURED;
}

int verdict_from_name(const char *name)
{
	int v;

	for (v = 0; v < DT_NR_VERDICTS; v++)
		if (!strcmp(name, dt_verdict_name(v)))
			return v;
	return -1;
}

static void set(struct case_verdict *out, enum dt_verdict v,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set(struct case_verdict *out, enum dt_verdict v,
		const char *fmt, ...)
{
	va_list ap;

	out->verdict = v;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}

static void append(struct case_verdict *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void append(struct case_verdict *out, const char *fmt, ...)
{
	size_t len = strlen(out->reason);
	va_list ap;

	if (len >= sizeof(out->reason) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(out->reason + len, sizeof(out->reason) - len, fmt, ap);
	va_end(ap);
}

/* The worst verdict the case reported itself, or -1 for none. */
static int worst_reported(const struct case_observation *obs)
{
	int v;

	for (v = DT_NR_VERDICTS - 1; v >= 0; v--)
		if (obs->nr_results[v])
			return v;
	return -1;
}

static void from_reports(const struct case_observation *obs,
			 struct case_verdict *out, int worst)
{
	set(out, worst, "%s", obs->first_reason[worst]);
	if (obs->nr_results[worst] > 1 && worst != DT_PASS &&
	    worst != DT_SKIP)
		append(out, " (and %d more)", obs->nr_results[worst] - 1);
}

/* "text (detail, and 3 more)" or "text: why" of one claim */
static void append_claim(struct case_verdict *out, const struct claim_obs *c,
			 enum dt_claim_state st, const char *sep)
{
	bool held = st == DT_CLAIM_HELD;

	append(out, "%s%s", sep, c->text);
	if (held && c->detail[st][0] && c->nr[st] > 1)
		append(out, " (%s, and %d more)", c->detail[st], c->nr[st] - 1);
	else if (c->detail[st][0])
		append(out, held ? " (%s)" : ": %s", c->detail[st]);
}

/* "DAX-mmap" or "DAX, DAX-mmap": the features the claim lacks */
static void append_lacks(struct case_verdict *out,
			 const struct case_observation *obs,
			 const struct claim_obs *c)
{
	unsigned int lacks = claim_lacks(obs, c), bit;
	int k = 0;

	for (bit = 1; bit; bit <<= 1)
		if (lacks & bit)
			append(out, "%s%s", k++ ? ", " : "",
			       dt_feature_name(bit));
}

static const char *target_of(const struct case_observation *obs)
{
	return obs->target[0] ? obs->target : "this target";
}

/*
 * "not measured on dmapfs: <text> (needs DAX-mmap); <text> (needs ...)"
 * after sep, for the claims out of scope here; how many.
 */
static int append_out_of_scope(const struct case_observation *obs,
			       struct case_verdict *out, const char *sep)
{
	const struct claim_obs *c;
	int i, n = 0;

	for (i = 0; i < obs->nr_claims; i++) {
		c = &obs->claims[i];
		if (!claim_out_of_scope(obs, c))
			continue;
		if (!n++)
			append(out, "%snot measured on %s: ", sep,
			       target_of(obs));
		else
			append(out, "; ");
		append(out, "%s (needs ", c->text);
		append_lacks(out, obs, c);
		append(out, ")");
	}
	return n;
}

/*
 * A case that declares claims ended normally and reported no failure or
 * error: PASS only if every claim that is not optional held, or is out
 * of scope on this target (it needs a feature the target lacks) and at
 * least one claim held.
 */
static void decide_claims(const struct case_observation *obs,
			  struct case_verdict *out, int worst)
{
	const struct claim_obs *c;
	int i, n, held, reported = 0;

	for (i = 0; i < obs->nr_claims; i++)
		if (claim_state(&obs->claims[i]) != DT_CLAIM_NONE)
			reported++;
	/* the case said why it could not run at all */
	if (!reported && worst == DT_SKIP) {
		from_reports(obs, out, worst);
		return;
	}
	for (i = 0, n = 0; i < obs->nr_claims; i++) {
		c = &obs->claims[i];
		if (claim_state(c) != DT_CLAIM_NONE)
			continue;
		if (!n++)
			set(out, DT_ERROR, "claim '%s' (%s) was never reported on: a bug of the case",
			    c->id, c->text);
	}
	if (n > 1)
		append(out, " (and %d more)", n - 1);
	if (n)
		return;

	/* what cannot be measured here was not: a held report is made up */
	for (i = 0, n = 0; i < obs->nr_claims; i++) {
		c = &obs->claims[i];
		if (!claim_lacks(obs, c) || !c->nr[DT_CLAIM_HELD])
			continue;
		if (n++)
			continue;
		set(out, DT_ERROR, "claim '%s' (%s) was reported held on %s, which lacks ",
		    c->id, c->text, target_of(obs));
		append_lacks(out, obs, c);
		append(out, " that it needs: a bug of the case");
	}
	if (n > 1)
		append(out, " (and %d more)", n - 1);
	if (n)
		return;

	for (i = 0, n = 0; i < obs->nr_claims; i++) {
		c = &obs->claims[i];
		if (claim_state(c) != DT_CLAIM_UNMEASURED || c->optional ||
		    claim_out_of_scope(obs, c))
			continue;
		if (!n++)
			set(out, DT_SKIP, "%s", "");
		append_claim(out, c, DT_CLAIM_UNMEASURED,
			     n > 1 ? "; not measured: " : "not measured: ");
	}
	if (n) {
		for (i = 0, held = 0; i < obs->nr_claims; i++) {
			c = &obs->claims[i];
			if (claim_state(c) != DT_CLAIM_HELD)
				continue;
			append_claim(out, c, DT_CLAIM_HELD,
				     held++ ? "; " : "; measured: ");
		}
		if (!held)
			append(out, "; nothing was measured");
		append_out_of_scope(obs, out, "; ");
		return;
	}

	for (i = 0, held = 0; i < obs->nr_claims; i++)
		if (claim_state(&obs->claims[i]) == DT_CLAIM_HELD)
			held++;
	/* only claims out of scope: no PASS without a measurement */
	if (!held) {
		set(out, DT_SKIP, "%s", "");
		if (append_out_of_scope(obs, out, "")) {
			append(out, "; nothing was measured");
			return;
		}
	}

	if (obs->nr_results[DT_PASS]) {
		set(out, DT_PASS, "%s", obs->first_reason[DT_PASS]);
	} else {
		set(out, DT_PASS, "%s", "");
		for (i = 0, n = 0; i < obs->nr_claims; i++) {
			c = &obs->claims[i];
			if (claim_state(c) == DT_CLAIM_HELD)
				append_claim(out, c, DT_CLAIM_HELD,
					     n++ ? "; " : "");
		}
	}
	for (i = 0; i < obs->nr_claims; i++) {
		c = &obs->claims[i];
		if (claim_state(c) == DT_CLAIM_UNMEASURED &&
		    !claim_out_of_scope(obs, c))
			append_claim(out, c, DT_CLAIM_UNMEASURED,
				     "; not measured (optional): ");
	}
	append_out_of_scope(obs, out, "; ");
}

static const char *signame(int sig)
{
	const char *s = sigabbrev_np(sig);
	static __thread char buf[16];

	if (s) {
		snprintf(buf, sizeof(buf), "SIG%s", s);
		return buf;
	}
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}

static void decide_ending(const struct case_observation *obs,
			  struct case_verdict *out)
{
	int worst = worst_reported(obs);
	bool bad_report = worst == DT_FAIL || worst == DT_ERROR;

	if (obs->target_died) {
		set(out, DT_FAIL, "target died during the case: %s",
		    obs->target_reason);
		if (worst >= 0 && worst != DT_PASS)
			append(out, "; case reported %s: %s",
			       dt_verdict_name(worst),
			       obs->first_reason[worst]);
		return;
	}

	if (!obs->exited) {
		const char *sn = signame(obs->term_signal);

		if (obs->expect_signal && obs->term_signal == obs->expect_signal &&
		    !bad_report) {
			set(out, DT_PASS, "ended by %s as expected", sn);
			return;
		}
		if (bad_report) {
			from_reports(obs, out, worst);
			append(out, "; then killed by %s", sn);
			return;
		}
		/*
		 * SIGBUS is what an access to a failing mapping of the
		 * target gives: the system under test. Anything else is a
		 * crash of the case itself.
		 */
		if (obs->term_signal == SIGBUS)
			set(out, DT_FAIL, "killed by %s (a mapped access to the target failed)",
			    sn);
		else
			set(out, DT_ERROR, "killed by %s", sn);
		if (obs->expect_signal)
			append(out, " (expected %s)", signame(obs->expect_signal));
		return;
	}

	if (obs->exit_code != 0) {
		if (bad_report) {
			from_reports(obs, out, worst);
			append(out, "; exit status %d", obs->exit_code);
		} else {
			set(out, DT_ERROR, "case process exited with status %d",
			    obs->exit_code);
		}
		return;
	}

	if (obs->expect_signal && !bad_report) {
		set(out, DT_FAIL, "expected to end by %s, exited normally",
		    signame(obs->expect_signal));
		return;
	}
	if (obs->nr_undeclared) {
		if (bad_report) {
			from_reports(obs, out, worst);
			append(out, "; ");
		} else {
			set(out, DT_ERROR, "%s", "");
		}
		append(out, "reported on claim '%s', which the case does not declare: a bug of the case",
		       obs->undeclared);
		return;
	}
	if (obs->nr_claims && !bad_report) {
		decide_claims(obs, out, worst);
		return;
	}
	if (worst < 0) {
		set(out, DT_ERROR, "case reported no result");
		return;
	}
	from_reports(obs, out, worst);
}

void decide_verdict(const struct case_observation *obs,
		    struct case_verdict *out)
{
	memset(out, 0, sizeof(*out));

	if (obs->target_died) {
		decide_ending(obs, out);
	} else 	if (obs->hang != HANG_NONE) {
		if (obs->hang == HANG_TIMEOUT)
			set(out, DT_HANG, "timed out after %.0f s",
			    obs->hang_seconds);
		else
			set(out, DT_HANG, "no progress for %.0f s",
			    obs->hang_seconds);
		if (obs->hang_phase[0])
			append(out, " in phase '%s'", obs->hang_phase);
		if (obs->nr_results[DT_FAIL])
			append(out, "; reported FAIL before: %s",
			       obs->first_reason[DT_FAIL]);
	} else if (obs->interrupted) {
		set(out, DT_ERROR, "interrupted: the runner was asked to stop");
	} else {
		decide_ending(obs, out);
	}

	if (obs->unkillable)
		append(out, "; %d task(s) unkillable (stuck in the kernel)",
		       obs->nr_unkillable);

	if (obs->nr_leftovers) {
		if (out->verdict == DT_PASS || out->verdict == DT_SKIP)
			set(out, DT_ERROR, "left %d process(es) behind: %s",
			    obs->nr_leftovers, obs->leftovers);
		else
			append(out, "; left %d process(es) behind",
			       obs->nr_leftovers);
	}

	if (obs->nr_kmsg_bad) {
		if (out->verdict == DT_PASS)
			set(out, DT_FAIL, "kernel log: %s", obs->kmsg_first);
		else
			append(out, "; kernel log: %s", obs->kmsg_first);
		if (obs->nr_kmsg_bad > 1)
			append(out, " (and %d more lines)",
			       obs->nr_kmsg_bad - 1);
	}
}
