// SPDX-License-Identifier: GPL-2.0-or-later
/* check_select.c - selection words, groups, variants and exclude files */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "params.h"
#include "require.h"
#include "select.h"
#include "suites.h"

static const char *const g_quick[] = { "quick", "seed", NULL };
static const char *const g_meta[] = { "meta", NULL };
static const char *const g_full[] = { "enospc", NULL };
static const struct dt_variant vs[] = {
	{ .name = "native" }, { .name = "literal" },
	{ .name = "native-full", .groups = g_full,
	  .needs_features = DT_FEAT_FILL },
	{ NULL },
};
static const struct dt_case c1 = { .name = "truncate-od", .groups = g_quick,
				   .variants = vs };
static const struct dt_case c2 = { .name = "ro-mapping", .groups = g_quick };
static const struct dt_case c3 = { .name = "meta-pass", .groups = g_meta };
static const struct dt_case *const cases[] = { &c1, &c2, &c3, NULL };

START_TEST(test_words)
{
	char *all[] = { "all" }, *one[] = { "truncate-od/literal", "meta" };
	struct plan p;
	char err[256];

	ck_assert_int_eq(plan_build(&p, cases, all, 1, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(p.nr, 4);	/* meta is not in all */
	ck_assert_str_eq(p.items[1].variant->name, "literal");
	plan_free(&p);
	ck_assert_int_eq(plan_build(&p, cases, one, 2, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(p.nr, 2);
	ck_assert_ptr_eq(p.items[0].variant, &vs[1]);
	ck_assert_ptr_eq(p.items[1].tcase, &c3);
	plan_free(&p);
}
END_TEST

/* a variant's own groups select it alone */
START_TEST(test_variant_groups)
{
	char *w[] = { "enospc" };
	struct req_env env = { .kernel_release = "6.1", .target_name = "dir",
			       .path = "/bin" };
	struct plan p;
	struct sbuf sb;
	char err[256];

	ck_assert_int_eq(plan_build(&p, cases, w, 1, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(p.nr, 1);
	ck_assert_str_eq(p.items[0].variant->name, "native-full");
	plan_free(&p);

	sb_init(&sb);
	ck_assert_int_eq(require_check(&c1, &vs[0], &env, &sb), 0);
	ck_assert_int_eq(require_check(&c1, &vs[2], &env, &sb), 1);
	ck_assert_str_eq(sb.s, "target 'dir' may not be filled (use --allow-fill)");
	sb_free(&sb);
}
END_TEST

START_TEST(test_unknown)
{
	char *w1[] = { "nope" }, *w2[] = { "truncate-od/fast" };
	struct plan p;
	char err[256];

	ck_assert_int_eq(plan_build(&p, cases, w1, 1, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "unknown case or group 'nope' (see 'dmaptest list')");
	ck_assert_int_eq(plan_build(&p, cases, w2, 1, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "case 'truncate-od' has no variant 'fast'");
}
END_TEST

START_TEST(test_exclude)
{
	char path[] = "/tmp/dmaptest-exclude-XXXXXX";
	const char *text = "# known problems\ntruncate-od/native  # slow here\n"
			   "\nro-mapping\n";
	char *all[] = { "all" };
	struct plan p;
	char err[512];
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	ck_assert_int_eq(plan_build(&p, cases, all, 1, path, err, sizeof(err)), 0);
	ck_assert_int_eq(p.nr, 4);	/* listed as excluded, not hidden */
	ck_assert_ptr_nonnull(strstr(p.items[0].excluded, "slow here"));
	ck_assert_ptr_null(p.items[1].excluded);
	ck_assert_ptr_null(p.items[2].excluded);
	ck_assert_ptr_nonnull(strstr(p.items[3].excluded, "no reason given"));
	plan_free(&p);

	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, "bogus-case # x\n", 15), 15);
	close(fd);
	ck_assert_int_eq(plan_build(&p, cases, all, 1, path, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ":1: unknown case 'bogus-case'"));
	unlink(path);
}
END_TEST

START_TEST(test_requirements)
{
	static const char *const cmds[] = { "sh", "no-such-cmd-xyz", NULL };
	struct dt_case tc = { .name = "x", .needs_root = true,
			      .needs_cmds = cmds, .min_kver = "6.2",
			      .needs_features = DT_FEAT_DAX,
			      .min_free_bytes = 1 << 30 };
	struct req_env env = { .is_root = false, .kernel_release = "6.1.0-13-amd64",
			       .features = 0, .free_bytes = 1 << 20,
			       .target_name = "dir", .path = "/usr/bin:/bin" };
	struct sbuf sb;

	sb_init(&sb);
	ck_assert_int_eq(require_check(&tc, NULL, &env, &sb), 5);
	ck_assert_str_eq(sb.s, "needs root; needs command 'no-such-cmd-xyz' (not on PATH); "
			 "needs kernel >= 6.2 (running 6.1.0-13-amd64); target 'dir' has no DAX; "
			 "needs 1.0 GiB free on the target (has 1.0 MiB)");
	sb_free(&sb);
	/* a case of the dax group needs DAX, with the precise reason */
	{
		static const char *const g_dax[] = { "quick", "dax", NULL };
		struct dt_case dc = { .name = "ro", .groups = g_dax };

		env.no_dax_reason = "mounted dax=never";
		sb_init(&sb);
		ck_assert_int_eq(require_check(&dc, NULL, &env, &sb), 1);
		ck_assert_str_eq(sb.s, "no DAX: mounted dax=never");
		sb_free(&sb);
		/* --baseline runs it anyway */
		env.baseline = true;
		sb_init(&sb);
		ck_assert_int_eq(require_check(&dc, NULL, &env, &sb), 0);
		sb_free(&sb);
		ck_assert_int_eq(require_dax(&dc, NULL), DT_FEAT_DAX);
		ck_assert_int_eq(require_dax(&c2, NULL), 0);
	}
	ck_assert_int_lt(kver_cmp("5.10.0", "5.11"), 0);
	ck_assert_int_eq(kver_cmp("6.1.0-13-amd64", "6.1"), 0);
	ck_assert_int_gt(kver_cmp("6.18.44-fc", "6.6"), 0);
}
END_TEST

static const char *const eng[] = { "auto", "pread", NULL };
static const struct dt_param_decl p1[] = {
	{ "size", DT_PARAM_SIZE, "100G", "256M", "file size", .min = "4k" },
	{ "engine", DT_PARAM_CHOICE, "auto", NULL, "engine", .choices = eng },
	{ NULL },
};
static const struct dt_param_decl p1_literal[] = {
	{ "size", DT_PARAM_SIZE, "1G", NULL, "file size", .max = "2G" },
	{ NULL },
};
static const struct dt_variant pvs[] = {
	{ .name = "native" }, { .name = "literal", .params = p1_literal },
	{ NULL },
};
static const struct dt_param_decl p2[] = {
	{ "procs", DT_PARAM_BOOL, "1", NULL, "processes" },
	{ "size", DT_PARAM_SIZE, "16M", NULL, "file size" },
	{ NULL },
};
static const struct dt_case pc1 = { .name = "truncate-od", .groups = g_quick,
				    .variants = pvs, .params = p1 };
static const struct dt_case pc2 = { .name = "ro-mapping", .groups = g_quick,
				    .params = p2 };
static const struct dt_case *const pcases[] = { &pc1, &pc2, &c3, NULL };

static int pcheck(const char *word, const char *param, char *err)
{
	char *words[] = { (char *)word }, *params[] = { (char *)param, NULL };
	struct plan p;
	int ret;

	err[0] = '\0';
	ck_assert_int_eq(plan_build(&p, pcases, words, 1, NULL, err, 256), 0);
	ret = params_check(&p, pcases, params, err, 256);
	plan_free(&p);
	return ret;
}

START_TEST(test_params)
{
	char err[256];

	ck_assert_int_eq(pcheck("quick", "size=1G", err), 0);
	ck_assert_int_eq(pcheck("quick", "truncate-od.size=1G", err), 0);
	ck_assert_int_eq(pcheck("quick", "truncate-od.siz=1G", err), -1);
	ck_assert_str_eq(err, "param 'truncate-od.siz': case 'truncate-od' has no parameter 'siz' (it has: size, engine)");
	/* a bound of one variant */
	ck_assert_int_eq(pcheck("quick", "size=4G", err), -1);
	ck_assert_str_eq(err, "param 'size=4G': truncate-od/literal: '4G' is above 2G");
	ck_assert_int_eq(pcheck("truncate-od/native", "size=4G", err), 0);
	ck_assert_int_eq(pcheck("quick", "size=1X", err), -1);
	ck_assert_str_eq(err, "param 'size=1X': truncate-od/native: '1X' is not a size (e.g. 4k, 2M, 100G)");
	ck_assert_int_eq(pcheck("quick", "engine=uring", err), -1);
	ck_assert_str_eq(err, "param 'engine=uring': truncate-od/native: 'uring' is not one of auto, pread");
	/* a parameter only an unselected case has */
	ck_assert_int_eq(pcheck("ro-mapping", "engine=auto", err), -1);
	ck_assert_str_eq(err, "param 'engine': no selected case has a parameter 'engine' (see 'dmaptest list')");
	ck_assert_int_eq(pcheck("ro-mapping", "procs=maybe", err), -1);
	ck_assert_int_eq(pcheck("quick", "nope.size=1", err), -1);
	ck_assert_str_eq(err, "param 'nope.size': there is no case 'nope'");
	ck_assert_int_eq(pcheck("quick", "=1", err), -1);
}
END_TEST

static void check_decls(const char *name, const struct dt_param_decl *d)
{
	char err[256];

	for (; d && d->name; d++) {
		if (d->def)
			ck_assert_msg(!dt_param_check(d, d->def, err, sizeof(err)),
				      "%s: %s: default: %s", name, d->name, err);
		if (d->def_quick)
			ck_assert_msg(!dt_param_check(d, d->def_quick, err, sizeof(err)),
				      "%s: %s: quick default: %s", name, d->name, err);
		ck_assert_msg(d->help, "%s: %s: no help", name, d->name);
		ck_assert_msg(!strchr(d->name, '.') && !strchr(d->name, '='),
			      "%s: %s: a name with '.' or '='", name, d->name);
	}
}

/* a variant's claim with the id of one of the case's replaces it */
static int check_claims(const char *name, const struct dt_claim *c)
{
	const struct dt_claim *o;
	int n = 0;

	for (; c && c->id; c++, n++) {
		ck_assert_msg(c->text && *c->text, "%s: claim %s: no text",
			      name, c->id);
		ck_assert_msg(strspn(c->id, "abcdefghijklmnopqrstuvwxyz0123456789-") ==
			      strlen(c->id), "%s: claim id '%s'", name, c->id);
		for (o = c + 1; o->id; o++)
			ck_assert_msg(strcmp(o->id, c->id), "%s: claim %s twice",
				      name, c->id);
		ck_assert_msg(c->needs_features < DT_FEAT_DAX_MMAP * 2,
			      "%s: claim %s needs an unknown feature", name,
			      c->id);
	}
	return n;
}

/*
 * Every declaration of the real cases is well-formed, and every case
 * that tests the system (not the runner) says what it claims: a case
 * that cannot fail is a defect.
 */
START_TEST(test_declarations)
{
	const struct dt_case *const *c;
	const struct dt_variant *v;

	for (c = dt_cases; *c; c++) {
		int n;

		check_decls((*c)->name, (*c)->params);
		n = check_claims((*c)->name, (*c)->claims);
		for (v = (*c)->variants; v && v->name; v++) {
			check_decls((*c)->name, v->params);
			check_claims((*c)->name, v->claims);
		}
		if (!case_in_group(*c, "meta"))
			ck_assert_msg(n > 0, "%s declares no claim", (*c)->name);
	}
}
END_TEST

Suite *select_suite(void)
{
	Suite *s = suite_create("select");
	TCase *tc = tcase_create("plan");

	tcase_add_test(tc, test_words);
	tcase_add_test(tc, test_variant_groups);
	tcase_add_test(tc, test_unknown);
	tcase_add_test(tc, test_exclude);
	tcase_add_test(tc, test_requirements);
	tcase_add_test(tc, test_params);
	tcase_add_test(tc, test_declarations);
	suite_add_tcase(s, tc);
	return s;
}
