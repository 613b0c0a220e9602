/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_blk.h - self-describing data blocks for concurrent read/write
 * checks. Every DT_BLK_SIZE block carries a header with its own file
 * offset, a generation, a tag (the writer, the file...) and a checksum
 * over header and payload; the payload is a function of (seed, offset,
 * generation, tag). So one block read on its own says whether it is
 * whole (not torn), where it belongs (not misplaced) and which write it
 * came from (stale and lost writes show as an older generation).
 */
#ifndef DT_BLK_H
#define DT_BLK_H

#include <stddef.h>
#include <stdint.h>

#define DT_BLK_SIZE	4096u
#define DT_BLK_MAGIC	0x6b6c6270616d6464ULL	/* "ddmapblk" */

struct dt_blk_hdr {
	uint64_t magic;
	uint64_t off;		/* file offset of the block */
	uint64_t gen;		/* 1, 2, ... (0: never written) */
	uint32_t tag;
	uint32_t rsvd;
	uint64_t csum;		/* header (csum 0) and payload */
};

enum dt_blk_state {
	DT_BLK_OK = 0,		/* a whole block for this offset */
	DT_BLK_ZERO,		/* all zeros: a hole, never written */
	DT_BLK_TORN,		/* ours, checksum wrong: mixed writes */
	DT_BLK_MISPLACED,	/* a whole block, of another offset */
	DT_BLK_GARBAGE,		/* neither zeros nor one of our blocks */
};

struct dt_blk_info {
	enum dt_blk_state state;
	uint64_t off;		/* from the header (OK, TORN, MISPLACED) */
	uint64_t gen;
	uint32_t tag;
	/*
	 * TORN: first byte (from the block start) that differs from the
	 * block the header describes; GARBAGE: first non-zero byte.
	 */
	size_t bad_at;
};

/* Fill one block for file offset off (a multiple of DT_BLK_SIZE). */
void dt_blk_fill(void *buf, uint64_t off, uint64_t gen, uint32_t tag,
		 uint64_t seed);
/* What the block read from file offset off is. */
enum dt_blk_state dt_blk_check(const void *buf, uint64_t off, uint64_t seed,
			       struct dt_blk_info *bi);
/* "generation 7 (tag 2)", "zeros (never written)", "torn block ..." */
const char *dt_blk_describe(const struct dt_blk_info *bi, char *buf,
			    size_t len);

#endif
