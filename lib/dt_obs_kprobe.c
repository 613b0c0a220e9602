// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_obs_kprobe.c - mapping backend "kprobe" for real virtio-fs guests:
 *
 *   p:dmaptest_<pid>/setup fuse_setup_one_mapping writable=... upgrade=...
 *
 * in tracefs, counted by a hist trigger keyed on the process, writable
 * and upgrade (no trace buffer involved, exact); without hist triggers,
 * the event is enabled in a private tracing instance and its buffer is
 * parsed (lossy when it overran, and then said so). The event is removed
 * by close() on every path of the case; what a killed case leaves behind
 * is removed by the next open (a dmaptest_<pid> group whose pid is gone).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt_case.h"
#include "dt_fs.h"
#include "dt_obs_priv.h"
#include "dt_observe.h"

#define KP_SYMBOL	"fuse_setup_one_mapping"
#define KP_GROUP_PREFIX	"dmaptest_"
#define KP_EVENT	"setup"
#define KP_HIST		"hist:keys=common_pid.execname,writable,upgrade:size=4096"
#define KP_BUF_KB	"16384"
#define KP_TEXT_MAX	(64u << 20)

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

struct kprobe_priv {
	char tracefs[64];
	char group[32];
	bool defined;
	bool hist;		/* counting by hist trigger */
	bool instance;		/* counting in instances/<group> */
};

static int write_str(const char *path, const char *s)
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

static bool pid_is_ours(long pid, const char *comm, const pid_t *pids,
			int npids)
{
	long owner = -1;
	int i;

	/* io_uring punts to worker threads named iou-wrk-<owner tid> */
	if (comm && !strncmp(comm, "iou-wrk-", 8))
		owner = strtol(comm + 8, NULL, 10);
	for (i = 0; i < npids; i++)
		if (pids[i] == pid || pids[i] == owner)
			return true;
	return false;
}

static long field(const char *line, const char *key, const char *end)
{
	const char *p = strstr(line, key);

	if (!p || (end && p > end))
		return -1;
	p += strlen(key);
	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	return strtol(p, NULL, 10);
}

static void add_hit(struct dt_map_count *c, bool ours, long w, long u,
		    uint64_t n)
{
	if (!ours)
		c->foreign += n;
	else if (!w)
		c->setup_ro += n;
	else if (u)
		c->upgrades += n;
	else
		c->setup_rw += n;
}

/* "{ common_pid: od [  1234], writable: 0, upgrade: 0 } hitcount: 5" */
static int parse_hist_line(const char *line, const char *eol,
			   const pid_t *pids, int npids,
			   struct dt_map_count *c)
{
	char comm[32] = "";
	const char *p = strstr(line, "common_pid:"), *br;
	long pid = -1, w, u, hits;
	size_t k = 0;

	if (!p || p > eol)
		return -1;
	p += strlen("common_pid:");
	while (*p == ' ')
		p++;
	br = strchr(p, '[');
	if (br && br < eol) {
		while (p < br && k + 1 < sizeof(comm))
			comm[k++] = *p++;
		while (k && comm[k - 1] == ' ')
			k--;
		comm[k] = '\0';
		pid = strtol(br + 1, NULL, 10);
	} else {
		pid = strtol(p, NULL, 10);
	}
	w = field(line, "writable:", eol);
	u = field(line, "upgrade:", eol);
	hits = field(line, "hitcount:", eol);
	if (w < 0 || u < 0 || hits < 0)
		return -1;
	add_hit(c, pid_is_ours(pid, comm, pids, npids), w, u, hits);
	return 0;
}

/* "  od-1234  [001] ..... 12.3: setup: (fuse_...) writable=0 upgrade=0" */
static int parse_trace_line(const char *line, const char *eol,
			    const pid_t *pids, int npids,
			    struct dt_map_count *c)
{
	char task[64];
	const char *p = line, *end, *dash;
	long pid, w, u;
	size_t k;

	while (*p == ' ')
		p++;
	end = p;
	while (end < eol && !(end[0] == ' ' && (end[1] == '[' ||
						end[1] == '(' ||
						end[1] == ' ')))
		end++;
	k = end - p < (long)sizeof(task) - 1 ? (size_t)(end - p) :
	    sizeof(task) - 1;
	memcpy(task, p, k);
	task[k] = '\0';
	dash = strrchr(task, '-');
	if (!dash)
		return -1;
	pid = strtol(dash + 1, NULL, 10);
	task[dash - task] = '\0';
	w = field(line, "writable=", eol);
	u = field(line, "upgrade=", eol);
	if (w < 0 || u < 0)
		return -1;
	add_hit(c, pid_is_ours(pid, task, pids, npids), w, u, 1);
	return 0;
}

int dt_kprobe_parse(const char *text, bool hist, const pid_t *pids,
		    int npids, struct dt_map_count *c)
{
	const char *line = text;
	bool header = false;

	memset(c, 0, sizeof(*c));
	while (line && *line) {
		const char *eol = strchr(line, '\n');

		if (!eol)
			eol = line + strlen(line);
		if (*line == '#') {
			unsigned long long in, written;
			const char *e = strstr(line, "entries-in-buffer/entries-written:");

			header = true;
			if (e && e < eol &&
			    sscanf(e, "entries-in-buffer/entries-written: %llu/%llu",
				   &in, &written) == 2 && in != written)
				c->lossy = true;
			if (hist && strstr(line, "Dropped:"))
				c->lossy = field(line, "Dropped:", eol) > 0;
		} else if (hist && *line == '{') {
			parse_hist_line(line, eol, pids, npids, c);
		} else if (hist && strstr(line, "Dropped:") &&
			   strstr(line, "Dropped:") < eol) {
			c->lossy = field(line, "Dropped:", eol) > 0;
		} else if (!hist && strstr(line, "writable=") &&
			   strstr(line, "writable=") < eol) {
			parse_trace_line(line, eol, pids, npids, c);
		}
		line = *eol ? eol + 1 : NULL;
	}
	if (!hist && !header)
		return -1;
	return 0;
}

static void tpath(char *out, size_t len, const char *tracefs,
		  const char *fmt, const char *a, const char *b)
{
	char rel[256];

	snprintf(rel, sizeof(rel), fmt, a, b);
	snprintf(out, len, "%s/%s", tracefs, rel);
}

/* Take a group down: triggers, enables, the instance, the probe. */
static void remove_group(const char *tracefs, const char *group)
{
	char path[512], cmd[512], *text, *line, *nl;

	tpath(path, sizeof(path), tracefs, "events/%s/%s/trigger", group,
	      KP_EVENT);
	text = dt_read_whole(path, KP_TEXT_MAX, NULL);
	for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
		char *sp;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (*line == '#' || !*line)
			continue;
		sp = strstr(line, " [");
		if (sp)
			*sp = '\0';
		snprintf(cmd, sizeof(cmd), "!%s", line);
		write_str(path, cmd);
	}
	free(text);
	tpath(path, sizeof(path), tracefs, "events/%s/%s/enable", group,
	      KP_EVENT);
	write_str(path, "0");
	snprintf(cmd, sizeof(cmd), "instances/%s/events/%%s/%%s/enable",
		 group);
	tpath(path, sizeof(path), tracefs, cmd, group, KP_EVENT);
	write_str(path, "0");
	tpath(path, sizeof(path), tracefs, "instances/%s%s", group, "");
	rmdir(path);
	tpath(path, sizeof(path), tracefs, "kprobe_events%s%s", "", "");
	snprintf(cmd, sizeof(cmd), "-:%s/%s\n", group, KP_EVENT);
	write_str(path, cmd);
}

/* dmaptest_<pid> groups of processes that are gone */
static void reap_stale(const char *tracefs)
{
	char path[512], group[64], *text, *line, *nl;

	tpath(path, sizeof(path), tracefs, "kprobe_events%s%s", "", "");
	text = dt_read_whole(path, KP_TEXT_MAX, NULL);
	for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
		const char *g;
		char *end;
		long pid;

		nl = strchr(line, '\n');
		g = strstr(line, ":" KP_GROUP_PREFIX);
		if (!g || (nl && g > nl))
			continue;
		pid = strtol(g + 1 + strlen(KP_GROUP_PREFIX), &end, 10);
		if (*end != '/' || pid <= 0 || pid == getpid())
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(group, sizeof(group), KP_GROUP_PREFIX "%ld", pid);
		remove_group(tracefs, group);
		dt_info("kprobe observer: removed stale probe group %s", group);
	}
	free(text);
}

/*
 * 1: the function is there; 0: not; -1: only a compiler clone (".isra.0",
 * ".constprop.0") whose arguments may differ: not probed.
 */
static int symbol_exists(const char *sym)
{
	size_t len = strlen(sym);
	char line[512];
	int found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return false;
	while (found != 1 && fgets(line, sizeof(line), f)) {
		char *name = strrchr(line, ' ');

		if (name && !strncmp(name + 1, sym, len) &&
		    (name[1 + len] == '\n' || name[1 + len] == '\t' ||
		     name[1 + len] == '\0'))
			found = 1;
		else if (name && !strncmp(name + 1, sym, len) &&
			 name[1 + len] == '.')
			found = -1;
	}
	fclose(f);
	return found;
}

static const char *arch_fetchargs(void)
{
#if defined(__x86_64__)
	return "writable=%cx:u8 upgrade=%r8:u8";
#elif defined(__aarch64__)
	return "writable=%x3:u8 upgrade=%x4:u8";
#elif defined(__riscv)
	return "writable=%a3:u8 upgrade=%a4:u8";
#else
	return NULL;
#endif
}

static int find_tracefs(struct kprobe_priv *p, char *why, size_t len)
{
	char path[128];
	bool have_trace = false;
	size_t i;

	for (i = 0; i < sizeof(tracefs_dirs) / sizeof(tracefs_dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/kprobe_events",
			 tracefs_dirs[i]);
		if (!access(path, W_OK)) {
			snprintf(p->tracefs, sizeof(p->tracefs), "%s",
				 tracefs_dirs[i]);
			return 0;
		}
		snprintf(path, sizeof(path), "%s/trace", tracefs_dirs[i]);
		if (!access(path, F_OK))
			have_trace = true;
	}
	if (have_trace)
		snprintf(why, len, "kprobe: tracefs has no writable kprobe_events (kernel without CONFIG_KPROBE_EVENTS, or not root)");
	else
		snprintf(why, len, "kprobe: tracefs is not mounted (no %s/trace)",
			 tracefs_dirs[0]);
	return -1;
}

static int define_probe(struct kprobe_priv *p, char *why, size_t len)
{
	const char *args[2] = { arch_fetchargs(),
				"writable=$arg4:u8 upgrade=$arg5:u8" };
	char path[128], def[256];
	int i, err = 0;

	snprintf(path, sizeof(path), "%s/kprobe_events", p->tracefs);
	for (i = 0; i < 2; i++) {
		if (!args[i])
			continue;
		snprintf(def, sizeof(def), "p:%s/%s %s %s\n", p->group,
			 KP_EVENT, KP_SYMBOL, args[i]);
		if (!write_str(path, def)) {
			p->defined = true;
			dt_info("kprobe observer: %s", def);
			return 0;
		}
		err = errno;
	}
	snprintf(why, len, "kprobe: defining the probe on %s failed: %s",
		 KP_SYMBOL, strerror(err));
	return -1;
}

static int start_counting(struct kprobe_priv *p, char *why, size_t len)
{
	char path[512], rel[256];
	int err;

	tpath(path, sizeof(path), p->tracefs, "events/%s/%s/trigger",
	      p->group, KP_EVENT);
	if (!write_str(path, KP_HIST)) {
		p->hist = true;
		return 0;
	}
	err = errno;
	/* no hist triggers: a private instance and its trace buffer */
	tpath(path, sizeof(path), p->tracefs, "instances/%s%s", p->group, "");
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		snprintf(why, len, "kprobe: no hist trigger (%s) and no tracing instance (%s)",
			 strerror(err), strerror(errno));
		return -1;
	}
	p->instance = true;
	tpath(path, sizeof(path), p->tracefs, "instances/%s/buffer_size_kb%s",
	      p->group, "");
	write_str(path, KP_BUF_KB);
	snprintf(rel, sizeof(rel), "instances/%s/events/%%s/%%s/enable",
		 p->group);
	tpath(path, sizeof(path), p->tracefs, rel, p->group, KP_EVENT);
	if (write_str(path, "1") < 0) {
		snprintf(why, len, "kprobe: enabling the event failed: %s",
			 strerror(errno));
		return -1;
	}
	dt_info("kprobe observer: no hist trigger (%s), counting from a trace buffer",
		strerror(err));
	return 0;
}

static void kprobe_close(struct dt_obs *o, void *priv)
{
	struct kprobe_priv *p = priv;

	if (!p)
		return;
	if (p->defined)
		remove_group(p->tracefs, p->group);
	free(p);
}

static int kprobe_open(struct dt_obs *o, void **priv, char *why, size_t len)
{
	struct kprobe_priv *p = calloc(1, sizeof(*p));

	if (!p) {
		snprintf(why, len, "kprobe: out of memory");
		return -1;
	}
	if (find_tracefs(p, why, len) < 0)
		goto fail;
	reap_stale(p->tracefs);
	switch (symbol_exists(KP_SYMBOL)) {
	case 1:
		break;
	case -1:
		snprintf(why, len, "kprobe: only a compiler clone of %s is in /proc/kallsyms: its arguments cannot be trusted",
			 KP_SYMBOL);
		goto fail;
	default:
		snprintf(why, len, "kprobe: %s is not in /proc/kallsyms (fuse without DAX support, or fuse not loaded)",
			 KP_SYMBOL);
		goto fail;
	}
	snprintf(p->group, sizeof(p->group), KP_GROUP_PREFIX "%d",
		 (int)getpid());
	if (define_probe(p, why, len) < 0)
		goto fail;
	if (start_counting(p, why, len) < 0)
		goto fail;
	*priv = p;
	return 0;
fail:
	kprobe_close(o, p);
	return -1;
}

static int kprobe_snap(struct dt_obs *o, void *priv, struct dt_map_count *c)
{
	struct kprobe_priv *p = priv;
	char path[512], rel[256];
	pid_t pids[DT_OBS_MAX_PIDS + 1];
	char *text;
	int n, ret;

	pids[0] = getpid();
	for (n = 0; n < o->npids; n++)
		pids[n + 1] = o->pids[n];
	if (p->hist) {
		tpath(path, sizeof(path), p->tracefs, "events/%s/%s/hist",
		      p->group, KP_EVENT);
	} else {
		snprintf(rel, sizeof(rel), "instances/%s/trace%%s%%s",
			 p->group);
		tpath(path, sizeof(path), p->tracefs, rel, "", "");
	}
	text = dt_read_whole(path, KP_TEXT_MAX, NULL);
	if (!text)
		return -1;
	ret = dt_kprobe_parse(text, p->hist, pids, o->npids + 1, c);
	free(text);
	return ret;
}

static int kprobe_sees(struct dt_obs *o, void *priv, int fd, char *why,
		       size_t len)
{
	int dax = dt_is_dax(fd);

	if (dax == 1)
		return 0;
	snprintf(why, len, "kprobe: the file is not DAX-mapped (%s), so the kernel sets up no mappings for it",
		 dax == 0 ? "statx: no STATX_ATTR_DAX" :
			    "statx cannot tell");
	return -1;
}

const struct dt_map_backend dt_map_kprobe = {
	.name = "kprobe",
	.open = kprobe_open,
	.snap = kprobe_snap,
	.sees = kprobe_sees,
	.close = kprobe_close,
};
