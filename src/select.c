// SPDX-License-Identifier: GPL-2.0-or-later
/* select.c - case selection and exclusion */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "select.h"
#include "util.h"

static bool in_list(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (!strcmp(*list, name))
			return true;
	return false;
}

bool case_in_group(const struct dt_case *tc, const char *group)
{
	if (!strcmp(group, "all"))
		return !in_list(tc->groups, "meta");
	return in_list(tc->groups, group);
}

/* a variant is in its case's groups and in its own */
bool variant_in_group(const struct dt_case *tc, const struct dt_variant *v,
		      const char *group)
{
	return case_in_group(tc, group) ||
	       (v && strcmp(group, "all") && in_list(v->groups, group));
}

static bool group_exists(const struct dt_case *const *cases, const char *g)
{
	const struct dt_variant *v;

	for (; *cases; cases++) {
		if (case_in_group(*cases, g))
			return true;
		for (v = (*cases)->variants; v && v->name; v++)
			if (in_list(v->groups, g))
				return true;
	}
	return !strcmp(g, "all");
}

static const struct dt_case *find_case(const struct dt_case *const *cases,
				       const char *name, size_t len)
{
	for (; *cases; cases++)
		if (strlen((*cases)->name) == len &&
		    !strncmp((*cases)->name, name, len))
			return *cases;
	return NULL;
}

static const struct dt_variant *find_variant(const struct dt_case *tc,
					     const char *name)
{
	const struct dt_variant *v;

	for (v = tc->variants; v && v->name; v++)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

/* selected[i][j]: case i, variant j (j = 0 when it has none) */
struct marks {
	unsigned char **sel;
	int nr_cases;
};

static int nr_variants(const struct dt_case *tc)
{
	int n = 0;

	while (tc->variants && tc->variants[n].name)
		n++;
	return n;
}

/* Resolve "case", "case/variant" or a group into marks. */
static int mark_word(const struct dt_case *const *cases, struct marks *m,
		     const char *word, char *err, size_t errsz)
{
	const char *slash = strchr(word, '/');
	const struct dt_case *tc;
	int i, j, nv;

	if (!*word) {
		snprintf(err, errsz, "empty case name");
		return -1;
	}
	tc = find_case(cases, word, slash ? (size_t)(slash - word) :
					    strlen(word));
	if (tc) {
		for (i = 0; cases[i] != tc; i++)
			;
		nv = nr_variants(tc);
		if (!slash) {
			for (j = 0; j < (nv ? nv : 1); j++)
				m->sel[i][j] = 1;
			return 0;
		}
		if (!find_variant(tc, slash + 1)) {
			snprintf(err, errsz, "case '%s' has no variant '%s'",
				 tc->name, slash + 1);
			return -1;
		}
		m->sel[i][find_variant(tc, slash + 1) - tc->variants] = 1;
		return 0;
	}
	if (!slash && group_exists(cases, word)) {
		for (i = 0; cases[i]; i++) {
			nv = nr_variants(cases[i]);
			for (j = 0; j < (nv ? nv : 1); j++)
				if (variant_in_group(cases[i], nv ?
						     &cases[i]->variants[j] :
						     NULL, word))
					m->sel[i][j] = 1;
		}
		return 0;
	}
	snprintf(err, errsz, "unknown case or group '%s' (see 'dmaptest list')",
		 word);
	return -1;
}

struct exclusion {
	char *word;
	char *reason;
};

/* 1-based line number of position p in text */
static int line_of(const char *text, const char *p)
{
	int n = 1;

	for (; text < p; text++)
		n += *text == '\n';
	return n;
}

static int read_excludes(const char *path, const struct dt_case *const *cases,
			 struct exclusion **out, int *nr, char *err,
			 size_t errsz)
{
	char *text, *line, *next;
	int lineno = 0;
	size_t len;

	*out = NULL;
	*nr = 0;
	if (!path)
		return 0;
	text = read_file(path, 1 << 20, &len);
	if (!text) {
		snprintf(err, errsz, "cannot read exclude file %s: %s", path,
			 strerror(errno));
		return -1;
	}
	/* a NUL byte would end the text early: whatever follows is lost */
	if (memchr(text, '\0', len)) {
		snprintf(err, errsz, "exclude file %s is not a text file (a NUL byte on line %d)",
			 path, line_of(text, (char *)memchr(text, '\0', len)));
		goto fail;
	}
	for (line = text; line; line = next) {
		char *hash, *word, *reason;
		const struct dt_case *tc;
		const char *slash;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		hash = strchr(line, '#');
		reason = hash ? strtrim(hash + 1) : NULL;
		if (hash)
			*hash = '\0';
		word = strtrim(line);
		if (!*word)
			continue;
		if (strpbrk(word, " \t")) {
			snprintf(err, errsz, "%s:%d: one case per line, got '%s'",
				 path, lineno, word);
			goto fail;
		}
		slash = strchr(word, '/');
		tc = find_case(cases, word, slash ? (size_t)(slash - word) :
						    strlen(word));
		if (!tc || (slash && !find_variant(tc, slash + 1))) {
			snprintf(err, errsz, "%s:%d: unknown case '%s'", path,
				 lineno, word);
			goto fail;
		}
		*out = xrealloc(*out, (*nr + 1) * sizeof(**out));
		(*out)[*nr].word = xstrdup(word);
		(*out)[*nr].reason = xasprintf("excluded by %s: %s", path,
					       reason && *reason ? reason :
					       "no reason given");
		(*nr)++;
	}
	free(text);
	return 0;
fail:
	free(text);
	return -1;
}

static const char *exclusion_for(const struct exclusion *ex, int nr,
				 const struct dt_case *tc,
				 const struct dt_variant *v)
{
	int i;

	for (i = 0; i < nr; i++) {
		const char *slash = strchr(ex[i].word, '/');
		size_t len = slash ? (size_t)(slash - ex[i].word) :
				     strlen(ex[i].word);

		if (strlen(tc->name) != len ||
		    strncmp(tc->name, ex[i].word, len))
			continue;
		if (!slash || (v && !strcmp(v->name, slash + 1)))
			return ex[i].reason;
	}
	return NULL;
}

int plan_build(struct plan *p, const struct dt_case *const *cases,
	       char *const *words, int nr_words, const char *exclude_file,
	       char *err, size_t errsz)
{
	struct exclusion *ex = NULL;
	struct marks m;
	int i, j, nr_ex = 0, ret = -1;

	memset(p, 0, sizeof(*p));
	for (m.nr_cases = 0; cases[m.nr_cases]; m.nr_cases++)
		;
	m.sel = xcalloc(m.nr_cases + 1, sizeof(*m.sel));
	for (i = 0; i < m.nr_cases; i++)
		m.sel[i] = xcalloc(nr_variants(cases[i]) + 1, 1);

	for (i = 0; i < nr_words; i++)
		if (mark_word(cases, &m, words[i], err, errsz) < 0)
			goto out;
	if (read_excludes(exclude_file, cases, &ex, &nr_ex, err, errsz) < 0)
		goto out;

	for (i = 0; i < m.nr_cases; i++) {
		int nv = nr_variants(cases[i]);

		for (j = 0; j < (nv ? nv : 1); j++) {
			struct plan_item *it;
			const char *why;

			if (!m.sel[i][j])
				continue;
			p->items = xrealloc(p->items,
					    (p->nr + 1) * sizeof(*p->items));
			it = &p->items[p->nr++];
			it->tcase = cases[i];
			it->variant = nv ? &cases[i]->variants[j] : NULL;
			why = exclusion_for(ex, nr_ex, it->tcase, it->variant);
			it->excluded = why ? xstrdup(why) : NULL;
		}
	}
	ret = 0;
out:
	for (i = 0; i < m.nr_cases; i++)
		free(m.sel[i]);
	free(m.sel);
	for (i = 0; i < nr_ex; i++) {
		free(ex[i].word);
		free(ex[i].reason);
	}
	free(ex);
	if (ret)
		plan_free(p);
	return ret;
}

void plan_free(struct plan *p)
{
	int i;

	for (i = 0; i < p->nr; i++)
		free(p->items[i].excluded);
	free(p->items);
	memset(p, 0, sizeof(*p));
}
