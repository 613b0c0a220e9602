// SPDX-License-Identifier: GPL-2.0-or-later
/* options.c - command line and config file settings of dmaptest */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conffile.h"
#include "dt_dmapctl.h"
#include "dt_observe.h"
#include "dt_proto.h"
#include "options.h"
#include "util.h"

#include <stddef.h>

typedef int (*opt_setter)(struct dt_opts *o, const char *v, char *err,
			  size_t errsz);

enum opt_kind {
	OPT_FUNC,	/* a setter of its own */
	OPT_STR,	/* a non-empty string */
	OPT_BOOL,	/* yes or no */
	OPT_CHOICE,	/* one of .choices, kept as a string */
};

struct opt_def {
	const char *name;	/* command line: --name */
	int short_opt;
	const char *key;	/* config key; NULL: command line only */
	const char *arg;	/* argument name; NULL: a flag */
	const char *flag_value;	/* the value a flag stands for */
	enum opt_kind kind;
	size_t off;		/* the field in struct dt_opts */
	const char *const *choices;
	opt_setter set;		/* OPT_FUNC */
	const char *help;
};

#define FIELD(f) offsetof(struct dt_opts, f)
#define ERR(...) (snprintf(err, errsz, __VA_ARGS__), -1)

static int set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on", NULL };
	static const char *const no[] = { "0", "no", "false", "off", NULL };
	int i;

	for (i = 0; yes[i]; i++)
		if (!strcmp(v, yes[i]))
			return *out = true, 0;
	for (i = 0; no[i]; i++)
		if (!strcmp(v, no[i]))
			return *out = false, 0;
	return -1;
}

static int set_choice(char **dst, const char *what, const char *v,
		      const char *const *choices, char *err, size_t errsz)
{
	size_t len;
	int i;

	for (i = 0; choices[i]; i++)
		if (!strcmp(v, choices[i]))
			return set_str(dst, v);
	snprintf(err, errsz, "%s: '%s' is not one of", what, v);
	for (i = 0; choices[i]; i++) {
		len = strlen(err);
		snprintf(err + len, errsz - len, "%s %s", i ? "," : "",
			 choices[i]);
	}
	return -1;
}

static int set_timeout_mul(struct dt_opts *o, const char *v, char *err,
			   size_t errsz)
{
	if (parse_double(v, &o->timeout_mul) < 0 || o->timeout_mul <= 0 ||
	    o->timeout_mul > 1000)
		return ERR("timeout-mul: '%s' is not a number in (0, 1000]", v);
	return 0;
}

static int set_runtime_mul(struct dt_opts *o, const char *v, char *err,
			   size_t errsz)
{
	if (parse_double(v, &o->runtime_mul) < 0 || o->runtime_mul <= 0 ||
	    o->runtime_mul > 10000)
		return ERR("runtime-mul: '%s' is not a number in (0, 10000]", v);
	return 0;
}

static int set_iterations(struct dt_opts *o, const char *v, char *err,
			  size_t errsz)
{
	unsigned long long n;

	if (parse_u64(v, &n) < 0 || n < 1 || n > 100000)
		return ERR("iterations: '%s' is not a count in [1, 100000]", v);
	o->iterations = n;
	return 0;
}

static int set_seed(struct dt_opts *o, const char *v, char *err,
		    size_t errsz)
{
	unsigned long long n;

	if (parse_u64(v, &n) < 0)
		return ERR("seed: '%s' is not an unsigned integer", v);
	o->seed = n;
	o->seed_set = true;
	return 0;
}

static int set_verbose(struct dt_opts *o, const char *v, char *err,
		       size_t errsz)
{
	unsigned long long n;

	if (!strcmp(v, "+1")) {
		o->verbose++;
		return 0;
	}
	if (!strcmp(v, "0-")) {
		o->verbose = -1;
		return 0;
	}
	if (parse_u64(v, &n) < 0 || n > 9)
		return ERR("verbose: '%s' is not a level in [0, 9]", v);
	o->verbose = n;
	return 0;
}

static int set_grace(struct dt_opts *o, const char *v, char *err,
		     size_t errsz)
{
	if (parse_double(v, &o->grace) < 0 || o->grace < 0 || o->grace > 600)
		return ERR("grace: '%s' is not a number of seconds in [0, 600]",
			   v);
	return 0;
}

static int set_on_unkillable(struct dt_opts *o, const char *v, char *err,
			     size_t errsz)
{
	if (!strcmp(v, "continue"))
		o->stop_on_unkillable = false;
	else if (!strcmp(v, "stop"))
		o->stop_on_unkillable = true;
	else
		return ERR("on-unkillable: '%s' is not 'continue' or 'stop'", v);
	return 0;
}

static int set_progress(struct dt_opts *o, const char *v, char *err,
			size_t errsz)
{
	static const char *const names[] = {
		[PROGRESS_AUTO] = "auto", [PROGRESS_TTY] = "tty",
		[PROGRESS_PLAIN] = "plain", [PROGRESS_NONE] = "none",
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(v, names[i])) {
			o->progress = i;
			return 0;
		}
	return ERR("progress: '%s' is not auto, tty, plain or none", v);
}

/* append to a NULL-terminated list */
static void push(char ***list, int *nr, const char *v)
{
	*list = xrealloc(*list, (*nr + 2) * sizeof(char *));
	(*list)[(*nr)++] = xstrdup(v);
	(*list)[*nr] = NULL;
}

static int set_param(struct dt_opts *o, const char *v, char *err,
		     size_t errsz)
{
	const char *eq = strchr(v, '=');

	if (!eq || eq == v)
		return ERR("param: '%s' is not KEY=VALUE", v);
	push(&o->params, &o->nr_params, v);
	return 0;
}

/* dmapfs --inject names: the control protocol's table */
const char *const dt_inject_names[] = {
#define X(id, name, help) name,
	DT_CTL_INJECTS(X)
#undef X
	NULL,
};

static int set_label(struct dt_opts *o, const char *v, char *err,
		     size_t errsz)
{
	const char *eq = strchr(v, '=');

	if (!eq || eq == v)
		return ERR("label: '%s' is not KEY=VALUE", v);
	push(&o->labels, &o->nr_labels, v);
	return 0;
}

static int set_inject(struct dt_opts *o, const char *v, char *err,
		      size_t errsz)
{
	char *one = NULL;

	if (set_choice(&one, "inject", v, dt_inject_names, err, errsz) < 0)
		return -1;
	push(&o->injects, &o->nr_injects, one);
	free(one);
	return 0;
}

static int set_mount(struct dt_opts *o, const char *v, char *err,
		     size_t errsz)
{
	if (!*v)
		return ERR("mount: empty path");
	/* target dir on this path, once the conflicts are checked */
	return set_str(&o->mount, v);
}

/* auto, none, or known names separated by commas */
static int set_observer(struct dt_opts *o, const char *v, char *err,
			size_t errsz)
{
	const char *p = v, *comma;
	size_t len;
	int i;

	if (!strcmp(v, "auto") || !strcmp(v, "none"))
		return set_str(&o->observer, v);
	for (;; p = comma + 1) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		for (i = 0; dt_obs_backend_name(i); i++)
			if (strlen(dt_obs_backend_name(i)) == len &&
			    !strncmp(dt_obs_backend_name(i), p, len))
				break;
		if (!dt_obs_backend_name(i)) {
			snprintf(err, errsz, "observer: '%.*s' is not auto, none or one of",
				 (int)len, p);
			for (i = 0; dt_obs_backend_name(i); i++) {
				len = strlen(err);
				snprintf(err + len, errsz - len, "%s %s",
					 i ? "," : "", dt_obs_backend_name(i));
			}
			return -1;
		}
		if (!comma)
			break;
	}
	return set_str(&o->observer, v);
}

static int set_slots(struct dt_opts *o, const char *v, char *err,
		     size_t errsz)
{
	unsigned long long n;

	if (parse_u64(v, &n) < 0 || n < 2 || n > 65536)
		return ERR("slots: '%s' is not a count in [2, 65536]", v);
	o->slots = n;
	return 0;
}

static int set_host_size(struct dt_opts *o, const char *v, char *err,
			 size_t errsz)
{
	uint64_t n;

	if (dt_parse_size(v, &n) < 0 || n < (32ULL << 20))
		return ERR("host-size: '%s' is not a size of at least 32M", v);
	o->host_size = n;
	return 0;
}

static int set_json(struct dt_opts *o, const char *v, char *err,
		    size_t errsz)
{
	o->json = true;
	return 0;
}

static int set_help(struct dt_opts *o, const char *v, char *err,
		    size_t errsz)
{
	o->command = CMD_HELP;
	return 0;
}

static int set_version(struct dt_opts *o, const char *v, char *err,
		       size_t errsz)
{
	if (o->command != CMD_HELP)
		o->command = CMD_VERSION;
	return 0;
}

static const char *const targets[] = { "dmapfs", "dir", NULL };
static const char *const clients[] = { "reference", "legacy", NULL };
static const char *const on_off[] = { "on", "off", NULL };
static const char *const faults[] = { "hang", "die", NULL };

#define STR(f) .kind = OPT_STR, .off = FIELD(f)
#define BOOL(f) .kind = OPT_BOOL, .off = FIELD(f)
#define CHOICE(f, c) .kind = OPT_CHOICE, .off = FIELD(f), .choices = c
#define FUNC(fn) .kind = OPT_FUNC, .set = fn

static const struct opt_def opt_defs[] = {
	{ "results-dir", 'o', "results-dir", "DIR", NULL, STR(results_dir),
	  .help = "where run folders go (default: results)" },
	{ "exclude", 'x', "exclude", "FILE", NULL, STR(exclude_file),
	  .help = "exclude file: lines 'case[/variant]  # reason'" },
	{ "timeout-mul", 'T', "timeout-mul", "F", NULL, FUNC(set_timeout_mul),
	  .help = "multiply every timeout and progress window by F (default 1)" },
	{ "runtime-mul", 'R', "runtime-mul", "F", NULL, FUNC(set_runtime_mul),
	  .help = "multiply the stress cases' runtime budgets by F (default 1), e.g. for a soak" },
	{ "iterations", 'i', "iterations", "N", NULL, FUNC(set_iterations),
	  .help = "run each selected case N times (default 1)" },
	{ "seed", 's', "seed", "N", NULL, FUNC(set_seed),
	  .help = "random seed (default: from the clock; printed and recorded)" },
	{ "target", 0, "target", "NAME", NULL, CHOICE(target, targets),
	  .help = "what to test: dmapfs (default) or dir" },
	{ "dir", 'd', "dir", "PATH", NULL, STR(dir),
	  .help = "dir target: make scratch directories under PATH" },
	{ "mount", 'm', "mount", "PATH", NULL, FUNC(set_mount),
	  .help = "test the file system mounted at PATH (a scratch folder under it)" },
	{ "client", 0, "client", "NAME", NULL, CHOICE(client, clients),
	  .help = "dmapfs: reference (patched, default) or legacy (pre-patch) client" },
	{ "host-reserve", 0, "host-reserve", "on|off", NULL,
	  CHOICE(host_reserve, on_off),
	  .help = "dmapfs: host daemon reserves RW ranges with fallocate (default on)" },
	{ "host-fault", 0, "host-fault", "hang|die", NULL,
	  CHOICE(host_fault, faults),
	  .help = "dmapfs: a failed host fault stalls (default) or kills the stack" },
	{ "inject", 0, "inject", "BUG", NULL, FUNC(set_inject),
	  .help = "dmapfs: inject a named bug; repeatable (see dmapfs --help)" },
	{ "slots", 0, "slots", "N", NULL, FUNC(set_slots),
	  .help = "dmapfs: DAX window slots of 2 MiB (default 128)" },
	{ "host-size", 0, "host-size", "SIZE", NULL, FUNC(set_host_size),
	  .help = "dmapfs: size of the loop ext4 host file system (default 1G)" },
	{ "dmapfs", 0, "dmapfs", "PATH", NULL, STR(dmapfs),
	  .help = "dmapfs: the daemon binary (default: next to dmaptest)" },
	{ "resume", 0, NULL, "RUN_DIR", NULL, STR(resume),
	  .help = "continue a run whose runner died: its running case FAILs, the rest run" },
	{ "resume-reason", 0, NULL, "TEXT", NULL, STR(resume_reason),
	  .help = "with --resume: what killed the runner (goes into the verdict)" },
	{ "grace", 0, "grace", "SEC", NULL, FUNC(set_grace),
	  .help = "how long killed tasks may take to go (default 5)" },
	{ "on-unkillable", 0, "on-unkillable", "WHAT", NULL,
	  FUNC(set_on_unkillable),
	  .help = "after a case left unkillable tasks: continue (default) or stop" },
	{ "allow-fill", 0, NULL, NULL, "yes", BOOL(allow_fill),
	  .help = "let cases fill the target's host file system (needed on real mounts)" },
	{ NULL, 0, "allow-fill", "yes|no", NULL, BOOL(allow_fill) },
	{ "observer", 0, "observer", "WHICH", NULL, FUNC(set_observer),
	  .help = "mapping observers: auto (default: every one available, the first judged), none, or NAME[,NAME] of dmapfs-counters, tracepoint, host-log, kprobe" },
	{ "host-log", 0, "host-log", "FILE", NULL, STR(host_log),
	  .help = "the virtio-fs daemon's mapping log (a patched virtiofsd -o dax_log, as scripts/dmaptest-vm serves it): the host-log observer" },
	{ "baseline", 0, NULL, NULL, "yes", BOOL(baseline),
	  .help = "run the dax group on a mount without DAX on purpose (a comparison): never PASS, every reason says so" },
	{ NULL, 0, "baseline", "yes|no", NULL, BOOL(baseline) },
	{ "quick", 0, NULL, NULL, "yes", BOOL(quick),
	  .help = "small sizes and short budgets (implied by selecting the quick group)" },
	{ NULL, 0, "quick", "yes|no", NULL, BOOL(quick) },
	{ "no-kmsg", 0, NULL, NULL, "no", BOOL(kmsg),
	  .help = "do not scan or mark the kernel log" },
	{ NULL, 0, "kmsg", "yes|no", NULL, BOOL(kmsg) },
	{ "param", 'p', "param", "KEY=VALUE", NULL, FUNC(set_param),
	  .help = "case parameter, e.g. size=1G or truncate-od.size=1G; repeatable" },
	{ "label", 0, "label", "KEY=VALUE", NULL, FUNC(set_label),
	  .help = "record KEY=VALUE in run.json (e.g. the kernel under test); repeatable" },
	{ "progress", 0, "progress", "MODE", NULL, FUNC(set_progress),
	  .help = "progress line: auto (default), tty, plain, none" },
	{ "verbose", 'v', NULL, NULL, "+1", FUNC(set_verbose),
	  .help = "more output (case log lines on stderr); repeatable" },
	{ "quiet", 'q', NULL, NULL, "0-", FUNC(set_verbose),
	  .help = "no progress line, only TAP" },
	{ NULL, 0, "verbose", "N", NULL, FUNC(set_verbose) },
	{ "config", 'c', NULL, "FILE", NULL, STR(config_file),
	  .help = "read settings from FILE (default: $DMAPTEST_CONFIG)" },
	{ "json", 0, NULL, NULL, "1", FUNC(set_json),
	  .help = "list, env: print JSON" },
	{ "help", 'h', NULL, NULL, "1", FUNC(set_help), .help = "this help" },
	{ "version", 'V', NULL, NULL, "1", FUNC(set_version),
	  .help = "print the version" },
};

static int apply(const struct opt_def *d, struct dt_opts *o, const char *v,
		 char *err, size_t errsz)
{
	void *field = (char *)o + d->off;
	const char *what = d->key ? d->key : d->name;

	o->src[d - opt_defs] = o->cur_src;

	switch (d->kind) {
	case OPT_STR:
		if (!*v)
			return ERR("%s: empty value", what);
		return set_str(field, v);
	case OPT_BOOL:
		if (parse_bool(v, field) < 0)
			return ERR("%s: '%s' is not yes or no", what, v);
		return 0;
	case OPT_CHOICE:
		return set_choice(field, what, v, d->choices, err, errsz);
	case OPT_FUNC:
		break;
	}
	return d->set(o, v, err, errsz);
}

#define NR_OPT_DEFS (sizeof(opt_defs) / sizeof(opt_defs[0]))
_Static_assert(NR_OPT_DEFS <= DT_OPT_MAX, "raise DT_OPT_MAX");

void opts_init(struct dt_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->results_dir = xstrdup("results");
	o->timeout_mul = 1.0;
	o->runtime_mul = 1.0;
	o->iterations = 1;
	o->target = xstrdup("dmapfs");
	o->grace = 5.0;
	o->kmsg = true;
	o->progress = PROGRESS_AUTO;
	o->client = xstrdup("reference");
	o->host_reserve = xstrdup("on");
	o->host_fault = xstrdup("hang");
	o->slots = 128;
	o->host_size = 1ULL << 30;
	o->observer = xstrdup("auto");
	o->cur_src = DT_SRC_FILE;
}

void opts_free(struct dt_opts *o)
{
	int i;

	for (i = 0; i < o->nr_selection; i++)
		free(o->selection[i]);
	free(o->selection);
	for (i = 0; i < o->nr_params; i++)
		free(o->params[i]);
	free(o->params);
	for (i = 0; i < o->nr_injects; i++)
		free(o->injects[i]);
	free(o->injects);
	for (i = 0; i < o->nr_labels; i++)
		free(o->labels[i]);
	free(o->labels);
	free(o->client);
	free(o->host_reserve);
	free(o->host_fault);
	free(o->dmapfs);
	free(o->observer);
	free(o->host_log);
	free(o->resume);
	free(o->resume_reason);
	free(o->config_file);
	free(o->results_dir);
	free(o->exclude_file);
	free(o->target);
	free(o->dir);
	free(o->mount);
	free(o->config_used);
	memset(o, 0, sizeof(*o));
}

int opts_set(struct dt_opts *o, const char *key, const char *value,
	     char *err, size_t errsz)
{
	unsigned int i;

	for (i = 0; i < NR_OPT_DEFS; i++) {
		if (!opt_defs[i].key || strcmp(opt_defs[i].key, key))
			continue;
		if (!opt_defs[i].arg)
			break;
		return apply(&opt_defs[i], o, value, err, errsz);
	}
	snprintf(err, errsz, "unknown setting '%s'", key);
	return -1;
}

/* where the setting of this key (or option name) came from */
static enum dt_opt_src src_of(const struct dt_opts *o, const char *key)
{
	enum dt_opt_src s = DT_SRC_DEFAULT;
	unsigned int i;

	for (i = 0; i < NR_OPT_DEFS; i++) {
		const struct opt_def *d = &opt_defs[i];

		if (((d->key && !strcmp(d->key, key)) ||
		     (d->name && !strcmp(d->name, key))) && o->src[i] > s)
			s = o->src[i];
	}
	return s;
}

/* forget a setting: back to its default */
static void drop(struct dt_opts *o, const char *key)
{
	unsigned int i;

	for (i = 0; i < NR_OPT_DEFS; i++) {
		const struct opt_def *d = &opt_defs[i];

		if ((d->key && !strcmp(d->key, key)) ||
		    (d->name && !strcmp(d->name, key)))
			o->src[i] = DT_SRC_DEFAULT;
	}
	if (!strcmp(key, "mount")) {
		free(o->mount);
		o->mount = NULL;
	} else if (!strcmp(key, "dir")) {
		free(o->dir);
		o->dir = NULL;
	} else if (!strcmp(key, "target")) {
		set_str(&o->target, "dmapfs");
	}
}

/* how the user wrote it: "--mount /x" or "'mount = /x' in FILE" */
static const char *spell(const struct dt_opts *o, const char *key,
			 const char *value, char *buf, size_t size)
{
	if (src_of(o, key) == DT_SRC_CLI)
		snprintf(buf, size, "--%s%s%s", key, value ? " " : "",
			 value ? value : "");
	else
		snprintf(buf, size, "'%s%s%s' in %s", key, value ? " = " : "",
			 value ? value : "", o->config_used ? o->config_used :
			 "the config file");
	return buf;
}

/*
 * Two settings that cannot both hold: an error when they come from the
 * same place; otherwise the command line wins and the file's is dropped.
 * 1 when b was dropped, 0 when a was, -1 on an error.
 */
static int settle(struct dt_opts *o, const char *a, const char *va,
		  const char *b, const char *vb, const char *why, char *err,
		  size_t errsz)
{
	enum dt_opt_src sa = src_of(o, a), sb = src_of(o, b);
	char s1[PATH_MAX + 64], s2[PATH_MAX + 64];

	if (sa == sb) {
		snprintf(err, errsz, "%s and %s conflict: %s",
			 spell(o, a, va, s1, sizeof(s1)),
			 spell(o, b, vb, s2, sizeof(s2)), why);
		return -1;
	}
	drop(o, sa > sb ? b : a);
	return sa > sb;
}

/* options that set up the dmapfs target, and mean nothing elsewhere */
static const char *const dmapfs_only[] = {
	"client", "host-reserve", "host-fault", "inject", "slots",
	"host-size", "dmapfs", NULL,
};

const char *opts_dmapfs_only_given(const struct dt_opts *o)
{
	int i;

	for (i = 0; dmapfs_only[i]; i++)
		if (src_of(o, dmapfs_only[i]) == DT_SRC_CLI)
			return dmapfs_only[i];
	return NULL;
}

/*
 * The target: --mount PATH is the dir target on PATH. Conflicting or
 * meaningless choices are usage errors naming both settings.
 */
static int settle_target(struct dt_opts *o, char *err, size_t errsz)
{
	bool run = o->command == CMD_RUN;
	char s1[PATH_MAX + 64], s2[PATH_MAX + 64];
	enum dt_opt_src tsrc;
	int i;

	if (o->mount && o->dir &&
	    settle(o, "mount", o->mount, "dir", o->dir,
		   "both name the file system to test; give one", err,
		   errsz) < 0)
		return -1;
	if (o->mount && src_of(o, "target") && strcmp(o->target, "dir") &&
	    settle(o, "mount", o->mount, "target", o->target,
		   "--mount PATH tests the file system at PATH (the dir target)",
		   err, errsz) < 0)
		return -1;
	if (o->mount) {
		tsrc = src_of(o, "mount");
		set_str(&o->target, "dir");
		set_str(&o->dir, o->mount);
	} else {
		tsrc = src_of(o, "target");
	}
	if (!run)
		return 0;
	if (o->dir && strcmp(o->target, "dir")) {
		if (src_of(o, "dir") == DT_SRC_FILE &&
		    src_of(o, "target") == DT_SRC_CLI) {
			drop(o, "dir");
		} else {
			snprintf(err, errsz, "%s means nothing with the %s target: use --mount PATH (or --target dir)",
				 spell(o, "dir", o->dir, s1, sizeof(s1)),
				 o->target);
			return -1;
		}
	}
	if (o->host_log && strcmp(o->target, "dir")) {
		snprintf(err, errsz, "%s means nothing with the %s target: it is the log of a virtio-fs daemon (use --mount PATH)",
			 spell(o, "host-log", o->host_log, s1, sizeof(s1)),
			 o->target);
		return -1;
	}
	if (o->host_log && access(o->host_log, R_OK)) {
		snprintf(err, errsz, "host-log: cannot read %s: %s",
			 o->host_log, strerror(errno));
		return -1;
	}
	if (strcmp(o->target, "dir"))
		return 0;
	for (i = 0; dmapfs_only[i]; i++) {
		enum dt_opt_src s = src_of(o, dmapfs_only[i]);

		if (!s || (s == DT_SRC_FILE && tsrc == DT_SRC_CLI))
			continue;
		snprintf(err, errsz, "%s means nothing with %s: it sets up the dmapfs target",
			 spell(o, dmapfs_only[i], NULL, s1, sizeof(s1)),
			 o->mount ? spell(o, "mount", o->mount, s2, sizeof(s2)) :
			 spell(o, "target", "dir", s2, sizeof(s2)));
		return -1;
	}
	return 0;
}

static int config_cb(const char *key, const char *value, void *arg,
		     char *err, size_t errsz)
{
	return opts_set(arg, key, value, err, errsz);
}

struct cli_setting {
	const struct opt_def *def;
	const char *value;
};

static const struct {
	const char *name;
	enum dt_command cmd;
} commands[] = {
	{ "run", CMD_RUN },
	{ "list", CMD_LIST },
	{ "help", CMD_HELP },
	{ "version", CMD_VERSION },
	{ "env", CMD_ENV },
	{ "cleanup", CMD_CLEANUP },
};

int opts_parse(struct dt_opts *o, int argc, char **argv, char *err,
	       size_t errsz)
{
	struct option longopts[NR_OPT_DEFS + 1];
	struct cli_setting *cli;
	char shortopts[3 * NR_OPT_DEFS + 2], *sp = shortopts;
	const char *config = getenv("DMAPTEST_CONFIG");
	int nr_cli = 0, nr_long = 0, c, idx, ret = -1;
	unsigned int i;

	*sp++ = ':';	/* report a missing argument as ':' */
	for (i = 0; i < NR_OPT_DEFS; i++) {
		const struct opt_def *d = &opt_defs[i];

		if (!d->name)
			continue;
		longopts[nr_long].name = d->name;
		longopts[nr_long].has_arg = d->arg ? required_argument :
						     no_argument;
		longopts[nr_long].flag = NULL;
		longopts[nr_long].val = 256 + i;
		nr_long++;
		if (d->short_opt) {
			*sp++ = d->short_opt;
			if (d->arg)
				*sp++ = ':';
		}
	}
	memset(&longopts[nr_long], 0, sizeof(longopts[0]));
	*sp = '\0';

	cli = xcalloc(argc + 1, sizeof(*cli));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, &idx)) != -1) {
		const struct opt_def *d = NULL;

		if (c == '?') {
			if (optopt)
				snprintf(err, errsz, "unknown option '-%c'",
					 optopt);
			else
				snprintf(err, errsz, "unknown option '%s'",
					 argv[optind - 1]);
			goto out;
		}
		if (c == ':') {
			snprintf(err, errsz, "option '%s' needs an argument",
				 argv[optind - 1]);
			goto out;
		}
		if (c >= 256)
			d = &opt_defs[c - 256];
		for (i = 0; !d && i < NR_OPT_DEFS; i++)
			if (opt_defs[i].name && opt_defs[i].short_opt == c)
				d = &opt_defs[i];
		if (!d) {
			snprintf(err, errsz, "unknown option");
			goto out;
		}
		cli[nr_cli].def = d;
		cli[nr_cli].value = d->arg ? optarg : d->flag_value;
		nr_cli++;
		if (d->name && !strcmp(d->name, "config"))
			config = optarg;
	}

	/* defaults are in place; then the file; then the command line */
	if (config && *config) {
		o->config_used = xstrdup(config);
		o->cur_src = DT_SRC_FILE;
		if (config_parse_file(config, config_cb, o, err, errsz) < 0)
			goto out;
	}
	o->cur_src = DT_SRC_CLI;
	for (i = 0; i < (unsigned int)nr_cli; i++)
		if (apply(cli[i].def, o, cli[i].value, err, errsz) < 0)
			goto out;

	if (o->command == CMD_HELP || o->command == CMD_VERSION) {
		ret = 0;
		goto out;
	}
	if (optind >= argc) {
		snprintf(err, errsz,
			 "no command given (run, list, env, cleanup, help, version)");
		goto out;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[optind], commands[i].name))
			o->command = commands[i].cmd;
	if (o->command == CMD_NONE) {
		snprintf(err, errsz, "unknown command '%s' (run, list, env, cleanup, help, version)",
			 argv[optind]);
		goto out;
	}
	optind++;
	o->nr_selection = argc - optind;
	o->selection = xcalloc(o->nr_selection + 1, sizeof(char *));
	for (i = 0; i < (unsigned int)o->nr_selection; i++)
		o->selection[i] = xstrdup(argv[optind + i]);
	if (o->command == CMD_RUN && !o->nr_selection && !o->resume) {
		snprintf(err, errsz,
			 "run: nothing selected (try 'dmaptest run all')");
		goto out;
	}
	if (o->resume_reason && !o->resume) {
		snprintf(err, errsz, "--resume-reason means nothing without --resume RUN_DIR");
		goto out;
	}
	if (settle_target(o, err, errsz) < 0)
		goto out;
	if (o->command == CMD_CLEANUP && !o->dir) {
		snprintf(err, errsz, "cleanup: say where (--mount PATH or --dir PATH)");
		goto out;
	}
	if ((o->command == CMD_ENV || o->command == CMD_CLEANUP) &&
	    o->nr_selection) {
		snprintf(err, errsz, "%s takes no arguments", argv[optind - 1]);
		goto out;
	}
	if ((o->command == CMD_HELP || o->command == CMD_VERSION) &&
	    o->nr_selection) {
		snprintf(err, errsz, "%s takes no arguments", argv[optind - 1]);
		goto out;
	}
	ret = 0;
out:
	free(cli);
	return ret;
}

void opts_usage(FILE *out)
{
	unsigned int i;

	fprintf(out,
"Usage: dmaptest [OPTION]... run all|GROUP|CASE[/VARIANT]...\n"
"       dmaptest [OPTION]... list [--json] [GROUP|CASE]...\n"
"       dmaptest env [--json] [--mount PATH]\n"
"       dmaptest cleanup --mount PATH\n"
"       dmaptest --help | --version\n"
"\n"
"Stress and conformance tests for virtio-fs DAX mappings. Each case runs\n"
"in its own process under a watchdog and ends PASS, FAIL, SKIP, ERROR or\n"
"HANG with a reason. TAP goes to stdout, a results folder to\n"
"RESULTS-DIR/<run-id>/ (RESULTS-DIR/latest points at it).\n"
"\n"
"Options:\n");
	for (i = 0; i < NR_OPT_DEFS; i++) {
		const struct opt_def *d = &opt_defs[i];
		char left[64];

		if (!d->name || !d->help)
			continue;
		if (d->short_opt)
			snprintf(left, sizeof(left), "-%c, --%s%s%s",
				 d->short_opt, d->name, d->arg ? " " : "",
				 d->arg ? d->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", d->name,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		fprintf(out, "  %-28s %s\n", left, d->help);
	}
	fprintf(out,
"\n"
"Settings may also come from a config file of 'key = value' lines, keys\n"
"being the long option names (results-dir, exclude, timeout-mul,\n"
"runtime-mul, iterations, seed, target, dir, grace, on-unkillable, kmsg,\n"
"allow-fill, baseline, observer, host-log, progress, quick, mount, client, host-reserve, host-fault,\n"
"inject, slots, host-size, dmapfs, verbose, param, label). The command line wins over the file, the file over the\n"
"defaults. 'param' may be given several times.\n"
"\n"
"Exit status:\n"
"  0  every case passed or was skipped\n"
"  1  at least one case ended FAIL, ERROR or HANG\n"
"  2  usage error (unknown case, group, option or bad config); nothing ran\n"
"  3  the run could not start or was interrupted (SIGINT, SIGTERM)\n");
}
