// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * meta-pass: reports PASS with a metric; the runner must say PASS.
 * Parameters: sleep_ms (0): take that long first, beating (for tests
 * that stop a run in the middle of a passing case); register (none): ask
 * the runner to remove that path after the case (for the tests of what
 * the runner agrees to remove).
 */
#include <unistd.h>

#include "dt_case.h"
#include "meta.h"

static void run(struct dt_ctx *ctx)
{
	const char *reg = dt_param("register");
	long ms;

	if (reg)
		dt_register_file(reg);
	for (ms = dt_param_long("sleep_ms", 0); ms > 0; ms -= 50) {
		usleep(50000);
		dt_heartbeat_add(0, 1);
	}
	dt_heartbeat(4096, 1);
	dt_metric("answer", "%d", 42);
	dt_res(DT_PASS, "deliberate pass");
}

const struct dt_case dt_case_meta_pass = {
	.name = "meta-pass",
	.desc = "reports PASS (runner self-test)",
	.groups = meta_groups,
	.timeout = 10,
	.run = run,
};
