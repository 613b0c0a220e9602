// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_churn.c - the life of a short-lived mapped file (dt_churn.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dt_blk.h"
#include "dt_case.h"
#include "dt_churn.h"
#include "dt_fmt.h"
#include "dt_fs.h"
#include "dt_rwio.h"
#include "dt_window.h"

#define CHURN_TAG	0x10000u

struct life {
	struct dt_churn *c;
	char path[PATH_MAX];
	const char *name;
	int fd;
	char *map;
	uint64_t size;
	uint32_t tag;
	uint64_t blk[DT_BLK_SIZE / 8];
};

static int fail(struct life *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct life *l, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(l->c->err, sizeof(l->c->err), "%s: %s", l->name, msg);
	l->c->err_mapped = false;
	return -1;
}

/* a failure of an access through the mapping (or of the mapping) */
static int map_fail(struct life *l)
{
	l->c->err_mapped = true;
	return -1;
}

static int read_blk(struct life *l, uint64_t off, const char *when)
{
	ssize_t r = pread(l->fd, l->blk, DT_BLK_SIZE, off);

	if (r == DT_BLK_SIZE) {
		l->c->bytes += DT_BLK_SIZE;
		return 0;
	}
	if (r < 0)
		return fail(l, "pread at 0x%" PRIx64 " %s: %s", off, when,
			    dt_errname(errno));
	return fail(l, "pread at 0x%" PRIx64 " %s: %zd of %u bytes", off,
		    when, r, DT_BLK_SIZE);
}

/* What the block at off must be: generation 1 of ours, or zeros. */
static int judge(struct life *l, uint64_t off, bool zero, const char *how,
		 const char *when)
{
	struct dt_blk_info bi;
	enum dt_blk_state st = dt_blk_check(l->blk, off, l->c->seed, &bi);
	char d[160];

	if (zero ? st == DT_BLK_ZERO :
		   st == DT_BLK_OK && bi.gen == 1 && bi.tag == l->tag)
		return 0;
	return fail(l, "%s at 0x%" PRIx64 " %s: %s, expected %s", how, off,
		    when, dt_blk_describe(&bi, d, sizeof(d)),
		    zero ? "zeros" : "the block written there");
}

/*
 * The block at off through the mapping (none: nothing to check); pread
 * judges on a page cache.
 */
static int map_check(struct life *l, uint64_t off, bool zero,
		     const char *when)
{
	uintptr_t fault;

	if (!l->map)
		return 0;
	if (dt_guard_copy(l->blk, l->map + off, DT_BLK_SIZE, &fault)) {
		fail(l, "SIGBUS reading the mapping at 0x%" PRIx64
		     " %s (file offset 0x%" PRIx64 ")", off, when,
		     (uint64_t)(fault - (uintptr_t)l->map));
		return map_fail(l);
	}
	l->c->bytes += DT_BLK_SIZE;
	if (!judge(l, off, zero, "the mapping", when))
		return 0;
	if (l->c->mmap_coherent)
		return map_fail(l);
	/* a FUSE page cache may lag: what does the file say? */
	if (read_blk(l, off, when) || judge(l, off, zero, "pread", when))
		return -1;
	l->c->mmap_behind++;
	l->c->err[0] = '\0';
	return 0;
}

/* The block at off through the mapping, or with pread when unmapped. */
static int check(struct life *l, uint64_t off, bool zero, const char *when)
{
	if (l->map)
		return map_check(l, off, zero, when);
	if (read_blk(l, off, when))
		return -1;
	return judge(l, off, zero, "pread", when);
}

static int life(struct life *l)
{
	struct dt_churn *c = l->c;
	uint64_t r, one = DT_RANGE_SIZE;
	ssize_t n;

	if (ftruncate(l->fd, l->size) < 0)
		return fail(l, "truncate to %" PRIu64 " bytes: %s", l->size,
			    dt_errname(errno));
	for (r = 0; r < c->ranges; r++) {
		dt_blk_fill(l->blk, r * one, 1, l->tag, c->seed);
		n = pwrite(l->fd, l->blk, DT_BLK_SIZE, r * one);
		if (n != DT_BLK_SIZE)
			return fail(l, "pwrite at 0x%" PRIx64 ": %s",
				    r * one, n < 0 ? dt_errname(errno) :
				    "short write");
		c->bytes += DT_BLK_SIZE;
	}
	if (c->map)
		l->map = mmap(NULL, l->size, PROT_READ, MAP_SHARED, l->fd, 0);
	if (l->map == MAP_FAILED) {
		l->map = NULL;
		fail(l, "mmap of %" PRIu64 " bytes: %s", l->size,
		     dt_errname(errno));
		return map_fail(l);
	}
	for (r = 0; r < c->ranges; r++)
		if (check(l, r * one, false, "after writing"))
			return -1;
	dt_heartbeat_add(c->ranges * 2ULL * DT_BLK_SIZE, 1);

	/* shrink to one range under the mapping */
	if (ftruncate(l->fd, one) < 0)
		return fail(l, "truncate to one range%s: %s",
			    l->map ? " while mapped" : "", dt_errname(errno));
	n = pread(l->fd, l->blk, DT_BLK_SIZE, one);
	if (n != 0)
		return fail(l, "pread at 0x%" PRIx64 " beyond the new end of file: %s",
			    one, n < 0 ? dt_errname(errno) : "data");
	if (check(l, 0, false, "after truncating to one range"))
		return -1;

	/* unlink under the mapping and the open descriptor */
	if (unlink(l->path) < 0)
		return fail(l, "unlink%s: %s", l->map ? " while mapped" : "",
			    dt_errname(errno));
	l->path[0] = '\0';
	if (map_check(l, 0, false, "after unlink") ||
	    read_blk(l, 0, "after unlink") ||
	    judge(l, 0, false, "pread", "after unlink"))
		return -1;

	/* extend again: what was truncated away must not come back */
	if (ftruncate(l->fd, l->size) < 0)
		return fail(l, "extend again after unlink: %s",
			    dt_errname(errno));
	for (r = 1; r < c->ranges; r++) {
		if (read_blk(l, r * one, "after truncate and extend") ||
		    judge(l, r * one, true, "pread",
			  "after truncate and extend") ||
		    map_check(l, r * one, true, "after truncate and extend"))
			return -1;
	}
	dt_heartbeat_add(c->ranges * 2ULL * DT_BLK_SIZE, 1);
	return 0;
}

int dt_churn_cycle(struct dt_churn *c, unsigned int k)
{
	char name[32];
	struct life l = {
		.c = c,
		.fd = -1,
		.size = (uint64_t)c->ranges << DT_RANGE_SHIFT,
		.tag = CHURN_TAG + (k & 0xffff),
		.name = name,
	};
	int ret;

	c->err[0] = '\0';
	c->err_mapped = false;
	snprintf(name, sizeof(name), "churn.%u", k);
	if (c->ranges < 2 || dt_path(l.path, sizeof(l.path), c->dir, name)) {
		snprintf(c->err, sizeof(c->err), "churn: bad setup");
		return -1;
	}
	l.fd = open(l.path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (l.fd < 0)
		return fail(&l, "create: %s", dt_errname(errno));
	ret = life(&l);
	if (l.map)
		munmap(l.map, l.size);
	close(l.fd);
	if (l.path[0])
		unlink(l.path);
	if (!ret)
		c->cycles++;
	return ret;
}
