// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_fio.c - find the suite's fio job files, run fio with heartbeats from
 * its status output (dt_fio.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dt_case.h"
#include "dt_clock.h"
#include "dt_fio.h"
#include "dt_fs.h"

#ifndef DT_FIO_SRCDIR
#define DT_FIO_SRCDIR	""
#endif
#ifndef DT_FIO_PKGDIR
#define DT_FIO_PKGDIR	""
#endif

#define POLL_US		200000

static int try_dir(const char *dir, const char *name, char *out, size_t len,
		   char *why, size_t wlen, size_t *pos)
{
	struct stat st;

	if (!dir || !dir[0])
		return -1;
	if (snprintf(out, len, "%s/%s", dir, name) >= (int)len)
		return -1;
	if (!stat(out, &st) && S_ISREG(st.st_mode))
		return 0;
	if (*pos < wlen)
		*pos += snprintf(why + *pos, wlen - *pos, "%s%s", *pos ? ", " : "",
				 dir);
	return -1;
}

int dt_fio_find_job(const char *name, char *out, size_t len, char *why,
		    size_t wlen)
{
	char exe[PATH_MAX], dir[PATH_MAX + 32];
	const char *p = dt_param("fio_dir");
	static const char *const rel[] = {
		"cases/fio", "fio", "../share/dmaptest/fio",
	};
	size_t pos = 0, i;
	ssize_t n;

	why[0] = '\0';
	if (p)
		return try_dir(p, name, out, len, why, wlen, &pos);
	if (!try_dir(DT_FIO_SRCDIR, name, out, len, why, wlen, &pos))
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(dir, sizeof(dir), "%s/%s", exe, rel[i]);
			if (!try_dir(dir, name, out, len, why, wlen, &pos))
				return 0;
		}
	}
	return try_dir(DT_FIO_PKGDIR, name, out, len, why, wlen, &pos);
}

/* New status objects in the output: heartbeat when the I/O grew. */
static void poll_status(struct dt_fio_run *fr, size_t *from)
{
	size_t len, s, e;
	char *text = dt_read_whole(fr->out_path, 0, &len);

	if (fr->tick)
		fr->tick(fr->tick_arg);
	if (!text)
		return;
	while (!dt_fio_next_object(text, len, *from, &s, &e)) {
		struct dt_fio_result r;
		char why[128];

		*from = e;
		if (dt_fio_parse(text + s, e - s, &r, why, sizeof(why)))
			continue;
		fr->nstatus++;
		if (r.io_bytes > fr->io_bytes) {
			dt_heartbeat_add(r.io_bytes - fr->io_bytes, 1);
			fr->io_bytes = r.io_bytes;
		}
		dt_fio_result_free(&r);
	}
	free(text);
}

static void child(struct dt_fio_run *fr, const char *interval)
{
	int out, err, i;

	if (fr->cwd && chdir(fr->cwd) < 0)
		_exit(126);
	for (i = 0; fr->env && fr->env[i]; i++)
		putenv((char *)fr->env[i]);
	out = open("/dev/null", O_WRONLY | O_CLOEXEC);
	err = open(fr->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		   0644);
	if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(126);
	execlp("fio", "fio", "--output-format=json", "--output", fr->out_path,
	       "--status-interval", interval, fr->jobfile, (char *)NULL);
	fprintf(stderr, "exec fio: %s\n", strerror(errno));
	_exit(127);
}

int dt_fio_run(struct dt_fio_run *fr)
{
	char interval[16];
	size_t from = 0, n;
	double t0 = dt_now();
	char *err;
	pid_t r;

	snprintf(interval, sizeof(interval), "%d",
		 fr->status_interval > 0 ? fr->status_interval : 1);
	fr->nstatus = 0;
	fr->io_bytes = 0;
	fr->err[0] = '\0';
	unlink(fr->out_path);
	fr->pid = fork();
	if (fr->pid < 0)
		return -1;
	if (!fr->pid)
		child(fr, interval);
	for (;;) {
		r = waitpid(fr->pid, &fr->status, WNOHANG);
		if (r == fr->pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		usleep(POLL_US);
		poll_status(fr, &from);
	}
	fr->secs = dt_now() - t0;
	err = dt_read_whole(fr->err_path, 0, &n);
	if (err) {
		snprintf(fr->err, sizeof(fr->err), "%s", err);
		free(err);
	}
	return 0;
}
