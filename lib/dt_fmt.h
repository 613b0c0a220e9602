/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_fmt.h - human-readable figures for verdict reasons and log lines.
 * Metrics stay raw numbers; these are for people.
 */
#ifndef DT_FMT_H
#define DT_FMT_H

#include <stddef.h>
#include <stdint.h>

#define DT_FMT_LEN	32

/* "4096 B", "1.5 MiB", "100 GiB"; returns buf */
const char *dt_fmt_bytes(char *buf, size_t len, uint64_t bytes);
/* like dt_fmt_bytes for a signed difference: "+2 MiB", "-4 KiB", "0 B" */
const char *dt_fmt_delta(char *buf, size_t len, int64_t bytes);
/* bytes over seconds: "1.2 GiB/s" */
const char *dt_fmt_rate(char *buf, size_t len, uint64_t bytes, double secs);
/* "ENOSPC" for an errno value, "errno 1234" when it has no name */
const char *dt_errname(int err);

#endif
