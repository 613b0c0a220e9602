// SPDX-License-Identifier: GPL-2.0-or-later
/* env_cmd.c - the "env" and "cleanup" commands */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounded.h"
#include "env.h"
#include "run.h"

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
 * Remove what dmaptest left under the mount: scratch folders of runners
 * that are gone (with any ballast in them) and probe files. Folders of
 * a runner that still runs are left alone, and said so.
 */
int cleanup_command(struct dt_opts *o)
{
	char path[4352];
	struct dirent *de;
	int removed = 0, busy = 0, failed = 0, pid;
	DIR *d = opendir(o->dir);

	if (!d) {
		fprintf(stderr, "dmaptest: cleanup: %s: %s\n", o->dir,
			strerror(errno));
		return 2;
	}
	while ((de = readdir(d))) {
		bool scratch = sscanf(de->d_name, "dmaptest.%d.", &pid) == 1;

		if (!scratch && strncmp(de->d_name, ".dmaptest-", 10))
			continue;
		snprintf(path, sizeof(path), "%s/%s", o->dir, de->d_name);
		if (scratch && (kill(pid, 0) == 0 || errno != ESRCH)) {
			printf("in use by a running dmaptest (pid %d): %s\n",
			       pid, path);
			busy++;
			continue;
		}
		if (remove_tree_bounded(path, 60.0) != 0) {
			printf("could not remove: %s\n", path);
			failed++;
			continue;
		}
		printf("removed: %s\n", path);
		removed++;
	}
	closedir(d);
	printf("%d removed, %d in use, %d failed\n", removed, busy, failed);
	return failed ? 1 : 0;
}
