// SPDX-License-Identifier: GPL-2.0-or-later
/* dt_param.c - case parameters given with --param on the command line */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dt_case.h"
#include "dt_proto.h"

static const struct dt_ctx *param_ctx;

void dt_param_attach(const struct dt_ctx *ctx)
{
	param_ctx = ctx;
}

/* "case.key=value" beats "key=value"; the last one given wins */
const char *dt_param(const char *key)
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

uint64_t dt_param_size(const char *key, uint64_t def)
{
	const char *s = dt_param(key);
	uint64_t v;

	if (!s)
		return def;
	if (dt_parse_size(s, &v) < 0)
		dt_brk("parameter %s: '%s' is not a size (e.g. 4k, 2M, 100G)",
		       key, s);
	return v;
}

long dt_param_long(const char *key, long def)
{
	const char *s = dt_param(key);
	char *end;
	long v;

	if (!s)
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || !*s || *end)
		dt_brk("parameter %s: '%s' is not an integer", key, s);
	return v;
}
