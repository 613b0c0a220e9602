// SPDX-License-Identifier: GPL-2.0-or-later
/* dt_readcheck.c - read a range with large requests and check each byte */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dt_case.h"
#include "dt_clock.h"
#include "dt_fmt.h"
#include "dt_readcheck.h"

#define RC_DEFAULT_BS	(1u << 20)

static int read_check_pread(int fd, uint64_t off, uint64_t len,
			    const struct dt_rc_opts *o,
			    struct dt_rc_result *r)
{
	size_t bs = o->bs ? o->bs : RC_DEFAULT_BS;
	uint64_t pos = off, end = off + len;
	uint64_t next_tick = o->tick_bytes;
	char *buf;
	int ret = 0;

	if (posix_memalign((void **)&buf, 4096, bs)) {
		r->err = ENOMEM;
		return -1;
	}
	while (pos < end) {
		size_t want = end - pos < bs ? end - pos : bs;
		ssize_t n = pread(fd, buf, want, pos);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r->err = errno;
			r->err_off = pos;
			ret = -1;
			break;
		}
		if (n == 0) {
			r->short_eof = true;
			r->err_off = pos;
			ret = -1;
			break;
		}
		dt_verifier_feed(&r->v, buf, n);
		pos += n;
		r->bytes += n;
		r->ops++;
		dt_heartbeat_add(n, 1);
		if (o->tick && r->bytes >= next_tick) {
			o->tick(r->bytes, o->tick_arg);
			next_tick = r->bytes + o->tick_bytes;
		}
		if (r->v.bad_off >= 0) {
			ret = -1;
			break;
		}
	}
	free(buf);
	return ret;
}

int dt_read_check(int fd, uint64_t off, uint64_t len,
		  const struct dt_rc_opts *o, struct dt_rc_result *r)
{
	size_t bs = o->bs ? o->bs : RC_DEFAULT_BS;
	char why[160] = "", bsz[DT_FMT_LEN];
	double t0 = dt_now();
	int ret;

	memset(r, 0, sizeof(*r));
	dt_verifier_init(&r->v, &o->expect, off);
	dt_fmt_bytes(bsz, sizeof(bsz), bs);
	if (o->engine != DT_RC_PREAD) {
		ret = dt_read_check_uring(fd, off, len, o, r);
		if (ret <= 0 || o->engine == DT_RC_URING) {
			r->secs = dt_now() - t0;
			return ret ? -1 : 0;
		}
		snprintf(why, sizeof(why), "%s", r->engine);
		r->bytes = 0;
		r->ops = 0;
		r->err = 0;
	}
	if (why[0])
		snprintf(r->engine, sizeof(r->engine), "pread bs %s (%.60s)",
			 bsz, why);
	else
		snprintf(r->engine, sizeof(r->engine), "pread bs %s", bsz);
	ret = read_check_pread(fd, off, len, o, r);
	r->secs = dt_now() - t0;
	return ret;
}

void dt_rc_describe(const struct dt_rc_result *r, char *buf, size_t len)
{
	char b[DT_FMT_LEN], rate[DT_FMT_LEN], what[48];

	dt_fmt_bytes(b, sizeof(b), r->bytes);
	dt_fmt_rate(rate, sizeof(rate), r->bytes, r->secs);
	dt_expect_name(&r->v.expect, what, sizeof(what));
	if (r->v.bad_off >= 0)
		snprintf(buf, len,
			 "wrong data at offset %" PRId64 ": %#04x, expected %#04x (%s)",
			 r->v.bad_off, r->v.bad_got, r->v.bad_want, what);
	else if (r->err)
		snprintf(buf, len, "read failed with %s at offset %" PRIu64
			 " after %s in %.1f s", dt_errname(r->err),
			 r->err_off, b, r->secs);
	else if (r->short_eof)
		snprintf(buf, len, "end of file at offset %" PRIu64
			 " before the range ended (%s read)", r->err_off, b);
	else
		snprintf(buf, len, "%s of %s in %.2f s (%s)", b, what,
			 r->secs, rate);
}
