// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_fiojson.c - find and parse fio's JSON output (dt_fio.h) with json-c.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_fio.h"

int dt_fio_next_object(const char *text, size_t len, size_t from,
		       size_t *start, size_t *end)
{
	size_t i;

	for (i = from; i < len; i++) {
		size_t j;
		int depth = 0;
		bool in_str = false, esc = false;

		if (text[i] != '{' || (i > 0 && text[i - 1] != '\n'))
			continue;
		for (j = i; j < len; j++) {
			char c = text[j];

			if (in_str) {
				if (esc)
					esc = false;
				else if (c == '\\')
					esc = true;
				else if (c == '"')
					in_str = false;
				continue;
			}
			if (c == '"') {
				in_str = true;
			} else if (c == '{' && j > i && text[j - 1] == '\n') {
				/* a new object at a line start: the one
				 * before was stray text with a brace */
				break;
			} else if (c == '{') {
				depth++;
			} else if (c == '}' && --depth == 0) {
				*start = i;
				*end = j + 1;
				return 0;
			}
		}
		if (j == len)
			return -1;	/* not complete (yet) */
		i = j - 1;	/* go on from the new object */
	}
	return -1;
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static double num(json_object *o, const char *key)
{
	json_object *v = get(o, key);

	return v ? json_object_get_double(v) : 0;
}

static void parse_dir(json_object *d, struct dt_fio_dir *out)
{
	json_object *pct = get(get(d, "clat_ns"), "percentile");
	json_object *p50 = get(pct, "50.000000"), *p99 = get(pct, "99.000000");

	memset(out, 0, sizeof(*out));
	if (!d)
		return;
	out->io_bytes = (uint64_t)json_object_get_int64(get(d, "io_bytes"));
	out->bw_kib = num(d, "bw");
	out->iops = num(d, "iops");
	if (p50 && p99) {
		out->have_pct = true;
		out->clat_p50_us = json_object_get_double(p50) / 1000.0;
		out->clat_p99_us = json_object_get_double(p99) / 1000.0;
	}
}

int dt_fio_parse(const char *json, size_t len, struct dt_fio_result *r,
		 char *why, size_t wlen)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *root, *jobs, *ver;
	size_t i, n;

	memset(r, 0, sizeof(*r));
	if (!tok) {
		snprintf(why, wlen, "out of memory");
		return -1;
	}
	root = json_tokener_parse_ex(tok, json, (int)len);
	if (!root) {
		snprintf(why, wlen, "not JSON: %s",
			 json_tokener_error_desc(json_tokener_get_error(tok)));
		json_tokener_free(tok);
		return -1;
	}
	json_tokener_free(tok);
	jobs = get(root, "jobs");
	if (!jobs || !json_object_is_type(jobs, json_type_array)) {
		snprintf(why, wlen, "no \"jobs\" array");
		json_object_put(root);
		return -1;
	}
	ver = get(root, "fio version");
	if (ver)
		snprintf(r->version, sizeof(r->version), "%s",
			 json_object_get_string(ver));
	n = json_object_array_length(jobs);
	r->jobs = calloc(n ? n : 1, sizeof(*r->jobs));
	if (!r->jobs) {
		snprintf(why, wlen, "out of memory");
		json_object_put(root);
		return -1;
	}
	for (i = 0; i < n; i++) {
		json_object *j = json_object_array_get_idx(jobs, i);
		struct dt_fio_job *o = &r->jobs[i];
		json_object *name = get(j, "jobname");

		snprintf(o->name, sizeof(o->name), "%s",
			 name ? json_object_get_string(name) : "?");
		o->error = (int)json_object_get_int(get(j, "error"));
		parse_dir(get(j, "read"), &o->rd);
		parse_dir(get(j, "write"), &o->wr);
		r->io_bytes += o->rd.io_bytes + o->wr.io_bytes;
	}
	r->njobs = (int)n;
	json_object_put(root);
	return 0;
}

int dt_fio_parse_last(const char *text, size_t len, struct dt_fio_result *r,
		      char *why, size_t wlen)
{
	size_t from = 0, s, e, ls = 0, le = 0;
	bool found = false;

	while (!dt_fio_next_object(text, len, from, &s, &e)) {
		struct dt_fio_result t;
		char w[128];

		/* only objects that parse count (a stray "{" line does not) */
		if (!dt_fio_parse(text + s, e - s, &t, w, sizeof(w))) {
			dt_fio_result_free(&t);
			ls = s;
			le = e;
			found = true;
			from = e;
		} else {
			from = s + 1;
		}
	}
	if (!found) {
		snprintf(why, wlen, "no complete fio JSON object in %zu bytes of output",
			 len);
		memset(r, 0, sizeof(*r));
		return -1;
	}
	return dt_fio_parse(text + ls, le - ls, r, why, wlen);
}

void dt_fio_result_free(struct dt_fio_result *r)
{
	free(r->jobs);
	r->jobs = NULL;
	r->njobs = 0;
}
