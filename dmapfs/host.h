/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host.h - the host half of the emulation: the reserved window address
 * range, SETUPMAPPING/REMOVEMAPPING as mmap calls on the host file, the
 * daemon's fallocate reservation, and the host page fault model (populate
 * the pages a vCPU touches, retry forever when the host cannot allocate).
 */
#ifndef DM_HOST_H
#define DM_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"
#include "stats.h"

struct dm_backend;

/* The host file behind an inode, as the daemon opened it. */
struct dm_hostfile {
	int fd;			/* -1 until opened */
	bool rw;		/* opened O_RDWR */
	int path_fd;		/* O_PATH fd of the inode */
	uint64_t ino;		/* host st_ino */
};

struct dm_host {
	void *base;		/* the window, 2 MiB aligned */
	size_t size;
	enum dm_host_fault fault;
	struct dm_stats *stats;
	bool (*stopping)(void *arg);
	void *stop_arg;
	unsigned int stall_nap_ms;
	const char *root_path;	/* realpath of BACKING_DIR */
	/* a reservation got EOPNOTSUPP: nothing is really reserved */
	bool reserve_unsupported;
};

int dm_host_window_create(struct dm_host *h, unsigned int nslots);
void dm_host_window_destroy(struct dm_host *h);
/* the host callbacks of a dm_backend; files are struct dm_hostfile */
void dm_host_backend(struct dm_backend *be);

/* Install the SIGBUS and SIGSEGV handlers of dm_host_copy(). */
int dm_host_signals_init(void);

/*
 * A vCPU touches [addr, addr + len) of a slot, which maps file offset
 * @foff of @hf: populate the pages with write faults (@write) or read
 * faults. A fault the host cannot satisfy stalls the vCPU: retried every
 * stall_nap_ms until it succeeds or the file system goes away
 * (-ENOTCONN), or dmapfs dies (--host-fault die). Pages beyond the host
 * EOF give -EIO and count as SIGBUS.
 */
int dm_host_touch(struct dm_host *h, struct dm_hostfile *hf, void *addr,
		  uint64_t foff, size_t len, bool write);
/*
 * memcpy with a host SIGBUS turned into -EIO and a SIGSEGV (a store into
 * a slot mapped read-only) into -EFAULT, both counted
 */
int dm_host_copy(struct dm_host *h, void *dst, const void *src, size_t n);
/*
 * A vCPU's store into a slot the host mapped read-only faulted (SIGSEGV
 * on the host): --host-fault die exits as the VMM would; hang stalls the
 * vCPU for good (KVM loops on the fault): -ENOTCONN once the file system
 * goes away.
 */
int dm_host_ro_store(struct dm_host *h, uint64_t foff);

#endif
