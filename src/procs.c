// SPDX-License-Identifier: GPL-2.0-or-later
/* procs.c - process groups, cgroup leaves and leftovers of cases */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dt_marker.h"
#include "procs.h"
#include "util.h"

#define MAX_IGNORED 64

static char cg_parent[PATH_MAX];
static pid_t ignored[MAX_IGNORED];

bool procs_have_cgroup(void)
{
	return cg_parent[0] != '\0';
}

void procs_ignore(pid_t pid)
{
	int i;

	for (i = 0; i < MAX_IGNORED; i++)
		if (!ignored[i]) {
			ignored[i] = pid;
			return;
		}
}

void procs_unignore(pid_t pid)
{
	int i;

	for (i = 0; i < MAX_IGNORED; i++)
		if (ignored[i] == pid)
			ignored[i] = 0;
}

static bool is_ignored(pid_t pid)
{
	int i;

	for (i = 0; i < MAX_IGNORED; i++)
		if (ignored[i] == pid)
			return true;
	return false;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -1 : 0;
}

/* Find a cgroup2 mount where we may create directories. */
static int find_cgroup2(char *out, size_t size)
{
	char line[1024], dev[256], dir[PATH_MAX], type[64];
	FILE *f = fopen("/proc/self/mounts", "re");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %4095s %63s", dev, dir, type) != 3)
			continue;
		if (strcmp(type, "cgroup2") || access(dir, W_OK))
			continue;
		snprintf(out, size, "%s", dir);
		found = 0;
		break;
	}
	fclose(f);
	return found;
}

/*
 * Kill and remove the cgroups of runners that are provably gone. A
 * runner's cgroup is named after its scratch folder (dmaptest.PID.XXXXXX)
 * under the same per-user parent, whose marker decides, lock first: a
 * pid alone says nothing about a runner in another pid namespace. A
 * cgroup that is not this user's, or whose folder is not there to ask,
 * is left alone.
 */
static void remove_stale_cgroups(const char *root, const char *scratch_parent)
{
	char path[PATH_MAX + 320], sub[PATH_MAX * 2], marker[PATH_MAX * 2];
	char text[1024], why[256];
	struct dirent *de, *le;
	struct dt_marker m;
	struct stat st;
	DIR *d, *ld;
	ssize_t n;
	int fd;

	d = opendir(root);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "dmaptest.", 9) ||
		    !strchr(de->d_name + 9, '.'))
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, de->d_name);
		if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != geteuid())
			continue;
		snprintf(marker, sizeof(marker), "%s/%s/" DT_MARKER_FILE,
			 scratch_parent, de->d_name);
		fd = open(marker, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
			  O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, text, sizeof(text) - 1);
		if (n <= 0 || (text[n] = '\0', dt_marker_parse(text, &m) < 0) ||
		    dt_marker_judge(&m, fd, why, sizeof(why)) != DT_OWNER_GONE) {
			close(fd);
			continue;
		}
		ld = opendir(path);
		if (ld) {
			while ((le = readdir(ld))) {
				if (le->d_type != DT_DIR || le->d_name[0] == '.')
					continue;
				snprintf(sub, sizeof(sub), "%s/%s/cgroup.kill",
					 path, le->d_name);
				write_str(sub, "1");
				snprintf(sub, sizeof(sub), "%s/%s", path,
					 le->d_name);
				rmdir(sub);
			}
			closedir(ld);
		}
		rmdir(path);
		close(fd);
	}
	closedir(d);
}

void procs_init(void)
{
	/* orphans of a case become ours, so we can find and reap them */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

void procs_cgroups(const char *name, const char *scratch_parent)
{
	char root[PATH_MAX];

	if (find_cgroup2(root, sizeof(root)) < 0)
		return;
	remove_stale_cgroups(root, scratch_parent);
	if (snprintf(cg_parent, sizeof(cg_parent), "%s/%s", root, name) >=
	    (int)sizeof(cg_parent) || mkdir(cg_parent, 0755) < 0) {
		cg_parent[0] = '\0';
		return;
	}
}

void procs_exit(void)
{
	if (cg_parent[0])
		rmdir(cg_parent);
	cg_parent[0] = '\0';
}

int group_create(struct proc_group *g, const char *name)
{
	char probe[PATH_MAX + 32];

	memset(g, 0, sizeof(*g));
	if (!cg_parent[0])
		return 0;
	if (snprintf(g->cgroup, sizeof(g->cgroup), "%s/%s", cg_parent,
		     name) >= (int)sizeof(g->cgroup))
		return 0;
	if (mkdir(g->cgroup, 0755) < 0 && errno != EEXIST)
		return 0;
	/* cgroup.kill came with 5.14; without it, fall back to the pgrp */
	snprintf(probe, sizeof(probe), "%s/cgroup.kill", g->cgroup);
	if (access(probe, W_OK)) {
		rmdir(g->cgroup);
		return 0;
	}
	g->has_cgroup = true;
	return 0;
}

void group_enter(struct proc_group *g)
{
	char path[PATH_MAX + 32];

	setpgid(0, 0);
	if (!g->has_cgroup)
		return;
	snprintf(path, sizeof(path), "%s/cgroup.procs", g->cgroup);
	write_str(path, "0");
}

void group_set_leader(struct proc_group *g, pid_t pid)
{
	char path[PATH_MAX + 32], buf[32];

	/* both sides call setpgid, whichever runs first wins the race */
	setpgid(pid, pid);
	g->pgid = pid;
	if (g->has_cgroup) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", g->cgroup);
		snprintf(buf, sizeof(buf), "%d", (int)pid);
		write_str(path, buf);
	}
}

/* pgrp and ppid of a pid from /proc/PID/stat; -1 when gone */
static int read_stat(pid_t pid, pid_t *ppid, pid_t *pgrp, char *state)
{
	char path[64], buf[1024], *p;
	size_t len;
	char *s;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	s = read_file(path, sizeof(buf) - 1, &len);
	if (!s)
		return -1;
	p = strrchr(s, ')');
	if (!p || sscanf(p + 2, "%c %d %d", state, ppid, pgrp) != 3) {
		free(s);
		return -1;
	}
	free(s);
	return 0;
}

char proc_state(pid_t pid)
{
	pid_t ppid, pgrp;
	char state;

	if (read_stat(pid, &ppid, &pgrp, &state) < 0)
		return 0;
	return state;
}

static int list_cgroup(struct proc_group *g, pid_t *pids, int max)
{
	char path[PATH_MAX + 32];
	char *text, *line, *save = NULL;
	int n = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", g->cgroup);
	text = read_file(path, 1 << 20, NULL);
	if (!text)
		return 0;
	for (line = strtok_r(text, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		pid_t pid = atoi(line);

		/* a zombie is gone for our purpose; reap it */
		if (pid > 0 && proc_state(pid) != 'Z')
			pids[n++] = pid;
	}
	free(text);
	return n;
}

int group_list(struct proc_group *g, pid_t *pids, int max)
{
	struct dirent *de;
	pid_t self = getpid();
	int n = 0;
	DIR *d;

	procs_reap();
	if (g->has_cgroup)
		return list_cgroup(g, pids, max);
	if (!g->pgid)
		return 0;
	d = opendir("/proc");
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		pid_t pid = atoi(de->d_name), ppid, pgrp;
		char state;

		if (pid <= 0 || pid == self || is_ignored(pid))
			continue;
		if (read_stat(pid, &ppid, &pgrp, &state) < 0 || state == 'Z')
			continue;
		/* same group, or an orphan that left it and came to us */
		if (pgrp == g->pgid || ppid == self)
			pids[n++] = pid;
	}
	closedir(d);
	return n;
}

void group_kill(struct proc_group *g)
{
	char path[PATH_MAX + 32];
	pid_t pids[256];
	int i, n;

	if (g->has_cgroup) {
		snprintf(path, sizeof(path), "%s/cgroup.kill", g->cgroup);
		if (!write_str(path, "1"))
			return;
	}
	if (g->pgid > 0)
		kill(-g->pgid, SIGKILL);
	n = group_list(g, pids, 256);
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
}

void group_destroy(struct proc_group *g)
{
	if (g->has_cgroup)
		rmdir(g->cgroup);
	g->has_cgroup = false;
}

static pid_t protected_pid;

void procs_protect(pid_t pid)
{
	protected_pid = pid;
}

/*
 * Reap zombie children that nobody waits for (orphans of cases that came
 * to us). Never the case process being watched, nor the target daemons:
 * their owners collect their status themselves.
 */
void procs_reap(void)
{
	struct dirent *de;
	pid_t self = getpid();
	DIR *d = opendir("/proc");

	if (!d)
		return;
	while ((de = readdir(d))) {
		pid_t pid = atoi(de->d_name), ppid, pgrp;
		char state;

		if (pid <= 0 || pid == protected_pid || is_ignored(pid))
			continue;
		if (read_stat(pid, &ppid, &pgrp, &state) < 0)
			continue;
		if (state == 'Z' && ppid == self)
			waitpid(pid, NULL, WNOHANG | __WALL);
	}
	closedir(d);
}

void proc_describe(pid_t pid, char *buf, size_t size)
{
	char path[64], *comm;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	comm = read_file(path, 64, NULL);
	if (comm)
		strtrim(comm);
	snprintf(buf, size, "%d (%s) %c", (int)pid, comm ? comm : "?",
		 proc_state(pid) ? proc_state(pid) : '-');
	free(comm);
}
