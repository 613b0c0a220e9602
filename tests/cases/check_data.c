// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_data.c - unit tests of the case library's data helpers: the
 * offset pattern, fill checks, the streaming verifier, od's zero text,
 * sizes in words, the read engines on a real file, and the command
 * runner.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dt_cmd.h"
#include "dt_fmt.h"
#include "dt_od.h"
#include "dt_pattern.h"
#include "dt_readcheck.h"
#include "dt_verify.h"

START_TEST(pattern_is_offset_keyed)
{
	uint8_t a[4096], b[100];
	size_t i;

	dt_pattern_fill(a, sizeof(a), 1000, 42);
	/* any sub-range, at any alignment, is the same bytes */
	for (i = 0; i + sizeof(b) <= sizeof(a); i += 37) {
		dt_pattern_fill(b, sizeof(b), 1000 + i, 42);
		ck_assert_mem_eq(a + i, b, sizeof(b));
		ck_assert_int_eq(dt_pattern_byte(1000 + i, 42), a[i]);
	}
	ck_assert_int_eq(dt_pattern_check(a, sizeof(a), 1000, 42), -1);
	/* another seed or another offset is other data */
	ck_assert_int_ne(dt_pattern_check(a, sizeof(a), 1000, 43), -1);
	ck_assert_int_ne(dt_pattern_check(a, sizeof(a), 1008, 42), -1);
}
END_TEST

START_TEST(pattern_check_finds_first_flip)
{
	static uint8_t a[3 * 4096 + 5];

	dt_pattern_fill(a, sizeof(a), 7, 1);
	a[5000] ^= 0x10;
	a[9000] ^= 0x01;
	ck_assert_int_eq(dt_pattern_check(a, sizeof(a), 7, 1), 5000);
}
END_TEST

START_TEST(fill_check)
{
	static uint8_t z[10000];

	ck_assert_int_eq(dt_zero_check(z, sizeof(z)), -1);
	z[9999] = 1;
	ck_assert_int_eq(dt_zero_check(z, sizeof(z)), 9999);
	z[4096] = 2;
	ck_assert_int_eq(dt_zero_check(z, sizeof(z)), 4096);
	memset(z, 0xcd, sizeof(z));
	ck_assert_int_eq(dt_fill_check(z, sizeof(z), 0xcd), -1);
	z[3] = 0;
	ck_assert_int_eq(dt_fill_check(z, sizeof(z), 0xcd), 3);
}
END_TEST

START_TEST(verifier_streams)
{
	struct dt_expect e = { .kind = DT_EXPECT_PATTERN, .seed = 9 };
	struct dt_verifier v;
	uint8_t buf[1000];

	dt_verifier_init(&v, &e, 100);
	dt_pattern_fill(buf, 333, 100, 9);
	ck_assert(dt_verifier_feed(&v, buf, 333));
	dt_pattern_fill(buf, 1000, 433, 9);
	buf[500] ^= 0xff;
	ck_assert(!dt_verifier_feed(&v, buf, 1000));
	ck_assert_int_eq(v.bad_off, 933);
	ck_assert_int_eq(v.bad_want, dt_pattern_byte(933, 9));
	ck_assert_int_eq(v.pos, 1433);
	/* a later, higher offset does not replace the first */
	dt_verifier_note(&v, 2000, 1);
	ck_assert_int_eq(v.bad_off, 933);
	dt_verifier_note(&v, 50, 1);
	ck_assert_int_eq(v.bad_off, 50);
}
END_TEST

START_TEST(od_zero_text)
{
	char buf[256];
	const char *line = "0000000 0000 0000 0000 0000 0000 0000 0000 0000\n";

	ck_assert_int_gt(dt_od_zero_text(64ULL << 20, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "0000000 0000 0000 0000 0000 0000 0000 0000 0000\n*\n400000000\n");
	dt_od_zero_text(100ULL << 30, buf, sizeof(buf));
	ck_assert(!strncmp(buf, line, strlen(line)));
	ck_assert_str_eq(buf + strlen(line), "*\n1440000000000\n");
	dt_od_zero_text(16, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0000000 0000 0000 0000 0000 0000 0000 0000 0000\n0000020\n");
	dt_od_zero_text(20, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0000000 0000 0000 0000 0000 0000 0000 0000 0000\n0000020 0000 0000\n0000024\n");
	dt_od_zero_text(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0000000\n");
	ck_assert_int_eq(dt_od_zero_text(64, buf, 10), -1);
}
END_TEST

START_TEST(fmt_bytes)
{
	char b[DT_FMT_LEN];

	ck_assert_str_eq(dt_fmt_bytes(b, sizeof(b), 0), "0 B");
	ck_assert_str_eq(dt_fmt_bytes(b, sizeof(b), 4096), "4 KiB");
	ck_assert_str_eq(dt_fmt_bytes(b, sizeof(b), 3 << 19), "1.50 MiB");
	ck_assert_str_eq(dt_fmt_bytes(b, sizeof(b), 100ULL << 30), "100 GiB");
	ck_assert_str_eq(dt_fmt_delta(b, sizeof(b), -(2 << 20)), "-2 MiB");
	ck_assert_str_eq(dt_fmt_delta(b, sizeof(b), 512), "+512 B");
	ck_assert_str_eq(dt_errname(ENOSPC), "ENOSPC");
}
END_TEST

/* a scratch file of @len pattern bytes, unlinked at once */
static int pattern_file(uint64_t len, uint64_t seed)
{
	char path[] = "/tmp/check_data.XXXXXX";
	static uint8_t buf[65536];
	uint64_t off;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	for (off = 0; off < len; off += sizeof(buf)) {
		size_t n = len - off < sizeof(buf) ? len - off : sizeof(buf);

		dt_pattern_fill(buf, n, off, seed);
		ck_assert_int_eq(pwrite(fd, buf, n, off), n);
	}
	return fd;
}

static void engine_case(enum dt_rc_engine engine)
{
	uint64_t len = (5ULL << 20) + 12345;
	struct dt_rc_opts o = { .engine = engine, .bs = 1 << 20, .qd = 3,
				.expect = { .kind = DT_EXPECT_PATTERN,
					    .seed = 5 } };
	struct dt_rc_result r;
	uint8_t x = 0x55;
	int fd = pattern_file(len, 5);

	ck_assert_int_eq(dt_read_check(fd, 0, len, &o, &r), 0);
	ck_assert_int_eq(r.bytes, len);
	ck_assert_int_eq(r.v.bad_off, -1);
	/* a range from the middle */
	ck_assert_int_eq(dt_read_check(fd, 3000, 1 << 20, &o, &r), 0);
	/* one wrong byte deep inside */
	ck_assert_int_eq(pwrite(fd, &x, 1, (3 << 20) + 77), 1);
	ck_assert_int_eq(dt_read_check(fd, 0, len, &o, &r), -1);
	ck_assert_int_eq(r.v.bad_off, (3 << 20) + 77);
	ck_assert_int_eq(r.v.bad_got, 0x55);
	/* past the end of the file */
	ck_assert_int_eq(dt_read_check(fd, len - 10, 100, &o, &r), -1);
	ck_assert(r.short_eof);
	ck_assert_int_eq(r.err_off, len);
	close(fd);
}

START_TEST(engine_pread)
{
	engine_case(DT_RC_PREAD);
}
END_TEST

START_TEST(engine_uring)
{
	engine_case(DT_RC_AUTO);
}
END_TEST

START_TEST(engine_zero_of_sparse)
{
	struct dt_rc_opts o = { .expect = { .kind = DT_EXPECT_ZERO } };
	struct dt_rc_result r;
	char path[] = "/tmp/check_data.XXXXXX";
	int fd = mkstemp(path);

	unlink(path);
	ck_assert_int_eq(ftruncate(fd, 64 << 20), 0);
	ck_assert_int_eq(dt_read_check(fd, 0, 64 << 20, &o, &r), 0);
	ck_assert_int_eq(r.bytes, 64 << 20);
	ck_assert_int_gt(r.ops, 0);
	close(fd);
}
END_TEST

static void count_out(const char *buf, size_t len, void *arg)
{
	*(size_t *)arg += len;
}

START_TEST(cmd_runs)
{
	const char *argv[] = { "sh", "-c", "printf hello; printf oops >&2; exit 3", NULL };
	size_t seen = 0;
	struct dt_cmd c = { .argv = argv, .out_keep = 3,
			    .on_out = count_out, .arg = &seen };
	char st[64];

	ck_assert_int_eq(dt_cmd_run(&c), 0);
	ck_assert(!dt_cmd_ok(&c));
	ck_assert_str_eq(dt_cmd_status(&c, st, sizeof(st)), "exit status 3");
	ck_assert_str_eq(c.out, "hel");
	ck_assert_int_eq(c.out_total, 5);
	ck_assert_int_eq(seen, 5);
	ck_assert_str_eq(c.err, "oops");
	/* its own writes are in wchar */
	ck_assert_int_ge(c.wchar, 9);
	dt_cmd_free(&c);
	ck_assert(dt_cmd_exists("sh"));
	ck_assert(!dt_cmd_exists("dmaptest-no-such-command"));
}
END_TEST

START_TEST(cmd_signal)
{
	const char *argv[] = { "sh", "-c", "kill -BUS $$", NULL };
	struct dt_cmd c = { .argv = argv };
	char st[64];

	ck_assert_int_eq(dt_cmd_run(&c), 0);
	ck_assert_str_eq(dt_cmd_status(&c, st, sizeof(st)), "killed by SIGBUS");
	dt_cmd_free(&c);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("case library data");
	TCase *t = tcase_create("data");

	tcase_add_test(t, pattern_is_offset_keyed);
	tcase_add_test(t, pattern_check_finds_first_flip);
	tcase_add_test(t, fill_check);
	tcase_add_test(t, verifier_streams);
	tcase_add_test(t, od_zero_text);
	tcase_add_test(t, fmt_bytes);
	tcase_add_test(t, engine_pread);
	tcase_add_test(t, engine_uring);
	tcase_add_test(t, engine_zero_of_sparse);
	tcase_add_test(t, cmd_runs);
	tcase_add_test(t, cmd_signal);
	tcase_set_timeout(t, 60);
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
