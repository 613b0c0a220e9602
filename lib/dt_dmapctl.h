/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_dmapctl.h - a snapshot of the dmapfs control file (.dmapfs at the
 * mount root): the window and counter keys the stress cases use, and the
 * current map ("map <path> <range> <slot> ro|rw"), so a case can ask
 * which mappings one range of one of its files has right now.
 *
 * For mapping *counts* around a workload use dt_observe.h; this is for
 * what the observer does not carry: window size, reclaims, the map.
 */
#ifndef DT_DMAPCTL_H
#define DT_DMAPCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dt_ctl_map {
	char *path;		/* below the backing dir, unescaped */
	uint64_t idx;		/* 2 MiB range index */
	unsigned int slot;
	bool rw;
};

struct dt_ctl {
	uint64_t slot_size;
	uint64_t slots_total;
	uint64_t slots_free;
	uint64_t slots_busy;
	uint64_t setup_ro;
	uint64_t setup_rw;
	uint64_t upgrades;
	uint64_t removemappings;
	uint64_t reclaims;
	uint64_t enospc_early;
	uint64_t sigbus;
	bool window_locked;
	char inject[128];
	char client[32];
	struct dt_ctl_map *maps;
	int nmaps;
};

/* The control file of the mount holding dir; 0, or -1 with errno. */
int dt_ctl_read(const char *dir, struct dt_ctl *c);
/* Parse its text; -1 when slots_total or the counters are missing. */
int dt_ctl_parse(const char *text, struct dt_ctl *c);
void dt_ctl_free(struct dt_ctl *c);

/*
 * The path of file below the mount root as the map lines spell it
 * ("run/case/f"); -1 when file is not below the mount holding it.
 */
int dt_ctl_relpath(const char *file, char *out, size_t len);

/*
 * Mappings of range idx of relpath in c (DT_CTL_ANY: of any range):
 * their number, and a text like "slot 3 rw, slot 0 ro" in desc.
 */
#define DT_CTL_ANY	UINT64_MAX
int dt_ctl_maps_of(const struct dt_ctl *c, const char *relpath,
		   uint64_t idx, int *nrw, char *desc, size_t len);

#endif
