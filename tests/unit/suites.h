/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DT_CHECK_SUITES_H
#define DT_CHECK_SUITES_H

#include <check.h>

Suite *config_suite(void);
Suite *options_suite(void);
Suite *results_suite(void);
Suite *select_suite(void);
Suite *verdict_suite(void);

#endif
