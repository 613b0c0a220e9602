/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fs.h - the state of one mounted dmapfs, shared by the FUSE operations.
 */
#ifndef DM_FS_H
#define DM_FS_H

#define FUSE_USE_VERSION 314

#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "host.h"
#include "inode.h"
#include "opts.h"
#include "window.h"

/* Largest READ/WRITE request: 256 pages. */
#define DM_MAX_IO		(1U << 20)
/* Node id of the control file (1 is the root; others are pointers). */
#define DM_CTL_NODEID		2
#define DM_CTL_INO		((uint64_t)-2)

/* FUSE_DIRECT_IO_ALLOW_MMAP (7.39, Linux 6.6): not in Debian's headers */
#define DM_FUSE_DIRECT_IO_ALLOW_MMAP	(1ULL << 36)
#define DM_FUSE_INIT_EXT		(1U << 30)

struct dm_fs {
	struct dm_opts opts;
	char *root_path;		/* realpath of BACKING_DIR */
	char *mnt_path;			/* realpath of MOUNTPOINT */
	struct dm_inode root;
	struct dm_itable itable;
	struct dm_window win;
	struct dm_host host;
	struct dm_backend be;
	struct fuse_session *se;
	int dev_fd;			/* /dev/fuse */
	unsigned int conn_id;		/* /sys/fs/fuse/connections/N */
	double timeout;			/* entry and attr timeout */
	struct timespec start;

	/* INIT negotiation, seen by the custom io hooks */
	bool init_seen;
	bool init_done;
	uint64_t init_unique;
	uint64_t kernel_flags;
	int mmap_shared;		/* 1 yes, 0 no, -1 unknown */
};

extern const struct fuse_lowlevel_ops dm_ops;

static inline struct dm_fs *dm_fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static inline struct dm_inode *dm_inode_of(struct dm_fs *fs, fuse_ino_t ino)
{
	if (ino == FUSE_ROOT_ID)
		return &fs->root;
	return (struct dm_inode *)(uintptr_t)ino;
}

static inline fuse_ino_t dm_nodeid(struct dm_inode *in)
{
	return in->is_root ? FUSE_ROOT_ID : (fuse_ino_t)(uintptr_t)in;
}

/* ops.c */
int dm_do_lookup(struct dm_fs *fs, struct dm_inode *parent,
		 const char *name, struct fuse_entry_param *e);
void dm_forget_one(struct dm_fs *fs, struct dm_inode *in, uint64_t n);
bool dm_is_ctl_name(fuse_ino_t parent, const char *name);

/* ops_io.c */
void dm_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void dm_op_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode, struct fuse_file_info *fi);
void dm_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		struct fuse_file_info *fi);
void dm_op_write_buf(fuse_req_t req, fuse_ino_t ino,
		     struct fuse_bufvec *bufv, off_t off,
		     struct fuse_file_info *fi);
void dm_op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void dm_op_release(fuse_req_t req, fuse_ino_t ino,
		   struct fuse_file_info *fi);
void dm_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		 struct fuse_file_info *fi);
void dm_op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off,
		     off_t len, struct fuse_file_info *fi);

/* ops_ctl.c: the control file */
void dm_ctl_entry(struct dm_fs *fs, struct fuse_entry_param *e);
void dm_ctl_attr(struct dm_fs *fs, struct stat *st);
void dm_ctl_open(fuse_req_t req, struct fuse_file_info *fi);
void dm_ctl_read(fuse_req_t req, size_t size, off_t off,
		 struct fuse_file_info *fi);
void dm_ctl_write(fuse_req_t req, struct fuse_bufvec *bufv);
void dm_ctl_release(fuse_req_t req, struct fuse_file_info *fi);

/* fuse_io.c: custom io for the session, INIT patching */
extern const struct fuse_custom_io dm_custom_io;
bool dm_session_stopping(void *arg);

/* mount.c */
int dm_mount(const char *mountpoint, int *devfd, char *err, size_t errlen);
void dm_umount(const char *mountpoint);
/* minor of the st_dev of the mount at canonical path @mountpoint (the
 * /sys/fs/fuse/connections/N of it), 0 if unknown */
unsigned int dm_mount_conn_id(const char *mountpoint);

#endif
