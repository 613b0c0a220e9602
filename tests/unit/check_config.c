// SPDX-License-Identifier: GPL-2.0-or-later
/* check_config.c - the "key = value" parser and the option precedence */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conffile.h"
#include "env.h"
#include "options.h"
#include "suites.h"
#include "util.h"

struct seen {
	char keys[8][32];
	char values[8][64];
	int n;
};

static int record(const char *key, const char *value, void *arg, char *err,
		  size_t errsz)
{
	struct seen *s = arg;

	if (!strcmp(key, "reject")) {
		snprintf(err, errsz, "rejected '%s'", value);
		return -1;
	}
	snprintf(s->keys[s->n], sizeof(s->keys[0]), "%s", key);
	snprintf(s->values[s->n], sizeof(s->values[0]), "%s", value);
	s->n++;
	return 0;
}

START_TEST(test_config_basic)
{
	struct seen s = { 0 };
	char err[256] = "";
	int ret;

	ret = config_parse_text("t", "# comment\n\n  a = 1 \nb=two words\n"
				"c = \" spaced \"\nempty =\n", record, &s,
				err, sizeof(err));
	ck_assert_int_eq(ret, 0);
	ck_assert_int_eq(s.n, 4);
	ck_assert_str_eq(s.keys[0], "a");
	ck_assert_str_eq(s.values[0], "1");
	ck_assert_str_eq(s.values[1], "two words");
	ck_assert_str_eq(s.values[2], " spaced ");
	ck_assert_str_eq(s.keys[3], "empty");
	ck_assert_str_eq(s.values[3], "");
}
END_TEST

START_TEST(test_config_errors)
{
	struct seen s = { 0 };
	char err[256] = "";

	ck_assert_int_eq(config_parse_text("f.conf", "a = 1\nno equals here\n",
					   record, &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "f.conf:2: expected 'key = value', got 'no equals here'");
	ck_assert_int_eq(config_parse_text("f.conf", "bad key = 1\n", record,
					   &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "f.conf:1: invalid key 'bad key'");
	ck_assert_int_eq(config_parse_text("f.conf", "\n\nreject = x\n", record,
					   &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "f.conf:3: rejected 'x'");
	ck_assert_int_eq(config_parse_file("/nonexistent/dmaptest.conf",
					   record, &s, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot read config file"));
}
END_TEST

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/dmaptest-check-XXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	return path;
}

/* defaults < config file < command line */
START_TEST(test_precedence)
{
	char *conf = write_tmp("iterations = 3\nseed = 7\ntimeout-mul = 2.5\n"
			       "param = size=1G\n");
	char *argv[] = { "dmaptest", "-c", conf, "--seed", "9", "run",
			 "quick", "-p", "size=2G", NULL };
	struct dt_opts o;
	char err[256] = "";

	opts_init(&o);
	ck_assert_int_eq(opts_parse(&o, 9, argv, err, sizeof(err)), 0);
	ck_assert_int_eq(o.iterations, 3);		/* file */
	ck_assert_uint_eq(o.seed, 9);			/* command line */
	ck_assert(o.seed_set);
	ck_assert_double_eq(o.timeout_mul, 2.5);	/* file */
	ck_assert_int_eq(o.grace, 5);			/* default */
	ck_assert_int_eq(o.nr_params, 2);
	ck_assert_str_eq(o.params[1], "size=2G");	/* later wins */
	ck_assert_int_eq(o.command, CMD_RUN);
	ck_assert_int_eq(o.nr_selection, 1);
	ck_assert_str_eq(o.selection[0], "quick");
	opts_free(&o);
	unlink(conf);
	free(conf);
}
END_TEST

START_TEST(test_bad_config_key)
{
	char *conf = write_tmp("iterations = 3\nwhatever = 1\n");
	char *argv[] = { "dmaptest", "--config", conf, "list", NULL };
	struct dt_opts o;
	char err[512] = "";

	opts_init(&o);
	ck_assert_int_eq(opts_parse(&o, 4, argv, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ":2: unknown setting 'whatever'"));
	opts_free(&o);
	unlink(conf);
	free(conf);
}
END_TEST

START_TEST(test_printable)
{
	char *s = printable("ok \xc3\xa9 \x1b[1m \xff\xfe tab\t nl\n");

	/* valid UTF-8 stays, control and stray bytes are escaped */
	ck_assert_str_eq(s, "ok \xc3\xa9 \\x1b[1m \\xff\\xfe tab\\x09 nl\\x0a");
	free(s);
	s = printable("cut \xe2\x82");	/* a sequence cut short */
	ck_assert_str_eq(s, "cut \\xe2\\x82");
	free(s);
}
END_TEST

START_TEST(test_config_is_a_folder)
{
	char *argv[] = { "dmaptest", "-c", "/", "list", NULL };
	struct dt_opts o;
	char err[512] = "";

	opts_init(&o);
	ck_assert_int_eq(opts_parse(&o, 4, argv, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "cannot read config file /: Is a directory");
	opts_free(&o);
}
END_TEST

START_TEST(test_mount_unescape)
{
	char s[] = "/mnt/a\\040b\\011c\\012d\\134e\\04f\\9";

	env_unescape_mount(s);
	ck_assert_str_eq(s, "/mnt/a b\tc\nd\\e\\04f\\9");
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_config_basic);
	tcase_add_test(tc, test_config_errors);
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_bad_config_key);
	tcase_add_test(tc, test_printable);
	tcase_add_test(tc, test_config_is_a_folder);
	tcase_add_test(tc, test_mount_unescape);
	suite_add_tcase(s, tc);
	return s;
}
