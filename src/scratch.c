// SPDX-License-Identifier: GPL-2.0-or-later
/* scratch.c - marked scratch folders, and reaping those of dead runners */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounded.h"
#include "dt_ballast.h"
#include "dt_marker.h"
#include "scratch.h"
#include "util.h"

#define SCRATCH_PREFIX	"dmaptest."
#define PROBE_PREFIX	".dmaptest-env."

/* mkdir 0700, or an existing folder that is ours and closed to others */
static int own_dir(const char *path, char *err, size_t errsz)
{
	struct stat st;
	int fd;

	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errsz, "cannot create %s: %s", path,
			 strerror(errno));
		return -1;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errsz, "%s: %s%s", path, strerror(errno),
			 errno == ELOOP || errno == ENOTDIR ?
			 " (a link or not a folder: not used)" : "");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errsz, "%s belongs to uid %u, not to this user (uid %u): not used",
			 path, (unsigned int)st.st_uid,
			 (unsigned int)geteuid());
		close(fd);
		return -1;
	}
	if ((st.st_mode & 077) && fchmod(fd, 0700) < 0) {
		snprintf(err, errsz, "%s: cannot make it private: %s", path,
			 strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int scratch_parent(char *out, size_t size, char *err, size_t errsz)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	const char *tmp = getenv("TMPDIR");
	int n;

	if (geteuid() == 0 && is_dir("/run"))
		n = snprintf(out, size, "/run/dmaptest");
	else if (xdg && *xdg == '/' && is_dir(xdg))
		n = snprintf(out, size, "%s/dmaptest", xdg);
	else
		n = snprintf(out, size, "%s/dmaptest-%u",
			     tmp && *tmp ? tmp : "/tmp",
			     (unsigned int)geteuid());
	if (n < 0 || (size_t)n >= size) {
		snprintf(err, errsz, "the scratch parent's path is too long");
		return -1;
	}
	return own_dir(out, err, errsz);
}

int scratch_create(struct scratch *s, const char *parent, char *err,
		   size_t errsz)
{
	struct dt_marker m;
	char text[512];
	int dfd, len;

	s->lock_fd = -1;
	if (snprintf(s->path, sizeof(s->path), "%s/" SCRATCH_PREFIX "%d.XXXXXX",
		     parent, (int)getpid()) >= (int)sizeof(s->path)) {
		snprintf(err, errsz, "scratch folder path too long under %s",
			 parent);
		return -1;
	}
	/* mkdtemp makes it 0700 */
	if (!mkdtemp(s->path)) {
		snprintf(err, errsz, "cannot create a scratch folder %s: %s",
			 s->path, strerror(errno));
		s->path[0] = '\0';
		return -1;
	}
	dfd = open(s->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd >= 0)
		s->lock_fd = openat(dfd, DT_MARKER_FILE, O_RDWR | O_CREAT |
				    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dfd >= 0)
		close(dfd);
	if (s->lock_fd < 0) {
		snprintf(err, errsz, "cannot mark the scratch folder %s: %s",
			 s->path, strerror(errno));
		rmdir(s->path);
		s->path[0] = '\0';
		return -1;
	}
	/*
	 * Locked before it says whose it is; held until the runner and all
	 * its case processes are gone. A file system without flock keeps
	 * the folder from being reaped, never the other way round.
	 */
	flock(s->lock_fd, LOCK_EX | LOCK_NB);
	dt_marker_self(&m);
	dt_marker_text(&m, text, sizeof(text));
	len = strlen(text);
	if (write(s->lock_fd, text, len) != len) {
		snprintf(err, errsz, "cannot write the marker in %s: %s",
			 s->path, strerror(errno));
		scratch_remove(s, 10.0);
		return -1;
	}
	return 0;
}

int scratch_remove(struct scratch *s, double timeout)
{
	int ret = 0;

	if (s->path[0])
		ret = remove_tree_bounded(s->path, timeout);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->lock_fd = -1;
	s->path[0] = '\0';
	return ret;
}

struct reap {
	const char *parent;
	FILE *out;
	const char *prefix;
	bool list_all;
	int pfd;
	dev_t dev;
	int removed, left, failed;
};

static void say(struct reap *r, const char *what, const char *name,
		const char *why)
{
	char *path = xasprintf("%s/%s", r->parent, name);
	char *p = printable(path), *w = printable(why);

	fprintf(r->out, "%s%s: %s (%s)\n", r->prefix, what, p, w);
	free(p);
	free(w);
	free(path);
}

static void left(struct reap *r, const char *name, const char *why,
		 bool tell)
{
	r->left++;
	if (r->list_all || tell)
		say(r, "left", name, why);
}

static void removed(struct reap *r, const char *name, const char *why,
		    int ret, const char *fail)
{
	if (ret < 0) {
		r->failed++;
		say(r, "could not remove", name, fail);
		return;
	}
	r->removed++;
	say(r, "removed", name, why);
}

/* A marked scratch folder: its marker file decides. */
static void reap_folder(struct reap *r, const char *name,
			const struct stat *st)
{
	char text[1024], why[256], fail[512];
	struct dt_marker m;
	struct stat mst;
	int dfd, mfd;
	ssize_t n;

	if (st->st_uid != geteuid()) {
		snprintf(why, sizeof(why), "another user's (uid %u)",
			 (unsigned int)st->st_uid);
		left(r, name, why, false);
		return;
	}
	if (st->st_dev != r->dev) {
		left(r, name, "a mount point", false);
		return;
	}
	dfd = openat(r->pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		     O_CLOEXEC);
	mfd = dfd < 0 ? -1 : openat(dfd, DT_MARKER_FILE, O_RDONLY |
				    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (dfd >= 0)
		close(dfd);
	if (mfd < 0 || fstat(mfd, &mst) < 0 || !S_ISREG(mst.st_mode) ||
	    mst.st_uid != geteuid() ||
	    (n = read(mfd, text, sizeof(text) - 1)) <= 0 ||
	    (text[n] = '\0', dt_marker_parse(text, &m) < 0)) {
		if (mfd >= 0)
			close(mfd);
		left(r, name, "no dmaptest marker in it: not made by this dmaptest (remove it by hand if it is yours)",
		     false);
		return;
	}
	switch (dt_marker_judge(&m, mfd, why, sizeof(why))) {
	case DT_OWNER_GONE:
		/* under the lock: no other reaper is in there */
		removed(r, name, why, dt_rmtree_at(r->pfd, name, fail,
						   sizeof(fail)) < 0 ? -1 : 1,
			fail);
		break;
	default:
		left(r, name, why, false);
	}
	close(mfd);
}

/* A ballast or probe file: its name is the marker, the file the lock. */
static void reap_file(struct reap *r, const char *name, const char *prefix)
{
	char why[256];
	int ret = dt_reap_marked_file(r->pfd, name, prefix, why, sizeof(why));

	if (ret)
		removed(r, name, why, ret, why);
	else
		left(r, name, why, false);
}

static int reap_fn(void *arg)
{
	struct reap *r = arg;
	struct dirent *de;
	struct stat st;
	DIR *d;

	r->pfd = open(r->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->pfd < 0 || fstat(r->pfd, &st) < 0) {
		fprintf(r->out, "cannot read %s: %s\n", r->parent,
			strerror(errno));
		fflush(r->out);
		return 2;
	}
	r->dev = st.st_dev;
	d = fdopendir(dup(r->pfd));
	if (!d) {
		fprintf(r->out, "cannot read %s: %s\n", r->parent,
			strerror(errno));
		fflush(r->out);
		return 2;
	}
	while ((de = readdir(d))) {
		const char *n = de->d_name;

		if (!strncmp(n, SCRATCH_PREFIX, strlen(SCRATCH_PREFIX))) {
			if (fstatat(r->pfd, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			if (!S_ISDIR(st.st_mode))
				left(r, n, "not a folder", false);
			else
				reap_folder(r, n, &st);
		} else if (!strncmp(n, DT_BALLAST_PREFIX,
				    strlen(DT_BALLAST_PREFIX))) {
			reap_file(r, n, DT_BALLAST_PREFIX);
		} else if (!strncmp(n, PROBE_PREFIX, strlen(PROBE_PREFIX))) {
			reap_file(r, n, PROBE_PREFIX);
		} else if (!strncmp(n, ".dmaptest-", 10)) {
			left(r, n, "no dmaptest marker in its name: not made by this dmaptest (remove it by hand if it is yours)",
			     false);
		}
	}
	closedir(d);
	close(r->pfd);
	if (r->list_all)
		fprintf(r->out, "%d removed, %d left, %d failed\n", r->removed,
			r->left, r->failed);
	fflush(r->out);
	return r->failed ? 1 : 0;
}

int scratch_reap(const char *parent, FILE *out, const char *prefix,
		 bool list_all, double timeout)
{
	struct reap r = { .parent = parent, .out = out, .prefix = prefix,
			  .list_all = list_all };
	int ret = run_bounded(reap_fn, &r, timeout);

	if (ret < 0) {
		fprintf(out, "%slooking for leftovers in %s did not end within %.0f s (a hung file system?)\n",
			prefix, parent, timeout);
		fflush(out);
	}
	return ret < 0 || ret == 2 ? -1 : ret;
}

bool scratch_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	const char *p;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(path, dir, n) || path[n] != '/' || !path[n + 1])
		return false;
	/* no part of what follows may climb out or be a no-op */
	for (p = path + n; *p; ) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if ((len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += len;
	}
	return true;
}
