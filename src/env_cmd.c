// SPDX-License-Identifier: GPL-2.0-or-later
/* env_cmd.c - the "env" and "cleanup" commands */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounded.h"
#include "env.h"
#include "run.h"
#include "scratch.h"

int env_command(struct dt_opts *o)
{
	struct env_info e;
	char *json;

	if (o->dir) {
		struct stat st;

		if (stat(o->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "dmaptest: env: '%s' is not a directory\n",
				o->dir);
			return 2;
		}
	}
	env_probe(&e, o->dir);
	env_probe_host_log(&e, o->host_log);
	if (!o->json) {
		env_print_table(&e);
		return 0;
	}
	json = env_json(&e);
	printf("%s\n", json);
	free(json);
	return 0;
}

/*
 * Remove what dmaptest left on the mount: scratch folders, ballast and
 * probe files of runs that are gone, each only when its marker says it is
 * this user's and its runner is provably gone. Everything found is listed:
 * what was removed, and what was left and why.
 */
int cleanup_command(struct dt_opts *o)
{
	struct stat st;
	int ret;

	if (stat(o->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "dmaptest: cleanup: '%s' is not a directory\n",
			o->dir);
		return 2;
	}
	ret = scratch_reap(o->dir, stdout, "", true, 60.0);
	return ret ? 1 : 0;
}
