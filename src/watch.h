/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * watch.h - run one case in its own process under the watchdog.
 *
 * The case process gets its own process group (and cgroup leaf), its
 * stdout/stderr go to the case's "full" file, its reports come back on a
 * pipe and its heartbeat through a shared page. The watchdog polls the
 * case's pidfd, the pipe and the runner's stop pipe; it fires on the hard
 * timeout and on a silent heartbeat, saves what the tasks were doing,
 * kills the whole group, and never waits on a task that cannot die.
 */
#ifndef DT_WATCH_H
#define DT_WATCH_H

#include <stdbool.h>
#include <stdio.h>

#include "dt_case.h"
#include "results.h"
#include "target.h"
#include "util.h"
#include "verdict.h"

struct watch_params {
	struct dt_ctx *ctx;
	const char *id;		/* for the progress line */
	int index, total;
	double timeout;		/* seconds, scaled */
	double window;		/* no-progress window, scaled */
	double runtime;		/* work budget, seconds */
	double grace;		/* for killed tasks to go */
	int full_fd;		/* case stdout and stderr */
	FILE *log;		/* the case log, written by the runner */
	const char *hang_path;	/* hang.txt */
	const char *group_name;
	struct dt_target *target;
	int stop_fd;		/* readable: the runner must stop */
	const char *tmpdir;	/* the case's own tmp folder: its TMPDIR */
	int verbose;
	bool kmsg;
};

struct watch_out {
	struct case_observation obs;
	struct sbuf dmesg;
	char **files;		/* registered by the case for removal */
	int nr_files;
};

void watch_out_init(struct watch_out *out);
void watch_out_free(struct watch_out *out);
/* 0 when the case ran (whatever its verdict); -1 when it could not start. */
int watch_case(const struct watch_params *wp, struct case_result *r,
	       struct watch_out *out);
/* Parse one report line into out/r (exposed for the unit tests). */
void watch_handle_line(char *line, struct case_result *r,
		       struct watch_out *out, FILE *log, double t0,
		       int verbose);

#endif
