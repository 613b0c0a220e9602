// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * meta-dmesg-warning: passes, but writes a WARNING line into the kernel
 * log; the runner's kernel log scan must turn the PASS into FAIL.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dt_case.h"
#include "meta.h"

static void run(struct dt_ctx *ctx)
{
	char line[128];
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	int n;

	if (fd < 0) {
		dt_res(DT_SKIP, "/dev/kmsg is not writable");
		return;
	}
	n = snprintf(line, sizeof(line),
		     "<4>WARNING: CPU: 0 PID: %d at meta-dmesg-warning (deliberate, " DT_KMSG_SELFTEST "%s)\n",
		     (int)getpid(), ctx->run_id);
	if (write(fd, line, n) != n) {
		close(fd);
		dt_brk("writing to /dev/kmsg failed");
	}
	close(fd);
	dt_res(DT_PASS, "passed, but the kernel log has a warning");
}

const struct dt_case dt_case_meta_dmesg_warning = {
	.name = "meta-dmesg-warning",
	.desc = "puts a WARNING in the kernel log (runner self-test)",
	.groups = meta_groups,
	.needs_root = true,
	.timeout = 10,
	.run = run,
};
