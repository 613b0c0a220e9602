// SPDX-License-Identifier: GPL-2.0-or-later
/* dt_od.c - the exact text "od -x" prints for a file of zeros */
#include <inttypes.h>
#include <stdio.h>

#include "dt_od.h"

int dt_od_zero_text(uint64_t size, char *buf, size_t len)
{
	uint64_t full = size / 16, rest = size % 16, i;
	size_t pos = 0;
	int n;

#define PUT(...) do { \
		n = snprintf(buf + pos, len - pos, __VA_ARGS__); \
		if (n < 0 || (size_t)n >= len - pos) \
			return -1; \
		pos += n; \
	} while (0)
	if (full) {
		PUT("0000000");
		for (i = 0; i < 8; i++)
			PUT(" 0000");
		PUT("\n");
		if (full > 1)
			PUT("*\n");
	}
	if (rest) {
		PUT("%07" PRIo64, full * 16);
		for (i = 0; i < rest / 2; i++)
			PUT(" 0000");
		PUT("\n");
	}
	PUT("%07" PRIo64 "\n", size);
#undef PUT
	return pos;
}
