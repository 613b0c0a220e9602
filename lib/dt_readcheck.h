/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_readcheck.h - read a file range with large requests and check every
 * byte: pread(2) in a loop, or io_uring with several requests in flight.
 * Each completed request is a heartbeat with its bytes, so a read that
 * stops stops the heartbeat and the runner's watchdog calls it a hang.
 */
#ifndef DT_READCHECK_H
#define DT_READCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_verify.h"

enum dt_rc_engine {
	DT_RC_AUTO = 0,		/* io_uring, pread when io_uring is not there */
	DT_RC_PREAD,
	DT_RC_URING,
};

struct dt_rc_opts {
	enum dt_rc_engine engine;
	size_t bs;		/* bytes per request (0: 1 MiB) */
	unsigned int qd;	/* io_uring requests in flight (0: 4) */
	struct dt_expect expect;
	/* called after about every tick_bytes read (e.g. to watch allocation) */
	void (*tick)(uint64_t bytes_done, void *arg);
	void *tick_arg;
	uint64_t tick_bytes;
};

struct dt_rc_result {
	uint64_t bytes;		/* bytes read (and checked) */
	uint64_t ops;		/* completed requests */
	double secs;
	int err;		/* errno of the failed read, 0 */
	uint64_t err_off;	/* where it failed */
	bool short_eof;		/* end of file before the range ended */
	struct dt_verifier v;	/* bad_off >= 0: wrong data */
	char engine[160];	/* "io_uring qd 4 bs 1 MiB", why no io_uring */
};

/* 0 when the whole range read back as expected; -1 otherwise. */
int dt_read_check(int fd, uint64_t off, uint64_t len,
		  const struct dt_rc_opts *o, struct dt_rc_result *r);

/*
 * The io_uring engine (lib/dt_uring.c): 0 or -1 as above, or 1 with
 * r->engine saying why io_uring cannot be used (nothing was read).
 */
int dt_read_check_uring(int fd, uint64_t off, uint64_t len,
			const struct dt_rc_opts *o, struct dt_rc_result *r);

/* One line about the outcome: "4 GiB of zeros in 2.1 s (1.9 GiB/s)" */
void dt_rc_describe(const struct dt_rc_result *r, char *buf, size_t len);

#endif
