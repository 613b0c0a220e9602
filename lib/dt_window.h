/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_window.h - the size of the DAX window a target maps file ranges
 * into, and a way to push the ranges of a file out of it.
 *
 * Sources, first found wins: the "window" parameter (-p window=256M);
 * the dmapfs control file (slots_total); on a real guest the window
 * (virtio shared-memory region 0) in /proc/iomem ("virtio-pci-shm", root
 * only) or the virtiofs kernel log line "Cache len: 0x...". With several
 * virtio-fs devices the largest window is taken (enough ranges to fill
 * the biggest one fill ours), and the source says so.
 */
#ifndef DT_WINDOW_H
#define DT_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#define DT_RANGE_SHIFT	21
#define DT_RANGE_SIZE	(1ULL << DT_RANGE_SHIFT)	/* FUSE_DAX_SZ */

struct dt_ctx;

struct dt_window {
	uint64_t slots;		/* 2 MiB ranges; 0: unknown */
	char source[200];	/* where the size came from, or why unknown */
};

/* 0 when the size is known, -1 (slots 0, source says why) when not. */
int dt_window_probe(const struct dt_ctx *ctx, struct dt_window *w);

/* Parsers, for unit tests: largest window in bytes, and how many. */
uint64_t dt_window_from_iomem(const char *text, int *count);
uint64_t dt_window_from_kmsg(const char *text, int *count);

/*
 * Push every older mapping out of the window: read one page from each
 * of slots + 8 ranges of a sparse scratch file in dir (no allocation:
 * read-only mappings of holes), then remove the file. 0, or -1 with
 * why filled.
 */
int dt_window_evict(const char *dir, uint64_t slots, char *why, size_t len);

#endif
