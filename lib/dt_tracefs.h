/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_tracefs.h - a private tracefs instance for the kernel mapping
 * observers, and the attribution of its events to the case.
 *
 * The instance (instances/dmaptest_<pid>_<n>) records the observer's
 * events and sched_process_fork, with options/record-tgid, unfiltered:
 * the kernel's own pid filter (set_event_pid with event-fork) would drop
 * what the case does not do in its own tasks: window reclaim runs in a
 * kworker, io_uring punts to io workers the fork event does not see.
 * Events are drained from trace_pipe (consumed, so a long workload can
 * drain as it goes) and attributed here instead: an event is the case's
 * when its task is in the case's process tree (the observer's process,
 * every process and thread forked from it, and pids given) or, for
 * events that name an inode, when the inode is one of the tracked files.
 * An instance whose buffer overran says so (lossy): its counts are low
 * and no claim may stand on them.
 */
#ifndef DT_TRACEFS_H
#define DT_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DT_TRACEFS_PREFIX	"dmaptest_"

/* One line of trace_pipe, taken apart (pointers into the line). */
struct dt_trace_line {
	char comm[32];
	long pid;		/* the task (thread id) */
	long tgid;		/* its process, -1 when not recorded */
	char event[64];		/* "fuse_dax_setup_mapping", "setup" */
	const char *fields;	/* "dev=0:45 ino=12 ..." to the end */
};

/* 0, or -1 when the line is not an event line. */
int dt_trace_parse_line(const char *line, struct dt_trace_line *tl);
/* The number after " key=" (or "key=" at the start), -1 when absent. */
long long dt_trace_field(const char *fields, const char *key);
/* The same, telling absent from -1: true and *v when there. */
bool dt_trace_field_get(const char *fields, const char *key, long long *v);
/* "dev=8:16" as a dev_t; 0 when absent */
dev_t dt_trace_dev(const char *fields);

/* The case's processes: a root and everything forked from it. */
struct dt_ptree {
	pid_t *pids;
	int n, cap;
};

void dt_ptree_add(struct dt_ptree *t, pid_t pid);
bool dt_ptree_has(const struct dt_ptree *t, pid_t pid);
/* Is the task of this line the case's (by thread, process or io worker)? */
bool dt_ptree_owns(const struct dt_ptree *t, const struct dt_trace_line *tl);
/*
 * A sched_process_fork line: its child joins the tree when the forking
 * task is in it. True when the line was a fork.
 */
bool dt_ptree_fork(struct dt_ptree *t, const struct dt_trace_line *tl);
void dt_ptree_free(struct dt_ptree *t);

struct dt_tracefs {
	char root[64];		/* /sys/kernel/tracing */
	char name[64];		/* dmaptest_<pid>_<n> */
	char inst[160];		/* root/instances/name */
	int pipe_fd;
	char *part;		/* a line cut by the last read */
	size_t part_len;
};

/* The mounted tracefs; -1 with why when there is none. */
int dt_tracefs_find(char *root, size_t len, char *why, size_t wlen);
/*
 * Make the instance (record-tgid, buffer of buf_kb per CPU, fork events
 * on) and open its trace_pipe. 0, or -1 with why.
 */
int dt_tracefs_open(struct dt_tracefs *t, const char *root, int buf_kb,
		    char *why, size_t wlen);
/* Enable SYSTEM/EVENT in the instance; -1 with why. */
int dt_tracefs_enable(struct dt_tracefs *t, const char *system,
		      const char *event, char *why, size_t wlen);
/* Hand every complete line now in trace_pipe to fn; lines read, or -1. */
int dt_tracefs_drain(struct dt_tracefs *t,
		     void (*fn)(const char *line, void *arg), void *arg);
/* Events lost to a full buffer since the instance was made. */
bool dt_tracefs_overran(const struct dt_tracefs *t);
/* Events off, instance gone. Safe on a closed or failed one. */
void dt_tracefs_close(struct dt_tracefs *t);
/* Remove dmaptest_<pid>_* instances whose process is gone. */
void dt_tracefs_reap(const char *root);

/* Write s to path (O_WRONLY|O_APPEND, one write); -1 with errno. */
int dt_tracefs_write(const char *path, const char *s);

#endif
