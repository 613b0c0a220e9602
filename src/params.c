// SPDX-License-Identifier: GPL-2.0-or-later
/* params.c - --param settings against the cases' declarations */
#include <stdio.h>
#include <string.h>

#include "params.h"

/* "size, bs, qd" for an error message */
static void names_of(const struct dt_case *tc, char *out, size_t len)
{
	const struct dt_param_decl *d;
	const struct dt_variant *v;
	size_t pos = 0;

	out[0] = '\0';
	for (d = tc->params; d && d->name && pos < len; d++)
		pos += snprintf(out + pos, len - pos, "%s%s", pos ? ", " : "",
				d->name);
	for (v = tc->variants; v && v->name; v++)
		for (d = v->params; d && d->name && pos < len; d++)
			if (!dt_param_find(tc, NULL, d->name) &&
			    !strstr(out, d->name))
				pos += snprintf(out + pos, len - pos, "%s%s",
						pos ? ", " : "", d->name);
	if (!pos)
		snprintf(out, len, "none");
}

/* 1: value fits the declaration of key for tc/v; 0: none; -1: bad */
static int check_one(const struct dt_case *tc, const struct dt_variant *v,
		     const char *param, const char *key, const char *value,
		     char *err, size_t errsz)
{
	const struct dt_param_decl *d = dt_param_find(tc, v, key);
	char why[256];

	if (!d)
		return 0;
	if (dt_param_check(d, value, why, sizeof(why)) == 0)
		return 1;
	snprintf(err, errsz, "param '%s': %s%s%s: %s", param, tc->name,
		 v ? "/" : "", v ? v->name : "", why);
	return -1;
}

/*
 * Check value against the declarations of key in tc: for the variants
 * of tc in the plan when only is given, else for every variant. Returns
 * how many declarations there were, -1 on a bad value.
 */
static int check_case(const struct dt_case *tc, const struct plan *only,
		      const char *param, const char *key, const char *value,
		      char *err, size_t errsz)
{
	const struct dt_variant *v;
	int i, r, n = 0;

	if (only) {
		for (i = 0; i < only->nr; i++) {
			if (only->items[i].tcase != tc)
				continue;
			r = check_one(tc, only->items[i].variant, param, key,
				      value, err, errsz);
			if (r < 0)
				return -1;
			n += r;
		}
		return n;
	}
	if (!tc->variants || !tc->variants->name)
		return check_one(tc, NULL, param, key, value, err, errsz);
	for (v = tc->variants; v->name; v++) {
		r = check_one(tc, v, param, key, value, err, errsz);
		if (r < 0)
			return -1;
		n += r;
	}
	return n;
}

int params_check(const struct plan *plan, const struct dt_case *const *cases,
		 char *const *params, char *err, size_t errsz)
{
	char *const *p;

	for (p = params; p && *p; p++) {
		const char *eq = strchr(*p, '='), *dot;
		const struct dt_case *const *c;
		char key[128], cname[128], names[512];
		const struct dt_case *last = NULL;
		int n = 0, i, r;

		if (!eq || eq == *p || eq - *p >= (int)sizeof(key)) {
			snprintf(err, errsz, "param '%s' is not KEY=VALUE", *p);
			return -1;
		}
		dot = memchr(*p, '.', eq - *p);
		if (dot) {
			snprintf(cname, sizeof(cname), "%.*s",
				 (int)(dot - *p), *p);
			snprintf(key, sizeof(key), "%.*s",
				 (int)(eq - dot - 1), dot + 1);
			for (c = cases; *c; c++)
				if (!strcmp((*c)->name, cname))
					break;
			if (!*c) {
				snprintf(err, errsz, "param '%.*s': there is no case '%s'",
					 (int)(eq - *p), *p, cname);
				return -1;
			}
			r = check_case(*c, NULL, *p, key, eq + 1, err, errsz);
			if (r < 0)
				return -1;
			if (!r) {
				names_of(*c, names, sizeof(names));
				snprintf(err, errsz, "param '%.*s': case '%s' has no parameter '%s' (it has: %s)",
					 (int)(eq - *p), *p, cname, key,
					 names);
				return -1;
			}
			continue;
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - *p), *p);
		for (i = 0; i < plan->nr; i++) {
			if (plan->items[i].tcase == last)
				continue;
			last = plan->items[i].tcase;
			r = check_case(last, plan, *p, key, eq + 1, err, errsz);
			if (r < 0)
				return -1;
			n += r;
		}
		if (!n) {
			snprintf(err, errsz, "param '%s': no selected case has a parameter '%s' (see 'dmaptest list')",
				 key, key);
			return -1;
		}
	}
	return 0;
}
