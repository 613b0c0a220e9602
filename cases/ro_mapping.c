// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ro-mapping: read-only workloads must cause read-only mappings only.
 *
 * Each workload reads a sparse file and a written file (its own pair):
 * read, pread, readv, io_uring, mmap PROT_READ with a touch of every
 * page, sendfile, splice, cat and od. The written files are written
 * (inside i_size, so through read-write mappings), fsynced and synced
 * before any workload runs; the baselines are taken per workload. Every
 * workload must read the expected bytes and cause no read-write mapping,
 * no RO->RW upgrade and no host allocation: before the patch every DAX
 * mapping was read-write and reads made the host allocate.
 *
 * Each workload starts with no mapping of its file, so that its reads
 * measure something (a read that reuses a mapping sets none up): the
 * sparse file was never read; the written file's mappings, left by its
 * writes, are pushed out of the window (when its size is known) and its
 * inode evicted (drop_caches, as root), and the observer must then say
 * that none is left. From that state the observer must count a setup
 * for every 2 MiB range read (the positive control): one that counts
 * fewer misses mappings, and its zero read-write setups prove nothing.
 *
 * Claims are reported per workload and file (metrics ro.<workload>.
 * <file>.*); a workload that cannot be done here (no io_uring, ...)
 * leaves the mapping claim not measured.
 *
 * The mmap workload's mappings and allocation feed a claim of their own,
 * which needs a target whose MAP_SHARED mmaps are DAX mappings
 * (DT_FEAT_DAX_MMAP): on dmapfs an mmap goes through the kernel page
 * cache, and its faults become FUSE reads that the read(2) workloads
 * measure already. There the mmap workload checks its data only, and
 * that claim is reported out of scope.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "dt_case.h"
#include "dt_cmd.h"
#include "dt_fmt.h"
#include "dt_fs.h"
#include "dt_observe.h"
#include "dt_od.h"
#include "dt_pattern.h"
#include "dt_readcheck.h"
#include "dt_window.h"

#define MIB		(1ULL << 20)
#define NR_KINDS	2

struct rom_file {
	char path[PATH_MAX];
	const char *kind;		/* "sparse" or "written" */
	struct dt_expect expect;
};

/* 0: read as expected; -1: failed (msg); 1: cannot be done here (msg) */
typedef int (*wl_fn)(struct rom_file *f, char *msg, size_t len);

struct workload {
	const char *name;
	wl_fn fn;
	/* the claim its mappings and allocation feed; NULL: ro-only, no-alloc */
	const char *claim;
};

struct rom {
	uint64_t size, fs_slack;
	struct dt_obs *obs;
	const char *workdir;
	struct dt_window win;
	bool win_known;
	int npass, nfail, nskip, nscope;
	const struct dt_ctx *ctx;
	uint64_t total_ro, total_rw, total_bytes;
};

static struct rom rom;

static const char *const groups[] = { "quick", "dax", NULL };
static const char *const cmds[] = { "cat", "od", NULL };

static const struct dt_param_decl params[] = {
	{ "size", DT_PARAM_SIZE, "16M", "4M", "size of each file read",
	  .min = "4k" },
	{ "fs_slack", DT_PARAM_SIZE, "4M", NULL,
	  "growth of the host's used space tolerated from other writers" },
	DT_PARAM_WINDOW,
	{ NULL },
};

static const struct dt_claim claims[] = {
	{ "ro-only", "reads set up only read-only mappings (no read-write setup, no upgrade)" },
	{ "no-alloc", "reads allocate nothing on the host" },
	{ "observer", "the mapping observer saw a setup for every range read from an unmapped state" },
	{ "data", "every workload reads the expected bytes" },
	{ "mmap-ro", "reads through a DAX mmap set up only read-only mappings and allocate nothing",
	  .needs_features = DT_FEAT_DAX_MMAP },
	{ NULL },
};

static int open_ro(struct rom_file *f, char *msg, size_t len)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		snprintf(msg, len, "open: %s", dt_errname(errno));
	return fd;
}

/* the common ending of a streaming workload */
static int stream_result(struct dt_verifier *v, const char *how,
			 char *msg, size_t len)
{
	if (v->bad_off >= 0) {
		snprintf(msg, len, "%s: wrong data at offset %" PRId64 ": %#04x, expected %#04x",
			 how, v->bad_off, v->bad_got, v->bad_want);
		return -1;
	}
	if (v->pos != rom.size) {
		snprintf(msg, len, "%s: %" PRIu64 " bytes, expected %" PRIu64,
			 how, v->pos, rom.size);
		return -1;
	}
	snprintf(msg, len, "%s", how);
	return 0;
}

/* read(2) of 128 KiB or readv(2) of 4 x 64 KiB, start to end */
static int wl_stream(struct rom_file *f, char *msg, size_t len, bool vectored)
{
	enum { NV = 4, SEG = 64 * 1024, READ_SZ = 128 * 1024 };
	const char *call = vectored ? "readv(2)" : "read(2)";
	struct dt_verifier v;
	struct iovec iov[NV];
	char *buf = malloc(NV * SEG);
	int fd = open_ro(f, msg, len), i, ret;
	ssize_t n;

	if (fd < 0 || !buf) {
		free(buf);
		return -1;
	}
	for (i = 0; i < NV; i++)
		iov[i] = (struct iovec){ buf + i * SEG, SEG };
	dt_verifier_init(&v, &f->expect, 0);
	for (;;) {
		n = vectored ? readv(fd, iov, NV) : read(fd, buf, READ_SZ);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* the segments are contiguous in buf */
		dt_verifier_feed(&v, buf, n);
		dt_heartbeat_add(n, 1);
	}
	if (n < 0) {
		snprintf(msg, len, "%s failed at %" PRIu64 ": %s", call, v.pos,
			 dt_errname(errno));
		ret = -1;
	} else {
		ret = stream_result(&v, vectored ? "readv(2) 4 x 64 KiB" :
						 "read(2) 128 KiB", msg, len);
	}
	free(buf);
	close(fd);
	return ret;
}

static int wl_read(struct rom_file *f, char *msg, size_t len)
{
	return wl_stream(f, msg, len, false);
}

static int wl_engine(struct rom_file *f, char *msg, size_t len, bool uring)
{
	struct dt_rc_opts o = { .engine = DT_RC_PREAD, .bs = MIB, .qd = 4,
				.expect = f->expect };
	struct dt_rc_result r;
	int fd = open_ro(f, msg, len), ret;

	if (fd < 0)
		return -1;
	if (uring) {
		memset(&r, 0, sizeof(r));
		dt_verifier_init(&r.v, &f->expect, 0);
		ret = dt_read_check_uring(fd, 0, rom.size, &o, &r);
	} else {
		ret = dt_read_check(fd, 0, rom.size, &o, &r);
	}
	close(fd);
	if (ret == 1) {
		snprintf(msg, len, "%s", r.engine);
		return 1;
	}
	dt_rc_describe(&r, msg, len);
	if (!ret)
		snprintf(msg, len, "%s", r.engine);
	return ret ? -1 : 0;
}

static int wl_pread(struct rom_file *f, char *msg, size_t len)
{
	return wl_engine(f, msg, len, false);
}

static int wl_uring(struct rom_file *f, char *msg, size_t len)
{
	return wl_engine(f, msg, len, true);
}

static int wl_readv(struct rom_file *f, char *msg, size_t len)
{
	return wl_stream(f, msg, len, true);
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, 1);
}

static int wl_mmap(struct rom_file *f, char *msg, size_t len)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	const char *volatile how = "mmap PROT_READ MAP_SHARED";
	volatile uint64_t off = 0;
	volatile uint8_t sink = 0;
	int fd = open_ro(f, msg, len), ret = 0;
	long page = sysconf(_SC_PAGESIZE);
	char *p;

	if (fd < 0)
		return -1;
	p = mmap(NULL, rom.size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED && errno == ENODEV) {
		/* FUSE direct_io without DIRECT_IO_ALLOW_MMAP */
		how = "mmap PROT_READ MAP_PRIVATE (MAP_SHARED: ENODEV)";
		p = mmap(NULL, rom.size, PROT_READ, MAP_PRIVATE, fd, 0);
	}
	if (p == MAP_FAILED) {
		snprintf(msg, len, "mmap: %s", dt_errname(errno));
		close(fd);
		return 1;
	}
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jmp, 1)) {
		snprintf(msg, len, "%s: SIGBUS reading the page at offset %" PRIu64,
			 how, off);
		ret = -1;
		goto out;
	}
	/* a touch of every page first: one fault each, in order */
	for (off = 0; off < rom.size; off += page)
		sink += p[off];
	for (off = 0; off < rom.size; off += MIB) {
		size_t n = rom.size - off < MIB ? rom.size - off : MIB;
		ssize_t bad = dt_expect_check(&f->expect, p + off, n, off);

		if (bad >= 0) {
			snprintf(msg, len, "%s: wrong data at offset %" PRIu64 ": %#04x, expected %#04x",
				 how, off + bad, (uint8_t)p[off + bad],
				 dt_expect_byte(&f->expect, off + bad));
			ret = -1;
			goto out;
		}
		dt_heartbeat_add(n, 1);
	}
	snprintf(msg, len, "%s, every page touched", how);
out:
	sigaction(SIGBUS, &old, NULL);
	munmap(p, rom.size);
	close(fd);
	(void)sink;
	return ret;
}

/* move the file through a pipe with @mv and check what comes out */
static int through_pipe(struct rom_file *f, bool use_sendfile, char *msg,
			size_t len)
{
	const char *how = use_sendfile ? "sendfile(2) into a pipe" :
					 "splice(2) into a pipe";
	struct dt_verifier v;
	int pfd[2], fd = open_ro(f, msg, len), ret = -1;
	char *buf = NULL;
	loff_t off = 0;
	int psz;

	if (fd < 0)
		return -1;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(msg, len, "pipe: %s", dt_errname(errno));
		close(fd);
		return -1;
	}
	fcntl(pfd[1], F_SETPIPE_SZ, (int)MIB);
	psz = fcntl(pfd[1], F_GETPIPE_SZ);
	if (psz <= 0)
		psz = 65536;
	buf = malloc(psz);
	if (!buf)
		goto out;
	dt_verifier_init(&v, &f->expect, 0);
	while ((uint64_t)off < rom.size) {
		size_t want = rom.size - off < (uint64_t)psz ?
			      rom.size - off : (size_t)psz;
		ssize_t n, got = 0;

		if (use_sendfile)
			n = sendfile(pfd[1], fd, &off, want);
		else
			n = splice(fd, &off, pfd[1], NULL, want, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EINVAL || errno == ENOSYS) && !off) {
			snprintf(msg, len, "%s: %s", how, dt_errname(errno));
			ret = 1;
			goto out;
		}
		if (n <= 0) {
			snprintf(msg, len, "%s at %" PRIu64 ": %s", how,
				 (uint64_t)off,
				 n < 0 ? dt_errname(errno) : "end of file");
			goto out;
		}
		while (got < n) {
			ssize_t r = read(pfd[0], buf, n - got);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				snprintf(msg, len, "reading the pipe: %s",
					 r < 0 ? dt_errname(errno) : "EOF");
				goto out;
			}
			dt_verifier_feed(&v, buf, r);
			got += r;
		}
		dt_heartbeat_add(n, 1);
	}
	ret = stream_result(&v, how, msg, len);
out:
	free(buf);
	close(pfd[0]);
	close(pfd[1]);
	close(fd);
	return ret;
}

static int wl_sendfile(struct rom_file *f, char *msg, size_t len)
{
	return through_pipe(f, true, msg, len);
}

static int wl_splice(struct rom_file *f, char *msg, size_t len)
{
	return through_pipe(f, false, msg, len);
}

static void feed_out(const char *buf, size_t len, void *arg)
{
	dt_verifier_feed(arg, buf, len);
}

static int run_cmd(struct dt_cmd *c, char *msg, size_t len)
{
	char st[64], line[PATH_MAX + 32];

	dt_cmd_line(c, line, sizeof(line));
	if (dt_cmd_start(c) < 0) {
		snprintf(msg, len, "%s: %s", line, strerror(errno));
		return -1;
	}
	dt_obs_track_pid(rom.obs, c->pid);
	if (dt_cmd_wait(c) < 0) {
		snprintf(msg, len, "%s: wait: %s", line, strerror(errno));
		return -1;
	}
	if (!dt_cmd_ok(c) || c->err_total) {
		snprintf(msg, len, "%s: %s: %.200s", line,
			 dt_cmd_status(c, st, sizeof(st)), c->err);
		return -1;
	}
	return 0;
}

static int wl_cat(struct rom_file *f, char *msg, size_t len)
{
	const char *argv[] = { "cat", f->path, NULL };
	struct dt_verifier v;
	struct dt_cmd c = { .argv = argv, .on_out = feed_out, .arg = &v };
	int ret;

	dt_verifier_init(&v, &f->expect, 0);
	ret = run_cmd(&c, msg, len);
	if (!ret)
		ret = stream_result(&v, "cat", msg, len);
	dt_cmd_free(&c);
	return ret;
}

static int wl_od(struct rom_file *f, char *msg, size_t len)
{
	const char *argv[] = { "od", "-x", f->path, NULL };
	struct dt_cmd c = { .argv = argv, .out_keep = 4096 };
	char want[256];
	int ret;

	ret = run_cmd(&c, msg, len);
	if (ret)
		goto out;
	if (f->expect.kind == DT_EXPECT_ZERO) {
		dt_od_zero_text(rom.size, want, sizeof(want));
		if (strcmp(c.out, want)) {
			snprintf(msg, len, "od -x printed %" PRIu64 " bytes, not the zero line, '*' and %07" PRIo64,
				 c.out_total, rom.size);
			ret = -1;
			goto out;
		}
		snprintf(msg, len, "od -x: exact zero-file output");
	} else {
		/* cat checks the bytes; od must read them all, say nothing */
		if (c.rchar < rom.size) {
			snprintf(msg, len, "od -x read %" PRIu64 " of %" PRIu64 " bytes",
				 c.rchar, rom.size);
			ret = -1;
			goto out;
		}
		snprintf(msg, len, "od -x: %" PRIu64 " bytes of output",
			 c.out_total);
	}
out:
	dt_cmd_free(&c);
	return ret;
}

static const struct workload workloads[] = {
	{ "read", wl_read },
	{ "pread", wl_pread },
	{ "readv", wl_readv },
	{ "io_uring", wl_uring },
	{ "mmap", wl_mmap, "mmap-ro" },
	{ "sendfile", wl_sendfile },
	{ "splice", wl_splice },
	{ "cat", wl_cat },
	{ "od", wl_od },
};

#define NR_WL	(sizeof(workloads) / sizeof(workloads[0]))

static struct rom_file files[NR_WL][NR_KINDS];

static void write_file(struct rom_file *f)
{
	char *buf = malloc(MIB);
	int fd = open(f->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	uint64_t off;

	if (fd < 0 || !buf)
		dt_brk("create %s: %s", f->path, strerror(errno));
	/* size first: the writes then stay inside i_size (the DAX path) */
	if (ftruncate(fd, rom.size) < 0)
		dt_brk("ftruncate %s: %s", f->path, strerror(errno));
	for (off = 0; f->expect.kind == DT_EXPECT_PATTERN && off < rom.size;
	     off += MIB) {
		size_t n = rom.size - off < MIB ? rom.size - off : MIB;

		dt_pattern_fill(buf, n, off, f->expect.seed);
		if (pwrite(fd, buf, n, off) != (ssize_t)n)
			dt_brk("writing %s: %s", f->path, strerror(errno));
		dt_heartbeat_add(n, 1);
	}
	if (dt_sync_fd(fd) < 0)
		dt_brk("fsync %s: %s", f->path, strerror(errno));
	free(buf);
	close(fd);
}

static void setup(struct dt_ctx *ctx)
{
	char name[64], b[DT_FMT_LEN];
	size_t w;
	int k;

	rom.size = dt_param_size("size");
	rom.size = (rom.size + 4095) & ~4095ULL;
	rom.fs_slack = dt_param_size("fs_slack");
	rom.workdir = ctx->workdir;
	rom.ctx = ctx;
	rom.obs = dt_obs_open(ctx);
	rom.win_known = !dt_window_probe(ctx, &rom.win);
	dt_phase("writing %zu files of %s", NR_WL * NR_KINDS,
		 dt_fmt_bytes(b, sizeof(b), rom.size));
	dt_progress_total(NR_WL * rom.size * 3);
	for (w = 0; w < NR_WL; w++) {
		for (k = 0; k < NR_KINDS; k++) {
			struct rom_file *f = &files[w][k];

			f->kind = k ? "written" : "sparse";
			snprintf(name, sizeof(name), "%s.%s",
				 workloads[w].name, f->kind);
			if (dt_path(f->path, sizeof(f->path), ctx->workdir,
				    name) < 0)
				dt_brk("path too long");
			if (k)
				f->expect = (struct dt_expect){
					.kind = DT_EXPECT_PATTERN,
					.seed = ctx->seed + w * 977 };
			else
				f->expect = (struct dt_expect){
					.kind = DT_EXPECT_ZERO };
			write_file(f);
		}
	}
	/* what the writes allocated is in; now the baselines can start */
	dt_sync_path(ctx->workdir);
}

/*
 * Drop every mapping of the file and say whether none is left: 1 none
 * (checked), 0 some are (how many in msg), -1 the observer cannot tell
 * (why in msg). The window is pushed through first (every mapping older
 * than the eviction's goes), then the inode is evicted.
 */
static int drop_mappings(struct rom_file *f, char *msg, size_t len)
{
	char why[256] = "";
	long live;
	int tries;

	live = dt_obs_live(rom.obs, 0, msg, len);
	if (!live)
		return 1;
	if (live > 0)
		dt_info("%s: %ld mapping(s) before the workload: dropping them",
			f->path, live);
	if (rom.win_known &&
	    dt_window_evict(rom.workdir, rom.win.slots, why, sizeof(why)) < 0)
		dt_info("%s: pushing the window through: %s", f->path, why);
	live = dt_obs_live(rom.obs, 0, msg, len);
	if (!live)
		return 1;
	if (dt_evict_inodes() < 0) {
		dt_info("%s: evicting inodes: %s", f->path, strerror(errno));
	} else {
		/* a user-space daemon drops them on the FORGET that follows */
		for (tries = 0; tries < 40; tries++) {
			live = dt_obs_live(rom.obs, 0, msg, len);
			if (live <= 0)
				break;
			usleep(50000);
		}
	}
	if (!live)
		return 1;
	if (live > 0) {
		snprintf(msg, len, "%ld mapping(s) of the file were left after the window was pushed through and the inodes evicted",
			 live);
		return 0;
	}
	return -1;
}

/*
 * A workload whose mapping claim is out of scope on this target: its
 * data are still checked, its mappings and allocation are not judged.
 */
static void data_only(const struct workload *wl, struct rom_file *f,
		      const char *label)
{
	char msg[512];
	int fd, ret;

	rom.nscope++;
	dt_claim_out_of_scope(rom.ctx, wl->claim);
	fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		dt_brk("open %s: %s", f->path, strerror(errno));
	dt_drop_cache(fd);
	close(fd);
	ret = wl->fn(f, msg, sizeof(msg));
	if (ret > 0) {
		dt_claim_unmeasured("data", "%s: not done here: %s", label,
				    msg);
		return;
	}
	if (ret < 0) {
		rom.nfail++;
		dt_claim_failed("data", "%s: %s", label, msg);
		dt_info("FAIL: %s (%s)", label, msg);
		return;
	}
	dt_claim_held("data", "%s: %s", label, msg);
	dt_info("data only: %s (%s): its mappings are not judged here",
		label, msg);
}

static void one(const struct workload *wl, struct rom_file *f)
{
	char msg[512], sum[1024], prefix[64], label[64], why[512] = "";
	struct dt_obs_delta d;
	struct dt_obs_ro ro = {
		.label = label,
		.ranges = (rom.size + (2 * MIB) - 1) / (2 * MIB),
		.fs_slack = rom.fs_slack,
		.claim_ro = wl->claim ? wl->claim : "ro-only",
		.claim_alloc = wl->claim ? wl->claim : "no-alloc",
		.claim_observer = "observer",
	};
	enum dt_claim_state st;
	int fd, ret, unmapped;

	snprintf(prefix, sizeof(prefix), "ro.%s.%s", wl->name, f->kind);
	snprintf(label, sizeof(label), "%s/%s", wl->name, f->kind);
	dt_phase("%s on the %s file", wl->name, f->kind);
	if (wl->claim && !dt_claim_in_scope(rom.ctx, wl->claim)) {
		data_only(wl, f, label);
		return;
	}
	dt_obs_untrack_all(rom.obs);
	dt_obs_track(rom.obs, f->path);
	unmapped = drop_mappings(f, why, sizeof(why));
	/* a sparse file nobody read has no mapping, whoever can tell */
	ro.unmapped = unmapped == 1 ||
		      (unmapped < 0 && f->expect.kind == DT_EXPECT_ZERO);
	if (!ro.unmapped)
		dt_info("%s: not known to start unmapped: %s", label, why);
	dt_metric(prefix, "%s", unmapped == 1 ? "started unmapped (checked)" :
		  ro.unmapped ? "started unmapped (a fresh file)" : why);
	fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		dt_brk("open %s: %s", f->path, strerror(errno));
	/* the bytes must come from the file system, not from our cache */
	dt_drop_cache(fd);
	dt_obs_begin(rom.obs);
	ret = wl->fn(f, msg, sizeof(msg));
	dt_obs_end(rom.obs, &d);
	dt_obs_check_file(rom.obs, fd, &d);
	close(fd);
	if (ret > 0) {
		rom.nskip++;
		dt_claim_unmeasured(ro.claim_ro, "%s: not done here: %s", label,
				    msg);
		dt_claim_unmeasured("data", "%s: not done here: %s", label, msg);
		return;
	}
	if (ret < 0)
		dt_claim_failed("data", "%s: %s", label, msg);
	else
		dt_claim_held("data", "%s: %s", label, msg);
	st = dt_obs_judge_ro(&d, prefix, &ro, sum, sizeof(sum));
	if (d.map_valid) {
		rom.total_ro += d.map.setup_ro;
		rom.total_rw += d.map.setup_rw + d.map.upgrades;
	}
	if (ret < 0 || st == DT_CLAIM_FAILED) {
		rom.nfail++;
		dt_info("FAIL: %s (%s): %s", label, msg, sum);
		return;
	}
	rom.npass++;
	rom.total_bytes += rom.size;
	dt_info("%s: %s (%s): %s", st == DT_CLAIM_HELD ? "ok" : "not measured",
		label, msg, sum);
}

static void run(struct dt_ctx *ctx)
{
	char b[DT_FMT_LEN];
	size_t w;
	int k;

	for (w = 0; w < NR_WL; w++)
		for (k = 0; k < NR_KINDS; k++)
			one(&workloads[w], &files[w][k]);
	dt_metric("workloads_passed", "%d", rom.npass);
	dt_metric("workloads_failed", "%d", rom.nfail);
	dt_metric("workloads_not_done", "%d", rom.nskip);
	dt_metric("workloads_out_of_scope", "%d", rom.nscope);
	if (rom.nfail)
		return;
	dt_fmt_bytes(b, sizeof(b), rom.total_bytes);
	/* the reason of a PASS; the claims decide whether there is one */
	dt_res(DT_PASS, "%d read-only workloads read %s from an unmapped state with %" PRIu64 " RO and %" PRIu64 " RW mapping setups, no upgrade, no host allocation (%s)%s",
	       rom.npass, b, rom.total_ro, rom.total_rw, dt_obs_name(rom.obs),
	       rom.nscope ? "; mmap checked its data only" : "");
}

static void cleanup(struct dt_ctx *ctx)
{
	dt_obs_close(rom.obs);
	rom.obs = NULL;
}

const struct dt_case dt_case_ro_mapping = {
	.name = "ro-mapping",
	.desc = "read, pread, readv, io_uring, mmap, sendfile, splice, cat, od: RO mappings only, no allocation",
	.groups = groups,
	.needs_cmds = cmds,
	.params = params,
	.claims = claims,
	/* 9 written files of 16 MiB, and room for a read that allocates */
	.min_free_bytes = 160ULL << 20,
	.timeout = 900,
	.progress_window = 60,
	.setup = setup,
	.run = run,
	.cleanup = cleanup,
};
