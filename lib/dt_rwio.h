/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_rwio.h - one file region, several ways in: pread/pwrite, io_uring
 * (one request at a time, a ring per worker), and a MAP_SHARED mapping
 * (loads; stores followed by a flush, so a store counts as written only
 * once it reached the file system, as a write(2) does). The flush is
 * msync(MS_SYNC) every msync_every-th store and sync_file_range() (write
 * and wait, no fsync) otherwise: on FUSE msync() is an fsync that the
 * daemon turns into a host journal commit, which would leave the mapping
 * writers far behind the others.
 *
 * io_uring: one request in flight at a time, matched to its completion
 * by a tag; a full submission queue (leftovers of a call that failed to
 * submit) is submitted and drained, never reported as an error.
 *
 * Accesses through the mapping run under a SIGBUS guard: a fault the file
 * system cannot serve (a DAX range that cannot be set up, a page beyond
 * EOF) becomes an error with the faulting offset instead of killing the
 * worker. One struct dt_rwio per thread; not shared.
 */
#ifndef DT_RWIO_H
#define DT_RWIO_H

#include <liburing.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum dt_io_method {
	DT_IO_PSYNC = 0,
	DT_IO_URING,
	DT_IO_MMAP,
	DT_IO_NR,
};

#define DT_IO_ALL	((1u << DT_IO_NR) - 1)

/* A SIGBUS taken by an access through the mapping. */
#define DT_IO_ESIGBUS	1000

struct dt_rwio {
	int fd;
	uint64_t base;		/* file offset of the mapping */
	uint64_t len;
	bool writable;
	unsigned int methods;	/* usable: bits of dt_io_method */
	char *map;		/* NULL without DT_IO_MMAP */
	struct io_uring ring;
	uint64_t uring_tag;	/* tag of the last io_uring request */
	char why[160];		/* why a method asked for is not usable */
	uint64_t sigbus_off;	/* file offset of the last SIGBUS */
	unsigned int msync_every;	/* 1: always msync; default 8 */
	unsigned int stores;
	uint64_t msyncs;	/* flushes by msync(MS_SYNC) */
	uint64_t ranges_synced;	/* flushes by sync_file_range() */
};

/*
 * Open the methods of @methods on fd for [base, base + len): io_uring
 * and mmap drop out (with why) when the system refuses them; psync is
 * always there. 0, or -1 when nothing is usable.
 */
int dt_rwio_open(struct dt_rwio *io, int fd, uint64_t base, uint64_t len,
		 unsigned int methods, bool writable);
void dt_rwio_close(struct dt_rwio *io);

/*
 * The whole of [off, off + len) or an error: bytes done (short only at
 * end of file, or when a write(2) wrote nothing), or -errno
 * (-DT_IO_ESIGBUS for a SIGBUS).
 */
ssize_t dt_rwio_read(struct dt_rwio *io, enum dt_io_method m, void *buf,
		     size_t len, uint64_t off);
ssize_t dt_rwio_write(struct dt_rwio *io, enum dt_io_method m,
		      const void *buf, size_t len, uint64_t off);

const char *dt_io_method_name(enum dt_io_method m);
/* strerror() that also knows DT_IO_ESIGBUS */
const char *dt_io_strerror(int err);

/*
 * memcpy under the SIGBUS guard: 0, or -1 with *fault the faulting
 * address. Usable on any mapping.
 */
int dt_guard_copy(void *dst, const void *src, size_t len, uintptr_t *fault);

#endif
