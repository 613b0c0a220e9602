// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_feature.c - target features in words, one table for the runner
 * (unmet requirements, verdicts, results) and the cases (claims out of
 * scope), so that both say the same thing.
 */
#include <string.h>

#include "dt_case.h"

static const struct {
	unsigned int bit;
	const char *name;
	const char *missing;
} features[] = {
	{ DT_FEAT_DAX, "DAX", "has no DAX" },
	{ DT_FEAT_FILL, "fill", "may not be filled (use --allow-fill)" },
	{ DT_FEAT_COUNTERS, "dmapfs-counters", "has no dmapfs mapping counters" },
	{ DT_FEAT_SIZE_LIMITED, "size-limited", "has no size-limited host file system" },
	{ DT_FEAT_FUSE, "FUSE", "is not a FUSE file system" },
	{ DT_FEAT_DAX_MMAP, "DAX-mmap", "does not map files DAX on mmap" },
};

#define NR_FEATURES (sizeof(features) / sizeof(features[0]))

const char *dt_feature_name(unsigned int bit)
{
	size_t i;

	for (i = 0; i < NR_FEATURES; i++)
		if (features[i].bit == bit)
			return features[i].name;
	return "unknown";
}

unsigned int dt_feature_from_name(const char *name)
{
	size_t i;

	for (i = 0; name && i < NR_FEATURES; i++)
		if (!strcmp(features[i].name, name))
			return features[i].bit;
	return 0;
}

const char *dt_feature_missing(unsigned int bit)
{
	size_t i;

	for (i = 0; i < NR_FEATURES; i++)
		if (features[i].bit == bit)
			return features[i].missing;
	return "lacks an unknown feature";
}

const char *dt_feature_why_missing(unsigned int bit, unsigned int have)
{
	/* dmapfs says so itself: dax_mmap no (dmapfs/README.md) */
	if (bit == DT_FEAT_DAX_MMAP && (have & DT_FEAT_COUNTERS))
		return "its MAP_SHARED mappings go through the kernel page cache, not the DAX window";
	return NULL;
}

const char *dt_target_label(unsigned int have, const char *name)
{
	if (have & DT_FEAT_COUNTERS)
		return "dmapfs";
	return name && *name ? name : "this target";
}
