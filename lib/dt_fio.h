/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_fio.h - run fio job files of the suite and read their JSON results.
 *
 * fio writes --output-format=json to a file, with a status object every
 * --status-interval seconds and the final object at the end, and stray
 * text around them (warnings, "verify: bad magic header ..." lines).
 * dt_fio_next_object() finds the JSON objects in such text; while fio
 * runs, the growth of the I/O bytes in the status objects is turned into
 * heartbeats, so fio stuck in the file system stops the heartbeat (its
 * status thread keeps writing, which is why output growth alone is not
 * progress).
 */
#ifndef DT_FIO_H
#define DT_FIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* one direction (read or write) of one job */
struct dt_fio_dir {
	uint64_t io_bytes;
	double bw_kib;		/* KiB/s */
	double iops;
	bool have_pct;
	double clat_p50_us;
	double clat_p99_us;
};

struct dt_fio_job {
	char name[64];
	int error;		/* errno value fio reports, 0 */
	struct dt_fio_dir rd, wr;
};

struct dt_fio_result {
	char version[32];
	int njobs;
	struct dt_fio_job *jobs;
	uint64_t io_bytes;	/* read + write of all jobs */
};

/*
 * The next JSON object in text[from, len): an opening brace at the start
 * of a line up to its matching closing brace (strings and escapes
 * honoured). 0 with [*start, *end), or -1 when there is no complete one.
 */
int dt_fio_next_object(const char *text, size_t len, size_t from,
		       size_t *start, size_t *end);

/* Parse one object; 0, or -1 with why filled. */
int dt_fio_parse(const char *json, size_t len, struct dt_fio_result *r,
		 char *why, size_t wlen);
/* The last complete object of text that parses; 0 or -1 with why. */
int dt_fio_parse_last(const char *text, size_t len, struct dt_fio_result *r,
		      char *why, size_t wlen);
void dt_fio_result_free(struct dt_fio_result *r);

/*
 * Where the suite's job files are: the "fio_dir" parameter, the source
 * tree the binary was built from, next to the binary (cases/fio, fio,
 * ../share/dmaptest/fio), the installed data directory. 0 with the path
 * of name in out, or -1 with the places tried in why.
 */
int dt_fio_find_job(const char *name, char *out, size_t len, char *why,
		    size_t wlen);

struct dt_fio_run {
	/* in */
	const char *jobfile;
	const char *cwd;		/* fio runs here (its state files) */
	const char *const *env;		/* "KEY=VALUE", NULL-terminated */
	const char *out_path;		/* --output */
	const char *err_path;		/* stderr */
	int status_interval;		/* seconds; 0: 1 */
	/* called as fio runs, e.g. to take in an observer's events */
	void (*tick)(void *arg);
	void *tick_arg;
	/* out */
	pid_t pid;
	int status;			/* wait status */
	double secs;
	int nstatus;			/* status objects seen */
	uint64_t io_bytes;		/* last seen */
	char err[1024];			/* start of stderr */
};

/* Run fio to its end with heartbeats; 0, or -1 when it could not start. */
int dt_fio_run(struct dt_fio_run *fr);

#endif
