// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * target_dir.c - any directory as the target: a marked scratch folder
 * under --dir (or the runner's own scratch folder), removed at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "bounded.h"
#include "dt_case.h"
#include "env.h"
#include "options.h"
#include "scratch.h"
#include "target.h"
#include "util.h"

struct dir_priv {
	struct scratch scratch;	/* on --dir PATH; empty: the runner's own */
};

static int dir_setup(struct dt_target *t, const struct dt_opts *o,
		     char *err, size_t errsz)
{
	struct dir_priv *p = xcalloc(1, sizeof(*p));
	struct env_info env;
	struct stat st;

	p->scratch.lock_fd = -1;
	t->priv = p;
	if (o->dir) {
		if (stat(o->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			snprintf(err, errsz, "dir target: '%s' is not a directory",
				 o->dir);
			return -1;
		}
		if (access(o->dir, W_OK | X_OK)) {
			snprintf(err, errsz, "dir target: cannot write in '%s': %s",
				 o->dir, strerror(errno));
			return -1;
		}
		/*
		 * The cases must run on that file system: a scratch folder
		 * on it, marked and 0700 like the runner's own, after what
		 * runs that are gone left there.
		 */
		scratch_reap(o->dir, stderr, "dmaptest: ", false, 60.0);
		if (scratch_create(&p->scratch, o->dir, err, errsz) < 0)
			return -1;
		snprintf(t->root, sizeof(t->root), "%s", p->scratch.path);
	} else {
		snprintf(t->root, sizeof(t->root), "%s", t->local);
	}
	/* probe inside our own folder: nothing else on the mount is touched */
	env_probe(&env, t->root);
	env_probe_host_log(&env, o->host_log);
	t->features = 0;
	if (env.fuse)
		t->features |= DT_FEAT_FUSE;
	if (env.obs_counters)	/* a dmapfs mount */
		t->features |= DT_FEAT_COUNTERS;
	if (!env.no_dax_reason[0])
		t->features |= DT_FEAT_DAX;
	t->features |= target_dax_mmap(t->root, env.obs_counters,
				       !env.no_dax_reason[0]);
	snprintf(t->no_dax_reason, sizeof(t->no_dax_reason), "%s",
		 env.no_dax_reason);
	t->env_json = env_json(&env);
	if (o->allow_fill)
		t->features |= DT_FEAT_FILL;
	return 0;
}

static int dir_check(struct dt_target *t, char *why, size_t size)
{
	if (access(t->root, W_OK | X_OK)) {
		snprintf(why, size, "%s: %s", t->root, strerror(errno));
		return -1;
	}
	return 0;
}

static void dir_teardown(struct dt_target *t)
{
	struct dir_priv *p = t->priv;

	/* the runner emptied it (bounded); the folder and its marker go */
	if (p && p->scratch.path[0])
		scratch_remove(&p->scratch, 30.0);
	free(p);
	t->priv = NULL;
}

static char *dir_describe(struct dt_target *t)
{
	json_object *o = json_object_new_object();
	char *s;

	json_object_object_add(o, "name", json_object_new_string("dir"));
	json_object_object_add(o, "root", json_object_new_string(t->root));
	json_object_object_add(o, "fuse", json_object_new_boolean(
				       t->features & DT_FEAT_FUSE));
	json_object_object_add(o, "dax_mmap", json_object_new_boolean(
				       t->features & DT_FEAT_DAX_MMAP));
	s = xstrdup(json_object_to_json_string(o));
	json_object_put(o);
	return s;
}

const struct dt_target_ops dt_target_dir = {
	.version = DT_TARGET_OPS_VERSION,
	.name = "dir",
	.setup = dir_setup,
	.check = dir_check,
	.teardown = dir_teardown,
	.describe = dir_describe,
};
