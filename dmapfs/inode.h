/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inode.h - the inode table: one entry per host inode the kernel knows
 * (looked up and not yet forgotten), keyed by (st_dev, st_ino). Each inode
 * holds an O_PATH fd, so every access is relative to a descriptor below
 * BACKING_DIR and no path can escape it, plus the host file the daemon
 * maps into the window and the inode's dmap index.
 */
#ifndef DM_INODE_H
#define DM_INODE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "dmap.h"
#include "host.h"

struct dm_inode {
	int fd;			/* O_PATH */
	dev_t dev;
	ino_t ino;
	mode_t type;		/* S_IFMT bits */
	uint64_t nlookup;	/* table lock */
	bool is_root;
	pthread_mutex_t lock;	/* opening hf */
	int open_err;		/* why hf is read-only, if it is */
	struct dm_hostfile hf;
	struct dm_tree tree;	/* window lock */
	struct dm_inode *next;	/* hash chain */
};

struct dm_itable {
	pthread_mutex_t lock;
	struct dm_inode **buckets;
	size_t nbuckets;
	size_t count;
};

int dm_itable_init(struct dm_itable *t);
void dm_itable_destroy(struct dm_itable *t);

/* Initialise @in (fd consumed) without adding it to a table. */
void dm_inode_init(struct dm_inode *in, int fd, const struct stat *st);
/* Add the root inode; it is never forgotten. */
void dm_itable_add_root(struct dm_itable *t, struct dm_inode *root);

/*
 * Find the inode of @st or add a new one owning @fd; either way the
 * lookup count grows by one. @fd is consumed. NULL: out of memory.
 */
struct dm_inode *dm_itable_get(struct dm_itable *t, int fd,
			       const struct stat *st);
/*
 * Drop @n lookups. Returns true when the inode left the table: the caller
 * then releases its dmaps and calls dm_inode_free().
 */
bool dm_itable_unref(struct dm_itable *t, struct dm_inode *in, uint64_t n);
void dm_inode_free(struct dm_inode *in);

/*
 * Open the host file for mapping (O_RDWR, else O_RDONLY), once.
 * 0, or a negative errno when not even a read-only open works.
 */
int dm_inode_open_host(struct dm_inode *in);

/* "/proc/self/fd/N" for an O_PATH fd */
void dm_fd_path(int fd, char *buf, size_t len);

#endif
