// SPDX-License-Identifier: GPL-2.0-or-later
/* meta-hang: sleeps forever; the hard timeout must end it as HANG. */
#include <unistd.h>

#include "dt_case.h"
#include "meta.h"

static void run(struct dt_ctx *ctx)
{
	dt_phase("sleeping forever");
	for (;;)
		pause();
}

const struct dt_case dt_case_meta_hang = {
	.name = "meta-hang",
	.desc = "sleeps forever (runner self-test: timeout)",
	.groups = meta_groups,
	.timeout = 2,
	.progress_window = 60,
	.run = run,
};
