// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_obs_hostlog.c - mapping backend "host-log": the host side's own
 * record of every mapping, read by the guest. The reference stack's
 * virtiofsd (patches/qemu-7.2, -o dax_log) writes one line per
 * FUSE_SETUPMAPPING and per removed range, before it answers:
 *
 *   virtiofsd-dax: time=S.U op=setup|remove ino=N dev=N foffset=N
 *                  moffset=N len=N flags=ro|rw|none upgrade=0|1
 *                  reserve=0|1 result=0|-ERRNO
 *
 * scripts/dmaptest-vm sends the daemon's stderr into a file of the share
 * (--host-log FILE) after a header that names the host device of the
 * scratch file system the cases run on:
 *
 *   # dmaptest-host-log 1
 *   # scratch-dev N
 *
 * Counted: setups on that device while the observer is open (the
 * scratch file system is the run's own and the runner maps nothing
 * there, so they are the case's), and removals of the inodes the case
 * mapped or tracks (a removal of another inode, say one evicted from an
 * earlier case, is foreign). ino is the host's, which the guest sees
 * as st_ino through virtiofsd. Nothing is lost: the file holds every
 * line, and a line is written before the guest's request returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt_case.h"
#include "dt_obs_priv.h"
#include "dt_tracefs.h"
#include "dt_observe.h"

#define HL_PREFIX	"virtiofsd-dax: "
#define HL_HEADER	"# dmaptest-host-log 1"
#define HL_DEV_KEY	"# scratch-dev "
#define HL_LINE_MAX	4096
#define HL_CHUNK	(256 * 1024)

struct hl_priv {
	int fd;
	off_t pos;			/* read up to here */
	char part[HL_LINE_MAX];		/* an unfinished last line */
	size_t npart;
	struct dt_hlacct acct;
};

/* the word after key=, into buf */
static int field_word(const char *line, const char *key, char *buf,
		      size_t len)
{
	size_t klen = strlen(key), n;
	const char *p = line;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && p[klen] == '=') {
			p += klen + 1;
			n = strcspn(p, " \n");
			if (!n || n >= len)
				return -1;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return 0;
		}
		p += klen;
	}
	return -1;
}

int dt_hostlog_parse(const char *line, struct dt_hostlog_line *hl)
{
	const char *p = strstr(line, HL_PREFIX);
	char op[16], flags[8];
	long long ino, dev, foff, moff, len, res, up = 0, rsv = 0;

	memset(hl, 0, sizeof(*hl));
	if (!p)
		return -1;
	p += strlen(HL_PREFIX);
	if (field_word(p, "op", op, sizeof(op)) < 0 ||
	    field_word(p, "flags", flags, sizeof(flags)) < 0 ||
	    !dt_trace_field_get(p, "ino", &ino) ||
	    !dt_trace_field_get(p, "dev", &dev) ||
	    !dt_trace_field_get(p, "foffset", &foff) ||
	    !dt_trace_field_get(p, "moffset", &moff) ||
	    !dt_trace_field_get(p, "len", &len) ||
	    !dt_trace_field_get(p, "result", &res))
		return -1;
	hl->ino = ino;
	hl->dev = dev;
	hl->foffset = foff;
	hl->moffset = moff;
	hl->len = len;
	hl->result = res;
	if (!strcmp(op, "setup"))
		hl->setup = true;
	else if (strcmp(op, "remove"))
		return -1;
	if (!strcmp(flags, "rw"))
		hl->writable = true;
	else if (strcmp(flags, "ro") && strcmp(flags, "none"))
		return -1;
	/* optional: 0 when absent */
	dt_trace_field_get(p, "upgrade", &up);
	dt_trace_field_get(p, "reserve", &rsv);
	hl->upgrade = up;
	hl->reserve = rsv;
	return 0;
}

static struct dt_kino *hl_ino(struct dt_hlacct *a, uint64_t ino, bool add)
{
	struct dt_kino *n;
	int i;

	for (i = a->ninos - 1; i >= 0; i--)
		if (a->inos[i].ino == (ino_t)ino)
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
	memset(n, 0, sizeof(*n));
	n->ino = ino;
	return n;
}

static bool hl_tracked(uint64_t ino, const ino_t *inos, int nfiles)
{
	int i;

	for (i = 0; i < nfiles; i++)
		if (inos[i] && inos[i] == (ino_t)ino)
			return true;
	return false;
}

void dt_hlacct_line(struct dt_hlacct *a, const char *line,
		    const ino_t *inos, int nfiles)
{
	struct dt_hostlog_line hl;
	struct dt_kino *k;

	if (!strncmp(line, HL_DEV_KEY, strlen(HL_DEV_KEY))) {
		a->dev = strtoull(line + strlen(HL_DEV_KEY), NULL, 10);
		a->has_dev = true;
		return;
	}
	if (!strncmp(line, HL_HEADER, strlen(HL_HEADER))) {
		a->has_header = true;
		return;
	}
	if (dt_hostlog_parse(line, &hl) < 0)
		return;
	a->lines++;
	if (!a->has_dev || hl.dev != a->dev) {
		a->c.foreign++;
		return;
	}
	if (!hl.setup) {
		k = hl_ino(a, hl.ino, false);
		if (!k && !hl_tracked(hl.ino, inos, nfiles)) {
			a->c.foreign++;
			return;
		}
		if (hl.result)
			return;
		if (k && k->live > 0)
			k->live--;
		a->c.removes++;
		if (hl_tracked(hl.ino, inos, nfiles))
			a->c.tracked_removes++;
		return;
	}
	if (hl.result) {
		a->c.setup_errors++;
		if (hl.reserve && hl.result == -ENOSPC)
			a->c.enospc_early++;
		/* a failed setup still makes the inode the case's */
		hl_ino(a, hl.ino, true);
		return;
	}
	if (!hl.writable)
		a->c.setup_ro++;
	else if (hl.upgrade)
		a->c.upgrades++;
	else
		a->c.setup_rw++;
	k = hl_ino(a, hl.ino, true);
	/* an upgrade maps the same range again: no new mapping */
	if (k && !hl.upgrade)
		k->live++;
}

long dt_hlacct_live(const struct dt_hlacct *a, uint64_t ino)
{
	int i;

	for (i = a->ninos - 1; i >= 0; i--)
		if (a->inos[i].ino == (ino_t)ino)
			return a->inos[i].live;
	return 0;
}

void dt_hlacct_free(struct dt_hlacct *a)
{
	free(a->inos);
	memset(a, 0, sizeof(*a));
}

/* Read what the daemon added since last time; 0, or -1 with errno. */
static int hl_read(struct dt_obs *o, struct hl_priv *p)
{
	struct statx stx;
	char *buf;
	ssize_t n;

	/* the size the host has now, not one cached in the guest */
	if (statx(p->fd, "", AT_EMPTY_PATH | AT_STATX_FORCE_SYNC,
		  STATX_SIZE, &stx))
		return -1;
	buf = malloc(HL_CHUNK);
	if (!buf)
		return -1;
	while (p->pos < (off_t)stx.stx_size) {
		size_t want = stx.stx_size - p->pos;
		char *s, *nl;

		n = pread(p->fd, buf, want < HL_CHUNK ? want : HL_CHUNK,
			  p->pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p->pos += n;
		for (s = buf; s < buf + n; s = nl + 1) {
			size_t len;

			nl = memchr(s, '\n', buf + n - s);
			len = (nl ? nl : buf + n) - s;
			if (p->npart + len >= sizeof(p->part))
				len = sizeof(p->part) - 1 - p->npart;
			memcpy(p->part + p->npart, s, len);
			p->npart += len;
			if (!nl)
				break;
			p->part[p->npart] = '\0';
			dt_hlacct_line(&p->acct, p->part, o->inos, o->nfiles);
			p->npart = 0;
		}
	}
	free(buf);
	return 0;
}

static void hl_close(struct dt_obs *o, void *priv)
{
	struct hl_priv *p = priv;

	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	dt_hlacct_free(&p->acct);
	free(p);
}

static int hl_open(struct dt_obs *o, void **priv, char *why, size_t len)
{
	const char *path = o->ctx->host_log;
	struct hl_priv *p;

	if (!path) {
		snprintf(why, len, "host-log: no daemon mapping log given (--host-log; scripts/dmaptest-vm --stack dax gives one)");
		return -1;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(why, len, "host-log: out of memory");
		return -1;
	}
	p->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (p->fd < 0) {
		snprintf(why, len, "host-log: %s: %s", path, strerror(errno));
		goto fail;
	}
	/* the lines so far: what was mapped before is not the case's */
	if (hl_read(o, p) < 0) {
		snprintf(why, len, "host-log: reading %s: %s", path,
			 strerror(errno));
		goto fail;
	}
	if (!p->acct.has_header || !p->acct.has_dev) {
		snprintf(why, len, "host-log: %s does not start with \"" HL_HEADER "\" and \"" HL_DEV_KEY "N\"",
			 path);
		goto fail;
	}
	p->acct.c = (struct dt_map_count){ 0 };
	free(p->acct.inos);
	p->acct.inos = NULL;
	p->acct.ninos = p->acct.cap = 0;
	dt_info("host-log observer: %s (host scratch device %" PRIu64 ")",
		path, p->acct.dev);
	*priv = p;
	return 0;
fail:
	hl_close(o, p);
	return -1;
}

static int hl_snap(struct dt_obs *o, void *priv, struct dt_map_count *c)
{
	struct hl_priv *p = priv;

	if (hl_read(o, p) < 0)
		return -1;
	*c = p->acct.c;
	return 0;
}

/* the daemon is asked to map only what the guest kernel maps: DAX files */
static int hl_sees(struct dt_obs *o, void *priv, int fd, char *why,
		   size_t len)
{
	return dt_obs_kernel_sees("host-log", fd, why, len);
}

static long hl_live(struct dt_obs *o, void *priv, int i, char *why,
		    size_t len)
{
	struct hl_priv *p = priv;

	if (!o->inos[i]) {
		snprintf(why, len, "host-log: %s is not there", o->files[i]);
		return -1;
	}
	if (hl_read(o, p) < 0) {
		snprintf(why, len, "host-log: %s", strerror(errno));
		return -1;
	}
	return dt_hlacct_live(&p->acct, o->inos[i]);
}

const struct dt_map_backend dt_map_hostlog = {
	.name = "host-log",
	.scope = DT_OBS_SCOPE_CASE,
	.removes = true,
	.kernel = true,
	.open = hl_open,
	.snap = hl_snap,
	.sees = hl_sees,
	.live = hl_live,
	/*
	 * No poll: the file keeps every line, and a read in the middle of a
	 * workload would set up a mapping of the log that the kernel
	 * observers count as the case's.
	 */
	.reads_mount = true,
	.close = hl_close,
};
