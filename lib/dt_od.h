/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dt_od.h - the exact text "od -x" prints for a file of zeros */
#ifndef DT_OD_H
#define DT_OD_H

#include <stddef.h>
#include <stdint.h>

/*
 * "0000000 0000 ... 0000\n*\n<size in octal>\n" for size zero bytes
 * (GNU od folds repeated lines into "*"). Size must be even. Returns the
 * length, or -1 when buf is too small.
 */
int dt_od_zero_text(uint64_t size, char *buf, size_t len);

#endif
