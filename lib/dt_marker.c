// SPDX-License-Identifier: GPL-2.0-or-later
/* dt_marker.c - markers of what dmaptest leaves, and safe removal */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt_marker.h"

#define RM_MAX_DEPTH	256

static void boot_id(char *out, size_t size)
{
	char buf[64] = "";
	size_t i, j = 0;
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	for (i = 0; buf[i] && j + 1 < size; i++)
		if (isxdigit((unsigned char)buf[i]))
			out[j++] = tolower((unsigned char)buf[i]);
	out[j] = '\0';
	if (j != DT_MARKER_BOOT_LEN)
		out[0] = '\0';		/* unknown */
}

int dt_proc_start(pid_t pid, unsigned long long *start)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* the command name may hold blanks and ')': fields follow the last */
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	/* field 3 (state) is the first after it; the start time is 22 */
	for (i = 3; i <= 22; i++) {
		p = strchr(p, ' ');
		if (!p)
			return -1;
		p++;
	}
	return sscanf(p, "%llu", start) == 1 ? 0 : -1;
}

void dt_marker_self(struct dt_marker *m)
{
	memset(m, 0, sizeof(*m));
	m->euid = geteuid();
	boot_id(m->boot, sizeof(m->boot));
	m->pid = getpid();
	if (dt_proc_start(getpid(), &m->start) < 0)
		m->start = 0;
	if (gethostname(m->host, sizeof(m->host) - 1) < 0)
		m->host[0] = '\0';
}

void dt_marker_text(const struct dt_marker *m, char *buf, size_t size)
{
	snprintf(buf, size,
		 "dmaptest-marker 1\n"
		 "euid %lu\n"
		 "boot %s\n"
		 "pid %ld\n"
		 "start %llu\n"
		 "host %s\n",
		 m->euid, m->boot, m->pid, m->start, m->host);
}

int dt_marker_parse(const char *text, struct dt_marker *m)
{
	const char *line;
	int seen = 0;

	memset(m, 0, sizeof(*m));
	if (strncmp(text, "dmaptest-marker 1\n", 18))
		return -1;
	for (line = text; line && *line; line = strchr(line, '\n'),
	     line = line ? line + 1 : NULL) {
		if (sscanf(line, "euid %lu", &m->euid) == 1)
			seen |= 1;
		else if (sscanf(line, "boot %32[0-9a-f]", m->boot) == 1)
			seen |= 2;
		else if (sscanf(line, "pid %ld", &m->pid) == 1)
			seen |= 4;
		else if (sscanf(line, "start %llu", &m->start) == 1)
			seen |= 8;
		else if (sscanf(line, "host %64[^\n]", m->host) == 1)
			seen |= 16;
	}
	if ((seen & 15) != 15 || strlen(m->boot) != DT_MARKER_BOOT_LEN ||
	    m->pid <= 0)
		return -1;
	return 0;
}

int dt_marker_name(const struct dt_marker *m, const char *prefix, char *buf,
		   size_t size)
{
	int n = snprintf(buf, size, "%s%lu.%s.%ld.%llu", prefix, m->euid,
			 m->boot[0] ? m->boot : "0", m->pid, m->start);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* digits only, as an unsigned number */
static int number(const char *s, size_t len, unsigned long long *out)
{
	size_t i;

	if (!len || len > 19)
		return -1;
	*out = 0;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*out = *out * 10 + (s[i] - '0');
	}
	return 0;
}

int dt_marker_parse_name(const char *name, const char *prefix,
			 struct dt_marker *m)
{
	const char *p, *part[4];
	size_t len[4];
	unsigned long long v;
	int i;

	memset(m, 0, sizeof(*m));
	if (strncmp(name, prefix, strlen(prefix)))
		return -1;
	p = name + strlen(prefix);
	for (i = 0; i < 4; i++) {
		const char *dot = strchr(p, '.');

		part[i] = p;
		len[i] = dot ? (size_t)(dot - p) : strlen(p);
		if ((i < 3) != !!dot)
			return -1;
		p = dot ? dot + 1 : p + len[i];
	}
	if (number(part[0], len[0], &v) < 0)
		return -1;
	m->euid = v;
	if (len[1] != DT_MARKER_BOOT_LEN)
		return -1;
	for (i = 0; i < DT_MARKER_BOOT_LEN; i++)
		if (!isxdigit((unsigned char)part[1][i]) ||
		    isupper((unsigned char)part[1][i]))
			return -1;
	memcpy(m->boot, part[1], DT_MARKER_BOOT_LEN);
	if (number(part[2], len[2], &v) < 0 || !v || v > INT_MAX)
		return -1;
	m->pid = v;
	if (number(part[3], len[3], &v) < 0)
		return -1;
	m->start = v;
	return 0;
}

enum dt_owner dt_marker_judge(const struct dt_marker *m, int lock_fd,
			      char *why, size_t whysz)
{
	unsigned long long start;
	struct dt_marker me;

	dt_marker_self(&me);
	if (m->euid != me.euid) {
		snprintf(why, whysz, "another user's (uid %lu)", m->euid);
		return DT_OWNER_OTHER;
	}
	if (m->host[0] && me.host[0] && strcmp(m->host, me.host)) {
		snprintf(why, whysz, "made on another machine (%s)", m->host);
		return DT_OWNER_OTHER;
	}
	if (flock(lock_fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			snprintf(why, whysz, "in use: its runner holds the lock (pid %ld%s)",
				 m->pid, strcmp(m->boot, me.boot) ?
				 " of another boot" : "");
			return DT_OWNER_ALIVE;
		}
		snprintf(why, whysz, "its lock cannot be checked here (flock: %s)",
			 strerror(errno));
		return DT_OWNER_UNKNOWN;
	}
	if (!me.boot[0]) {
		snprintf(why, whysz, "the boot id of this machine is unknown");
		goto keep;
	}
	if (strcmp(m->boot, me.boot)) {
		snprintf(why, whysz, "its runner (pid %ld) ran in another boot",
			 m->pid);
		return DT_OWNER_GONE;
	}
	if (dt_proc_start(m->pid, &start) < 0) {
		snprintf(why, whysz, "its runner (pid %ld) is gone", m->pid);
		return DT_OWNER_GONE;
	}
	if (start != m->start) {
		snprintf(why, whysz, "its runner (pid %ld) is gone: that pid is another process now",
			 m->pid);
		return DT_OWNER_GONE;
	}
	snprintf(why, whysz, "its runner (pid %ld) still runs", m->pid);
	flock(lock_fd, LOCK_UN);
	return DT_OWNER_ALIVE;
keep:
	flock(lock_fd, LOCK_UN);
	return DT_OWNER_UNKNOWN;
}

int dt_reap_marked_file(int dirfd, const char *name, const char *prefix,
			char *why, size_t whysz)
{
	struct stat st, now;
	struct dt_marker m;
	int fd, ret = 0;

	if (dt_marker_parse_name(name, prefix, &m) < 0) {
		snprintf(why, whysz, "no dmaptest marker in its name: not made by this dmaptest (remove it by hand if it is yours)");
		return 0;
	}
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, whysz, "%s", fd < 0 ? strerror(errno) :
			 "not a plain file");
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (st.st_uid != geteuid()) {
		snprintf(why, whysz, "another user's (uid %u)",
			 (unsigned int)st.st_uid);
	} else if (dt_marker_judge(&m, fd, why, whysz) != DT_OWNER_GONE) {
		/* why is said */
	} else if (fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW) < 0 ||
		   now.st_dev != st.st_dev || now.st_ino != st.st_ino) {
		snprintf(why, whysz, "replaced while being checked");
	} else if (unlinkat(dirfd, name, 0) < 0) {
		snprintf(why, whysz, "%s", strerror(errno));
		ret = -1;
	} else {
		ret = 1;
	}
	close(fd);
	return ret;
}

static int rm_fail(char *why, size_t whysz, const char *name,
		   const char *what)
{
	/* keep the first failure */
	if (why && !why[0])
		snprintf(why, whysz, "%s: %s", name, what);
	return -1;
}

/* where a folder is: its device and, where statx tells, its mount */
struct place {
	dev_t dev;
	uint64_t mnt_id;	/* 0: not known */
};

static int place_of(int dfd, const char *name, int flags, struct place *pl,
		    struct stat *st)
{
	struct statx stx;

	if (fstatat(dfd, name, st, flags | AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	pl->dev = st->st_dev;
	pl->mnt_id = 0;
	/* a bind mount of the same file system has the same st_dev */
	if (!statx(dfd, name, flags | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID,
		   &stx) && (stx.stx_mask & STATX_MNT_ID))
		pl->mnt_id = stx.stx_mnt_id;
	return 0;
}

static bool same_place(const struct place *a, const struct place *b)
{
	return a->dev == b->dev &&
	       (!a->mnt_id || !b->mnt_id || a->mnt_id == b->mnt_id);
}

static int rm_at(int dfd, const char *name, const struct place *home,
		 int depth, char *why, size_t whysz)
{
	struct stat st, st2;
	struct dirent *de;
	struct place pl;
	int fd, ret = 0, pass;
	DIR *d;

	if (place_of(dfd, name, 0, &pl, &st) < 0)
		return errno == ENOENT ? 0 :
		       rm_fail(why, whysz, name, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		/* a link is removed itself, never followed */
		if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
			return rm_fail(why, whysz, name, strerror(errno));
		return 0;
	}
	if (!same_place(&pl, home))
		return rm_fail(why, whysz, name,
			       "another file system is mounted there: not crossed");
	if (depth > RM_MAX_DEPTH)
		return rm_fail(why, whysz, name, "nested too deep");
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return rm_fail(why, whysz, name, strerror(errno));
	/* the folder opened must be the one looked at */
	if (fstat(fd, &st2) < 0 || st2.st_dev != st.st_dev ||
	    st2.st_ino != st.st_ino) {
		close(fd);
		return rm_fail(why, whysz, name, "changed while being removed");
	}
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return rm_fail(why, whysz, name, strerror(errno));
	}
	/* a second pass for what readdir missed while entries went */
	for (pass = 0; pass < 2; pass++) {
		rewinddir(d);
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			if (rm_at(dirfd(d), de->d_name, home, depth + 1, why,
				  whysz) < 0)
				ret = -1;
		}
		if (ret < 0 || !unlinkat(dfd, name, AT_REMOVEDIR) ||
		    errno == ENOENT) {
			closedir(d);
			return ret;
		}
		if (errno != ENOTEMPTY && errno != EEXIST)
			break;
	}
	ret = rm_fail(why, whysz, name, strerror(errno));
	closedir(d);
	return ret;
}

int dt_rmtree_at(int dirfd, const char *name, char *why, size_t whysz)
{
	struct place home;
	struct stat st;

	if (why && whysz)
		why[0] = '\0';
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..") ||
	    strchr(name, '/'))
		return rm_fail(why, whysz, name, "not a name in the folder");
	/* the folder holding name is home: nothing mounted below is */
	if (place_of(dirfd, "", AT_EMPTY_PATH, &home, &st) < 0)
		return rm_fail(why, whysz, name, strerror(errno));
	return rm_at(dirfd, name, &home, 0, why, whysz);
}

int dt_rmtree(const char *path, char *why, size_t whysz)
{
	char *a = strdup(path), *b = strdup(path);
	int fd, ret = -1;

	if (why && whysz)
		why[0] = '\0';
	if (!a || !b) {
		rm_fail(why, whysz, path, "out of memory");
		goto out;
	}
	fd = open(dirname(a), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			ret = 0;
		else
			rm_fail(why, whysz, path, strerror(errno));
		goto out;
	}
	ret = dt_rmtree_at(fd, basename(b), why, whysz);
	close(fd);
out:
	free(a);
	free(b);
	return ret;
}
