// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_obs_counters.c - mapping backend "dmapfs-counters": the control file
 * .dmapfs at the root of a dmapfs mount ("key value" lines, then "map"
 * lines). Read-only use: snapshots are diffed, never reset, since other
 * readers may rely on the totals.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dt_dmapctl.h"
#include "dt_fs.h"
#include "dt_obs_priv.h"
#include "dt_observe.h"

#define CTL_MAX		(16u << 20)

struct counters_priv {
	char path[4200];
};

/* the mapping counts of the control file; -1 when keys lack */
int dt_counters_parse(const char *text, struct dt_map_count *c,
		      uint64_t *stalls_now)
{
	struct dt_ctl ctl;
	int ret = dt_ctl_parse_text(text, false, &ctl);

	memset(c, 0, sizeof(*c));
	*stalls_now = ctl.vcpu_stalls;
	c->setup_ro = ctl.setup_ro;
	c->setup_rw = ctl.setup_rw;
	c->upgrades = ctl.upgrades;
	c->removes = ctl.removemappings;
	c->enospc_early = ctl.enospc_early;
	c->stalls = ctl.vcpu_stalls_total;
	c->host_write_faults = ctl.host_write_faults;
	c->sigbus = ctl.sigbus;
	dt_ctl_free(&ctl);
	return ret;
}

static int counters_open(struct dt_obs *o, void **priv, char *why,
			 size_t len)
{
	struct counters_priv *p;
	struct dt_map_count c;
	uint64_t now;
	size_t n;
	char *text;

	if (!o->mount_root[0]) {
		snprintf(why, len, "mount root of %s not found", o->dir);
		return -1;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	dt_path(p->path, sizeof(p->path), o->mount_root, DT_CTL_NAME);
	text = dt_read_whole(p->path, CTL_MAX, &n);
	if (!text) {
		snprintf(why, len, "no dmapfs control file %s: %s", p->path,
			 strerror(errno));
		free(p);
		return -1;
	}
	if (dt_counters_parse(text, &c, &now) < 0) {
		snprintf(why, len, "%s lacks setup_ro/setup_rw/upgrades",
			 p->path);
		free(text);
		free(p);
		return -1;
	}
	free(text);
	*priv = p;
	return 0;
}

static int counters_snap(struct dt_obs *o, void *priv,
			 struct dt_map_count *c)
{
	struct counters_priv *p = priv;
	uint64_t now;
	size_t n;
	char *text = dt_read_whole(p->path, CTL_MAX, &n);
	int ret;

	if (!text)
		return -1;
	ret = dt_counters_parse(text, c, &now);
	o->stalls_now = now;
	free(text);
	return ret;
}

static int counters_sees(struct dt_obs *o, void *priv, int fd, char *why,
			 size_t len)
{
	return 0;	/* dmapfs counts every mapping of its mount */
}

/* the map lines of the file: exact, whenever it was made */
static long counters_live(struct dt_obs *o, void *priv, int i, char *why,
			  size_t len)
{
	char rel[4096];
	struct dt_ctl c;
	long n;

	if (dt_ctl_relpath(o->files[i], rel, sizeof(rel)) < 0) {
		snprintf(why, len, "dmapfs-counters: %s: %s", o->files[i],
			 strerror(errno));
		return -1;
	}
	if (dt_ctl_read(o->dir, &c) < 0) {
		snprintf(why, len, "dmapfs-counters: control file: %s",
			 strerror(errno));
		return -1;
	}
	n = dt_ctl_maps_of(&c, rel, DT_CTL_ANY, NULL, NULL, 0);
	dt_ctl_free(&c);
	return n;
}

static void counters_close(struct dt_obs *o, void *priv)
{
	free(priv);
}

const struct dt_map_backend dt_map_counters = {
	.name = "dmapfs-counters",
	.scope = DT_OBS_SCOPE_MOUNT,
	.removes = true,
	.open = counters_open,
	.snap = counters_snap,
	.sees = counters_sees,
	.live = counters_live,
	.close = counters_close,
};
