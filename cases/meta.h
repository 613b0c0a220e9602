/* SPDX-License-Identifier: GPL-2.0-or-later */
/* meta.h - what the meta cases share */
#ifndef DT_CASES_META_H
#define DT_CASES_META_H

#include <stddef.h>

static const char *const meta_groups[] = { "meta", NULL };

#endif
