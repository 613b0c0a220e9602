// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_observe.c - the observer front end: picks a mapping backend, takes
 * snapshots around a workload, and judges read-only workloads.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dt_clock.h"
#include "dt_fmt.h"
#include "dt_fs.h"
#include "dt_obs_priv.h"
#include "dt_observe.h"

static const struct dt_map_backend *const map_backends[] = {
	&dt_map_counters,
	&dt_map_kprobe,
};

struct dt_obs *dt_obs_open(const struct dt_ctx *ctx)
{
	struct dt_obs *o = calloc(1, sizeof(*o));
	char why[DT_OBS_WHY];
	size_t i, pos = 0;

	if (!o)
		dt_brk("observer: out of memory");
	o->ctx = ctx;
	o->dir = ctx->workdir ? ctx->workdir : ".";
	if (dt_mount_root(o->dir, o->mount_root, sizeof(o->mount_root)) < 0)
		o->mount_root[0] = '\0';
	for (i = 0; i < sizeof(map_backends) / sizeof(map_backends[0]); i++) {
		const struct dt_map_backend *b = map_backends[i];

		/* the counters exist on dmapfs only: do not guess elsewhere */
		if (b == &dt_map_counters &&
		    !(ctx->features & DT_FEAT_COUNTERS)) {
			pos += snprintf(o->map_why + pos,
					sizeof(o->map_why) - pos,
					"%sdmapfs-counters: target has none",
					pos ? "; " : "");
			continue;
		}
		why[0] = '\0';
		if (!b->open(o, &o->map_priv, why, sizeof(why))) {
			o->map = b;
			break;
		}
		if (pos < sizeof(o->map_why))
			pos += snprintf(o->map_why + pos,
					sizeof(o->map_why) - pos, "%s%s",
					pos ? "; " : "", why);
	}
	if (pos >= sizeof(o->map_why))
		pos = sizeof(o->map_why) - 1;
	if (o->map) {
		snprintf(o->name, sizeof(o->name), "%s+alloc", o->map->name);
		dt_info("observer: %s (mapping counts from %s; allocation from st_blocks and statvfs)",
			o->name, o->map->name);
	} else {
		snprintf(o->name, sizeof(o->name), "alloc");
		dt_info("observer: alloc only: no mapping observer (%s); RW-mapping checks cannot be done, allocation checks can",
			o->map_why);
		dt_metric("observer.mapping", "none: %s", o->map_why);
	}
	dt_metric("observer", "%s", o->name);
	return o;
}

void dt_obs_close(struct dt_obs *o)
{
	if (!o)
		return;
	if (o->map && o->map->close)
		o->map->close(o, o->map_priv);
	o->map = NULL;
	dt_obs_untrack_all(o);
	free(o);
}

const char *dt_obs_name(const struct dt_obs *o)
{
	return o->name;
}

bool dt_obs_has_map(const struct dt_obs *o)
{
	return o->map != NULL;
}

int dt_obs_track(struct dt_obs *o, const char *path)
{
	char *p;

	if (o->nfiles >= DT_OBS_MAX_FILES)
		dt_brk("observer: more than %d tracked files",
		       DT_OBS_MAX_FILES);
	p = strdup(path);
	if (!p)
		dt_brk("observer: out of memory");
	o->files[o->nfiles++] = p;
	return 0;
}

void dt_obs_untrack_all(struct dt_obs *o)
{
	while (o->nfiles)
		free(o->files[--o->nfiles]);
	o->npids = 0;
}

void dt_obs_track_pid(struct dt_obs *o, pid_t pid)
{
	if (o->npids < DT_OBS_MAX_PIDS)
		o->pids[o->npids++] = pid;
}

int dt_obs_begin(struct dt_obs *o)
{
	char why[DT_OBS_WHY] = "";

	o->map0_ok = o->map && !o->map->snap(o, o->map_priv, &o->map0);
	o->blocks0_ok = !dt_obs_alloc_snap(o, o->blocks0, &o->used0, why,
					   sizeof(why));
	if (!o->blocks0_ok)
		dt_info("observer: allocation snapshot: %s", why);
	o->t0 = dt_now();
	return o->map0_ok || o->blocks0_ok ? 0 : -1;
}

static uint64_t grew(uint64_t a, uint64_t b)
{
	return b > a ? b - a : 0;
}

int dt_obs_end(struct dt_obs *o, struct dt_obs_delta *d)
{
	uint64_t blocks[DT_OBS_MAX_FILES], used;
	struct dt_map_count m;
	int i;

	memset(d, 0, sizeof(*d));
	d->secs = dt_now() - o->t0;
	/* allocation first: its sync also settles the mapping traffic */
	if (!o->blocks0_ok) {
		snprintf(d->blocks_why, sizeof(d->blocks_why),
			 "no snapshot before the workload");
	} else if (dt_obs_alloc_snap(o, blocks, &used, d->blocks_why,
				     sizeof(d->blocks_why)) < 0) {
		/* keep the why */
	} else {
		d->blocks_valid = true;
		for (i = 0; i < o->nfiles; i++)
			d->blocks += (int64_t)blocks[i] - (int64_t)o->blocks0[i];
		d->fs_used = (int64_t)used - (int64_t)o->used0;
		d->fs_private = o->ctx->features & DT_FEAT_SIZE_LIMITED;
	}

	if (!o->map) {
		snprintf(d->map_why, sizeof(d->map_why),
			 "no mapping observer: %s", o->map_why);
	} else if (!o->map0_ok || o->map->snap(o, o->map_priv, &m) < 0) {
		snprintf(d->map_why, sizeof(d->map_why),
			 "%s: snapshot failed", o->map->name);
	} else {
		d->map_valid = true;
		snprintf(d->map_backend, sizeof(d->map_backend), "%s",
			 o->map->name);
		d->map.setup_ro = grew(o->map0.setup_ro, m.setup_ro);
		d->map.setup_rw = grew(o->map0.setup_rw, m.setup_rw);
		d->map.upgrades = grew(o->map0.upgrades, m.upgrades);
		d->map.removes = grew(o->map0.removes, m.removes);
		d->map.enospc_early = grew(o->map0.enospc_early,
					   m.enospc_early);
		d->map.stalls = grew(o->map0.stalls, m.stalls);
		d->map.host_write_faults = grew(o->map0.host_write_faults,
						m.host_write_faults);
		d->map.sigbus = grew(o->map0.sigbus, m.sigbus);
		d->map.foreign = grew(o->map0.foreign, m.foreign);
		d->map.lossy = m.lossy;
		d->stalls_now = o->stalls_now;
	}
	return d->map_valid || d->blocks_valid ? 0 : -1;
}

void dt_obs_check_file(struct dt_obs *o, int fd, struct dt_obs_delta *d)
{
	char why[DT_OBS_WHY];

	if (!d->map_valid || !o->map->sees ||
	    !o->map->sees(o, o->map_priv, fd, why, sizeof(why)))
		return;
	d->map_valid = false;
	snprintf(d->map_why, sizeof(d->map_why), "%s", why);
}

void dt_obs_map_text(const struct dt_obs_delta *d, char *buf, size_t len)
{
	int n;

	if (!d->map_valid) {
		snprintf(buf, len, "RW-mapping check not done (%s)",
			 d->map_why);
		return;
	}
	n = snprintf(buf, len, "setup_ro=%" PRIu64 " setup_rw=%" PRIu64
		     " upgrades=%" PRIu64, d->map.setup_ro, d->map.setup_rw,
		     d->map.upgrades);
	if (n > 0 && (size_t)n < len && d->map.enospc_early)
		n += snprintf(buf + n, len - n, " enospc_early=%" PRIu64,
			      d->map.enospc_early);
	if (n > 0 && (size_t)n < len && d->map.stalls)
		n += snprintf(buf + n, len - n, " vcpu_stalls=%" PRIu64,
			      d->map.stalls);
	if (n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " (%s%s)", d->map_backend,
			 d->map.lossy ? ", trace buffer overran: counts are low" :
					"");
}

void dt_obs_metrics(const struct dt_obs_delta *d, const char *prefix)
{
	char k[128];

#define M(name, fmt, v) do { \
		snprintf(k, sizeof(k), "%s.%s", prefix, name); \
		dt_metric(k, fmt, v); \
	} while (0)
	if (d->map_valid) {
		M("setup_ro", "%" PRIu64, d->map.setup_ro);
		M("setup_rw", "%" PRIu64, d->map.setup_rw);
		M("upgrades", "%" PRIu64, d->map.upgrades);
		if (d->map.removes)
			M("removemappings", "%" PRIu64, d->map.removes);
		if (d->map.enospc_early)
			M("enospc_early", "%" PRIu64, d->map.enospc_early);
		if (d->map.stalls)
			M("vcpu_stalls", "%" PRIu64, d->map.stalls);
		if (d->map.foreign)
			M("foreign_setups", "%" PRIu64, d->map.foreign);
	} else {
		M("mapping", "%s", "not observed");
	}
	if (d->blocks_valid) {
		M("blocks_delta", "%" PRId64, d->blocks);
		M("fs_used_delta", "%" PRId64, d->fs_used);
	}
#undef M
}

enum dt_verdict dt_obs_judge_ro(const struct dt_obs_delta *d,
				const char *prefix, uint64_t fs_slack,
				char *sum, size_t len)
{
	char bad[512] = "", mapt[2 * DT_OBS_WHY], b1[DT_FMT_LEN],
	     b2[DT_FMT_LEN], sl[DT_FMT_LEN];
	size_t pos = 0;
	bool noise = false;

#define BAD(...) do { \
		if (pos < sizeof(bad)) \
			pos += snprintf(bad + pos, sizeof(bad) - pos, \
					"%s", pos ? "; " : ""); \
		if (pos < sizeof(bad)) \
			pos += snprintf(bad + pos, sizeof(bad) - pos, \
					__VA_ARGS__); \
	} while (0)
	dt_obs_metrics(d, prefix);
	if (d->map_valid) {
		if (d->map.setup_rw)
			BAD("%" PRIu64 " read-write mapping(s) for reads",
			    d->map.setup_rw);
		if (d->map.upgrades)
			BAD("%" PRIu64 " RO->RW upgrade(s) for reads",
			    d->map.upgrades);
		if (d->map.stalls)
			BAD("%" PRIu64 " host fault stall(s)", d->map.stalls);
	}
	if (d->blocks_valid) {
		if (d->blocks > 0)
			BAD("the files gained %s of host blocks",
			    dt_fmt_bytes(b1, sizeof(b1), d->blocks));
		/*
		 * Growth of the whole file system: on a host that is the
		 * target's own it is the workload's; on a shared one other
		 * writers add to it, so it fails only with the files' blocks.
		 */
		if (d->fs_used > 0 && (uint64_t)d->fs_used > fs_slack) {
			if (d->fs_private || d->blocks > 0)
				BAD("host used space grew by %s (slack %s)",
				    dt_fmt_bytes(b1, sizeof(b1), d->fs_used),
				    dt_fmt_bytes(sl, sizeof(sl), fs_slack));
			else
				noise = true;
		}
	}
#undef BAD
	dt_obs_map_text(d, mapt, sizeof(mapt));
	if (!d->map_valid && !d->blocks_valid) {
		snprintf(sum, len, "nothing could be measured: %s; %s", mapt,
			 d->blocks_why);
		return DT_ERROR;
	}
	if (noise) {
		char key[96];

		snprintf(key, sizeof(key), "warn.%s.fs_used_not_in_files",
			 prefix);
		dt_metric(key, "%" PRId64, d->fs_used);
		dt_info("WARN: %s: host used space grew by %" PRId64 " bytes, none of it in the files read (other writers on a shared host file system?)",
			prefix, d->fs_used);
	}
	if (d->blocks_valid)
		snprintf(sum, len, "%s%s%s; file blocks %s, host used %s%s",
			 bad, pos ? " -- " : "", mapt,
			 dt_fmt_delta(b1, sizeof(b1), d->blocks),
			 dt_fmt_delta(b2, sizeof(b2), d->fs_used),
			 noise ? " (not in the files: shared host)" : "");
	else
		snprintf(sum, len, "%s%s%s; allocation not measured (%s)",
			 bad, pos ? " -- " : "", mapt, d->blocks_why);
	return pos ? DT_FAIL : DT_PASS;
}
