/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conffile.h - "key = value" files, '#' comments, blank lines */
#ifndef DT_CONFFILE_H
#define DT_CONFFILE_H

#include <stddef.h>

/*
 * Call fn(key, value, arg) for each setting of the file at path (or of
 * the text, for config_parse_text). fn returns 0 or -1 with its message
 * in err. Errors are "path:line: what"; return -1 on the first.
 */
typedef int (*config_fn)(const char *key, const char *value, void *arg,
			 char *err, size_t errsz);

int config_parse_text(const char *name, const char *text, config_fn fn,
		      void *arg, char *err, size_t errsz);
int config_parse_file(const char *path, config_fn fn, void *arg,
		      char *err, size_t errsz);

#endif
