// SPDX-License-Identifier: GPL-2.0-or-later
/* kmsg.c - read, mark and scan the kernel log through /dev/kmsg */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dt_case.h"
#include "kmsg.h"

#define MARKER "dmaptest: "

static const char *const bad_patterns[] = {
	"BUG:",
	"kernel BUG at",
	"WARNING:",
	"Oops",
	"general protection fault",
	"blocked for more than",
	"possible circular locking dependency",
	"possible recursive locking",
	"INFO: rcu",
	"rcu: INFO:",
	"self-detected stall",
	"detected stalls on CPU",
	"soft lockup",
	"hard LOCKUP",
	"UBSAN:",
	"KASAN:",
	"Kernel panic",
	"list_add corruption",
	"list_del corruption",
	NULL,
};

bool kmsg_is_bad(const char *msg, const char *run_id)
{
	const char *self = strstr(msg, DT_KMSG_SELFTEST);
	int i;

	if (!strncmp(msg, MARKER, strlen(MARKER)))
		return false;
	/* a deliberate line of another dmaptest run on this machine */
	if (self && (!run_id ||
		     strncmp(self + strlen(DT_KMSG_SELFTEST), run_id,
			     strlen(run_id))))
		return false;
	for (i = 0; bad_patterns[i]; i++)
		if (strstr(msg, bad_patterns[i]))
			return true;
	return false;
}

int kmsg_open(struct kmsg *k)
{
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0)
		return -1;
	lseek(k->fd, 0, SEEK_END);
	return 0;
}

void kmsg_close(struct kmsg *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

void kmsg_mark(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int fd, n;

	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "<5>" MARKER);
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(fd, buf, n) < 0) {
		/* markers are a courtesy; the log may be rate limited */
	}
	close(fd);
}

void kmsg_collect(struct kmsg *k, const char *run_id, struct sbuf *out,
		  int *nr_bad, char *first_bad, size_t size)
{
	char rec[8192];

	if (k->fd < 0)
		return;
	for (;;) {
		unsigned long long ts_us = 0;
		char *msg, *nl;
		ssize_t n;

		n = read(k->fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		/* "prio,seq,usec,flags;message\n continuation lines" */
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		*msg++ = '\0';
		sscanf(rec, "%*u,%*u,%llu", &ts_us);
		nl = strchr(msg, '\n');
		if (nl)
			*nl = '\0';
		sb_printf(out, "[%5llu.%06llu] %s\n", ts_us / 1000000,
			  ts_us % 1000000, msg);
		if (kmsg_is_bad(msg, run_id)) {
			if (!(*nr_bad)++)
				snprintf(first_bad, size, "%s", msg);
		}
	}
}

bool kmsg_sysrq_blocked(void)
{
	int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, "w", 1) == 1;
	close(fd);
	return ok;
}
