// SPDX-License-Identifier: GPL-2.0-or-later
/* dt_fmt.c - human-readable sizes, rates and errno names */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dt_fmt.h"

const char *dt_fmt_bytes(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	double v = bytes;
	int u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return buf;
	}
	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	/* exact multiples print without a fraction: 100 GiB, 2 MiB */
	if (!(bytes & ((1ULL << (10 * u)) - 1)))
		snprintf(buf, len, "%.0f %s", v, units[u]);
	else
		snprintf(buf, len, "%.*f %s", v < 10 ? 2 : 1, v, units[u]);
	return buf;
}

const char *dt_fmt_delta(char *buf, size_t len, int64_t bytes)
{
	char tmp[DT_FMT_LEN];
	uint64_t mag = bytes < 0 ? -(uint64_t)bytes : (uint64_t)bytes;

	dt_fmt_bytes(tmp, sizeof(tmp), mag);
	snprintf(buf, len, "%s%s", bytes > 0 ? "+" : bytes < 0 ? "-" : "",
		 tmp);
	return buf;
}

const char *dt_fmt_rate(char *buf, size_t len, uint64_t bytes, double secs)
{
	char tmp[DT_FMT_LEN];

	if (secs <= 0) {
		snprintf(buf, len, "? B/s");
		return buf;
	}
	dt_fmt_bytes(tmp, sizeof(tmp), (uint64_t)(bytes / secs));
	snprintf(buf, len, "%s/s", tmp);
	return buf;
}

const char *dt_errname(int err)
{
	static __thread char buf[24];
	const char *s = strerrorname_np(err);

	if (s)
		return s;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}
