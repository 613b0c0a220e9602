// SPDX-License-Identifier: GPL-2.0-or-later
/* dt_cmd.c - run a command with captured output and I/O heartbeats */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dt_case.h"
#include "dt_clock.h"
#include "dt_cmd.h"

#define CMD_POLL_MS	200

static void read_io(struct dt_cmd *c)
{
	char buf[512], *p;
	ssize_t n;

	if (c->io_fd < 0)
		return;
	n = pread(c->io_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return;
	buf[n] = '\0';
	p = strstr(buf, "rchar:");
	if (p)
		c->rchar = strtoull(p + 6, NULL, 10);
	p = strstr(buf, "wchar:");
	if (p)
		c->wchar = strtoull(p + 6, NULL, 10);
}

int dt_cmd_start(struct dt_cmd *c)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	char path[64];
	int e;

	c->pid = -1;
	c->out = NULL;
	c->out_len = c->out_total = c->err_total = 0;
	c->err[0] = '\0';
	c->status = 0;
	c->rchar = c->wchar = 0;
	c->secs = c->last_progress = 0;
	c->out_fd = c->err_fd = c->io_fd = -1;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		goto fail;
	c->out = malloc(c->out_keep + 1);
	if (!c->out)
		goto fail;
	c->out[0] = '\0';
	fflush(NULL);
	c->t0 = dt_now();
	c->pid = fork();
	if (c->pid < 0)
		goto fail;
	if (c->pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		signal(SIGPIPE, SIG_DFL);
		execvp(c->argv[0], (char *const *)c->argv);
		fprintf(stderr, "exec %s: %s\n", c->argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	c->out_fd = out[0];
	c->err_fd = err[0];
	snprintf(path, sizeof(path), "/proc/%d/io", (int)c->pid);
	c->io_fd = open(path, O_RDONLY | O_CLOEXEC);
	return 0;
fail:
	e = errno;
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	free(c->out);
	c->out = NULL;
	errno = e;
	return -1;
}

static void take_out(struct dt_cmd *c, const char *buf, size_t n)
{
	size_t room = c->out_keep - c->out_len;

	if (room) {
		size_t k = n < room ? n : room;

		memcpy(c->out + c->out_len, buf, k);
		c->out_len += k;
		c->out[c->out_len] = '\0';
	}
	c->out_total += n;
	if (c->on_out)
		c->on_out(buf, n, c->arg);
}

static void take_err(struct dt_cmd *c, const char *buf, size_t n)
{
	size_t have = c->err_total < sizeof(c->err) - 1 ?
		      c->err_total : sizeof(c->err) - 1;
	size_t k = sizeof(c->err) - 1 - have;

	if (k > n)
		k = n;
	memcpy(c->err + have, buf, k);
	c->err[have + k] = '\0';
	c->err_total += n;
}

/* Read what is there; 0 at end of file. */
static int drain(struct dt_cmd *c, int *fd, bool is_out)
{
	char buf[65536];
	ssize_t n = read(*fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return 0;
	}
	if (is_out)
		take_out(c, buf, n);
	else
		take_err(c, buf, n);
	return 1;
}

int dt_cmd_wait(struct dt_cmd *c)
{
	uint64_t last = 0;
	siginfo_t si;
	int ret = 0;

	while (c->out_fd >= 0 || c->err_fd >= 0) {
		struct pollfd pfd[2] = {
			{ .fd = c->out_fd, .events = POLLIN },
			{ .fd = c->err_fd, .events = POLLIN },
		};
		int n = poll(pfd, 2, CMD_POLL_MS);

		if (n < 0 && errno != EINTR) {
			ret = -1;
			break;
		}
		if (n > 0 && c->out_fd >= 0 && pfd[0].revents)
			drain(c, &c->out_fd, true);
		if (n > 0 && c->err_fd >= 0 && pfd[1].revents)
			drain(c, &c->err_fd, false);
		read_io(c);
		/* growth only: a stuck command stops the heartbeat */
		if (c->rchar + c->wchar > last) {
			dt_heartbeat_add(c->rchar + c->wchar - last, 1);
			last = c->rchar + c->wchar;
			c->last_progress = dt_now() - c->t0;
		}
		if (c->tick)
			c->tick(c, c->tick_arg);
	}
	/* ended but not reaped: its /proc/PID/io has the final counts */
	while (waitid(P_PID, c->pid, &si, WEXITED | WNOWAIT) < 0)
		if (errno != EINTR)
			break;
	read_io(c);
	if (c->rchar + c->wchar > last)
		c->last_progress = dt_now() - c->t0;
	while (waitpid(c->pid, &c->status, 0) < 0)
		if (errno != EINTR) {
			ret = -1;
			break;
		}
	c->secs = dt_now() - c->t0;
	if (c->io_fd >= 0)
		close(c->io_fd);
	c->io_fd = -1;
	return ret;
}

int dt_cmd_run(struct dt_cmd *c)
{
	if (dt_cmd_start(c) < 0)
		return -1;
	return dt_cmd_wait(c);
}

void dt_cmd_free(struct dt_cmd *c)
{
	free(c->out);
	c->out = NULL;
}

bool dt_cmd_ok(const struct dt_cmd *c)
{
	return WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0;
}

const char *dt_cmd_status(const struct dt_cmd *c, char *buf, size_t len)
{
	if (WIFEXITED(c->status)) {
		snprintf(buf, len, "exit status %d", WEXITSTATUS(c->status));
	} else if (WIFSIGNALED(c->status)) {
		const char *s = sigabbrev_np(WTERMSIG(c->status));

		snprintf(buf, len, "killed by SIG%s",
			 s ? s : "?");
	} else {
		snprintf(buf, len, "wait status %#x", c->status);
	}
	return buf;
}

const char *dt_cmd_line(const struct dt_cmd *c, char *buf, size_t len)
{
	size_t pos = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; c->argv[i] && pos + 1 < len; i++) {
		const char *a = c->argv[i];
		bool quote = strpbrk(a, " \t\"'") != NULL;
		int n = snprintf(buf + pos, len - pos, "%s%s%s%s",
				 i ? " " : "", quote ? "\"" : "", a,
				 quote ? "\"" : "");

		if (n < 0)
			break;
		pos += n;
		if (pos >= len)
			pos = len - 1;
	}
	return buf;
}

bool dt_cmd_exists(const char *cmd)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[4096];

	if (strchr(cmd, '/'))
		return !access(cmd, X_OK);
	for (p = path ? path : "/usr/bin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		if (end > p && snprintf(buf, sizeof(buf), "%.*s/%s",
					(int)(end - p), p, cmd) <
				       (int)sizeof(buf) &&
		    !access(buf, X_OK))
			return true;
	}
	return false;
}
