// SPDX-License-Identifier: GPL-2.0-or-later
/* list.c - "dmaptest list [--json]": every case declaration */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "require.h"
#include "run.h"
#include "select.h"
#include "util.h"

static json_object *str_array(const char *const *v)
{
	json_object *a = json_object_new_array();

	for (; v && *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

/* ["DAX-mmap"] */
static json_object *features_json(unsigned int bits)
{
	json_object *a = json_object_new_array();
	unsigned int bit;

	for (bit = 1; bit; bit <<= 1)
		if (bits & bit)
			json_object_array_add(a,
				json_object_new_string(feature_name(bit)));
	return a;
}

/* "claim ro-only: reads ... (optional) (needs DAX-mmap)" */
static void print_claim(const char *indent, const struct dt_claim *c)
{
	unsigned int bit;
	int n = 0;

	printf("%-22s   %sclaim %s: %s%s", "", indent, c->id, c->text,
	       c->optional ? " (optional)" : "");
	for (bit = 1; bit; bit <<= 1)
		if (c->needs_features & bit)
			printf("%s%s", n++ ? ", " : " (needs ",
			       feature_name(bit));
	printf("%s\n", n ? ")" : "");
}

static json_object *claims_json(const struct dt_claim *c)
{
	json_object *a = json_object_new_array();

	for (; c && c->id; c++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_string(c->id));
		json_object_object_add(o, "text", json_object_new_string(
				       c->text ? c->text : c->id));
		json_object_object_add(o, "optional",
				       json_object_new_boolean(c->optional));
		json_object_object_add(o, "needs",
				       features_json(c->needs_features));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *jstr_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *params_json(const struct dt_param_decl *d)
{
	json_object *a = json_object_new_array();

	for (; d && d->name; d++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(d->name));
		json_object_object_add(o, "type", json_object_new_string(
				       dt_param_type_name(d->type)));
		json_object_object_add(o, "default", jstr_or_null(d->def));
		json_object_object_add(o, "default_quick",
				       jstr_or_null(d->def_quick ? d->def_quick :
						    d->def));
		json_object_object_add(o, "help", jstr_or_null(d->help));
		if (d->choices)
			json_object_object_add(o, "choices",
					       str_array(d->choices));
		if (d->min)
			json_object_object_add(o, "min", jstr_or_null(d->min));
		if (d->max)
			json_object_object_add(o, "max", jstr_or_null(d->max));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *case_decl_json(const struct dt_case *tc)
{
	json_object *o = json_object_new_object(), *req, *a, *ja;
	const struct dt_variant *v;
	unsigned int bit;

	json_object_object_add(o, "name", json_object_new_string(tc->name));
	json_object_object_add(o, "description",
			       json_object_new_string(tc->desc));
	json_object_object_add(o, "groups", str_array(tc->groups));
	req = json_object_new_object();
	json_object_object_add(req, "root",
			       json_object_new_boolean(tc->needs_root));
	json_object_object_add(req, "commands", str_array(tc->needs_cmds));
	json_object_object_add(req, "min_kernel", tc->min_kver ?
			       json_object_new_string(tc->min_kver) : NULL);
	a = json_object_new_array();
	for (bit = 1; bit; bit <<= 1)
		if (tc->needs_features & bit)
			json_object_array_add(a,
				json_object_new_string(feature_name(bit)));
	json_object_object_add(req, "features", a);
	json_object_object_add(req, "min_free_bytes",
			       json_object_new_uint64(tc->min_free_bytes));
	json_object_object_add(o, "requires", req);
	json_object_object_add(o, "timeout_s", json_object_new_int(
			       tc->timeout ? tc->timeout : DT_DEFAULT_TIMEOUT));
	json_object_object_add(o, "runtime_s",
			       json_object_new_int(tc->runtime));
	json_object_object_add(o, "progress_window_s", json_object_new_int(
			       tc->progress_window ? tc->progress_window :
						     DT_DEFAULT_PROGRESS_WINDOW));
	json_object_object_add(o, "expect_signal", tc->expect_signal ?
			       json_object_new_string(sigabbrev_np(
						tc->expect_signal)) : NULL);
	a = json_object_new_array();
	for (v = tc->variants; v && v->name; v++) {
		json_object *jv = json_object_new_object();

		json_object_object_add(jv, "name",
				       json_object_new_string(v->name));
		json_object_object_add(jv, "description", v->desc ?
				       json_object_new_string(v->desc) : NULL);
		json_object_object_add(jv, "groups", str_array(v->groups));
		ja = json_object_new_array();
		for (bit = 1; bit; bit <<= 1)
			if (v->needs_features & bit)
				json_object_array_add(ja,
					json_object_new_string(feature_name(bit)));
		json_object_object_add(jv, "features", ja);
		json_object_object_add(jv, "claims", claims_json(v->claims));
		json_object_object_add(jv, "params", params_json(v->params));
		json_object_array_add(a, jv);
	}
	json_object_object_add(o, "variants", a);
	json_object_object_add(o, "claims", claims_json(tc->claims));
	json_object_object_add(o, "params", params_json(tc->params));
	return o;
}

/* "-p size=100G (quick 256M; size; size of the sparse file)" */
static void print_param(const char *indent, const struct dt_param_decl *d)
{
	printf("%-22s   %s-p %s=%s (", "", indent, d->name,
	       d->def ? d->def : "...");
	if (d->def_quick)
		printf("quick %s; ", d->def_quick);
	printf("%s%s%s)\n", dt_param_type_name(d->type), d->help ? "; " : "",
	       d->help ? d->help : "");
}

int list_command(struct dt_opts *o)
{
	static char *all[] = { "all", "meta", NULL };
	struct plan plan;
	char err[512];
	const struct dt_case *last = NULL;
	json_object *arr = NULL;
	int i;

	/* no words: every case, meta included */
	if (plan_build(&plan, dt_cases, o->nr_selection ? o->selection : all,
		       o->nr_selection ? o->nr_selection : 2, o->exclude_file,
		       err, sizeof(err)) < 0) {
		fprintf(stderr, "dmaptest: %s\n", err);
		return 2;
	}
	if (o->json)
		arr = json_object_new_array();
	for (i = 0; i < plan.nr; i++) {
		const struct dt_case *tc = plan.items[i].tcase;
		const char *const *g;

		if (tc == last)
			continue;
		last = tc;
		if (arr) {
			json_object_array_add(arr, case_decl_json(tc));
			continue;
		}
		printf("%-22s %s\n", tc->name, tc->desc);
		printf("%-22s groups:", "");
		for (g = tc->groups; g && *g; g++)
			printf(" %s", *g);
		if (plan.items[i].excluded)
			printf("  [%s]", plan.items[i].excluded);
		printf("\n");
		for (const struct dt_claim *c = tc->claims; c && c->id; c++)
			print_claim("", c);
		for (const struct dt_param_decl *d = tc->params; d && d->name;
		     d++)
			print_param("", d);
		for (const struct dt_variant *v = tc->variants; v && v->name; v++) {
			printf("%-22s   /%s: %s", "", v->name,
			       v->desc ? v->desc : "");
			for (g = v->groups; g && *g; g++)
				printf(" [+%s]", *g);
			for (unsigned int bit = 1; bit; bit <<= 1)
				if (v->needs_features & bit)
					printf(" [needs %s]", feature_name(bit));
			printf("\n");
			for (const struct dt_claim *c = v->claims; c && c->id;
			     c++)
				print_claim("  ", c);
			for (const struct dt_param_decl *d = v->params;
			     d && d->name; d++)
				print_param("  ", d);
		}
	}
	if (arr) {
		printf("%s\n", json_object_to_json_string_ext(arr,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(arr);
	}
	plan_free(&plan);
	return 0;
}
