// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * meta-leftover: leaves a child behind in a new session (out of its
 * process group) and passes; the runner must find and kill the child.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dt_case.h"
#include "meta.h"

static void run(struct dt_ctx *ctx)
{
	pid_t pid = fork();

	if (pid < 0)
		dt_brk("fork failed");
	if (pid == 0) {
		setsid();
		if (fork() == 0) {	/* a grandchild: orphaned at once */
			for (;;)
				pause();
		}
		_exit(0);
	}
	/* the middle child is gone once waitpid returns: one is left */
	if (waitpid(pid, NULL, 0) != pid)
		dt_brk("waitpid failed");
	dt_info("left a grandchild of pid %d behind", (int)pid);
	dt_res(DT_PASS, "passed, but left a process behind");
}

const struct dt_case dt_case_meta_leftover = {
	.name = "meta-leftover",
	.desc = "leaves a child process behind (runner self-test)",
	.groups = meta_groups,
	.timeout = 10,
	.run = run,
};
