// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_tracefs.c - the kernel observers' plumbing on the running kernel:
 * a private tracefs instance with record-tgid and fork events, drained
 * from trace_pipe, builds the case's process tree (a child, a thread of
 * it, a grandchild forked by that thread), and nothing else; the
 * instance is gone after close, and one a dead process left is reaped.
 *
 * Needs root: it enters a mount namespace of its own and mounts tracefs
 * there when the system has it nowhere (nothing outside changes). Exit
 * 77 when that cannot be done.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dt_obs_priv.h"
#include "dt_tracefs.h"

static char root[64];

static void *thread_fn(void *arg)
{
	pid_t *out = arg, g;

	out[0] = syscall(SYS_gettid);
	g = fork();
	if (!g)
		_exit(0);
	out[1] = g;
	waitpid(g, NULL, 0);
	return NULL;
}

struct fam {
	pid_t child, tid, grandchild;
};

/* a child whose thread forks a grandchild; their ids come back */
static struct fam family(void)
{
	struct fam f = { 0 };
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	f.child = fork();
	ck_assert_int_ge(f.child, 0);
	if (!f.child) {
		pthread_t t;
		pid_t ids[2];

		pthread_create(&t, NULL, thread_fn, ids);
		pthread_join(t, NULL);
		if (write(p[1], ids, sizeof(ids)) != sizeof(ids))
			_exit(1);
		_exit(0);
	}
	{
		pid_t ids[2];

		ck_assert_int_eq(read(p[0], ids, sizeof(ids)), sizeof(ids));
		f.tid = ids[0];
		f.grandchild = ids[1];
	}
	waitpid(f.child, NULL, 0);
	close(p[0]);
	close(p[1]);
	return f;
}

static void line(const char *l, void *arg)
{
	dt_kacct_line(arg, l, NULL, NULL, 0);
}

START_TEST(process_tree)
{
	struct dt_tracefs t;
	struct dt_kacct a = { 0 };
	char why[256], path[256], go = 1;
	struct fam f;
	pid_t helper, other = 0;
	struct stat st;
	int to[2], from[2];

	/* forked before the instance: its own children are not the case's */
	ck_assert_int_eq(pipe(to), 0);
	ck_assert_int_eq(pipe(from), 0);
	helper = fork();
	if (!helper) {
		pid_t x;

		if (read(to[0], &go, 1) != 1)
			_exit(1);
		x = fork();
		if (!x)
			_exit(0);
		waitpid(x, NULL, 0);
		if (write(from[1], &x, sizeof(x)) != sizeof(x))
			_exit(1);
		_exit(0);
	}
	ck_assert_msg(!dt_tracefs_open(&t, root, 1024, why, sizeof(why)),
		      "%s", why);
	dt_ptree_add(&a.tree, getpid());
	ck_assert_int_eq(write(to[1], &go, 1), 1);
	ck_assert_int_eq(read(from[0], &other, sizeof(other)), sizeof(other));
	waitpid(helper, NULL, 0);
	f = family();
	usleep(100000);
	ck_assert_int_gt(dt_tracefs_drain(&t, line, &a), 0);
	ck_assert_msg(dt_ptree_has(&a.tree, f.child), "child %d", f.child);
	ck_assert_msg(dt_ptree_has(&a.tree, f.tid), "thread %d", f.tid);
	ck_assert_msg(dt_ptree_has(&a.tree, f.grandchild), "grandchild %d",
		      f.grandchild);
	ck_assert_msg(!dt_ptree_has(&a.tree, other), "other %d", other);
	ck_assert(!dt_ptree_has(&a.tree, helper));
	ck_assert(!dt_tracefs_overran(&t));
	snprintf(path, sizeof(path), "%s", t.inst);
	ck_assert_int_eq(stat(path, &st), 0);
	dt_tracefs_close(&t);
	ck_assert_int_eq(stat(path, &st), -1);
	dt_kacct_free(&a);
}
END_TEST

/* an instance of a process that is gone is removed by the next one */
START_TEST(reap)
{
	char path[256];
	struct stat st;
	pid_t pid = fork();

	if (!pid)
		_exit(0);
	waitpid(pid, NULL, 0);
	snprintf(path, sizeof(path), "%s/instances/" DT_TRACEFS_PREFIX "%d_1",
		 root, (int)pid);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	dt_tracefs_reap(root);
	ck_assert_int_eq(stat(path, &st), -1);
}
END_TEST

/* a private mount namespace with tracefs; 0, or -1 when not possible */
static int enter_tracefs(void)
{
	char why[256];

	if (geteuid())
		return -1;
	if (!dt_tracefs_find(root, sizeof(root), why, sizeof(why)))
		return 0;
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) < 0)
		return -1;
	return dt_tracefs_find(root, sizeof(root), why, sizeof(why));
}

int main(void)
{
	Suite *s = suite_create("tracefs");
	TCase *tc = tcase_create("instance");
	SRunner *sr;
	int failed;

	if (enter_tracefs() < 0) {
		printf("SKIP: needs root and a kernel with tracefs\n");
		return 77;
	}
	tcase_add_test(tc, process_tree);
	tcase_add_test(tc, reap);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
