/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diag.h - what a hung case's tasks were doing, saved before the kill */
#ifndef DT_DIAG_H
#define DT_DIAG_H

#include <sys/types.h>

#include "util.h"

/*
 * Append stack, wchan, state and status of every thread of each pid.
 * Only /proc files that do not take the task's mm locks are read, so
 * this cannot block on a task stuck in a page fault.
 */
void diag_tasks(struct sbuf *out, const pid_t *pids, int nr);

#endif
