// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inject.c - names of the policy knobs and of the injectable bugs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"

static const struct {
	unsigned int bit;
	const char *name;
} inject_names[] = {
#define X(id, name, help) { DM_INJ_##id, name },
	DT_CTL_INJECTS(X)
#undef X
};

#define NR_INJECT (sizeof(inject_names) / sizeof(inject_names[0]))

const char *dm_inject_name(unsigned int bit)
{
	size_t i;

	for (i = 0; i < NR_INJECT; i++)
		if (inject_names[i].bit == bit)
			return inject_names[i].name;
	return NULL;
}

static int inject_lookup(const char *name, size_t len, unsigned int *bit)
{
	size_t i;

	for (i = 0; i < NR_INJECT; i++) {
		if (strlen(inject_names[i].name) == len &&
		    !strncmp(inject_names[i].name, name, len)) {
			*bit = inject_names[i].bit;
			return 0;
		}
	}
	return -EINVAL;
}

int dm_inject_parse(const char *list, unsigned int *mask, const char **bad)
{
	static char badname[64];
	const char *p = list;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		unsigned int bit;

		if (len == 4 && !strncmp(p, "none", 4)) {
			/* "none" is accepted and adds nothing */
		} else if (inject_lookup(p, len, &bit) == 0) {
			*mask |= bit;
		} else {
			snprintf(badname, sizeof(badname), "%.*s",
				 (int)(len < 60 ? len : 60), p);
			if (bad)
				*bad = badname;
			return -EINVAL;
		}
		if (!end)
			return 0;
		p = end + 1;
	}
}

static size_t append(char *buf, size_t len, size_t pos, const char *word)
{
	int n;

	if (pos >= len)
		return pos;
	n = snprintf(buf + pos, len - pos, "%s%s", pos ? "," : "", word);
	return n < 0 ? pos : pos + n;
}

size_t dm_inject_format(unsigned int mask, char *buf, size_t len)
{
	size_t i, pos = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < NR_INJECT; i++)
		if (mask & inject_names[i].bit)
			pos = append(buf, len, pos, inject_names[i].name);
	if (!pos)
		pos = append(buf, len, pos, "none");
	return pos < len ? pos : (len ? len - 1 : 0);
}

size_t dm_deviations_format(const struct dm_policy *p, char *buf,
			    size_t len)
{
	size_t i, pos = 0;

	if (len)
		buf[0] = '\0';
	if (p->client == DM_CLIENT_LEGACY)
		pos = append(buf, len, pos, "client-legacy");
	if (!p->host_reserve)
		pos = append(buf, len, pos, "host-reserve-off");
	for (i = 0; i < NR_INJECT; i++)
		if (p->inject & inject_names[i].bit)
			pos = append(buf, len, pos, inject_names[i].name);
	if (!pos)
		pos = append(buf, len, pos, "none");
	return pos < len ? pos : (len ? len - 1 : 0);
}

const char *dm_client_name(enum dm_client c)
{
	return c == DM_CLIENT_LEGACY ? "legacy" : "reference";
}

const char *dm_host_fault_name(enum dm_host_fault f)
{
	return f == DM_FAULT_DIE ? "die" : "hang";
}
