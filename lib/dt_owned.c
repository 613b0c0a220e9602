// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_owned.c - owned-block readers and writers with seqlock-guarded
 * checks (dt_owned.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dt_blk.h"
#include "dt_case.h"
#include "dt_clock.h"
#include "dt_owned.h"

#define BLK		DT_BLK_SIZE
#define VERIFY_CHUNK	(1u << 20)
#define MAX_SPAN	64u

static size_t own_size(uint32_t nblks)
{
	return sizeof(struct dt_own) + nblks * sizeof(struct dt_own_blk);
}

struct dt_own *dt_own_create(uint64_t base, uint32_t nblks,
			     uint32_t nwriters, uint64_t seed)
{
	struct dt_own *o;

	if (!nblks || !nwriters || nwriters > nblks)
		return NULL;
	o = mmap(NULL, own_size(nblks), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (o == MAP_FAILED)
		return NULL;
	o->base = base;
	o->nblks = nblks;
	o->nwriters = nwriters;
	o->seed = seed;
	return o;
}

void dt_own_destroy(struct dt_own *o)
{
	if (o)
		munmap(o, own_size(o->nblks));
}

static inline uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void dt_own_describe(const struct dt_own *o, const void *blk, uint64_t off,
		     uint64_t want, struct dt_anom *a)
{
	struct dt_blk_info bi;
	char d[160];

	memset(a, 0, sizeof(*a));
	a->off = off;
	a->want = want;
	dt_blk_check(blk, off, o->seed, &bi);
	dt_blk_describe(&bi, d, sizeof(d));
	if (bi.state == DT_BLK_OK && bi.gen < want) {
		a->kind = DT_OWN_STALE;
		a->got = bi.gen;
	} else if (bi.state == DT_BLK_ZERO) {
		a->kind = DT_OWN_STALE;
		a->got = 0;
	} else if (bi.state == DT_BLK_OK) {
		a->kind = DT_OWN_BAD;
		a->got = bi.gen;
		snprintf(d, sizeof(d), "generation %" PRIu64
			 " (newer than any write that had returned)", bi.gen);
	} else {
		a->kind = DT_OWN_BAD;
		a->got = bi.gen;
	}
	snprintf(a->what, sizeof(a->what), "%s", d);
}

static enum dt_io_method pick(const struct dt_own_worker *w,
			      const struct dt_rwio *io, uint64_t *rng)
{
	unsigned int ok = w->methods & io->methods;
	enum dt_io_method m;
	int n = __builtin_popcount(ok), k;

	if (!n)
		return DT_IO_PSYNC;
	k = rnd(rng) % n;
	for (m = 0; m < DT_IO_NR; m++)
		if ((ok & (1u << m)) && k-- == 0)
			break;
	return m;
}

static void note_ioerr(struct dt_own_worker *w, const char *op,
		       enum dt_io_method m, uint64_t off, size_t len,
		       ssize_t r, const struct dt_rwio *io)
{
	struct dt_anom a = { .kind = DT_OWN_IOERR, .off = off };

	snprintf(a.who, sizeof(a.who), "%s via %s", w->name,
		 dt_io_method_name(m));
	if (r == -DT_IO_ESIGBUS) {
		a.err = DT_IO_ESIGBUS;
		a.off = io->sigbus_off;
		snprintf(a.what, sizeof(a.what), "%s of %zu bytes at 0x%" PRIx64
			 ": SIGBUS at offset 0x%" PRIx64, op, len, off,
			 io->sigbus_off);
	} else if (r < 0) {
		a.err = (int)-r;
		snprintf(a.what, sizeof(a.what), "%s of %zu bytes at 0x%" PRIx64
			 " failed: %s", op, len, off, strerror(a.err));
	} else {
		a.err = EIO;
		snprintf(a.what, sizeof(a.what), "short %s at 0x%" PRIx64
			 ": %zd of %zu bytes", op, off, r, len);
	}
	dt_pool_note(&w->own->ctl, &a);
}

/*
 * A block read through a mapping that is not coherent with direct I/O
 * looked wrong: read it again with pread while its writer is still idle.
 * true when pread shows the generation wanted (the mapping was merely
 * behind: counted, not judged) or the writer got busy meanwhile; false
 * with blk replaced by what pread read, to be judged.
 */
static bool pread_agrees(struct dt_own_worker *w, struct dt_rwio *io,
			 char *blk, uint64_t off, uint32_t b, uint32_t seq,
			 uint32_t want)
{
	struct dt_own *o = w->own;
	uint64_t tmp[BLK / 8];
	struct dt_blk_info bi;

	if (dt_rwio_read(io, DT_IO_PSYNC, tmp, BLK, off) != BLK)
		return false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&o->blk[b].seq, __ATOMIC_SEQ_CST) != seq) {
		__atomic_add_fetch(&o->raced, 1, __ATOMIC_RELAXED);
		return true;
	}
	if (dt_blk_check(tmp, off, o->seed, &bi) == DT_BLK_OK &&
	    bi.gen == want) {
		__atomic_add_fetch(&o->mmap_stale, 1, __ATOMIC_RELAXED);
		return true;
	}
	memcpy(blk, tmp, BLK);
	return false;
}

static void write_one(struct dt_own_worker *w, struct dt_rwio *io, char *buf,
		      char *rbuf)
{
	struct dt_own *o = w->own;
	uint32_t nown = (o->nblks - w->id + o->nwriters - 1) / o->nwriters;
	uint32_t b = w->id + o->nwriters * (uint32_t)(rnd(&w->rng) % nown);
	struct dt_own_blk *k = &o->blk[b];
	uint64_t off = o->base + (uint64_t)b * BLK;
	uint32_t gen = k->gen + 1;
	enum dt_io_method m = pick(w, io, &w->rng), m2;
	struct dt_blk_info bi;
	ssize_t r;

	dt_blk_fill(buf, off, gen, w->id, o->seed);
	__atomic_store_n(&k->seq, k->seq + 1, __ATOMIC_SEQ_CST);
	r = dt_rwio_write(io, m, buf, BLK, off);
	if (r != BLK) {
		note_ioerr(w, "write", m, off, BLK, r, io);
		return;
	}
	__atomic_store_n(&k->gen, gen, __ATOMIC_SEQ_CST);
	__atomic_store_n(&k->seq, k->seq + 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&o->writes[m], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&o->bytes, BLK, __ATOMIC_RELAXED);
	dt_heartbeat_add(BLK, 1);

	if (rnd(&w->rng) & 1)
		return;
	/* read-after-write of a block only we write: must be exact */
	m2 = pick(w, io, &w->rng);
	r = dt_rwio_read(io, m2, rbuf, BLK, off);
	if (r != BLK) {
		note_ioerr(w, "read-back", m2, off, BLK, r, io);
		return;
	}
	__atomic_add_fetch(&o->reads[m2], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&o->readbacks, 1, __ATOMIC_RELAXED);
	if (dt_blk_check(rbuf, off, o->seed, &bi) != DT_BLK_OK ||
	    bi.gen != gen) {
		bool rechecked = m2 == DT_IO_MMAP && !w->mmap_coherent;
		struct dt_anom a;

		if (rechecked &&
		    pread_agrees(w, io, rbuf, off, b, k->seq, gen))
			return;
		dt_own_describe(o, rbuf, off, gen, &a);
		snprintf(a.who, sizeof(a.who),
			 "%s, reading back via %s%s what it wrote via %s",
			 w->name, dt_io_method_name(m2),
			 rechecked ? " (and pread)" : "",
			 dt_io_method_name(m));
		dt_pool_note(&o->ctl, &a);
	}
}

static void read_some(struct dt_own_worker *w, struct dt_rwio *io,
		      char *rbuf)
{
	struct dt_own *o = w->own;
	uint32_t span = 1 + rnd(&w->rng) % w->max_span;
	uint32_t start, i;
	uint32_t s1[MAX_SPAN], g[MAX_SPAN];
	enum dt_io_method m = pick(w, io, &w->rng);
	uint64_t off;
	ssize_t r;

	if (span > o->nblks)
		span = o->nblks;
	start = rnd(&w->rng) % (o->nblks - span + 1);
	off = o->base + (uint64_t)start * BLK;
	for (i = 0; i < span; i++) {
		s1[i] = __atomic_load_n(&o->blk[start + i].seq,
					__ATOMIC_SEQ_CST);
		g[i] = __atomic_load_n(&o->blk[start + i].gen,
				       __ATOMIC_SEQ_CST);
	}
	r = dt_rwio_read(io, m, rbuf, (size_t)span * BLK, off);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (r != (ssize_t)span * BLK) {
		note_ioerr(w, "read", m, off, (size_t)span * BLK, r, io);
		return;
	}
	__atomic_add_fetch(&o->reads[m], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&o->bytes, (uint64_t)span * BLK, __ATOMIC_RELAXED);
	dt_heartbeat_add((uint64_t)span * BLK, 1);
	for (i = 0; i < span; i++) {
		uint32_t s2 = __atomic_load_n(&o->blk[start + i].seq,
					      __ATOMIC_SEQ_CST);
		uint64_t boff = off + (uint64_t)i * BLK;
		char *blk = rbuf + (size_t)i * BLK;
		bool rechecked = false;
		struct dt_blk_info bi;
		struct dt_anom a;

		if ((s1[i] & 1) || s1[i] != s2) {
			__atomic_add_fetch(&o->raced, 1, __ATOMIC_RELAXED);
			continue;
		}
		__atomic_add_fetch(&o->checked, 1, __ATOMIC_RELAXED);
		if (dt_blk_check(blk, boff, o->seed, &bi) == DT_BLK_OK &&
		    bi.gen == g[i])
			continue;
		if (m == DT_IO_MMAP && !w->mmap_coherent) {
			if (pread_agrees(w, io, blk, boff, start + i, s1[i],
					 g[i]))
				continue;
			rechecked = true;
		}
		dt_own_describe(o, blk, boff, g[i], &a);
		snprintf(a.who, sizeof(a.who), "%s via %s (%u-block read)%s",
			 w->name, dt_io_method_name(m), span,
			 rechecked ? ", pread agreeing" : "");
		dt_pool_note(&o->ctl, &a);
		return;
	}
}

void dt_own_work(struct dt_own_worker *w)
{
	struct dt_own *o = w->own;
	uint64_t len = (uint64_t)o->nblks * BLK;
	struct dt_rwio io;
	char *buf, *rbuf;

	if (w->max_span < 1 || w->max_span > MAX_SPAN)
		w->max_span = 16;
	if (posix_memalign((void **)&buf, BLK, BLK) ||
	    posix_memalign((void **)&rbuf, BLK, (size_t)MAX_SPAN * BLK)) {
		w->ret = -1;
		snprintf(w->why, sizeof(w->why), "out of memory");
		return;
	}
	dt_rwio_open(&io, w->fd, o->base, len, w->methods, w->writer);
	snprintf(w->why, sizeof(w->why), "%s", io.why);
	w->ret = 0;
	while (!dt_pool_stopped(&o->ctl)) {
		if (__atomic_load_n(&o->ctl.pause, __ATOMIC_RELAXED)) {
			dt_pool_park(&o->ctl);
			continue;
		}
		if (w->writer)
			write_one(w, &io, buf, rbuf);
		else
			read_some(w, &io, rbuf);
	}
	__atomic_add_fetch(&o->msyncs, io.msyncs, __ATOMIC_RELAXED);
	__atomic_add_fetch(&o->ranges_synced, io.ranges_synced,
			   __ATOMIC_RELAXED);
	dt_rwio_close(&io);
	free(buf);
	free(rbuf);
}

int dt_own_write_all(struct dt_own *o, int fd, uint32_t gen)
{
	uint32_t per = VERIFY_CHUNK / BLK, b, i;
	char *buf;
	int ret = 0;

	if (posix_memalign((void **)&buf, BLK, VERIFY_CHUNK))
		return -ENOMEM;
	for (b = 0; b < o->nblks && !ret; b += per) {
		uint32_t n = o->nblks - b < per ? o->nblks - b : per;
		uint64_t off = o->base + (uint64_t)b * BLK;
		size_t done = 0, len = (size_t)n * BLK;

		for (i = 0; i < n; i++)
			dt_blk_fill(buf + (size_t)i * BLK,
				    off + (uint64_t)i * BLK, gen,
				    (b + i) % o->nwriters, o->seed);
		while (done < len) {
			ssize_t r = pwrite(fd, buf + done, len - done,
					   off + done);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				ret = r < 0 ? -errno : -EIO;
				break;
			}
			done += r;
		}
		for (i = 0; !ret && i < n; i++)
			o->blk[b + i].gen = gen;
		if (!ret)
			dt_heartbeat_add(len, 1);
	}
	free(buf);
	return ret;
}

int dt_own_verify(struct dt_own *o, int fd, struct dt_anom *first)
{
	uint32_t per = VERIFY_CHUNK / BLK, b, i;
	int nbad = 0;
	char *buf;

	memset(first, 0, sizeof(*first));
	if (posix_memalign((void **)&buf, BLK, VERIFY_CHUNK))
		return -1;
	for (b = 0; b < o->nblks; b += per) {
		uint32_t n = o->nblks - b < per ? o->nblks - b : per;
		uint64_t off = o->base + (uint64_t)b * BLK;
		size_t done = 0, len = (size_t)n * BLK;

		while (done < len) {
			ssize_t r = pread(fd, buf + done, len - done,
					  off + done);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				first->kind = DT_OWN_IOERR;
				first->err = r < 0 ? errno : EIO;
				first->off = off + done;
				snprintf(first->what, sizeof(first->what),
					 "read at 0x%" PRIx64 ": %s",
					 off + done, r < 0 ?
					 strerror(errno) : "end of file");
				free(buf);
				return -1;
			}
			done += r;
		}
		dt_heartbeat_add(len, 1);
		for (i = 0; i < n; i++) {
			uint64_t boff = off + (uint64_t)i * BLK;
			uint32_t want = o->blk[b + i].gen;
			struct dt_blk_info bi;

			if (dt_blk_check(buf + (size_t)i * BLK, boff, o->seed,
					 &bi) == DT_BLK_OK && bi.gen == want)
				continue;
			if (!want && bi.state == DT_BLK_ZERO)
				continue;
			if (!nbad++)
				dt_own_describe(o, buf + (size_t)i * BLK, boff,
						want, first);
		}
	}
	free(buf);
	return nbad;
}
