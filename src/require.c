// SPDX-License-Identifier: GPL-2.0-or-later
/* require.c - unmet requirements become one SKIP reason listing them all */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "require.h"
#include "select.h"

const char *feature_name(unsigned int bit)
{
	return dt_feature_name(bit);
}

int kver_cmp(const char *release, const char *want)
{
	int i;

	for (i = 0; i < 3; i++) {
		long a = strtol(release, (char **)&release, 10);
		long b = strtol(want, (char **)&want, 10);

		if (a != b)
			return a < b ? -1 : 1;
		if (*release == '.')
			release++;
		else
			release = "";
		if (*want == '.')
			want++;
		else
			want = "";
	}
	return 0;
}

bool cmd_on_path(const char *cmd, const char *path)
{
	char buf[4096];
	const char *p = path, *end;

	if (strchr(cmd, '/'))
		return access(cmd, X_OK) == 0;
	while (p && *p) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		if (end > p && snprintf(buf, sizeof(buf), "%.*s/%s",
					(int)(end - p), p, cmd) <
				       (int)sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

static void add(struct sbuf *out, int *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct sbuf *out, int *n, const char *fmt, ...)
{
	va_list ap;

	if ((*n)++)
		sb_puts(out, "; ");
	va_start(ap, fmt);
	sb_vprintf(out, fmt, ap);
	va_end(ap);
}

unsigned int require_dax(const struct dt_case *tc, const struct dt_variant *v)
{
	if (case_in_group(tc, "dax") || (v && variant_in_group(tc, v, "dax")))
		return DT_FEAT_DAX;
	return (tc->needs_features | (v ? v->needs_features : 0)) &
	       DT_FEAT_DAX;
}

int require_check(const struct dt_case *tc, const struct dt_variant *v,
		  const struct req_env *env, struct sbuf *out)
{
	unsigned int needs = tc->needs_features | (v ? v->needs_features : 0);

	/* a DAX case without DAX measures nothing of what it claims */
	needs |= require_dax(tc, v);
	if (env->baseline)
		needs &= ~DT_FEAT_DAX;
	const char *const *c;
	unsigned int bit;
	int n = 0;

	if (tc->needs_root && !env->is_root)
		add(out, &n, "needs root");
	for (c = tc->needs_cmds; c && *c; c++)
		if (!cmd_on_path(*c, env->path))
			add(out, &n, "needs command '%s' (not on PATH)", *c);
	if (tc->min_kver && kver_cmp(env->kernel_release, tc->min_kver) < 0)
		add(out, &n, "needs kernel >= %s (running %s)", tc->min_kver,
		    env->kernel_release);
	for (bit = 1; bit; bit <<= 1) {
		const char *why;

		if (!(needs & bit) || (env->features & bit))
			continue;
		why = dt_feature_why_missing(bit, env->features);
		if (bit == DT_FEAT_DAX && env->no_dax_reason &&
		    env->no_dax_reason[0])
			add(out, &n, "no DAX: %s", env->no_dax_reason);
		else
			add(out, &n, "target '%s' %s%s%s%s", env->target_name,
			    dt_feature_missing(bit), why ? " (" : "",
			    why ? why : "", why ? ")" : "");
	}
	if (tc->min_free_bytes && env->free_bytes < tc->min_free_bytes) {
		char have[32], want[32];

		format_bytes(env->free_bytes, have, sizeof(have));
		format_bytes(tc->min_free_bytes, want, sizeof(want));
		add(out, &n, "needs %s free on the target (has %s)", want,
		    have);
	}
	return n;
}
