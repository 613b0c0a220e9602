// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse_io.c - custom io for the FUSE session.
 *
 * libfuse 3.14 does not know FUSE_DIRECT_IO_ALLOW_MMAP (init flag bit 36,
 * Linux 6.6): without it a MAP_SHARED mmap of a direct_io file fails with
 * ENODEV. dmapfs mounts /dev/fuse itself and hands the fd to libfuse with
 * these hooks: the read hook remembers the kernel's INIT request (unique
 * id and offered flags), and the writev hook adds FUSE_INIT_EXT and the
 * flag to libfuse's INIT reply when the kernel offered it.
 *
 * The writev hook also notices a reply whose data could not be read from
 * the window (EFAULT: a host SIGBUS during the kernel's copy), and signals
 * --ready-fd once the INIT reply went out.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <linux/fuse.h>

#include "fs.h"
#include "log.h"

static void signal_ready(struct dm_fs *fs)
{
	int fd = fs->opts.ready_fd;

	if (fd < 0)
		return;
	if (write(fd, "ready\n", 6) != 6)
		dm_log("--ready-fd %d: %s", fd, strerror(errno));
	close(fd);
	fs->opts.ready_fd = -1;
}

static ssize_t io_read(int fd, void *buf, size_t len, void *userdata)
{
	struct dm_fs *fs = userdata;
	const struct fuse_in_header *h = buf;
	const struct fuse_init_in *in;
	ssize_t res;

	res = read(fd, buf, len);
	if (fs->init_seen || res < (ssize_t)(sizeof(*h) + 16) ||
	    h->opcode != FUSE_INIT)
		return res;
	in = (const struct fuse_init_in *)(h + 1);
	fs->kernel_flags = in->flags;
	if ((in->flags & DM_FUSE_INIT_EXT) &&
	    res >= (ssize_t)(sizeof(*h) + offsetof(struct fuse_init_in,
						  flags2) + 4))
		fs->kernel_flags |= (uint64_t)in->flags2 << 32;
	fs->init_unique = h->unique;
	fs->init_seen = true;
	dm_debug("INIT from kernel %u.%u flags 0x%llx", in->major, in->minor,
		 (unsigned long long)fs->kernel_flags);
	return res;
}

static ssize_t init_reply(struct dm_fs *fs, int fd, struct iovec *iov,
			  int count)
{
	const struct fuse_out_header *out = iov[0].iov_base;
	bool offered = fs->kernel_flags & DM_FUSE_DIRECT_IO_ALLOW_MMAP;
	bool direct = fs->opts.open_mode == DM_OPEN_DIRECT;
	struct fuse_init_out arg;
	struct iovec v[2];
	ssize_t res;

	if (out->error || iov[1].iov_len < offsetof(struct fuse_init_out,
						    flags2) + 4 ||
	    iov[1].iov_len > sizeof(arg))
		return writev(fd, iov, count);
	memset(&arg, 0, sizeof(arg));
	memcpy(&arg, iov[1].iov_base, iov[1].iov_len);
	if (direct && offered) {
		arg.flags |= DM_FUSE_INIT_EXT;
		arg.flags2 |= (uint32_t)(DM_FUSE_DIRECT_IO_ALLOW_MMAP >> 32);
	}
	fs->mmap_shared = !direct || offered;
	if (direct && !offered)
		dm_log("kernel lacks FUSE_DIRECT_IO_ALLOW_MMAP: MAP_SHARED mmap of files will fail with ENODEV (use --open-mode cached)");
	v[0] = iov[0];
	v[1].iov_base = &arg;
	v[1].iov_len = iov[1].iov_len;
	res = writev(fd, v, 2);
	if (res >= 0) {
		fs->init_done = true;
		dm_debug("INIT reply: flags 0x%x flags2 0x%x max_write %u max_pages %u",
			 arg.flags, arg.flags2, arg.max_write, arg.max_pages);
		signal_ready(fs);
	}
	return res;
}

static ssize_t io_writev(int fd, struct iovec *iov, int count,
			 void *userdata)
{
	struct dm_fs *fs = userdata;
	ssize_t res;

	if (!fs->init_done && fs->init_seen && count == 2 &&
	    iov[0].iov_len == sizeof(struct fuse_out_header) &&
	    ((struct fuse_out_header *)iov[0].iov_base)->unique ==
	    fs->init_unique)
		return init_reply(fs, fd, iov, count);
	res = writev(fd, iov, count);
	if (res < 0 && errno == EFAULT) {
		/* the kernel hit a host SIGBUS copying from the window */
		dm_stat_inc(fs->host.stats->sigbus);
		dm_log("reply from the window failed: EFAULT (host SIGBUS)");
		errno = EFAULT;
	}
	return res;
}

const struct fuse_custom_io dm_custom_io = {
	.read = io_read,
	.writev = io_writev,
};

/* Unmounted, aborted via fusectl, or dmapfs is exiting? */
bool dm_session_stopping(void *arg)
{
	struct dm_fs *fs = arg;
	struct pollfd pfd = { .fd = fs->dev_fd, .events = POLLIN };

	if (fs->se && fuse_session_exited(fs->se))
		return true;
	if (poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)))
		return true;
	return false;
}
