// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * opts.c - the dmapfs command line.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

#ifndef DM_VERSION
#define DM_VERSION "0"
#endif

enum {
	OPT_SLOTS = 256,
	OPT_CLIENT,
	OPT_HOST_RESERVE,
	OPT_HOST_FAULT,
	OPT_INJECT,
	OPT_OPEN_MODE,
	OPT_READY_FD,
	OPT_LOG,
	OPT_DIE_WITH_PARENT,
	OPT_MAX_THREADS,
};

static const struct option long_opts[] = {
	{ "slots",		required_argument,	NULL, OPT_SLOTS },
	{ "client",		required_argument,	NULL, OPT_CLIENT },
	{ "host-reserve",	required_argument,	NULL,
	  OPT_HOST_RESERVE },
	{ "host-fault",		required_argument,	NULL, OPT_HOST_FAULT },
	{ "inject",		required_argument,	NULL, OPT_INJECT },
	{ "open-mode",		required_argument,	NULL, OPT_OPEN_MODE },
	{ "ready-fd",		required_argument,	NULL, OPT_READY_FD },
	{ "log",		required_argument,	NULL, OPT_LOG },
	{ "die-with-parent",	no_argument,		NULL,
	  OPT_DIE_WITH_PARENT },
	{ "max-threads",	required_argument,	NULL, OPT_MAX_THREADS },
	{ "foreground",		no_argument,		NULL, 'f' },
	{ "debug",		no_argument,		NULL, 'd' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void dm_opts_help(FILE *f)
{
	fputs(
"usage: dmapfs [options] BACKING_DIR MOUNTPOINT\n"
"\n"
"Emulates a virtio-fs DAX stack in user space: a FUSE file system that\n"
"exposes BACKING_DIR (the host shared directory) and serves every read and\n"
"write through a window of 2 MiB slots into which host file ranges are\n"
"mmap()ed (dmaps), with real page faults on the host file system.\n"
"Runs in the foreground as root; SIGTERM/SIGINT unmount cleanly.\n"
"\n"
"Stack under test:\n"
"  --client reference|legacy   DAX client (default reference):\n"
"        reference  the dmap-flags patch: RO dmaps for reads, RW dmaps for\n"
"                   writes, reuse any dmap for reads, upgrade an RO dmap to\n"
"                   RW in place (same slot) for writes\n"
"        legacy     before the patch: every dmap RW, reads too\n"
"  --host-reserve on|off       host daemon reserves the 2 MiB range with\n"
"                   fallocate(KEEP_SIZE) on every RW setup and upgrade and\n"
"                   fails it early with ENOSPC (default on); off = the\n"
"                   daemons of today, a full host stalls the vCPU instead\n"
"  --host-fault hang|die       when a host page fault fails (host full:\n"
"                   SIGBUS; a store into a read-only slot: SIGSEGV):\n"
"        hang       the vCPU retries forever, the request is never\n"
"                   answered until unmount or a fusectl abort (default)\n"
"        die        dmapfs _exit()s at once, as QEMU killed by the\n"
"                   signal; the mount stays and answers ENOTCONN\n"
"  --inject BUG[,BUG...]       inject bugs (repeatable):\n", f);
#define X(id, name, help) fprintf(f, "        %-17s %s\n", name, help);
	DT_CTL_INJECTS(X)
#undef X
	fprintf(f,
"\n"
"Window and I/O:\n"
"  --slots N                   window slots of 2 MiB (default %u, min %u)\n"
"  --open-mode direct|cached   how files are opened (default direct):\n"
"        direct     FOPEN_DIRECT_IO: every read/write reaches the window;\n"
"                   MAP_SHARED mmap works through the page cache when the\n"
"                   kernel offers FUSE_DIRECT_IO_ALLOW_MMAP (Linux 6.6+)\n"
"        cached     kernel page cache (no direct_io): mmap works on any\n"
"                   kernel, but cached reads may not reach the window\n"
"  --max-threads N             FUSE worker threads (default %u)\n"
"\n"
"Control:\n"
"  --ready-fd N                write \"ready\\n\" to fd N once mounted and\n"
"                              serving, then close it\n"
"  --die-with-parent           SIGTERM ourselves when the parent dies\n"
"  --log FILE                  diagnostics to FILE instead of stderr\n"
"  -d, --debug                 debug log, including libfuse's\n"
"  -f, --foreground            accepted; dmapfs always runs in foreground\n"
"  -h, --help                  this text\n"
"  -V, --version               version\n"
"\n"
"The control file MOUNTPOINT/.dmapfs (not listed by readdir) gives the\n"
"configuration, counters and current dmaps as \"key value\" lines; writing\n"
"\"reset\" to it zeroes the counters. See dmapfs/README.md.\n"
"Exit status: 0 clean unmount, 1 runtime error, 2 usage error,\n"
"--host-fault die: %d as a VMM killed by SIGBUS, %d by SIGSEGV.\n",
		DM_DEFAULT_SLOTS, DM_MIN_SLOTS, DM_DEFAULT_THREADS,
		DT_CTL_EXIT_SIGBUS, DT_CTL_EXIT_SIGSEGV);
}

/* "a, b, c": the names of the protocol's inject table */
static const char *const inject_known =
#define X(id, name, help) ", " name
	DT_CTL_INJECTS(X)
#undef X
	+ 2;

const char *dm_open_mode_name(enum dm_open_mode m)
{
	return m == DM_OPEN_CACHED ? "cached" : "direct";
}

static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* a choice between two words: 0 for @a, 1 for @b, -1 otherwise */
static int choice(const char *s, const char *a, const char *b)
{
	if (!strcmp(s, a))
		return 0;
	if (!strcmp(s, b))
		return 1;
	return -1;
}

#define USAGE(...)					\
	do {						\
		snprintf(err, errlen, __VA_ARGS__);	\
		return DM_OPTS_USAGE;			\
	} while (0)

enum dm_opts_result dm_opts_parse(int argc, char **argv, struct dm_opts *o,
				  char *err, size_t errlen)
{
	const char *bad;
	unsigned long v;
	int c, k;

	memset(o, 0, sizeof(*o));
	o->slots = DM_DEFAULT_SLOTS;
	o->policy.host_reserve = true;
	o->ready_fd = -1;
	o->max_threads = DM_DEFAULT_THREADS;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":fdhV", long_opts, NULL)) !=
	       -1) {
		switch (c) {
		case OPT_SLOTS:
			if (parse_uint(optarg, DM_MIN_SLOTS, DM_MAX_SLOTS, &v))
				USAGE("--slots: '%s' is not a number from %u to %u",
				      optarg, DM_MIN_SLOTS, DM_MAX_SLOTS);
			o->slots = v;
			break;
		case OPT_CLIENT:
			k = choice(optarg, "reference", "legacy");
			if (k < 0)
				USAGE("--client: '%s' is not reference or legacy",
				      optarg);
			o->policy.client = k ? DM_CLIENT_LEGACY :
					       DM_CLIENT_REFERENCE;
			break;
		case OPT_HOST_RESERVE:
			k = choice(optarg, "on", "off");
			if (k < 0)
				USAGE("--host-reserve: '%s' is not on or off",
				      optarg);
			o->policy.host_reserve = !k;
			break;
		case OPT_HOST_FAULT:
			k = choice(optarg, "hang", "die");
			if (k < 0)
				USAGE("--host-fault: '%s' is not hang or die",
				      optarg);
			o->policy.host_fault = k ? DM_FAULT_DIE :
						   DM_FAULT_HANG;
			break;
		case OPT_INJECT:
			if (dm_inject_parse(optarg, &o->policy.inject, &bad))
				USAGE("--inject: unknown bug '%s' (known: %s)",
				      bad, inject_known);
			break;
		case OPT_OPEN_MODE:
			k = choice(optarg, "direct", "cached");
			if (k < 0)
				USAGE("--open-mode: '%s' is not direct or cached",
				      optarg);
			o->open_mode = k ? DM_OPEN_CACHED : DM_OPEN_DIRECT;
			break;
		case OPT_READY_FD:
			if (parse_uint(optarg, 0, INT_MAX, &v))
				USAGE("--ready-fd: '%s' is not a file descriptor",
				      optarg);
			o->ready_fd = v;
			break;
		case OPT_LOG:
			o->log_path = optarg;
			break;
		case OPT_DIE_WITH_PARENT:
			o->die_with_parent = true;
			break;
		case OPT_MAX_THREADS:
			if (parse_uint(optarg, 1, 1024, &v))
				USAGE("--max-threads: '%s' is not a number from 1 to 1024",
				      optarg);
			o->max_threads = v;
			break;
		case 'f':
			break;
		case 'd':
			o->debug = true;
			break;
		case 'h':
			dm_opts_help(stdout);
			return DM_OPTS_EXIT;
		case 'V':
			printf("dmapfs %s\n", DM_VERSION);
			return DM_OPTS_EXIT;
		case ':':
			USAGE("option %s needs an argument", argv[optind - 1]);
		default:
			USAGE("unknown option %s", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		USAGE("expected BACKING_DIR and MOUNTPOINT (see --help)");
	o->backing = argv[optind];
	o->mountpoint = argv[optind + 1];
	return DM_OPTS_RUN;
}
