// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ops_ctl.c - the control file ".dmapfs" at the mount root. It is served
 * from memory and never touches the window: reading gives a snapshot of
 * the counters and dmaps taken when the file is read at offset 0, writing
 * "reset" zeroes the counters.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "fs.h"
#include "log.h"

/* Taking the window lock for a snapshot never waits longer than this. */
#define CTL_LOCK_TIMEOUT_MS	1000

struct ctl_file {
	pthread_mutex_t lock;
	char *text;
	size_t len;
};

void dm_ctl_attr(struct dm_fs *fs, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = DM_CTL_INO;
	st->st_mode = S_IFREG | 0644;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	st->st_atim = fs->start;
	st->st_mtim = fs->start;
	st->st_ctim = fs->start;
}

void dm_ctl_entry(struct dm_fs *fs, struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = DM_CTL_NODEID;
	dm_ctl_attr(fs, &e->attr);
}

void dm_ctl_open(fuse_req_t req, struct fuse_file_info *fi)
{
	struct ctl_file *cf = calloc(1, sizeof(*cf));

	if (!cf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_init(&cf->lock, NULL);
	fi->fh = (uintptr_t)cf;
	/* st_size is 0: only direct I/O reads see the text */
	fi->direct_io = 1;
	fi->keep_cache = 0;
	fuse_reply_open(req, fi);
}

static int refresh(struct dm_fs *fs, struct ctl_file *cf)
{
	struct dm_ctl_conf conf = {
		.policy = &fs->opts.policy,
		.open_mode = dm_open_mode_name(fs->opts.open_mode),
		.mmap_shared = fs->mmap_shared,
		.conn_id = fs->conn_id,
		.reserve_unsupported = __atomic_load_n(
			&fs->host.reserve_unsupported, __ATOMIC_RELAXED),
	};
	struct dm_snapshot snap;
	char *text;
	size_t len;

	dm_window_snapshot(&fs->win, &snap, CTL_LOCK_TIMEOUT_MS);
	text = dm_ctl_format(&conf, &snap, &len);
	dm_snapshot_free(&snap);
	if (!text)
		return -ENOMEM;
	free(cf->text);
	cf->text = text;
	cf->len = len;
	return 0;
}

void dm_ctl_read(fuse_req_t req, size_t size, off_t off,
		 struct fuse_file_info *fi)
{
	struct ctl_file *cf = (struct ctl_file *)(uintptr_t)fi->fh;
	struct dm_fs *fs = dm_fs_of(req);
	char *out = NULL;
	int err = 0;

	/*
	 * Copy the slice out and reply without the lock: once the reply is
	 * out, RELEASE may free cf on another thread.
	 */
	pthread_mutex_lock(&cf->lock);
	if (off == 0 || !cf->text)
		err = refresh(fs, cf);
	if (!err && (size_t)off < cf->len) {
		if (size > cf->len - off)
			size = cf->len - off;
		out = malloc(size);
		if (out)
			memcpy(out, cf->text + off, size);
		else
			err = -ENOMEM;
	} else {
		size = 0;
	}
	pthread_mutex_unlock(&cf->lock);
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_buf(req, out, size);
	free(out);
}

void dm_ctl_write(fuse_req_t req, struct fuse_bufvec *bufv)
{
	struct dm_fs *fs = dm_fs_of(req);
	size_t size = fuse_buf_size(bufv);
	char buf[64];
	struct fuse_bufvec dst = FUSE_BUFVEC_INIT(sizeof(buf) - 1);
	ssize_t n;

	if (size >= sizeof(buf)) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	dst.buf[0].mem = buf;
	n = fuse_buf_copy(&dst, bufv, 0);
	if (n < 0) {
		fuse_reply_err(req, -n);
		return;
	}
	switch (dm_ctl_parse(buf, n)) {
	case DM_CTL_RESET:
		dm_window_reset_stats(&fs->win);
		dm_log("control: counters reset");
		fuse_reply_write(req, size);
		return;
	default:
		fuse_reply_err(req, EINVAL);
	}
}

void dm_ctl_release(fuse_req_t req, struct fuse_file_info *fi)
{
	struct ctl_file *cf = (struct ctl_file *)(uintptr_t)fi->fh;

	if (cf) {
		free(cf->text);
		pthread_mutex_destroy(&cf->lock);
		free(cf);
	}
	fuse_reply_err(req, 0);
}
