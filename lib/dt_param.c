// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_param.c - case parameters: the declarations, checking a value
 * against one, and reading them in the case process.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_case.h"
#include "dt_proto.h"

static const struct dt_ctx *param_ctx;

void dt_param_attach(const struct dt_ctx *ctx)
{
	param_ctx = ctx;
}

const char *dt_param_type_name(enum dt_param_type t)
{
	switch (t) {
	case DT_PARAM_SIZE: return "size";
	case DT_PARAM_LONG: return "integer";
	case DT_PARAM_STRING: return "string";
	case DT_PARAM_BOOL: return "bool";
	case DT_PARAM_CHOICE: return "choice";
	case DT_PARAM_CHOICES: return "choices";
	}
	return "?";
}

static const struct dt_param_decl *find_in(const struct dt_param_decl *d,
					   const char *key)
{
	for (; d && d->name; d++)
		if (!strcmp(d->name, key))
			return d;
	return NULL;
}

const struct dt_param_decl *dt_param_find(const struct dt_case *tc,
					  const struct dt_variant *v,
					  const char *key)
{
	const struct dt_param_decl *d = v ? find_in(v->params, key) : NULL;

	return d ? d : find_in(tc->params, key);
}

int dt_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v, mul = 1;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	case 't': case 'T': mul = 1ULL << 40; end++; break;
	case 'p': case 'P': mul = 1ULL << 50; end++; break;
	case 'e': case 'E': mul = 1ULL << 60; end++; break;
	default: return -1;
	}
	if (*end == 'i' && mul > 1)
		end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || (v && mul > ~0ULL / v))
		return -1;
	*out = v * mul;
	return 0;
}

static int parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on", NULL };
	static const char *const no[] = { "0", "no", "false", "off", NULL };
	int i;

	for (i = 0; yes[i]; i++)
		if (!strcmp(s, yes[i])) {
			*out = true;
			return 0;
		}
	for (i = 0; no[i]; i++)
		if (!strcmp(s, no[i])) {
			*out = false;
			return 0;
		}
	return -1;
}

static bool is_choice(const struct dt_param_decl *d, const char *s,
		      size_t len)
{
	const char *const *c;

	for (c = d->choices; c && *c; c++)
		if (strlen(*c) == len && !strncmp(*c, s, len))
			return true;
	return false;
}

static void list_choices(const struct dt_param_decl *d, char *err,
			 size_t len)
{
	const char *const *c;
	size_t pos = strlen(err);

	for (c = d->choices; c && *c && pos < len; c++)
		pos += snprintf(err + pos, len - pos, "%s%s",
				c == d->choices ? "" : ", ", *c);
}

/* the bounds of a SIZE or LONG declaration, as numbers */
static int check_range(const struct dt_param_decl *d, const char *value,
		       char *err, size_t len)
{
	bool size = d->type == DT_PARAM_SIZE;
	uint64_t u = 0, ulo = 0, uhi = 0;
	long l = 0, llo = 0, lhi = 0;
	bool low = false, high = false;

	if (size)
		dt_parse_size(value, &u);
	else
		parse_long(value, &l);
	if (d->min && !(size ? dt_parse_size(d->min, &ulo) :
			       parse_long(d->min, &llo)))
		low = size ? u < ulo : l < llo;
	if (d->max && !(size ? dt_parse_size(d->max, &uhi) :
			       parse_long(d->max, &lhi)))
		high = size ? u > uhi : l > lhi;
	if (!low && !high)
		return 0;
	if (d->min && d->max)
		snprintf(err, len, "'%s' is not in [%s, %s]", value, d->min,
			 d->max);
	else if (d->min)
		snprintf(err, len, "'%s' is below %s", value, d->min);
	else
		snprintf(err, len, "'%s' is above %s", value, d->max);
	return -1;
}

int dt_param_check(const struct dt_param_decl *d, const char *value,
		   char *err, size_t len)
{
	const char *p, *comma;
	uint64_t u;
	long l;
	bool b;

	if (!value || !*value) {
		snprintf(err, len, "empty value");
		return -1;
	}
	switch (d->type) {
	case DT_PARAM_SIZE:
		if (dt_parse_size(value, &u) < 0) {
			snprintf(err, len, "'%s' is not a size (e.g. 4k, 2M, 100G)",
				 value);
			return -1;
		}
		return check_range(d, value, err, len);
	case DT_PARAM_LONG:
		if (parse_long(value, &l) < 0) {
			snprintf(err, len, "'%s' is not an integer", value);
			return -1;
		}
		return check_range(d, value, err, len);
	case DT_PARAM_BOOL:
		if (parse_bool(value, &b) < 0) {
			snprintf(err, len, "'%s' is not a yes or no (1/0, yes/no, true/false, on/off)",
				 value);
			return -1;
		}
		return 0;
	case DT_PARAM_STRING:
		return 0;
	case DT_PARAM_CHOICE:
		if (is_choice(d, value, strlen(value)))
			return 0;
		snprintf(err, len, "'%s' is not one of ", value);
		list_choices(d, err, len);
		return -1;
	case DT_PARAM_CHOICES:
		for (p = value; ; p = comma + 1) {
			comma = strchr(p, ',');
			if (!is_choice(d, p, comma ? (size_t)(comma - p) :
					     strlen(p))) {
				snprintf(err, len, "'%.*s' is not one of ",
					 comma ? (int)(comma - p) : (int)strlen(p),
					 p);
				list_choices(d, err, len);
				return -1;
			}
			if (!comma)
				return 0;
		}
	}
	snprintf(err, len, "unknown parameter type");
	return -1;
}

/* the declaration, or the case ends: reading an undeclared one is a bug */
static const struct dt_param_decl *decl(const char *key)
{
	const struct dt_param_decl *d;

	if (!param_ctx || !param_ctx->tcase)
		return NULL;
	d = dt_param_find(param_ctx->tcase, param_ctx->variant, key);
	if (!d)
		dt_brk("parameter '%s' is not declared by case %s: a bug of the case",
		       key, param_ctx->tcase->name);
	return d;
}

/* "case.key=value" beats "key=value"; the last one given wins */
static const char *given(const char *key)
{
	const char *const *p;
	const char *found = NULL, *found_case = NULL;
	size_t klen = strlen(key);

	if (!param_ctx || !param_ctx->params)
		return NULL;
	for (p = param_ctx->params; *p; p++) {
		const char *name = param_ctx->tcase->name;
		size_t nlen = strlen(name);

		if (!strncmp(*p, key, klen) && (*p)[klen] == '=')
			found = *p + klen + 1;
		else if (!strncmp(*p, name, nlen) && (*p)[nlen] == '.' &&
			 !strncmp(*p + nlen + 1, key, klen) &&
			 (*p)[nlen + 1 + klen] == '=')
			found_case = *p + nlen + 1 + klen + 1;
	}
	return found_case ? found_case : found;
}

bool dt_param_given(const char *key)
{
	decl(key);
	return given(key) != NULL;
}

const char *dt_param(const char *key)
{
	const struct dt_param_decl *d = decl(key);
	const char *v = given(key);

	if (v || !d)
		return v;
	if (param_ctx->quick && d->def_quick)
		return d->def_quick;
	return d->def;
}

/* the value, checked; the case ends when there is none or it is bad */
static const char *value_of(const char *key)
{
	const struct dt_param_decl *d = decl(key);
	const char *v = dt_param(key);
	char err[256];

	if (!v)
		dt_brk("parameter '%s' has no value and no default: a bug of the case",
		       key);
	if (d && dt_param_check(d, v, err, sizeof(err)) < 0)
		dt_brk("parameter %s: %s", key, err);
	return v;
}

uint64_t dt_param_size(const char *key)
{
	const char *s = value_of(key);
	uint64_t v;

	if (dt_parse_size(s, &v) < 0)
		dt_brk("parameter %s: '%s' is not a size (e.g. 4k, 2M, 100G)",
		       key, s);
	return v;
}

long dt_param_long(const char *key)
{
	const char *s = value_of(key);
	long v;

	if (parse_long(s, &v) < 0)
		dt_brk("parameter %s: '%s' is not an integer", key, s);
	return v;
}

bool dt_param_bool(const char *key)
{
	const char *s = value_of(key);
	bool v;

	if (parse_bool(s, &v) < 0)
		dt_brk("parameter %s: '%s' is not a yes or no", key, s);
	return v;
}
