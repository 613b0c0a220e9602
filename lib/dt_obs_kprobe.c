// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_obs_kprobe.c - mapping backend "kprobe" for real virtio-fs guests
 * whose fuse has no fuse_dax tracepoints:
 *
 *   p:dmaptest_<pid>/setup fuse_setup_one_mapping writable=... upgrade=...
 *
 * enabled in a private tracefs instance and counted for the case's
 * process tree (dt_tracefs.h: its threads, children and io workers
 * included). A probe cannot see the inode, nor removals: it counts
 * setups only. A compiler clone of the function (".constprop.0", as GCC
 * makes of the known-bad 0001 client) is not probed: its arguments
 * cannot be trusted. The probe is removed by close() on every path of
 * the case; what a killed case leaves behind is removed by the next open
 * (a dmaptest_<pid> group whose pid is gone).
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
#define KP_BUF_KB	16384
#define KP_TEXT_MAX	(64u << 20)

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

struct kprobe_priv {
	char tracefs[64];
	char group[32];
	bool defined;
	struct dt_tracefs tf;
	struct dt_kacct acct;
};

static int write_str(const char *path, const char *s)
{
	return dt_tracefs_write(path, s);
}

static void tpath(char *out, size_t len, const char *tracefs,
		  const char *fmt, const char *a, const char *b)
{
	char rel[256];

	snprintf(rel, sizeof(rel), fmt, a, b);
	snprintf(out, len, "%s/%s", tracefs, rel);
}

/*
 * Take a group down: triggers, enables, an instance of that name (what
 * older versions left), the probe.
 */
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

static void kp_line(const char *line, void *arg)
{
	struct kprobe_priv *p = arg;

	dt_kacct_line(&p->acct, line, NULL, NULL, 0);
}

static void kp_drain(struct dt_obs *o, struct kprobe_priv *p)
{
	int i;

	for (i = 0; i < o->npids; i++)
		dt_ptree_add(&p->acct.tree, o->pids[i]);
	dt_tracefs_drain(&p->tf, kp_line, p);
}

static void kprobe_close(struct dt_obs *o, void *priv)
{
	struct kprobe_priv *p = priv;

	if (!p)
		return;
	dt_tracefs_close(&p->tf);
	if (p->defined)
		remove_group(p->tracefs, p->group);
	dt_kacct_free(&p->acct);
	free(p);
}

static int kprobe_open(struct dt_obs *o, void **priv, char *why, size_t len)
{
	struct kprobe_priv *p = calloc(1, sizeof(*p));
	char err[200];

	if (!p) {
		snprintf(why, len, "kprobe: out of memory");
		return -1;
	}
	p->tf.pipe_fd = -1;
	if (find_tracefs(p, why, len) < 0)
		goto fail;
	/* instances first: a probe enabled in one cannot be removed */
	dt_tracefs_reap(p->tracefs);
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
	if (dt_tracefs_open(&p->tf, p->tracefs, KP_BUF_KB, err,
			    sizeof(err)) < 0 ||
	    dt_tracefs_enable(&p->tf, p->group, KP_EVENT, err,
			      sizeof(err)) < 0) {
		snprintf(why, len, "kprobe: %s", err);
		goto fail;
	}
	dt_ptree_add(&p->acct.tree, o->root_pid);
	*priv = p;
	return 0;
fail:
	kprobe_close(o, p);
	return -1;
}

static int kprobe_snap(struct dt_obs *o, void *priv, struct dt_map_count *c)
{
	struct kprobe_priv *p = priv;

	kp_drain(o, p);
	*c = p->acct.c;
	c->lossy = dt_tracefs_overran(&p->tf);
	return 0;
}

static void kprobe_poll(struct dt_obs *o, void *priv)
{
	kp_drain(o, priv);
}

static int kprobe_sees(struct dt_obs *o, void *priv, int fd, char *why,
		       size_t len)
{
	return dt_obs_kernel_sees("kprobe", fd, why, len);
}

const struct dt_map_backend dt_map_kprobe = {
	.name = "kprobe",
	.scope = DT_OBS_SCOPE_CASE,
	.removes = false,
	.kernel = true,
	.open = kprobe_open,
	.snap = kprobe_snap,
	.sees = kprobe_sees,
	.poll = kprobe_poll,
	.close = kprobe_close,
};
