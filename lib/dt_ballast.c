// SPDX-License-Identifier: GPL-2.0-or-later
/* dt_ballast.c - fill the host file system, undo it, reap stale ballast */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dt_ballast.h"
#include "dt_case.h"
#include "dt_marker.h"
#include "dt_clock.h"
#include "dt_fmt.h"
#include "dt_pattern.h"

#define BALLAST_MAX_CHUNK	(1ULL << 30)
#define BALLAST_MIN_CHUNK	4096ULL
#define BALLAST_TOPUP_CHUNK	(4ULL << 20)
#define BALLAST_WRITE_BUF	(1u << 20)
/* without --allow-fill, reservations may take this much at most */
#define NOFILL_BUDGET		(64ULL << 20)

void dt_ballast_init(struct dt_ballast *b)
{
	memset(b, 0, sizeof(*b));
	b->fd = -1;
}

/* fallocate one chunk; 0, or -errno */
static int grow_falloc(struct dt_ballast *b, uint64_t len)
{
	if (fallocate(b->fd, 0, b->bytes, len) < 0)
		return -errno;
	return 0;
}

/* write one chunk of incompressible data; 0, or -errno */
static int grow_write(struct dt_ballast *b, uint64_t len, char *buf)
{
	uint64_t done = 0;

	while (done < len) {
		size_t n = len - done < BALLAST_WRITE_BUF ?
			   len - done : BALLAST_WRITE_BUF;
		ssize_t w;

		dt_pattern_fill(buf, n, b->bytes + done, 0xba11a57);
		w = pwrite(b->fd, buf, n, b->bytes + done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			/* keep what landed; the next call starts after it */
			b->bytes += done;
			return w < 0 ? -errno : -ENOSPC;
		}
		done += w;
		/* alive, but no work of the case: the progress line
		 * must not count the ballast as bytes done */
		dt_heartbeat_add(0, 1);
	}
	b->bytes += done;
	return 0;
}

/*
 * Grow the ballast until at most @leave bytes are usable (leave 0: until
 * even BALLAST_MIN_CHUNK cannot be allocated), chunks from @chunk down.
 */
static int grow(struct dt_ballast *b, const char *dir, uint64_t leave,
		uint64_t chunk, char *err, size_t errlen)
{
	char sz[DT_FMT_LEN];
	struct dt_space now;
	char *buf = NULL;
	int ret = -1, r;

	for (;;) {
		uint64_t len = chunk;

		if (leave) {
			if (dt_space_get(dir, &now) < 0 || now.usable <= leave)
				break;
			if (len > now.usable - leave)
				len = now.usable - leave;
			len &= ~(BALLAST_MIN_CHUNK - 1);
			if (!len)
				break;
		}
		if (!b->by_write) {
			r = grow_falloc(b, len);
			if (r == -EOPNOTSUPP || r == -ENOSYS) {
				b->by_write = true;
				dt_info("ballast: no fallocate on the target (%s), writing data",
					dt_errname(-r));
				continue;
			}
			if (!r) {
				b->bytes += len;
				dt_heartbeat_add(0, 1);
			}
		} else {
			if (!buf && !(buf = malloc(BALLAST_WRITE_BUF))) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
			r = grow_write(b, len, buf);
		}
		if (r == -ENOSPC || r == -EDQUOT) {
			if (chunk <= BALLAST_MIN_CHUNK) {
				b->full = true;
				break;
			}
			chunk /= 2;
			continue;
		}
		if (r) {
			snprintf(err, errlen, "growing the ballast at %s: %s",
				 dt_fmt_bytes(sz, sizeof(sz), b->bytes),
				 strerror(-r));
			goto out;
		}
	}
	if (b->by_write && fsync(b->fd) < 0 && errno != ENOSPC) {
		snprintf(err, errlen, "fsync of the ballast: %s",
			 strerror(errno));
		goto out;
	}
	syncfs(b->fd);
	ret = 0;
out:
	free(buf);
	dt_space_get(dir, &b->after);
	return ret;
}

int dt_ballast_fill(struct dt_ballast *b, const char *dir, uint64_t leave,
		    char *err, size_t errlen)
{
	char name[128], sz[DT_FMT_LEN];
	struct dt_marker m;
	double t0 = dt_now();
	int ret;

	dt_ballast_init(b);
	/* whatever the case: filling a mount we did not make needs consent */
	if (!dt_fill_allowed()) {
		snprintf(err, errlen, "filling the target's file system needs --allow-fill (it is not the runner's own)");
		return -1;
	}
	if (dt_space_get(dir, &b->before) < 0) {
		snprintf(err, errlen, "statvfs %s: %s", dir, strerror(errno));
		return -1;
	}
	/* the name says whose it is; the lock, that its owner lives */
	dt_marker_self(&m);
	if (dt_marker_name(&m, DT_BALLAST_PREFIX, name, sizeof(name)) < 0 ||
	    dt_path(b->path, sizeof(b->path), dir, name) < 0) {
		snprintf(err, errlen, "ballast path too long");
		return -1;
	}
	snprintf(b->dir, sizeof(b->dir), "%s", dir);
	dt_register_file(b->path);
	b->fd = open(b->path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
		     O_CLOEXEC, 0600);
	if (b->fd < 0) {
		snprintf(err, errlen, "create %s: %s", b->path,
			 strerror(errno));
		return -1;
	}
	flock(b->fd, LOCK_EX | LOCK_NB);
	if (leave && b->before.usable <= leave) {
		b->after = b->before;
		return 0;
	}
	dt_phase("filling the host (%s usable)",
		 dt_fmt_bytes(sz, sizeof(sz), b->before.usable));
	ret = grow(b, dir, leave, BALLAST_MAX_CHUNK, err, errlen);
	b->secs = dt_now() - t0;
	return ret;
}

int dt_ballast_top_up(struct dt_ballast *b, char *err, size_t errlen)
{
	uint64_t before = b->bytes;
	int ret;

	if (b->fd < 0) {
		snprintf(err, errlen, "no ballast to top up");
		return -1;
	}
	ret = grow(b, b->dir, 0, BALLAST_TOPUP_CHUNK, err, errlen);
	if (!ret && b->bytes > before)
		dt_info("ballast: topped up by %" PRIu64 " bytes (space freed meanwhile)",
			b->bytes - before);
	return ret;
}

void dt_ballast_remove(struct dt_ballast *b)
{
	char dir[PATH_MAX];

	if (!b->path[0])
		return;
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
	if (unlink(b->path) < 0 && errno != ENOENT)
		dt_info("ballast: unlink %s: %s", b->path, strerror(errno));
	snprintf(dir, sizeof(dir), "%s", b->path);
	dt_sync_path(dirname(dir));
	b->path[0] = '\0';
}

int dt_ballast_reap(const struct dt_ctx *ctx)
{
	char root[PATH_MAX], parent[PATH_MAX], pat[PATH_MAX + 64];
	char why[256], dir[PATH_MAX];
	const char *where[4];
	glob_t g;
	size_t i;
	int w, n = 0;

	if (!ctx->target_root)
		return 0;
	snprintf(root, sizeof(root), "%s", ctx->target_root);
	snprintf(parent, sizeof(parent), "%s", ctx->target_root);
	dirname(parent);
	/* scratch dirs are ROOT/RUN/CASE; older runs left some in ROOT */
	where[0] = "%s/" DT_BALLAST_PREFIX "*";
	where[1] = "%s/*/*/" DT_BALLAST_PREFIX "*";
	where[2] = "%s/dmaptest.*/*/*/" DT_BALLAST_PREFIX "*";
	where[3] = "%s/" DT_BALLAST_PREFIX "*";
	for (w = 0; w < 4; w++) {
		snprintf(pat, sizeof(pat), where[w], w < 2 ? root : parent);
		if (glob(pat, GLOB_NOSORT, NULL, &g))
			continue;
		for (i = 0; i < g.gl_pathc; i++) {
			char *slash = strrchr(g.gl_pathv[i], '/');
			int dfd, ret;

			snprintf(dir, sizeof(dir), "%.*s",
				 (int)(slash - g.gl_pathv[i]), g.gl_pathv[i]);
			dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd < 0)
				continue;
			/* only this user's, and only when its owner is gone */
			ret = dt_reap_marked_file(dfd, slash + 1,
						  DT_BALLAST_PREFIX, why,
						  sizeof(why));
			close(dfd);
			if (ret > 0) {
				dt_info("removed stale ballast %s left by an earlier run: %s",
					g.gl_pathv[i], why);
				n++;
			} else if (ret < 0) {
				dt_info("stale ballast %s: cannot remove: %s",
					g.gl_pathv[i], why);
			}
		}
		globfree(&g);
	}
	if (n)
		dt_sync_path(root);
	return n;
}

int dt_space_budget(const struct dt_ctx *ctx, uint64_t usable, long pct,
		    uint64_t *budget, char *why, size_t whysz)
{
	const char *given = dt_param_given("space") ? dt_param("space") : NULL;
	long p = given ? dt_param_long("space") : pct;

	if (ctx->features & DT_FEAT_FILL) {
		*budget = usable / 100 * (p > 90 ? 90 : p < 0 ? 0 : p);
		return 0;
	}
	if (given) {
		snprintf(why, whysz, "parameter space=%s reserves a share of the target's free space: that fills it, and needs --allow-fill",
			 given);
		return -1;
	}
	/* no fill: a little (a tenth of what is free, 64 MiB at most) */
	*budget = usable / 10 < NOFILL_BUDGET ? usable / 10 : NOFILL_BUDGET;
	return 0;
}
