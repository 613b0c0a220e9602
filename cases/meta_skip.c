// SPDX-License-Identifier: GPL-2.0-or-later
/* meta-skip: two unmet requirements; both must be in the SKIP reason. */
#include "dt_case.h"
#include "meta.h"

static const char *const cmds[] = { "dmaptest-no-such-command", NULL };

static void run(struct dt_ctx *ctx)
{
	dt_res(DT_FAIL, "ran although its requirements are not met");
}

const struct dt_case dt_case_meta_skip = {
	.name = "meta-skip",
	.desc = "has two unmet requirements (runner self-test)",
	.groups = meta_groups,
	.needs_cmds = cmds,
	.min_kver = "99.1",
	.timeout = 10,
	.run = run,
};
