// SPDX-License-Identifier: GPL-2.0-or-later
/* dt_pool.c - workers, their stop, deadline, pause and first anomaly */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dt_clock.h"
#include "dt_pool.h"

int dt_pool_init(struct dt_pool *p)
{
	memset(p, 0, sizeof(*p));
	p->ctl = mmap(NULL, sizeof(*p->ctl), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p->ctl == MAP_FAILED) {
		p->ctl = NULL;
		return -1;
	}
	p->own_ctl = true;
	return 0;
}

void dt_pool_init_ctl(struct dt_pool *p, struct dt_pool_ctl *ctl)
{
	memset(p, 0, sizeof(*p));
	p->ctl = ctl;
}

void dt_pool_destroy(struct dt_pool *p)
{
	if (!p->ctl)
		return;
	if (dt_pool_running(p))
		dt_pool_join(p, NULL, NULL);
	if (p->own_ctl)
		munmap(p->ctl, sizeof(*p->ctl));
	p->ctl = NULL;
}

struct dt_pool_worker *dt_pool_add(struct dt_pool *p, const char *name,
				   bool process, int kind,
				   void (*fn)(void *arg), void *arg)
{
	struct dt_pool_worker *w;

	if (p->n >= DT_POOL_MAX)
		return NULL;
	w = &p->w[p->n++];
	memset(w, 0, sizeof(*w));
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->process = process;
	w->kind = kind;
	w->fn = fn;
	w->arg = arg;
	return w;
}

static void *thread_main(void *arg)
{
	struct dt_pool_worker *w = arg;

	w->fn(w->arg);
	return NULL;
}

int dt_pool_start(struct dt_pool *p, double deadline, char *err,
		  size_t len)
{
	int i, ret;

	p->ctl->deadline = deadline;
	for (i = 0; i < p->n; i++) {
		struct dt_pool_worker *w = &p->w[i];

		if (!w->process)
			continue;
		fflush(NULL);
		w->pid = fork();
		if (w->pid < 0) {
			snprintf(err, len, "fork: %s", strerror(errno));
			goto fail;
		}
		if (!w->pid) {
			w->fn(w->arg);
			_exit(0);
		}
		w->running = true;
	}
	for (i = 0; i < p->n; i++) {
		struct dt_pool_worker *w = &p->w[i];

		if (w->process)
			continue;
		ret = pthread_create(&w->thread, NULL, thread_main, w);
		if (ret) {
			snprintf(err, len, "pthread_create: %s", strerror(ret));
			goto fail;
		}
		w->running = true;
	}
	return 0;
fail:
	dt_pool_join(p, NULL, NULL);
	return -1;
}

int dt_pool_running(const struct dt_pool *p)
{
	int i, n = 0;

	for (i = 0; i < p->n; i++)
		n += p->w[i].running;
	return n;
}

void dt_pool_join(struct dt_pool *p,
		  void (*died)(const struct dt_pool_worker *w, int sig,
			       void *arg),
		  void *arg)
{
	int i, st;

	dt_pool_stop(p->ctl);
	for (i = 0; i < p->n; i++) {
		struct dt_pool_worker *w = &p->w[i];

		if (!w->running)
			continue;
		w->running = false;
		if (!w->process) {
			pthread_join(w->thread, NULL);
			continue;
		}
		while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
			;
		if (WIFSIGNALED(st) && died)
			died(w, WTERMSIG(st), arg);
	}
}

bool dt_pool_stopped(const struct dt_pool_ctl *c)
{
	return __atomic_load_n(&c->stop, __ATOMIC_RELAXED) ||
	       (c->deadline > 0 && dt_now() >= c->deadline);
}

void dt_pool_stop(struct dt_pool_ctl *c)
{
	__atomic_store_n(&c->stop, 1, __ATOMIC_SEQ_CST);
}

void dt_pool_note(struct dt_pool_ctl *c, const struct dt_anom *a)
{
	if (__atomic_fetch_add(&c->nanom, 1, __ATOMIC_SEQ_CST) == 0)
		c->first = *a;
	dt_pool_stop(c);
}

void dt_pool_notef(struct dt_pool_ctl *c, int kind, const char *fmt, ...)
{
	struct dt_anom a;
	va_list ap;

	memset(&a, 0, sizeof(a));
	a.kind = kind;
	va_start(ap, fmt);
	vsnprintf(a.what, sizeof(a.what), fmt, ap);
	va_end(ap);
	dt_pool_note(c, &a);
}

bool dt_pool_pause(struct dt_pool_ctl *c, int n)
{
	__atomic_store_n(&c->pause, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&c->parked, __ATOMIC_SEQ_CST) < n) {
		if (dt_pool_stopped(c))
			return false;
		usleep(200);
	}
	return true;
}

void dt_pool_resume(struct dt_pool_ctl *c)
{
	__atomic_store_n(&c->pause, 0, __ATOMIC_SEQ_CST);
}

void dt_pool_park(struct dt_pool_ctl *c)
{
	if (!__atomic_load_n(&c->pause, __ATOMIC_RELAXED))
		return;
	__atomic_add_fetch(&c->parked, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&c->pause, __ATOMIC_SEQ_CST) &&
	       !dt_pool_stopped(c))
		usleep(200);
	__atomic_sub_fetch(&c->parked, 1, __ATOMIC_SEQ_CST);
}
