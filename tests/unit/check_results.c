// SPDX-License-Identifier: GPL-2.0-or-later
/* check_results.c - the results folder writer and its formats */
#include <check.h>
#include <dirent.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounded.h"
#include "results.h"
#include "suites.h"
#include "util.h"

static const char *const groups[] = { "quick", NULL };
static const struct dt_variant variants[] = {
	{ .name = "native" }, { .name = "literal" }, { NULL },
};
static const struct dt_case tc_a = { .name = "case-a", .desc = "a",
				     .groups = groups };
static const struct dt_case tc_b = { .name = "case-b", .desc = "b",
				     .groups = groups, .variants = variants };

static void fill_run(struct run_info *run)
{
	struct case_result *r;

	memset(run, 0, sizeof(*run));
	run->id = xstrdup("20260101-000000-1");
	run->start = 1767225600.0;
	run->status = "running";
	run->seed = 12345;
	run->planned = 3;
	r = results_add(run, &tc_a, NULL, 1, 1);
	r->verdict = DT_PASS;
	free(r->reason);
	r->reason = xstrdup("read 1 GiB <fast> & \"zero\"");
	result_add_metric(r, "gbps", "2.5");
	result_add_metric(r, "gbps", "2.6");	/* replaces */
	r = results_add(run, &tc_b, &variants[1], 2, 2);
	r->verdict = DT_HANG;
	free(r->reason);
	r->reason = xstrdup("no progress for 20 s # in od\nsecond line");
	result_add_claim(r, "ro", "reads map read-only", false,
			 DT_CLAIM_FAILED, 3, 0, 1, "2 RW setups <for reads>");
	result_add_claim(r, "amp", "write amplification", true,
			 DT_CLAIM_UNMEASURED, 0, 1, 0, "no st_blocks");
	run->nr_done = 2;
}

START_TEST(test_ids_and_text)
{
	struct run_info run;
	char *text;

	fill_run(&run);
	ck_assert_str_eq(run.results[0].id, "case-a");
	ck_assert_str_eq(run.results[1].id, "case-b/literal#2");
	ck_assert_str_eq(run.results[1].dir_name, "case-b.literal.2");
	ck_assert_int_eq(run.results[0].nr_metrics, 1);
	text = results_case_text(&run.results[1]);
	ck_assert_ptr_nonnull(strstr(text, "verdict=HANG\n"));
	ck_assert_ptr_nonnull(strstr(text, "reason=no progress for 20 s # in od second line\n"));
	ck_assert_ptr_nonnull(strstr(text, "variant=literal\n"));
	ck_assert_ptr_nonnull(strstr(text, "claim.ro=FAILED: reads map read-only\n"));
	ck_assert_ptr_nonnull(strstr(text, "claim.ro.detail=2 RW setups <for reads>\n"));
	ck_assert_ptr_nonnull(strstr(text, "claim.amp=UNMEASURED (optional): write amplification\n"));
	free(text);
	results_free(&run);
}
END_TEST

START_TEST(test_tap)
{
	struct run_info run;
	char *text;

	fill_run(&run);
	text = results_tap(&run);
	ck_assert_ptr_nonnull(strstr(text, "TAP version 13\n1..3\n"));
	ck_assert_ptr_nonnull(strstr(text, "ok 1 - case-a\n"));
	/* '#' in a reason must not start a TAP directive */
	ck_assert_ptr_nonnull(strstr(text,
		"not ok 2 - case-b/literal#2 # HANG: no progress for 20 s _ in od second line\n"));
	ck_assert_ptr_nonnull(strstr(text, "  verdict: HANG\n"));
	ck_assert_ptr_nonnull(strstr(text, "    - id: ro\n      state: FAILED\n"));
	free(text);
	results_free(&run);
}
END_TEST

START_TEST(test_junit_escapes)
{
	struct run_info run;
	char *text;

	fill_run(&run);
	text = results_junit(&run);
	ck_assert_ptr_nonnull(strstr(text, "tests=\"2\" failures=\"1\""));
	ck_assert_ptr_nonnull(strstr(text, "read 1 GiB &lt;fast&gt; &amp; &quot;zero&quot;"));
	ck_assert_ptr_nonnull(strstr(text, "<failure type=\"HANG\""));
	ck_assert_ptr_nonnull(strstr(text, "<property name=\"gbps\" value=\"2.6\"/>"));
	ck_assert_ptr_null(strstr(text, "<fast>"));
	ck_assert_ptr_nonnull(strstr(text, "<property name=\"claim.ro\" value=\"FAILED: reads map read-only -- 2 RW setups &lt;for reads&gt;\"/>"));
	free(text);
	results_free(&run);
}
END_TEST

START_TEST(test_run_json)
{
	struct run_info run;
	json_object *root, *v, *cases;
	char *text;

	fill_run(&run);
	text = results_run_json(&run);
	root = json_tokener_parse(text);
	ck_assert_ptr_nonnull(root);
	ck_assert(json_object_object_get_ex(root, "status", &v));
	ck_assert_str_eq(json_object_get_string(v), "running");
	ck_assert(json_object_object_get_ex(root, "ended", &v));
	ck_assert(!json_object_get_boolean(v));
	ck_assert(json_object_object_get_ex(root, "seed", &v));
	ck_assert_int_eq(json_object_get_int64(v), 12345);
	ck_assert(json_object_object_get_ex(root, "cases", &cases));
	ck_assert_int_eq(json_object_array_length(cases), 2);
	v = json_object_array_get_idx(cases, 1);
	{
		struct case_result back = { 0 };
		json_object *c;

		/* resume reads the claims back */
		result_claims_from_json(&back, v);
		ck_assert_int_eq(back.nr_claims, 2);
		ck_assert_str_eq(back.claims[0].id, "ro");
		ck_assert_int_eq(back.claims[0].state, DT_CLAIM_FAILED);
		ck_assert_int_eq(back.claims[0].held, 3);
		ck_assert(back.claims[1].optional);
		ck_assert(json_object_object_get_ex(v, "claims", &c));
		c = json_object_array_get_idx(c, 1);
		ck_assert(json_object_object_get_ex(c, "state", &c));
		ck_assert_str_eq(json_object_get_string(c), "UNMEASURED");
		for (int i = 0; i < back.nr_claims; i++) {
			free(back.claims[i].id);
			free(back.claims[i].text);
			free(back.claims[i].detail);
		}
		free(back.claims);
	}
	ck_assert(json_object_object_get_ex(v, "verdict", &v));
	ck_assert_str_eq(json_object_get_string(v), "HANG");
	json_object_put(root);
	free(text);
	results_free(&run);
}
END_TEST

/*
 * A PASS with a claim out of scope on its target: every record names it
 * as such (state, what it needs, the case's words), TAP too.
 */
START_TEST(test_out_of_scope_records)
{
	struct case_result *r, back = { 0 };
	struct claim_result *c;
	json_object *root, *jc, *v;
	struct run_info run;
	char *text;

	memset(&run, 0, sizeof(run));
	run.id = xstrdup("20260101-000000-2");
	run.status = "complete";
	run.planned = 1;
	r = results_add(&run, &tc_a, NULL, 1, 1);
	r->verdict = DT_PASS;
	free(r->reason);
	r->reason = xstrdup("16 workloads; not measured on dmapfs: mmap reads map read-only (needs DAX-mmap)");
	result_add_claim(r, "ro", "reads map read-only", false,
			 DT_CLAIM_HELD, 16, 0, 0, "read/sparse");
	c = result_add_claim(r, "mmap-ro", "mmap reads map read-only", false,
			     DT_CLAIM_UNMEASURED, 0, 2, 0,
			     "not measured on dmapfs: its MAP_SHARED mappings go through the kernel page cache, not the DAX window");
	c->needs = DT_FEAT_DAX_MMAP;
	c->out_of_scope = true;
	run.nr_done = 1;

	text = results_case_text(r);
	ck_assert_ptr_nonnull(strstr(text, "claim.ro=HELD: reads map read-only\n"));
	ck_assert_ptr_nonnull(strstr(text, "claim.mmap-ro=UNMEASURED (out of scope, needs DAX-mmap): mmap reads map read-only\n"));
	ck_assert_ptr_nonnull(strstr(text, "claim.mmap-ro.detail=not measured on dmapfs: its MAP_SHARED"));
	free(text);

	/* a PASS that left a claim unmeasured says so in YAML */
	text = results_tap(&run);
	ck_assert_ptr_nonnull(strstr(text, "ok 1 - case-a\n  ---\n  verdict: PASS\n"));
	ck_assert_ptr_nonnull(strstr(text, "  reason: '16 workloads; not measured on dmapfs: mmap reads map read-only (needs DAX-mmap)'\n"));
	ck_assert_ptr_nonnull(strstr(text, "    - id: mmap-ro\n      state: UNMEASURED\n      needs: DAX-mmap\n      out_of_scope: true\n"));
	free(text);

	text = results_junit(&run);
	ck_assert_ptr_nonnull(strstr(text, "<property name=\"claim.mmap-ro\" value=\"UNMEASURED (out of scope, needs DAX-mmap): mmap reads map read-only -- not measured on dmapfs:"));
	ck_assert_ptr_nonnull(strstr(text, "claim mmap-ro UNMEASURED (out of scope, needs DAX-mmap): mmap reads"));
	free(text);

	text = results_run_json(&run);
	root = json_tokener_parse(text);
	ck_assert_ptr_nonnull(root);
	ck_assert(json_object_object_get_ex(root, "cases", &v));
	v = json_object_array_get_idx(v, 0);
	ck_assert(json_object_object_get_ex(v, "claims", &jc));
	jc = json_object_array_get_idx(jc, 1);
	ck_assert(json_object_object_get_ex(jc, "out_of_scope", &v));
	ck_assert(json_object_get_boolean(v));
	ck_assert(json_object_object_get_ex(jc, "needs", &v));
	ck_assert_int_eq(json_object_array_length(v), 1);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(v, 0)), "DAX-mmap");
	/* resume reads it back */
	ck_assert(json_object_object_get_ex(root, "cases", &v));
	result_claims_from_json(&back, json_object_array_get_idx(v, 0));
	ck_assert_int_eq(back.nr_claims, 2);
	ck_assert_int_eq(back.claims[0].needs, 0);
	ck_assert(!back.claims[0].out_of_scope);
	ck_assert_int_eq(back.claims[1].needs, DT_FEAT_DAX_MMAP);
	ck_assert(back.claims[1].out_of_scope);
	for (int i = 0; i < back.nr_claims; i++) {
		free(back.claims[i].id);
		free(back.claims[i].text);
		free(back.claims[i].detail);
	}
	free(back.claims);
	json_object_put(root);
	free(text);
	results_free(&run);
}
END_TEST

/* the folder: files exist, latest points at the run, no temp files */
START_TEST(test_folder)
{
	char base[] = "/tmp/dmaptest-results-XXXXXX", path[PATH_MAX + 64];
	char link[PATH_MAX];
	struct run_info run;
	struct dirent *de;
	char err[256];
	ssize_t n;
	DIR *d;

	ck_assert_ptr_nonnull(mkdtemp(base));
	memset(&run, 0, sizeof(run));
	snprintf(run.results_dir, sizeof(run.results_dir), "%s/res", base);
	run.start = now_real();
	run.planned = 1;
	ck_assert_int_eq(results_open(&run, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/latest", run.results_dir);
	n = readlink(path, link, sizeof(link) - 1);
	ck_assert_int_gt(n, 0);
	link[n] = '\0';
	ck_assert_str_eq(link, run.id);

	results_add(&run, &tc_a, NULL, 1, 1)->verdict = DT_PASS;
	ck_assert_int_eq(results_write_case(&run, &run.results[0]), 0);
	snprintf(path, sizeof(path), "%s/case-a/result", run.dir);
	ck_assert_int_eq(access(path, R_OK), 0);
	d = opendir(run.dir);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		ck_assert_ptr_null(strstr(de->d_name, ".tmp."));
	closedir(d);
	results_free(&run);
	ck_assert_int_eq(remove_tree(base), 0);
}
END_TEST

Suite *results_suite(void)
{
	Suite *s = suite_create("results");
	TCase *tc = tcase_create("write");

	tcase_add_test(tc, test_ids_and_text);
	tcase_add_test(tc, test_tap);
	tcase_add_test(tc, test_junit_escapes);
	tcase_add_test(tc, test_run_json);
	tcase_add_test(tc, test_out_of_scope_records);
	tcase_add_test(tc, test_folder);
	suite_add_tcase(s, tc);
	return s;
}
