// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * meta-no-progress: heartbeats for a while, then stays alive without
 * progress; the no-progress window must end it as HANG long before its
 * hard timeout.
 */
#include <time.h>
#include <unistd.h>

#include "dt_case.h"
#include "meta.h"

static void run(struct dt_ctx *ctx)
{
	int i;

	dt_phase("working");
	for (i = 0; i < 10; i++) {
		dt_heartbeat_add(1 << 20, 1);
		usleep(50000);
	}
	dt_phase("stuck");
	/* alive and busy, but no heartbeat */
	for (;;)
		usleep(10000);
}

const struct dt_case dt_case_meta_no_progress = {
	.name = "meta-no-progress",
	.desc = "stops its heartbeat but stays alive (runner self-test)",
	.groups = meta_groups,
	.timeout = 120,
	.progress_window = 2,
	.run = run,
};
