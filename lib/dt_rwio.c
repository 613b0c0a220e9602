// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_rwio.c - pread/pwrite, io_uring and mmap access to one file region
 * (dt_rwio.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dt_rwio.h"

#define PAGE	4096u

static __thread sigjmp_buf guard_jmp;
static __thread volatile int guard_armed;
static __thread volatile uintptr_t guard_addr;
static pthread_once_t guard_once = PTHREAD_ONCE_INIT;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	if (guard_armed) {
		guard_armed = 0;
		guard_addr = (uintptr_t)si->si_addr;
		siglongjmp(guard_jmp, 1);
	}
	/* not ours: die of it as without the handler */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void guard_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

int dt_guard_copy(void *dst, const void *src, size_t len, uintptr_t *fault)
{
	pthread_once(&guard_once, guard_install);
	if (sigsetjmp(guard_jmp, 1)) {
		*fault = guard_addr;
		return -1;
	}
	guard_armed = 1;
	memcpy(dst, src, len);
	guard_armed = 0;
	return 0;
}

const char *dt_io_method_name(enum dt_io_method m)
{
	switch (m) {
	case DT_IO_PSYNC:
		return "pread/pwrite";
	case DT_IO_URING:
		return "io_uring";
	case DT_IO_MMAP:
		return "mmap";
	default:
		return "?";
	}
}

const char *dt_io_strerror(int err)
{
	if (err == DT_IO_ESIGBUS)
		return "SIGBUS on access through the mapping";
	return strerror(err);
}

int dt_rwio_open(struct dt_rwio *io, int fd, uint64_t base, uint64_t len,
		 unsigned int methods, bool writable)
{
	size_t pos = 0;
	int ret;

	memset(io, 0, sizeof(*io));
	io->fd = fd;
	io->base = base;
	io->len = len;
	io->writable = writable;
	io->methods = 1u << DT_IO_PSYNC;
	if (methods & (1u << DT_IO_URING)) {
		ret = io_uring_queue_init(4, &io->ring, 0);
		if (ret == 0)
			io->methods |= 1u << DT_IO_URING;
		else
			pos += snprintf(io->why + pos, sizeof(io->why) - pos,
					"io_uring: %s", strerror(-ret));
	}
	if (methods & (1u << DT_IO_MMAP)) {
		void *p = mmap(NULL, len, PROT_READ |
			       (writable ? PROT_WRITE : 0), MAP_SHARED, fd,
			       base);

		if (p != MAP_FAILED) {
			io->map = p;
			io->methods |= 1u << DT_IO_MMAP;
		} else if (pos < sizeof(io->why)) {
			snprintf(io->why + pos, sizeof(io->why) - pos,
				 "%smmap: %s", pos ? "; " : "",
				 strerror(errno));
		}
	}
	return 0;
}

void dt_rwio_close(struct dt_rwio *io)
{
	if (io->methods & (1u << DT_IO_URING))
		io_uring_queue_exit(&io->ring);
	if (io->map)
		munmap(io->map, io->len);
	io->map = NULL;
	io->methods = 0;
}

#define URING_TRIES	1000	/* 1 ms apart: about a second */

/* Reap the completions at the head of the ring that are not @tag's. */
static void uring_drop_others(struct io_uring *ring, uint64_t tag)
{
	struct io_uring_cqe *cqe;

	while (io_uring_peek_cqe(ring, &cqe) == 0 &&
	       io_uring_cqe_get_data64(cqe) != tag)
		io_uring_cqe_seen(ring, cqe);
}

/*
 * Hand everything queued to the kernel: 0, or io_uring_enter()'s -errno.
 * A transient refusal (a signal, no memory for requests, a completion
 * queue to reap first) is retried for about a second, reaping the
 * completions that are not @tag's in between.
 */
static int uring_submit(struct io_uring *ring, uint64_t tag)
{
	int ret, tries = 0;

	for (;;) {
		ret = io_uring_submit(ring);
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN &&
		    ret != -EBUSY)
			return ret;
		if (!io_uring_sq_ready(ring))
			return 0;
		if (++tries >= URING_TRIES)
			return ret < 0 ? ret : -EAGAIN;
		uring_drop_others(ring, tag);
		usleep(1000);
	}
}

/*
 * One request at a time, tagged: the result is the completion carrying
 * our tag. What else the ring holds (the request of an earlier call that
 * gave up on a submit or wait error) is submitted on the way and its
 * completion dropped. A full submission queue is no error of its own:
 * every -errno returned here is io_uring_enter()'s or the request's.
 */
static ssize_t uring_rw(struct dt_rwio *io, bool write, void *buf,
			size_t len, uint64_t off)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	uint64_t tag = ++io->uring_tag;
	int ret;

	/* full of leftovers: once they are submitted there is room */
	while (!(sqe = io_uring_get_sqe(&io->ring))) {
		ret = uring_submit(&io->ring, tag);
		if (ret < 0)
			return ret;
	}
	if (write)
		io_uring_prep_write(sqe, io->fd, buf, len, off);
	else
		io_uring_prep_read(sqe, io->fd, buf, len, off);
	io_uring_sqe_set_data64(sqe, tag);
	ret = uring_submit(&io->ring, tag);
	if (ret < 0)
		return ret;
	for (;;) {
		ret = io_uring_wait_cqe(&io->ring, &cqe);
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			return ret;
		if (io_uring_cqe_get_data64(cqe) == tag)
			break;
		/* an earlier call's request completing: not ours */
		io_uring_cqe_seen(&io->ring, cqe);
	}
	ret = cqe->res;
	io_uring_cqe_seen(&io->ring, cqe);
	return ret;
}

static ssize_t one_syscall(struct dt_rwio *io, enum dt_io_method m,
			   bool write, void *buf, size_t len, uint64_t off)
{
	ssize_t r;

	if (m == DT_IO_URING)
		return uring_rw(io, write, buf, len, off);
	if (write)
		r = pwrite(io->fd, buf, len, off);
	else
		r = pread(io->fd, buf, len, off);
	return r < 0 ? -errno : r;
}

static ssize_t map_rw(struct dt_rwio *io, bool write, void *buf, size_t len,
		      uint64_t off)
{
	char *p = io->map + (off - io->base);
	uintptr_t fault;
	int ret;

	if (off < io->base || off + len > io->base + io->len)
		return -ERANGE;
	if (write && !io->writable)
		return -EBADF;
	ret = write ? dt_guard_copy(p, buf, len, &fault) :
		      dt_guard_copy(buf, p, len, &fault);
	if (ret) {
		io->sigbus_off = io->base + (fault - (uintptr_t)io->map);
		return -DT_IO_ESIGBUS;
	}
	if (write) {
		uintptr_t a = (uintptr_t)p & ~(uintptr_t)(PAGE - 1);
		uintptr_t e = ((uintptr_t)p + len + PAGE - 1) &
			      ~(uintptr_t)(PAGE - 1);
		uint64_t foff = io->base + (a - (uintptr_t)io->map);
		unsigned int every = io->msync_every ? io->msync_every : 8;

		if (++io->stores % every == 0) {
			if (msync((void *)a, e - a, MS_SYNC) < 0)
				return -errno;
			io->msyncs++;
		} else {
			if (sync_file_range(io->fd, foff, e - a,
					    SYNC_FILE_RANGE_WAIT_BEFORE |
					    SYNC_FILE_RANGE_WRITE |
					    SYNC_FILE_RANGE_WAIT_AFTER) < 0)
				return -errno;
			io->ranges_synced++;
		}
	}
	return len;
}

static ssize_t rw(struct dt_rwio *io, enum dt_io_method m, bool write,
		  void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	if (!(io->methods & (1u << m)))
		return -EOPNOTSUPP;
	if (m == DT_IO_MMAP)
		return map_rw(io, write, buf, len, off);
	while (done < len) {
		ssize_t r = one_syscall(io, m, write, (char *)buf + done,
					len - done, off + done);

		if (r == -EINTR)
			continue;
		if (r < 0)
			return r;
		if (r == 0)
			break;	/* end of file (reads) */
		done += r;
	}
	return done;
}

ssize_t dt_rwio_read(struct dt_rwio *io, enum dt_io_method m, void *buf,
		     size_t len, uint64_t off)
{
	return rw(io, m, false, buf, len, off);
}

ssize_t dt_rwio_write(struct dt_rwio *io, enum dt_io_method m,
		      const void *buf, size_t len, uint64_t off)
{
	return rw(io, m, true, (void *)buf, len, off);
}
