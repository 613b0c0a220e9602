// SPDX-License-Identifier: GPL-2.0-or-later
/* conffile.c - parser for dmaptest's "key = value" configuration files */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conffile.h"
#include "util.h"

#define CONFIG_MAX_SIZE (1 << 20)

static int valid_key(const char *k)
{
	if (!*k)
		return 0;
	for (; *k; k++)
		if (!isalnum((unsigned char)*k) && *k != '-' && *k != '_')
			return 0;
	return 1;
}

int config_parse_text(const char *name, const char *text, config_fn fn,
		      void *arg, char *err, size_t errsz)
{
	char *copy = xstrdup(text), *line, *next;
	char msg[256];
	int lineno = 0, ret = 0;

	for (line = copy; line; line = next) {
		char *eq, *key, *value;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		line = strtrim(line);
		if (!*line || *line == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			snprintf(err, errsz, "%s:%d: expected 'key = value', got '%s'",
				 name, lineno, line);
			ret = -1;
			break;
		}
		*eq = '\0';
		key = strtrim(line);
		value = strtrim(eq + 1);
		if (!valid_key(key)) {
			snprintf(err, errsz, "%s:%d: invalid key '%s'", name,
				 lineno, key);
			ret = -1;
			break;
		}
		/* allow "value" quoting for values with leading spaces */
		if (value[0] == '"' && strlen(value) >= 2 &&
		    value[strlen(value) - 1] == '"') {
			value[strlen(value) - 1] = '\0';
			value++;
		}
		msg[0] = '\0';
		if (fn(key, value, arg, msg, sizeof(msg)) < 0) {
			snprintf(err, errsz, "%s:%d: %s", name, lineno, msg);
			ret = -1;
			break;
		}
	}
	free(copy);
	return ret;
}

int config_parse_file(const char *path, config_fn fn, void *arg,
		      char *err, size_t errsz)
{
	size_t len;
	char *text;
	int ret;

	text = read_file(path, CONFIG_MAX_SIZE, &len);
	if (!text) {
		snprintf(err, errsz, "cannot read config file %s: %s", path,
			 strerror(errno));
		return -1;
	}
	if (len == CONFIG_MAX_SIZE) {
		snprintf(err, errsz, "config file %s is too large", path);
		free(text);
		return -1;
	}
	if (memchr(text, '\0', len)) {
		snprintf(err, errsz, "config file %s is not a text file", path);
		free(text);
		return -1;
	}
	ret = config_parse_text(path, text, fn, arg, err, errsz);
	free(text);
	return ret;
}
