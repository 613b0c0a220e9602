/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * procs.h - the set of processes a case made, and how to end them all.
 *
 * A case runs in its own process group and, when a writable cgroup v2
 * hierarchy exists, in its own cgroup leaf too (so even a descendant that
 * left the process group is found and killed). The runner is a child
 * subreaper, so orphans of a case become its children and are found by
 * their parent pid when there is no cgroup.
 */
#ifndef DT_PROCS_H
#define DT_PROCS_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct proc_group {
	pid_t pgid;
	bool has_cgroup;
	char cgroup[PATH_MAX];
};

/* Once per runner: subreaper. */
void procs_init(void);
/*
 * The runner's cgroup parent, named as its scratch folder (name) under
 * scratch_parent; first the cgroups of runners provably gone (their
 * scratch folder's marker says so) are killed and removed.
 */
void procs_cgroups(const char *name, const char *scratch_parent);
void procs_exit(void);
bool procs_have_cgroup(void);
/* Processes the runner starts itself (target daemons): never leftovers. */
void procs_ignore(pid_t pid);
void procs_unignore(pid_t pid);

int group_create(struct proc_group *g, const char *name);
/* In the case process, before it runs anything. */
void group_enter(struct proc_group *g);
void group_set_leader(struct proc_group *g, pid_t pid);
/* Every live process of the group; returns how many (up to max). */
int group_list(struct proc_group *g, pid_t *pids, int max);
void group_kill(struct proc_group *g);
void group_destroy(struct proc_group *g);

/* The case process being watched: its owner waits for it. */
void procs_protect(pid_t pid);
/* Reap exited orphans without blocking. */
void procs_reap(void);
/* "pid (comm) state" for a log line */
void proc_describe(pid_t pid, char *buf, size_t size);
char proc_state(pid_t pid);

#endif
