// SPDX-License-Identifier: GPL-2.0-or-later
/* diag.c - kernel stacks and wait channels of a hung case */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

static void put_file(struct sbuf *out, const char *label, const char *path,
		     size_t max)
{
	char *text = read_file(path, max, NULL);

	if (!text) {
		sb_printf(out, "  %s: (unreadable)\n", label);
		return;
	}
	strtrim(text);
	if (strchr(text, '\n'))
		sb_printf(out, "  %s:\n%s\n", label, text);
	else
		sb_printf(out, "  %s: %s\n", label, text);
	free(text);
}

/* a few lines of status: state, and what the task is blocked on */
static void put_status(struct sbuf *out, const char *path)
{
	static const char *const keys[] = {
		"Name:", "State:", "PPid:", "SigPnd:", "ShdPnd:", "SigBlk:",
		"voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:",
		NULL,
	};
	char *text = read_file(path, 8192, NULL), *line, *save = NULL;
	int i;

	if (!text)
		return;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		for (i = 0; keys[i]; i++)
			if (!strncmp(line, keys[i], strlen(keys[i])))
				sb_printf(out, "  %s\n", line);
	free(text);
}

static void diag_one(struct sbuf *out, pid_t pid)
{
	char dir[64], path[384];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	d = opendir(dir);
	if (!d) {
		sb_printf(out, "pid %d: gone\n", (int)pid);
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		sb_printf(out, "pid %d tid %s\n", (int)pid, de->d_name);
		snprintf(path, sizeof(path), "%s/%s/status", dir, de->d_name);
		put_status(out, path);
		snprintf(path, sizeof(path), "%s/%s/wchan", dir, de->d_name);
		put_file(out, "wchan", path, 256);
		snprintf(path, sizeof(path), "%s/%s/syscall", dir, de->d_name);
		put_file(out, "syscall", path, 256);
		snprintf(path, sizeof(path), "%s/%s/stack", dir, de->d_name);
		put_file(out, "stack", path, 16384);
	}
	closedir(d);
}

void diag_tasks(struct sbuf *out, const pid_t *pids, int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		diag_one(out, pids[i]);
}
