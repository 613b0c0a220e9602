// SPDX-License-Identifier: GPL-2.0-or-later
/* bounded.c - possibly blocking work in a child, with a time limit */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bounded.h"
#include "dt_marker.h"
#include "util.h"

int run_bounded(int (*fn)(void *arg), void *arg, double timeout)
{
	struct pollfd pfd;
	siginfo_t si;
	pid_t pid;
	int pidfd;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		_exit(fn(arg) & 0xff);
	}
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		/* no pidfd (old kernel): plain wait, bounded by alarm-free loop */
		double end = now_mono() + timeout;
		int status;

		while (now_mono() < end) {
			if (waitpid(pid, &status, WNOHANG) == pid)
				return WIFEXITED(status) ?
				       WEXITSTATUS(status) : -1;
			usleep(10000);
		}
		kill(pid, SIGKILL);
		return -1;
	}
	pfd.fd = pidfd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, (int)(timeout * 1000)) <= 0) {
		/* it may be stuck in the kernel: kill it, reap it later */
		kill(pid, SIGKILL);
		close(pidfd);
		return -1;
	}
	si.si_pid = 0;
	if (waitid(P_PIDFD, pidfd, &si, WEXITED) < 0)
		waitid(P_PID, pid, &si, WEXITED);
	close(pidfd);
	if (si.si_code != CLD_EXITED)
		return -1;
	return si.si_status;
}

int remove_tree(const char *path)
{
	char why[512];

	/* openat/unlinkat, no link followed, one file system */
	return dt_rmtree(path, why, sizeof(why)) ? 1 : 0;
}

static int remove_tree_fn(void *arg)
{
	return remove_tree(arg);
}

int remove_tree_bounded(const char *path, double timeout)
{
	return run_bounded(remove_tree_fn, (void *)path, timeout);
}
