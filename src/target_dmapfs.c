// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * target_dmapfs.c - the default target: dmapfs over a size-limited host
 * file system, all inside a private mount namespace.
 *
 * The runner enters a mount namespace of its own, loop-mounts a fresh
 * ext4 image (not tmpfs: tmpfs allocates on read faults) as the "host
 * shared directory", and starts dmapfs on it. The image file is unlinked
 * once mounted and the loop device clears itself on unmount, so a runner
 * killed with SIGKILL takes the namespace, its mounts and the loop device
 * with it. After a hang the FUSE connection is aborted through fusectl and
 * a fresh dmapfs is started on the same host file system.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bounded.h"
#include "dt_case.h"
#include "dt_dmapctl.h"
#include "env.h"
#include "options.h"
#include "procs.h"
#include "require.h"
#include "target.h"
#include "util.h"

#define READY_TIMEOUT 15.0
#define STOP_TIMEOUT 5.0
#define FUSECTL "/sys/fs/fuse/connections"

struct dmapfs_priv {
	const struct dt_opts *o;
	char base[PATH_MAX - 64];	/* the runner's scratch folder */
	char host[PATH_MAX];		/* the ext4 mount */
	char share[PATH_MAX];		/* host/share: dmapfs's backing dir */
	char mnt[PATH_MAX];		/* the dmapfs mount */
	char log[PATH_MAX];		/* dmapfs's log file */
	char bin[PATH_MAX];
	bool host_mounted;
	char loop[32];			/* its loop device */
	const char *image_dir;		/* where the (unnamed) image is */
	uint64_t image_ino;		/* its inode (losetup -a shows it) */
	pid_t pid;			/* dmapfs, 0 when not running */
	dev_t dev;			/* of the dmapfs mount: fusectl id */
	int status;			/* of the last dmapfs that ended */
	bool ended;
	int starts;
};

/* Run argv to completion with its output in the log; 0 on exit 0. */
static int run_cmd(struct dmapfs_priv *p, char *const argv[])
{
	int status, fd;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fd = open(p->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			  0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

static int find_binary(struct dmapfs_priv *p, char *err, size_t errsz)
{
	char exe[PATH_MAX - 64], *slash;
	const char *env = getenv("DMAPFS");
	ssize_t n;

	if (p->o->dmapfs || (env && *env)) {
		snprintf(p->bin, sizeof(p->bin), "%s",
			 p->o->dmapfs ? p->o->dmapfs : env);
		if (access(p->bin, X_OK)) {
			snprintf(err, errsz, "dmapfs binary %s: %s", p->bin,
				 strerror(errno));
			return -1;
		}
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			/* the build tree, then an installed bindir */
			snprintf(p->bin, sizeof(p->bin), "%s/dmapfs/dmapfs", exe);
			if (!access(p->bin, X_OK))
				return 0;
			snprintf(p->bin, sizeof(p->bin), "%s/dmapfs", exe);
			if (!access(p->bin, X_OK))
				return 0;
		}
	}
	snprintf(p->bin, sizeof(p->bin), "dmapfs");
	if (cmd_on_path("dmapfs", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin"))
		return 0;
	snprintf(err, errsz, "dmapfs binary not found next to dmaptest or on PATH (use --dmapfs PATH or --target dir)");
	return -1;
}

/* The last line dmapfs wrote, for an error message. */
static void last_log_line(struct dmapfs_priv *p, char *buf, size_t size)
{
	char *text = read_file(p->log, 1 << 16, NULL), *nl;

	buf[0] = '\0';
	if (!text)
		return;
	strtrim(text);
	nl = strrchr(text, '\n');
	snprintf(buf, size, "%s", nl ? nl + 1 : text);
	free(text);
}

static void reap_dmapfs(struct dmapfs_priv *p, bool block)
{
	int status;

	if (!p->pid)
		return;
	if (waitpid(p->pid, &status, block ? 0 : WNOHANG) == p->pid) {
		procs_unignore(p->pid);
		p->pid = 0;
		p->status = status;
		p->ended = true;
	}
}

static int start_dmapfs(struct dmapfs_priv *p, char *err, size_t errsz)
{
	const struct dt_opts *o = p->o;
	char slots[16], ready_fd[16], line[256];
	char *argv[64];
	int ready[2], argc = 0, i, n;
	struct pollfd pfd;
	struct stat st;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		return -1;
	}
	snprintf(slots, sizeof(slots), "%u", o->slots);
	snprintf(ready_fd, sizeof(ready_fd), "%d", ready[1]);
	argv[argc++] = p->bin;
	argv[argc++] = "--slots";
	argv[argc++] = slots;
	argv[argc++] = "--client";
	argv[argc++] = o->client;
	argv[argc++] = "--host-reserve";
	argv[argc++] = o->host_reserve;
	argv[argc++] = "--host-fault";
	argv[argc++] = o->host_fault;
	for (i = 0; i < o->nr_injects && argc < 56; i++) {
		argv[argc++] = "--inject";
		argv[argc++] = o->injects[i];
	}
	argv[argc++] = "--ready-fd";
	argv[argc++] = ready_fd;
	argv[argc++] = "--die-with-parent";
	argv[argc++] = p->share;
	argv[argc++] = p->mnt;
	argv[argc] = NULL;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(ready[0]);
		close(ready[1]);
		snprintf(err, errsz, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int fd = open(p->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			      0644);

		/* its own group: a terminal's ^C is for the runner */
		setpgid(0, 0);
		for (i = 1; i < NSIG; i++)
			signal(i, SIG_DFL);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		fcntl(ready[1], F_SETFD, 0);	/* keep it across exec */
		execv(p->bin, argv);
		fprintf(stderr, "exec %s: %s\n", p->bin, strerror(errno));
		_exit(127);
	}
	close(ready[1]);
	p->pid = pid;
	p->ended = false;
	p->starts++;
	procs_ignore(pid);

	pfd.fd = ready[0];
	pfd.events = POLLIN;
	n = poll(&pfd, 1, (int)(READY_TIMEOUT * 1000));
	if (n > 0)
		n = read(ready[0], line, sizeof(line) - 1);
	close(ready[0]);
	if (n <= 0 || strncmp(line, "ready", 5)) {
		char last[256];

		kill(pid, SIGKILL);
		reap_dmapfs(p, true);
		last_log_line(p, last, sizeof(last));
		snprintf(err, errsz, "dmapfs did not start%s%s",
			 last[0] ? ": " : " (no output)", last);
		return -1;
	}
	if (stat(p->mnt, &st) < 0) {
		snprintf(err, errsz, "dmapfs mount %s: %s", p->mnt,
			 strerror(errno));
		return -1;
	}
	p->dev = st.st_dev;
	return 0;
}

/* Break the FUSE connection: every request waiting on it fails. */
static void abort_connection(struct dmapfs_priv *p)
{
	char path[PATH_MAX];
	int fd;

	if (!p->dev)
		return;
	snprintf(path, sizeof(path), FUSECTL "/%u/abort", minor(p->dev));
	/* fusectl is often not mounted; in our namespace we may */
	if (access(path, F_OK))
		mount("fusectl", FUSECTL, "fusectl", 0, NULL);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) < 0) {
		/* the connection is already gone */
	}
	close(fd);
}

/* Stop dmapfs without ever blocking on it. */
static void stop_dmapfs(struct dmapfs_priv *p, bool force)
{
	double end;

	if (!p->pid) {
		umount2(p->mnt, MNT_DETACH);
		return;
	}
	if (force) {
		abort_connection(p);
		umount2(p->mnt, MNT_DETACH);
		kill(p->pid, SIGKILL);
	} else {
		kill(p->pid, SIGTERM);
	}
	end = now_mono() + STOP_TIMEOUT;
	while (p->pid && now_mono() < end) {
		reap_dmapfs(p, false);
		if (p->pid)
			usleep(10000);
	}
	if (p->pid) {
		abort_connection(p);
		kill(p->pid, SIGKILL);
		end = now_mono() + STOP_TIMEOUT;
		while (p->pid && now_mono() < end) {
			reap_dmapfs(p, false);
			if (p->pid)
				usleep(10000);
		}
	}
	umount2(p->mnt, MNT_DETACH);
	p->dev = 0;
}

/* where the host image goes: disk, not RAM (/run may be a small tmpfs) */
static const char *image_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	struct stat st;

	if (tmp && *tmp)
		return tmp;
	if (!stat("/var/tmp", &st) && S_ISDIR(st.st_mode))
		return "/var/tmp";
	return "/tmp";
}

/* Why a file of size bytes cannot be made in dir: the limit, in words. */
static void too_large(const char *dir, uint64_t size, int err, char *buf,
		      size_t bufsz)
{
	char want[32], lim[32];
	struct statfs sf;

	format_bytes(size, want, sizeof(want));
	if (!statfs(dir, &sf) && sf.f_type == 0xEF53) {
		/* ext4 extents address 2^32 - 1 blocks */
		format_bytes(4294967296.0 * sf.f_bsize, lim, sizeof(lim));
		snprintf(buf, bufsz, "--host-size %s: the host image goes to %s (ext4, %ld-byte blocks), where a file stops one block short of %s (%s); give a smaller --host-size, or TMPDIR on another file system",
			 want, dir, (long)sf.f_bsize, lim, strerror(err));
		return;
	}
	snprintf(buf, bufsz, "--host-size %s: the file system of %s, where the host image goes, cannot hold a file that large (%s); give a smaller --host-size, or TMPDIR on another file system",
		 want, dir, strerror(err));
}

/*
 * The host image: an unnamed file (O_TMPFILE) in image_dir(), so nothing
 * is ever left on disk, whatever way the runner ends. mkfs and mount see
 * it as /proc/<runner>/fd/N; the loop device holds it once mounted.
 */
static int make_host(struct dmapfs_priv *p, char *err, size_t errsz)
{
	const char *dir = image_dir();
	char img[PATH_MAX + 16], size[32], opts[64], free_s[32], want[32];
	char *mkfs[] = { "mkfs.ext4", "-q", "-F", "-m", "0", "-E",
			 "nodiscard,lazy_itable_init=1,lazy_journal_init=1",
			 img, size, NULL };
	char *mnt[] = { "mount", "-t", "ext4", "-o", opts, img, p->host,
			NULL };
	bool named = false;
	struct statvfs sv;
	struct stat st;
	int fd, ret = -1;

	snprintf(size, sizeof(size), "%lluk",
		 (unsigned long long)(p->o->host_size >> 10));
	snprintf(opts, sizeof(opts), "loop");
	fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
		/* no O_TMPFILE there: a named file in our own folder */
		snprintf(img, sizeof(img), "%s/host.img", p->base);
		fd = open(img, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		named = true;
		dir = p->base;
	}
	if (fd < 0) {
		snprintf(err, errsz, "host image in %s: %s", dir,
			 strerror(errno));
		return -1;
	}
	p->image_dir = dir;
	if (!fstat(fd, &st))
		p->image_ino = st.st_ino;
	if (ftruncate(fd, p->o->host_size) < 0) {
		if (errno == EFBIG || errno == EINVAL)
			too_large(dir, p->o->host_size, errno, err, errsz);
		else
			snprintf(err, errsz, "host image of %s in %s: %s", size,
				 dir, strerror(errno));
		goto out;
	}
	if (!statvfs(dir, &sv) &&
	    (uint64_t)sv.f_bavail * sv.f_frsize < p->o->host_size) {
		format_bytes((double)sv.f_bavail * sv.f_frsize, free_s,
			     sizeof(free_s));
		format_bytes(p->o->host_size, want, sizeof(want));
		fprintf(stderr, "dmaptest: warning: --host-size %s is more than the %s free in %s, where the host image is: what the cases write into the host lands there\n",
			want, free_s, dir);
	}
	if (!named)
		snprintf(img, sizeof(img), "/proc/%d/fd/%d", (int)getpid(), fd);
	if (run_cmd(p, mkfs) < 0) {
		snprintf(err, errsz, "mkfs.ext4 of a %s host image failed (see %s)",
			 size, p->log);
		goto out;
	}
	if (mkdir(p->host, 0755) < 0 || run_cmd(p, mnt) < 0) {
		snprintf(err, errsz, "loop mount of the host image failed (see %s)",
			 p->log);
		goto out;
	}
	p->host_mounted = true;
	if (!stat(p->host, &st) && major(st.st_dev) == 7)
		snprintf(p->loop, sizeof(p->loop), "/dev/loop%u",
			 minor(st.st_dev));
	if (mkdir(p->share, 0755) < 0) {
		snprintf(err, errsz, "%s: %s", p->share, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	/* the loop device holds it now, or nobody needs it: nothing stays */
	if (named)
		unlink(img);
	close(fd);
	return ret;
}

static int dmapfs_setup(struct dt_target *t, const struct dt_opts *o,
			char *err, size_t errsz)
{
	struct dmapfs_priv *p = xcalloc(1, sizeof(*p));
	struct env_info env;

	t->priv = p;
	p->o = o;
	if (geteuid() != 0) {
		snprintf(err, errsz, "the dmapfs target needs root (it mounts a loop ext4 and a FUSE file system); use --target dir to test a directory");
		return -1;
	}
	if (find_binary(p, err, errsz) < 0)
		return -1;
	/* a namespace of our own: our mounts die with us */
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		snprintf(err, errsz, "cannot make a private mount namespace: %s",
			 strerror(errno));
		return -1;
	}
	/* mount points in the runner's own scratch folder (0700, marked) */
	snprintf(p->base, sizeof(p->base), "%.*s", (int)sizeof(p->base) - 1,
		 t->local);
	snprintf(p->host, sizeof(p->host), "%s/host", p->base);
	snprintf(p->share, sizeof(p->share), "%s/host/share", p->base);
	snprintf(p->mnt, sizeof(p->mnt), "%s/mnt", p->base);
	if (t->log_dir[0])
		snprintf(p->log, sizeof(p->log), "%.*s/dmapfs.log",
			 PATH_MAX - 64, t->log_dir);
	else
		snprintf(p->log, sizeof(p->log), "%s/dmapfs.log", p->base);
	if (mkdir(p->mnt, 0755) < 0) {
		snprintf(err, errsz, "%s: %s", p->mnt, strerror(errno));
		return -1;
	}
	if (make_host(p, err, errsz) < 0)
		return -1;
	if (start_dmapfs(p, err, errsz) < 0)
		return -1;
	snprintf(t->root, sizeof(t->root), "%s", p->mnt);
	t->features = DT_FEAT_FUSE | DT_FEAT_DAX | DT_FEAT_COUNTERS |
		      DT_FEAT_SIZE_LIMITED | DT_FEAT_FILL;
	/* dmapfs declares what it cannot emulate: DAX mmap */
	t->features |= target_dax_mmap(p->mnt, true, true);
	env_probe(&env, p->mnt);
	t->env_json = env_json(&env);
	return 0;
}

/* what a dmapfs exit status means (--host-fault die: a VMM's death) */
static const char *exit_meaning(int code)
{
	switch (code) {
	case DT_CTL_EXIT_SIGBUS:
		return "died of SIGBUS as a VMM does when a host fault cannot allocate";
	case DT_CTL_EXIT_SIGSEGV:
		return "died of SIGSEGV as a VMM does on a store into a window slot the host mapped read-only";
	}
	return NULL;
}

static int dmapfs_check(struct dt_target *t, char *why, size_t size)
{
	struct dmapfs_priv *p = t->priv;
	const char *vmm;
	char last[256];

	reap_dmapfs(p, false);
	if (p->pid)
		return 0;
	last_log_line(p, last, sizeof(last));
	vmm = WIFEXITED(p->status) ? exit_meaning(WEXITSTATUS(p->status)) :
				     NULL;
	if (vmm)
		snprintf(why, size, "dmapfs %s (exit status %d)%s%s", vmm,
			 WEXITSTATUS(p->status),
			 last[0] ? "; its last words: " : "", last);
	else if (WIFSIGNALED(p->status))
		snprintf(why, size, "dmapfs was killed by SIG%s%s%s",
			 sigabbrev_np(WTERMSIG(p->status)) ?: "?",
			 last[0] ? "; its last words: " : "", last);
	else
		snprintf(why, size, "dmapfs exited with status %d%s%s",
			 WEXITSTATUS(p->status),
			 last[0] ? "; its last words: " : "", last);
	return -1;
}

static void dmapfs_abort(struct dt_target *t)
{
	struct dmapfs_priv *p = t->priv;

	abort_connection(p);
}

static int dmapfs_restart(struct dt_target *t, char *err, size_t errsz)
{
	struct dmapfs_priv *p = t->priv;

	stop_dmapfs(p, true);
	return start_dmapfs(p, err, errsz);
}

static void dmapfs_teardown(struct dt_target *t)
{
	struct dmapfs_priv *p = t->priv;

	if (!p)
		return;
	stop_dmapfs(p, false);
	if (p->host_mounted)
		umount2(p->host, MNT_DETACH);
	/* the runner removes its scratch folder (p->base) itself */
	if (p->base[0]) {
		rmdir(p->mnt);
		rmdir(p->host);
	}
	free(p);
	t->priv = NULL;
}

static char *dmapfs_describe(struct dt_target *t)
{
	struct dmapfs_priv *p = t->priv;
	const struct dt_opts *o = p->o;
	json_object *j = json_object_new_object(), *a;
	char *s;
	int i;

	json_object_object_add(j, "name", json_object_new_string("dmapfs"));
	json_object_object_add(j, "root", json_object_new_string(t->root));
	json_object_object_add(j, "binary", json_object_new_string(p->bin));
	json_object_object_add(j, "host_fs", json_object_new_string("ext4 on loop"));
	json_object_object_add(j, "loop", json_object_new_string(p->loop));
	json_object_object_add(j, "image_dir",
			       json_object_new_string(p->image_dir ?
						      p->image_dir : ""));
	json_object_object_add(j, "image_inode",
			       json_object_new_uint64(p->image_ino));
	json_object_object_add(j, "host_size",
			       json_object_new_uint64(o->host_size));
	json_object_object_add(j, "slots", json_object_new_int(o->slots));
	json_object_object_add(j, "client", json_object_new_string(o->client));
	json_object_object_add(j, "host_reserve",
			       json_object_new_string(o->host_reserve));
	json_object_object_add(j, "host_fault",
			       json_object_new_string(o->host_fault));
	a = json_object_new_array();
	for (i = 0; i < o->nr_injects; i++)
		json_object_array_add(a, json_object_new_string(o->injects[i]));
	json_object_object_add(j, "inject", a);
	json_object_object_add(j, "log", json_object_new_string(p->log));
	json_object_object_add(j, "dax_mmap", json_object_new_boolean(
				       t->features & DT_FEAT_DAX_MMAP));
	s = xstrdup(json_object_to_json_string(j));
	json_object_put(j);
	return s;
}

const struct dt_target_ops dt_target_dmapfs = {
	.version = DT_TARGET_OPS_VERSION,
	.name = "dmapfs",
	.setup = dmapfs_setup,
	.check = dmapfs_check,
	.abort = dmapfs_abort,
	.restart = dmapfs_restart,
	.teardown = dmapfs_teardown,
	.describe = dmapfs_describe,
};
