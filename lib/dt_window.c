// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_window.c - DAX window size and eviction (dt_window.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "dt_case.h"
#include "dt_dmapctl.h"
#include "dt_fs.h"
#include "dt_window.h"

#define KLOG_READ_ALL		3
#define KLOG_SIZE_BUFFER	10
#define EVICT_MARGIN		8

uint64_t dt_window_from_iomem(const char *text, int *count)
{
	const char *line = text;
	uint64_t best = 0;

	*count = 0;
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		unsigned long long a, b;
		char name[64];

		if (sscanf(line, " %llx-%llx : %63[^\n]", &a, &b, name) == 3 &&
		    !strcmp(name, "virtio-pci-shm") && b > a) {
			(*count)++;
			if (b - a + 1 > best)
				best = b - a + 1;
		}
		line = nl ? nl + 1 : NULL;
	}
	return best;
}

uint64_t dt_window_from_kmsg(const char *text, int *count)
{
	const char *p = text;
	uint64_t best = 0;

	*count = 0;
	while ((p = strstr(p, "Cache len: 0x"))) {
		uint64_t v = strtoull(p + 13, NULL, 16);

		if (v) {
			(*count)++;
			if (v > best)
				best = v;
		}
		p += 13;
	}
	return best;
}

static char *read_klog(void)
{
	int size = klogctl(KLOG_SIZE_BUFFER, NULL, 0);
	char *buf;
	int n;

	if (size <= 0)
		return NULL;
	buf = malloc(size + 1);
	if (!buf)
		return NULL;
	n = klogctl(KLOG_READ_ALL, buf, size);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static int set(struct dt_window *w, uint64_t bytes, int count,
	       const char *what)
{
	w->slots = bytes >> DT_RANGE_SHIFT;
	snprintf(w->source, sizeof(w->source), "%s%s", what,
		 count > 1 ? " (largest of several virtio-fs windows)" : "");
	return w->slots ? 0 : -1;
}

int dt_window_probe(const struct dt_ctx *ctx, struct dt_window *w)
{
	const char *p = dt_param("window");
	struct dt_ctl c;
	uint64_t bytes;
	char *text;
	int count;

	memset(w, 0, sizeof(*w));
	if (p) {
		bytes = dt_param_size("window");
		return set(w, bytes, 1, "parameter window");
	}
	if ((ctx->features & DT_FEAT_COUNTERS) &&
	    !dt_ctl_read(ctx->workdir, &c)) {
		w->slots = c.slots_total;
		snprintf(w->source, sizeof(w->source),
			 "dmapfs control file (slots_total)");
		dt_ctl_free(&c);
		if (w->slots)
			return 0;
	}
	text = dt_read_whole("/proc/iomem", 1 << 20, NULL);
	if (text) {
		bytes = dt_window_from_iomem(text, &count);
		free(text);
		if (bytes)
			return set(w, bytes, count,
				   "/proc/iomem virtio-pci-shm");
	}
	text = read_klog();
	if (text) {
		bytes = dt_window_from_kmsg(text, &count);
		free(text);
		if (bytes)
			return set(w, bytes, count,
				   "kernel log 'Cache len'");
	}
	w->slots = 0;
	snprintf(w->source, sizeof(w->source),
		 "window size unknown: no dmapfs counters, no virtio-pci-shm in /proc/iomem, no 'Cache len' in the kernel log (give -p window=SIZE)");
	return -1;
}

int dt_window_evict(const char *dir, uint64_t slots, char *why, size_t len)
{
	uint64_t n = slots + EVICT_MARGIN, i;
	char path[PATH_MAX], page[4096];
	int fd, ret = 0;

	if (!slots) {
		snprintf(why, len, "window size unknown");
		return -1;
	}
	if (dt_path(path, sizeof(path), dir, ".evict") < 0) {
		snprintf(why, len, "path too long");
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, len, "create %s: %s", path, strerror(errno));
		return -1;
	}
	if (ftruncate(fd, n << DT_RANGE_SHIFT) < 0) {
		snprintf(why, len, "truncate %s: %s", path, strerror(errno));
		ret = -1;
	}
	for (i = 0; !ret && i < n; i++) {
		ssize_t r = pread(fd, page, sizeof(page), i << DT_RANGE_SHIFT);

		if (r < 0 && errno == EINTR) {
			i--;
			continue;
		}
		if (r != (ssize_t)sizeof(page)) {
			snprintf(why, len, "read of range %" PRIu64 " of %s: %s",
				 i, path, r < 0 ? strerror(errno) : "short");
			ret = -1;
		}
	}
	close(fd);
	unlink(path);
	return ret;
}
