// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_observe.c - unit tests of the observers' parsers (dmapfs control
 * file, trace_pipe lines), the kernel backends' accounting (process tree,
 * inodes, removals), the read-only judge and its claims, the agreement
 * of two observers, ballast names, markers, safe removal and the
 * ballast's consent and progress rules.
 */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dt_ballast.h"
#include "dt_case.h"
#include "dt_marker.h"
#include "dt_proto.h"
#include "dt_obs_priv.h"
#include "dt_observe.h"
#include "dt_proto.h"
#include "dt_tracefs.h"

static const char ctl_text[] =
	"version 1\n"
	"client reference\n"
	"host_reserve on\n"
	"slot_size 2097152\n"
	"slots_total 128\n"
	"setup_ro 512\n"
	"setup_rw 7\n"
	"upgrades 2\n"
	"removemappings 384\n"
	"reclaims 3\n"
	"enospc_early 1\n"
	"vcpu_stalls 0\n"
	"vcpu_stalls_total 4\n"
	"host_write_faults 900\n"
	"sigbus 0\n"
	"inject none\n"
	"map a\\040b 3 17 rw\n"
	"map setup_rw 1 2 ro\n";

START_TEST(counters_parse)
{
	struct dt_map_count c;
	uint64_t now = 99;

	ck_assert_int_eq(dt_counters_parse(ctl_text, &c, &now), 0);
	ck_assert_int_eq(c.setup_ro, 512);
	ck_assert_int_eq(c.setup_rw, 7);
	ck_assert_int_eq(c.upgrades, 2);
	ck_assert_int_eq(c.removes, 384);
	ck_assert_int_eq(c.enospc_early, 1);
	ck_assert_int_eq(c.stalls, 4);
	ck_assert_int_eq(c.host_write_faults, 900);
	ck_assert_int_eq(now, 0);
	/* the keys the checks stand on must be there */
	ck_assert_int_eq(dt_counters_parse("setup_ro 1\nupgrades 0\n", &c,
					   &now), -1);
	ck_assert_int_eq(dt_counters_parse("", &c, &now), -1);
}
END_TEST

/* what the case side sent on the report channel, for the checks */
static int cap_fd[2] = { -1, -1 };

static void capture(void)
{
	int fl;

	ck_assert_int_eq(pipe(cap_fd), 0);
	fl = fcntl(cap_fd[0], F_GETFL);
	fcntl(cap_fd[0], F_SETFL, fl | O_NONBLOCK);
	dt_report_attach(cap_fd[1], NULL, NULL, 0);
}

static char cap_text[65536];

static const char *captured(void)
{
	ssize_t n = read(cap_fd[0], cap_text, sizeof(cap_text) - 1);

	cap_text[n > 0 ? n : 0] = '\0';
	return cap_text;
}

static void release(void)
{
	dt_report_attach(-1, NULL, NULL, 0);
	close(cap_fd[0]);
	close(cap_fd[1]);
}

START_TEST(trace_lines)
{
	struct dt_trace_line tl;

	ck_assert_int_eq(dt_trace_parse_line("              od-1234    (   1230) [001] d..1.  12.345678: fuse_dax_setup_mapping: dev=0:45 ino=77 idx=3 window_offset=0x600000 writable=0 upgrade=0 error=0", &tl), 0);
	ck_assert_str_eq(tl.comm, "od");
	ck_assert_int_eq(tl.pid, 1234);
	ck_assert_int_eq(tl.tgid, 1230);
	ck_assert_str_eq(tl.event, "fuse_dax_setup_mapping");
	ck_assert_int_eq(dt_trace_field(tl.fields, "ino"), 77);
	ck_assert_int_eq(dt_trace_field(tl.fields, "window_offset"), 0x600000);
	ck_assert_int_eq(dt_trace_field(tl.fields, "idx"), 3);
	ck_assert_int_eq(dt_trace_field(tl.fields, "nope"), -1);
	ck_assert(dt_trace_dev(tl.fields) == makedev(0, 45));
	/* a comm with dashes, no tgid recorded, a kprobe event */
	ck_assert_int_eq(dt_trace_parse_line("   iou-wrk-100-101     (-------) [000] .....  12.5: setup: (fuse_setup_one_mapping+0x0/0x2a0) writable=1 upgrade=0", &tl), 0);
	ck_assert_str_eq(tl.comm, "iou-wrk-100");
	ck_assert_int_eq(tl.pid, 101);
	ck_assert_int_eq(tl.tgid, -1);
	ck_assert_str_eq(tl.event, "setup");
	ck_assert_int_eq(dt_trace_field(tl.fields, "writable"), 1);
	/* without record-tgid */
	ck_assert_int_eq(dt_trace_parse_line("  my task-x-77 [003] ..... 1.0: sched_process_fork: comm=a pid=77 child_comm=a child_pid=78", &tl), 0);
	ck_assert_str_eq(tl.comm, "my task-x");
	ck_assert_int_eq(tl.pid, 77);
	ck_assert_int_eq(dt_trace_parse_line("# tracer: nop", &tl), -1);
	ck_assert_int_eq(dt_trace_parse_line("", &tl), -1);
}
END_TEST

#define L(pid, tgid, ev, f) \
	"           dmaptest-" #pid " (" #tgid ") [000] ..... 1.0: " ev ": " f

START_TEST(kernel_accounting)
{
	dev_t devs[] = { makedev(0, 45) };
	ino_t inos[] = { 77 };
	struct dt_kacct a = { 0 };

	dt_ptree_add(&a.tree, 100);
	/* a thread and a child of the case, a grandchild of that child */
	dt_kacct_line(&a, L(100, 100, "sched_process_fork", "comm=d pid=100 child_comm=d child_pid=105"), NULL, NULL, 0);
	dt_kacct_line(&a, L(105, 100, "sched_process_fork", "comm=d pid=105 child_comm=cat child_pid=200"), NULL, NULL, 0);
	dt_kacct_line(&a, L(7, 7, "sched_process_fork", "comm=x pid=7 child_comm=x child_pid=8"), NULL, NULL, 0);
	ck_assert(dt_ptree_has(&a.tree, 105));
	ck_assert(dt_ptree_has(&a.tree, 200));
	ck_assert(!dt_ptree_has(&a.tree, 8));
	/* setups: of the case's tasks, or of its file by anybody */
	dt_kacct_line(&a, L(200, 200, "fuse_dax_setup_mapping", "dev=0:45 ino=77 idx=0 window_offset=0x0 writable=0 upgrade=0 error=0"), devs, inos, 1);
	dt_kacct_line(&a, L(105, 100, "fuse_dax_setup_mapping", "dev=0:45 ino=9 idx=0 window_offset=0x200000 writable=1 upgrade=0 error=0"), devs, inos, 1);
	dt_kacct_line(&a, L(105, 100, "fuse_dax_setup_mapping", "dev=0:45 ino=9 idx=0 window_offset=0x200000 writable=1 upgrade=1 error=0"), devs, inos, 1);
	dt_kacct_line(&a, L(8, 8, "fuse_dax_setup_mapping", "dev=0:45 ino=77 idx=1 window_offset=0x400000 writable=0 upgrade=0 error=0"), devs, inos, 1);
	dt_kacct_line(&a, L(8, 8, "fuse_dax_setup_mapping", "dev=0:45 ino=5 idx=1 window_offset=0x400000 writable=0 upgrade=0 error=0"), devs, inos, 1);
	dt_kacct_line(&a, L(100, 100, "fuse_dax_setup_mapping", "dev=0:45 ino=77 idx=2 window_offset=0x600000 writable=1 upgrade=0 error=-28"), devs, inos, 1);
	ck_assert_int_eq(a.c.setup_ro, 2);
	ck_assert_int_eq(a.c.setup_rw, 1);
	ck_assert_int_eq(a.c.upgrades, 1);
	ck_assert_int_eq(a.c.setup_errors, 1);
	ck_assert_int_eq(a.c.foreign, 1);
	ck_assert_int_eq(dt_kacct_live(&a, devs[0], 77), 2);
	ck_assert_int_eq(dt_kacct_live(&a, devs[0], 9), 1);
	/* a reclaim by a kworker: the case's by its inode */
	dt_kacct_line(&a, L(33, 33, "fuse_dax_remove_mapping", "dev=0:45 ino=77 idx=0 window_offset=0x0 writable=0 error=0"), NULL, NULL, 0);
	dt_kacct_line(&a, L(33, 33, "fuse_dax_remove_mapping", "dev=0:45 ino=9 idx=0 window_offset=0x200000 writable=1 error=0"), devs, inos, 1);
	dt_kacct_line(&a, L(33, 33, "fuse_dax_remove_mapping", "dev=0:45 ino=5 idx=1 window_offset=0x400000 writable=0 error=0"), devs, inos, 1);
	ck_assert_int_eq(a.c.removes, 2);
	ck_assert_int_eq(a.c.tracked_removes, 0);
	ck_assert_int_eq(a.c.foreign, 2);
	ck_assert_int_eq(dt_kacct_live(&a, devs[0], 77), 1);
	ck_assert_int_eq(dt_kacct_live(&a, devs[0], 9), 0);
	dt_kacct_line(&a, L(33, 33, "fuse_dax_remove_mapping", "dev=0:45 ino=77 idx=1 window_offset=0x400000 writable=0 error=0"), devs, inos, 1);
	ck_assert_int_eq(a.c.tracked_removes, 1);
	ck_assert_int_eq(dt_kacct_live(&a, devs[0], 77), 0);
	/* io_uring workers: by the thread id in their name, or the tgid */
	dt_kacct_line(&a, L(300, -------, "fuse_dax_setup_mapping", "dev=0:45 ino=1 idx=0 window_offset=0x0 writable=0 upgrade=0 error=0"), NULL, NULL, 0);
	ck_assert_int_eq(a.c.foreign, 3);
	dt_kacct_line(&a, "      iou-wrk-105-301 (-------) [000] ..... 1.0: setup: (fuse_setup_one_mapping+0x0/0x2a0) writable=0 upgrade=0", NULL, NULL, 0);
	ck_assert_int_eq(a.c.setup_ro, 3);
	/*
	 * the case's own inline reclaim of a range of another's inode (the
	 * host log, say): not a removal of the case's, as the host log counts
	 */
	dt_kacct_line(&a, L(100, 100, "fuse_dax_remove_mapping", "dev=0:45 ino=5 idx=1 window_offset=0x400000 writable=0 error=0"), devs, inos, 1);
	ck_assert_int_eq(a.c.removes, 3);
	ck_assert_int_eq(a.c.foreign, 4);
	/* the observer's own file (the host log): foreign, setup or removal */
	a.skip_dev = devs[0];
	a.skip_ino = 42;
	dt_kacct_line(&a, L(100, 100, "fuse_dax_setup_mapping", "dev=0:45 ino=42 idx=0 window_offset=0x0 writable=0 upgrade=0 error=0"), devs, inos, 1);
	dt_kacct_line(&a, L(100, 100, "fuse_dax_remove_mapping", "dev=0:45 ino=42 idx=0 window_offset=0x0 writable=0 error=0"), devs, inos, 1);
	ck_assert_int_eq(a.c.setup_ro, 3);
	ck_assert_int_eq(a.c.removes, 3);
	ck_assert_int_eq(a.c.foreign, 6);
	dt_kacct_free(&a);
}
END_TEST


#define HL(op, ino, dev, moff, flags, up, res) \
	"virtiofsd-dax: time=1.000001 op=" op " ino=" #ino " dev=" #dev \
	" foffset=0 moffset=" #moff " len=2097152 flags=" flags \
	" upgrade=" #up " reserve=1 result=" #res

START_TEST(hostlog_lines)
{
	struct dt_hostlog_line hl;

	ck_assert_int_eq(dt_hostlog_parse(HL("setup", 12, 1792, 8388608, "rw", 1, 0), &hl), 0);
	ck_assert(hl.setup && hl.writable && hl.upgrade && hl.reserve);
	ck_assert_uint_eq(hl.ino, 12);
	ck_assert_uint_eq(hl.dev, 1792);
	ck_assert_uint_eq(hl.moffset, 8388608);
	ck_assert_uint_eq(hl.len, 2097152);
	ck_assert_int_eq(hl.result, 0);
	ck_assert_int_eq(dt_hostlog_parse(HL("remove", 0, 0, 0, "none", 0, -22), &hl), 0);
	ck_assert(!hl.setup && !hl.writable);
	ck_assert_int_eq(hl.result, -22);
	/* virtiofsd's other messages, and broken lines, are not mappings */
	ck_assert_int_eq(dt_hostlog_parse("[ID: 00000042] virtio_session_mount: Waiting for vhost-user socket connection...", &hl), -1);
	ck_assert_int_eq(dt_hostlog_parse("virtiofsd-dax: time=1.0 op=setup ino=12", &hl), -1);
	ck_assert_int_eq(dt_hostlog_parse("virtiofsd-dax: time=1.0 op=map ino=1 dev=1 foffset=0 moffset=0 len=1 flags=ro upgrade=0 reserve=0 result=0", &hl), -1);
	/* a key must be a whole word: xino= is not ino= */
	ck_assert_int_eq(dt_hostlog_parse("virtiofsd-dax: op=setup xino=5 dev=1 foffset=0 moffset=0 len=1 flags=ro result=0", &hl), -1);
}
END_TEST

START_TEST(hostlog_accounting)
{
	struct dt_hlacct a = { 0 };
	ino_t inos[1] = { 12 };

	/* without the header nothing is the case's */
	dt_hlacct_line(&a, HL("setup", 12, 1792, 0, "ro", 0, 0), inos, 1);
	ck_assert_uint_eq(a.c.foreign, 1);
	dt_hlacct_line(&a, "# dmaptest-host-log 1", inos, 1);
	dt_hlacct_line(&a, "# scratch-dev 1792", inos, 1);
	ck_assert(a.has_header && a.has_dev);
	ck_assert_uint_eq(a.dev, 1792);
	a.c = (struct dt_map_count){ 0 };
	/* the results folder's files are on another device */
	dt_hlacct_line(&a, HL("setup", 40, 2049, 0, "rw", 0, 0), inos, 1);
	ck_assert_uint_eq(a.c.foreign, 1);
	dt_hlacct_line(&a, HL("setup", 12, 1792, 0, "ro", 0, 0), inos, 1);
	dt_hlacct_line(&a, HL("setup", 12, 1792, 0, "rw", 1, 0), inos, 1);
	dt_hlacct_line(&a, HL("setup", 13, 1792, 2097152, "rw", 0, 0), inos, 1);
	dt_hlacct_line(&a, HL("setup", 13, 1792, 4194304, "rw", 0, -28), inos, 1);
	ck_assert_uint_eq(a.c.setup_ro, 1);
	ck_assert_uint_eq(a.c.upgrades, 1);
	ck_assert_uint_eq(a.c.setup_rw, 1);
	ck_assert_uint_eq(a.c.setup_errors, 1);
	ck_assert_uint_eq(a.c.enospc_early, 1);
	/* an upgrade maps nothing new */
	ck_assert_int_eq(dt_hlacct_live(&a, 12), 1);
	ck_assert_int_eq(dt_hlacct_live(&a, 13), 1);
	/* removals: of inodes the case mapped or tracks; others are foreign */
	dt_hlacct_line(&a, HL("remove", 13, 1792, 2097152, "rw", 0, 0), inos, 1);
	dt_hlacct_line(&a, HL("remove", 99, 1792, 6291456, "ro", 0, 0), inos, 1);
	dt_hlacct_line(&a, HL("remove", 12, 1792, 0, "rw", 0, 0), inos, 1);
	ck_assert_uint_eq(a.c.removes, 2);
	ck_assert_uint_eq(a.c.tracked_removes, 1);
	ck_assert_uint_eq(a.c.foreign, 2);
	ck_assert_int_eq(dt_hlacct_live(&a, 12), 0);
	ck_assert_int_eq(dt_hlacct_live(&a, 13), 0);
	dt_hlacct_free(&a);
}
END_TEST
static struct dt_obs_delta one_backend(const char *name, uint64_t ro,
				       uint64_t rw)
{
	struct dt_obs_delta d;

	memset(&d, 0, sizeof(d));
	d.map_valid = true;
	strcpy(d.map_backend, name);
	d.map.setup_ro = ro;
	d.map.setup_rw = rw;
	d.ncounts = 1;
	d.counts[0].valid = true;
	d.counts[0].scope = DT_OBS_SCOPE_CASE;
	strcpy(d.counts[0].backend, name);
	d.counts[0].map = d.map;
	d.blocks_valid = true;
	return d;
}

START_TEST(judge_ro)
{
	struct dt_obs_ro r = { .label = "w", .ranges = 8, .unmapped = true,
			       .fs_slack = 4096, .claim_ro = "ro",
			       .claim_alloc = "alloc", .claim_observer = "obs" };
	struct dt_obs_delta d = one_backend("dmapfs-counters", 8, 0);
	char sum[1024];

	capture();
	ck_assert_int_eq(dt_obs_judge_ro(&d, "t", &r, sum, sizeof(sum)),
			 DT_CLAIM_HELD);
	ck_assert_ptr_nonnull(strstr(sum, "setup_ro=8 setup_rw=0"));
	ck_assert_ptr_nonnull(strstr(captured(), "C HELD ro w: setup_ro=8"));

	d.map.setup_rw = 2;
	ck_assert_int_eq(dt_obs_judge_ro(&d, "t", &r, sum, sizeof(sum)),
			 DT_CLAIM_FAILED);
	ck_assert_ptr_nonnull(strstr(sum, "2 read-write mapping"));
	ck_assert_ptr_nonnull(strstr(captured(), "C FAILED ro w: setup_ro=8 setup_rw=2"));

	/* the positive control: fewer setups than ranges from unmapped */
	d.map.setup_rw = 0;
	d.map.setup_ro = 0;
	ck_assert_int_eq(dt_obs_judge_ro(&d, "t", &r, sum, sizeof(sum)),
			 DT_CLAIM_FAILED);
	ck_assert_ptr_nonnull(strstr(captured(), "C FAILED obs w: dmapfs-counters counted 0 setups for 8 ranges read from an unmapped state: it misses mappings"));
	/* ... and when the start was not known to be unmapped */
	r.unmapped = false;
	ck_assert_int_eq(dt_obs_judge_ro(&d, "t", &r, sum, sizeof(sum)),
			 DT_CLAIM_UNMEASURED);
	ck_assert_ptr_nonnull(strstr(captured(), "C UNMEASURED ro w: no read-write mapping among those seen, but"));
	r.unmapped = true;
	d.map.setup_ro = 8;

	/* no mapping observer: the mapping claims are not measured */
	d.map_valid = false;
	strcpy(d.map_why, "no mapping observer");
	ck_assert_int_eq(dt_obs_judge_ro(&d, "t", &r, sum, sizeof(sum)),
			 DT_CLAIM_UNMEASURED);
	captured();
	ck_assert_ptr_nonnull(strstr(cap_text, "C UNMEASURED ro w: no mapping observer"));
	ck_assert_ptr_nonnull(strstr(cap_text, "C UNMEASURED obs w: no mapping observer"));
	ck_assert_ptr_nonnull(strstr(cap_text, "C HELD alloc w: file blocks"));

	/* allocation is judged without it */
	d.blocks = 2 << 20;
	ck_assert_int_eq(dt_obs_judge_ro(&d, "t", &r, sum, sizeof(sum)),
			 DT_CLAIM_FAILED);
	ck_assert_ptr_nonnull(strstr(captured(), "C FAILED alloc"));
	d.blocks = 0;
	d.fs_used = 8192;
	/* a shared host: growth outside the files is other writers' */
	dt_obs_judge_ro(&d, "t", &r, sum, sizeof(sum));
	ck_assert_ptr_nonnull(strstr(sum, "not in the files"));
	ck_assert_ptr_nonnull(strstr(captured(), "C HELD alloc"));
	d.fs_private = true;
	dt_obs_judge_ro(&d, "t", &r, sum, sizeof(sum));
	ck_assert_ptr_nonnull(strstr(captured(), "C FAILED alloc"));

	/* nothing measured at all is not a pass */
	d.blocks_valid = false;
	strcpy(d.blocks_why, "statvfs failed");
	ck_assert_int_eq(dt_obs_judge_ro(&d, "t", &r, sum, sizeof(sum)),
			 DT_CLAIM_UNMEASURED);
	ck_assert_ptr_nonnull(strstr(captured(), "C UNMEASURED alloc w: statvfs failed"));
	release();
}
END_TEST

START_TEST(judge_agree)
{
	struct dt_obs_delta d = one_backend("tracepoint", 8, 0);
	char why[512];

	capture();
	d.ncounts = 2;
	d.counts[1] = d.counts[0];
	strcpy(d.counts[1].backend, "kprobe");
	ck_assert_int_eq(dt_obs_agree(&d, why, sizeof(why)), 0);
	ck_assert_int_eq(dt_obs_judge_observer(&d, "w", 8, true, "obs"),
			 DT_CLAIM_HELD);
	ck_assert_ptr_nonnull(strstr(captured(), "and the observers agree"));
	/* one of them misses two */
	d.counts[1].map.setup_ro = 6;
	ck_assert_int_eq(dt_obs_agree(&d, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "tracepoint counted setup_ro=8"));
	ck_assert_int_eq(dt_obs_judge_observer(&d, "w", 8, true, "obs"),
			 DT_CLAIM_FAILED);
	ck_assert_ptr_nonnull(strstr(captured(), "C FAILED obs w: the observers disagree"));
	/* another scope is not compared */
	d.counts[1].scope = DT_OBS_SCOPE_MOUNT;
	ck_assert_int_eq(dt_obs_agree(&d, why, sizeof(why)), 0);
	/* a lossy one proves nothing */
	d.map.lossy = true;
	ck_assert_int_eq(dt_obs_judge_observer(&d, "w", 8, true, "obs"),
			 DT_CLAIM_UNMEASURED);
	/* no control and one observer: nothing to say */
	d.map.lossy = false;
	ck_assert_int_eq(dt_obs_judge_observer(&d, "w", 0, false, "obs"),
			 DT_CLAIM_NONE);
	release();
}
END_TEST

START_TEST(marker_names)
{
	struct dt_marker m, back;
	char name[128];

	dt_marker_self(&m);
	ck_assert_int_eq(m.euid, geteuid());
	ck_assert_int_eq(m.pid, getpid());
	ck_assert_uint_gt(m.start, 0);
	ck_assert_int_eq(strlen(m.boot), DT_MARKER_BOOT_LEN);
	ck_assert_int_eq(dt_marker_name(&m, DT_BALLAST_PREFIX, name,
					sizeof(name)), 0);
	ck_assert_int_eq(dt_marker_parse_name(name, DT_BALLAST_PREFIX, &back),
			 0);
	ck_assert_int_eq(back.euid, m.euid);
	ck_assert_str_eq(back.boot, m.boot);
	ck_assert_int_eq(back.pid, m.pid);
	ck_assert_uint_eq(back.start, m.start);
	/* the old names, and anything else, carry no marker */
	ck_assert_int_eq(dt_marker_parse_name(".dmaptest-ballast.0a1b2c3d.4242",
					      DT_BALLAST_PREFIX, &back), -1);
	ck_assert_int_eq(dt_marker_parse_name(".dmaptest-ballast.0.0123456789abcdef0123456789abcdef.0.1",
					      DT_BALLAST_PREFIX, &back), -1);
	ck_assert_int_eq(dt_marker_parse_name(".dmaptest-ballast.0.0123456789abcdef0123456789abcdef.12.x",
					      DT_BALLAST_PREFIX, &back), -1);
	ck_assert_int_eq(dt_marker_parse_name(".dmaptest-ballast.0.0123456789ABCDEF0123456789abcdef.12.3",
					      DT_BALLAST_PREFIX, &back), -1);
	ck_assert_int_eq(dt_marker_parse_name(".dmaptest-ballast.0.0123456789abcdef0123456789abcdef.12.3",
					      DT_BALLAST_PREFIX, &back), 0);
}
END_TEST

START_TEST(marker_text_and_judge)
{
	char text[512], why[256], path[] = "/tmp/dt-marker.XXXXXX";
	struct dt_marker m, back;
	int fd, fd2;

	dt_marker_self(&m);
	dt_marker_text(&m, text, sizeof(text));
	ck_assert_int_eq(dt_marker_parse(text, &back), 0);
	ck_assert_str_eq(back.host, m.host);
	ck_assert_int_eq(dt_marker_parse("dmaptest-marker 1\neuid 0\n", &back),
			 -1);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	/* our own marker, locked by us: in use */
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	fd2 = open(path, O_RDONLY);
	ck_assert_int_eq(dt_marker_judge(&m, fd2, why, sizeof(why)),
			 DT_OWNER_ALIVE);
	close(fd2);
	/* unlocked, the pid alive and the same start: still alive */
	ck_assert_int_eq(flock(fd, LOCK_UN), 0);
	fd2 = open(path, O_RDONLY);
	ck_assert_int_eq(dt_marker_judge(&m, fd2, why, sizeof(why)),
			 DT_OWNER_ALIVE);
	/* the same pid started at another time: gone */
	back = m;
	back.start++;
	ck_assert_int_eq(dt_marker_judge(&back, fd2, why, sizeof(why)),
			 DT_OWNER_GONE);
	ck_assert_ptr_nonnull(strstr(why, "another process now"));
	close(fd2);
	/* another user's: never ours to judge */
	back = m;
	back.euid = m.euid + 1;
	fd2 = open(path, O_RDONLY);
	ck_assert_int_eq(dt_marker_judge(&back, fd2, why, sizeof(why)),
			 DT_OWNER_OTHER);
	close(fd2);
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(rmtree_follows_no_link)
{
	char top[] = "/tmp/dt-rmtree.XXXXXX", p[PATH_MAX], why[256];
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(p, sizeof(p), "%s/keep", top);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/keep/precious", top);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/gone", top);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/gone/sub", top);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/gone/sub/link-to-keep", top);
	ck_assert_int_eq(symlink("../../keep", p), 0);
	snprintf(p, sizeof(p), "%s/gone/file-link", top);
	ck_assert_int_eq(symlink("../keep/precious", p), 0);
	snprintf(p, sizeof(p), "%s/gone", top);
	ck_assert_int_eq(dt_rmtree(p, why, sizeof(why)), 0);
	ck_assert_int_eq(access(p, F_OK), -1);
	snprintf(p, sizeof(p), "%s/keep/precious", top);
	ck_assert_int_eq(access(p, F_OK), 0);
	/* a link as the top is removed, not what it points at */
	snprintf(p, sizeof(p), "%s/top-link", top);
	ck_assert_int_eq(symlink("keep", p), 0);
	ck_assert_int_eq(dt_rmtree(p, why, sizeof(why)), 0);
	snprintf(p, sizeof(p), "%s/keep/precious", top);
	ck_assert_int_eq(access(p, F_OK), 0);
	ck_assert_int_eq(dt_rmtree(top, why, sizeof(why)), 0);
}
END_TEST

START_TEST(fill_needs_consent)
{
	static struct dt_case tc = { .name = "t" };
	struct dt_ctx ctx = { .tcase = &tc, .features = 0 };
	char dir[] = "/tmp/dt-ballast.XXXXXX", err[256], p[PATH_MAX];
	struct dt_ballast b;
	uint64_t budget;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	dt_report_attach(-1, NULL, &ctx, 0);
	ck_assert_int_eq(dt_ballast_fill(&b, dir, 0, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "needs --allow-fill"));
	/* nothing was made */
	snprintf(p, sizeof(p), "%s", dir);
	ck_assert_int_eq(rmdir(p), 0);
	/* reservations: a tenth, at most 64 MiB, without consent */
	ck_assert_int_eq(dt_space_budget(&ctx, 10ULL << 30, 40, &budget, err,
					 sizeof(err)), 0);
	ck_assert_uint_eq(budget, 64ULL << 20);
	ck_assert_int_eq(dt_space_budget(&ctx, 100ULL << 20, 40, &budget, err,
					 sizeof(err)), 0);
	ck_assert_uint_eq(budget, 10ULL << 20);
	ctx.features = DT_FEAT_FILL;
	ck_assert_int_eq(dt_space_budget(&ctx, 10ULL << 30, 40, &budget, err,
					 sizeof(err)), 0);
	ck_assert_uint_eq(budget, (10ULL << 30) / 100 * 40);
}
END_TEST

START_TEST(space_param_needs_consent)
{
	static struct dt_case tc = { .name = "t" };
	static const char *const params[] = { "space=60", NULL };
	struct dt_ctx ctx = { .tcase = &tc, .params = params };
	uint64_t budget;
	char why[256];

	dt_report_attach(-1, NULL, &ctx, 0);
	ck_assert_int_eq(dt_space_budget(&ctx, 10ULL << 30, 40, &budget, why,
					 sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "needs --allow-fill"));
}
END_TEST

/* the progress line counts the case's work: a ballast is none */
START_TEST(ballast_counts_no_bytes)
{
	static struct dt_case tc = { .name = "t" };
	struct dt_ctx ctx = { .tcase = &tc, .features = DT_FEAT_FILL };
	char dir[] = "/tmp/dt-ballast.XXXXXX", err[256];
	struct dt_progress *prog = calloc(1, sizeof(*prog));
	struct dt_ballast b;
	struct dt_space sp;

	ck_assert_ptr_nonnull(prog);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	dt_report_attach(-1, prog, &ctx, 0);
	ck_assert_int_eq(dt_space_get(dir, &sp), 0);
	if (sp.usable > (64u << 20)) {
		ck_assert_int_eq(dt_ballast_fill(&b, dir, sp.usable - (8u << 20),
						 err, sizeof(err)), 0);
		if (b.bytes)
			ck_assert_uint_gt(prog->beats, 0);
		ck_assert_uint_eq(prog->bytes, 0);
		dt_ballast_remove(&b);
	}
	rmdir(dir);
	free(prog);
}
END_TEST

START_TEST(progress_total_stands)
{
	static struct dt_case tc = { .name = "t" };
	struct dt_ctx ctx = { .tcase = &tc };
	struct dt_progress *prog = calloc(1, sizeof(*prog));

	ck_assert_ptr_nonnull(prog);
	dt_report_attach(-1, prog, &ctx, 0);
	dt_progress_total(100);
	dt_progress_total(200);
	ck_assert_uint_eq(prog->total_bytes, 100);
	free(prog);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("case library observers");
	TCase *t = tcase_create("observe");

	tcase_add_test(t, counters_parse);
	tcase_add_test(t, trace_lines);
	tcase_add_test(t, kernel_accounting);
	tcase_add_test(t, hostlog_lines);
	tcase_add_test(t, hostlog_accounting);
	tcase_add_test(t, judge_ro);
	tcase_add_test(t, judge_agree);
	tcase_add_test(t, marker_names);
	tcase_add_test(t, marker_text_and_judge);
	tcase_add_test(t, rmtree_follows_no_link);
	tcase_add_test(t, fill_needs_consent);
	tcase_add_test(t, space_param_needs_consent);
	tcase_add_test(t, ballast_counts_no_bytes);
	tcase_add_test(t, progress_total_stands);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
