// SPDX-License-Identifier: GPL-2.0-or-later
/* results.c - run.json, junit.xml, tap and per-case result files */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "conffile.h"
#include "options.h"
#include "results.h"
#include "util.h"

int results_open(struct run_info *run, char *err, size_t errsz)
{
	char stamp[32], link_tmp[PATH_MAX + 16], link_path[PATH_MAX + 16];
	char abs[PATH_MAX];
	time_t secs = (time_t)run->start;
	struct tm tm;

	gmtime_r(&secs, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	run->id = xasprintf("%s-%d", stamp, (int)getpid());
	if (mkdir_p(run->results_dir, 0755) < 0) {
		snprintf(err, errsz, "cannot create results folder %s: %s",
			 run->results_dir, strerror(errno));
		return -1;
	}
	/* the path printed at the end must work from anywhere */
	if (!realpath(run->results_dir, abs)) {
		snprintf(err, errsz, "results folder %s: %s", run->results_dir,
			 strerror(errno));
		return -1;
	}
	snprintf(run->results_dir, sizeof(run->results_dir), "%s", abs);
	if (snprintf(run->dir, sizeof(run->dir), "%s/%s", run->results_dir,
		     run->id) >= (int)sizeof(run->dir) ||
	    mkdir(run->dir, 0755) < 0) {
		snprintf(err, errsz, "cannot create run folder %s: %s",
			 run->dir, strerror(errno));
		return -1;
	}
	/* results/latest -> <run-id>, replaced atomically */
	snprintf(link_tmp, sizeof(link_tmp), "%s/.latest.%d", run->results_dir,
		 (int)getpid());
	snprintf(link_path, sizeof(link_path), "%s/latest", run->results_dir);
	unlink(link_tmp);
	if (symlink(run->id, link_tmp) < 0 || rename(link_tmp, link_path) < 0) {
		unlink(link_tmp);
		snprintf(err, errsz, "cannot point %s at the run: %s", link_path,
			 strerror(errno));
		return -1;
	}
	run->status = "running";
	return results_update(run);
}

char *result_id(const struct dt_case *tc, const struct dt_variant *v,
		int iteration, int iterations)
{
	if (iterations > 1)
		return v ? xasprintf("%s/%s#%d", tc->name, v->name, iteration)
			 : xasprintf("%s#%d", tc->name, iteration);
	return v ? xasprintf("%s/%s", tc->name, v->name) : xstrdup(tc->name);
}

struct case_result *results_add(struct run_info *run,
				const struct dt_case *tc,
				const struct dt_variant *v, int iteration,
				int iterations)
{
	return results_add_id(run, tc, v, iteration,
			      result_id(tc, v, iteration, iterations));
}

struct case_result *results_add_id(struct run_info *run,
				   const struct dt_case *tc,
				   const struct dt_variant *v, int iteration,
				   char *id)
{
	struct case_result *r;
	char *dir;

	run->results = xrealloc(run->results,
				(run->nr_results + 1) * sizeof(*r));
	r = &run->results[run->nr_results++];
	memset(r, 0, sizeof(*r));
	r->tcase = tc;
	r->variant = v;
	r->iteration = iteration;
	r->id = id;
	/* folder name: '/' and '#' become '.' */
	dir = xstrdup(r->id);
	for (char *p = dir; *p; p++)
		if (*p == '/' || *p == '#')
			*p = '.';
	r->dir_name = dir;
	r->verdict = DT_ERROR;
	r->reason = xstrdup("not run");
	return r;
}

void result_add_metric(struct case_result *r, const char *key,
		       const char *value)
{
	int i;

	for (i = 0; i < r->nr_metrics; i++)
		if (!strcmp(r->metrics[i].key, key)) {
			free(r->metrics[i].value);
			r->metrics[i].value = xstrdup(value);
			return;
		}
	r->metrics = xrealloc(r->metrics, (r->nr_metrics + 1) *
				sizeof(*r->metrics));
	r->metrics[r->nr_metrics].key = xstrdup(key);
	r->metrics[r->nr_metrics].value = xstrdup(value);
	r->nr_metrics++;
}

struct claim_result *result_add_claim(struct case_result *r, const char *id,
				      const char *text, bool optional,
				      enum dt_claim_state state, int held,
				      int unmeasured, int failed,
				      const char *detail)
{
	struct claim_result *c;

	r->claims = xrealloc(r->claims, (r->nr_claims + 1) *
			     sizeof(*r->claims));
	c = &r->claims[r->nr_claims++];
	c->id = xstrdup(id);
	c->text = xstrdup(text ? text : id);
	c->optional = optional;
	c->state = state;
	c->held = held;
	c->unmeasured = unmeasured;
	c->failed = failed;
	c->detail = xstrdup(detail ? detail : "");
	c->needs = 0;
	c->out_of_scope = false;
	return c;
}

int results_case_path(struct run_info *run, struct case_result *r,
		      const char *name, char *out, size_t size)
{
	char dir[PATH_MAX];

	if (snprintf(dir, sizeof(dir), "%s/%s", run->dir, r->dir_name) >=
	    (int)sizeof(dir))
		return -1;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -1;
	if (!name)
		return snprintf(out, size, "%s", dir) >= (int)size ? -1 : 0;
	return path_join(out, size, dir, name);
}

/* "DAX-mmap, FUSE": the features in needs */
static void put_features(struct sbuf *sb, unsigned int needs)
{
	unsigned int bit;
	int n = 0;

	for (bit = 1; bit; bit <<= 1)
		if (needs & bit)
			sb_printf(sb, "%s%s", n++ ? ", " : "",
				  dt_feature_name(bit));
}

/*
 * "UNMEASURED (out of scope, needs DAX-mmap)", "UNMEASURED (optional)",
 * "HELD (needs DAX-mmap)": a claim's state as the records say it
 */
static char *claim_state_text(const struct claim_result *c)
{
	struct sbuf sb;

	sb_init(&sb);
	sb_puts(&sb, dt_claim_state_name(c->state));
	if (c->optional)
		sb_puts(&sb, " (optional)");
	if (c->needs) {
		sb_puts(&sb, c->out_of_scope ? " (out of scope, needs " :
					       " (needs ");
		put_features(&sb, c->needs);
		sb_putc(&sb, ')');
	}
	return sb.s;
}

/* key=value, one per line; values never contain a newline */
static void put_kv(struct sbuf *sb, const char *key, const char *value)
{
	sb_printf(sb, "%s=", key);
	for (; *value; value++)
		sb_putc(sb, *value == '\n' ? ' ' : *value);
	sb_putc(sb, '\n');
}

char *results_case_text(const struct case_result *r)
{
	char buf[64];
	struct sbuf sb;
	int i;

	sb_init(&sb);
	put_kv(&sb, "id", r->id);
	put_kv(&sb, "case", r->tcase->name);
	put_kv(&sb, "variant", r->variant ? r->variant->name : "");
	snprintf(buf, sizeof(buf), "%d", r->iteration);
	put_kv(&sb, "iteration", buf);
	put_kv(&sb, "verdict", dt_verdict_name(r->verdict));
	put_kv(&sb, "reason", r->reason);
	iso8601(r->start, buf, sizeof(buf));
	put_kv(&sb, "start", buf);
	snprintf(buf, sizeof(buf), "%.3f", r->duration);
	put_kv(&sb, "duration", buf);
	put_kv(&sb, "excluded", r->excluded ? "1" : "0");
	put_kv(&sb, "unkillable", r->unkillable ? "1" : "0");
	put_kv(&sb, "target_died", r->target_died ? "1" : "0");
	for (i = 0; i < r->nr_claims; i++) {
		const struct claim_result *c = &r->claims[i];
		char key[256], *v, *st = claim_state_text(c);

		/* claim.ro-only=HELD: reads set up only read-only mappings */
		snprintf(key, sizeof(key), "claim.%s", c->id);
		v = xasprintf("%s: %s", st, c->text);
		put_kv(&sb, key, v);
		free(v);
		free(st);
		snprintf(key, sizeof(key), "claim.%s.detail", c->id);
		put_kv(&sb, key, c->detail);
	}
	for (i = 0; i < r->nr_metrics; i++) {
		char key[256];

		snprintf(key, sizeof(key), "metric.%s", r->metrics[i].key);
		put_kv(&sb, key, r->metrics[i].value);
	}
	return sb.s;
}

void results_count(const struct run_info *run, int counts[DT_NR_VERDICTS],
		   int *excluded)
{
	int i;

	memset(counts, 0, sizeof(int) * DT_NR_VERDICTS);
	*excluded = 0;
	for (i = 0; i < run->nr_done; i++) {
		counts[run->results[i].verdict]++;
		if (run->results[i].excluded)
			(*excluded)++;
	}
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* ["DAX-mmap"] */
static json_object *features_json(unsigned int needs)
{
	json_object *a = json_object_new_array();
	unsigned int bit;

	for (bit = 1; bit; bit <<= 1)
		if (needs & bit)
			json_object_array_add(a, jstr(dt_feature_name(bit)));
	return a;
}

static json_object *case_json(const struct case_result *r)
{
	json_object *o = json_object_new_object(), *m;
	char buf[64];
	int i;

	json_object_object_add(o, "id", jstr(r->id));
	json_object_object_add(o, "case", jstr(r->tcase->name));
	json_object_object_add(o, "variant",
			       r->variant ? jstr(r->variant->name) : NULL);
	json_object_object_add(o, "iteration",
			       json_object_new_int(r->iteration));
	json_object_object_add(o, "verdict",
			       jstr(dt_verdict_name(r->verdict)));
	json_object_object_add(o, "reason", jstr(r->reason));
	iso8601(r->start, buf, sizeof(buf));
	json_object_object_add(o, "start", jstr(buf));
	json_object_object_add(o, "duration_s",
			       json_object_new_double(r->duration));
	json_object_object_add(o, "excluded",
			       json_object_new_boolean(r->excluded));
	json_object_object_add(o, "unkillable",
			       json_object_new_boolean(r->unkillable));
	json_object_object_add(o, "target_died",
			       json_object_new_boolean(r->target_died));
	json_object_object_add(o, "interrupted",
			       json_object_new_boolean(r->interrupted));
	json_object_object_add(o, "dir", jstr(r->dir_name));
	m = json_object_new_object();
	for (i = 0; i < r->nr_metrics; i++)
		json_object_object_add(m, r->metrics[i].key,
				       jstr(r->metrics[i].value));
	json_object_object_add(o, "metrics", m);
	m = json_object_new_array();
	for (i = 0; i < r->nr_claims; i++) {
		const struct claim_result *c = &r->claims[i];
		json_object *jc = json_object_new_object();

		json_object_object_add(jc, "id", jstr(c->id));
		json_object_object_add(jc, "text", jstr(c->text));
		json_object_object_add(jc, "optional",
				       json_object_new_boolean(c->optional));
		json_object_object_add(jc, "needs", features_json(c->needs));
		json_object_object_add(jc, "out_of_scope",
				       json_object_new_boolean(c->out_of_scope));
		json_object_object_add(jc, "state",
				       jstr(dt_claim_state_name(c->state)));
		json_object_object_add(jc, "detail", jstr(c->detail));
		json_object_object_add(jc, "held", json_object_new_int(c->held));
		json_object_object_add(jc, "unmeasured",
				       json_object_new_int(c->unmeasured));
		json_object_object_add(jc, "failed",
				       json_object_new_int(c->failed));
		json_object_array_add(m, jc);
	}
	json_object_object_add(o, "claims", m);
	return o;
}

static const char *jget_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int jget_int(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	       json_object_get_int(v) : 0;
}

void result_claims_from_json(struct case_result *r, json_object *jcase)
{
	json_object *a, *v;
	size_t i;

	if (!json_object_object_get_ex(jcase, "claims", &a) ||
	    !json_object_is_type(a, json_type_array))
		return;
	for (i = 0; i < json_object_array_length(a); i++) {
		json_object *jc = json_object_array_get_idx(a, i), *n;
		const char *id = jget_str(jc, "id");
		const char *st = jget_str(jc, "state");
		int state = st ? dt_claim_state_from_name(st) : -1;
		struct claim_result *c;
		size_t k;

		if (!id || state < 0)
			continue;
		c = result_add_claim(r, id, jget_str(jc, "text"),
				     json_object_object_get_ex(jc, "optional", &v) &&
				     json_object_get_boolean(v), state,
				     jget_int(jc, "held"),
				     jget_int(jc, "unmeasured"),
				     jget_int(jc, "failed"),
				     jget_str(jc, "detail"));
		if (json_object_object_get_ex(jc, "needs", &n) &&
		    json_object_is_type(n, json_type_array))
			for (k = 0; k < json_object_array_length(n); k++)
				c->needs |= dt_feature_from_name(
					json_object_get_string(
						json_object_array_get_idx(n, k)));
		c->out_of_scope = json_object_object_get_ex(jc, "out_of_scope",
							    &v) &&
				  json_object_get_boolean(v);
	}
}

static json_object *options_json(const struct dt_opts *o)
{
	json_object *j = json_object_new_object();

	if (!o)
		return j;
	json_object_object_add(j, "results_dir", jstr(o->results_dir));
	json_object_object_add(j, "exclude", jstr(o->exclude_file));
	json_object_object_add(j, "config", jstr(o->config_file));
	json_object_object_add(j, "timeout_mul",
			       json_object_new_double(o->timeout_mul));
	json_object_object_add(j, "runtime_mul",
			       json_object_new_double(o->runtime_mul));
	json_object_object_add(j, "iterations",
			       json_object_new_int(o->iterations));
	json_object_object_add(j, "target", jstr(o->target));
	json_object_object_add(j, "dir", jstr(o->dir));
	json_object_object_add(j, "grace", json_object_new_double(o->grace));
	json_object_object_add(j, "on_unkillable",
			       jstr(o->stop_on_unkillable ? "stop" :
							    "continue"));
	json_object_object_add(j, "kmsg", json_object_new_boolean(o->kmsg));
	json_object_object_add(j, "quick", json_object_new_boolean(o->quick));
	json_object_object_add(j, "baseline",
			       json_object_new_boolean(o->baseline));
	json_object_object_add(j, "observer", jstr(o->observer));
	json_object_object_add(j, "allow_fill",
			       json_object_new_boolean(o->allow_fill));
	if (o->nr_params) {
		json_object *p = json_object_new_array();

		for (int i = 0; i < o->nr_params; i++)
			json_object_array_add(p, jstr(o->params[i]));
		json_object_object_add(j, "params", p);
	}
	json_object_object_add(j, "verbose", json_object_new_int(o->verbose));
	return j;
}

char *results_run_json(const struct run_info *run)
{
	json_object *root = json_object_new_object(), *a, *k, *s;
	int counts[DT_NR_VERDICTS], excluded, i;
	struct utsname u;
	char buf[64];
	char *text;

	results_count(run, counts, &excluded);
	json_object_object_add(root, "tool", jstr("dmaptest"));
	json_object_object_add(root, "version", jstr(PACKAGE_VERSION));
	json_object_object_add(root, "run_id", jstr(run->id));
	json_object_object_add(root, "status", jstr(run->status));
	json_object_object_add(root, "ended",
			       json_object_new_boolean(strcmp(run->status,
							      "running")));
	iso8601(run->start, buf, sizeof(buf));
	json_object_object_add(root, "start", jstr(buf));
	if (run->end > 0) {
		iso8601(run->end, buf, sizeof(buf));
		json_object_object_add(root, "end", jstr(buf));
		json_object_object_add(root, "duration_s",
				       json_object_new_double(run->end -
							      run->start));
	} else {
		json_object_object_add(root, "end", NULL);
	}
	/* a string: JSON readers that hold numbers as doubles lose digits
	 * beyond 2^53, and a seed must be exact */
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)run->seed);
	json_object_object_add(root, "seed", jstr(buf));
	json_object_object_add(root, "error", jstr(run->error));
	a = json_object_new_array();
	for (i = 0; i < run->argc; i++)
		json_object_array_add(a, jstr(run->argv[i]));
	json_object_object_add(root, "command_line", a);
	json_object_object_add(root, "options", options_json(run->opts));
	/* what was asked for; a resumed run keeps the first run's */
	a = json_object_new_array();
	for (i = 0; i < run->nr_selection; i++)
		json_object_array_add(a, jstr(run->selection[i]));
	json_object_object_add(root, "selection", a);
	if (run->opts && run->opts->nr_labels) {
		json_object *l = json_object_new_object();

		for (i = 0; i < run->opts->nr_labels; i++) {
			const char *kv = run->opts->labels[i];
			const char *eq = strchr(kv, '=');
			char *key = strndup(kv, eq - kv);

			json_object_object_add(l, key, jstr(eq + 1));
			free(key);
		}
		json_object_object_add(root, "labels", l);
	}

	k = json_object_new_object();
	if (!uname(&u)) {
		json_object_object_add(k, "sysname", jstr(u.sysname));
		json_object_object_add(k, "release", jstr(u.release));
		json_object_object_add(k, "version", jstr(u.version));
		json_object_object_add(k, "machine", jstr(u.machine));
		json_object_object_add(root, "hostname", jstr(u.nodename));
	}
	json_object_object_add(root, "kernel", k);

	s = json_object_new_object();
	json_object_object_add(s, "dmaptest", jstr(PACKAGE_VERSION));
	json_object_object_add(s, "json-c", jstr(json_c_version()));
	json_object_object_add(root, "tools", s);

	if (run->target_json)
		json_object_object_add(root, "target",
				       json_tokener_parse(run->target_json));
	if (run->env_json)
		json_object_object_add(root, "env",
				       json_tokener_parse(run->env_json));
	json_object_object_add(root, "planned",
			       json_object_new_int(run->planned));
	a = json_object_new_array();
	for (i = 0; i < run->nr_plan; i++)
		json_object_array_add(a, jstr(run->plan_ids[i]));
	json_object_object_add(root, "plan", a);
	json_object_object_add(root, "current", jstr(run->current));

	s = json_object_new_object();
	for (i = 0; i < DT_NR_VERDICTS; i++)
		json_object_object_add(s, dt_verdict_name(i),
				       json_object_new_int(counts[i]));
	json_object_object_add(s, "excluded", json_object_new_int(excluded));
	json_object_object_add(s, "done",
			       json_object_new_int(run->nr_done));
	json_object_object_add(root, "summary", s);

	a = json_object_new_array();
	for (i = 0; i < run->nr_done; i++)
		json_object_array_add(a, case_json(&run->results[i]));
	json_object_object_add(root, "cases", a);

	text = xasprintf("%s\n", json_object_to_json_string_ext(root,
				JSON_C_TO_STRING_PRETTY |
				JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return text;
}

char *results_junit(const struct run_info *run)
{
	int counts[DT_NR_VERDICTS], excluded, i;
	struct sbuf sb;
	char ts[64];

	results_count(run, counts, &excluded);
	iso8601(run->start, ts, sizeof(ts));
	sb_init(&sb);
	sb_puts(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	sb_printf(&sb, "<testsuites name=\"dmaptest\" tests=\"%d\" "
		  "failures=\"%d\" errors=\"%d\" skipped=\"%d\">\n",
		  run->nr_done, counts[DT_FAIL] + counts[DT_HANG],
		  counts[DT_ERROR], counts[DT_SKIP]);
	sb_puts(&sb, "  <testsuite name=\"dmaptest\" ");
	sb_printf(&sb, "tests=\"%d\" failures=\"%d\" errors=\"%d\" "
		  "skipped=\"%d\" timestamp=\"%s\" time=\"%.3f\">\n",
		  run->nr_done, counts[DT_FAIL] + counts[DT_HANG],
		  counts[DT_ERROR], counts[DT_SKIP], ts,
		  (run->end > 0 ? run->end : now_real()) - run->start);
	sb_puts(&sb, "    <properties>\n");
	sb_printf(&sb, "      <property name=\"run_id\" value=\"%s\"/>\n",
		  run->id);
	sb_printf(&sb, "      <property name=\"seed\" value=\"%llu\"/>\n",
		  (unsigned long long)run->seed);
	sb_printf(&sb, "      <property name=\"status\" value=\"%s\"/>\n",
		  run->status);
	sb_puts(&sb, "    </properties>\n");

	for (i = 0; i < run->nr_done; i++) {
		const struct case_result *r = &run->results[i];
		const char *v = dt_verdict_name(r->verdict);
		int m;

		sb_puts(&sb, "    <testcase classname=\"dmaptest.");
		sb_put_xml(&sb, r->tcase->name);
		sb_puts(&sb, "\" name=\"");
		sb_put_xml(&sb, r->id);
		sb_printf(&sb, "\" time=\"%.3f\">\n", r->duration);
		switch (r->verdict) {
		case DT_SKIP:
			sb_puts(&sb, "      <skipped message=\"");
			sb_put_xml(&sb, r->reason);
			sb_puts(&sb, "\"/>\n");
			break;
		case DT_FAIL:
		case DT_HANG:
			sb_printf(&sb, "      <failure type=\"%s\" message=\"", v);
			sb_put_xml(&sb, r->reason);
			sb_puts(&sb, "\"/>\n");
			break;
		case DT_ERROR:
			sb_puts(&sb, "      <error type=\"ERROR\" message=\"");
			sb_put_xml(&sb, r->reason);
			sb_puts(&sb, "\"/>\n");
			break;
		default:
			break;
		}
		if (r->nr_metrics || r->nr_claims) {
			sb_puts(&sb, "      <properties>\n");
			for (m = 0; m < r->nr_claims; m++) {
				const struct claim_result *c = &r->claims[m];
				char *st = claim_state_text(c);

				sb_puts(&sb, "        <property name=\"claim.");
				sb_put_xml(&sb, c->id);
				sb_puts(&sb, "\" value=\"");
				sb_put_xml(&sb, st);
				sb_puts(&sb, ": ");
				free(st);
				sb_put_xml(&sb, c->text);
				if (c->detail[0]) {
					sb_puts(&sb, " -- ");
					sb_put_xml(&sb, c->detail);
				}
				sb_puts(&sb, "\"/>\n");
			}
			for (m = 0; m < r->nr_metrics; m++) {
				sb_puts(&sb, "        <property name=\"");
				sb_put_xml(&sb, r->metrics[m].key);
				sb_puts(&sb, "\" value=\"");
				sb_put_xml(&sb, r->metrics[m].value);
				sb_puts(&sb, "\"/>\n");
			}
			sb_puts(&sb, "      </properties>\n");
		}
		sb_puts(&sb, "      <system-out>");
		sb_put_xml(&sb, v);
		sb_puts(&sb, ": ");
		sb_put_xml(&sb, r->reason);
		for (m = 0; m < r->nr_claims; m++) {
			const struct claim_result *c = &r->claims[m];
			char *st = claim_state_text(c);

			sb_puts(&sb, "\nclaim ");
			sb_put_xml(&sb, c->id);
			sb_puts(&sb, " ");
			sb_put_xml(&sb, st);
			sb_puts(&sb, ": ");
			free(st);
			sb_put_xml(&sb, c->text);
			if (c->detail[0]) {
				sb_puts(&sb, ": ");
				sb_put_xml(&sb, c->detail);
			}
		}
		sb_puts(&sb, "</system-out>\n    </testcase>\n");
	}
	sb_puts(&sb, "  </testsuite>\n</testsuites>\n");
	return sb.s;
}

/* the reason on one line, without '#' confusing TAP parsers */
static void put_tap_text(struct sbuf *sb, const char *s)
{
	for (; *s; s++)
		sb_putc(sb, *s == '\n' ? ' ' : *s == '#' ? '_' : *s);
}

/* a YAML single-quoted scalar on one line */
static void put_yaml_str(struct sbuf *sb, const char *s)
{
	sb_putc(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_putc(sb, '\'');
		sb_putc(sb, *s == '\n' ? ' ' : *s);
	}
	sb_putc(sb, '\'');
}

static bool claims_reported(const struct case_result *r)
{
	int i;

	for (i = 0; i < r->nr_claims; i++)
		if (r->claims[i].state != DT_CLAIM_NONE)
			return true;
	return false;
}

/* a PASS that left a claim unmeasured (optional, or out of scope here) */
static bool claims_unmeasured(const struct case_result *r)
{
	int i;

	for (i = 0; i < r->nr_claims; i++)
		if (r->claims[i].state == DT_CLAIM_UNMEASURED)
			return true;
	return false;
}

char *results_tap_line(const struct case_result *r, int n)
{
	struct sbuf sb;
	bool ok = r->verdict == DT_PASS || r->verdict == DT_SKIP;
	int i;

	sb_init(&sb);
	sb_printf(&sb, "%s %d - %s", ok ? "ok" : "not ok", n, r->id);
	if (r->verdict == DT_SKIP) {
		sb_puts(&sb, " # SKIP ");
		put_tap_text(&sb, r->reason);
	} else if (!ok) {
		sb_printf(&sb, " # %s: ", dt_verdict_name(r->verdict));
		put_tap_text(&sb, r->reason);
	}
	sb_putc(&sb, '\n');
	/*
	 * TAP 13 YAML diagnostics: failures, skips of cases that ran, and
	 * passes that did not measure every claim (the reason says which)
	 */
	if (!ok || (r->verdict == DT_SKIP && claims_reported(r)) ||
	    (r->verdict == DT_PASS && claims_unmeasured(r))) {
		sb_puts(&sb, "  ---\n");
		sb_printf(&sb, "  verdict: %s\n", dt_verdict_name(r->verdict));
		sb_puts(&sb, "  reason: ");
		put_yaml_str(&sb, r->reason);
		sb_putc(&sb, '\n');
		if (r->nr_claims)
			sb_puts(&sb, "  claims:\n");
		for (i = 0; i < r->nr_claims; i++) {
			const struct claim_result *c = &r->claims[i];

			sb_printf(&sb, "    - id: %s\n      state: %s\n",
				  c->id, dt_claim_state_name(c->state));
			if (c->needs) {
				sb_puts(&sb, "      needs: ");
				put_features(&sb, c->needs);
				sb_printf(&sb, "\n      out_of_scope: %s\n",
					  c->out_of_scope ? "true" : "false");
			}
			sb_puts(&sb, "      text: ");
			put_yaml_str(&sb, c->text);
			sb_puts(&sb, "\n      detail: ");
			put_yaml_str(&sb, c->detail);
			sb_putc(&sb, '\n');
		}
		sb_printf(&sb, "  duration_s: %.3f\n", r->duration);
		sb_printf(&sb, "  results: %s\n", r->dir_name);
		sb_puts(&sb, "  ...\n");
	}
	return sb.s;
}

char *results_tap_head(const struct run_info *run)
{
	struct sbuf sb;

	sb_init(&sb);
	sb_puts(&sb, "TAP version 13\n");
	if (run->header) {
		/* one line, whatever the paths in it hold */
		sb_put_printable(&sb, run->header);
		sb_putc(&sb, '\n');
	}
	sb_printf(&sb, "1..%d\n", run->planned);
	return sb.s;
}

char *results_tap(const struct run_info *run)
{
	struct sbuf sb;
	char *head = results_tap_head(run);
	int i;

	sb_init(&sb);
	sb_puts(&sb, head);
	free(head);
	for (i = 0; i < run->nr_done; i++) {
		char *line = results_tap_line(&run->results[i], i + 1);

		sb_puts(&sb, line);
		free(line);
	}
	if (run->error) {
		sb_puts(&sb, "Bail out! ");
		put_tap_text(&sb, run->error);
		sb_putc(&sb, '\n');
	} else if (strcmp(run->status, "complete") &&
		   strcmp(run->status, "running")) {
		sb_printf(&sb, "Bail out! run %s\n", run->status);
	}
	return sb.s;
}

static int write_in_run(struct run_info *run, const char *name, char *text)
{
	char path[PATH_MAX + 32];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", run->dir, name);
	ret = write_file_atomic(path, text, strlen(text));
	free(text);
	return ret;
}

int results_update(struct run_info *run)
{
	int ret = 0;

	/* run.json last: it names the files as they now are */
	ret |= write_in_run(run, "tap", results_tap(run));
	ret |= write_in_run(run, "junit.xml", results_junit(run));
	ret |= write_in_run(run, "run.json", results_run_json(run));
	return ret;
}

int results_write_case(struct run_info *run, struct case_result *r)
{
	char path[PATH_MAX];
	char *text;
	int ret;

	/* cases finish in order: this one is the next done */
	if (run->nr_done < run->nr_results &&
	    &run->results[run->nr_done] == r)
		run->nr_done++;
	if (results_case_path(run, r, "result", path, sizeof(path)) < 0)
		return -1;
	text = results_case_text(r);
	ret = write_file_atomic(path, text, strlen(text));
	free(text);
	return ret | results_update(run);
}

void results_free(struct run_info *run)
{
	int i, m;

	for (i = 0; i < run->nr_results; i++) {
		struct case_result *r = &run->results[i];

		for (m = 0; m < r->nr_metrics; m++) {
			free(r->metrics[m].key);
			free(r->metrics[m].value);
		}
		free(r->metrics);
		for (m = 0; m < r->nr_claims; m++) {
			free(r->claims[m].id);
			free(r->claims[m].text);
			free(r->claims[m].detail);
		}
		free(r->claims);
		free(r->id);
		free(r->dir_name);
		free(r->reason);
	}
	free(run->results);
	for (i = 0; i < run->nr_plan; i++)
		free(run->plan_ids[i]);
	free(run->plan_ids);
	run->plan_ids = NULL;
	run->nr_plan = 0;
	for (i = 0; i < run->nr_selection; i++)
		free(run->selection[i]);
	free(run->selection);
	run->selection = NULL;
	run->nr_selection = 0;
	free(run->id);
	free(run->target_json);
	free(run->env_json);
	free(run->current);
	free(run->header);
	free(run->error);
	run->id = run->target_json = run->current = run->env_json = NULL;
	run->header = run->error = NULL;
	run->results = NULL;
	run->nr_results = run->nr_done = 0;
}
