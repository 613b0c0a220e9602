// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_blk.c - self-describing data blocks (see dt_blk.h).
 *
 * The payload is 64-bit words from splitmix64 over (seed, offset,
 * generation, tag, word index); the checksum is a 64-bit multiply-xor
 * hash, keyed by the seed, of the header with csum 0 and of every payload
 * word (a block of another run does not pass). Both are
 * cheap enough to fill and check every block of every I/O.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dt_blk.h"

#define NWORDS	(DT_BLK_SIZE / 8)
#define HWORDS	(sizeof(struct dt_blk_hdr) / 8)

static inline uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t word_base(uint64_t off, uint64_t gen, uint32_t tag,
				 uint64_t seed)
{
	return mix(seed ^ mix(off ^ (gen << 40) ^ ((uint64_t)tag << 20)));
}

static uint64_t csum_words(const uint64_t *w, uint64_t seed)
{
	uint64_t h = 0x84222325cbf29ce4ULL ^ mix(seed);
	size_t i;

	for (i = 0; i < NWORDS; i++) {
		/* the csum field itself counts as zero */
		uint64_t v = i == offsetof(struct dt_blk_hdr, csum) / 8 ?
			     0 : w[i];

		h = (h ^ v) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	return h;
}

void dt_blk_fill(void *buf, uint64_t off, uint64_t gen, uint32_t tag,
		 uint64_t seed)
{
	uint64_t *w = buf;
	struct dt_blk_hdr h = {
		.magic = DT_BLK_MAGIC,
		.off = off,
		.gen = gen,
		.tag = tag,
	};
	uint64_t base = word_base(off, gen, tag, seed);
	size_t i;

	memcpy(w, &h, sizeof(h));
	for (i = HWORDS; i < NWORDS; i++)
		w[i] = base + mix(base ^ i);
	h.csum = csum_words(w, seed);
	memcpy(w, &h, sizeof(h));
}

/* First byte of buf that differs from the block hdr describes. */
static size_t first_diff(const void *buf, const struct dt_blk_hdr *hdr,
			 uint64_t seed)
{
	uint64_t want[NWORDS];
	const unsigned char *a = buf, *b = (const unsigned char *)want;
	size_t i;

	dt_blk_fill(want, hdr->off, hdr->gen, hdr->tag, seed);
	for (i = 0; i < DT_BLK_SIZE; i++)
		if (a[i] != b[i])
			return i;
	return DT_BLK_SIZE;
}

enum dt_blk_state dt_blk_check(const void *buf, uint64_t off, uint64_t seed,
			       struct dt_blk_info *bi)
{
	const uint64_t *w = buf;
	struct dt_blk_hdr hdr;
	size_t i;

	memset(bi, 0, sizeof(*bi));
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.magic != DT_BLK_MAGIC) {
		for (i = 0; i < NWORDS && !w[i]; i++)
			;
		if (i == NWORDS) {
			bi->state = DT_BLK_ZERO;
			return bi->state;
		}
		bi->bad_at = i * 8;
		while (!((const unsigned char *)buf)[bi->bad_at])
			bi->bad_at++;
		bi->state = DT_BLK_GARBAGE;
		return bi->state;
	}
	bi->off = hdr.off;
	bi->gen = hdr.gen;
	bi->tag = hdr.tag;
	if (hdr.csum != csum_words(w, seed)) {
		bi->state = DT_BLK_TORN;
		bi->bad_at = first_diff(buf, &hdr, seed);
	} else if (hdr.off != off) {
		bi->state = DT_BLK_MISPLACED;
	} else {
		bi->state = DT_BLK_OK;
	}
	return bi->state;
}

const char *dt_blk_describe(const struct dt_blk_info *bi, char *buf,
			    size_t len)
{
	switch (bi->state) {
	case DT_BLK_OK:
		snprintf(buf, len, "generation %" PRIu64 " (tag %u)", bi->gen,
			 bi->tag);
		break;
	case DT_BLK_ZERO:
		snprintf(buf, len, "zeros (never written)");
		break;
	case DT_BLK_TORN:
		snprintf(buf, len, "a torn block (header: generation %" PRIu64
			 " tag %u; bytes from +0x%zx belong to another write)",
			 bi->gen, bi->tag, bi->bad_at);
		break;
	case DT_BLK_MISPLACED:
		snprintf(buf, len, "the block of offset 0x%" PRIx64
			 " (generation %" PRIu64 ")", bi->off, bi->gen);
		break;
	default:
		snprintf(buf, len, "garbage (neither zeros nor a test block; first non-zero byte at +0x%zx)",
			 bi->bad_at);
		break;
	}
	return buf;
}

bool dt_bs_claim(uint8_t *st, bool *first)
{
	uint8_t hole = DT_BS_HOLE;

	*first = false;
	if (dt_bs_get(st) == DT_BS_WRITTEN)
		return true;
	if (__atomic_compare_exchange_n(st, &hole, DT_BS_WRITING, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		*first = true;
		return true;
	}
	return false;
}

void dt_bs_written(uint8_t *st, bool first)
{
	if (first)
		__atomic_store_n(st, DT_BS_WRITTEN, __ATOMIC_SEQ_CST);
}

enum dt_bs_verdict dt_bs_judge(const void *blk, uint64_t off, uint64_t seed,
			       uint32_t tag, uint8_t s1, uint8_t s2,
			       char *desc, size_t len)
{
	struct dt_blk_info bi;
	enum dt_blk_state st = dt_blk_check(blk, off, seed, &bi);
	char d[160];

	if (s1 == DT_BS_WRITTEN) {
		if (st == DT_BLK_OK && bi.gen == 1 && bi.tag == tag)
			return DT_BS_RIGHT;
		snprintf(desc, len, "read %s where block 0x%" PRIx64
			 " had been written", dt_blk_describe(&bi, d, sizeof(d)),
			 off);
		return DT_BS_WRONG;
	}
	if (s1 == DT_BS_HOLE && s2 == DT_BS_HOLE) {
		if (st == DT_BLK_ZERO)
			return DT_BS_RIGHT;
		snprintf(desc, len, "read %s from a hole nobody wrote",
			 dt_blk_describe(&bi, d, sizeof(d)));
		return DT_BS_WRONG;
	}
	return DT_BS_RACED;
}
