// SPDX-License-Identifier: GPL-2.0-or-later
/* dt_pattern.c - offset-keyed data pattern, fill checks and a checksum */
#include <string.h>

#include "dt_pattern.h"

/* one 64-bit word of pattern for word index w (splitmix64 finalizer) */
static inline uint64_t pattern_word(uint64_t w, uint64_t seed)
{
	uint64_t z = seed + (w + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint8_t dt_pattern_byte(uint64_t off, uint64_t seed)
{
	return pattern_word(off >> 3, seed) >> ((off & 7) * 8);
}

void dt_pattern_fill(void *buf, size_t len, uint64_t off, uint64_t seed)
{
	uint8_t *p = buf;
	size_t i = 0;

	/* head bytes up to an 8-byte file offset, then whole words */
	for (; i < len && ((off + i) & 7); i++)
		p[i] = dt_pattern_byte(off + i, seed);
	for (; i + 8 <= len; i += 8) {
		uint64_t w = pattern_word((off + i) >> 3, seed);

		/* little-endian byte order, matching dt_pattern_byte() */
		for (int b = 0; b < 8; b++)
			p[i + b] = w >> (b * 8);
	}
	for (; i < len; i++)
		p[i] = dt_pattern_byte(off + i, seed);
}

ssize_t dt_pattern_check(const void *buf, size_t len, uint64_t off,
			 uint64_t seed)
{
	const uint8_t *p = buf;
	uint8_t want[4096];
	size_t done, n, i;

	for (done = 0; done < len; done += n) {
		n = len - done < sizeof(want) ? len - done : sizeof(want);
		dt_pattern_fill(want, n, off + done, seed);
		if (!memcmp(p + done, want, n))
			continue;
		for (i = 0; i < n; i++)
			if (p[done + i] != want[i])
				return done + i;
	}
	return -1;
}

ssize_t dt_fill_check(const void *buf, size_t len, uint8_t byte)
{
	static const uint8_t zeros[4096];
	const uint8_t *p = buf, *ref = zeros;
	uint8_t fill[4096];
	size_t i = 0;

	/*
	 * Whole 4 KiB blocks against a block of the expected byte: memcmp is
	 * the C library's vector code (tens of GB/s; a scalar word loop
	 * does ~4 GB/s, a quarter of a core at truncate-od's rate).
	 */
	if (len >= sizeof(fill) && byte) {
		memset(fill, byte, sizeof(fill));
		ref = fill;
	}
	for (; i + 4096 <= len; i += 4096)
		if (memcmp(p + i, ref, 4096))
			break;
	for (; i < len; i++)
		if (p[i] != byte)
			return i;
	return -1;
}

/* FNV-1a over 64-bit words, bytes for the tail */
uint64_t dt_hash(uint64_t h, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}
