// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * resume.c - take up a run whose runner died with it (a guest killed
 * with its VMM, a host reboot): the finished cases are read back from
 * run.json, the case that was running gets a verdict naming what
 * happened, and the cases of the original plan not yet run follow.
 */
#include <errno.h>
#include <json-c/json.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "resume.h"
#include "select.h"
#include "util.h"
#include "verdict.h"

int parse_case_id(const char *id, const struct dt_case **tcp,
		  const struct dt_variant **vp, int *iteration)
{
	char *copy = xstrdup(id), *hash, *slash;
	const struct dt_case *const *c;
	const struct dt_variant *v = NULL;
	int ret = -1;

	*iteration = 1;
	hash = strchr(copy, '#');
	if (hash) {
		*hash++ = '\0';
		*iteration = atoi(hash);
		if (*iteration < 1)
			goto out;
	}
	slash = strchr(copy, '/');
	if (slash)
		*slash++ = '\0';
	for (c = dt_cases; *c; c++)
		if (!strcmp((*c)->name, copy))
			break;
	if (!*c)
		goto out;
	if (slash) {
		for (v = (*c)->variants; v && v->name; v++)
			if (!strcmp(v->name, slash))
				break;
		if (!v || !v->name)
			goto out;
	}
	*tcp = *c;
	*vp = v;
	ret = 0;
out:
	free(copy);
	return ret;
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int load_case(struct run_info *run, json_object *jc, char *err,
		     size_t errsz)
{
	const char *id = get_str(jc, "id"), *verdict = get_str(jc, "verdict");
	const struct dt_variant *v;
	const struct dt_case *tc;
	struct case_result *r;
	json_object *m, *x;
	int iter, vd;

	if (!id || !verdict || parse_case_id(id, &tc, &v, &iter) < 0 ||
	    (vd = verdict_from_name(verdict)) < 0) {
		snprintf(err, errsz, "run.json: unknown or malformed case '%s'",
			 id ? id : "?");
		return -1;
	}
	/* a case the runner was asked to stop in is not done: run it again */
	if (json_object_object_get_ex(jc, "interrupted", &x) &&
	    json_object_get_boolean(x))
		return 0;
	r = results_add_id(run, tc, v, iter, xstrdup(id));
	r->verdict = vd;
	free(r->reason);
	r->reason = xstrdup(get_str(jc, "reason") ? get_str(jc, "reason") : "");
	if (json_object_object_get_ex(jc, "duration_s", &x))
		r->duration = json_object_get_double(x);
	if (json_object_object_get_ex(jc, "excluded", &x))
		r->excluded = json_object_get_boolean(x);
	if (json_object_object_get_ex(jc, "unkillable", &x))
		r->unkillable = json_object_get_boolean(x);
	if (json_object_object_get_ex(jc, "target_died", &x))
		r->target_died = json_object_get_boolean(x);
	if (json_object_object_get_ex(jc, "metrics", &m)) {
		json_object_object_foreach(m, key, val)
			result_add_metric(r, key, json_object_get_string(val));
	}
	result_claims_from_json(r, jc);
	run->nr_done++;
	return 0;
}

/*
 * A resumed run goes on with the plan of the first: a selection given
 * again must be the same words, or it would be silently ignored.
 */
static int check_selection(struct run_info *run, json_object *root,
			   char *const *sel, int nr_sel, const char *path,
			   char *err, size_t errsz)
{
	json_object *a;
	size_t i, n;
	bool same;

	if (json_object_object_get_ex(root, "selection", &a) &&
	    json_object_is_type(a, json_type_array)) {
		n = json_object_array_length(a);
		for (i = 0; i < n; i++) {
			run->selection = xrealloc(run->selection,
						  (i + 1) * sizeof(char *));
			run->selection[i] = xstrdup(json_object_get_string(
				json_object_array_get_idx(a, i)));
			run->nr_selection = i + 1;
		}
	} else if (nr_sel) {
		snprintf(err, errsz, "--resume: %s does not record what the run selected: resume it without a selection",
			 path);
		return -1;
	}
	if (!nr_sel)
		return 0;
	same = nr_sel == run->nr_selection;
	for (i = 0; same && i < (size_t)nr_sel; i++)
		same = !strcmp(sel[i], run->selection[i]);
	if (!same) {
		struct sbuf was;

		sb_init(&was);
		for (i = 0; i < (size_t)run->nr_selection; i++)
			sb_printf(&was, " %s", run->selection[i]);
		snprintf(err, errsz, "--resume goes on with the plan of %s (run%s): a different selection (run %s%s) cannot be given",
			 path, was.s, sel[0], nr_sel > 1 ? " ..." : "");
		sb_free(&was);
		return -1;
	}
	return 0;
}

/*
 * When the case started and when its target died, as the launcher that
 * saw it die recorded them (scripts/dmaptest-vm): CASE_DIR/vm-death,
 * key=value lines, "start=" and "end=" in wall clock seconds. Without
 * the file (or with values that make no sense) the case keeps what the
 * caller set: started now, duration 0.
 */
static void death_times(struct run_info *run, struct case_result *r)
{
	double start = 0, end = 0;
	char path[PATH_MAX], line[256];
	FILE *f;

	if (results_case_path(run, r, "vm-death", path, sizeof(path)) < 0)
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "start=", 6))
			start = strtod(line + 6, NULL);
		else if (!strncmp(line, "end=", 4))
			end = strtod(line + 4, NULL);
	}
	fclose(f);
	if (end <= 0 || end > now_real() + 60)
		return;
	if (start > 0 && start <= end) {
		r->start = start;
		r->duration = end - start;
	} else {
		r->start = end;
	}
}

int resume_load(struct run_info *run, const char *given, char *const *sel,
		int nr_sel, const char *reason, char *err, size_t errsz)
{
	char path[PATH_MAX + 16], dir[PATH_MAX], *copy;
	json_object *root, *a, *x;
	const char *current;
	size_t i;
	int ret = -1;

	/* results/latest is a link: the run id is the folder's own name */
	if (!realpath(given, dir)) {
		snprintf(err, errsz, "resume: %s: %s", given, strerror(errno));
		return -1;
	}
	if (snprintf(path, sizeof(path), "%s/run.json", dir) >=
	    (int)sizeof(path)) {
		snprintf(err, errsz, "resume: path too long");
		return -1;
	}
	root = json_object_from_file(path);
	if (!root) {
		snprintf(err, errsz, "resume: %s is missing or not valid JSON",
			 path);
		return -1;
	}
	if (!json_object_object_get_ex(root, "plan", &a) ||
	    !json_object_is_type(a, json_type_array)) {
		snprintf(err, errsz, "resume: %s has no plan", path);
		goto out;
	}
	if (check_selection(run, root, sel, nr_sel, dir, err, errsz) < 0)
		goto out;
	for (i = 0; i < json_object_array_length(a); i++) {
		run->plan_ids = xrealloc(run->plan_ids,
					 (run->nr_plan + 1) * sizeof(char *));
		run->plan_ids[run->nr_plan++] =
			xstrdup(json_object_get_string(
				json_object_array_get_idx(a, i)));
	}
	run->planned = run->nr_plan;

	copy = xstrdup(dir);
	run->id = xstrdup(basename(copy));
	free(copy);
	copy = xstrdup(dir);
	snprintf(run->results_dir, sizeof(run->results_dir), "%s",
		 dirname(copy));
	free(copy);
	snprintf(run->dir, sizeof(run->dir), "%s", dir);
	run->status = "running";
	if (json_object_object_get_ex(root, "seed", &x))
		run->seed = json_object_is_type(x, json_type_string) ?
			    strtoull(json_object_get_string(x), NULL, 10) :
			    json_object_get_uint64(x);
	run->start = now_real();
	if (get_str(root, "start")) {
		struct tm tm;

		memset(&tm, 0, sizeof(tm));
		if (strptime(get_str(root, "start"), "%Y-%m-%dT%H:%M:%SZ", &tm))
			run->start = timegm(&tm);
	}

	if (json_object_object_get_ex(root, "cases", &a))
		for (i = 0; i < json_object_array_length(a); i++)
			if (load_case(run, json_object_array_get_idx(a, i),
				      err, errsz) < 0)
				goto out;

	current = get_str(root, "current");
	if (current) {
		const struct dt_variant *v;
		const struct dt_case *tc;
		struct case_result *r;
		int iter;

		if (parse_case_id(current, &tc, &v, &iter) < 0) {
			snprintf(err, errsz, "resume: unknown running case '%s'",
				 current);
			goto out;
		}
		r = results_add_id(run, tc, v, iter, xstrdup(current));
		r->verdict = DT_FAIL;
		r->target_died = true;
		free(r->reason);
		r->reason = xasprintf("the guest died during this case: %s",
				      reason && *reason ? reason :
				      "no reason given");
		r->start = now_real();
		death_times(run, r);
		if (results_write_case(run, r) < 0) {
			snprintf(err, errsz, "resume: cannot write in %s: %s",
				 dir, strerror(errno));
			goto out;
		}
	}
	ret = 0;
out:
	json_object_put(root);
	return ret;
}

bool resume_is_done(const struct run_info *run, const char *id)
{
	int i;

	for (i = 0; i < run->nr_results; i++)
		if (!strcmp(run->results[i].id, id))
			return true;
	return false;
}
