// SPDX-License-Identifier: GPL-2.0-or-later
/* dt_verify.c - expected file contents and a streaming checker */
#include <inttypes.h>
#include <stdio.h>

#include "dt_pattern.h"
#include "dt_verify.h"

ssize_t dt_expect_check(const struct dt_expect *e, const void *buf,
			size_t len, uint64_t off)
{
	switch (e->kind) {
	case DT_EXPECT_ZERO:
		return dt_zero_check(buf, len);
	case DT_EXPECT_PATTERN:
		return dt_pattern_check(buf, len, off, e->seed);
	case DT_EXPECT_BYTE:
		return dt_fill_check(buf, len, e->byte);
	case DT_EXPECT_NONE:
		break;
	}
	return -1;
}

uint8_t dt_expect_byte(const struct dt_expect *e, uint64_t off)
{
	switch (e->kind) {
	case DT_EXPECT_PATTERN:
		return dt_pattern_byte(off, e->seed);
	case DT_EXPECT_BYTE:
		return e->byte;
	default:
		return 0;
	}
}

const char *dt_expect_name(const struct dt_expect *e, char *buf,
			   size_t len)
{
	switch (e->kind) {
	case DT_EXPECT_ZERO:
		snprintf(buf, len, "zeros");
		break;
	case DT_EXPECT_PATTERN:
		snprintf(buf, len, "pattern seed %#" PRIx64, e->seed);
		break;
	case DT_EXPECT_BYTE:
		snprintf(buf, len, "%#04x bytes", e->byte);
		break;
	default:
		snprintf(buf, len, "any data");
		break;
	}
	return buf;
}

void dt_verifier_init(struct dt_verifier *v, const struct dt_expect *e,
		      uint64_t start)
{
	v->expect = *e;
	v->pos = start;
	v->bad_off = -1;
	v->bad_got = 0;
	v->bad_want = 0;
}

void dt_verifier_note(struct dt_verifier *v, uint64_t off, uint8_t got)
{
	if (v->bad_off >= 0 && (uint64_t)v->bad_off <= off)
		return;
	v->bad_off = off;
	v->bad_got = got;
	v->bad_want = dt_expect_byte(&v->expect, off);
}

bool dt_verifier_feed(struct dt_verifier *v, const void *buf, size_t len)
{
	ssize_t i;

	if (v->bad_off < 0) {
		i = dt_expect_check(&v->expect, buf, len, v->pos);
		if (i >= 0)
			dt_verifier_note(v, v->pos + i,
					 ((const uint8_t *)buf)[i]);
	}
	v->pos += len;
	return v->bad_off < 0;
}
