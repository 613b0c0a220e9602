/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_cmd.h - run a real command (od, cat, xfs_io, truncate) as a case
 * would from a shell, with its output captured and its progress turned
 * into heartbeats: the child's /proc/PID/io character counts are sampled
 * while it runs, and only growth is a heartbeat, so a command stuck in
 * the file system stops the heartbeat and the watchdog sees the hang.
 */
#ifndef DT_CMD_H
#define DT_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DT_CMD_ERR_KEEP	2048

struct dt_cmd {
	/* in */
	const char *const *argv;	/* argv[0] is looked up on PATH */
	size_t out_keep;		/* stdout bytes kept in out */
	/* every stdout byte, in order (e.g. to check cat's output) */
	void (*on_out)(const char *buf, size_t len, void *arg);
	void *arg;
	/* called about every 200 ms while it runs (e.g. to watch allocation) */
	void (*tick)(struct dt_cmd *c, void *arg);
	void *tick_arg;

	/* out */
	pid_t pid;
	char *out;			/* first out_keep bytes, NUL-ended */
	size_t out_len;
	uint64_t out_total;		/* all stdout bytes */
	char err[DT_CMD_ERR_KEEP];	/* first stderr bytes, NUL-ended */
	uint64_t err_total;
	int status;			/* wait status */
	uint64_t rchar, wchar;		/* /proc/PID/io when it ended */
	double secs;			/* run time */
	double last_progress;		/* seconds from start to last growth */

	/* private */
	int out_fd, err_fd, io_fd;
	double t0;
};

/* Fork and exec; 0, or -1 with errno (nothing is left running). */
int dt_cmd_start(struct dt_cmd *c);
/* Collect output with heartbeats until the command ends; 0 or -1. */
int dt_cmd_wait(struct dt_cmd *c);
/* dt_cmd_start() and dt_cmd_wait() */
int dt_cmd_run(struct dt_cmd *c);
void dt_cmd_free(struct dt_cmd *c);

/* true when it exited with status 0 */
bool dt_cmd_ok(const struct dt_cmd *c);
/* "exit status 1", "killed by SIGBUS" */
const char *dt_cmd_status(const struct dt_cmd *c, char *buf, size_t len);
/* true when cmd is on PATH (or is an executable path) */
bool dt_cmd_exists(const char *cmd);
/* "od -x big" for messages */
const char *dt_cmd_line(const struct dt_cmd *c, char *buf, size_t len);

#endif
