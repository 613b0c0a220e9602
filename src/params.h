/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * params.h - check --param settings against the declared parameters of
 * the cases before anything runs.
 */
#ifndef DT_PARAMS_H
#define DT_PARAMS_H

#include <stddef.h>

#include "select.h"

/*
 * Every "[CASE.]KEY=VALUE" in params (NULL-terminated): CASE.KEY must be
 * a parameter CASE declares (for the case or one of its variants), KEY
 * alone one that a case or variant of the plan declares; the value must
 * be valid for every declaration it applies to. 0, or -1 with one line
 * in err.
 */
int params_check(const struct plan *plan, const struct dt_case *const *cases,
		 char *const *params, char *err, size_t errsz);

#endif
