// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * meta-unmeasured: one claim held, one not measured, one optional not
 * measured: the runner must say SKIP, name what was not measured and why,
 * then what was measured.
 *
 * meta-unreported: one of its two claims is never reported on: the
 * runner must call that the case's bug (ERROR), naming the claim.
 */
#include "dt_case.h"
#include "meta.h"

static const struct dt_claim unmeasured_claims[] = {
	{ "held", "the deliberately held claim" },
	{ "unmeasured", "the deliberately unmeasured claim" },
	{ "figure", "an optional figure", .optional = true },
	{ NULL },
};

static void run_unmeasured(struct dt_ctx *ctx)
{
	dt_heartbeat(4096, 1);
	dt_claim_held("held", "measured %d", 42);
	dt_claim_held("held", "measured again");
	dt_claim_unmeasured("unmeasured", "no observer here");
	dt_claim_unmeasured("figure", "not available");
	/* a PASS result does not make up for an unmeasured claim */
	dt_res(DT_PASS, "everything that could be checked held");
}

const struct dt_case dt_case_meta_unmeasured = {
	.name = "meta-unmeasured",
	.desc = "a claim it cannot measure: SKIP with the reason (runner self-test)",
	.groups = meta_groups,
	.claims = unmeasured_claims,
	.timeout = 10,
	.run = run_unmeasured,
};

static const struct dt_claim unreported_claims[] = {
	{ "reported", "the claim reported on" },
	{ "forgotten", "the claim the case forgets" },
	{ NULL },
};

static void run_unreported(struct dt_ctx *ctx)
{
	dt_claim_held("reported", "fine");
}

const struct dt_case dt_case_meta_unreported = {
	.name = "meta-unreported",
	.desc = "never reports on one of its claims: ERROR (runner self-test)",
	.groups = meta_groups,
	.claims = unreported_claims,
	.timeout = 10,
	.run = run_unreported,
};
