/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy.h - the behaviour knobs of the emulated DAX stack: which client
 * half (legacy or the reference patch), which host daemon half (with or
 * without the fallocate reservation), what a failed host fault does, and
 * the injectable bugs.
 */
#ifndef DM_POLICY_H
#define DM_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "dt_dmapctl.h"

enum dm_client {
	DM_CLIENT_REFERENCE = 0,	/* RO dmaps for reads, upgrade */
	DM_CLIENT_LEGACY,		/* every dmap RW, before the patch */
};

enum dm_host_fault {
	DM_FAULT_HANG = 0,	/* vCPU retries the fault forever */
	DM_FAULT_DIE,		/* the VMM dies of SIGBUS */
};

/* Injectable bugs, one bit each (--inject), from the protocol's table. */
enum dm_inject_nr {
#define X(id, name, help) DM_INJ_NR_##id,
	DT_CTL_INJECTS(X)
#undef X
	DM_INJ_COUNT
};

enum dm_inject {
#define X(id, name, help) DM_INJ_##id = 1u << DM_INJ_NR_##id,
	DT_CTL_INJECTS(X)
#undef X
};

#define DM_INJ_ALL	((1u << DM_INJ_COUNT) - 1)

struct dm_policy {
	enum dm_client client;
	bool host_reserve;
	enum dm_host_fault host_fault;
	unsigned int inject;
};

/*
 * Parse a comma separated list of bug names and OR them into *mask.
 * Returns 0, or -EINVAL with *bad pointing at the unknown name (a pointer
 * into a static copy, valid until the next call).
 */
int dm_inject_parse(const char *list, unsigned int *mask, const char **bad);
/* "a,b" in the canonical order, or "none"; returns the length. */
size_t dm_inject_format(unsigned int mask, char *buf, size_t len);
/*
 * Every deviation from the faithful reference stack: the injected bugs
 * plus client-legacy and host-reserve-off. "none" if there is none.
 */
size_t dm_deviations_format(const struct dm_policy *p, char *buf,
			    size_t len);
const char *dm_inject_name(unsigned int bit);

const char *dm_client_name(enum dm_client c);
const char *dm_host_fault_name(enum dm_host_fault f);

#endif
