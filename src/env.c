// SPDX-License-Identifier: GPL-2.0-or-later
/* env.c - probe the kernel and a target mount for what the cases need */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dt_dmapctl.h"
#include "dt_marker.h"
#include "env.h"
#include "target.h"

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

/*
 * The kernel config as a stream: /boot/config-RELEASE, or /proc/config.gz
 * through gzip (run directly: a minimal initramfs may have no shell).
 */
static FILE *open_kconfig(pid_t *pid)
{
	char path[256];
	struct utsname u;
	int fds[2];

	*pid = 0;
	uname(&u);
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	if (!access(path, R_OK))
		return fopen(path, "re");
	if (access("/proc/config.gz", R_OK) || pipe2(fds, O_CLOEXEC) < 0)
		return NULL;
	*pid = fork();
	if (*pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(fds[1], STDOUT_FILENO);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		execlp("gzip", "gzip", "-dc", "/proc/config.gz", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	if (*pid < 0) {
		close(fds[0]);
		return NULL;
	}
	return fdopen(fds[0], "r");
}

/* "y", "m", "n" for CONFIG_<name>; "unknown" without a config */
static void kconfig(const char *name, char *out, size_t size)
{
	char line[256], key[96];
	pid_t pid;
	FILE *f;

	snprintf(out, size, "unknown");
	f = open_kconfig(&pid);
	if (!f)
		return;
	/* a config without the item: its dependencies are off */
	snprintf(out, size, "n");
	snprintf(key, sizeof(key), "CONFIG_%s=", name);
	while (fgets(line, sizeof(line), f)) {
		char not_set[128];

		snprintf(not_set, sizeof(not_set), "# CONFIG_%s is not set",
			 name);
		if (!strncmp(line, key, strlen(key))) {
			snprintf(out, size, "%c", line[strlen(key)]);
			break;
		}
		if (!strncmp(line, not_set, strlen(not_set))) {
			snprintf(out, size, "n");
			break;
		}
	}
	fclose(f);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/*
 * Undo the octal escapes of /proc/self/mountinfo in place: space, tab,
 * newline and backslash in a path are written as \040, \011, \012, \134.
 */
void env_unescape_mount(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/*
 * The /proc/self/mountinfo line of mount point mnt (the last one wins):
 * file system type, and the mount's and the super block's options.
 */
static void mount_line(struct env_info *e)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *field[64], *save;
	size_t cap = 0;
	int n, i;

	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		/* id parent maj:min root mnt opts [optional...] - type src super */
		for (n = 0, save = NULL; n < 64 &&
		     (field[n] = strtok_r(n ? NULL : line, " ", &save)); n++)
			;
		if (n < 7)
			continue;
		env_unescape_mount(field[4]);
		if (strcmp(field[4], e->mount_point))
			continue;
		for (i = 6; i < n && strcmp(field[i], "-"); i++)
			;
		if (i + 1 >= n)
			continue;
		snprintf(e->fstype, sizeof(e->fstype), "%s", field[i + 1]);
		snprintf(e->mount_opts, sizeof(e->mount_opts), "%s%s%s",
			 field[5], i + 3 < n ? "," : "",
			 i + 3 < n ? field[i + 3] : "");
	}
	free(line);
	fclose(f);
}

static bool has_opt(const char *opts, const char *opt)
{
	size_t n = strlen(opt);
	const char *p = opts;

	while ((p = strstr(p, opt))) {
		if ((p == opts || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

/* STATX_ATTR_DAX of a fresh file on the mount; -1 when unknown */
static int probe_file_dax(const char *dir)
{
	char path[4300], name[128];
	struct dt_marker m;
	struct statx stx;
	int fd, ret = -1;

	/* marked and locked, like every file dmaptest may leave */
	dt_marker_self(&m);
	if (dt_marker_name(&m, ".dmaptest-env.", name, sizeof(name)) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return -1;
	flock(fd, LOCK_EX | LOCK_NB);
	if (!statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) &&
	    (stx.stx_attributes_mask & STATX_ATTR_DAX))
		ret = !!(stx.stx_attributes & STATX_ATTR_DAX);
	close(fd);
	unlink(path);
	return ret;
}

/* The window: /proc/iomem "virtio-pci-shm", else "Cache len" in dmesg. */
static void probe_window(struct env_info *e)
{
	char line[512];
	FILE *f = fopen("/proc/iomem", "re");
	unsigned long long a, b;
	int fd;

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (!strstr(line, "virtio-pci-shm") ||
			    sscanf(line, " %llx-%llx", &a, &b) != 2 || b <= a)
				continue;
			e->window_bytes = b - a + 1;
			snprintf(e->window_where, sizeof(e->window_where),
				 "/proc/iomem %llx-%llx", a, b);
			break;
		}
		fclose(f);
	}
	if (e->window_bytes)
		return;
	/* the whole kernel log, record by record, from its start */
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	for (;;) {
		char rec[2048], *p;
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		p = strstr(rec, "Cache len: 0x");
		if (p && sscanf(p, "Cache len: 0x%llx", &a) == 1) {
			e->window_bytes = a;
			snprintf(e->window_where, sizeof(e->window_where),
				 "kernel log 'Cache len'");
		}
	}
	close(fd);
}

static void probe_kprobe(struct env_info *e)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing", NULL,
	};
	char path[128], line[512];
	bool found = false, clone = false;
	FILE *f;
	int i;

	for (i = 0; roots[i]; i++) {
		snprintf(path, sizeof(path), "%s/kprobe_events", roots[i]);
		if (!access(path, W_OK))
			break;
	}
	if (!roots[i]) {
		snprintf(e->obs_kprobe_why, sizeof(e->obs_kprobe_why),
			 "no writable kprobe_events in tracefs");
		return;
	}
	f = fopen("/proc/kallsyms", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, " fuse_setup_one_mapping");

		if (!p)
			continue;
		p += strlen(" fuse_setup_one_mapping");
		if (*p == '.') {
			clone = true;	/* .constprop.0, .isra.0 */
			continue;
		}
		found = true;
		break;
	}
	if (f)
		fclose(f);
	if (!found) {
		snprintf(e->obs_kprobe_why, sizeof(e->obs_kprobe_why), "%s",
			 clone ? "only a compiler clone of fuse_setup_one_mapping in /proc/kallsyms: its arguments cannot be trusted" :
			 "fuse_setup_one_mapping not in /proc/kallsyms (no FUSE DAX code loaded)");
		return;
	}
	e->obs_kprobe = true;
}

/* the fuse_dax tracepoints of patches/linux-6.1/0002 */
static void probe_tracepoint(struct env_info *e)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing", NULL,
	};
	char path[160];
	int i;

	for (i = 0; roots[i]; i++) {
		snprintf(path, sizeof(path), "%s/instances", roots[i]);
		if (access(path, W_OK))
			continue;
		snprintf(path, sizeof(path),
			 "%s/events/fuse_dax/fuse_dax_setup_mapping", roots[i]);
		if (!access(path, F_OK)) {
			e->obs_tracepoint = true;
			return;
		}
		snprintf(e->obs_tracepoint_why, sizeof(e->obs_tracepoint_why),
			 "no fuse_dax events (fuse without patch 0002, or not loaded)");
		return;
	}
	snprintf(e->obs_tracepoint_why, sizeof(e->obs_tracepoint_why),
		 "no writable tracefs instances (tracefs not mounted, or not root)");
}

void env_probe_host_log(struct env_info *e, const char *file)
{
	char line[128];
	bool header = false, dev = false;
	FILE *f;
	int i;

	if (!file) {
		snprintf(e->obs_hostlog_why, sizeof(e->obs_hostlog_why),
			 "no daemon mapping log given (--host-log)");
		return;
	}
	snprintf(e->host_log, sizeof(e->host_log), "%s", file);
	f = fopen(file, "re");
	if (!f) {
		snprintf(e->obs_hostlog_why, sizeof(e->obs_hostlog_why),
			 "%s", strerror(errno));
		return;
	}
	for (i = 0; i < 8 && fgets(line, sizeof(line), f); i++) {
		if (!strncmp(line, "# dmaptest-host-log 1", 21))
			header = true;
		if (!strncmp(line, "# scratch-dev ", 14))
			dev = true;
	}
	fclose(f);
	e->obs_hostlog = header && dev;
	if (!e->obs_hostlog)
		snprintf(e->obs_hostlog_why, sizeof(e->obs_hostlog_why),
			 "no \"# dmaptest-host-log 1\" and \"# scratch-dev N\" header");
}

void env_probe(struct env_info *e, const char *path)
{
	struct utsname u;
	struct statfs sf;
	struct statvfs sv;
	char ctl[4200];

	memset(e, 0, sizeof(*e));
	uname(&u);
	snprintf(e->kernel, sizeof(e->kernel), "%s", u.release);
	kconfig("FUSE_DAX", e->fuse_dax, sizeof(e->fuse_dax));
	kconfig("KPROBE_EVENTS", e->kprobe_events, sizeof(e->kprobe_events));
	e->is_root = geteuid() == 0;
	e->file_dax = -1;
	snprintf(e->dax_mode, sizeof(e->dax_mode), "none");
	probe_window(e);
	probe_kprobe(e);
	probe_tracepoint(e);
	if (!path)
		return;

	snprintf(e->path, sizeof(e->path), "%s", path);
	if (target_mount_root(path, e->mount_point, sizeof(e->mount_point)))
		snprintf(e->mount_point, sizeof(e->mount_point), "%s", path);
	mount_line(e);
	if (!statfs(path, &sf))
		e->fuse = sf.f_type == FUSE_SUPER_MAGIC;
	e->virtiofs = !strcmp(e->fstype, "virtiofs");
	if (!statvfs(path, &sv)) {
		e->free_bytes = (uint64_t)sv.f_bavail * sv.f_frsize;
		e->total_bytes = (uint64_t)sv.f_blocks * sv.f_frsize;
	}
	if (has_opt(e->mount_opts, "dax") ||
	    has_opt(e->mount_opts, "dax=always"))
		snprintf(e->dax_mode, sizeof(e->dax_mode), "always");
	else if (has_opt(e->mount_opts, "dax=inode"))
		snprintf(e->dax_mode, sizeof(e->dax_mode), "inode");
	else if (has_opt(e->mount_opts, "dax=never"))
		snprintf(e->dax_mode, sizeof(e->dax_mode), "never");
	e->file_dax = probe_file_dax(path);
	snprintf(ctl, sizeof(ctl), "%s/" DT_CTL_NAME, e->mount_point);
	e->obs_counters = e->fuse && !access(ctl, R_OK);

	/* the precise reason a DAX case cannot run here */
	if (e->obs_counters)
		return;		/* dmapfs emulates a DAX stack */
	if (!strcmp(e->dax_mode, "never"))
		snprintf(e->no_dax_reason, sizeof(e->no_dax_reason),
			 "mounted dax=never");
	else if (!strcmp(e->dax_mode, "inode") && e->file_dax != 1)
		snprintf(e->no_dax_reason, sizeof(e->no_dax_reason),
			 "file not DAX under dax=inode");
	else if (e->virtiofs && !strcmp(e->dax_mode, "none") &&
		 !e->window_bytes)
		snprintf(e->no_dax_reason, sizeof(e->no_dax_reason),
			 "device has no DAX window");
	else if (!strcmp(e->dax_mode, "none"))
		snprintf(e->no_dax_reason, sizeof(e->no_dax_reason),
			 "not mounted with -o dax (%s)",
			 e->fstype[0] ? e->fstype : "unknown fs");
	else if (e->file_dax == 0)
		snprintf(e->no_dax_reason, sizeof(e->no_dax_reason),
			 "files are not DAX (STATX_ATTR_DAX clear)");
}

static const char *yesno(bool b)
{
	return b ? "yes" : "no";
}

void env_print_table(const struct env_info *e)
{
	char free_s[32], total_s[32], win[32];

	printf("%-22s %s\n", "kernel", e->kernel);
	printf("%-22s %s\n", "CONFIG_FUSE_DAX", e->fuse_dax);
	printf("%-22s %s\n", "CONFIG_KPROBE_EVENTS", e->kprobe_events);
	printf("%-22s %s\n", "root", yesno(e->is_root));
	format_bytes(e->window_bytes, win, sizeof(win));
	printf("%-22s %s%s%s\n", "DAX window",
	       e->window_bytes ? win : "none found",
	       e->window_bytes ? " at " : "", e->window_where);
	printf("%-22s %s%s%s\n", "observer: tracepoint",
	       yesno(e->obs_tracepoint), e->obs_tracepoint ? "" : " - ",
	       e->obs_tracepoint_why);
	printf("%-22s %s%s%s%s\n", "observer: host-log",
	       yesno(e->obs_hostlog), e->obs_hostlog ? " (" : " - ",
	       e->obs_hostlog ? e->host_log : e->obs_hostlog_why,
	       e->obs_hostlog ? ")" : "");
	printf("%-22s %s%s%s\n", "observer: kprobe", yesno(e->obs_kprobe),
	       e->obs_kprobe ? "" : " - ", e->obs_kprobe_why);
	/* st_blocks and statvfs: on any mount */
	printf("%-22s yes\n", "observer: allocation");
	if (!e->path[0])
		return;
	format_bytes(e->free_bytes, free_s, sizeof(free_s));
	format_bytes(e->total_bytes, total_s, sizeof(total_s));
	printf("%-22s %s\n", "path", e->path);
	printf("%-22s %s\n", "mount point", e->mount_point);
	printf("%-22s %s%s\n", "file system", e->fstype[0] ? e->fstype : "?",
	       e->fuse ? " (FUSE)" : "");
	printf("%-22s %s\n", "mount options", e->mount_opts);
	printf("%-22s %s\n", "DAX mode", e->dax_mode);
	printf("%-22s %s\n", "file DAX (statx)",
	       e->file_dax < 0 ? "unknown" : yesno(e->file_dax));
	printf("%-22s %s\n", "DAX cases",
	       e->no_dax_reason[0] ? e->no_dax_reason : "can run");
	printf("%-22s %s of %s\n", "free space", free_s, total_s);
	printf("%-22s %s\n", "observer: dmapfs", yesno(e->obs_counters));
}

char *env_json(const struct env_info *e)
{
	json_object *j = json_object_new_object(), *o;
	char *s;

	json_object_object_add(j, "kernel", json_object_new_string(e->kernel));
	o = json_object_new_object();
	json_object_object_add(o, "FUSE_DAX", json_object_new_string(e->fuse_dax));
	json_object_object_add(o, "KPROBE_EVENTS",
			       json_object_new_string(e->kprobe_events));
	json_object_object_add(j, "kconfig", o);
	json_object_object_add(j, "root", json_object_new_boolean(e->is_root));
	o = json_object_new_object();
	json_object_object_add(o, "bytes", json_object_new_uint64(e->window_bytes));
	json_object_object_add(o, "where", json_object_new_string(e->window_where));
	json_object_object_add(j, "dax_window", o);
	o = json_object_new_object();
	json_object_object_add(o, "tracepoint",
			       json_object_new_boolean(e->obs_tracepoint));
	json_object_object_add(o, "tracepoint_why",
			       json_object_new_string(e->obs_tracepoint_why));
	json_object_object_add(o, "kprobe", json_object_new_boolean(e->obs_kprobe));
	json_object_object_add(o, "kprobe_why",
			       json_object_new_string(e->obs_kprobe_why));
	json_object_object_add(o, "host_log",
			       json_object_new_boolean(e->obs_hostlog));
	json_object_object_add(o, e->obs_hostlog ? "host_log_file" :
			       "host_log_why",
			       json_object_new_string(e->obs_hostlog ?
						      e->host_log :
						      e->obs_hostlog_why));
	json_object_object_add(o, "allocation", json_object_new_boolean(true));
	if (e->path[0])
		json_object_object_add(o, "dmapfs",
				       json_object_new_boolean(e->obs_counters));
	json_object_object_add(j, "observers", o);
	if (e->path[0]) {
		o = json_object_new_object();
		json_object_object_add(o, "path", json_object_new_string(e->path));
		json_object_object_add(o, "mount_point",
				       json_object_new_string(e->mount_point));
		json_object_object_add(o, "fstype", json_object_new_string(e->fstype));
		json_object_object_add(o, "options",
				       json_object_new_string(e->mount_opts));
		json_object_object_add(o, "fuse", json_object_new_boolean(e->fuse));
		json_object_object_add(o, "virtiofs",
				       json_object_new_boolean(e->virtiofs));
		json_object_object_add(o, "dax_mode",
				       json_object_new_string(e->dax_mode));
		json_object_object_add(o, "file_dax", e->file_dax < 0 ? NULL :
				       json_object_new_boolean(e->file_dax));
		json_object_object_add(o, "no_dax_reason", e->no_dax_reason[0] ?
				       json_object_new_string(e->no_dax_reason) :
				       NULL);
		json_object_object_add(o, "free_bytes",
				       json_object_new_uint64(e->free_bytes));
		json_object_object_add(o, "total_bytes",
				       json_object_new_uint64(e->total_bytes));
		json_object_object_add(j, "mount", o);
	}
	s = xstrdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
						   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
	return s;
}
