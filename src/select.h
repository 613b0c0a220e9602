/* SPDX-License-Identifier: GPL-2.0-or-later */
/* select.h - from "all", groups, case names and an exclude file to a plan */
#ifndef DT_SELECT_H
#define DT_SELECT_H

#include "dt_case.h"

struct plan_item {
	const struct dt_case *tcase;
	const struct dt_variant *variant;	/* NULL: no variants */
	char *excluded;		/* reason, or NULL */
};

struct plan {
	struct plan_item *items;
	int nr;
};

/* All registered cases, NULL-terminated (cases/registry.c). */
extern const struct dt_case *const dt_cases[];

/*
 * Build the plan for the selection words against cases (NULL-terminated).
 * "all" is every case outside the meta group. On an unknown word, or a
 * bad exclude file, write one line to err and return -1.
 */
int plan_build(struct plan *p, const struct dt_case *const *cases,
	       char *const *words, int nr_words, const char *exclude_file,
	       char *err, size_t errsz);
void plan_free(struct plan *p);
bool case_in_group(const struct dt_case *tc, const char *group);
bool variant_in_group(const struct dt_case *tc, const struct dt_variant *v,
		      const char *group);

#endif
