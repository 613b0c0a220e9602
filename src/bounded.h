/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bounded.h - do something that may block on a hung file system in a
 * child process, and give up on it after a timeout. The runner itself
 * never waits on anything a hung case may hold.
 */
#ifndef DT_BOUNDED_H
#define DT_BOUNDED_H

/* fn's return value (0..255), or -1 on timeout or failure to fork. */
int run_bounded(int (*fn)(void *arg), void *arg, double timeout);
/* rm -rf that stays on one file system; 0 when all went */
int remove_tree(const char *path);
int remove_tree_bounded(const char *path, double timeout);

#endif
