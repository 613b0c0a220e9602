/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * target.h - what the cases run on, as a table of hooks (in the manner
 * of fio's ioengine_ops). A target provides a directory, says which
 * features it has, can tell whether it is still alive, and can be broken
 * off and restarted when a case hangs in it.
 */
#ifndef DT_TARGET_H
#define DT_TARGET_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct dt_opts;

#define DT_TARGET_OPS_VERSION 1

struct dt_target;

struct dt_target_ops {
	int version;		/* DT_TARGET_OPS_VERSION */
	const char *name;
	/* Make the target ready; fill root and features. */
	int (*setup)(struct dt_target *t, const struct dt_opts *o,
		     char *err, size_t errsz);
	/* 0 while usable; -1 with a reason when it died. */
	int (*check)(struct dt_target *t, char *why, size_t size);
	/* Break the connection so tasks stuck in it can go (after a hang). */
	void (*abort)(struct dt_target *t);
	/* Start afresh after an abort or a death; NULL when not possible. */
	int (*restart)(struct dt_target *t, char *err, size_t errsz);
	/* Undo setup; must not block on a hung file system. */
	void (*teardown)(struct dt_target *t);
	/* Description for run.json (a JSON object text, malloc'ed). */
	char *(*describe)(struct dt_target *t);
};

struct dt_target {
	const struct dt_target_ops *ops;
	char root[PATH_MAX];		/* where scratch directories go */
	unsigned int features;		/* enum dt_feature bits */
	char log_dir[PATH_MAX];		/* the run folder, for daemon logs */
	char local[PATH_MAX];		/* the runner's own scratch folder */
	char no_dax_reason[128];	/* why DT_FEAT_DAX is missing */
	char *env_json;			/* env_probe() of root, for run.json */
	void *priv;
};

#define FUSE_SUPER_MAGIC 0x65735546

const struct dt_target_ops *target_find(const char *name);
int target_mount_root(const char *path, char *out, size_t size);
int target_free_bytes(const struct dt_target *t, uint64_t *out);
/*
 * DT_FEAT_DAX_MMAP for a mount at root, or 0: a dmapfs mount (it has a
 * control file) says so in its dax_mmap key; any other mount has it when
 * it is DAX (dax).
 */
unsigned int target_dax_mmap(const char *root, bool dmapfs, bool dax);

extern const struct dt_target_ops dt_target_dir;
extern const struct dt_target_ops dt_target_dmapfs;

#endif
