// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_obs_tracepoint.c - mapping backend "tracepoint": the fuse_dax
 * tracepoints of patches/linux-6.1/0002 in a private tracefs instance,
 *
 *   fuse_dax:fuse_dax_setup_mapping  dev ino idx window_offset writable
 *                                    upgrade error
 *   fuse_dax:fuse_dax_remove_mapping dev ino idx window_offset writable
 *                                    error
 *
 * counted for the case (dt_tracefs.h: its process tree, its files by
 * inode, so the kworker's reclaims of its mappings count too). It counts
 * removals, and so knows how many mappings a file has at any time. Also
 * the accounting of trace_pipe lines both kernel backends share.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dt_case.h"
#include "dt_fs.h"
#include "dt_obs_priv.h"
#include "dt_observe.h"
#include "dt_tracefs.h"

#define TP_SYSTEM	"fuse_dax"
#define TP_SETUP	"fuse_dax_setup_mapping"
#define TP_REMOVE	"fuse_dax_remove_mapping"
#define TP_BUF_KB	16384

/* --- accounting, shared with the kprobe backend --- */

static struct dt_kino *kino(struct dt_kacct *a, dev_t dev, ino_t ino,
			    bool add)
{
	struct dt_kino *n;
	int i;

	for (i = a->ninos - 1; i >= 0; i--)
		if (a->inos[i].ino == ino && a->inos[i].dev == dev)
			return &a->inos[i];
	if (!add)
		return NULL;
	if (a->ninos == a->cap) {
		n = realloc(a->inos, (a->cap ? 2 * a->cap : 64) * sizeof(*n));
		if (!n)
			return NULL;
		a->inos = n;
		a->cap = a->cap ? 2 * a->cap : 64;
	}
	n = &a->inos[a->ninos++];
	n->dev = dev;
	n->ino = ino;
	n->live = 0;
	return n;
}

static bool tracked(dev_t dev, ino_t ino, const dev_t *devs,
		    const ino_t *inos, int nfiles)
{
	int i;

	for (i = 0; i < nfiles; i++)
		if (inos[i] == ino && devs[i] == dev)
			return true;
	return false;
}

void dt_kacct_line(struct dt_kacct *a, const char *line, const dev_t *devs,
		   const ino_t *inos, int nfiles)
{
	struct dt_trace_line tl;
	bool setup, ours, has_ino;
	long long w, u, err, ino;
	struct dt_kino *k;
	dev_t dev;

	if (dt_trace_parse_line(line, &tl) < 0)
		return;
	a->lines++;
	if (dt_ptree_fork(&a->tree, &tl))
		return;
	setup = !strcmp(tl.event, TP_SETUP) || !strcmp(tl.event, "setup");
	if (!setup && strcmp(tl.event, TP_REMOVE))
		return;
	ino = dt_trace_field(tl.fields, "ino");
	dev = dt_trace_dev(tl.fields);
	has_ino = ino >= 0;
	if (has_ino && a->skip_ino && (ino_t)ino == a->skip_ino &&
	    dev == a->skip_dev) {
		a->c.foreign++;
		return;
	}
	ours = dt_ptree_owns(&a->tree, &tl) ||
	       (has_ino && tracked(dev, ino, devs, inos, nfiles));
	if (!setup) {
		/*
		 * the case's by its inode, whoever removes it (a reclaim by
		 * the kworker); an inline reclaim by the case of another's
		 * range is not (the host log counts the same). Without the
		 * inode, by the process.
		 */
		k = has_ino ? kino(a, dev, ino, false) : NULL;
		if (k && k->live > 0)
			k->live--;
		if (has_ino ? k || tracked(dev, ino, devs, inos, nfiles) : ours)
			a->c.removes++;
		else
			a->c.foreign++;
		if (has_ino && tracked(dev, ino, devs, inos, nfiles))
			a->c.tracked_removes++;
		return;
	}
	if (!ours) {
		a->c.foreign++;
		return;
	}
	if (dt_trace_field_get(tl.fields, "error", &err) && err) {
		a->c.setup_errors++;
		return;
	}
	w = dt_trace_field(tl.fields, "writable");
	u = dt_trace_field(tl.fields, "upgrade");
	if (!w)
		a->c.setup_ro++;
	else if (u > 0)
		a->c.upgrades++;
	else
		a->c.setup_rw++;
	/* an upgrade maps the same range again: no new mapping */
	if (has_ino && u <= 0) {
		k = kino(a, dev, ino, true);
		if (k)
			k->live++;
	}
}

long dt_kacct_live(const struct dt_kacct *a, dev_t dev, ino_t ino)
{
	int i;

	for (i = a->ninos - 1; i >= 0; i--)
		if (a->inos[i].ino == ino && a->inos[i].dev == dev)
			return a->inos[i].live;
	return 0;
}

void dt_kacct_free(struct dt_kacct *a)
{
	dt_ptree_free(&a->tree);
	free(a->inos);
	memset(a, 0, sizeof(*a));
}

int dt_obs_kernel_sees(const char *backend, int fd, char *why, size_t len)
{
	int dax = dt_is_dax(fd);

	if (dax == 1)
		return 0;
	snprintf(why, len, "%s: the file is not DAX-mapped (%s), so the kernel sets up no mappings for it",
		 backend, dax == 0 ? "statx: no STATX_ATTR_DAX" :
				     "statx cannot tell");
	return -1;
}

/* --- the backend --- */

struct tp_priv {
	struct dt_tracefs tf;
	struct dt_kacct acct;
	struct dt_obs *o;
};

static void tp_line(const char *line, void *arg)
{
	struct tp_priv *p = arg;

	dt_kacct_line(&p->acct, line, p->o->devs, p->o->inos, p->o->nfiles);
}

static void tp_drain(struct dt_obs *o, struct tp_priv *p)
{
	int i;

	p->o = o;
	p->acct.skip_dev = o->self_dev;
	p->acct.skip_ino = o->self_ino;
	for (i = 0; i < o->npids; i++)
		dt_ptree_add(&p->acct.tree, o->pids[i]);
	dt_tracefs_drain(&p->tf, tp_line, p);
}

static void tp_close(struct dt_obs *o, void *priv)
{
	struct tp_priv *p = priv;

	if (!p)
		return;
	dt_tracefs_close(&p->tf);
	dt_kacct_free(&p->acct);
	free(p);
}

static int tp_open(struct dt_obs *o, void **priv, char *why, size_t len)
{
	struct tp_priv *p = calloc(1, sizeof(*p));
	char root[64], path[256], err[200];

	if (!p) {
		snprintf(why, len, "tracepoint: out of memory");
		return -1;
	}
	p->tf.pipe_fd = -1;
	if (dt_tracefs_find(root, sizeof(root), err, sizeof(err)) < 0) {
		snprintf(why, len, "tracepoint: %s", err);
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/events/" TP_SYSTEM "/" TP_SETUP,
		 root);
	if (access(path, F_OK)) {
		snprintf(why, len, "tracepoint: no " TP_SYSTEM ":" TP_SETUP " event (a fuse without patches/linux-6.1/0002, or not loaded)");
		goto fail;
	}
	dt_tracefs_reap(root);
	if (dt_tracefs_open(&p->tf, root, TP_BUF_KB, err, sizeof(err)) < 0 ||
	    dt_tracefs_enable(&p->tf, TP_SYSTEM, TP_SETUP, err,
			      sizeof(err)) < 0 ||
	    dt_tracefs_enable(&p->tf, TP_SYSTEM, TP_REMOVE, err,
			      sizeof(err)) < 0) {
		snprintf(why, len, "tracepoint: %s", err);
		goto fail;
	}
	dt_ptree_add(&p->acct.tree, o->root_pid);
	dt_info("tracepoint observer: " TP_SYSTEM " events in instance %s",
		p->tf.name);
	*priv = p;
	return 0;
fail:
	tp_close(o, p);
	return -1;
}

static int tp_snap(struct dt_obs *o, void *priv, struct dt_map_count *c)
{
	struct tp_priv *p = priv;

	tp_drain(o, p);
	*c = p->acct.c;
	c->lossy = dt_tracefs_overran(&p->tf);
	return 0;
}

static void tp_poll(struct dt_obs *o, void *priv)
{
	tp_drain(o, priv);
}

static int tp_sees(struct dt_obs *o, void *priv, int fd, char *why,
		   size_t len)
{
	return dt_obs_kernel_sees("tracepoint", fd, why, len);
}

static long tp_live(struct dt_obs *o, void *priv, int i, char *why,
		    size_t len)
{
	struct tp_priv *p = priv;

	if (!o->inos[i]) {
		snprintf(why, len, "tracepoint: %s is not there", o->files[i]);
		return -1;
	}
	tp_drain(o, p);
	if (dt_tracefs_overran(&p->tf)) {
		snprintf(why, len, "tracepoint: events lost (trace buffer overran)");
		return -1;
	}
	return dt_kacct_live(&p->acct, o->devs[i], o->inos[i]);
}

const struct dt_map_backend dt_map_tracepoint = {
	.name = "tracepoint",
	.scope = DT_OBS_SCOPE_CASE,
	.removes = true,
	.kernel = true,
	.open = tp_open,
	.snap = tp_snap,
	.sees = tp_sees,
	.live = tp_live,
	.poll = tp_poll,
	.close = tp_close,
};
