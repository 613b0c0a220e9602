// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_cases2.c - unit tests of case library II's helpers: the
 * self-describing blocks, the dmapfs control-file parser, the window
 * size parsers, fio's JSON in stray text, the owned-block engine and the
 * I/O methods on a real file.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dt_blk.h"
#include "dt_clock.h"
#include "dt_dmapctl.h"
#include "dt_fio.h"
#include "dt_owned.h"
#include "dt_rwio.h"
#include "dt_window.h"

#define SEED	0x1234abcdULL

START_TEST(blk_roundtrip)
{
	static uint64_t b[DT_BLK_SIZE / 8];
	struct dt_blk_info bi;

	dt_blk_fill(b, 0x201000, 7, 3, SEED);
	ck_assert_int_eq(dt_blk_check(b, 0x201000, SEED, &bi), DT_BLK_OK);
	ck_assert_uint_eq(bi.gen, 7);
	ck_assert_uint_eq(bi.tag, 3);
	ck_assert_uint_eq(bi.off, 0x201000);
	/* the same block read from another offset is misplaced */
	ck_assert_int_eq(dt_blk_check(b, 0x202000, SEED, &bi),
			 DT_BLK_MISPLACED);
	ck_assert_uint_eq(bi.off, 0x201000);
	memset(b, 0, sizeof(b));
	ck_assert_int_eq(dt_blk_check(b, 0, SEED, &bi), DT_BLK_ZERO);
}
END_TEST

START_TEST(blk_torn_and_garbage)
{
	static uint64_t a[DT_BLK_SIZE / 8], b[DT_BLK_SIZE / 8];
	struct dt_blk_info bi;
	char d[200];

	dt_blk_fill(a, 4096, 6, 1, SEED);
	dt_blk_fill(b, 4096, 7, 1, SEED);
	/* second half from the next generation: torn at +0x800 */
	memcpy((char *)a + 2048, (char *)b + 2048, 2048);
	ck_assert_int_eq(dt_blk_check(a, 4096, SEED, &bi), DT_BLK_TORN);
	ck_assert_uint_eq(bi.gen, 6);
	ck_assert_uint_eq(bi.bad_at, 2048);
	dt_blk_describe(&bi, d, sizeof(d));
	ck_assert_ptr_nonnull(strstr(d, "+0x800"));
	/* one flipped payload byte */
	dt_blk_fill(a, 4096, 6, 1, SEED);
	((char *)a)[3000] ^= 1;
	ck_assert_int_eq(dt_blk_check(a, 4096, SEED, &bi), DT_BLK_TORN);
	ck_assert_uint_eq(bi.bad_at, 3000);
	/* not ours at all */
	memset(a, 0, sizeof(a));
	((char *)a)[100] = 5;
	ck_assert_int_eq(dt_blk_check(a, 4096, SEED, &bi), DT_BLK_GARBAGE);
	ck_assert_uint_eq(bi.bad_at, 100);
	/* another seed does not verify */
	dt_blk_fill(a, 4096, 6, 1, SEED);
	ck_assert_int_eq(dt_blk_check(a, 4096, SEED + 1, &bi), DT_BLK_TORN);
}
END_TEST

static const char ctl_text[] =
	"version 1\n"
	"client reference\n"
	"inject stale-upgrade\n"
	"slot_size 2097152\n"
	"slots_total 16\n"
	"slots_free 13\n"
	"slots_busy 0\n"
	"slots_mapped 3\n"
	"setup_ro 5\n"
	"setup_rw 2\n"
	"upgrades 1\n"
	"removemappings 4\n"
	"reclaims 3\n"
	"window_locked 0\n"
	"map run/case/mixed 1 0 ro\n"
	"map run/case/mixed 1 5 rw\n"
	"map run/case/with\\040space 0 2 rw\n"
	"map ino:1234 7 9 ro\n";

START_TEST(ctl_parse)
{
	struct dt_ctl c;
	char desc[128];
	int nrw;

	ck_assert_int_eq(dt_ctl_parse(ctl_text, &c), 0);
	ck_assert_uint_eq(c.slots_total, 16);
	ck_assert_uint_eq(c.reclaims, 3);
	ck_assert_uint_eq(c.upgrades, 1);
	ck_assert_str_eq(c.inject, "stale-upgrade");
	ck_assert_int_eq(c.nmaps, 4);
	ck_assert_int_eq(dt_ctl_maps_of(&c, "run/case/mixed", 1, &nrw, desc,
					sizeof(desc)), 2);
	ck_assert_int_eq(nrw, 1);
	ck_assert_str_eq(desc, "slot 0 ro, slot 5 rw");
	ck_assert_int_eq(dt_ctl_maps_of(&c, "run/case/with space", 0, &nrw,
					desc, sizeof(desc)), 1);
	ck_assert_int_eq(dt_ctl_maps_of(&c, "run/case/mixed", 2, &nrw, desc,
					sizeof(desc)), 0);
	dt_ctl_free(&c);
	/* not a control file */
	ck_assert_int_eq(dt_ctl_parse("hello 1\n", &c), -1);
	dt_ctl_free(&c);
}
END_TEST

START_TEST(window_parsers)
{
	const char *iomem =
		"00000000-00000fff : Reserved\n"
		"e0000000-efffffff : virtio-pci-shm\n"
		"f0000000-f3ffffff : virtio-pci-shm\n"
		"fe000000-fe003fff : 0000:00:04.0\n";
	const char *kmsg =
		"[    1.0] virtiofs virtio0: Cache len: 0x10000000 @ 0xe0000000\n"
		"[    1.1] something else\n";
	int n;

	ck_assert_uint_eq(dt_window_from_iomem(iomem, &n), 0x10000000ULL);
	ck_assert_int_eq(n, 2);
	ck_assert_uint_eq(dt_window_from_iomem("0-0 : virtio-pci-shm\n", &n),
			  0);
	ck_assert_uint_eq(dt_window_from_kmsg(kmsg, &n), 0x10000000ULL);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(dt_window_from_kmsg("No cache capability\n", &n),
			  0);
}
END_TEST

#define JOB(name, err, rb, wb) \
	"{\"jobname\" : \"" name "\", \"error\" : " #err ", " \
	"\"read\" : {\"io_bytes\" : " #rb ", \"bw\" : 100, \"iops\" : 25.5, " \
	"\"clat_ns\" : {\"percentile\" : {\"50.000000\" : 2000, " \
	"\"99.000000\" : 9000}}}, " \
	"\"write\" : {\"io_bytes\" : " #wb ", \"bw\" : 50, \"iops\" : 12}}"

START_TEST(fio_json_in_stray_text)
{
	const char *text =
		"fio: multiple writers may overwrite blocks that belong to other jobs.\n"
		"{\n  \"fio version\" : \"fio-3.33\",\n  \"jobs\" : [" JOB("a", 0, 10, 20) "]\n}\n"
		"verify: bad magic header 4dcb, wanted acca {at} offset 0\n"
		"{ a stray line with a brace\n"
		"{\n  \"fio version\" : \"fio-3.33\", \"x\" : \"}{\\\"\",\n  \"jobs\" : ["
		JOB("a", 84, 100, 200) ", " JOB("b", 0, 1, 2) "]\n}\n"
		"{\n  \"jobs\" : [ ";	/* an incomplete status object */
	struct dt_fio_result r;
	char why[128];
	size_t s, e;

	ck_assert_int_eq(dt_fio_next_object(text, strlen(text), 0, &s, &e), 0);
	ck_assert_int_eq(text[s], '{');
	ck_assert_int_eq(text[e - 1], '}');
	ck_assert_int_eq(dt_fio_parse(text + s, e - s, &r, why, sizeof(why)),
			 0);
	ck_assert_int_eq(r.njobs, 1);
	ck_assert_uint_eq(r.io_bytes, 30);
	dt_fio_result_free(&r);

	ck_assert_int_eq(dt_fio_parse_last(text, strlen(text), &r, why,
					   sizeof(why)), 0);
	ck_assert_str_eq(r.version, "fio-3.33");
	ck_assert_int_eq(r.njobs, 2);
	ck_assert_str_eq(r.jobs[0].name, "a");
	ck_assert_int_eq(r.jobs[0].error, 84);
	ck_assert_uint_eq(r.jobs[0].rd.io_bytes, 100);
	ck_assert(r.jobs[0].rd.have_pct);
	ck_assert(r.jobs[0].rd.clat_p50_us == 2.0);
	ck_assert(r.jobs[0].rd.clat_p99_us == 9.0);
	ck_assert(!r.jobs[0].wr.have_pct);
	ck_assert(r.jobs[1].wr.iops == 12);
	ck_assert_uint_eq(r.io_bytes, 303);
	dt_fio_result_free(&r);

	ck_assert_int_eq(dt_fio_parse_last("fio: no such file\n", 18, &r,
					   why, sizeof(why)), -1);
}
END_TEST

START_TEST(owned_engine_on_a_file)
{
	char path[] = "/tmp/check_cases2.XXXXXX";
	struct dt_own_worker w[2];
	struct dt_anom a;
	struct dt_own *o;
	int fd = mkstemp(path), i;

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(ftruncate(fd, 3 << 21), 0);
	o = dt_own_create(1 << 21, 64, 1, SEED);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(dt_own_write_all(o, fd, 1), 0);
	ck_assert_int_eq(dt_own_verify(o, fd, &a), 0);

	/* one writer then one reader, every method, a short while each */
	memset(w, 0, sizeof(w));
	for (i = 0; i < 2; i++) {
		w[i].own = o;
		w[i].fd = fd;
		w[i].writer = i == 0;
		w[i].methods = DT_IO_ALL;
		w[i].mmap_coherent = true;
		w[i].rng = i + 1;
		snprintf(w[i].name, sizeof(w[i].name), "w%d", i);
		o->ctl.stop = 0;
		o->ctl.deadline = dt_now() + 0.3;
		dt_own_work(&w[i]);
		ck_assert_int_eq(w[i].ret, 0);
	}
	ck_assert_uint_eq(o->ctl.nanom, 0);
	ck_assert_uint_gt(o->writes[DT_IO_PSYNC] + o->writes[DT_IO_MMAP], 0);
	ck_assert_uint_gt(o->checked, 0);
	ck_assert_int_eq(dt_own_verify(o, fd, &a), 0);

	/* a block behind its recorded generation is found, with its offset */
	o->blk[5].gen += 1;
	ck_assert_int_eq(dt_own_verify(o, fd, &a), 1);
	ck_assert_int_eq(a.kind, DT_OWN_STALE);
	ck_assert_uint_eq(a.off, (1 << 21) + 5 * DT_BLK_SIZE);
	ck_assert_uint_eq(a.got + 1, a.want);
	dt_own_destroy(o);
	close(fd);
}
END_TEST

START_TEST(rwio_sigbus_is_an_error)
{
	char path[] = "/tmp/check_cases2.XXXXXX";
	struct dt_rwio io;
	char buf[4096];
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(ftruncate(fd, 8192), 0);
	ck_assert_int_eq(dt_rwio_open(&io, fd, 0, 8192, DT_IO_ALL, true), 0);
	ck_assert(io.methods & (1u << DT_IO_MMAP));
	memset(buf, 7, sizeof(buf));
	ck_assert_int_eq(dt_rwio_write(&io, DT_IO_MMAP, buf, 4096, 4096),
			 4096);
	ck_assert_int_eq(dt_rwio_read(&io, DT_IO_PSYNC, buf, 4096, 4096),
			 4096);
	ck_assert_int_eq(buf[4095], 7);
	/* the file shrinks under the mapping: SIGBUS, caught */
	ck_assert_int_eq(ftruncate(fd, 4096), 0);
	ck_assert_int_eq(dt_rwio_read(&io, DT_IO_MMAP, buf, 4096, 4096),
			 -DT_IO_ESIGBUS);
	ck_assert_uint_eq(io.sigbus_off, 4096);
	dt_rwio_close(&io);
	close(fd);
}
END_TEST

/*
 * uring_rw with a full submission queue: the leftovers of earlier calls
 * (here four no-ops that were never submitted, with their own tag) are
 * no reason for an error, and their completions (res 0) are not taken
 * for the read's (which would look like end of file).
 */
START_TEST(rwio_uring_full_queue)
{
	char path[] = "/tmp/check_cases2.XXXXXX";
	struct io_uring_sqe *sqe;
	struct dt_rwio io;
	char buf[4096], want[4096];
	int fd = mkstemp(path), i;

	ck_assert_int_ge(fd, 0);
	unlink(path);
	memset(want, 0x5a, sizeof(want));
	ck_assert_int_eq(pwrite(fd, want, sizeof(want), 4096), 4096);
	ck_assert_int_eq(dt_rwio_open(&io, fd, 0, 8192, 1u << DT_IO_URING,
				      true), 0);
	if (!(io.methods & (1u << DT_IO_URING))) {
		/* io_uring refused here (old kernel, seccomp): nothing to test */
		fprintf(stderr, "rwio_uring_full_queue: skipped: %s\n", io.why);
		dt_rwio_close(&io);
		close(fd);
		return;
	}
	for (i = 0; i < 4; i++) {
		sqe = io_uring_get_sqe(&io.ring);
		ck_assert_ptr_nonnull(sqe);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 0xdead);
	}
	ck_assert_ptr_null(io_uring_get_sqe(&io.ring));
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(dt_rwio_read(&io, DT_IO_URING, buf, 4096, 4096),
			 4096);
	ck_assert_mem_eq(buf, want, sizeof(buf));
	/* the ring works on: a write and a read back */
	memset(want, 0xa5, sizeof(want));
	ck_assert_int_eq(dt_rwio_write(&io, DT_IO_URING, want, 4096, 0), 4096);
	ck_assert_int_eq(dt_rwio_read(&io, DT_IO_URING, buf, 4096, 0), 4096);
	ck_assert_mem_eq(buf, want, sizeof(buf));
	dt_rwio_close(&io);
	close(fd);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cases2");
	TCase *tc = tcase_create("helpers");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, blk_roundtrip);
	tcase_add_test(tc, blk_torn_and_garbage);
	tcase_add_test(tc, ctl_parse);
	tcase_add_test(tc, window_parsers);
	tcase_add_test(tc, fio_json_in_stray_text);
	tcase_add_test(tc, owned_engine_on_a_file);
	tcase_add_test(tc, rwio_sigbus_is_an_error);
	tcase_add_test(tc, rwio_uring_full_queue);
	suite_add_tcase(s, tc);
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
