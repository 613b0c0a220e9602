// SPDX-License-Identifier: GPL-2.0-or-later
/* check_verdict.c - from observations to one verdict and reason */
#include <check.h>
#include <signal.h>
#include <string.h>

#include "kmsg.h"
#include "suites.h"
#include "verdict.h"

static struct case_verdict decide(const struct case_observation *obs)
{
	struct case_verdict v;

	decide_verdict(obs, &v);
	return v;
}

START_TEST(test_reports)
{
	struct case_observation obs;
	struct case_verdict v;

	observation_init(&obs);
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_ERROR);
	ck_assert_str_eq(v.reason, "case reported no result");

	observation_add_result(&obs, DT_PASS, "first");
	observation_add_result(&obs, DT_SKIP, "skip part");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_PASS);
	ck_assert_str_eq(v.reason, "first");

	observation_add_result(&obs, DT_ERROR, "broke");
	observation_add_result(&obs, DT_FAIL, "bad data at 4096");
	observation_add_result(&obs, DT_FAIL, "bad data at 8192");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_FAIL);
	ck_assert_str_eq(v.reason, "bad data at 4096 (and 1 more)");
}
END_TEST

START_TEST(test_signals)
{
	struct case_observation obs;
	struct case_verdict v;

	observation_init(&obs);
	obs.exited = false;
	obs.term_signal = SIGSEGV;
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_ERROR);
	ck_assert_str_eq(v.reason, "killed by SIGSEGV");

	obs.term_signal = SIGBUS;
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_FAIL);
	ck_assert_ptr_nonnull(strstr(v.reason, "killed by SIGBUS"));

	obs.term_signal = SIGABRT;
	obs.expect_signal = SIGABRT;
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_PASS);
	ck_assert_str_eq(v.reason, "ended by SIGABRT as expected");

	/* a reported failure is not excused by the expected signal */
	observation_add_result(&obs, DT_FAIL, "wrong");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_FAIL);
	ck_assert_str_eq(v.reason, "wrong; then killed by SIGABRT");

	observation_init(&obs);
	obs.expect_signal = SIGABRT;
	observation_add_result(&obs, DT_PASS, "ok");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_FAIL);
	ck_assert_str_eq(v.reason,
			 "expected to end by SIGABRT, exited normally");

	observation_init(&obs);
	obs.exit_code = 3;
	observation_add_result(&obs, DT_PASS, "ok");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_ERROR);
	ck_assert_str_eq(v.reason, "case process exited with status 3");
}
END_TEST

START_TEST(test_hang)
{
	struct case_observation obs;
	struct case_verdict v;

	observation_init(&obs);
	obs.hang = HANG_NO_PROGRESS;
	obs.hang_seconds = 20;
	strcpy(obs.hang_phase, "pwrite");
	obs.exited = false;
	obs.term_signal = SIGKILL;
	observation_add_result(&obs, DT_PASS, "early part ok");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_HANG);
	ck_assert_str_eq(v.reason, "no progress for 20 s in phase 'pwrite'");

	obs.hang = HANG_TIMEOUT;
	obs.hang_seconds = 300;
	obs.hang_phase[0] = '\0';
	obs.unkillable = true;
	obs.nr_unkillable = 2;
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_HANG);
	ck_assert_str_eq(v.reason, "timed out after 300 s; 2 task(s) unkillable (stuck in the kernel)");
}
END_TEST

START_TEST(test_leftovers_kmsg_target)
{
	struct case_observation obs;
	struct case_verdict v;

	observation_init(&obs);
	observation_add_result(&obs, DT_PASS, "ok");
	obs.nr_leftovers = 1;
	strcpy(obs.leftovers, "123 (sleep) S");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_ERROR);
	ck_assert_str_eq(v.reason, "left 1 process(es) behind: 123 (sleep) S");

	observation_init(&obs);
	observation_add_result(&obs, DT_PASS, "ok");
	obs.nr_kmsg_bad = 2;
	strcpy(obs.kmsg_first, "WARNING: at fs/fuse/dax.c");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_FAIL);
	ck_assert_str_eq(v.reason, "kernel log: WARNING: at fs/fuse/dax.c (and 1 more lines)");

	observation_init(&obs);
	observation_add_result(&obs, DT_ERROR, "read: ENOTCONN");
	obs.target_died = true;
	strcpy(obs.target_reason, "dmapfs exited with status 134");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_FAIL);
	ck_assert_str_eq(v.reason, "target died during the case: dmapfs exited with status 134; case reported ERROR: read: ENOTCONN");

	observation_init(&obs);
	obs.interrupted = true;
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_ERROR);
}
END_TEST

static void two_claims(struct case_observation *obs)
{
	observation_init(obs);
	ck_assert_int_eq(observation_declare_claim(obs, "ro", "reads map read-only", false), 0);
	ck_assert_int_eq(observation_declare_claim(obs, "alloc", "reads allocate nothing", false), 0);
}

START_TEST(test_claims)
{
	struct case_observation obs;
	struct case_verdict v;

	/* an id twice is the case's bug */
	two_claims(&obs);
	ck_assert_int_eq(observation_declare_claim(&obs, "ro", "again", false), -1);

	/* every claim held: PASS, the case's own summary as the reason */
	two_claims(&obs);
	observation_add_claim(&obs, DT_CLAIM_HELD, "ro", "setup_ro=8 setup_rw=0");
	observation_add_claim(&obs, DT_CLAIM_HELD, "alloc", "0 blocks");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_PASS);
	ck_assert_str_eq(v.reason, "reads map read-only (setup_ro=8 setup_rw=0); reads allocate nothing (0 blocks)");
	observation_add_result(&obs, DT_PASS, "read 8 MiB");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_PASS);
	ck_assert_str_eq(v.reason, "read 8 MiB");

	/* one unmeasured report is enough to leave the claim unmeasured */
	observation_add_claim(&obs, DT_CLAIM_UNMEASURED, "ro", "no mapping observer");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_SKIP);
	ck_assert_str_eq(v.reason, "not measured: reads map read-only: no mapping observer; measured: reads allocate nothing (0 blocks)");

	/* and any failure fails it, whatever else was reported */
	observation_add_claim(&obs, DT_CLAIM_FAILED, "ro", "2 RW setups");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_FAIL);
	ck_assert_str_eq(v.reason, "reads map read-only: 2 RW setups");

	/* a claim never reported on: ERROR, naming it */
	two_claims(&obs);
	observation_add_claim(&obs, DT_CLAIM_HELD, "alloc", "0 blocks");
	observation_add_result(&obs, DT_PASS, "done");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_ERROR);
	ck_assert_str_eq(v.reason, "claim 'ro' (reads map read-only) was never reported on: a bug of the case");

	/* no claim reported, the case said why it did not run: SKIP */
	two_claims(&obs);
	observation_add_result(&obs, DT_SKIP, "needs xfs_io");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_SKIP);
	ck_assert_str_eq(v.reason, "needs xfs_io");

	/* a report on a claim that is not declared: the case's bug */
	two_claims(&obs);
	observation_add_claim(&obs, DT_CLAIM_HELD, "ro", "x");
	observation_add_claim(&obs, DT_CLAIM_HELD, "alloc", "y");
	observation_add_claim(&obs, DT_CLAIM_HELD, "typo", "z");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_ERROR);
	ck_assert_str_eq(v.reason, "reported on claim 'typo', which the case does not declare: a bug of the case");

	/* nothing measured at all */
	two_claims(&obs);
	observation_add_claim(&obs, DT_CLAIM_UNMEASURED, "ro", "a");
	observation_add_claim(&obs, DT_CLAIM_UNMEASURED, "alloc", "b");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_SKIP);
	ck_assert_str_eq(v.reason, "not measured: reads map read-only: a; not measured: reads allocate nothing: b; nothing was measured");

	/* a failed claim shows through a hang that came after it */
	two_claims(&obs);
	observation_add_claim(&obs, DT_CLAIM_FAILED, "alloc", "2 MiB allocated");
	obs.hang = HANG_NO_PROGRESS;
	obs.hang_seconds = 30;
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_HANG);
	ck_assert_str_eq(v.reason, "no progress for 30 s; reported FAIL before: reads allocate nothing: 2 MiB allocated");
}
END_TEST

START_TEST(test_claims_optional)
{
	struct case_observation obs;
	struct case_verdict v;

	observation_init(&obs);
	observation_declare_claim(&obs, "data", "the data reads back", false);
	observation_declare_claim(&obs, "amp", "write amplification", true);
	observation_add_claim(&obs, DT_CLAIM_HELD, "data", "8 MiB checked");
	observation_add_claim(&obs, DT_CLAIM_UNMEASURED, "amp", "no st_blocks");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_PASS);
	ck_assert_str_eq(v.reason, "the data reads back (8 MiB checked); not measured (optional): write amplification: no st_blocks");
	/* optional is no excuse for a failure */
	observation_add_claim(&obs, DT_CLAIM_FAILED, "amp", "1000x");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_FAIL);
}
END_TEST

/*
 * A claim that needs a target feature (DAX mmap), on a target without
 * it: out of scope, reported unmeasured by the case in the standard
 * words; the case may PASS on its other claims, and the reason says
 * which one was not measured there and what it needs.
 */
static void scoped_claims(struct case_observation *obs, unsigned int have)
{
	observation_init(obs);
	observation_set_target(obs, have | DT_FEAT_COUNTERS, "dmapfs");
	ck_assert_int_eq(observation_declare_claim(obs, "ro", "reads map read-only", false), 0);
	ck_assert_int_eq(observation_declare_claim_needs(obs, "mmap-ro", "reads through a DAX mmap map read-only",
							 false, DT_FEAT_DAX_MMAP), 0);
}

START_TEST(test_claims_out_of_scope)
{
	const char *oos = "not measured on dmapfs: its MAP_SHARED mappings go through the kernel page cache, not the DAX window";
	struct case_observation obs;
	struct case_verdict v;

	/* lacking DAX mmap: PASS, the case's reason, then the claim named */
	scoped_claims(&obs, DT_FEAT_DAX);
	observation_add_claim(&obs, DT_CLAIM_HELD, "ro", "setup_rw=0");
	observation_add_claim(&obs, DT_CLAIM_UNMEASURED, "mmap-ro", oos);
	observation_add_result(&obs, DT_PASS, "16 workloads read only");
	ck_assert(claim_out_of_scope(&obs, &obs.claims[1]));
	ck_assert(!claim_out_of_scope(&obs, &obs.claims[0]));
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_PASS);
	ck_assert_str_eq(v.reason, "16 workloads read only; not measured on dmapfs: reads through a DAX mmap map read-only (needs DAX-mmap)");

	/* without a PASS text: the held claims, then the one out of scope */
	scoped_claims(&obs, DT_FEAT_DAX);
	observation_add_claim(&obs, DT_CLAIM_HELD, "ro", "setup_rw=0");
	observation_add_claim(&obs, DT_CLAIM_UNMEASURED, "mmap-ro", oos);
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_PASS);
	ck_assert_str_eq(v.reason, "reads map read-only (setup_rw=0); not measured on dmapfs: reads through a DAX mmap map read-only (needs DAX-mmap)");

	/* a failure of it still fails */
	observation_add_claim(&obs, DT_CLAIM_FAILED, "mmap-ro", "SIGBUS");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_FAIL);
	ck_assert_str_eq(v.reason, "reads through a DAX mmap map read-only: SIGBUS");

	/* another claim unmeasured: SKIP for it, the one out of scope named */
	scoped_claims(&obs, DT_FEAT_DAX);
	observation_add_claim(&obs, DT_CLAIM_UNMEASURED, "ro", "no observer");
	observation_add_claim(&obs, DT_CLAIM_UNMEASURED, "mmap-ro", oos);
	observation_add_result(&obs, DT_PASS, "done");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_SKIP);
	ck_assert_str_eq(v.reason, "not measured: reads map read-only: no observer; nothing was measured; not measured on dmapfs: reads through a DAX mmap map read-only (needs DAX-mmap)");

	/* only claims out of scope: no PASS without a measurement */
	observation_init(&obs);
	observation_set_target(&obs, 0, "dir");
	observation_declare_claim_needs(&obs, "mmap", "mmap works", false,
					DT_FEAT_DAX_MMAP | DT_FEAT_DAX);
	observation_add_claim(&obs, DT_CLAIM_UNMEASURED, "mmap", "not measured on dir: the target has no DAX");
	observation_add_result(&obs, DT_PASS, "done");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_SKIP);
	ck_assert_str_eq(v.reason, "not measured on dir: mmap works (needs DAX, DAX-mmap); nothing was measured");

	/* the target has DAX mmap: an unmeasured claim makes a SKIP, as ever */
	scoped_claims(&obs, DT_FEAT_DAX | DT_FEAT_DAX_MMAP);
	observation_add_claim(&obs, DT_CLAIM_HELD, "ro", "setup_rw=0");
	observation_add_claim(&obs, DT_CLAIM_UNMEASURED, "mmap-ro", "mmap refused");
	observation_add_result(&obs, DT_PASS, "done");
	ck_assert(!claim_out_of_scope(&obs, &obs.claims[1]));
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_SKIP);
	ck_assert_str_eq(v.reason, "not measured: reads through a DAX mmap map read-only: mmap refused; measured: reads map read-only (setup_rw=0)");
	/* ... and held there is a PASS like any other */
	scoped_claims(&obs, DT_FEAT_DAX | DT_FEAT_DAX_MMAP);
	observation_add_claim(&obs, DT_CLAIM_HELD, "ro", "setup_rw=0");
	observation_add_claim(&obs, DT_CLAIM_HELD, "mmap-ro", "setup_rw=0");
	observation_add_result(&obs, DT_PASS, "done");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_PASS);
	ck_assert_str_eq(v.reason, "done");

	/* held on a target that cannot measure it: the case's bug */
	scoped_claims(&obs, DT_FEAT_DAX);
	observation_add_claim(&obs, DT_CLAIM_HELD, "ro", "setup_rw=0");
	observation_add_claim(&obs, DT_CLAIM_HELD, "mmap-ro", "setup_rw=0");
	observation_add_result(&obs, DT_PASS, "done");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_ERROR);
	ck_assert_str_eq(v.reason, "claim 'mmap-ro' (reads through a DAX mmap map read-only) was reported held on dmapfs, which lacks DAX-mmap that it needs: a bug of the case");

	/* never reported on: a bug of the case, in scope or not */
	scoped_claims(&obs, DT_FEAT_DAX);
	observation_add_claim(&obs, DT_CLAIM_HELD, "ro", "setup_rw=0");
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_ERROR);
	ck_assert_str_eq(v.reason, "claim 'mmap-ro' (reads through a DAX mmap map read-only) was never reported on: a bug of the case");

	/* a hang is a hang */
	scoped_claims(&obs, DT_FEAT_DAX);
	observation_add_claim(&obs, DT_CLAIM_UNMEASURED, "mmap-ro", oos);
	obs.hang = HANG_TIMEOUT;
	obs.hang_seconds = 10;
	v = decide(&obs);
	ck_assert_int_eq(v.verdict, DT_HANG);
}
END_TEST

/* which kernel log lines turn a PASS into FAIL */
START_TEST(test_kmsg_filter)
{
	ck_assert(kmsg_is_bad("WARNING: CPU: 1 PID: 2 at fs/fuse/dax.c:100", "r1"));
	ck_assert(kmsg_is_bad("INFO: task od:123 blocked for more than 120 seconds.", "r1"));
	ck_assert(kmsg_is_bad("BUG: kernel NULL pointer dereference", NULL));
	ck_assert(!kmsg_is_bad("virtiofs virtio0: Cache len: 0x10000000", "r1"));
	ck_assert(!kmsg_is_bad("dmaptest: start ro-mapping WARNING:", "r1"));
	/* our own deliberate line counts; another run's does not */
	ck_assert(kmsg_is_bad("WARNING: x (" DT_KMSG_SELFTEST "r1)", "r1"));
	ck_assert(!kmsg_is_bad("WARNING: x (" DT_KMSG_SELFTEST "r2)", "r1"));
}
END_TEST

Suite *verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("decide");

	tcase_add_test(tc, test_reports);
	tcase_add_test(tc, test_signals);
	tcase_add_test(tc, test_hang);
	tcase_add_test(tc, test_leftovers_kmsg_target);
	tcase_add_test(tc, test_kmsg_filter);
	tcase_add_test(tc, test_claims);
	tcase_add_test(tc, test_claims_optional);
	tcase_add_test(tc, test_claims_out_of_scope);
	suite_add_tcase(s, tc);
	return s;
}
