// SPDX-License-Identifier: GPL-2.0-or-later
/* meta-expected-signal: ends by SIGABRT, which it declared: PASS. */
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "dt_case.h"
#include "meta.h"

static void run(struct dt_ctx *ctx)
{
	struct rlimit no_core = { 0, 0 };

	setrlimit(RLIMIT_CORE, &no_core);
	abort();
}

const struct dt_case dt_case_meta_expected_signal = {
	.name = "meta-expected-signal",
	.desc = "ends by a declared signal (runner self-test)",
	.groups = meta_groups,
	.timeout = 10,
	.expect_signal = SIGABRT,
	.run = run,
};
