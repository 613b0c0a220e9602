/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_proto.h - the channel between a case process and the runner.
 *
 * Results, metrics, log lines and cleanup registrations travel as text
 * lines on a pipe (each write is one line shorter than PIPE_BUF, so lines
 * from several processes of one case never interleave). Progress lives in
 * a shared anonymous page so that a heartbeat costs no system call.
 *
 * Lines:  "R <verdict> <reason>"   result
 *         "C <state> <id> <detail>" report on claim <id>: HELD, FAILED
 *                                  or UNMEASURED
 *         "M <key> <value>"        metric
 *         "I <text>"               info line
 *         "F <path>"               file to remove after the case
 */
#ifndef DT_PROTO_H
#define DT_PROTO_H

#include <stdint.h>

#define DT_LINE_MAX	3072

struct dt_progress {
	uint64_t beats;		/* bumped by every heartbeat */
	uint64_t bytes;
	uint64_t ops;
	uint64_t total_bytes;
	char phase[64];
};

struct dt_ctx;

/* Called in the case process by the runner before the hooks run. */
void dt_report_attach(int fd, struct dt_progress *progress,
		      struct dt_ctx *ctx, double runtime_budget);
/* Parameters and sizes (lib/dt_param.c). */
void dt_param_attach(const struct dt_ctx *ctx);
int dt_parse_size(const char *s, uint64_t *out);

/* Run a case's hooks in the current process and _exit(). */
void dt_case_main(struct dt_ctx *ctx) __attribute__((noreturn));

#endif
