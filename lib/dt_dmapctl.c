// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_dmapctl.c - the one writer (used by dmapfs) and the one reader of
 * the dmapfs control file text, and the escaping of its map paths
 * (dt_dmapctl.h). Keys are parsed by name from
 * the tables of the header (dmapfs may add keys); map paths are escaped
 * in the \ooo octal form for space, tab, newline and backslash, as in
 * /proc/mounts.
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

#define CTL_MAX		(64u << 20)

enum key_kind { K_NUM, K_WORD };

/* every key, in the order dmapfs writes them */
static const struct ctl_key {
	const char *key;
	size_t off;
	size_t size;
	enum key_kind kind;
} ctl_keys[] = {
	{ "version", offsetof(struct dt_ctl, version), 0, K_NUM },
#define X(k, sz, help) { #k, offsetof(struct dt_ctl, k), sz, K_WORD },
	DT_CTL_WORDS(X)
#undef X
#define X(k, help) { #k, offsetof(struct dt_ctl, k), 0, K_NUM },
	DT_CTL_STATE(X)
	DT_CTL_COUNTERS(X)
#undef X
};

#define NR_KEYS		(sizeof(ctl_keys) / sizeof(ctl_keys[0]))

void dt_ctl_escape(const char *in, char *out, size_t len)
{
	size_t pos = 0;

	if (!len)
		return;
	for (; *in && pos + 1 < len; in++) {
		unsigned char c = *in;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
			if (pos + 5 > len)
				break;
			snprintf(out + pos, 5, "\\%03o", c);
			pos += 4;
		} else {
			out[pos++] = c;
		}
	}
	out[pos] = '\0';
}

int dt_ctl_write(FILE *f, const struct dt_ctl *c)
{
	char path[8192];
	size_t i;
	int k;

	for (i = 0; i < NR_KEYS; i++) {
		const struct ctl_key *key = &ctl_keys[i];
		const char *field = (const char *)c + key->off;

		if (key->kind == K_NUM)
			fprintf(f, "%s %llu\n", key->key, (unsigned long long)
				*(const uint64_t *)field);
		else
			fprintf(f, "%s %s\n", key->key, field);
	}
	for (k = 0; k < c->nmaps; k++) {
		const struct dt_ctl_map *m = &c->maps[k];

		dt_ctl_escape(m->path ? m->path : "?", path, sizeof(path));
		fprintf(f, "map %s %llu %u %s\n", path,
			(unsigned long long)m->idx, m->slot,
			m->rw ? "rw" : "ro");
	}
	return ferror(f) ? -1 : 0;
}

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

static const struct ctl_key *find_key(const char *key, size_t klen)
{
	size_t i;

	for (i = 0; i < NR_KEYS; i++)
		if (strlen(ctl_keys[i].key) == klen &&
		    !strncmp(key, ctl_keys[i].key, klen))
			return &ctl_keys[i];
	return NULL;
}

static void set_key(struct dt_ctl *c, const struct ctl_key *k,
		    const char *v, size_t vlen)
{
	char *field = (char *)c + k->off;

	if (k->kind == K_NUM)
		*(uint64_t *)field = strtoull(v, NULL, 10);
	else
		snprintf(field, k->size, "%.*s", (int)vlen, v);
}

int dt_ctl_parse_text(const char *text, bool maps, struct dt_ctl *c)
{
	bool have_total = false, have_ro = false, have_rw = false,
	     have_up = false;
	const char *line = text;

	memset(c, 0, sizeof(*c));
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *sp = memchr(line, ' ', len);
		size_t klen = sp ? (size_t)(sp - line) : len;
		const struct ctl_key *k;

		if (klen == 3 && !strncmp(line, "map", 3)) {
			if (maps)
				parse_map(line, len, c);
		} else if (sp && (k = find_key(line, klen))) {
			set_key(c, k, sp + 1, len - klen - 1);
			have_total |= k->off == offsetof(struct dt_ctl,
							 slots_total);
			have_ro |= k->off == offsetof(struct dt_ctl, setup_ro);
			have_rw |= k->off == offsetof(struct dt_ctl, setup_rw);
			have_up |= k->off == offsetof(struct dt_ctl, upgrades);
		}
		line = nl ? nl + 1 : NULL;
	}
	return have_total && have_ro && have_rw && have_up ? 0 : -1;
}

int dt_ctl_parse(const char *text, struct dt_ctl *c)
{
	return dt_ctl_parse_text(text, true, c);
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
	    dt_path(path, sizeof(path), root, DT_CTL_NAME) < 0)
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
