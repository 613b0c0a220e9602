/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt_dmapctl.h - the dmapfs control protocol, and its one reader.
 *
 * dmapfs serves a control file at its mount root (DT_CTL_NAME): "key
 * value" lines (configuration, capabilities, window state, counters),
 * then one "map <path> <range> <slot> ro|rw" line per current dmap.
 * Writing DT_CTL_CMD_RESET to it zeroes the counters. This header is the
 * protocol's only definition: dmapfs formats the text from the tables
 * below, the runner and the cases parse it with dt_ctl_parse(). Readers
 * parse by key (keys may be added before the map lines).
 *
 * The tables are X-macros: define X, expand the table, undefine X.
 *
 * Capabilities: a key saying what the emulation cannot do, so that the
 * runner can tell cases (enum dt_feature) rather than let them pass on
 * something they did not measure. dax_mmap: a MAP_SHARED mmap of a file
 * on the mount faults through the DAX window as on a real DAX mount
 * (dmapfs: no, its mmaps go through the kernel page cache).
 */
#ifndef DT_DMAPCTL_H
#define DT_DMAPCTL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DT_CTL_NAME		".dmapfs"
#define DT_CTL_VERSION		2
#define DT_CTL_CMD_RESET	"reset"

/*
 * Exit status of dmapfs when --host-fault die fires: the status a shell
 * reports for a VMM killed by that signal.
 *   SIGBUS   a host write fault could not allocate (host full)
 *   SIGSEGV  a store into a window slot the host mapped read-only
 */
#define DT_CTL_EXIT_SIGBUS	(128 + SIGBUS)
#define DT_CTL_EXIT_SIGSEGV	(128 + SIGSEGV)

/*
 * Counters: X(key, help). Zeroed by "reset"; a reader diffs snapshots.
 */
#define DT_CTL_COUNTERS(X)						\
	X(setup_ro, "RO SETUPMAPPINGs")					\
	X(setup_rw, "RW SETUPMAPPINGs (not counting upgrades)")		\
	X(upgrades, "RO dmaps upgraded to RW in place")			\
	X(removemappings, "REMOVEMAPPINGs (reclaim, forget)")		\
	X(reclaims, "slots reclaimed (inline + background)")		\
	X(reclaims_inline, "reclaimed by a request that needed a slot")	\
	X(reclaims_background, "reclaimed by the background worker")	\
	X(busy_waits, "requests that waited for a busy window")	\
	X(read_bounces, "reads copied out to wait for their next range")	\
	X(plain_writes, "extending writes served as plain writes")	\
	X(enospc_early, "reservations that failed with ENOSPC")	\
	X(vcpu_stalls_total, "vCPU stalls begun")			\
	X(host_write_faults, "pages populated with write faults")	\
	X(sigbus, "host SIGBUS turned into EIO")			\
	X(sigsegv, "stores into read-only slots (host SIGSEGV)")

/*
 * Numbers that are state, not counters: X(key, help). Never reset.
 */
#define DT_CTL_STATE(X)							\
	X(slot_size, "bytes per slot (FUSE_DAX_SZ)")			\
	X(slots_total, "window size in slots")				\
	X(slots_free, "free slots")					\
	X(slots_busy, "slots in use by a request right now")		\
	X(slots_mapped, "slots holding a dmap")				\
	X(slots_leaked, "mapped slots no index refers to (leaked)")	\
	X(vcpu_stalls, "vCPU stalls in progress now")			\
	X(fuse_conn, "/sys/fs/fuse/connections/N of the mount")	\
	X(window_locked, "1: the window lock could not be taken")

/*
 * Words: X(key, size, help). Configuration and capabilities.
 */
#define DT_CTL_WORDS(X)							\
	X(client, 16, "reference|legacy")				\
	X(host_reserve, 16, "on|off|unsupported (fallocate EOPNOTSUPP)") \
	X(host_fault, 8, "hang|die")					\
	X(inject, 160, "comma list of injected bugs, or none")		\
	X(deviations, 224, "every deviation from the reference stack")	\
	X(open_mode, 8, "direct|cached")				\
	X(mmap_shared, 8, "yes|no|unknown: MAP_SHARED mmap works")	\
	X(dax_mmap, 8, "yes|no: MAP_SHARED mmaps fault through the window")

/*
 * Injectable bugs: X(ID, name, deviation). dmapfs --inject NAME.
 */
#define DT_CTL_INJECTS(X)						\
	X(NO_UPGRADE, "no-upgrade",					\
	  "a write into an RO dmap stores into the read-only slot")	\
	X(STALE_UPGRADE, "stale-upgrade",				\
	  "a write into an RO dmap maps the range again RW elsewhere and leaks the RO slot") \
	X(RECLAIM_DEADLOCK, "reclaim-deadlock",			\
	  "below the reclaim threshold, wait for a free slot holding the lock reclaim needs") \
	X(NO_RECLAIM, "no-reclaim",					\
	  "nothing is reclaimed: a full window fails requests with ENOMEM") \
	X(RESERVE_RO, "reserve-ro",					\
	  "the daemon reserves RO setups too (ignores the mapping flags)") \
	X(BUSY_EAGAIN, "busy-eagain",					\
	  "a request waits at most 5 s for a busy window, then EAGAIN")

/* --- the text, written and read (lib/dt_dmapctl.c) --- */

struct dt_ctl_map {
	char *path;		/* below the backing dir, unescaped */
	uint64_t idx;		/* 2 MiB range index */
	unsigned int slot;
	bool rw;
};

struct dt_ctl {
	uint64_t version;
#define X(key, help) uint64_t key;
	DT_CTL_COUNTERS(X)
	DT_CTL_STATE(X)
#undef X
#define X(key, size, help) char key[size];
	DT_CTL_WORDS(X)
#undef X
	struct dt_ctl_map *maps;
	int nmaps;
};

/*
 * Write c as the control file's text: "version", the words, the state,
 * the counters (in the tables' order), then the map lines. dmapfs fills
 * a struct dt_ctl and writes it with this; 0, or -1 on a stream error.
 */
int dt_ctl_write(FILE *f, const struct dt_ctl *c);

/* The control file of the mount holding dir; 0, or -1 with errno. */
int dt_ctl_read(const char *dir, struct dt_ctl *c);
/*
 * Parse its text; -1 when slots_total or the mapping counters
 * (setup_ro, setup_rw, upgrades) are missing. With maps false the map
 * lines are skipped (cheaper, for counter snapshots).
 */
int dt_ctl_parse_text(const char *text, bool maps, struct dt_ctl *c);
int dt_ctl_parse(const char *text, struct dt_ctl *c);
void dt_ctl_free(struct dt_ctl *c);

/* Escape a path for a map line (space, tab, newline, backslash: \ooo). */
void dt_ctl_escape(const char *in, char *out, size_t len);

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
