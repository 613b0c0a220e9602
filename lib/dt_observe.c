// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_observe.c - the observer front end: picks the mapping backends,
 * takes snapshots around a workload, and judges read-only workloads on
 * the case's claims.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt_clock.h"
#include "dt_fmt.h"
#include "dt_fs.h"
#include "dt_obs_priv.h"
#include "dt_observe.h"

/* in order of preference; a new backend is one more line */
static const struct dt_map_backend *const map_backends[] = {
	&dt_map_counters,
	&dt_map_tracepoint,
	&dt_map_hostlog,
	&dt_map_kprobe,
};

#define NR_BACKENDS (sizeof(map_backends) / sizeof(map_backends[0]))

const char *dt_obs_backend_name(int i)
{
	if (i < 0 || (size_t)i >= NR_BACKENDS)
		return NULL;
	return map_backends[i]->name;
}

static void add_why(struct dt_obs *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_why(struct dt_obs *o, const char *fmt, ...)
{
	size_t pos = strlen(o->map_why);
	va_list ap;

	if (pos + 3 >= sizeof(o->map_why))
		return;
	if (pos)
		pos += snprintf(o->map_why + pos, sizeof(o->map_why) - pos,
				"; ");
	va_start(ap, fmt);
	vsnprintf(o->map_why + pos, sizeof(o->map_why) - pos, fmt, ap);
	va_end(ap);
}

static void try_backend(struct dt_obs *o, const struct dt_map_backend *b)
{
	unsigned int f = o->ctx->features;
	char why[DT_OBS_WHY] = "";
	void *priv = NULL;

	if (o->nmaps >= DT_OBS_MAX_MAPS)
		return;
	/* the counters exist on dmapfs only: do not guess elsewhere */
	if (b == &dt_map_counters && !(f & DT_FEAT_COUNTERS)) {
		add_why(o, "%s: the target has none", b->name);
		return;
	}
	if (b->kernel && (f & DT_FEAT_COUNTERS)) {
		add_why(o, "%s: dmapfs maps in user space, the kernel sets up no DAX mapping",
			b->name);
		return;
	}
	if (b->kernel && !(f & DT_FEAT_DAX)) {
		add_why(o, "%s: the target has no DAX", b->name);
		return;
	}
	if (b->open(o, &priv, why, sizeof(why)) < 0) {
		add_why(o, "%s", why[0] ? why : b->name);
		return;
	}
	o->maps[o->nmaps].b = b;
	o->maps[o->nmaps].priv = priv;
	o->nmaps++;
}

/* "--observer kprobe,tracepoint": those, in that order */
static void open_named(struct dt_obs *o, const char *list)
{
	char buf[256], *tok, *save = NULL;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < NR_BACKENDS; i++)
			if (!strcmp(map_backends[i]->name, tok))
				break;
		if (i == NR_BACKENDS)
			add_why(o, "%s: no such observer", tok);
		else
			try_backend(o, map_backends[i]);
	}
}

struct dt_obs *dt_obs_open(const struct dt_ctx *ctx)
{
	struct dt_obs *o = calloc(1, sizeof(*o));
	const char *sel = ctx->observer ? ctx->observer : "auto";
	size_t i, pos;
	int k;

	if (!o)
		dt_brk("observer: out of memory");
	o->ctx = ctx;
	o->root_pid = getpid();
	o->dir = ctx->workdir ? ctx->workdir : ".";
	if (dt_mount_root(o->dir, o->mount_root, sizeof(o->mount_root)) < 0)
		o->mount_root[0] = '\0';
	if (ctx->host_log) {
		struct stat st;

		if (!stat(ctx->host_log, &st)) {
			o->self_dev = st.st_dev;
			o->self_ino = st.st_ino;
		}
	}
	if (!strcmp(sel, "none"))
		add_why(o, "no mapping observer wanted (--observer none)");
	else if (!strcmp(sel, "auto"))
		for (i = 0; i < NR_BACKENDS; i++)
			try_backend(o, map_backends[i]);
	else
		open_named(o, sel);

	if (!o->nmaps) {
		snprintf(o->name, sizeof(o->name), "alloc");
		dt_info("observer: alloc only: no mapping observer (%s); mapping claims cannot be measured, allocation claims can",
			o->map_why);
		dt_metric("observer.mapping", "none: %s", o->map_why);
		dt_metric("observer", "%s", o->name);
		return o;
	}
	pos = snprintf(o->name, sizeof(o->name), "%s+alloc", o->maps[0].b->name);
	for (k = 1; k < o->nmaps && pos < sizeof(o->name); k++)
		pos += snprintf(o->name + pos, sizeof(o->name) - pos,
				"%s%s%s", k == 1 ? " (and " : ", ",
				o->maps[k].b->name, k == o->nmaps - 1 ? ")" : "");
	dt_info("observer: %s (mapping counts from %s; allocation from st_blocks and statvfs)%s%s",
		o->name, o->maps[0].b->name, o->map_why[0] ? "; not used: " : "",
		o->map_why);
	dt_metric("observer", "%s", o->name);
	return o;
}

void dt_obs_close(struct dt_obs *o)
{
	int k;

	if (!o)
		return;
	for (k = 0; k < o->nmaps; k++)
		if (o->maps[k].b->close)
			o->maps[k].b->close(o, o->maps[k].priv);
	o->nmaps = 0;
	dt_obs_untrack_all(o);
	free(o);
}

const char *dt_obs_name(const struct dt_obs *o)
{
	return o->name;
}

bool dt_obs_has_map(const struct dt_obs *o)
{
	return o->nmaps > 0;
}

const char *dt_obs_why(const struct dt_obs *o)
{
	return o->map_why;
}

/* dev and inode of tracked file i, when it is there */
static void resolve(struct dt_obs *o, int i)
{
	struct stat st;

	if (stat(o->files[i], &st) < 0)
		return;
	o->devs[i] = st.st_dev;
	o->inos[i] = st.st_ino;
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
	o->files[o->nfiles] = p;
	o->devs[o->nfiles] = 0;
	o->inos[o->nfiles] = 0;
	resolve(o, o->nfiles);
	o->nfiles++;
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
	bool any = false;
	int i, pass;

	for (i = 0; i < o->nfiles; i++)
		resolve(o, i);
	/* those that read through the mount first: see reads_mount */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < o->nmaps; i++) {
			struct dt_obs_map *m = &o->maps[i];

			if (m->b->reads_mount != !pass)
				continue;
			m->c0_ok = !m->b->snap(o, m->priv, &m->c0);
			any |= m->c0_ok;
		}
	}
	o->blocks0_ok = !dt_obs_alloc_snap(o, o->blocks0, &o->used0, why,
					   sizeof(why));
	if (!o->blocks0_ok)
		dt_info("observer: allocation snapshot: %s", why);
	o->t0 = dt_now();
	return any || o->blocks0_ok ? 0 : -1;
}

void dt_obs_poll(struct dt_obs *o)
{
	int i;

	for (i = 0; i < o->nmaps; i++)
		if (o->maps[i].b->poll)
			o->maps[i].b->poll(o, o->maps[i].priv);
}

static uint64_t grew(uint64_t a, uint64_t b)
{
	return b > a ? b - a : 0;
}

static void diff(const struct dt_map_count *a, const struct dt_map_count *b,
		 struct dt_map_count *d)
{
	d->setup_ro = grew(a->setup_ro, b->setup_ro);
	d->setup_rw = grew(a->setup_rw, b->setup_rw);
	d->upgrades = grew(a->upgrades, b->upgrades);
	d->removes = grew(a->removes, b->removes);
	d->tracked_removes = grew(a->tracked_removes, b->tracked_removes);
	d->setup_errors = grew(a->setup_errors, b->setup_errors);
	d->enospc_early = grew(a->enospc_early, b->enospc_early);
	d->stalls = grew(a->stalls, b->stalls);
	d->host_write_faults = grew(a->host_write_faults,
				    b->host_write_faults);
	d->sigbus = grew(a->sigbus, b->sigbus);
	d->foreign = grew(a->foreign, b->foreign);
	d->lossy = b->lossy;
}

/* the counts of backend i since begin */
static void count_end(struct dt_obs *o, int i, struct dt_obs_count *c)
{
	struct dt_obs_map *m = &o->maps[i];
	struct dt_map_count now;

	snprintf(c->backend, sizeof(c->backend), "%s", m->b->name);
	c->scope = m->b->scope;
	c->removes = m->b->removes;
	if (!m->c0_ok || m->b->snap(o, m->priv, &now) < 0) {
		snprintf(c->why, sizeof(c->why), "%s: snapshot failed",
			 m->b->name);
		return;
	}
	c->valid = true;
	diff(&m->c0, &now, &c->map);
}

int dt_obs_end(struct dt_obs *o, struct dt_obs_delta *d)
{
	uint64_t blocks[DT_OBS_MAX_FILES], used;
	int i, pass;

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

	/* those that read through the mount last: see reads_mount */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < o->nmaps; i++)
			if (o->maps[i].b->reads_mount == !!pass)
				count_end(o, i, &d->counts[i]);
	d->ncounts = o->nmaps;
	if (!o->nmaps) {
		/* cut to fit: the whole of it is in metric observer.mapping */
		snprintf(d->map_why, sizeof(d->map_why),
			 "no mapping observer: %.*s",
			 (int)(sizeof(d->map_why) - 22), o->map_why);
	} else if (!d->counts[0].valid) {
		snprintf(d->map_why, sizeof(d->map_why), "%s",
			 d->counts[0].why);
	} else {
		d->map_valid = true;
		snprintf(d->map_backend, sizeof(d->map_backend), "%s",
			 d->counts[0].backend);
		d->map = d->counts[0].map;
		d->stalls_now = o->stalls_now;
	}
	return d->map_valid || d->blocks_valid ? 0 : -1;
}

void dt_obs_check_file(struct dt_obs *o, int fd, struct dt_obs_delta *d)
{
	char why[DT_OBS_WHY];
	int i;

	for (i = 0; i < d->ncounts && i < o->nmaps; i++) {
		const struct dt_map_backend *b = o->maps[i].b;

		if (!d->counts[i].valid || !b->sees ||
		    !b->sees(o, o->maps[i].priv, fd, why, sizeof(why)))
			continue;
		d->counts[i].valid = false;
		snprintf(d->counts[i].why, sizeof(d->counts[i].why), "%s", why);
		if (!i) {
			d->map_valid = false;
			snprintf(d->map_why, sizeof(d->map_why), "%s", why);
		}
	}
}

long dt_obs_live(struct dt_obs *o, int i, char *why, size_t len)
{
	size_t pos = 0;
	int k;

	why[0] = '\0';
	if (i < 0 || i >= o->nfiles) {
		snprintf(why, len, "not a tracked file");
		return -1;
	}
	resolve(o, i);
	if (!o->nmaps)
		snprintf(why, len, "no mapping observer");
	for (k = 0; k < o->nmaps; k++) {
		const struct dt_map_backend *b = o->maps[k].b;
		char one[DT_OBS_WHY] = "";
		long n;

		if (!b->live) {
			snprintf(one, sizeof(one), "%s cannot tell", b->name);
			n = -1;
		} else {
			n = b->live(o, o->maps[k].priv, i, one, sizeof(one));
		}
		if (n >= 0)
			return n;
		if (pos < len)
			pos += snprintf(why + pos, len - pos, "%s%s",
					pos ? "; " : "", one);
	}
	return -1;
}

void dt_obs_map_text(const struct dt_obs_delta *d, char *buf, size_t len)
{
	int n;

	if (!d->map_valid) {
		snprintf(buf, len, "mappings not observed (%s)", d->map_why);
		return;
	}
	n = snprintf(buf, len, "setup_ro=%" PRIu64 " setup_rw=%" PRIu64
		     " upgrades=%" PRIu64, d->map.setup_ro, d->map.setup_rw,
		     d->map.upgrades);
	if (n > 0 && (size_t)n < len && d->counts[0].removes)
		n += snprintf(buf + n, len - n, " removes=%" PRIu64,
			      d->map.removes);
	if (n > 0 && (size_t)n < len && d->map.enospc_early)
		n += snprintf(buf + n, len - n, " enospc_early=%" PRIu64,
			      d->map.enospc_early);
	if (n > 0 && (size_t)n < len && d->map.stalls)
		n += snprintf(buf + n, len - n, " vcpu_stalls=%" PRIu64,
			      d->map.stalls);
	if (n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " (%s%s)", d->map_backend,
			 d->map.lossy ? ", events lost: counts are low" : "");
}

static void metrics_of(const char *prefix, const char *sub,
		       const struct dt_map_count *m, bool removes)
{
	char k[160];

#define M(name, v) do { \
		snprintf(k, sizeof(k), "%s.%s%s", prefix, sub, name); \
		dt_metric(k, "%" PRIu64, v); \
	} while (0)
	M("setup_ro", m->setup_ro);
	M("setup_rw", m->setup_rw);
	M("upgrades", m->upgrades);
	if (removes)
		M("removemappings", m->removes);
	if (m->setup_errors)
		M("setup_errors", m->setup_errors);
	if (m->enospc_early)
		M("enospc_early", m->enospc_early);
	if (m->stalls)
		M("vcpu_stalls", m->stalls);
	if (m->foreign)
		M("foreign_events", m->foreign);
#undef M
	if (m->lossy) {
		snprintf(k, sizeof(k), "%s.%slossy", prefix, sub);
		dt_metric(k, "%s", "events lost: counts are low");
	}
}

void dt_obs_metrics(const struct dt_obs_delta *d, const char *prefix)
{
	char k[128], sub[48];
	int i;

	if (d->map_valid)
		metrics_of(prefix, "", &d->map, d->counts[0].removes);
	else {
		snprintf(k, sizeof(k), "%s.mapping", prefix);
		dt_metric(k, "%s", "not observed");
	}
	/* the other backends under their name */
	for (i = 1; i < d->ncounts; i++) {
		if (!d->counts[i].valid)
			continue;
		snprintf(sub, sizeof(sub), "%s.", d->counts[i].backend);
		metrics_of(prefix, sub, &d->counts[i].map,
			   d->counts[i].removes);
	}
	if (d->blocks_valid) {
		snprintf(k, sizeof(k), "%s.blocks_delta", prefix);
		dt_metric(k, "%" PRId64, d->blocks);
		snprintf(k, sizeof(k), "%s.fs_used_delta", prefix);
		dt_metric(k, "%" PRId64, d->fs_used);
	}
}

int dt_obs_agree(const struct dt_obs_delta *d, char *why, size_t len)
{
	int i, j;

	for (i = 0; i < d->ncounts; i++) {
		const struct dt_obs_count *a = &d->counts[i];

		if (!a->valid || a->map.lossy)
			continue;
		for (j = i + 1; j < d->ncounts; j++) {
			const struct dt_obs_count *b = &d->counts[j];

			if (!b->valid || b->map.lossy || b->scope != a->scope)
				continue;
			if (a->map.setup_ro == b->map.setup_ro &&
			    a->map.setup_rw == b->map.setup_rw &&
			    a->map.upgrades == b->map.upgrades &&
			    (!a->removes || !b->removes ||
			     a->map.removes == b->map.removes))
				continue;
			snprintf(why, len, "%s counted setup_ro=%" PRIu64 " setup_rw=%" PRIu64 " upgrades=%" PRIu64 " removes=%" PRIu64 ", %s setup_ro=%" PRIu64 " setup_rw=%" PRIu64 " upgrades=%" PRIu64 " removes=%" PRIu64,
				 a->backend, a->map.setup_ro, a->map.setup_rw,
				 a->map.upgrades, a->map.removes, b->backend,
				 b->map.setup_ro, b->map.setup_rw,
				 b->map.upgrades, b->map.removes);
			return -1;
		}
	}
	return 0;
}

/* how many backends of the first one's scope counted */
static int nr_agreeing(const struct dt_obs_delta *d)
{
	int i, n = 0;

	for (i = 0; i < d->ncounts; i++)
		if (d->counts[i].valid && !d->counts[i].map.lossy &&
		    d->counts[i].scope == d->counts[0].scope)
			n++;
	return n;
}

/*
 * The positive control and the agreement: HELD, FAILED (the observer
 * misses mappings or the observers disagree), UNMEASURED (why in why),
 * NONE (nothing to control).
 */
static enum dt_claim_state control(const struct dt_obs_delta *d,
				   uint64_t ranges, bool unmapped, char *why,
				   size_t len)
{
	uint64_t setups = d->map.setup_ro + d->map.setup_rw;
	char dis[512];

	if (!d->map_valid) {
		snprintf(why, len, "%s", d->map_why);
		return DT_CLAIM_UNMEASURED;
	}
	if (d->map.lossy) {
		snprintf(why, len, "%s lost events (its trace buffer overran): its counts are low",
			 d->map_backend);
		return DT_CLAIM_UNMEASURED;
	}
	if (dt_obs_agree(d, dis, sizeof(dis)) < 0) {
		snprintf(why, len, "the observers disagree: %s", dis);
		return DT_CLAIM_FAILED;
	}
	if (!ranges) {
		if (nr_agreeing(d) < 2)
			return DT_CLAIM_NONE;
		snprintf(why, len, "%d observers agree", nr_agreeing(d));
		return DT_CLAIM_HELD;
	}
	if (setups >= ranges) {
		snprintf(why, len, "%s counted %" PRIu64 " setups for %" PRIu64 " ranges read%s%s",
			 d->map_backend, setups, ranges,
			 unmapped ? " from an unmapped state" : "",
			 nr_agreeing(d) > 1 ? ", and the observers agree" : "");
		return DT_CLAIM_HELD;
	}
	if (unmapped) {
		snprintf(why, len, "%s counted %" PRIu64 " setups for %" PRIu64 " ranges read from an unmapped state: it misses mappings",
			 d->map_backend, setups, ranges);
		return DT_CLAIM_FAILED;
	}
	snprintf(why, len, "%s counted %" PRIu64 " setups for %" PRIu64 " ranges read, and whether some were mapped before could not be checked",
		 d->map_backend, setups, ranges);
	return DT_CLAIM_UNMEASURED;
}

enum dt_claim_state dt_obs_judge_observer(const struct dt_obs_delta *d,
					  const char *label, uint64_t ranges,
					  bool unmapped, const char *claim)
{
	char why[768];
	enum dt_claim_state st = control(d, ranges, unmapped, why,
					 sizeof(why));

	if (claim && st != DT_CLAIM_NONE)
		dt_claim_report(st, claim, "%s: %s", label, why);
	return st;
}

static enum dt_claim_state worst(enum dt_claim_state a, enum dt_claim_state b)
{
	/* FAILED > UNMEASURED > HELD > NONE, as the enum goes */
	return a > b ? a : b;
}

enum dt_claim_state dt_obs_judge_ro(const struct dt_obs_delta *d,
				    const char *prefix,
				    const struct dt_obs_ro *r, char *sum,
				    size_t len)
{
	char bad[512] = "", mapt[2 * DT_OBS_WHY], b1[DT_FMT_LEN],
	     b2[DT_FMT_LEN], sl[DT_FMT_LEN], cwhy[768];
	enum dt_claim_state ctl, st, ret = DT_CLAIM_NONE;
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
	dt_obs_map_text(d, mapt, sizeof(mapt));

	/* the observer first: the RO claim stands on it */
	ctl = control(d, r->ranges, r->unmapped, cwhy, sizeof(cwhy));
	if (r->claim_observer && ctl != DT_CLAIM_NONE) {
		dt_claim_report(ctl, r->claim_observer, "%s: %s", r->label,
				cwhy);
		ret = worst(ret, ctl);
	}
	if (ctl == DT_CLAIM_FAILED)
		BAD("%s", cwhy);

	if (r->claim_ro) {
		if (!d->map_valid) {
			st = DT_CLAIM_UNMEASURED;
			dt_claim_unmeasured(r->claim_ro, "%s: %s", r->label,
					    d->map_why);
		} else if (d->map.setup_rw || d->map.upgrades ||
			   d->map.stalls) {
			/* what was seen is real, whatever was missed */
			st = DT_CLAIM_FAILED;
			if (d->map.setup_rw)
				BAD("%" PRIu64 " read-write mapping(s) for reads",
				    d->map.setup_rw);
			if (d->map.upgrades)
				BAD("%" PRIu64 " RO->RW upgrade(s) for reads",
				    d->map.upgrades);
			if (d->map.stalls)
				BAD("%" PRIu64 " host fault stall(s)",
				    d->map.stalls);
			dt_claim_failed(r->claim_ro, "%s: %s", r->label, mapt);
		} else if (ctl == DT_CLAIM_FAILED || ctl == DT_CLAIM_UNMEASURED) {
			st = DT_CLAIM_UNMEASURED;
			dt_claim_unmeasured(r->claim_ro, "%s: no read-write mapping among those seen, but %s",
					    r->label, cwhy);
		} else {
			st = DT_CLAIM_HELD;
			dt_claim_held(r->claim_ro, "%s: %s", r->label, mapt);
		}
		ret = worst(ret, st);
	}

	if (d->blocks_valid) {
		bool abad = false;

		if (d->blocks > 0) {
			BAD("the files gained %s of host blocks",
			    dt_fmt_bytes(b1, sizeof(b1), d->blocks));
			abad = true;
		}
		/*
		 * Growth of the whole file system: on a host that is the
		 * target's own it is the workload's; on a shared one other
		 * writers add to it, so it fails only with the files' blocks.
		 */
		if (d->fs_used > 0 && (uint64_t)d->fs_used > r->fs_slack) {
			if (d->fs_private || d->blocks > 0) {
				BAD("host used space grew by %s (slack %s)",
				    dt_fmt_bytes(b1, sizeof(b1), d->fs_used),
				    dt_fmt_bytes(sl, sizeof(sl), r->fs_slack));
				abad = true;
			} else {
				noise = true;
			}
		}
		if (r->claim_alloc) {
			dt_fmt_delta(b1, sizeof(b1), d->blocks);
			dt_fmt_delta(b2, sizeof(b2), d->fs_used);
			if (abad)
				dt_claim_failed(r->claim_alloc, "%s: file blocks %s, host used %s",
						r->label, b1, b2);
			else
				dt_claim_held(r->claim_alloc, "%s: file blocks %s, host used %s%s",
					      r->label, b1, b2,
					      noise ? " (not in the files: shared host)" : "");
			ret = worst(ret, abad ? DT_CLAIM_FAILED : DT_CLAIM_HELD);
		}
	} else if (r->claim_alloc) {
		dt_claim_unmeasured(r->claim_alloc, "%s: %s", r->label,
				    d->blocks_why);
		ret = worst(ret, DT_CLAIM_UNMEASURED);
	}
#undef BAD
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
	return ret;
}
