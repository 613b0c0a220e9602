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

#include <stdbool.h>
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

/*
 * Write-once block states, one byte per block in shared memory, for
 * workers that share blocks rather than own them (dt_owned.h is the
 * other way: each block has one writer and generations). A block is a
 * hole until one worker claims its first write; it is written (with
 * generation 1 and the tag of its file) once that write returned, and
 * may then be written again with the same bytes by anybody.
 */
enum dt_bs {
	DT_BS_HOLE = 0,
	DT_BS_WRITING,		/* its first write is under way */
	DT_BS_WRITTEN,
};

enum dt_bs_verdict {
	DT_BS_RIGHT,		/* judged and right */
	DT_BS_WRONG,		/* judged and wrong */
	DT_BS_RACED,		/* a write ran during the read: not judged */
};

/*
 * Claim a block for a write: its first (*first true) or the same bytes
 * again (it is written); false when another worker is writing it first.
 */
bool dt_bs_claim(uint8_t *st, bool *first);
/* The write of a claimed block returned. */
void dt_bs_written(uint8_t *st, bool first);
static inline uint8_t dt_bs_get(const uint8_t *st)
{
	return __atomic_load_n(st, __ATOMIC_SEQ_CST);
}
/*
 * Judge a block read at off, s1 its state before the read began, s2
 * after it ended: written before must be (generation 1, tag); a hole
 * before and after must be zeros; anything else raced. desc says what
 * was wrong.
 */
enum dt_bs_verdict dt_bs_judge(const void *blk, uint64_t off, uint64_t seed,
			       uint32_t tag, uint8_t s1, uint8_t s2,
			       char *desc, size_t len);

#endif
