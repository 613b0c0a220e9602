// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ro-store - provoke Linux 6.1's virtio-fs DAX write through a read-only
 * window mapping (finding dax-write-through-ro-mapping,
 * known-issues/README.md). On a stack whose window mappings honour the
 * read-only flag (QEMU's mmap without PROT_WRITE), the guest kernel's
 * store kills the VMM: SIGSEGV under TCG, a KVM_RUN EFAULT under KVM.
 *
 *   ro-store [-t SECONDS] [-w SLOTS] [-m] FILE
 *
 * FILE is created (or truncated) on a virtio-fs mount with -o dax as a
 * sparse file of 4 x SLOTS ranges of 2 MiB (SLOTS: the window's 2 MiB
 * slots, default 128). Ranges 0-3 are the targets. Until SECONDS
 * (default 120) pass, or the guest dies:
 *
 *  - one writer pwrite(2)s 4 KiB blocks into the target ranges;
 *  - two mappers map one target range at a time (PROT_READ, MAP_SHARED)
 *    and read one byte of it: a read fault, which sets up a read-only
 *    mapping of the range when it has none;
 *  - two readers pread(2) 4 KiB from random ranges beyond the targets:
 *    many more ranges than the window has slots, so the readers reclaim
 *    ranges of this same file inline all the time, the unused target
 *    ranges (the lowest offsets, picked first) among them.
 *
 * The kernel bug: fuse_iomap_begin() for the write finds no mapping and
 * calls fuse_setup_new_dax_mapping(), which allocates a window range
 * without fi->dax->sem, then takes the semaphore and, when somebody set
 * the range up meanwhile (here: a mapper's read fault, read-only), uses
 * that mapping as it is: the write's copy goes through a mapping the
 * host was asked to map read-only. The write path never checks
 * dmap->writable there (fuse_iomap_begin() does, and upgrades).
 *
 * Output: a progress line per second. A guest that keeps running prints
 * "result: ..." at the end and exits 1; the finding is reproduced when the
 * VMM dies before that (the host sees it). Exit 2: an error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "repro.h"

#define TARGETS		4

static int fd;
static unsigned long nranges;
static unsigned long n_writes, n_faults, n_reads;

static void *writer(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 0x9e3779b97f4a7c15ULL + 3;
	char buf[PAGE];

	memset(buf, 'w', sizeof(buf));
	while (!stop) {
		unsigned long r = rnd(&seed) % TARGETS;
		unsigned long off = r * RANGE + (rnd(&seed) % 512) * PAGE;
		ssize_t n = pwrite(fd, buf, PAGE, off);

		if (n != (ssize_t)PAGE) {
			failed(n < 0 ? errno : EIO,
			       "pwrite of 4096 bytes at 0x%lx (range %lu)", off, r);
			break;
		}
		__atomic_add_fetch(&n_writes, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *mapper(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 0xbf58476d1ce4e5b9ULL + 5;
	char *area = mmap(NULL, 2 * RANGE, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *at;

	if (area == MAP_FAILED) {
		failed(errno, "mapper: reserving %lu bytes", 2 * RANGE);
		return NULL;
	}
	/* 4 KiB but never 2 MiB aligned: a PTE fault, not a PMD one */
	at = (char *)(((uintptr_t)area + RANGE - 1) & ~(RANGE - 1)) + PAGE;
	while (!stop) {
		unsigned long r = rnd(&seed) % TARGETS;
		volatile char *p = mmap(at, RANGE - PAGE, PROT_READ,
					MAP_SHARED | MAP_FIXED, fd, r * RANGE);

		if (p == MAP_FAILED) {
			failed(errno, "mmap of range %lu", r);
			break;
		}
		(void)p[(rnd(&seed) % 511) * PAGE];
		mmap(at, RANGE - PAGE, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
		     -1, 0);
		__atomic_add_fetch(&n_faults, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *reader(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 0x94d049bb133111ebULL + 11;
	char buf[PAGE];

	while (!stop) {
		unsigned long r = TARGETS + rnd(&seed) % (nranges - TARGETS);
		unsigned long off = r * RANGE + (rnd(&seed) % 512) * PAGE;
		ssize_t n = pread(fd, buf, PAGE, off);

		if (n != (ssize_t)PAGE) {
			failed(n < 0 ? errno : EIO,
			       "pread of 4096 bytes at 0x%lx (range %lu)", off, r);
			break;
		}
		__atomic_add_fetch(&n_reads, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: ro-store [-t SECONDS] [-w SLOTS] [-m] FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	pthread_t th[5];
	int nth = 0, c, i, mappers = 2;
	double secs = 120, t0, next;
	unsigned long slots = 128;
	const char *path;

	while ((c = getopt(argc, argv, "t:w:m")) != -1) {
		switch (c) {
		case 'm':
			mappers = 0;
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'w':
			slots = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || secs <= 0 || slots < 2)
		usage();
	path = argv[optind];
	nranges = 4 * slots;
	if (nranges < 2 * TARGETS)
		nranges = 2 * TARGETS;
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, nranges * RANGE) < 0) {
		fprintf(stderr, "ro-store: %s: %s\n", path, strerror(errno));
		return 2;
	}
	printf("ro-store: %s, %lu ranges of 2 MiB (window of %lu slots): 1 writer and %d read-faulting mappers on ranges 0-%d, 2 readers of the others, up to %.0f s\n",
	       path, nranges, slots, mappers, TARGETS - 1, secs);
	printf("ro-store: if the VMM dies now, it was the guest's store through a read-only window mapping\n");
	fflush(stdout);
	pthread_create(&th[nth++], NULL, writer, (void *)(uintptr_t)1);
	for (i = 0; i < mappers; i++)
		pthread_create(&th[nth++], NULL, mapper, (void *)(uintptr_t)(i + 1));
	for (i = 0; i < 2; i++)
		pthread_create(&th[nth++], NULL, reader, (void *)(uintptr_t)(i + 1));
	t0 = now();
	next = t0 + 1;
	while (!stop && now() - t0 < secs) {
		usleep(20000);
		if (now() >= next) {
			printf("progress: %.0f s: %lu writes, %lu read faults, %lu reads\n",
			       now() - t0, n_writes, n_faults, n_reads);
			fflush(stdout);
			next += 1;
		}
	}
	stop = 1;
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	if (fail_err) {
		printf("result: error %s after %.1f s: %s\n", strerror(fail_err),
		       now() - t0, fail_what);
		return 2;
	}
	printf("result: the guest survived %.0f s (%lu writes, %lu read faults, %lu reads)\n",
	       secs, n_writes, n_faults, n_reads);
	return 1;
}
