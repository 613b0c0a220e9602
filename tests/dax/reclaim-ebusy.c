// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reclaim-ebusy - provoke the EBUSY that Linux 6.1's virtio-fs DAX range
 * reclaim hands to read(2)/write(2) (finding dax-reclaim-ebusy,
 * known-issues/README.md).
 *
 *   reclaim-ebusy [-t SECONDS] [-w SLOTS] [-n] [-s] FILE
 *
 * FILE is created (or truncated) on a virtio-fs mount with -o dax, as a
 * sparse file of 8 x SLOTS ranges of 2 MiB (SLOTS: the DAX window's 2 MiB
 * slots, default 128). Then, until a read fails or SECONDS (default 60)
 * pass:
 *
 *  - two mapper threads ("rb-mapper") map ranges 0..3 and 4..7, one at a
 *    time (MAP_SHARED, at an address that is not 2 MiB aligned, so every page
 *    is its own PTE fault and its own DAX entry in the page cache), read
 *    one byte of every page and unmap: the low ranges are the ones the
 *    kernel's inline reclaim of this inode picks first, and they always
 *    have DAX entries;
 *  - two reader threads ("rb-reader") pread(2) 4 KiB from random ranges
 *    beyond those: many more ranges than the window has slots, so each
 *    read reclaims a range of this same file (inode_inline_reclaim_one_dmap:
 *    write back, then invalidate_inode_pages2_range() of that range, and
 *    any failure of the latter is the read's error);
 *  - trigger "open" (default): one opener thread ("rb-opener") opens and
 *    closes FILE in a loop. Each open(2) of a virtio-fs file without
 *    FOPEN_KEEP_CACHE calls invalidate_inode_pages2() on the whole file
 *    without the invalidate lock that reclaim holds to keep everybody out:
 *    an entry it deletes under reclaim's feet is, for
 *    __dax_invalidate_entry(), one it could not invalidate;
 *  - trigger "writeback" (-s, best with -n): the mappers map read-write
 *    and, after reading, store into four pages, each store followed by
 *    msync() or sync_file_range(): 6.1's dax_writeback_one() skips an
 *    entry that another writeback holds locked and leaves the TOWRITE tag
 *    that reclaim's own writeback set on it; the entry is clean a moment
 *    later, but still tagged, and __dax_invalidate_entry() refuses it.
 *
 * -n leaves the opener out. With neither trigger (-n alone) nothing is
 * written and nothing invalidates behind reclaim's back: the control, no
 * error expected.
 *
 * Output: a progress line per second and one "result:" line. Exit 0: a
 * read failed with EBUSY (reproduced); 1: no error in SECONDS; 2: another
 * error or bad usage.
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
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "repro.h"

#define LOW_RANGES	8

static const char *path;
static int fd;
static unsigned long nranges;
static int stores;		/* -s: the mappers also store and flush */
static unsigned long n_reads, n_maps, n_opens;

static void *mapper(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 0x9e3779b97f4a7c15ULL + 1;
	/* room for a range at a 4 KiB (never 2 MiB) aligned address */
	char *area = mmap(NULL, 2 * RANGE, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *at;

	prctl(PR_SET_NAME, "rb-mapper");
	if (area == MAP_FAILED) {
		failed(errno, "mapper: reserving %lu bytes", 2 * RANGE);
		return NULL;
	}
	at = (char *)(((uintptr_t)area + RANGE - 1) & ~(RANGE - 1)) + PAGE;
	while (!stop) {
		/* each mapper its own half: no read fault of one races a write
		 * fault of the other (dax-write-through-ro-mapping) */
		unsigned long r = ((uintptr_t)arg - 1) * (LOW_RANGES / 2) +
				  rnd(&seed) % (LOW_RANGES / 2), i;
		volatile char *p = mmap(at, RANGE, PROT_READ |
					(stores ? PROT_WRITE : 0),
					MAP_SHARED | MAP_FIXED, fd, r * RANGE);
		char sum = 0;

		if (p == MAP_FAILED) {
			failed(errno, "mmap of range %lu", r);
			break;
		}
		for (i = 0; i < RANGE && !stop; i += PAGE)
			sum += p[i];
		if (sum && !stores)
			failed(EILSEQ, "range %lu of a sparse file not zero", r);
		for (i = 0; stores && i < 4 && !stop; i++) {
			unsigned long pg = (rnd(&seed) % 512) * PAGE;

			p[pg] = 1;
			if (i == 0 ? msync((char *)p + pg, PAGE, MS_SYNC) :
			    sync_file_range(fd, r * RANGE + pg, PAGE,
					    SYNC_FILE_RANGE_WAIT_BEFORE |
					    SYNC_FILE_RANGE_WRITE |
					    SYNC_FILE_RANGE_WAIT_AFTER))
				failed(errno, "flushing a store into range %lu", r);
		}
		/* back to the reservation: no hole for others to map into */
		mmap(at, RANGE, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
		     -1, 0);
		__atomic_add_fetch(&n_maps, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *reader(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 0xbf58476d1ce4e5b9ULL + 7;
	char buf[PAGE];

	prctl(PR_SET_NAME, "rb-reader");
	while (!stop) {
		unsigned long r = LOW_RANGES +
				  rnd(&seed) % (nranges - LOW_RANGES);
		unsigned long off = r * RANGE + (rnd(&seed) % 512) * PAGE;
		ssize_t n = pread(fd, buf, PAGE, off);

		if (n != (ssize_t)PAGE) {
			failed(n < 0 ? errno : EIO,
			       "pread of 4096 bytes at 0x%lx (range %lu)", off,
			       r);
			break;
		}
		__atomic_add_fetch(&n_reads, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *opener(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "rb-opener");
	while (!stop) {
		int f = open(path, O_RDONLY);

		if (f < 0) {
			failed(errno, "open");
			break;
		}
		close(f);
		__atomic_add_fetch(&n_opens, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: reclaim-ebusy [-t SECONDS] [-w SLOTS] [-n] [-s] FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	pthread_t th[5];
	int nth = 0, c, i, no_open = 0;
	double secs = 60, t0, next;
	unsigned long slots = 128;

	while ((c = getopt(argc, argv, "t:w:ns")) != -1) {
		switch (c) {
		case 's':
			stores = 1;
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'w':
			slots = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			no_open = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || secs <= 0 || slots < 2)
		usage();
	path = argv[optind];
	nranges = 8 * slots;
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, nranges * RANGE) < 0) {
		fprintf(stderr, "reclaim-ebusy: %s: %s\n", path, strerror(errno));
		return 2;
	}
	printf("reclaim-ebusy: %s, %lu ranges of 2 MiB (window of %lu slots), 2 %smappers of ranges 0-%d, 2 readers, %s, up to %.0f s\n",
	       path, nranges, slots, stores ? "storing " : "", LOW_RANGES - 1,
	       no_open ? "no opener (-n)" : "1 opener", secs);
	fflush(stdout);
	for (i = 0; i < 2; i++)
		pthread_create(&th[nth++], NULL, mapper, (void *)(uintptr_t)(i + 1));
	for (i = 0; i < 2; i++)
		pthread_create(&th[nth++], NULL, reader, (void *)(uintptr_t)(i + 1));
	if (!no_open)
		pthread_create(&th[nth++], NULL, opener, NULL);
	t0 = now();
	next = t0 + 1;
	while (!stop && now() - t0 < secs) {
		usleep(20000);
		if (now() >= next) {
			printf("progress: %.0f s: %lu reads, %lu mappings, %lu opens\n",
			       now() - t0, n_reads, n_maps, n_opens);
			fflush(stdout);
			next += 1;
		}
	}
	stop = 1;
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	if (fail_err == EBUSY) {
		printf("result: EBUSY after %.1f s: %s (%lu reads, %lu mappings, %lu opens)\n",
		       now() - t0, fail_what, n_reads, n_maps, n_opens);
		return 0;
	}
	if (fail_err) {
		printf("result: error %s after %.1f s: %s\n", strerror(fail_err),
		       now() - t0, fail_what);
		return 2;
	}
	printf("result: no error in %.0f s (%lu reads, %lu mappings, %lu opens)\n",
	       secs, n_reads, n_maps, n_opens);
	return 1;
}
