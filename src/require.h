/* SPDX-License-Identifier: GPL-2.0-or-later */
/* require.h - checking a case's declared requirements against this system */
#ifndef DT_REQUIRE_H
#define DT_REQUIRE_H

#include <stdbool.h>
#include <stdint.h>

#include "dt_case.h"
#include "util.h"

struct req_env {
	bool is_root;
	const char *kernel_release;	/* uname -r */
	unsigned int features;		/* of the target */
	uint64_t free_bytes;		/* on the target */
	const char *target_name;
	const char *no_dax_reason;	/* precise, when the target knows */
	bool baseline;			/* --baseline: DAX cases run without */
	const char *path;		/* $PATH */
};

/*
 * Append every unmet requirement to out, "; "-separated. A case of the
 * "dax" group (or a variant in it) needs DAX, unless env->baseline.
 * Returns how many are unmet.
 */
int require_check(const struct dt_case *tc, const struct dt_variant *v,
		  const struct req_env *env, struct sbuf *out);
/* Compare "6.1.0-13-amd64" with "5.10": <0, 0, >0 */
int kver_cmp(const char *release, const char *want);
bool cmd_on_path(const char *cmd, const char *path);
const char *feature_name(unsigned int bit);
/* The DAX a case needs: DT_FEAT_DAX when it or its variant is in "dax". */
unsigned int require_dax(const struct dt_case *tc, const struct dt_variant *v);

#endif
