// SPDX-License-Identifier: GPL-2.0-or-later
/* meta-silent: exits without reporting anything: ERROR. */
#include "dt_case.h"
#include "meta.h"

static void run(struct dt_ctx *ctx)
{
	dt_info("returning without a result");
}

const struct dt_case dt_case_meta_silent = {
	.name = "meta-silent",
	.desc = "reports no result (runner self-test)",
	.groups = meta_groups,
	.timeout = 10,
	.run = run,
};
