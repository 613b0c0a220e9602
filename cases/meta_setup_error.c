// SPDX-License-Identifier: GPL-2.0-or-later
/* meta-setup-error: setup breaks; run must not run, cleanup must. */
#include "dt_case.h"
#include "meta.h"

static void setup(struct dt_ctx *ctx)
{
	dt_brk("deliberate setup error");
}

static void run(struct dt_ctx *ctx)
{
	dt_res(DT_FAIL, "run() ran after setup() broke");
}

static void cleanup(struct dt_ctx *ctx)
{
	dt_info("cleanup ran after the setup error");
}

const struct dt_case dt_case_meta_setup_error = {
	.name = "meta-setup-error",
	.desc = "breaks in setup (runner self-test)",
	.groups = meta_groups,
	.timeout = 10,
	.setup = setup,
	.run = run,
	.cleanup = cleanup,
};
