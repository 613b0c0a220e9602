// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_observe.c - unit tests of the observers' parsers (dmapfs control
 * file, kprobe hist and trace text), the read-only judge, markers,
 * safe removal and the ballast's consent and progress rules.
 */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt_ballast.h"
#include "dt_case.h"
#include "dt_marker.h"
#include "dt_proto.h"
#include "dt_obs_priv.h"
#include "dt_observe.h"

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

static const char hist_text[] =
	"# event histogram\n"
	"#\n"
	"# trigger info: hist:keys=common_pid.execname,writable,upgrade:vals=hitcount:sort=hitcount:size=4096 [active]\n"
	"#\n"
	"\n"
	"{ common_pid: od              [      1234], writable:          0, upgrade:          0 } hitcount:       2048\n"
	"{ common_pid: dmaptest        [       100], writable:          1, upgrade:          0 } hitcount:          8\n"
	"{ common_pid: dmaptest        [       100], writable:          1, upgrade:          1 } hitcount:          3\n"
	"{ common_pid: iou-wrk-100     [       101], writable:          0, upgrade:          0 } hitcount:          5\n"
	"{ common_pid: systemd         [         1], writable:          1, upgrade:          0 } hitcount:         40\n"
	"\n"
	"Totals:\n"
	"    Hits: 2104\n"
	"    Entries: 5\n"
	"    Dropped: 0\n";

START_TEST(kprobe_hist)
{
	pid_t pids[] = { 100, 1234 };
	struct dt_map_count c;

	ck_assert_int_eq(dt_kprobe_parse(hist_text, true, pids, 2, &c), 0);
	ck_assert_int_eq(c.setup_ro, 2048 + 5);
	ck_assert_int_eq(c.setup_rw, 8);
	ck_assert_int_eq(c.upgrades, 3);
	ck_assert_int_eq(c.foreign, 40);
	ck_assert(!c.lossy);
	/* only the case itself: od's hits are foreign now */
	ck_assert_int_eq(dt_kprobe_parse(hist_text, true, pids, 1, &c), 0);
	ck_assert_int_eq(c.setup_ro, 5);
	ck_assert_int_eq(c.foreign, 2048 + 40);
}
END_TEST

START_TEST(kprobe_hist_dropped)
{
	pid_t pid = 1;
	struct dt_map_count c;

	ck_assert_int_eq(dt_kprobe_parse("Totals:\n    Hits: 1\n    Dropped: 12\n",
					 true, &pid, 1, &c), 0);
	ck_assert(c.lossy);
}
END_TEST

static const char trace_text[] =
	"# tracer: nop\n"
	"#\n"
	"# entries-in-buffer/entries-written: 4/4   #P:2\n"
	"#\n"
	"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
	"              od-1234    [001] .....  12.345678: setup: (fuse_setup_one_mapping+0x0/0x2a0) writable=0 upgrade=0\n"
	"     my-task-x-100     [000] d....  12.400000: setup: (fuse_setup_one_mapping+0x0/0x2a0) writable=1 upgrade=1\n"
	"   iou-wrk-100-101     [000] .....  12.500000: setup: (fuse_setup_one_mapping+0x0/0x2a0) writable=1 upgrade=0\n"
	"           <...>-77      [000] .....  12.600000: setup: (fuse_setup_one_mapping+0x0/0x2a0) writable=1 upgrade=0\n";

START_TEST(kprobe_trace)
{
	pid_t pids[] = { 100, 1234 };
	struct dt_map_count c;

	ck_assert_int_eq(dt_kprobe_parse(trace_text, false, pids, 2, &c), 0);
	ck_assert_int_eq(c.setup_ro, 1);
	ck_assert_int_eq(c.upgrades, 1);
	ck_assert_int_eq(c.setup_rw, 1);
	ck_assert_int_eq(c.foreign, 1);
	ck_assert(!c.lossy);
}
END_TEST

START_TEST(kprobe_trace_overrun)
{
	pid_t pid = 1;
	struct dt_map_count c;

	ck_assert_int_eq(dt_kprobe_parse("# entries-in-buffer/entries-written: 10/4000   #P:2\n",
					 false, &pid, 1, &c), 0);
	ck_assert(c.lossy);
	/* not a trace file at all */
	ck_assert_int_eq(dt_kprobe_parse("garbage\n", false, &pid, 1, &c),
			 -1);
}
END_TEST

START_TEST(judge_ro)
{
	struct dt_obs_delta d;
	char sum[1024];

	memset(&d, 0, sizeof(d));
	d.map_valid = true;
	strcpy(d.map_backend, "dmapfs-counters");
	d.map.setup_ro = 8;
	d.blocks_valid = true;
	ck_assert_int_eq(dt_obs_judge_ro(&d, "t", 4096, sum, sizeof(sum)),
			 DT_PASS);
	ck_assert_ptr_nonnull(strstr(sum, "setup_ro=8 setup_rw=0"));

	d.map.setup_rw = 2;
	ck_assert_int_eq(dt_obs_judge_ro(&d, "t", 4096, sum, sizeof(sum)),
			 DT_FAIL);
	ck_assert_ptr_nonnull(strstr(sum, "2 read-write mapping"));

	/* no mapping observer: never a claim about RW mappings */
	d.map_valid = false;
	strcpy(d.map_why, "no mapping observer");
	ck_assert_int_eq(dt_obs_judge_ro(&d, "t", 4096, sum, sizeof(sum)),
			 DT_PASS);
	ck_assert_ptr_nonnull(strstr(sum, "RW-mapping check not done"));

	/* allocation is judged without it */
	d.blocks = 2 << 20;
	ck_assert_int_eq(dt_obs_judge_ro(&d, "t", 4096, sum, sizeof(sum)),
			 DT_FAIL);
	d.blocks = 0;
	d.fs_used = 8192;
	/* a shared host: growth outside the files is other writers' */
	ck_assert_int_eq(dt_obs_judge_ro(&d, "t", 4096, sum, sizeof(sum)),
			 DT_PASS);
	ck_assert_ptr_nonnull(strstr(sum, "not in the files"));
	d.fs_private = true;
	ck_assert_int_eq(dt_obs_judge_ro(&d, "t", 4096, sum, sizeof(sum)),
			 DT_FAIL);
	d.fs_used = 4096;
	ck_assert_int_eq(dt_obs_judge_ro(&d, "t", 4096, sum, sizeof(sum)),
			 DT_PASS);

	/* nothing measured at all is not a pass */
	d.blocks_valid = false;
	ck_assert_int_eq(dt_obs_judge_ro(&d, "t", 4096, sum, sizeof(sum)),
			 DT_ERROR);
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
	tcase_add_test(t, kprobe_hist);
	tcase_add_test(t, kprobe_hist_dropped);
	tcase_add_test(t, kprobe_trace);
	tcase_add_test(t, kprobe_trace_overrun);
	tcase_add_test(t, judge_ro);
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
