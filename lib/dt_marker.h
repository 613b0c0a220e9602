/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_marker.h - whose is a file dmaptest left, and is its owner gone?
 *
 * Everything dmaptest may leave behind carries a marker: a scratch
 * folder holds a marker file, a ballast file has the marker in its name.
 * The marker is the owner's effective uid, the boot id, its pid and the
 * start time of that pid (/proc/PID/stat field 22). While the owner
 * lives it holds an flock() on the marker file (on the ballast file
 * itself), inherited by its children and never by an exec.
 *
 * A leftover may be removed only when it is this user's and its owner is
 * provably gone: its lock can be taken (a lock is the kernel's word, and
 * it holds across pid namespaces, where a pid means nothing), and the
 * owner ran in another boot, or in this boot its pid is gone or belongs
 * to a process started at another time. A lock that cannot be taken, or
 * that the file system cannot take at all, keeps the leftover.
 *
 * Removal never follows a link and never leaves the file system it
 * started on: dt_rmtree_at() walks with openat(O_NOFOLLOW|O_DIRECTORY)
 * and unlinkat(), checking st_dev, the mount id and the inode it opened.
 */
#ifndef DT_MARKER_H
#define DT_MARKER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define DT_MARKER_FILE		".dmaptest-marker"
#define DT_MARKER_BOOT_LEN	32	/* boot id without the dashes */

struct dt_marker {
	unsigned long euid;
	char boot[DT_MARKER_BOOT_LEN + 1];
	long pid;
	unsigned long long start;	/* clock ticks after boot */
	char host[65];			/* empty: not recorded (names) */
};

/* The marker of this process. */
void dt_marker_self(struct dt_marker *m);
/* Start time of pid (/proc/PID/stat field 22); -1 when it is gone. */
int dt_proc_start(pid_t pid, unsigned long long *start);

/* The marker file's text, and back; -1 when text is not a marker. */
void dt_marker_text(const struct dt_marker *m, char *buf, size_t size);
int dt_marker_parse(const char *text, struct dt_marker *m);
/* PREFIX<euid>.<boot>.<pid>.<start>, and back (-1: not such a name) */
int dt_marker_name(const struct dt_marker *m, const char *prefix, char *buf,
		   size_t size);
int dt_marker_parse_name(const char *name, const char *prefix,
			 struct dt_marker *m);

enum dt_owner {
	DT_OWNER_GONE,		/* ours, owner provably gone: lock held now */
	DT_OWNER_ALIVE,		/* ours and in use */
	DT_OWNER_OTHER,		/* not this user's, or another machine's */
	DT_OWNER_UNKNOWN,	/* cannot be proven either way: leave it */
};

/*
 * Judge the owner of marker m; lock_fd is the marker file (or the marked
 * file) opened by the caller. With DT_OWNER_GONE the lock is held on
 * lock_fd: remove the leftover, then close it. why says why, in words.
 */
enum dt_owner dt_marker_judge(const struct dt_marker *m, int lock_fd,
			      char *why, size_t whysz);

/*
 * A file marked in its name (PREFIX<marker>, e.g. a ballast) under dirfd:
 * remove it when it is this user's and its owner is provably gone.
 * 1 removed, 0 left (why says why), -1 it should go but could not.
 */
int dt_reap_marked_file(int dirfd, const char *name, const char *prefix,
			char *why, size_t whysz);

/*
 * Remove name under dirfd and everything in it, following no link and
 * never entering a mount point (another st_dev, or another mount id: a
 * bind mount of the same file system). 0 when it is all gone; -1 with
 * the first thing that could not go in why.
 */
int dt_rmtree_at(int dirfd, const char *name, char *why, size_t whysz);
/* The same for a path: its parent is opened, name removed under it. */
int dt_rmtree(const char *path, char *why, size_t whysz);

#endif
