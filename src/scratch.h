/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scratch.h - the runner's scratch folders: made 0700 with a marker
 * (lib/dt_marker.h) it keeps locked while it lives, and reaped only when
 * they are this user's and their runner is provably gone.
 *
 * The runner's own folder (mount points, the cases' tmp folders, the dir
 * target's files without --dir) is under a per-user parent: /run/dmaptest
 * for root, else $XDG_RUNTIME_DIR/dmaptest, else $TMPDIR/dmaptest-<uid>
 * (/tmp without $TMPDIR). A --mount or --dir target gets a second one on
 * that path, since the cases must test that file system.
 */
#ifndef DT_SCRATCH_H
#define DT_SCRATCH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct scratch {
	char path[PATH_MAX - 64];	/* PARENT/dmaptest.<pid>.XXXXXX */
	int lock_fd;			/* the marker file, locked; -1: none */
};

/* The per-user parent, created 0700 and checked to be ours. */
int scratch_parent(char *out, size_t size, char *err, size_t errsz);
/* A fresh marked scratch folder under parent. */
int scratch_create(struct scratch *s, const char *parent, char *err,
		   size_t errsz);
/* Remove it (bounded: a hung file system cannot hold the runner). */
int scratch_remove(struct scratch *s, double timeout);

/*
 * Remove what dmaptest runs that are gone left in parent: scratch
 * folders, ballast and probe files, each only when its marker says it is
 * this user's and its runner is provably gone. Runs in a child bounded
 * by timeout. Writes one line per entry removed (and, with list_all, per
 * entry left, with the reason), each after prefix, and with list_all a
 * count line to out.
 * 0 when nothing failed, 1 when something could not be removed, -1 when
 * parent could not be read or the time ran out.
 */
int scratch_reap(const char *parent, FILE *out, const char *prefix,
		 bool list_all, double timeout);

/* Is path inside folder dir (lexically: no "..", no "." parts)? */
bool scratch_within(const char *path, const char *dir);

#endif
