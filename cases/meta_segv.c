// SPDX-License-Identifier: GPL-2.0-or-later
/* meta-segv: crashes with SIGSEGV; the runner must name the signal. */
#include <signal.h>
#include <sys/resource.h>

#include "dt_case.h"
#include "meta.h"

static void run(struct dt_ctx *ctx)
{
	struct rlimit no_core = { 0, 0 };

	setrlimit(RLIMIT_CORE, &no_core);
	dt_info("about to crash");
	raise(SIGSEGV);
}

const struct dt_case dt_case_meta_segv = {
	.name = "meta-segv",
	.desc = "crashes with SIGSEGV (runner self-test)",
	.groups = meta_groups,
	.timeout = 10,
	.run = run,
};
