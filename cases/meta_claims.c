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

/*
 * meta-out-of-scope: one claim held, one that needs DAX mmap, which the
 * meta targets (a plain folder) lack: the case reports it out of scope,
 * and the runner must PASS it on the held claim, naming the other as not
 * measured on that target and what it needs, in the reason and in every
 * per-claim record.
 */
static const struct dt_claim scoped_claims[] = {
	{ "held", "the deliberately held claim" },
	{ "dax-mmap", "the deliberately out-of-scope claim",
	  .needs_features = DT_FEAT_DAX_MMAP },
	{ NULL },
};

static void run_out_of_scope(struct dt_ctx *ctx)
{
	dt_heartbeat(4096, 1);
	dt_claim_held("held", "measured");
	if (dt_claim_in_scope(ctx, "dax-mmap"))
		dt_claim_held("dax-mmap", "this target maps files DAX on mmap");
	else
		dt_claim_out_of_scope(ctx, "dax-mmap");
	dt_res(DT_PASS, "deliberate pass of the claims in scope");
}

const struct dt_case dt_case_meta_out_of_scope = {
	.name = "meta-out-of-scope",
	.desc = "a claim the target cannot measure (needs DAX mmap): PASS naming it (runner self-test)",
	.groups = meta_groups,
	.claims = scoped_claims,
	.timeout = 10,
	.run = run_out_of_scope,
};
