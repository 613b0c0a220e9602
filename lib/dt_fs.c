// SPDX-License-Identifier: GPL-2.0-or-later
/* dt_fs.c - free space, mount root, fresh block counts, sync, DAX state */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "dt_fs.h"

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX	0x00200000
#endif

int dt_space_get(const char *path, struct dt_space *s)
{
	struct statvfs sv;

	if (statvfs(path, &sv) < 0)
		return -1;
	s->bsize = sv.f_frsize ? sv.f_frsize : sv.f_bsize;
	s->total = (uint64_t)sv.f_blocks * s->bsize;
	s->free = (uint64_t)sv.f_bfree * s->bsize;
	s->avail = (uint64_t)sv.f_bavail * s->bsize;
	s->usable = geteuid() == 0 ? s->free : s->avail;
	return 0;
}

int dt_mount_root(const char *path, char *out, size_t size)
{
	char cur[PATH_MAX], up[PATH_MAX + 4];
	struct stat st, st_up;

	if (!realpath(path, cur) || stat(cur, &st) < 0)
		return -1;
	while (strcmp(cur, "/")) {
		snprintf(up, sizeof(up), "%s/..", cur);
		if (stat(up, &st_up) < 0 || st_up.st_dev != st.st_dev)
			break;
		if (!realpath(up, cur))
			return -1;
	}
	if (snprintf(out, size, "%s", cur) >= (int)size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int fresh_blocks_at(int dirfd, const char *path, int flags,
			  uint64_t *bytes)
{
	struct statx stx;

	if (statx(dirfd, path, flags | AT_STATX_FORCE_SYNC, STATX_BLOCKS,
		  &stx) < 0)
		return -1;
	if (!(stx.stx_mask & STATX_BLOCKS)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	*bytes = stx.stx_blocks * 512;
	return 0;
}

int dt_fresh_blocks(const char *path, uint64_t *bytes)
{
	return fresh_blocks_at(AT_FDCWD, path, 0, bytes);
}

int dt_fresh_blocks_fd(int fd, uint64_t *bytes)
{
	return fresh_blocks_at(fd, "", AT_EMPTY_PATH, bytes);
}

int dt_sync_fd(int fd)
{
	if (fsync(fd) < 0)
		return -1;
	return syncfs(fd);
}

int dt_sync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret, err;

	if (fd < 0)
		return -1;
	ret = syncfs(fd);
	err = errno;
	close(fd);
	errno = err;
	return ret;
}

int dt_is_dax(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) < 0)
		return -1;
	if (!(stx.stx_attributes_mask & STATX_ATTR_DAX))
		return -1;
	return !!(stx.stx_attributes & STATX_ATTR_DAX);
}

void dt_drop_cache(int fd)
{
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
}

int dt_evict_inodes(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -1;
	n = write(fd, "2", 1);
	err = errno;
	close(fd);
	if (n != 1) {
		errno = n < 0 ? err : EIO;
		return -1;
	}
	return 0;
}

int dt_path(char *out, size_t size, const char *a, const char *b)
{
	size_t la = strlen(a);
	int n;

	while (la > 1 && a[la - 1] == '/')
		la--;
	n = snprintf(out, size, "%.*s/%s", (int)la, a, b);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

char *dt_read_whole(const char *path, size_t max, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1), *nb;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;
	ssize_t r;

	if (fd < 0 || !buf)
		goto fail;
	for (;;) {
		if (n == cap) {
			if (max && cap >= max) {
				errno = EFBIG;
				goto fail;
			}
			nb = realloc(buf, cap * 2 + 1);
			if (!nb)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (!r)
			break;
		n += r;
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	free(buf);
	errno = err;
	return NULL;
}
