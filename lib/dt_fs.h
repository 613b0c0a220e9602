/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_fs.h - facts about the target file system through ordinary calls:
 * free space, the mount root of a path, allocated blocks of a file as the
 * file system reports them now (not a cached copy), and DAX state.
 */
#ifndef DT_FS_H
#define DT_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dt_space {
	uint64_t total;		/* f_blocks, bytes */
	uint64_t free;		/* f_bfree: what root may use at most */
	uint64_t avail;		/* f_bavail: what other users may use */
	uint64_t usable;	/* free for root, avail for anybody else */
	uint64_t bsize;		/* f_frsize */
};

int dt_space_get(const char *path, struct dt_space *s);

/* The mount point holding path: walk up while st_dev stays the same. */
int dt_mount_root(const char *path, char *out, size_t size);

/*
 * Allocated bytes (st_blocks * 512) of a file. Asks the file system
 * afresh (statx AT_STATX_FORCE_SYNC: FUSE refetches the attributes from
 * the daemon), since a guest's cached st_blocks can be stale after DAX
 * writes. Call dt_sync_fd() or dt_sync_path() first after writes.
 */
int dt_fresh_blocks(const char *path, uint64_t *bytes);
int dt_fresh_blocks_fd(int fd, uint64_t *bytes);

/* fsync the file, then syncfs its file system; -1 with errno set */
int dt_sync_fd(int fd);
/* syncfs the file system holding path */
int dt_sync_path(const char *path);

/* 1 when statx says the file is DAX-mapped, 0 when not, -1 unknown */
int dt_is_dax(int fd);

/* Drop the clean cached pages of a file (where the file system allows). */
void dt_drop_cache(int fd);

/*
 * Evict unused inodes and dentries (drop_caches 2: needs root), so that
 * a closed file's in-memory inode goes and the next open is a fresh one;
 * for FUSE with DAX that removes every mapping of the file (the kernel
 * in evict, a user-space daemon on the FORGET that follows). 0, or -1
 * with errno.
 */
int dt_evict_inodes(void);

/* Join a and b with one '/'; -1 when it does not fit. */
int dt_path(char *out, size_t size, const char *a, const char *b);
/*
 * The whole file as a NUL-terminated string (malloc'ed), its length in
 * *len when len is not NULL. More than max bytes (0: no limit) is EFBIG.
 */
char *dt_read_whole(const char *path, size_t max, size_t *len);

#endif
