/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_pattern.h - test data: a byte pattern that is a function of (seed,
 * file offset), so any block can be checked on its own and a block read
 * from the wrong offset is caught; checks for all-zero and one-byte
 * fills; a checksum for "unchanged" checks.
 */
#ifndef DT_PATTERN_H
#define DT_PATTERN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Fill buf with the pattern bytes of file range [off, off + len). */
void dt_pattern_fill(void *buf, size_t len, uint64_t off, uint64_t seed);
/* Index in buf of the first byte that differs from the pattern, or -1. */
ssize_t dt_pattern_check(const void *buf, size_t len, uint64_t off,
			 uint64_t seed);
/* The expected pattern byte at one offset (for messages). */
uint8_t dt_pattern_byte(uint64_t off, uint64_t seed);

/* Index of the first byte that is not @byte, or -1. */
ssize_t dt_fill_check(const void *buf, size_t len, uint8_t byte);
static inline ssize_t dt_zero_check(const void *buf, size_t len)
{
	return dt_fill_check(buf, len, 0);
}

/* A 64-bit checksum of a byte stream: h = dt_hash(h, buf, len)... */
#define DT_HASH_INIT	0xcbf29ce484222325ULL
uint64_t dt_hash(uint64_t h, const void *buf, size_t len);

#endif
