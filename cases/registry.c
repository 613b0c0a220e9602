// SPDX-License-Identifier: GPL-2.0-or-later
/* registry.c - the table of cases, built from case_list.h */
#include <stddef.h>

#include "dt_case.h"

#define DT_CASE(ident) extern const struct dt_case dt_case_##ident;
#include "case_list.h"
#undef DT_CASE

const struct dt_case *const dt_cases[] = {
#define DT_CASE(ident) &dt_case_##ident,
#include "case_list.h"
#undef DT_CASE
	NULL,
};
