/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * options.h - dmaptest settings: defaults, then the config file, then the
 * command line. One table of options serves both the command line and
 * the config file (where the key is the long option name).
 */
#ifndef DT_OPTIONS_H
#define DT_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum dt_command {
	CMD_NONE,
	CMD_RUN,
	CMD_LIST,
	CMD_HELP,
	CMD_VERSION,
	CMD_ENV,
	CMD_CLEANUP,
};

enum dt_progress_mode {
	PROGRESS_AUTO,
	PROGRESS_TTY,
	PROGRESS_PLAIN,
	PROGRESS_NONE,
};

/* where a setting came from: later sources win */
enum dt_opt_src {
	DT_SRC_DEFAULT = 0,
	DT_SRC_FILE,
	DT_SRC_CLI,
};

#define DT_OPT_MAX 64		/* entries of the option table, at most */

struct dt_opts {
	enum dt_command command;
	char **selection;		/* run: what to run; NULL-terminated */
	int nr_selection;
	bool json;			/* list --json */

	char *config_file;
	char *results_dir;
	char *exclude_file;
	double timeout_mul;
	double runtime_mul;		/* scales the cases' runtime budgets */
	int iterations;
	uint64_t seed;
	bool seed_set;
	int verbose;
	char *target;			/* dmapfs | dir */
	char *dir;			/* dir target: where scratch goes */
	char *mount;			/* --mount: target dir on this path */
	double grace;			/* seconds for killed tasks to go */
	bool stop_on_unkillable;
	bool kmsg;			/* scan and mark the kernel log */
	bool allow_fill;		/* cases may fill the target's host fs */
	bool quick;			/* small sizes, as for the quick group */
	bool baseline;			/* run DAX cases without DAX, on purpose */
	char *observer;			/* auto, none, or mapping observers */
	char *host_log;			/* a virtio-fs daemon's mapping log */
	char **labels;			/* "key=value" for run.json */
	int nr_labels;
	char *resume;			/* run folder to continue */
	char *resume_reason;		/* why its runner died */
	enum dt_progress_mode progress;
	char **params;			/* "key=value", NULL-terminated */
	int nr_params;

	/* the dmapfs target */
	char *client;			/* reference | legacy */
	char *host_reserve;		/* on | off */
	char *host_fault;		/* hang | die */
	char **injects;			/* NULL-terminated */
	int nr_injects;
	unsigned int slots;		/* DAX window slots of 2 MiB */
	uint64_t host_size;		/* size-limited host fs, bytes */
	char *dmapfs;			/* the dmapfs binary, NULL: find it */

	/* where each setting came from, by option table entry */
	unsigned char src[DT_OPT_MAX];
	enum dt_opt_src cur_src;	/* of the settings being applied */
	char *config_used;		/* the config file read, if any */
};

void opts_init(struct dt_opts *o);
void opts_free(struct dt_opts *o);
/*
 * Parse argv and the config file into o. On a usage error, write one
 * line to err (size errsz) and return -1.
 */
int opts_parse(struct dt_opts *o, int argc, char **argv,
	       char *err, size_t errsz);
/* Apply one key = value setting (config file syntax). */
int opts_set(struct dt_opts *o, const char *key, const char *value,
	     char *err, size_t errsz);
void opts_usage(FILE *out);
/* A dmapfs-only option given on the command line, or NULL. */
const char *opts_dmapfs_only_given(const struct dt_opts *o);

#endif
