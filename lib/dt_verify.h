/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_verify.h - what a file's bytes should be (zeros, the offset pattern,
 * one fill byte) and a checker for data arriving in file order (pipes,
 * sendfile, splice, a command's output) or at known offsets.
 */
#ifndef DT_VERIFY_H
#define DT_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum dt_expect_kind {
	DT_EXPECT_NONE = 0,	/* anything: count only */
	DT_EXPECT_ZERO,		/* a hole or a zeroed range */
	DT_EXPECT_PATTERN,	/* dt_pattern_fill() with seed */
	DT_EXPECT_BYTE,		/* every byte is .byte (xfs_io: 0xcd) */
};

struct dt_expect {
	enum dt_expect_kind kind;
	uint64_t seed;
	uint8_t byte;
};

/* Index in buf of the first unexpected byte of range [off, +len), or -1. */
ssize_t dt_expect_check(const struct dt_expect *e, const void *buf,
			size_t len, uint64_t off);
/* The byte expected at off (0 for NONE). */
uint8_t dt_expect_byte(const struct dt_expect *e, uint64_t off);
/* "zeros", "pattern seed 0x...", "0xcd bytes" */
const char *dt_expect_name(const struct dt_expect *e, char *buf,
			   size_t len);

/* A stream of file data starting at @pos. */
struct dt_verifier {
	struct dt_expect expect;
	uint64_t pos;		/* file offset of the next byte */
	int64_t bad_off;	/* first wrong offset, -1 */
	uint8_t bad_got;
	uint8_t bad_want;
};

void dt_verifier_init(struct dt_verifier *v, const struct dt_expect *e,
		      uint64_t start);
/* Check the next len bytes; false once a wrong byte was seen. */
bool dt_verifier_feed(struct dt_verifier *v, const void *buf, size_t len);
/* Record a wrong byte found elsewhere (keeps the lowest offset). */
void dt_verifier_note(struct dt_verifier *v, uint64_t off, uint8_t got);

#endif
