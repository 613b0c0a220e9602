// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_uring.c - the io_uring engine of dt_read_check(): qd requests of bs
 * bytes in flight, each checked at its own offset when it completes (the
 * expected data is keyed by offset, so completion order does not matter).
 */
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_case.h"
#include "dt_fmt.h"
#include "dt_readcheck.h"

#define URING_DEFAULT_BS	(1u << 20)
#define URING_DEFAULT_QD	4
#define URING_MAX_QD		64

struct slot {
	char *buf;
	uint64_t off;		/* file offset of buf[0] */
	size_t want;		/* bytes of the request */
	size_t got;		/* bytes done so far (short reads resume) */
	int buf_index;		/* registered buffer, -1: plain read */
};

static void queue(struct io_uring *ring, int fd, struct slot *s)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	/* the ring has one sqe per slot: this cannot fail */
	if (s->buf_index >= 0)
		io_uring_prep_read_fixed(sqe, fd, s->buf + s->got,
					 s->want - s->got, s->off + s->got,
					 s->buf_index);
	else
		io_uring_prep_read(sqe, fd, s->buf + s->got, s->want - s->got,
				   s->off + s->got);
	io_uring_sqe_set_data(sqe, s);
}

/* A completion: 1 when the slot is free again, 0 to resubmit, -1 error. */
static int complete(struct io_uring_cqe *cqe, const struct dt_rc_opts *o,
		    struct dt_rc_result *r, uint64_t *next_tick)
{
	struct slot *s = io_uring_cqe_get_data(cqe);
	ssize_t bad;
	int res = cqe->res;

	if (res < 0) {
		if (-res == EINTR || -res == EAGAIN)
			return 0;
		if (!r->err || s->off + s->got < r->err_off) {
			r->err = -res;
			r->err_off = s->off + s->got;
		}
		return -1;
	}
	if (res == 0) {
		r->short_eof = true;
		r->err_off = s->off + s->got;
		return -1;
	}
	bad = dt_expect_check(&r->v.expect, s->buf + s->got, res,
			      s->off + s->got);
	if (bad >= 0)
		dt_verifier_note(&r->v, s->off + s->got + bad,
				 (uint8_t)s->buf[s->got + bad]);
	s->got += res;
	r->bytes += res;
	r->ops++;
	dt_heartbeat_add(res, 1);
	if (o->tick && r->bytes >= *next_tick) {
		o->tick(r->bytes, o->tick_arg);
		*next_tick = r->bytes + o->tick_bytes;
	}
	if (bad >= 0)
		return -1;
	return s->got == s->want;
}

/*
 * Registered (fixed) buffers: the kernel pins them once instead of
 * taking and releasing page references on every request (with FUSE
 * direct I/O that is get_user_pages on each 1 MiB read). The same reads
 * otherwise: when registering fails (old kernel, locked-memory limit)
 * the slots keep plain reads.
 */
static void register_buffers(struct io_uring *ring, struct slot *slots,
			     unsigned int n, size_t bs)
{
	struct iovec iov[URING_MAX_QD];
	unsigned int i;

	for (i = 0; i < n; i++) {
		iov[i].iov_base = slots[i].buf;
		iov[i].iov_len = bs;
	}
	if (io_uring_register_buffers(ring, iov, n) < 0)
		return;
	for (i = 0; i < n; i++)
		slots[i].buf_index = i;
}

int dt_read_check_uring(int fd, uint64_t off, uint64_t len,
			const struct dt_rc_opts *o, struct dt_rc_result *r)
{
	size_t bs = o->bs ? o->bs : URING_DEFAULT_BS;
	unsigned int qd = o->qd ? o->qd : URING_DEFAULT_QD;
	uint64_t next = off, end = off + len;
	uint64_t next_tick = o->tick_bytes;
	struct slot slots[URING_MAX_QD], *free_list[URING_MAX_QD];
	struct io_uring ring;
	unsigned int i, nfree = 0, inflight = 0;
	char bsz[DT_FMT_LEN];
	bool stop = false;
	int ret;

	if (qd > URING_MAX_QD)
		qd = URING_MAX_QD;
	ret = io_uring_queue_init(qd, &ring, 0);
	if (ret < 0) {
		snprintf(r->engine, sizeof(r->engine),
			 "io_uring not available: %s", dt_errname(-ret));
		return 1;
	}
	memset(slots, 0, sizeof(slots));
	for (i = 0; i < qd; i++) {
		if (posix_memalign((void **)&slots[i].buf, 4096, bs)) {
			r->err = ENOMEM;
			ret = -1;
			goto out;
		}
		slots[i].buf_index = -1;
		free_list[nfree++] = &slots[i];
	}
	register_buffers(&ring, slots, qd, bs);
	dt_fmt_bytes(bsz, sizeof(bsz), bs);
	snprintf(r->engine, sizeof(r->engine), "io_uring qd %u bs %s", qd,
		 bsz);

	ret = 0;
	while (inflight || (!stop && next < end)) {
		struct io_uring_cqe *cqe;
		int c;

		while (!stop && next < end && nfree) {
			struct slot *s = free_list[--nfree];

			s->off = next;
			s->want = end - next < bs ? end - next : bs;
			s->got = 0;
			next += s->want;
			queue(&ring, fd, s);
			inflight++;
		}
		c = io_uring_submit_and_wait(&ring, 1);
		if (c < 0 && c != -EINTR) {
			r->err = -c;
			ret = -1;
			break;
		}
		while (io_uring_peek_cqe(&ring, &cqe) == 0) {
			struct slot *s = io_uring_cqe_get_data(cqe);

			c = complete(cqe, o, r, &next_tick);
			io_uring_cqe_seen(&ring, cqe);
			if (c == 0 && !stop) {
				queue(&ring, fd, s);
				continue;
			}
			inflight--;
			free_list[nfree++] = s;
			if (c < 0) {
				stop = true;
				ret = -1;
			}
		}
	}
out:
	io_uring_queue_exit(&ring);
	for (i = 0; i < qd; i++)
		free(slots[i].buf);
	return ret;
}
