// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json_get - print one value of a JSON file, for the shell tests.
 *
 *   json_get FILE              exit 0 when FILE is valid JSON
 *   json_get FILE a.b.3.c      print the value (strings without quotes)
 *   json_get -n FILE a.b       print the length of an array or object
 *
 * Exit 1 when the path does not exist, 2 when FILE is not valid JSON.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_object *walk(json_object *o, char *path)
{
	char *save = NULL, *part;

	for (part = strtok_r(path, ".", &save); part && o;
	     part = strtok_r(NULL, ".", &save)) {
		json_object *next = NULL;

		if (json_object_is_type(o, json_type_array)) {
			char *end;
			long i = strtol(part, &end, 10);

			if (*end || i < 0 ||
			    (size_t)i >= json_object_array_length(o))
				return NULL;
			next = json_object_array_get_idx(o, i);
		} else if (!json_object_object_get_ex(o, part, &next)) {
			return NULL;
		}
		o = next;
		if (!o)
			return NULL;
	}
	return o;
}

int main(int argc, char **argv)
{
	int want_len = argc > 1 && !strcmp(argv[1], "-n");
	json_object *root, *v;
	char *path;

	if (argc - want_len < 2 || argc - want_len > 3) {
		fprintf(stderr, "usage: json_get [-n] FILE [PATH]\n");
		return 2;
	}
	root = json_object_from_file(argv[1 + want_len]);
	if (!root) {
		fprintf(stderr, "json_get: %s: not valid JSON\n",
			argv[1 + want_len]);
		return 2;
	}
	if (argc - want_len == 2)
		return 0;
	path = argv[2 + want_len];
	v = walk(root, path);
	if (!v && strcmp(path, "") &&
	    !json_object_object_get_ex(root, path, NULL)) {
		json_object_put(root);
		return 1;
	}
	if (want_len)
		printf("%zu\n", json_object_is_type(v, json_type_array) ?
		       json_object_array_length(v) :
		       (size_t)json_object_object_length(v));
	else if (json_object_is_type(v, json_type_string))
		printf("%s\n", json_object_get_string(v));
	else
		printf("%s\n", v ? json_object_to_json_string(v) : "null");
	json_object_put(root);
	return 0;
}
