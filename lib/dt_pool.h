/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_pool.h - a pool of workers, threads or processes, that run until a
 * deadline, a stop, or the first anomaly one of them sees; that anomaly
 * is kept whole (the others only counted) for the verdict. Workers can
 * be parked between two operations (dt_pool_park()) while the case does
 * something to the target, e.g. evicts a range from the DAX window.
 *
 * The control block lives in MAP_SHARED anonymous memory, so workers
 * forked as processes share it with the threads. Processes are forked
 * before any thread is created.
 */
#ifndef DT_POOL_H
#define DT_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DT_POOL_MAX	32

/* The first thing that went wrong, in the case's terms. */
struct dt_anom {
	int kind;		/* the case's: which check (claim) it fails */
	uint64_t off;		/* file offset, where there is one */
	uint64_t want;		/* e.g. the generation written */
	uint64_t got;		/* ... and the one read */
	int err;		/* an errno, where there is one */
	char who[160];		/* "reader 2 (process) via mmap" */
	char what[600];		/* the block or the error, in words */
};

/* In shared memory. */
struct dt_pool_ctl {
	int stop;
	double deadline;	/* CLOCK_MONOTONIC; 0: none */
	int pause;		/* workers park at dt_pool_park() */
	int parked;
	uint32_t nanom;		/* anomalies seen; the first is kept */
	struct dt_anom first;
};

struct dt_pool_worker {
	char name[48];		/* "writer 2 (process)" */
	bool process;
	int kind;		/* the case's tag (reader, writer...) */
	void (*fn)(void *arg);
	void *arg;
	pid_t pid;
	pthread_t thread;
	bool running;
};

struct dt_pool {
	struct dt_pool_ctl *ctl;
	bool own_ctl;		/* mapped by dt_pool_init() */
	struct dt_pool_worker w[DT_POOL_MAX];
	int n;
};

/* The shared control block; 0, or -1 with errno. */
int dt_pool_init(struct dt_pool *p);
/* The same with one in shared memory the caller has (and unmaps). */
void dt_pool_init_ctl(struct dt_pool *p, struct dt_pool_ctl *ctl);
/* Join what still runs, unmap. Safe on a pool never initialised. */
void dt_pool_destroy(struct dt_pool *p);
/* A worker to start; NULL when the pool is full. */
struct dt_pool_worker *dt_pool_add(struct dt_pool *p, const char *name,
				   bool process, int kind,
				   void (*fn)(void *arg), void *arg);
/*
 * Start them (processes first: fork before there are threads), to run
 * until deadline (CLOCK_MONOTONIC, 0: until stopped). 0, or -1 with err
 * filled (those started are stopped and joined).
 */
int dt_pool_start(struct dt_pool *p, double deadline, char *err,
		  size_t len);
/*
 * Stop every worker and wait for it. A process that was killed by a
 * signal is handed to died(). Blocks as long as a worker is stuck in an
 * operation: the watchdog sees that.
 */
void dt_pool_join(struct dt_pool *p,
		  void (*died)(const struct dt_pool_worker *w, int sig,
			       void *arg),
		  void *arg);
int dt_pool_running(const struct dt_pool *p);

/* For the workers and the case. */
bool dt_pool_stopped(const struct dt_pool_ctl *c);
void dt_pool_stop(struct dt_pool_ctl *c);
/* Record an anomaly (the first one is kept whole) and stop everybody. */
void dt_pool_note(struct dt_pool_ctl *c, const struct dt_anom *a);
void dt_pool_notef(struct dt_pool_ctl *c, int kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Park every worker between two operations (n of them): returns once all
 * n are parked, or false when the workers stopped meanwhile.
 */
bool dt_pool_pause(struct dt_pool_ctl *c, int n);
void dt_pool_resume(struct dt_pool_ctl *c);
/* In a worker's loop: wait here while the case has paused the pool. */
void dt_pool_park(struct dt_pool_ctl *c);

#endif
