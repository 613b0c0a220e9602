/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl.h - the control file at the mount root (DT_CTL_NAME, the protocol
 * of lib/dt_dmapctl.h): a text snapshot of the configuration, counters
 * and current dmaps, and a "reset" command.
 */
#ifndef DM_CTL_H
#define DM_CTL_H

#include <stddef.h>

#include "dt_dmapctl.h"
#include "policy.h"
#include "window.h"

struct dm_ctl_conf {
	const struct dm_policy *policy;
	const char *open_mode;		/* "direct" or "cached" */
	int mmap_shared;		/* 1 yes, 0 no, -1 not known yet */
	unsigned int conn_id;		/* fusectl connection, 0 unknown */
	bool reserve_unsupported;	/* fallocate got EOPNOTSUPP */
};

enum dm_ctl_cmd {
	DM_CTL_RESET = 1,
};

/*
 * Format the control text. Returns a malloc()ed NUL-terminated buffer
 * and its length in *len, or NULL.
 */
char *dm_ctl_format(const struct dm_ctl_conf *conf,
		    const struct dm_snapshot *snap, size_t *len);
/* Parse a write to the control file: a command or -EINVAL. */
int dm_ctl_parse(const char *buf, size_t len);

#endif
