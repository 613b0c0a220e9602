// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ops_io.c - file data: every READ and WRITE is served through the DAX
 * window. A request is split at 2 MiB range boundaries; for each range
 * the client policy gives a dmap (dmap.c), the vCPU touches the pages
 * (host.c: read or write faults, possibly a stall), and the data is copied
 * between the slot and the request: READ replies with the slot memory
 * itself (writev from the window, no bounce buffer), WRITE copies the
 * request into the slot. Writes that extend the file bypass the window,
 * as upstream sends them as plain FUSE_WRITE.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "fs.h"
#include "log.h"

/* a 1 MiB request spans at most two ranges; allow for larger ones */
#define MAX_PIECES	8

static int reply_err(fuse_req_t req, int err)
{
	if (err < 0)
		err = -err;
	/* the connection is going away: no one reads the reply */
	if (err == ENOTCONN)
		err = EIO;
	return fuse_reply_err(req, err);
}

static struct dm_inode *open_inode(struct dm_fs *fs, fuse_ino_t ino,
				   int *err)
{
	struct dm_inode *in = dm_inode_of(fs, ino);

	*err = dm_inode_open_host(in);
	return in;
}

static void set_open_flags(struct dm_fs *fs, struct fuse_file_info *fi)
{
	fi->direct_io = fs->opts.open_mode == DM_OPEN_DIRECT;
	fi->keep_cache = 0;
	fi->fh = 0;
}

void dm_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct dm_fs *fs = dm_fs_of(req);
	struct dm_inode *in;
	int err;

	if (ino == DM_CTL_NODEID) {
		dm_ctl_open(req, fi);
		return;
	}
	in = open_inode(fs, ino, &err);
	if (err) {
		reply_err(req, err);
		return;
	}
	if ((fi->flags & O_ACCMODE) != O_RDONLY && !in->hf.rw) {
		reply_err(req, in->open_err ? in->open_err : -EACCES);
		return;
	}
	if ((fi->flags & O_TRUNC) && ftruncate(in->hf.fd, 0)) {
		reply_err(req, -errno);
		return;
	}
	set_open_flags(fs, fi);
	fuse_reply_open(req, fi);
}

void dm_op_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode, struct fuse_file_info *fi)
{
	struct dm_fs *fs = dm_fs_of(req);
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct dm_inode *dir = dm_inode_of(fs, parent);
	struct fuse_entry_param e;
	int fd, err;

	memset(&e, 0, sizeof(e));
	if (dm_is_ctl_name(parent, name)) {
		fuse_reply_err(req, EEXIST);
		return;
	}
	if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	fd = openat(dir->fd, name, O_CREAT | O_WRONLY | O_NOFOLLOW |
		    O_CLOEXEC | (fi->flags & (O_EXCL | O_TRUNC)), mode);
	if (fd < 0) {
		reply_err(req, -errno);
		return;
	}
	if (ctx->uid != geteuid() || ctx->gid != getegid())
		fchown(fd, ctx->uid, ctx->gid);
	close(fd);
	err = dm_do_lookup(fs, dir, name, &e);
	if (!err)
		err = dm_inode_open_host(dm_inode_of(fs, e.ino));
	if (err) {
		if (e.ino)
			dm_forget_one(fs, dm_inode_of(fs, e.ino), 1);
		reply_err(req, err);
		return;
	}
	set_open_flags(fs, fi);
	fuse_reply_create(req, &e, fi);
}

/*
 * A FUSE request waiting for a busy window. Upstream's read/write path
 * waits killably: only a fatal signal ends the wait. The kernel sends
 * FUSE_INTERRUPT for any signal, so an interrupted request gives up only
 * when its task has SIGKILL pending (a fatal signal is one by then) or
 * is gone; a caught signal leaves it waiting, as upstream.
 */
static void req_wake(fuse_req_t req, void *arg)
{
	struct dm_fs *fs = arg;

	pthread_cond_broadcast(&fs->win.cond);
}

static void req_prepare(void *arg)
{
	fuse_req_t req = arg;

	fuse_req_interrupt_func(req, req_wake, dm_fs_of(req));
}

/* Has task @pid SIGKILL pending, or is it gone? */
static bool task_dying(pid_t pid)
{
	unsigned long long mask;
	char path[64], line[256];
	bool dying = false;
	FILE *f;

	if (pid <= 0)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return true;
	while (!dying && fgets(line, sizeof(line), f)) {
		if ((sscanf(line, "SigPnd: %llx", &mask) == 1 ||
		     sscanf(line, "ShdPnd: %llx", &mask) == 1) &&
		    (mask & (1ULL << (SIGKILL - 1))))
			dying = true;
	}
	fclose(f);
	return dying;
}

static bool req_gave_up(void *arg)
{
	fuse_req_t req = arg;

	return fuse_req_interrupted(req) && task_dying(fuse_req_ctx(req)->pid);
}

static void req_waiter(fuse_req_t req, struct dm_waiter *w)
{
	w->prepare = req_prepare;
	w->gave_up = req_gave_up;
	w->arg = req;
}

static int host_size(struct dm_inode *in, uint64_t *size)
{
	struct stat st;

	if (fstat(in->hf.fd, &st))
		return -errno;
	*size = st.st_size;
	return 0;
}

/*
 * A read that holds slots and finds no free one for its next range must
 * not wait holding them (readers holding one slot each could wait for
 * each other forever), and must not stop short either: the kernel takes
 * a short read of a page cache fill as the end of the file and shrinks
 * i_size, so an mmap reader past that point gets SIGBUS. So copy what it
 * holds into a buffer, give the slots back, and let it wait like any
 * other request. Rare: the common read replies from the window itself.
 */
static int bounce_held(struct dm_fs *fs, struct iovec *iov, int *niov,
		       struct dm_ref *refs, int *nref, char **bounce)
{
	size_t total = 0, at = 0;
	char *buf;
	int i, err;

	for (i = 0; i < *niov; i++)
		total += iov[i].iov_len;
	buf = malloc(total);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < *niov; i++) {
		err = dm_host_copy(&fs->host, buf + at, iov[i].iov_base,
				   iov[i].iov_len);
		if (err) {
			free(buf);
			return err;
		}
		at += iov[i].iov_len;
	}
	for (i = 0; i < *nref; i++)
		dm_put(&fs->win, &refs[i]);
	*nref = 0;
	free(*bounce);
	*bounce = buf;
	iov[0].iov_base = buf;
	iov[0].iov_len = total;
	*niov = 1;
	dm_stat_inc(fs->win.stats.read_bounces);
	return 0;
}

void dm_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		struct fuse_file_info *fi)
{
	struct dm_fs *fs = dm_fs_of(req);
	struct dm_ref refs[MAX_PIECES];
	struct iovec iov[MAX_PIECES];
	struct dm_waiter waiter;
	struct dm_inode *in;
	uint64_t fsize = 0, pos, end;
	int niov = 0, nref = 0, i, err;
	char *bounce = NULL;

	if (ino == DM_CTL_NODEID) {
		dm_ctl_read(req, size, off, fi);
		return;
	}
	in = open_inode(fs, ino, &err);
	if (!err)
		err = host_size(in, &fsize);
	if (err) {
		reply_err(req, err);
		return;
	}
	/* never touch slot pages beyond the host EOF */
	if ((uint64_t)off >= fsize) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	end = fsize - off < size ? fsize : off + size;
	req_waiter(req, &waiter);
	for (pos = off; pos < end && niov < MAX_PIECES; ) {
		uint64_t idx = pos >> DM_RANGE_SHIFT;
		size_t in_off = pos & (DM_RANGE_SIZE - 1);
		size_t len = DM_RANGE_SIZE - in_off;
		char *addr;

		if (len > end - pos)
			len = end - pos;
		/* hold-and-wait for a second slot could deadlock: no wait */
		err = dm_get_wait(&fs->win, &in->tree, idx,
				  nref ? DM_GET_NOWAIT : 0, &waiter,
				  &refs[nref]);
		if (err == -EBUSY && nref) {
			err = bounce_held(fs, iov, &niov, refs, &nref,
					  &bounce);
			if (!err)
				continue;
		}
		if (err)
			break;
		addr = (char *)refs[nref].addr + in_off;
		/* a read access faults like a read, RW dmap or not */
		err = dm_host_touch(&fs->host, &in->hf, addr, pos, len, false);
		if (err) {
			dm_put(&fs->win, &refs[nref]);
			break;
		}
		nref++;
		iov[niov].iov_base = addr;
		iov[niov].iov_len = len;
		niov++;
		pos += len;
	}
	/* a failure after some bytes gives a short read, like the kernel */
	if (niov)
		fuse_reply_iov(req, iov, niov);
	else
		reply_err(req, err);
	for (i = 0; i < nref; i++)
		dm_put(&fs->win, &refs[i]);
	free(bounce);
}

/*
 * A write that extends the file: upstream sends it as a plain FUSE_WRITE
 * (fuse_dax_write_iter: file_extending_write), no dmap: the daemon writes
 * the host file, and a full host gives a clean ENOSPC. Returns the bytes
 * written, or a negative errno when none were.
 */
static ssize_t plain_write(struct dm_fs *fs, struct dm_inode *in,
			   const char *src, uint64_t off, size_t size)
{
	size_t done = 0;

	dm_stat_inc(fs->win.stats.plain_writes);
	while (done < size) {
		ssize_t n = pwrite(in->hf.fd, src + done, size - done,
				   off + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return done ? (ssize_t)done : n < 0 ? -errno : -EIO;
		done += n;
	}
	return done;
}

static int write_range(struct dm_fs *fs, struct dm_inode *in,
		       fuse_req_t req, const char *src, uint64_t pos,
		       size_t len)
{
	size_t in_off = pos & (DM_RANGE_SIZE - 1);
	struct dm_waiter waiter;
	struct dm_ref ref;
	char *addr;
	int err;

	req_waiter(req, &waiter);
	err = dm_get_wait(&fs->win, &in->tree, pos >> DM_RANGE_SHIFT,
			  DM_GET_WRITE, &waiter, &ref);
	if (err)
		return err;
	addr = (char *)ref.addr + in_off;
	/* no-upgrade hands out a read-only dmap: the store faults below */
	if (ref.writable)
		err = dm_host_touch(&fs->host, &in->hf, addr, pos, len, true);
	if (!err)
		err = dm_host_copy(&fs->host, addr, src, len);
	if (err == -EFAULT)
		err = dm_host_ro_store(&fs->host, pos);
	dm_put(&fs->win, &ref);
	return err;
}

void dm_op_write_buf(fuse_req_t req, fuse_ino_t ino,
		     struct fuse_bufvec *bufv, off_t off,
		     struct fuse_file_info *fi)
{
	struct dm_fs *fs = dm_fs_of(req);
	size_t size = fuse_buf_size(bufv), done = 0;
	struct dm_inode *in;
	const char *src;
	char *bounce = NULL;
	uint64_t fsize = 0;
	int err;

	if (ino == DM_CTL_NODEID) {
		dm_ctl_write(req, bufv);
		return;
	}
	in = open_inode(fs, ino, &err);
	if (!err && !in->hf.rw)
		err = in->open_err ? in->open_err : -EACCES;
	if (!err)
		err = host_size(in, &fsize);
	if (err) {
		reply_err(req, err);
		return;
	}
	if (bufv->count == 1 && !(bufv->buf[0].flags & FUSE_BUF_IS_FD)) {
		src = (const char *)bufv->buf[0].mem + bufv->off;
	} else {
		struct fuse_bufvec dst = FUSE_BUFVEC_INIT(size);
		ssize_t n;

		bounce = malloc(size ? size : 1);
		if (!bounce) {
			reply_err(req, -ENOMEM);
			return;
		}
		dst.buf[0].mem = bounce;
		n = fuse_buf_copy(&dst, bufv, 0);
		if (n < 0) {
			free(bounce);
			reply_err(req, n);
			return;
		}
		size = n;
		src = bounce;
	}
	if (off + size > fsize) {
		ssize_t n = plain_write(fs, in, src, off, size);

		if (n < 0)
			err = n;
		else
			done = n;
	}
	while (off + size <= fsize && done < size) {
		uint64_t pos = off + done;
		size_t len = DM_RANGE_SIZE - (pos & (DM_RANGE_SIZE - 1));

		if (len > size - done)
			len = size - done;
		err = write_range(fs, in, req, src + done, pos, len);
		if (err)
			break;
		done += len;
	}
	if (done)
		fuse_reply_write(req, done);
	else
		reply_err(req, err);
	free(bounce);
}

void dm_op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

void dm_op_release(fuse_req_t req, fuse_ino_t ino,
		   struct fuse_file_info *fi)
{
	if (ino == DM_CTL_NODEID) {
		dm_ctl_release(req, fi);
		return;
	}
	fuse_reply_err(req, 0);
}

void dm_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		 struct fuse_file_info *fi)
{
	struct dm_fs *fs = dm_fs_of(req);
	struct dm_inode *in;
	int res;

	if (ino == DM_CTL_NODEID) {
		fuse_reply_err(req, 0);
		return;
	}
	in = dm_inode_of(fs, ino);
	if (in->hf.fd < 0) {
		fuse_reply_err(req, 0);
		return;
	}
	/* the window maps the host page cache: fsync covers its pages */
	res = datasync ? fdatasync(in->hf.fd) : fsync(in->hf.fd);
	fuse_reply_err(req, res ? errno : 0);
}

void dm_op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off,
		     off_t len, struct fuse_file_info *fi)
{
	struct dm_fs *fs = dm_fs_of(req);
	struct dm_inode *in;
	int err;

	if (ino == DM_CTL_NODEID) {
		fuse_reply_err(req, EPERM);
		return;
	}
	in = open_inode(fs, ino, &err);
	if (!err && !in->hf.rw)
		err = in->open_err ? in->open_err : -EACCES;
	if (!err && fallocate(in->hf.fd, mode, off, len))
		err = -errno;
	reply_err(req, err);
}
