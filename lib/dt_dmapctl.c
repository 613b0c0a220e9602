// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_dmapctl.c - read and parse the dmapfs control file (dt_dmapctl.h).
 * Keys are parsed by name (dmapfs may add keys); map paths are unescaped
 * from the \ooo octal form dmapfs uses for space, tab, newline and
 * backslash.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dt_dmapctl.h"
#include "dt_fs.h"

#define CTL_NAME	".dmapfs"
#define CTL_MAX		(64u << 20)

static char *unescape(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 3 < len &&
		    s[i + 1] >= '0' && s[i + 1] <= '7' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			*o++ = (char)(((s[i + 1] - '0') << 6) |
				      ((s[i + 2] - '0') << 3) |
				      (s[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static int parse_map(const char *line, size_t len, struct dt_ctl *c)
{
	const char *p = line + 4, *end = line + len, *sp;
	struct dt_ctl_map m = { 0 }, *nm;
	char tail[96];
	unsigned long long idx;
	unsigned int slot;
	char mode[8];

	/* the path has no raw spaces: it ends at the first one */
	sp = memchr(p, ' ', end - p);
	if (!sp || (size_t)(end - sp) >= sizeof(tail))
		return -1;
	memcpy(tail, sp, end - sp);
	tail[end - sp] = '\0';
	if (sscanf(tail, " %llu %u %7s", &idx, &slot, mode) != 3)
		return -1;
	m.path = unescape(p, sp - p);
	if (!m.path)
		return -1;
	m.idx = idx;
	m.slot = slot;
	m.rw = !strcmp(mode, "rw");
	nm = realloc(c->maps, (c->nmaps + 1) * sizeof(*nm));
	if (!nm) {
		free(m.path);
		return -1;
	}
	c->maps = nm;
	c->maps[c->nmaps++] = m;
	return 0;
}

int dt_ctl_parse(const char *text, struct dt_ctl *c)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
#define K(f) { #f, offsetof(struct dt_ctl, f) }
		K(slot_size), K(slots_total), K(slots_free), K(slots_busy),
		K(setup_ro), K(setup_rw), K(upgrades), K(removemappings),
		K(reclaims), K(enospc_early), K(sigbus),
#undef K
	};
	const char *line = text;
	unsigned int found = 0;

	memset(c, 0, sizeof(*c));
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *sp = memchr(line, ' ', len);
		size_t klen = sp ? (size_t)(sp - line) : len, i;

		if (klen == 3 && !strncmp(line, "map", 3)) {
			parse_map(line, len, c);
		} else if (sp) {
			const char *v = sp + 1;
			size_t vlen = len - klen - 1;

			for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
				if (strlen(keys[i].key) != klen ||
				    strncmp(line, keys[i].key, klen))
					continue;
				*(uint64_t *)((char *)c + keys[i].off) =
					strtoull(v, NULL, 10);
				found |= 1u << i;
			}
			if (klen == 13 && !strncmp(line, "window_locked", 13))
				c->window_locked = *v == '1';
			if (klen == 6 && !strncmp(line, "inject", 6))
				snprintf(c->inject, sizeof(c->inject), "%.*s",
					 (int)vlen, v);
			if (klen == 6 && !strncmp(line, "client", 6))
				snprintf(c->client, sizeof(c->client), "%.*s",
					 (int)vlen, v);
		}
		line = nl ? nl + 1 : NULL;
	}
	/* slots_total and setup_ro/setup_rw/upgrades */
	return (found & 0x72) == 0x72 ? 0 : -1;
}

void dt_ctl_free(struct dt_ctl *c)
{
	int i;

	for (i = 0; i < c->nmaps; i++)
		free(c->maps[i].path);
	free(c->maps);
	c->maps = NULL;
	c->nmaps = 0;
}

int dt_ctl_read(const char *dir, struct dt_ctl *c)
{
	char root[PATH_MAX], path[PATH_MAX];
	char *text;
	int ret;

	memset(c, 0, sizeof(*c));
	if (dt_mount_root(dir, root, sizeof(root)) < 0 ||
	    dt_path(path, sizeof(path), root, CTL_NAME) < 0)
		return -1;
	text = dt_read_whole(path, CTL_MAX, NULL);
	if (!text)
		return -1;
	ret = dt_ctl_parse(text, c);
	free(text);
	if (ret < 0) {
		dt_ctl_free(c);
		errno = EPROTO;
	}
	return ret;
}

int dt_ctl_relpath(const char *file, char *out, size_t len)
{
	char root[PATH_MAX], abs[PATH_MAX], dir[PATH_MAX], *slash;
	size_t rl;

	if (!realpath(file, abs))
		return -1;
	/* dt_mount_root() walks up with "..": start from the directory */
	snprintf(dir, sizeof(dir), "%s", abs);
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	else if (slash)
		slash[1] = '\0';
	if (dt_mount_root(dir, root, sizeof(root)) < 0)
		return -1;
	rl = strlen(root);
	if (strncmp(abs, root, rl))
		return -1;
	while (abs[rl] == '/')
		rl++;
	if (snprintf(out, len, "%s", abs[rl] ? abs + rl : ".") >= (int)len)
		return -1;
	return 0;
}

int dt_ctl_maps_of(const struct dt_ctl *c, const char *relpath,
		   uint64_t idx, int *nrw, char *desc, size_t len)
{
	size_t pos = 0;
	int i, n = 0;

	if (nrw)
		*nrw = 0;
	if (len)
		desc[0] = '\0';
	for (i = 0; i < c->nmaps; i++) {
		const struct dt_ctl_map *m = &c->maps[i];

		if ((idx != DT_CTL_ANY && m->idx != idx) ||
		    strcmp(m->path, relpath))
			continue;
		n++;
		if (m->rw && nrw)
			(*nrw)++;
		if (pos < len)
			pos += snprintf(desc + pos, len - pos, "%sslot %u %s",
					pos ? ", " : "", m->slot,
					m->rw ? "rw" : "ro");
	}
	return n;
}
