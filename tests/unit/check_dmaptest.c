// SPDX-License-Identifier: GPL-2.0-or-later
/* check_dmaptest.c - unit tests of the runner (Check) */
#include <check.h>
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_add_suite(sr, options_suite());
	srunner_add_suite(sr, results_suite());
	srunner_add_suite(sr, select_suite());
	srunner_add_suite(sr, verdict_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
