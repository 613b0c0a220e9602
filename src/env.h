/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * env.h - what the machine and a target mount offer: kernel config items,
 * file system type, DAX mode, DAX window, free space, mapping observers.
 * Shown by "dmaptest env", recorded in run.json, and the source of a
 * mounted target's features (with a precise reason when DAX is missing).
 */
#ifndef DT_ENV_H
#define DT_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct env_info {
	char kernel[128];
	char fuse_dax[16];		/* CONFIG_FUSE_DAX: y, m, n, unknown */
	char kprobe_events[16];		/* CONFIG_KPROBE_EVENTS */
	bool is_root;

	/* the mount, when one was given */
	char path[4096];
	char mount_point[4096];
	char fstype[64];		/* from /proc/self/mountinfo */
	char mount_opts[2048];
	bool fuse;			/* statfs magic */
	bool virtiofs;
	char dax_mode[16];		/* always, inode, never, none */
	int file_dax;			/* STATX_ATTR_DAX on a test file; -1: unknown */
	char no_dax_reason[128];	/* empty when DAX is there */
	uint64_t free_bytes, total_bytes;

	/* the DAX window */
	uint64_t window_bytes;		/* 0: none found */
	char window_where[128];		/* "/proc/iomem 0x...-0x..." */

	/* mapping observers */
	bool obs_counters;		/* dmapfs control file */
	bool obs_kprobe;
	char obs_kprobe_why[128];	/* why not, when not */
	bool obs_tracepoint;		/* fuse_dax events (patch 0002) */
	char obs_tracepoint_why[128];
	char host_log[256];		/* --host-log, when given */
	bool obs_hostlog;		/* it starts with the header */
	char obs_hostlog_why[160];
};

/* Probe the machine and, when path is not NULL, the mount holding it. */
void env_probe(struct env_info *e, const char *path);
/* The host-log observer: can --host-log FILE be read, with its header? */
void env_probe_host_log(struct env_info *e, const char *file);
void env_print_table(const struct env_info *e);
/* JSON object text, malloc'ed */
char *env_json(const struct env_info *e);
/* Undo /proc/self/mountinfo's \ooo escapes in place. */
void env_unescape_mount(char *s);

#endif
