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

static const struct dt_claim claims[] = {
	{ "answer", "the answer is 42" },
	{ NULL },
};

static const struct dt_param_decl params[] = {
	{ "sleep_ms", DT_PARAM_LONG, "0", NULL,
	  "take that long first, beating", .min = "0", .max = "600000" },
	{ "register", DT_PARAM_STRING, NULL, NULL,
	  "a path the runner is asked to remove after the case" },
	{ NULL },
};

static void run(struct dt_ctx *ctx)
{
	const char *reg = dt_param("register");
	long ms;

	if (reg)
		dt_register_file(reg);
	for (ms = dt_param_long("sleep_ms"); ms > 0; ms -= 50) {
		usleep(50000);
		dt_heartbeat_add(0, 1);
	}
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
	.params = params,
	.timeout = 10,
	.run = run,
};
