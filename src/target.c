// SPDX-License-Identifier: GPL-2.0-or-later
/* target.c - the table of targets */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "bounded.h"
#include "dt_case.h"
#include "dt_dmapctl.h"

#include "target.h"

static const struct dt_target_ops *const targets[] = {
	&dt_target_dmapfs,
	&dt_target_dir,
	NULL,
};

unsigned int target_dax_mmap(const char *root, bool dmapfs, bool dax)
{
	struct dt_ctl c;
	bool yes;

	if (!dmapfs)
		return dax ? DT_FEAT_DAX_MMAP : 0;
	if (dt_ctl_read(root, &c) < 0)
		return 0;
	yes = !strcmp(c.dax_mmap, "yes");
	dt_ctl_free(&c);
	return yes ? DT_FEAT_DAX_MMAP : 0;
}

const struct dt_target_ops *target_find(const char *name)
{
	int i;

	for (i = 0; targets[i]; i++)
		if (!strcmp(targets[i]->name, name) &&
		    targets[i]->version == DT_TARGET_OPS_VERSION)
			return targets[i];
	return NULL;
}

int target_free_bytes(const struct dt_target *t, uint64_t *out)
{
	struct statvfs sv;

	if (statvfs(t->root, &sv) < 0)
		return -1;
	*out = (uint64_t)sv.f_bavail * sv.f_frsize;
	return 0;
}

/* The mount point holding path: walk up while the device stays the same. */
int target_mount_root(const char *path, char *out, size_t size)
{
	char cur[PATH_MAX], up[PATH_MAX + 4];
	struct stat st, st_up;

	if (!realpath(path, cur) || stat(cur, &st) < 0)
		return -1;
	for (;;) {
		if (!strcmp(cur, "/"))
			break;
		snprintf(up, sizeof(up), "%s/..", cur);
		if (stat(up, &st_up) < 0 || st_up.st_dev != st.st_dev)
			break;
		if (!realpath(up, cur))
			return -1;
	}
	if (snprintf(out, size, "%s", cur) >= (int)size)
		return -1;
	return 0;
}
