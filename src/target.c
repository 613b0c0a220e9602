// SPDX-License-Identifier: GPL-2.0-or-later
/* target.c - the table of targets */
#include <string.h>
#include <sys/statvfs.h>

#include "target.h"

static const struct dt_target_ops *const targets[] = {
	&dt_target_dir,
	NULL,
};

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
