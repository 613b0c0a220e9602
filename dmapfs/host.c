// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * host.c - the host daemon and host kernel side of the emulated DAX
 * stack: mmap of host files into window slots, the fallocate reservation,
 * populate-based page faults, the vCPU stall loop and SIGBUS recovery.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "log.h"
#include "window.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

#define NONE_FLAGS (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED)

static size_t page_size;
/*
 * The SIGBUS recovery point of this thread, set only around accesses to
 * slot memory. Compiler barriers keep those accesses between the stores.
 */
static __thread sigjmp_buf *volatile bus_jmp;

#define barrier() __asm__ __volatile__("" ::: "memory")

static void host_describe(void *ctx, void *file, char *buf, size_t len);

int dm_host_window_create(struct dm_host *h, unsigned int nslots)
{
	size_t size = (size_t)nslots * DM_RANGE_SIZE;
	uintptr_t raw, start;
	void *p;

	page_size = sysconf(_SC_PAGESIZE);
	/* over-reserve by one slot to align the window to 2 MiB */
	p = mmap(NULL, size + DM_RANGE_SIZE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	raw = (uintptr_t)p;
	start = (raw + DM_RANGE_SIZE - 1) & ~(uintptr_t)(DM_RANGE_SIZE - 1);
	if (start > raw)
		munmap(p, start - raw);
	if (start + size < raw + size + DM_RANGE_SIZE)
		munmap((void *)(start + size),
		       raw + size + DM_RANGE_SIZE - (start + size));
	h->base = (void *)start;
	h->size = size;
	if (!h->stall_nap_ms)
		h->stall_nap_ms = 75;
	return 0;
}

void dm_host_window_destroy(struct dm_host *h)
{
	if (h->base)
		munmap(h->base, h->size);
	h->base = NULL;
}

static int make_none(void *addr)
{
	if (mmap(addr, DM_RANGE_SIZE, PROT_NONE, NONE_FLAGS, -1, 0) ==
	    MAP_FAILED)
		return -errno;
	return 0;
}

static int host_reserve(void *ctx, void *file, uint64_t idx)
{
	struct dm_host *h = ctx;
	struct dm_hostfile *hf = file;

	if (!hf->rw)
		return -EACCES;
	if (!fallocate(hf->fd, FALLOC_FL_KEEP_SIZE,
		       (off_t)(idx << DM_RANGE_SHIFT), DM_RANGE_SIZE))
		return 0;
	if (errno != EOPNOTSUPP)
		return -errno;
	/* the stack runs without the daemon half: say so, once */
	if (!__atomic_exchange_n(&h->reserve_unsupported, true,
				 __ATOMIC_RELAXED))
		dm_log("backing fs cannot fallocate: no reservation (control file: host_reserve unsupported)");
	return 0;
}

/*
 * Is the 2 MiB range @idx of @hf a hole (no data, no unwritten extent)?
 * One lseek(SEEK_DATA); any doubt answers no.
 */
static bool range_is_hole(int fd, uint64_t idx)
{
	off_t start = (off_t)(idx << DM_RANGE_SHIFT);
	off_t d = lseek(fd, start, SEEK_DATA);

	if (d < 0)
		return errno == ENXIO;
	return d >= start + (off_t)DM_RANGE_SIZE;
}

/*
 * Host page cache of holes. Reading a hole through a mapping makes the
 * host fill its page cache with zero pages; a real host keeps them until
 * memory pressure evicts them. Reading a sparse file much larger than
 * memory (truncate-od: 100G) then spends its time faulting in fresh
 * memory and reclaiming old pages. When a dmap of a pure hole is removed
 * (an RW one only if it is still a hole: nothing was written through
 * it), its clean zero pages are dropped at once (POSIX_FADV_DONTNEED) so
 * the next ranges reuse warm pages. A cache policy only: nothing
 * mapped, dirty or allocated is touched, and what reads return does not
 * change. Ranges holding data keep their cache (re-reading costs I/O).
 */
static void drop_hole_cache(struct dm_slot *s)
{
	if (!s->hole)
		return;
	s->hole = false;
	if (s->writable &&
	    !range_is_hole(s->hole_fd, s->hole_off >> DM_RANGE_SHIFT))
		return;
	/*
	 * hole_fd was valid when the range was mapped; after a reclaim that
	 * ran without the window lock the inode may be gone and the number
	 * reused: DONTNEED on another file only drops clean unmapped pages.
	 */
	posix_fadvise(s->hole_fd, (off_t)s->hole_off, DM_RANGE_SIZE,
		      POSIX_FADV_DONTNEED);
}

static int host_map(void *ctx, struct dm_slot *s, void *file, uint64_t idx,
		    bool rw)
{
	struct dm_hostfile *hf = file;
	int prot = rw ? PROT_READ | PROT_WRITE : PROT_READ;
	int err;

	if (rw && !hf->rw)
		return -EACCES;
	if (rw && s->hole && !s->refs && !make_none(s->addr)) {
		/*
		 * Upgrade of an RO dmap of a hole: drop its (possibly huge)
		 * zero folios first, so the write faults see the same page
		 * cache as without the huge-page hint below. Not while
		 * other requests use the slot: they must never see it
		 * PROT_NONE (the RW mapping then replaces the RO one at
		 * once, as it always did).
		 */
		drop_hole_cache(s);
	}
	s->hole = false;
	if (mmap(s->addr, DM_RANGE_SIZE, prot, MAP_SHARED | MAP_FIXED,
		 hf->fd, (off_t)(idx << DM_RANGE_SHIFT)) != MAP_FAILED) {
		if (range_is_hole(hf->fd, idx)) {
			s->hole = true;
			s->hole_fd = hf->fd;
			s->hole_off = idx << DM_RANGE_SHIFT;
		}
		if (s->hole && !rw) {
			/*
			 * Huge pages where the host allows (THP "madvise",
			 * a file system with large folios): one PMD per
			 * range instead of 512 PTEs to populate and zap.
			 * Only for holes read through RO dmaps: their
			 * folios are dropped before an upgrade, so a write
			 * fault never lands on a huge folio and the host
			 * allocates only the pages written, as before.
			 */
			madvise(s->addr, DM_RANGE_SIZE, MADV_HUGEPAGE);
		}
		return 0;
	}
	err = -errno;
	make_none(s->addr);
	return err;
}

static int host_unmap(void *ctx, struct dm_slot *s)
{
	/*
	 * MS_ASYNC: dirty pages stay in the host page cache and are written
	 * back as usual (munmap loses nothing); fsync through the mount
	 * flushes them. MS_SYNC would commit the journal on every reclaim.
	 */
	int err;

	if (s->writable)
		msync(s->addr, DM_RANGE_SIZE, MS_ASYNC);
	err = make_none(s->addr);
	/* only now: pages still mapped in the slot would not be dropped */
	if (!err)
		drop_hole_cache(s);
	s->hole = false;
	return err;
}

/*
 * SIGBUS (a host fault failed: beyond EOF, or no space) and SIGSEGV (a
 * store into a slot mapped read-only) during a protected access go back
 * to its sigsetjmp() with the signal number.
 */
static void fault_handler(int sig, siginfo_t *si, void *uc)
{
	if (bus_jmp)
		siglongjmp(*bus_jmp, sig);
	/* not a protected access: let the default action happen */
	signal(sig, SIG_DFL);
}

int dm_host_signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) || sigaction(SIGSEGV, &sa, NULL))
		return -errno;
	return 0;
}

int dm_host_copy(struct dm_host *h, void *dst, const void *src, size_t n)
{
	sigjmp_buf env;
	int sig;

	sig = sigsetjmp(env, 0);
	if (sig) {
		bus_jmp = NULL;
		if (sig == SIGSEGV) {
			dm_stat_inc(h->stats->sigsegv);
			return -EFAULT;
		}
		dm_stat_inc(h->stats->sigbus);
		return -EIO;
	}
	bus_jmp = &env;
	barrier();
	memcpy(dst, src, n);
	barrier();
	bus_jmp = NULL;
	return 0;
}

static bool host_stopping(void *ctx)
{
	struct dm_host *h = ctx;

	return h->stopping && h->stopping(h->stop_arg);
}

void dm_host_backend(struct dm_backend *be)
{
	be->reserve = host_reserve;
	be->map = host_map;
	be->unmap = host_unmap;
	be->stopping = host_stopping;
	be->describe = host_describe;
}

/* Fallback for kernels without MADV_POPULATE_*: touch every page. */
static int touch_pages(void *addr, size_t len, bool write)
{
	sigjmp_buf env;
	size_t off;

	if (sigsetjmp(env, 0)) {
		bus_jmp = NULL;
		return -EFAULT;
	}
	bus_jmp = &env;
	barrier();
	for (off = 0; off < len; off += page_size) {
		volatile char *p = (volatile char *)addr + off;

		if (write)
			__atomic_fetch_add(p, 0, __ATOMIC_RELAXED);
		else
			(void)*p;
	}
	barrier();
	bus_jmp = NULL;
	return 0;
}

static int populate(void *addr, size_t len, bool write)
{
	static bool no_populate;
	int advice = write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ;

	if (no_populate)
		return touch_pages(addr, len, write);
	for (;;) {
		if (!madvise(addr, len, advice))
			return 0;
		if (errno == EINTR || errno == EAGAIN)
			continue;
		if (errno == EINVAL) {
			no_populate = true;
			return touch_pages(addr, len, write);
		}
		return -errno;
	}
}

/* Does [foff, foff + len) reach beyond the host file's last page? */
static bool beyond_eof(struct dm_hostfile *hf, uint64_t foff, size_t len)
{
	struct stat st;
	uint64_t end;

	if (fstat(hf->fd, &st))
		return false;
	end = ((uint64_t)st.st_size + page_size - 1) & ~(page_size - 1);
	return foff + len > end;
}

static void stall_begin(struct dm_host *h)
{
	dm_stat_inc(h->stats->vcpu_stalls);
	dm_stat_inc(h->stats->vcpu_stalls_total);
}

static int stall_end(struct dm_host *h, uint64_t foff, int err)
{
	dm_stat_sub(h->stats->vcpu_stalls, 1);
	dm_log("vCPU stall at file offset %llu ended: %s",
	       (unsigned long long)foff, err ? strerror(-err) : "fault done");
	return err;
}

static void stall_nap(struct dm_host *h)
{
	const struct timespec nap = {
		h->stall_nap_ms / 1000,
		(long)(h->stall_nap_ms % 1000) * 1000000L,
	};

	nanosleep(&nap, NULL);
}

static int stall(struct dm_host *h, struct dm_hostfile *hf, void *addr,
		 uint64_t foff, size_t len, bool write, int first)
{
	int err;

	if (h->fault == DM_FAULT_DIE) {
		dm_log("host %s fault failed at file offset %llu (%s): the VMM dies of SIGBUS",
		       write ? "write" : "read", (unsigned long long)foff,
		       strerror(-first));
		_exit(DT_CTL_EXIT_SIGBUS);
	}
	stall_begin(h);
	dm_log("vCPU stall: host %s fault failed at file offset %llu (%s), retrying until it succeeds or the connection ends",
	       write ? "write" : "read", (unsigned long long)foff,
	       strerror(-first));
	for (;;) {
		if (host_stopping(h)) {
			err = -ENOTCONN;
			break;
		}
		stall_nap(h);
		err = populate(addr, len, write);
		if (!err)
			break;
		if (beyond_eof(hf, foff, len)) {
			dm_stat_inc(h->stats->sigbus);
			err = -EIO;
			break;
		}
	}
	return stall_end(h, foff, err);
}

int dm_host_ro_store(struct dm_host *h, uint64_t foff)
{
	if (h->fault == DM_FAULT_DIE) {
		dm_log("store into a read-only window slot at file offset %llu: the VMM dies of SIGSEGV",
		       (unsigned long long)foff);
		_exit(DT_CTL_EXIT_SIGSEGV);
	}
	stall_begin(h);
	dm_log("vCPU stall: store into a window slot mapped read-only at file offset %llu; the vCPU retries it until the connection ends",
	       (unsigned long long)foff);
	/* the slot stays read-only: the store never succeeds */
	while (!host_stopping(h))
		stall_nap(h);
	return stall_end(h, foff, -ENOTCONN);
}

int dm_host_touch(struct dm_host *h, struct dm_hostfile *hf, void *addr,
		  uint64_t foff, size_t len, bool write)
{
	uintptr_t start = (uintptr_t)addr & ~(uintptr_t)(page_size - 1);
	uintptr_t end = ((uintptr_t)addr + len + page_size - 1) &
			~(uintptr_t)(page_size - 1);
	uint64_t pfoff = foff - ((uintptr_t)addr - start);
	int err;

	if (!len)
		return 0;
	err = populate((void *)start, end - start, write);
	if (err == -EFAULT || err == -ENOSPC || err == -EDQUOT) {
		if (beyond_eof(hf, pfoff, end - start)) {
			dm_stat_inc(h->stats->sigbus);
			return -EIO;
		}
		err = stall(h, hf, (void *)start, pfoff, end - start, write,
			    err);
	} else if (err) {
		dm_log("host fault at file offset %llu: %s",
		       (unsigned long long)foff, strerror(-err));
		return -EIO;
	}
	if (!err && write)
		dm_stat_add(h->stats->host_write_faults,
			    (end - start) / page_size);
	return err;
}

/* Backing-relative path of @file for the control file, else "ino:N". */
static void host_describe(void *ctx, void *file, char *buf, size_t len)
{
	struct dm_host *h = ctx;
	struct dm_hostfile *hf = file;
	size_t rlen = h->root_path ? strlen(h->root_path) : 0;
	char proc[64], target[4096];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", hf->path_fd);
	n = readlink(proc, target, sizeof(target) - 1);
	if (n > 0 && rlen) {
		target[n] = '\0';
		if (!strcmp(target, h->root_path)) {
			snprintf(buf, len, ".");
			return;
		}
		if (!strncmp(target, h->root_path, rlen) &&
		    (target[rlen] == '/' || rlen == 1) &&
		    !strstr(target, " (deleted)")) {
			snprintf(buf, len, "%s", target + rlen +
				 (rlen > 1 ? 1 : 0));
			return;
		}
	}
	snprintf(buf, len, "ino:%llu", (unsigned long long)hf->ino);
}
