// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ops.c - FUSE operations on names, attributes, directories and xattrs.
 * Every host access is relative to an inode's O_PATH descriptor.
 * File data is in ops_io.c, the control file in ops_ctl.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ctl.h"
#include "fs.h"
#include "log.h"

bool dm_is_ctl_name(fuse_ino_t parent, const char *name)
{
	return parent == FUSE_ROOT_ID && !strcmp(name, DT_CTL_NAME);
}

static bool bad_name(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..") ||
	       strchr(name, '/');
}

static void reply_errno(fuse_req_t req, int err)
{
	fuse_reply_err(req, err < 0 ? -err : err);
}

int dm_do_lookup(struct dm_fs *fs, struct dm_inode *parent,
		 const char *name, struct fuse_entry_param *e)
{
	struct dm_inode *in;
	struct stat st;
	int fd;

	if (bad_name(name))
		return -ENOENT;
	fd = openat(parent->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		int err = -errno;

		close(fd);
		return err;
	}
	in = dm_itable_get(&fs->itable, fd, &st);
	if (!in)
		return -ENOMEM;
	memset(e, 0, sizeof(*e));
	e->ino = dm_nodeid(in);
	e->attr = st;
	e->attr_timeout = fs->timeout;
	e->entry_timeout = fs->timeout;
	return 0;
}

void dm_forget_one(struct dm_fs *fs, struct dm_inode *in, uint64_t n)
{
	if (!dm_itable_unref(&fs->itable, in, n))
		return;
	dm_tree_release(&fs->win, &in->tree);
	dm_inode_free(in);
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	struct dm_fs *fs = userdata;

	conn->max_write = DM_MAX_IO;
	/* the custom io has no splice: every request goes through it */
	conn->want &= ~(FUSE_CAP_SPLICE_READ | FUSE_CAP_SPLICE_WRITE |
			FUSE_CAP_SPLICE_MOVE);
	conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
	if (conn->capable & FUSE_CAP_EXPORT_SUPPORT)
		conn->want &= ~FUSE_CAP_EXPORT_SUPPORT;
	dm_debug("init: kernel %u.%u, max_write %u", conn->proto_major,
		 conn->proto_minor, conn->max_write);
	(void)fs;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct dm_fs *fs = dm_fs_of(req);
	struct fuse_entry_param e;
	int err;

	if (dm_is_ctl_name(parent, name)) {
		dm_ctl_entry(fs, &e);
		fuse_reply_entry(req, &e);
		return;
	}
	err = dm_do_lookup(fs, dm_inode_of(fs, parent), name, &e);
	if (err)
		reply_errno(req, err);
	else
		fuse_reply_entry(req, &e);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct dm_fs *fs = dm_fs_of(req);

	if (ino != DM_CTL_NODEID)
		dm_forget_one(fs, dm_inode_of(fs, ino), nlookup);
	fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count,
			    struct fuse_forget_data *forgets)
{
	struct dm_fs *fs = dm_fs_of(req);
	size_t i;

	for (i = 0; i < count; i++)
		if (forgets[i].ino != DM_CTL_NODEID)
			dm_forget_one(fs, dm_inode_of(fs, forgets[i].ino),
				      forgets[i].nlookup);
	fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct dm_fs *fs = dm_fs_of(req);
	struct stat st;

	if (ino == DM_CTL_NODEID) {
		dm_ctl_attr(fs, &st);
		fuse_reply_attr(req, &st, 0);
		return;
	}
	if (fstatat(dm_inode_of(fs, ino)->fd, "", &st,
		    AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		reply_errno(req, errno);
		return;
	}
	fuse_reply_attr(req, &st, fs->timeout);
}

static int set_times(struct dm_inode *in, const struct stat *attr,
		     int to_set)
{
	struct timespec ts[2];
	char path[64];

	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_OMIT;
	if (to_set & FUSE_SET_ATTR_ATIME_NOW)
		ts[0].tv_nsec = UTIME_NOW;
	else if (to_set & FUSE_SET_ATTR_ATIME)
		ts[0] = attr->st_atim;
	if (to_set & FUSE_SET_ATTR_MTIME_NOW)
		ts[1].tv_nsec = UTIME_NOW;
	else if (to_set & FUSE_SET_ATTR_MTIME)
		ts[1] = attr->st_mtim;
	if (in->type == S_IFLNK)
		return utimensat(in->fd, "", ts,
				 AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) ?
		       -errno : 0;
	dm_fd_path(in->fd, path, sizeof(path));
	return utimensat(AT_FDCWD, path, ts, 0) ? -errno : 0;
}

static int set_attr(struct dm_inode *in, const struct stat *attr,
		    int to_set)
{
	char path[64];
	int err;

	if (to_set & FUSE_SET_ATTR_MODE) {
		if (in->type == S_IFLNK)
			return -EOPNOTSUPP;
		dm_fd_path(in->fd, path, sizeof(path));
		if (chmod(path, attr->st_mode & 07777))
			return -errno;
	}
	if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		uid_t uid = (to_set & FUSE_SET_ATTR_UID) ?
			    attr->st_uid : (uid_t)-1;
		gid_t gid = (to_set & FUSE_SET_ATTR_GID) ?
			    attr->st_gid : (gid_t)-1;

		if (fchownat(in->fd, "", uid, gid,
			     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
			return -errno;
	}
	if (to_set & FUSE_SET_ATTR_SIZE) {
		err = dm_inode_open_host(in);
		if (err)
			return err;
		if (!in->hf.rw)
			return in->open_err ? in->open_err : -EACCES;
		if (ftruncate(in->hf.fd, attr->st_size))
			return -errno;
	}
	if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
		      FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW))
		return set_times(in, attr, to_set);
	return 0;
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int to_set, struct fuse_file_info *fi)
{
	struct dm_fs *fs = dm_fs_of(req);
	struct dm_inode *in;
	int err;

	if (ino == DM_CTL_NODEID) {
		/* O_TRUNC of the control file: nothing to truncate */
		struct stat st;

		dm_ctl_attr(fs, &st);
		fuse_reply_attr(req, &st, 0);
		return;
	}
	in = dm_inode_of(fs, ino);
	err = set_attr(in, attr, to_set);
	if (err) {
		reply_errno(req, err);
		return;
	}
	op_getattr(req, ino, fi);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct dm_fs *fs = dm_fs_of(req);
	char buf[PATH_MAX + 1];
	ssize_t n;

	n = readlinkat(dm_inode_of(fs, ino)->fd, "", buf, sizeof(buf));
	if (n < 0) {
		reply_errno(req, errno);
		return;
	}
	if (n == sizeof(buf)) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	buf[n] = '\0';
	fuse_reply_readlink(req, buf);
}

/* Give a new host object to the caller, then reply with its entry. */
static void reply_new(fuse_req_t req, struct dm_inode *parent,
		      const char *name)
{
	struct dm_fs *fs = dm_fs_of(req);
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct fuse_entry_param e;
	int err;

	if (ctx->uid != geteuid() || ctx->gid != getegid())
		fchownat(parent->fd, name, ctx->uid, ctx->gid,
			 AT_SYMLINK_NOFOLLOW);
	err = dm_do_lookup(fs, parent, name, &e);
	if (err)
		reply_errno(req, err);
	else
		fuse_reply_entry(req, &e);
}

static void make_node(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, dev_t rdev, const char *link)
{
	struct dm_fs *fs = dm_fs_of(req);
	struct dm_inode *dir = dm_inode_of(fs, parent);
	int res;

	if (dm_is_ctl_name(parent, name)) {
		fuse_reply_err(req, EEXIST);
		return;
	}
	if (bad_name(name)) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	if (link)
		res = symlinkat(link, dir->fd, name);
	else if (S_ISDIR(mode))
		res = mkdirat(dir->fd, name, mode & 07777);
	else
		res = mknodat(dir->fd, name, mode, rdev);
	if (res) {
		reply_errno(req, errno);
		return;
	}
	reply_new(req, dir, name);
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev)
{
	make_node(req, parent, name, mode, rdev, NULL);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	make_node(req, parent, name, S_IFDIR | mode, 0, NULL);
}

static void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		       const char *name)
{
	make_node(req, parent, name, S_IFLNK, 0, link);
}

static void remove_name(fuse_req_t req, fuse_ino_t parent, const char *name,
			int flags)
{
	struct dm_fs *fs = dm_fs_of(req);

	if (dm_is_ctl_name(parent, name)) {
		fuse_reply_err(req, EPERM);
		return;
	}
	if (unlinkat(dm_inode_of(fs, parent)->fd, name, flags))
		reply_errno(req, errno);
	else
		fuse_reply_err(req, 0);
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	remove_name(req, parent, name, 0);
}

static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	remove_name(req, parent, name, AT_REMOVEDIR);
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname,
		      unsigned int flags)
{
	struct dm_fs *fs = dm_fs_of(req);

	if (dm_is_ctl_name(parent, name) ||
	    dm_is_ctl_name(newparent, newname)) {
		fuse_reply_err(req, EPERM);
		return;
	}
	if (renameat2(dm_inode_of(fs, parent)->fd, name,
		      dm_inode_of(fs, newparent)->fd, newname, flags))
		reply_errno(req, errno);
	else
		fuse_reply_err(req, 0);
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		    const char *newname)
{
	struct dm_fs *fs = dm_fs_of(req);
	struct dm_inode *dir = dm_inode_of(fs, newparent);
	struct fuse_entry_param e;
	int err;

	if (ino == DM_CTL_NODEID || dm_is_ctl_name(newparent, newname)) {
		fuse_reply_err(req, EPERM);
		return;
	}
	if (linkat(dm_inode_of(fs, ino)->fd, "", dir->fd, newname,
		   AT_EMPTY_PATH)) {
		reply_errno(req, errno);
		return;
	}
	err = dm_do_lookup(fs, dir, newname, &e);
	if (err)
		reply_errno(req, err);
	else
		fuse_reply_entry(req, &e);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct dm_fs *fs = dm_fs_of(req);
	struct statvfs sv;

	if (fstatvfs(fs->root.fd, &sv))
		reply_errno(req, errno);
	else
		fuse_reply_statfs(req, &sv);
}

/* ---- directories ---- */

struct dm_dir {
	DIR *dp;
	off_t offset;
	struct dirent *entry;
};

static void op_opendir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct dm_fs *fs = dm_fs_of(req);
	struct dm_dir *d;
	int fd;

	d = calloc(1, sizeof(*d));
	if (!d) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	fd = openat(dm_inode_of(fs, ino)->fd, ".",
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	d->dp = fdopendir(fd);
	if (!d->dp) {
		close(fd);
		goto fail;
	}
	fi->fh = (uintptr_t)d;
	fuse_reply_open(req, fi);
	return;
fail:
	reply_errno(req, errno);
	free(d);
}

static bool is_dot(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

static void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
		       off_t off, struct fuse_file_info *fi, bool plus)
{
	struct dm_fs *fs = dm_fs_of(req);
	struct dm_dir *d = (struct dm_dir *)(uintptr_t)fi->fh;
	struct dm_inode *dir = dm_inode_of(fs, ino);
	size_t rem = size;
	char *buf, *p;
	int err = 0;

	buf = calloc(1, size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (off != d->offset) {
		seekdir(d->dp, off);
		d->entry = NULL;
		d->offset = off;
	}
	p = buf;
	for (;;) {
		struct fuse_entry_param e;
		const char *name;
		off_t next;
		size_t len;

		if (!d->entry) {
			errno = 0;
			d->entry = readdir(d->dp);
			if (!d->entry) {
				err = errno;
				break;
			}
		}
		name = d->entry->d_name;
		next = d->entry->d_off;
		if (dm_is_ctl_name(ino, name)) {
			d->entry = NULL;
			d->offset = next;
			continue;
		}
		memset(&e, 0, sizeof(e));
		e.attr.st_ino = d->entry->d_ino;
		e.attr.st_mode = (mode_t)d->entry->d_type << 12;
		if (plus && !is_dot(name)) {
			err = -dm_do_lookup(fs, dir, name, &e);
			if (err == ENOENT) {
				/* gone meanwhile: skip it */
				err = 0;
				d->entry = NULL;
				d->offset = next;
				continue;
			}
			if (err)
				break;
		}
		if (plus)
			len = fuse_add_direntry_plus(req, p, rem, name, &e,
						     next);
		else
			len = fuse_add_direntry(req, p, rem, name, &e.attr,
						next);
		if (len > rem) {
			if (e.ino)
				dm_forget_one(fs, dm_inode_of(fs, e.ino), 1);
			break;
		}
		p += len;
		rem -= len;
		d->entry = NULL;
		d->offset = next;
	}
	if (err && rem == size)
		fuse_reply_err(req, err);
	else
		fuse_reply_buf(req, buf, size - rem);
	free(buf);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
		       off_t off, struct fuse_file_info *fi)
{
	do_readdir(req, ino, size, off, fi, false);
}

static void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
			   off_t off, struct fuse_file_info *fi)
{
	do_readdir(req, ino, size, off, fi, true);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct dm_dir *d = (struct dm_dir *)(uintptr_t)fi->fh;

	closedir(d->dp);
	free(d);
	fuse_reply_err(req, 0);
}

static void op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
			struct fuse_file_info *fi)
{
	struct dm_dir *d = (struct dm_dir *)(uintptr_t)fi->fh;
	int fd = dirfd(d->dp);
	int res = datasync ? fdatasync(fd) : fsync(fd);

	fuse_reply_err(req, res ? errno : 0);
}

/* ---- extended attributes ---- */

static int xattr_path(fuse_req_t req, fuse_ino_t ino, char *path,
		      size_t len)
{
	struct dm_fs *fs = dm_fs_of(req);
	struct dm_inode *in;

	if (ino == DM_CTL_NODEID)
		return -ENOTSUP;
	in = dm_inode_of(fs, ino);
	if (in->type == S_IFLNK)
		return -ENOTSUP;
	dm_fd_path(in->fd, path, len);
	return 0;
}

static void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			const char *value, size_t size, int flags)
{
	char path[64];
	int err = xattr_path(req, ino, path, sizeof(path));

	if (!err && setxattr(path, name, value, size, flags))
		err = -errno;
	reply_errno(req, err);
}

static void reply_xattr_buf(fuse_req_t req, size_t size, ssize_t n,
			    const char *buf)
{
	if (n < 0)
		reply_errno(req, errno);
	else if (!size)
		fuse_reply_xattr(req, n);
	else
		fuse_reply_buf(req, buf, n);
}

static void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			size_t size)
{
	char path[64], *buf = NULL;
	int err = xattr_path(req, ino, path, sizeof(path));
	ssize_t n;

	if (err) {
		reply_errno(req, err);
		return;
	}
	if (size) {
		buf = malloc(size);
		if (!buf) {
			fuse_reply_err(req, ENOMEM);
			return;
		}
	}
	n = getxattr(path, name, buf, size);
	reply_xattr_buf(req, size, n, buf);
	free(buf);
}

static void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	char path[64], *buf = NULL;
	int err = xattr_path(req, ino, path, sizeof(path));
	ssize_t n;

	if (err) {
		/* no xattrs, rather than an error, for listing */
		if (err == -ENOTSUP && !size)
			fuse_reply_xattr(req, 0);
		else if (err == -ENOTSUP)
			fuse_reply_buf(req, NULL, 0);
		else
			reply_errno(req, err);
		return;
	}
	if (size) {
		buf = malloc(size);
		if (!buf) {
			fuse_reply_err(req, ENOMEM);
			return;
		}
	}
	n = listxattr(path, buf, size);
	reply_xattr_buf(req, size, n, buf);
	free(buf);
}

static void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	char path[64];
	int err = xattr_path(req, ino, path, sizeof(path));

	if (!err && removexattr(path, name))
		err = -errno;
	reply_errno(req, err);
}

const struct fuse_lowlevel_ops dm_ops = {
	.init		= op_init,
	.lookup		= op_lookup,
	.forget		= op_forget,
	.forget_multi	= op_forget_multi,
	.getattr	= op_getattr,
	.setattr	= op_setattr,
	.readlink	= op_readlink,
	.mknod		= op_mknod,
	.mkdir		= op_mkdir,
	.symlink	= op_symlink,
	.unlink		= op_unlink,
	.rmdir		= op_rmdir,
	.rename		= op_rename,
	.link		= op_link,
	.statfs		= op_statfs,
	.opendir	= op_opendir,
	.readdir	= op_readdir,
	.readdirplus	= op_readdirplus,
	.releasedir	= op_releasedir,
	.fsyncdir	= op_fsyncdir,
	.setxattr	= op_setxattr,
	.getxattr	= op_getxattr,
	.listxattr	= op_listxattr,
	.removexattr	= op_removexattr,
	.open		= dm_op_open,
	.create		= dm_op_create,
	.read		= dm_op_read,
	.write_buf	= dm_op_write_buf,
	.flush		= dm_op_flush,
	.release	= dm_op_release,
	.fsync		= dm_op_fsync,
	.fallocate	= dm_op_fallocate,
};
