// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_tracefs.c - a private tracefs instance and the attribution of its
 * events to the case (dt_tracefs.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dt_fs.h"
#include "dt_tracefs.h"

#define READ_CHUNK	(256u << 10)

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

int dt_tracefs_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	err = errno;
	close(fd);
	if (n != (ssize_t)strlen(s)) {
		errno = n < 0 ? err : EIO;
		return -1;
	}
	return 0;
}

/* --- parsing --- */

/*
 * "  od-1234    (   1230) [001] d..1.  12.345678: event: fields", the
 * "(tgid)" only with record-tgid, "(-------)" when it is not known.
 */
int dt_trace_parse_line(const char *line, struct dt_trace_line *tl)
{
	const char *cpu = NULL, *p, *end, *dash, *colon;
	size_t k;

	memset(tl, 0, sizeof(*tl));
	tl->tgid = -1;
	/* the CPU field: " [ddd] " */
	for (p = line; (p = strstr(p, " [")); p++) {
		const char *q = p + 2;

		while (isdigit((unsigned char)*q))
			q++;
		if (q > p + 2 && *q == ']') {
			cpu = p;
			break;
		}
	}
	if (!cpu)
		return -1;
	end = cpu;
	while (end > line && end[-1] == ' ')
		end--;
	if (end > line && end[-1] == ')') {
		const char *open = end - 1;

		while (open > line && *open != '(')
			open--;
		if (*open != '(')
			return -1;
		for (p = open + 1; *p == ' '; p++)
			;
		if (isdigit((unsigned char)*p))
			tl->tgid = strtol(p, NULL, 10);
		end = open;
		while (end > line && end[-1] == ' ')
			end--;
	}
	/* "comm-pid": the pid is the digits after the last '-' */
	dash = end;
	while (dash > line && isdigit((unsigned char)dash[-1]))
		dash--;
	if (dash == end || dash == line || dash[-1] != '-')
		return -1;
	tl->pid = strtol(dash, NULL, 10);
	for (p = line; p < dash - 1 && *p == ' '; p++)
		;
	k = dash - 1 - p;
	if (k >= sizeof(tl->comm))
		k = sizeof(tl->comm) - 1;
	memcpy(tl->comm, p, k);
	tl->comm[k] = '\0';
	/* after the timestamp's ": " comes "event: " */
	colon = strstr(cpu, ": ");
	if (!colon)
		return -1;
	p = colon + 2;
	colon = strchr(p, ':');
	if (!colon || colon == p)
		return -1;
	k = colon - p;
	if (k >= sizeof(tl->event))
		k = sizeof(tl->event) - 1;
	memcpy(tl->event, p, k);
	tl->event[k] = '\0';
	for (p = colon + 1; *p == ' '; p++)
		;
	tl->fields = p;
	return 0;
}

bool dt_trace_field_get(const char *fields, const char *key, long long *v)
{
	size_t klen = strlen(key);
	const char *p = fields;

	while ((p = strstr(p, key))) {
		if ((p == fields || p[-1] == ' ') && p[klen] == '=' &&
		    (isdigit((unsigned char)p[klen + 1]) ||
		     p[klen + 1] == '-')) {
			*v = strtoll(p + klen + 1, NULL, 0);
			return true;
		}
		p += klen;
	}
	return false;
}

long long dt_trace_field(const char *fields, const char *key)
{
	long long v;

	return dt_trace_field_get(fields, key, &v) ? v : -1;
}

dev_t dt_trace_dev(const char *fields)
{
	const char *p = strstr(fields, "dev=");
	unsigned int ma, mi;

	if (!p || (p != fields && p[-1] != ' ') ||
	    sscanf(p, "dev=%u:%u", &ma, &mi) != 2)
		return 0;
	return makedev(ma, mi);
}

/* --- the process tree --- */

void dt_ptree_add(struct dt_ptree *t, pid_t pid)
{
	pid_t *np;

	if (pid <= 0 || dt_ptree_has(t, pid))
		return;
	if (t->n == t->cap) {
		np = realloc(t->pids, (t->cap ? 2 * t->cap : 64) * sizeof(*np));
		if (!np)
			return;
		t->pids = np;
		t->cap = t->cap ? 2 * t->cap : 64;
	}
	t->pids[t->n++] = pid;
}

bool dt_ptree_has(const struct dt_ptree *t, pid_t pid)
{
	int i;

	for (i = t->n - 1; i >= 0; i--)
		if (t->pids[i] == pid)
			return true;
	return false;
}

bool dt_ptree_owns(const struct dt_ptree *t, const struct dt_trace_line *tl)
{
	/* io_uring punts to threads named iou-wrk-<owner tid> */
	if (!strncmp(tl->comm, "iou-wrk-", 8) &&
	    dt_ptree_has(t, strtol(tl->comm + 8, NULL, 10)))
		return true;
	return dt_ptree_has(t, tl->pid) ||
	       (tl->tgid > 0 && dt_ptree_has(t, tl->tgid));
}

bool dt_ptree_fork(struct dt_ptree *t, const struct dt_trace_line *tl)
{
	long long child;

	if (strcmp(tl->event, "sched_process_fork"))
		return false;
	child = dt_trace_field(tl->fields, "child_pid");
	if (child > 0 && (dt_ptree_owns(t, tl) ||
			  dt_ptree_has(t, dt_trace_field(tl->fields, "pid"))))
		dt_ptree_add(t, child);
	return true;
}

void dt_ptree_free(struct dt_ptree *t)
{
	free(t->pids);
	memset(t, 0, sizeof(*t));
}

/* --- the instance --- */

int dt_tracefs_find(char *root, size_t len, char *why, size_t wlen)
{
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(tracefs_dirs) / sizeof(tracefs_dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/instances", tracefs_dirs[i]);
		if (!access(path, W_OK)) {
			snprintf(root, len, "%s", tracefs_dirs[i]);
			return 0;
		}
	}
	snprintf(path, sizeof(path), "%s/trace", tracefs_dirs[0]);
	if (!access(path, F_OK))
		snprintf(why, wlen, "tracefs instances are not writable (not root?)");
	else
		snprintf(why, wlen, "tracefs is not mounted (no %s)", path);
	return -1;
}

static int inst_write(struct dt_tracefs *t, const char *rel, const char *s)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", t->inst, rel);
	return dt_tracefs_write(path, s);
}

int dt_tracefs_enable(struct dt_tracefs *t, const char *system,
		      const char *event, char *why, size_t wlen)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "events/%s/%s/enable", system, event);
	if (!inst_write(t, rel, "1"))
		return 0;
	snprintf(why, wlen, "enabling %s:%s in %s: %s", system, event,
		 t->name, strerror(errno));
	return -1;
}

int dt_tracefs_open(struct dt_tracefs *t, const char *root, int buf_kb,
		    char *why, size_t wlen)
{
	static int seq;
	char path[512], kb[32];

	memset(t, 0, sizeof(*t));
	t->pipe_fd = -1;
	snprintf(t->root, sizeof(t->root), "%s", root);
	snprintf(t->name, sizeof(t->name), DT_TRACEFS_PREFIX "%d_%d",
		 (int)getpid(), ++seq);
	snprintf(t->inst, sizeof(t->inst), "%s/instances/%s", root, t->name);
	if (mkdir(t->inst, 0700) < 0) {
		snprintf(why, wlen, "tracefs instance %s: %s", t->inst,
			 strerror(errno));
		t->inst[0] = '\0';
		return -1;
	}
	snprintf(kb, sizeof(kb), "%d", buf_kb);
	inst_write(t, "buffer_size_kb", kb);
	/* threads of a process that has gone keep their process id */
	inst_write(t, "options/record-tgid", "1");
	/* children and threads forked later are the case's too */
	if (dt_tracefs_enable(t, "sched", "sched_process_fork", why,
			      wlen) < 0)
		goto fail;
	snprintf(path, sizeof(path), "%s/trace_pipe", t->inst);
	t->pipe_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (t->pipe_fd < 0) {
		snprintf(why, wlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	dt_tracefs_close(t);
	return -1;
}

int dt_tracefs_drain(struct dt_tracefs *t,
		     void (*fn)(const char *line, void *arg), void *arg)
{
	char *buf;
	int lines = 0;

	if (t->pipe_fd < 0)
		return -1;
	buf = malloc(READ_CHUNK + 1);
	if (!buf)
		return -1;
	for (;;) {
		ssize_t n = read(t->pipe_fd, buf, READ_CHUNK);
		char *line, *nl, *all;
		size_t len;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* what was left of the last read, then this one */
		len = t->part_len + n;
		all = malloc(len + 1);
		if (!all)
			break;
		memcpy(all, t->part, t->part_len);
		memcpy(all + t->part_len, buf, n);
		all[len] = '\0';
		free(t->part);
		t->part = NULL;
		t->part_len = 0;
		for (line = all; (nl = strchr(line, '\n')); line = nl + 1) {
			*nl = '\0';
			fn(line, arg);
			lines++;
		}
		if (*line) {
			t->part_len = strlen(line);
			t->part = strdup(line);
			if (!t->part)
				t->part_len = 0;
		}
		free(all);
	}
	free(buf);
	return lines;
}

bool dt_tracefs_overran(const struct dt_tracefs *t)
{
	char path[512];
	bool lost = false;
	int cpu;

	for (cpu = 0; cpu < 4096 && !lost; cpu++) {
		char *text, *p;

		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats", t->inst,
			 cpu);
		text = dt_read_whole(path, 1 << 16, NULL);
		if (!text) {
			if (errno == ENOENT && cpu > 0)
				break;
			continue;
		}
		p = strstr(text, "overrun:");
		if (p && strtoull(p + 8, NULL, 10))
			lost = true;
		p = strstr(text, "dropped events:");
		if (p && strtoull(p + 15, NULL, 10))
			lost = true;
		free(text);
	}
	return lost;
}

void dt_tracefs_close(struct dt_tracefs *t)
{
	if (t->pipe_fd >= 0)
		close(t->pipe_fd);
	t->pipe_fd = -1;
	free(t->part);
	t->part = NULL;
	t->part_len = 0;
	if (!t->inst[0])
		return;
	inst_write(t, "events/enable", "0");
	/* one that will not go is reaped by a later run */
	rmdir(t->inst);
	t->inst[0] = '\0';
}

void dt_tracefs_reap(const char *root)
{
	char path[512];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/instances", root);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *p = de->d_name;
		char *end;
		long pid;

		if (strncmp(p, DT_TRACEFS_PREFIX, strlen(DT_TRACEFS_PREFIX)))
			continue;
		pid = strtol(p + strlen(DT_TRACEFS_PREFIX), &end, 10);
		if (*end != '_' || pid <= 0 || pid == getpid())
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/instances/%s/events/enable",
			 root, p);
		dt_tracefs_write(path, "0");
		snprintf(path, sizeof(path), "%s/instances/%s", root, p);
		rmdir(path);
	}
	closedir(d);
}
