// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inode.c - the inode table.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inode.h"

#define INITIAL_BUCKETS	1024

int dm_itable_init(struct dm_itable *t)
{
	memset(t, 0, sizeof(*t));
	t->buckets = calloc(INITIAL_BUCKETS, sizeof(*t->buckets));
	if (!t->buckets)
		return -ENOMEM;
	t->nbuckets = INITIAL_BUCKETS;
	pthread_mutex_init(&t->lock, NULL);
	return 0;
}

void dm_itable_destroy(struct dm_itable *t)
{
	size_t i;

	for (i = 0; i < t->nbuckets; i++) {
		struct dm_inode *in = t->buckets[i], *next;

		for (; in; in = next) {
			next = in->next;
			if (!in->is_root)
				dm_inode_free(in);
		}
	}
	free(t->buckets);
	t->buckets = NULL;
	pthread_mutex_destroy(&t->lock);
}

static size_t hash(dev_t dev, ino_t ino, size_t n)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev;

	return (h ^ (h >> 29)) & (n - 1);
}

static void grow(struct dm_itable *t)
{
	size_t n = t->nbuckets * 2, i;
	struct dm_inode **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	for (i = 0; i < t->nbuckets; i++) {
		struct dm_inode *in = t->buckets[i], *next;

		for (; in; in = next) {
			size_t h = hash(in->dev, in->ino, n);

			next = in->next;
			in->next = b[h];
			b[h] = in;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
}

void dm_inode_init(struct dm_inode *in, int fd, const struct stat *st)
{
	memset(in, 0, sizeof(*in));
	in->fd = fd;
	in->dev = st->st_dev;
	in->ino = st->st_ino;
	in->type = st->st_mode & S_IFMT;
	pthread_mutex_init(&in->lock, NULL);
	in->hf.fd = -1;
	in->hf.path_fd = fd;
	in->hf.ino = st->st_ino;
	dm_tree_init(&in->tree, &in->hf);
}

static void insert(struct dm_itable *t, struct dm_inode *in)
{
	size_t h;

	if (t->count >= t->nbuckets * 2)
		grow(t);
	h = hash(in->dev, in->ino, t->nbuckets);
	in->next = t->buckets[h];
	t->buckets[h] = in;
	t->count++;
}

void dm_itable_add_root(struct dm_itable *t, struct dm_inode *root)
{
	root->is_root = true;
	root->nlookup = 1;
	pthread_mutex_lock(&t->lock);
	insert(t, root);
	pthread_mutex_unlock(&t->lock);
}

struct dm_inode *dm_itable_get(struct dm_itable *t, int fd,
			       const struct stat *st)
{
	struct dm_inode *in;

	pthread_mutex_lock(&t->lock);
	in = t->buckets[hash(st->st_dev, st->st_ino, t->nbuckets)];
	for (; in; in = in->next)
		if (in->dev == st->st_dev && in->ino == st->st_ino)
			break;
	if (in) {
		in->nlookup++;
		pthread_mutex_unlock(&t->lock);
		close(fd);
		return in;
	}
	in = malloc(sizeof(*in));
	if (!in) {
		pthread_mutex_unlock(&t->lock);
		close(fd);
		return NULL;
	}
	dm_inode_init(in, fd, st);
	in->nlookup = 1;
	insert(t, in);
	pthread_mutex_unlock(&t->lock);
	return in;
}

bool dm_itable_unref(struct dm_itable *t, struct dm_inode *in, uint64_t n)
{
	struct dm_inode **pp;

	pthread_mutex_lock(&t->lock);
	if (in->is_root || in->nlookup > n) {
		if (!in->is_root)
			in->nlookup -= n;
		pthread_mutex_unlock(&t->lock);
		return false;
	}
	in->nlookup = 0;
	pp = &t->buckets[hash(in->dev, in->ino, t->nbuckets)];
	for (; *pp; pp = &(*pp)->next) {
		if (*pp == in) {
			*pp = in->next;
			t->count--;
			break;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return true;
}

void dm_inode_free(struct dm_inode *in)
{
	if (in->hf.fd >= 0)
		close(in->hf.fd);
	if (in->fd >= 0)
		close(in->fd);
	pthread_mutex_destroy(&in->lock);
	free(in->tree.ents);
	free(in);
}

void dm_fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

int dm_inode_open_host(struct dm_inode *in)
{
	char path[64];
	int fd, err = 0;

	if (__atomic_load_n(&in->hf.fd, __ATOMIC_ACQUIRE) >= 0)
		return 0;
	pthread_mutex_lock(&in->lock);
	if (in->hf.fd >= 0)
		goto out;
	dm_fd_path(in->fd, path, sizeof(path));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		in->hf.rw = true;
	} else {
		in->open_err = -errno;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			err = -errno;
			goto out;
		}
	}
	__atomic_store_n(&in->hf.fd, fd, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&in->lock);
	return err;
}
