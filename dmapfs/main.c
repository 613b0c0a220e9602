// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - dmapfs: options, setup of the window and inode table, our own
 * mount of /dev/fuse, and the multi-threaded session loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "log.h"

static void fuse_log_to_ours(enum fuse_log_level level, const char *fmt,
			     va_list ap)
{
	char buf[1024];
	size_t n;

	if (level == FUSE_LOG_DEBUG && !dm_log_debug_on)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	dm_log("libfuse: %s", buf);
}

static int fail(const char *fmt, const char *arg, int err)
{
	fprintf(stderr, "dmapfs: ");
	fprintf(stderr, fmt, arg);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	return 1;
}

/* BACKING_DIR: a directory; the mountpoint must not be inside it. */
static int open_backing(struct dm_fs *fs)
{
	char mnt[PATH_MAX];
	size_t len;
	struct stat st;
	int fd;

	fs->root_path = realpath(fs->opts.backing, NULL);
	if (!fs->root_path)
		return fail("backing dir %s", fs->opts.backing, errno);
	fd = open(fs->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail("backing dir %s", fs->opts.backing, errno);
	if (fstat(fd, &st)) {
		close(fd);
		return fail("backing dir %s", fs->opts.backing, errno);
	}
	dm_inode_init(&fs->root, fd, &st);
	if (!realpath(fs->opts.mountpoint, mnt))
		return fail("mountpoint %s", fs->opts.mountpoint, errno);
	fs->mnt_path = strdup(mnt);
	if (!fs->mnt_path)
		return fail("mountpoint %s", fs->opts.mountpoint, ENOMEM);
	len = strlen(fs->root_path);
	if (!strncmp(mnt, fs->root_path, len) &&
	    (mnt[len] == '/' || mnt[len] == '\0' || len == 1))
		return fail("mountpoint %s is inside the backing dir",
			    fs->opts.mountpoint, 0);
	return 0;
}

static int setup_window(struct dm_fs *fs)
{
	int err;

	fs->host.fault = fs->opts.policy.host_fault;
	fs->host.stopping = dm_session_stopping;
	fs->host.stop_arg = fs;
	fs->host.root_path = fs->root_path;
	err = dm_host_window_create(&fs->host, fs->opts.slots);
	if (err)
		return fail("cannot reserve the window%s", "", -err);
	dm_host_backend(&fs->be);
	err = dm_window_init(&fs->win, fs->opts.slots, fs->host.base,
			     &fs->opts.policy, &fs->be, &fs->host);
	if (err)
		return fail("window%s", "", -err);
	fs->host.stats = &fs->win.stats;
	err = dm_window_start_worker(&fs->win);
	if (err)
		return fail("reclaim worker%s", "", -err);
	err = dm_host_signals_init();
	if (err)
		return fail("SIGBUS/SIGSEGV handlers%s", "", -err);
	err = dm_itable_init(&fs->itable);
	if (err)
		return fail("inode table%s", "", -err);
	dm_itable_add_root(&fs->itable, &fs->root);
	return 0;
}

static int run_session(struct dm_fs *fs)
{
	char *argv_dbg[] = { "dmapfs", "-d", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(fs->opts.debug ? 2 : 1,
					       argv_dbg);
	struct fuse_loop_config *cfg;
	char err[512];
	int ret;

	fs->se = fuse_session_new(&args, &dm_ops, sizeof(dm_ops), fs);
	if (!fs->se)
		return fail("cannot create the FUSE session%s", "", 0);
	if (fuse_set_signal_handlers(fs->se)) {
		fuse_session_destroy(fs->se);
		return fail("cannot set signal handlers%s", "", 0);
	}
	if (dm_mount(fs->opts.mountpoint, &fs->dev_fd, err, sizeof(err))) {
		fuse_remove_signal_handlers(fs->se);
		fuse_session_destroy(fs->se);
		return fail("%s", err, 0);
	}
	if (fuse_session_custom_io(fs->se, &dm_custom_io, fs->dev_fd)) {
		dm_umount(fs->mnt_path);
		close(fs->dev_fd);
		fuse_remove_signal_handlers(fs->se);
		fuse_session_destroy(fs->se);
		return fail("fuse_session_custom_io failed%s", "", 0);
	}
	fs->conn_id = dm_mount_conn_id(fs->mnt_path);
	dm_log("mounted %s on %s: fuse connection %u, %u slots, client %s, host-reserve %s, open-mode %s",
	       fs->root_path, fs->opts.mountpoint, fs->conn_id,
	       fs->opts.slots, dm_client_name(fs->opts.policy.client),
	       fs->opts.policy.host_reserve ? "on" : "off",
	       dm_open_mode_name(fs->opts.open_mode));

	cfg = fuse_loop_cfg_create();
	fuse_loop_cfg_set_clone_fd(cfg, 0);
	fuse_loop_cfg_set_max_threads(cfg, fs->opts.max_threads);
	fuse_loop_cfg_set_idle_threads(cfg, fs->opts.max_threads);
	ret = fuse_session_loop_mt(fs->se, cfg);
	fuse_loop_cfg_destroy(cfg);

	fuse_remove_signal_handlers(fs->se);
	dm_umount(fs->mnt_path);
	/* closes /dev/fuse: a connection still in use is aborted */
	fuse_session_destroy(fs->se);
	fs->se = NULL;
	dm_log("unmounted %s", fs->opts.mountpoint);
	return ret < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct dm_fs fs;
	char err[512];
	int ret;

	switch (dm_opts_parse(argc, argv, &fs.opts, err, sizeof(err))) {
	case DM_OPTS_EXIT:
		return 0;
	case DM_OPTS_USAGE:
		fprintf(stderr, "dmapfs: %s\n", err);
		return 2;
	case DM_OPTS_RUN:
		break;
	}
	if (fs.opts.die_with_parent)
		prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (fs.opts.log_path) {
		ret = dm_log_open(fs.opts.log_path);
		if (ret)
			return fail("--log %s", fs.opts.log_path, -ret);
	}
	if (fs.opts.ready_fd >= 0 && fcntl(fs.opts.ready_fd, F_GETFD) < 0)
		return fail("--ready-fd: not an open file descriptor%s", "",
			    errno);
	dm_log_debug_on = fs.opts.debug;
	fuse_set_log_func(fuse_log_to_ours);
	umask(0);
	fs.dev_fd = -1;
	fs.timeout = 1.0;
	fs.mmap_shared = -1;
	clock_gettime(CLOCK_REALTIME, &fs.start);

	ret = open_backing(&fs);
	if (!ret)
		ret = setup_window(&fs);
	if (!ret)
		ret = run_session(&fs);
	dm_log_close();
	return ret;
}
