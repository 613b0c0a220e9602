// SPDX-License-Identifier: GPL-2.0-or-later
/* watch.c - the watchdog around one case process */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bounded.h"
#include "diag.h"
#include "dt_proto.h"
#include "kmsg.h"
#include "procs.h"
#include "progress.h"
#include "watch.h"

#define TICK_MS 50		/* watchdog resolution */
#define MAX_TASKS 1024
#define ABORT_AFTER_S 0.2	/* killed tasks still there: abort the target */
#define TARGET_CHECK_S 0.5	/* how often to ask whether the target lives */

void watch_out_init(struct watch_out *out)
{
	memset(out, 0, sizeof(*out));
	observation_init(&out->obs);
	sb_init(&out->dmesg);
}

void watch_out_free(struct watch_out *out)
{
	int i;

	for (i = 0; i < out->nr_files; i++)
		free(out->files[i]);
	free(out->files);
	sb_free(&out->dmesg);
}

static void log_line(FILE *log, double t0, int verbose, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void log_line(FILE *log, double t0, int verbose, const char *fmt, ...)
{
	va_list ap;

	if (log) {
		fprintf(log, "[%+9.3fs] ", now_mono() - t0);
		va_start(ap, fmt);
		vfprintf(log, fmt, ap);
		va_end(ap);
		fputc('\n', log);
		fflush(log);
	}
	if (verbose > 0) {
		progress_clear();
		fprintf(stderr, "# ");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
}

void watch_handle_line(char *line, struct case_result *r,
		       struct watch_out *out, FILE *log, double t0,
		       int verbose)
{
	char *rest, *sp;
	int v;

	if (strlen(line) < 2 || line[1] != ' ') {
		log_line(log, t0, verbose, "garbled report line: %s", line);
		return;
	}
	rest = line + 2;
	switch (line[0]) {
	case 'R':
		sp = strchr(rest, ' ');
		if (sp)
			*sp++ = '\0';
		v = verdict_from_name(rest);
		if (v < 0 || v == DT_HANG) {
			log_line(log, t0, verbose, "bad verdict '%s' reported",
				 rest);
			v = DT_ERROR;
		}
		observation_add_result(&out->obs, v, sp ? sp : "");
		log_line(log, t0, verbose, "%s: %s", dt_verdict_name(v),
			 sp ? sp : "");
		break;
	case 'C': {
		char *id, *detail = "";

		sp = strchr(rest, ' ');
		if (!sp) {
			log_line(log, t0, verbose, "garbled claim line: %s",
				 line);
			break;
		}
		*sp = '\0';
		id = sp + 1;
		sp = strchr(id, ' ');
		if (sp) {
			*sp = '\0';
			detail = sp + 1;
		}
		v = dt_claim_state_from_name(rest);
		if (v <= DT_CLAIM_NONE) {
			log_line(log, t0, verbose, "bad claim state '%s' reported",
				 rest);
			v = DT_CLAIM_NONE;
		}
		observation_add_claim(&out->obs, v, id, detail);
		log_line(log, t0, verbose, "claim %s %s: %s", id,
			 dt_claim_state_name(v), detail);
		break;
	}
	case 'M':
		sp = strchr(rest, ' ');
		if (!sp)
			break;
		*sp++ = '\0';
		result_add_metric(r, rest, sp);
		log_line(log, t0, verbose > 1 ? verbose : 0, "metric %s = %s",
			 rest, sp);
		break;
	case 'I':
		log_line(log, t0, verbose, "%s", rest);
		break;
	case 'F':
		out->files = xrealloc(out->files,
				      (out->nr_files + 1) * sizeof(char *));
		out->files[out->nr_files++] = xstrdup(rest);
		break;
	default:
		log_line(log, t0, verbose, "unknown report line: %s", line);
	}
}

struct line_reader {
	char buf[2 * DT_LINE_MAX];
	size_t len;
};

/* Read what is there (non-blocking) and hand over complete lines. */
static void drain_reports(int fd, struct line_reader *lr,
			  struct case_result *r, struct watch_out *out,
			  const struct watch_params *wp, double t0)
{
	for (;;) {
		ssize_t n = read(fd, lr->buf + lr->len,
				 sizeof(lr->buf) - lr->len - 1);
		char *start, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		lr->len += n;
		lr->buf[lr->len] = '\0';
		start = lr->buf;
		while ((nl = strchr(start, '\n'))) {
			*nl = '\0';
			watch_handle_line(start, r, out, wp->log, t0,
					  wp->verbose);
			start = nl + 1;
		}
		lr->len -= start - lr->buf;
		memmove(lr->buf, start, lr->len);
		if (lr->len >= sizeof(lr->buf) - 1)
			lr->len = 0;	/* a line too long: drop it */
	}
}

static void describe_pids(const pid_t *pids, int n, char *buf, size_t size)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && len < size - 1; i++) {
		char one[128];

		proc_describe(pids[i], one, sizeof(one));
		len += snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
				one);
	}
}

struct diag_job {
	const char *path;
	pid_t pids[MAX_TASKS];
	int nr;
	const char *why;
	bool sysrq;
};

/* in a bounded child: /proc reads cannot hang the runner */
static int diag_job_fn(void *arg)
{
	struct diag_job *job = arg;
	struct sbuf sb;

	sb_init(&sb);
	sb_printf(&sb, "# dmaptest hang diagnostics: %s\n", job->why);
	sb_printf(&sb, "# %d task group member(s); saved before the kill\n\n",
		  job->nr);
	diag_tasks(&sb, job->pids, job->nr);
	if (job->sysrq)
		sb_puts(&sb, "\n# sysrq-w (blocked tasks) requested; its "
			     "output is in the case's dmesg file\n");
	else
		sb_puts(&sb, "\n# sysrq-w not available "
			     "(no writable /proc/sysrq-trigger)\n");
	return write_file_atomic(job->path, sb.s, sb.len) ? 1 : 0;
}

/* Wait up to secs for the main process to end while re-killing the group. */
static bool wait_gone(struct proc_group *g, int pidfd, double secs)
{
	double end = now_mono() + secs;
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	pid_t pids[MAX_TASKS];

	for (;;) {
		bool main_gone = poll(&pfd, 1, 0) > 0;

		if (main_gone && group_list(g, pids, MAX_TASKS) == 0)
			return true;
		if (now_mono() >= end)
			return false;
		group_kill(g);
		poll(&pfd, 1, 100);
	}
}

/*
 * Kill the whole group; if tasks stay, break the target off (they may be
 * waiting on it) and try again; report what could not be killed.
 */
static void kill_group(const struct watch_params *wp, struct proc_group *g,
		       int pidfd, struct watch_out *out, double t0)
{
	pid_t pids[MAX_TASKS];
	char desc[512];
	int n;

	/*
	 * A task waiting for a FUSE reply that will never come sleeps
	 * uninterruptibly: give SIGKILL a moment, then break the target's
	 * connection rather than wait out the whole grace period.
	 */
	group_kill(g);
	if (wait_gone(g, pidfd, wp->target && wp->target->ops->abort ?
		      ABORT_AFTER_S : wp->grace))
		return;
	if (wp->target && wp->target->ops->abort) {
		/* dead already (it may be why the case hung): say so first */
		if (!out->obs.target_died && wp->target->ops->check &&
		    wp->target->ops->check(wp->target, out->obs.target_reason,
					   sizeof(out->obs.target_reason)) < 0)
			out->obs.target_died = true;
		log_line(wp->log, t0, wp->verbose,
			 "tasks survived SIGKILL for %.1f s: aborting the target's connection",
			 ABORT_AFTER_S);
		wp->target->ops->abort(wp->target);
		out->obs.target_aborted = true;
		if (wait_gone(g, pidfd, wp->grace))
			return;
	}
	n = group_list(g, pids, MAX_TASKS);
	if (!n && poll(&(struct pollfd){ .fd = pidfd, .events = POLLIN }, 1,
		       0) > 0)
		return;
	out->obs.unkillable = true;
	out->obs.nr_unkillable = n ? n : 1;
	describe_pids(pids, n, desc, sizeof(desc));
	log_line(wp->log, t0, wp->verbose, "unkillable after SIGKILL and abort: %s",
		 desc);
}

static void collect_hang(const struct watch_params *wp, struct proc_group *g,
			 const char *why, double t0)
{
	struct diag_job *job = xcalloc(1, sizeof(*job));

	job->path = wp->hang_path;
	job->why = why;
	job->nr = group_list(g, job->pids, MAX_TASKS);
	job->sysrq = kmsg_sysrq_blocked();
	if (run_bounded(diag_job_fn, job, 10.0) != 0)
		log_line(wp->log, t0, wp->verbose,
			 "hang diagnostics incomplete (reading /proc timed out)");
	free(job);
}

static void child_main(const struct watch_params *wp, struct proc_group *g,
		       int report_w, struct dt_progress *prog, pid_t runner)
{
	sigset_t all;
	int fd, sig;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != runner)
		_exit(127);
	group_enter(g);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);

	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fd != STDIN_FILENO)
		dup2(fd, STDIN_FILENO);
	dup2(wp->full_fd, STDOUT_FILENO);
	dup2(wp->full_fd, STDERR_FILENO);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* what the case makes off the target goes where the runner looks */
	if (wp->tmpdir)
		setenv("TMPDIR", wp->tmpdir, 1);
	if (chdir(wp->ctx->workdir) < 0) {
		dt_report_attach(report_w, prog, wp->ctx, 0);
		dt_res(DT_ERROR, "cannot enter the scratch directory %s: %s",
		       wp->ctx->workdir, strerror(errno));
		_exit(0);
	}
	dt_report_attach(report_w, prog, wp->ctx, wp->runtime);
	dt_case_main(wp->ctx);
}

int watch_case(const struct watch_params *wp, struct case_result *r,
	       struct watch_out *out)
{
	struct case_observation *obs = &out->obs;
	struct line_reader *lr = xcalloc(1, sizeof(*lr));
	struct dt_progress *prog;
	struct proc_group g;
	struct kmsg km = { .fd = -1 };
	int pipefd[2], pidfd = -1, ret = -1;
	uint64_t last_beats = 0;
	double t0, last_change, deadline, last_check = 0;
	pid_t pid, runner = getpid();
	siginfo_t si;

	prog = mmap(NULL, sizeof(*prog), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (prog == MAP_FAILED) {
		free(lr);
		return -1;
	}
	memset(prog, 0, sizeof(*prog));
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		goto out_unmap;
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	group_create(&g, wp->group_name);
	if (wp->kmsg) {
		kmsg_mark("start %s", wp->id);
		kmsg_open(&km);
	}

	t0 = last_change = now_mono();
	deadline = t0 + wp->timeout;
	log_line(wp->log, t0, 0, "start: %s (timeout %.0f s, progress window %.0f s)",
		 wp->id, wp->timeout, wp->window);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		group_destroy(&g);
		goto out_unmap;
	}
	if (pid == 0) {
		close(pipefd[0]);
		child_main(wp, &g, pipefd[1], prog, runner);
	}
	close(pipefd[1]);
	procs_protect(pid);
	group_set_leader(&g, pid);
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	progress_start(wp->id, wp->index, wp->total);

	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = pipefd[0], .events = POLLIN },
			{ .fd = wp->stop_fd, .events = POLLIN },
		};
		uint64_t beats;
		double now;

		poll(pfd, 3, TICK_MS);
		drain_reports(pipefd[0], lr, r, out, wp, t0);
		if (pfd[0].revents)
			break;
		now = now_mono();
		beats = __atomic_load_n(&prog->beats, __ATOMIC_ACQUIRE);
		if (beats != last_beats) {
			last_beats = beats;
			last_change = now;
		}
		if (wp->target && wp->target->ops->check &&
		    now - last_check >= TARGET_CHECK_S) {
			last_check = now;
			if (wp->target->ops->check(wp->target, obs->target_reason,
						   sizeof(obs->target_reason)) < 0) {
				obs->target_died = true;
				log_line(wp->log, t0, wp->verbose,
					 "target died: %s; ending the case",
					 obs->target_reason);
				kill_group(wp, &g, pidfd, out, t0);
				break;
			}
		}
		if (pfd[2].revents) {
			obs->interrupted = true;
			log_line(wp->log, t0, wp->verbose,
				 "runner asked to stop: killing the case");
			kill_group(wp, &g, pidfd, out, t0);
			break;
		}
		if (now >= deadline || now - last_change >= wp->window) {
			char why[256];

			obs->hang = now >= deadline ? HANG_TIMEOUT :
						      HANG_NO_PROGRESS;
			obs->hang_seconds = obs->hang == HANG_TIMEOUT ?
					    wp->timeout : wp->window;
			memcpy(obs->hang_phase, prog->phase,
			       sizeof(obs->hang_phase));
			obs->hang_phase[sizeof(obs->hang_phase) - 1] = '\0';
			snprintf(why, sizeof(why), "%s after %.3f s (last heartbeat %.3f s ago)",
				 obs->hang == HANG_TIMEOUT ? "timeout" :
							     "no progress",
				 now - t0, now - last_change);
			log_line(wp->log, t0, wp->verbose, "HANG: %s", why);
			collect_hang(wp, &g, why, t0);
			kill_group(wp, &g, pidfd, out, t0);
			break;
		}
		progress_tick(prog, now);
	}
	progress_clear();

	/* the status, if the main process is gone (never block) */
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, pidfd, &si, WEXITED | WNOHANG) == 0 && si.si_pid) {
		if (si.si_code == CLD_EXITED) {
			obs->exited = true;
			obs->exit_code = si.si_status;
		} else {
			obs->exited = false;
			obs->term_signal = si.si_status;
		}
	} else if (!obs->unkillable && obs->hang == HANG_NONE &&
		   !obs->interrupted) {
		obs->exited = false;	/* should not happen: say so */
		obs->term_signal = SIGKILL;
	}
	procs_protect(0);
	drain_reports(pipefd[0], lr, r, out, wp, t0);
	obs->expect_signal = wp->ctx->tcase->expect_signal;

	/* whatever is left of the group was left behind by the case */
	if (obs->hang == HANG_NONE && !obs->interrupted) {
		pid_t pids[MAX_TASKS];
		int n = group_list(&g, pids, MAX_TASKS);

		if (n) {
			obs->nr_leftovers = n;
			describe_pids(pids, n, obs->leftovers,
				      sizeof(obs->leftovers));
			log_line(wp->log, t0, wp->verbose,
				 "left behind: %s; killing", obs->leftovers);
			kill_group(wp, &g, pidfd, out, t0);
		}
	}
	group_destroy(&g);

	if (wp->kmsg) {
		kmsg_mark("end %s", wp->id);
		kmsg_collect(&km, wp->ctx->run_id, &out->dmesg, &obs->nr_kmsg_bad,
			     obs->kmsg_first, sizeof(obs->kmsg_first));
		kmsg_close(&km);
	}
	/* a target the runner aborted itself (to end a hang) did not die */
	if (!obs->target_died && !obs->target_aborted && wp->target &&
	    wp->target->ops->check &&
	    wp->target->ops->check(wp->target, obs->target_reason,
				   sizeof(obs->target_reason)) < 0)
		obs->target_died = true;
	ret = 0;
	close(pipefd[0]);
	close(pidfd);
out_unmap:
	munmap(prog, sizeof(*prog));
	free(lr);
	return ret;
}
