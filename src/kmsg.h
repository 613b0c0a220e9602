/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kmsg.h - the kernel log around a case: markers at its boundaries, the
 * lines it produced, and the ones that mean trouble (as fstests does).
 */
#ifndef DT_KMSG_H
#define DT_KMSG_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct kmsg {
	int fd;			/* reader positioned at the case start */
};

/* Open a reader at the end of the log; -1 when unreadable. */
int kmsg_open(struct kmsg *k);
void kmsg_close(struct kmsg *k);
/* Write a marker line (only when /dev/kmsg is writable). */
void kmsg_mark(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Append the new lines to out. Lines matching a trouble pattern are
 * counted in *nr_bad and the first is copied to first_bad.
 */
void kmsg_collect(struct kmsg *k, const char *run_id, struct sbuf *out,
		  int *nr_bad, char *first_bad, size_t size);
/*
 * Is this kernel log message a sign of trouble? Deliberate lines of
 * other runs (tagged DT_KMSG_SELFTEST) are not.
 */
bool kmsg_is_bad(const char *msg, const char *run_id);
/* Ask for a dump of blocked tasks (sysrq w); false when not permitted. */
bool kmsg_sysrq_blocked(void);

#endif
