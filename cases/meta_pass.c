// SPDX-License-Identifier: GPL-2.0-or-later
/* meta-pass: reports PASS with a metric; the runner must say PASS. */
#include "dt_case.h"
#include "meta.h"

static const struct dt_claim claims[] = {
	{ "answer", "the answer is 42" },
	{ NULL },
};

static void run(struct dt_ctx *ctx)
{
	dt_heartbeat(4096, 1);
	dt_metric("answer", "%d", 42);
	dt_claim_held("answer", "measured %d", 42);
	dt_res(DT_PASS, "deliberate pass");
}

const struct dt_case dt_case_meta_pass = {
	.name = "meta-pass",
	.desc = "reports PASS (runner self-test)",
	.groups = meta_groups,
	.claims = claims,
	.timeout = 10,
	.run = run,
};
