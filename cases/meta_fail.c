// SPDX-License-Identifier: GPL-2.0-or-later
/* meta-fail: one PASS then two FAILs; the first FAIL is the reason. */
#include "dt_case.h"
#include "meta.h"

static void run(struct dt_ctx *ctx)
{
	dt_res(DT_PASS, "a check that passed");
	dt_res(DT_FAIL, "deliberate failure at offset %d", 4096);
	dt_res(DT_FAIL, "second deliberate failure");
}

const struct dt_case dt_case_meta_fail = {
	.name = "meta-fail",
	.desc = "reports FAIL (runner self-test)",
	.groups = meta_groups,
	.timeout = 10,
	.run = run,
};
