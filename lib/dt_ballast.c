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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dt_ballast.h"
#include "dt_case.h"
#include "dt_clock.h"
#include "dt_fmt.h"
#include "dt_pattern.h"

#define BALLAST_MAX_CHUNK	(1ULL << 30)
#define BALLAST_MIN_CHUNK	4096ULL
#define BALLAST_TOPUP_CHUNK	(4ULL << 20)
#define BALLAST_WRITE_BUF	(1u << 20)
/* a ballast of another boot (or machine) is stale after this long */
#define BALLAST_FOREIGN_AGE	3600

static void boot_id(char *out, size_t len)
{
	char buf[64] = "";
	size_t i, j = 0;
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	for (i = 0; buf[i] && j < 8 && j + 1 < len; i++)
		if (buf[i] != '-' && buf[i] != '\n')
			out[j++] = buf[i];
	if (!j && len > 7)
		j = snprintf(out, len, "noboot");
	out[j] = '\0';
}

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
			if (chunk <= BALLAST_MIN_CHUNK)
				break;
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
	char boot[16], name[64], sz[DT_FMT_LEN];
	double t0 = dt_now();
	int ret;

	dt_ballast_init(b);
	if (dt_space_get(dir, &b->before) < 0) {
		snprintf(err, errlen, "statvfs %s: %s", dir, strerror(errno));
		return -1;
	}
	boot_id(boot, sizeof(boot));
	snprintf(name, sizeof(name), DT_BALLAST_PREFIX "%s.%d", boot,
		 (int)getpid());
	if (dt_path(b->path, sizeof(b->path), dir, name) < 0) {
		snprintf(err, errlen, "ballast path too long");
		return -1;
	}
	snprintf(b->dir, sizeof(b->dir), "%s", dir);
	dt_register_file(b->path);
	b->fd = open(b->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (b->fd < 0) {
		snprintf(err, errlen, "create %s: %s", b->path,
			 strerror(errno));
		return -1;
	}
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

int dt_ballast_parse_name(const char *name, char *boot, size_t bootlen,
			  long *pid)
{
	const char *p, *dot;
	char *end;

	if (strncmp(name, DT_BALLAST_PREFIX, strlen(DT_BALLAST_PREFIX)))
		return -1;
	p = name + strlen(DT_BALLAST_PREFIX);
	dot = strchr(p, '.');
	if (!dot || dot == p || (size_t)(dot - p) >= bootlen)
		return -1;
	memcpy(boot, p, dot - p);
	boot[dot - p] = '\0';
	errno = 0;
	*pid = strtol(dot + 1, &end, 10);
	if (errno || *end || end == dot + 1 || *pid <= 0)
		return -1;
	return 0;
}

static bool is_stale(const char *path, const char *our_boot)
{
	const char *name = strrchr(path, '/');
	char boot[16];
	struct stat st;
	long pid;

	name = name ? name + 1 : path;
	if (dt_ballast_parse_name(name, boot, sizeof(boot), &pid) < 0)
		return false;
	if (!strcmp(boot, our_boot))
		return pid != getpid() && kill(pid, 0) < 0 && errno == ESRCH;
	/* another boot, or another machine sharing the host directory */
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	return time(NULL) - st.st_mtime > BALLAST_FOREIGN_AGE;
}

int dt_ballast_reap(const struct dt_ctx *ctx)
{
	char root[PATH_MAX], parent[PATH_MAX], pat[PATH_MAX + 64];
	char boot[16], sz[DT_FMT_LEN];
	const char *where[4];
	glob_t g;
	size_t i;
	int w, n = 0;

	if (!ctx->target_root)
		return 0;
	boot_id(boot, sizeof(boot));
	snprintf(root, sizeof(root), "%s", ctx->target_root);
	snprintf(parent, sizeof(parent), "%s", ctx->target_root);
	dirname(parent);
	/* scratch dirs are ROOT/RUN/CASE; the dir target's ROOT is a
	 * mkdtemp "dmaptest.*" folder that a killed runner leaves behind */
	where[0] = "%s/" DT_BALLAST_PREFIX "*";
	where[1] = "%s/*/*/" DT_BALLAST_PREFIX "*";
	where[2] = "%s/dmaptest.*/*/*/" DT_BALLAST_PREFIX "*";
	where[3] = "%s/" DT_BALLAST_PREFIX "*";
	for (w = 0; w < 4; w++) {
		snprintf(pat, sizeof(pat), where[w], w < 2 ? root : parent);
		if (glob(pat, GLOB_NOSORT, NULL, &g))
			continue;
		for (i = 0; i < g.gl_pathc; i++) {
			struct stat st;

			if (!is_stale(g.gl_pathv[i], boot))
				continue;
			if (lstat(g.gl_pathv[i], &st) < 0)
				continue;
			if (unlink(g.gl_pathv[i]) < 0) {
				dt_info("stale ballast %s: cannot remove: %s",
					g.gl_pathv[i], strerror(errno));
				continue;
			}
			dt_info("removed stale ballast %s (%s) left by an earlier run",
				g.gl_pathv[i],
				dt_fmt_bytes(sz, sizeof(sz),
					     (uint64_t)st.st_blocks * 512));
			n++;
		}
		globfree(&g);
	}
	if (n)
		dt_sync_path(root);
	return n;
}
