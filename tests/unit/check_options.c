// SPDX-License-Identifier: GPL-2.0-or-later
/* check_options.c - command line parsing and its error messages */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "suites.h"

static int parse(char **argv, struct dt_opts *o, char *err, size_t errsz)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	opts_init(o);
	unsetenv("DMAPTEST_CONFIG");
	return opts_parse(o, argc, argv, err, errsz);
}

#define EXPECT_ERR(msg, ...)						\
	do {								\
		char *argv[] = { "dmaptest", __VA_ARGS__, NULL };	\
		struct dt_opts o;					\
		char err[256] = "";					\
		ck_assert_int_eq(parse(argv, &o, err, sizeof(err)), -1); \
		ck_assert_str_eq(err, msg);				\
		opts_free(&o);						\
	} while (0)

START_TEST(test_errors)
{
	EXPECT_ERR("unknown option '--frobnicate'", "--frobnicate", "run", "all");
	EXPECT_ERR("unknown option '-Z'", "-Z", "list");
	EXPECT_ERR("option '--seed' needs an argument", "run", "all", "--seed");
	EXPECT_ERR("iterations: '0' is not a count in [1, 100000]", "-i", "0",
		   "run", "all");
	EXPECT_ERR("timeout-mul: 'x' is not a number in (0, 1000]",
		   "--timeout-mul", "x", "run", "all");
	EXPECT_ERR("seed: '-1' is not an unsigned integer", "--seed=-1", "run",
		   "all");
	EXPECT_ERR("run: nothing selected (try 'dmaptest run all')", "run");
	EXPECT_ERR("unknown command 'walk' (run, list, env, cleanup, help, version)", "walk");
	EXPECT_ERR("target: 'nfs' is not one of dmapfs, dir", "--target",
		   "nfs", "run", "all");
	EXPECT_ERR("on-unkillable: 'maybe' is not 'continue' or 'stop'",
		   "--on-unkillable", "maybe", "run", "all");
	EXPECT_ERR("param: 'size' is not KEY=VALUE", "-p", "size", "run", "all");
	EXPECT_ERR("timeout-mul: 'nan' is not a number in (0, 1000]",
		   "--timeout-mul", "nan", "run", "all");
	EXPECT_ERR("runtime-mul: 'inf' is not a number in (0, 10000]",
		   "--runtime-mul=inf", "run", "all");
	EXPECT_ERR("grace: 'NaN' is not a number of seconds in [0, 600]",
		   "--grace", "NaN", "run", "all");
}
END_TEST

START_TEST(test_conflicts)
{
	EXPECT_ERR("--mount /x and --target dmapfs conflict: --mount PATH tests the file system at PATH (the dir target)",
		   "--mount", "/x", "--target", "dmapfs", "run", "all");
	EXPECT_ERR("--mount /x and --dir /y conflict: both name the file system to test; give one",
		   "--dir", "/y", "--mount", "/x", "env");
	EXPECT_ERR("--dir /y means nothing with the dmapfs target: use --mount PATH (or --target dir)",
		   "--dir", "/y", "run", "all");
	EXPECT_ERR("--slots means nothing with --mount /x: it sets up the dmapfs target",
		   "--mount", "/x", "--slots", "4", "run", "all");
	EXPECT_ERR("--dmapfs means nothing with --target dir: it sets up the dmapfs target",
		   "--target", "dir", "--dmapfs", "/bin/true", "run", "all");
	EXPECT_ERR("--resume-reason means nothing without --resume RUN_DIR",
		   "--resume-reason", "gone", "run", "all");
}
END_TEST

START_TEST(test_mount_is_dir_target)
{
	char *argv[] = { "dmaptest", "--mount", "/x", "--target", "dir",
			 "run", "all", NULL };
	struct dt_opts o;
	char err[256] = "";

	ck_assert_int_eq(parse(argv, &o, err, sizeof(err)), 0);
	ck_assert_str_eq(o.target, "dir");
	ck_assert_str_eq(o.dir, "/x");
	ck_assert_ptr_null(opts_dmapfs_only_given(&o));
	opts_free(&o);
}
END_TEST

START_TEST(test_good)
{
	char *argv[] = { "dmaptest", "run", "-vv", "meta-pass", "--seed=42",
			 "-i", "2", "--no-kmsg", "-x", "ex.txt", "meta-fail",
			 NULL };
	struct dt_opts o;
	char err[256] = "";

	ck_assert_int_eq(parse(argv, &o, err, sizeof(err)), 0);
	ck_assert_int_eq(o.command, CMD_RUN);
	ck_assert_int_eq(o.verbose, 2);
	ck_assert_uint_eq(o.seed, 42);
	ck_assert_int_eq(o.iterations, 2);
	ck_assert(!o.kmsg);
	ck_assert_str_eq(o.exclude_file, "ex.txt");
	ck_assert_int_eq(o.nr_selection, 2);
	ck_assert_str_eq(o.selection[1], "meta-fail");
	opts_free(&o);
}
END_TEST

START_TEST(test_help_version)
{
	char *a1[] = { "dmaptest", "--version", NULL };
	char *a2[] = { "dmaptest", "-h", "run", "all", NULL };
	struct dt_opts o;
	char err[256];

	ck_assert_int_eq(parse(a1, &o, err, sizeof(err)), 0);
	ck_assert_int_eq(o.command, CMD_VERSION);
	opts_free(&o);
	ck_assert_int_eq(parse(a2, &o, err, sizeof(err)), 0);
	ck_assert_int_eq(o.command, CMD_HELP);
	opts_free(&o);
}
END_TEST

Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_conflicts);
	tcase_add_test(tc, test_mount_is_dir_target);
	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_help_version);
	suite_add_tcase(s, tc);
	return s;
}
