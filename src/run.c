// SPDX-License-Identifier: GPL-2.0-or-later
/* run.c - run the selected cases one by one and record every outcome */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bounded.h"
#include "params.h"
#include "procs.h"
#include "progress.h"
#include "require.h"
#include "results.h"
#include "resume.h"
#include "run.h"
#include "scratch.h"
#include "select.h"
#include "target.h"
#include "util.h"
#include "watch.h"

#define WORKDIR_CLEANUP_TIMEOUT 30.0

static int stop_pipe[2] = { -1, -1 };
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	int saved = errno;

	stop_signal = sig;
	if (write(stop_pipe[1], "x", 1) < 0) {
		/* the pipe is full: we are stopping anyway */
	}
	errno = saved;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* per-case seed: the run seed mixed with the case id and iteration */
static uint64_t case_seed(uint64_t seed, const char *id)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211ULL;
	return seed ^ h;
}

static uint64_t default_seed(void)
{
	uint64_t s = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &s, sizeof(s)) != sizeof(s))
			s = 0;
		close(fd);
	}
	if (!s)
		s = (uint64_t)(now_real() * 1e6) ^ getpid();
	return s % 1000000000000ULL;	/* short enough to type */
}

/* one case, variant and iteration to run */
struct step {
	const struct plan_item *item;
	int iteration;
	char *id;
};

struct runner {
	struct dt_opts *o;
	struct run_info run;
	struct plan plan;
	struct step *steps;
	int nr_steps;
	struct scratch local;		/* the runner's own scratch folder */
	struct dt_target target;
	bool target_up;
	struct utsname uts;
	int index;
};

static void finish_result(struct runner *rn, struct case_result *r)
{
	char *line;

	if (results_write_case(&rn->run, r) < 0)
		fprintf(stderr, "dmaptest: writing results of %s: %s\n", r->id,
			strerror(errno));
	progress_clear();
	line = results_tap_line(r, rn->index);
	fputs(line, stdout);
	fflush(stdout);
	free(line);
}

static void set_reason(struct case_result *r, enum dt_verdict v,
		       const char *reason)
{
	r->verdict = v;
	free(r->reason);
	r->reason = xstrdup(reason);
}

static FILE *open_case_file(struct runner *rn, struct case_result *r,
			    const char *name)
{
	char path[PATH_MAX];

	if (results_case_path(&rn->run, r, name, path, sizeof(path)) < 0)
		return NULL;
	return fopen(path, "we");
}

static void save_case_text(struct runner *rn, struct case_result *r,
			   const char *name, const char *text)
{
	char path[PATH_MAX];

	if (results_case_path(&rn->run, r, name, path, sizeof(path)) < 0 ||
	    write_file_atomic(path, text, strlen(text)) < 0)
		fprintf(stderr, "dmaptest: cannot save %s of %s\n", name,
			r->id);
}

static int declare_claim(struct case_observation *obs,
			 const struct dt_claim *c)
{
	return observation_declare_claim_needs(obs, c->id, c->text,
					       c->optional,
					       c->needs_features);
}

/*
 * The case's and the variant's claims, into the observation: a variant's
 * claim with the id of one of the case's replaces it, in its place.
 */
static int declare_claims(struct case_observation *obs,
			  const struct dt_case *tc, const struct dt_variant *v)
{
	const struct dt_claim *c;

	for (c = tc->claims; c && c->id; c++)
		if (declare_claim(obs, dt_claim_find(tc, v, c->id)) < 0)
			return -1;
	for (c = v ? v->claims : NULL; c && c->id; c++)
		if (!dt_claim_find(tc, NULL, c->id) &&
		    declare_claim(obs, c) < 0)
			return -1;
	return 0;
}

/*
 * --baseline on a target without DAX: the case runs, but what it claims
 * of DAX mappings is not measured, so it cannot PASS; every reason says
 * so.
 */
static const struct dt_claim baseline_claim = {
	"dax", "the workload ran on DAX mappings",
};

static bool baseline_without_dax(const struct runner *rn,
				 const struct plan_item *it)
{
	return rn->o->baseline && !(rn->target.features & DT_FEAT_DAX) &&
	       require_dax(it->tcase, it->variant);
}

static void save_claims(struct case_result *r,
			const struct case_observation *obs)
{
	int i;

	for (i = 0; i < obs->nr_claims; i++) {
		const struct claim_obs *c = &obs->claims[i];
		enum dt_claim_state st = claim_state(c);

		struct claim_result *cr;

		cr = result_add_claim(r, c->id, c->text, c->optional, st,
				      c->nr[DT_CLAIM_HELD],
				      c->nr[DT_CLAIM_UNMEASURED],
				      c->nr[DT_CLAIM_FAILED],
				      st == DT_CLAIM_NONE ? "" : c->detail[st]);
		cr->needs = c->needs;
		cr->out_of_scope = claim_out_of_scope(obs, c);
	}
}

static void restart_target(struct runner *rn, const char *why)
{
	char err[512];

	if (!rn->target.ops->restart)
		return;
	fprintf(stderr, "# %s: restarting target %s\n", why,
		rn->target.ops->name);
	if (rn->target.ops->restart(&rn->target, err, sizeof(err)) < 0) {
		fprintf(stderr, "dmaptest: target restart failed: %s\n", err);
		rn->target_up = false;
	}
}

static void run_one(struct runner *rn, const struct step *step)
{
	const struct plan_item *it = step->item;
	int iter = step->iteration;
	struct dt_opts *o = rn->o;
	const struct dt_case *tc = it->tcase;
	struct case_result *r;
	struct watch_params wp;
	struct watch_out out;
	struct case_verdict cv;
	struct dt_ctx ctx;
	struct req_env env;
	struct sbuf unmet;
	char workdir[PATH_MAX], path[PATH_MAX], group[64], tmpdir[PATH_MAX];
	uint64_t free_bytes = 0;
	double t0;
	int full_fd, i;

	r = results_add_id(&rn->run, tc, it->variant, iter, xstrdup(step->id));
	rn->index++;
	r->start = now_real();
	t0 = now_mono();
	free(rn->run.current);
	rn->run.current = xstrdup(r->id);
	results_update(&rn->run);

	if (it->excluded) {
		r->excluded = true;
		set_reason(r, DT_SKIP, it->excluded);
		goto done;
	}
	if (!rn->target_up) {
		set_reason(r, DT_ERROR, "target is not available (failed to restart)");
		goto done;
	}

	target_free_bytes(&rn->target, &free_bytes);
	env.is_root = geteuid() == 0;
	env.kernel_release = rn->uts.release;
	env.features = rn->target.features;
	env.free_bytes = free_bytes;
	env.target_name = rn->target.ops->name;
	env.no_dax_reason = rn->target.no_dax_reason;
	env.baseline = o->baseline;
	env.path = getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin";
	sb_init(&unmet);
	if (require_check(tc, it->variant, &env, &unmet)) {
		set_reason(r, DT_SKIP, unmet.s);
		sb_free(&unmet);
		goto done;
	}
	sb_free(&unmet);

	if (snprintf(workdir, sizeof(workdir), "%s/%s/%s", rn->target.root,
		     rn->run.id, r->dir_name) >= (int)sizeof(workdir) ||
	    mkdir_p(workdir, 0755) < 0) {
		char msg[PATH_MAX + 64];

		snprintf(msg, sizeof(msg), "cannot create scratch directory %s: %s",
			 workdir, strerror(errno));
		set_reason(r, DT_ERROR, msg);
		goto done;
	}

	/* its tmp folder: off the target, inside the runner's own folder */
	if (snprintf(tmpdir, sizeof(tmpdir), "%s/tmp/%s", rn->local.path,
		     r->dir_name) >= (int)sizeof(tmpdir) ||
	    (mkdir(tmpdir, 0700) < 0 && errno != EEXIST)) {
		char msg[PATH_MAX + 64];

		snprintf(msg, sizeof(msg), "cannot create the tmp folder %s: %s",
			 tmpdir, strerror(errno));
		set_reason(r, DT_ERROR, msg);
		remove_tree_bounded(workdir, WORKDIR_CLEANUP_TIMEOUT);
		goto done;
	}

	memset(&ctx, 0, sizeof(ctx));
	ctx.tcase = tc;
	ctx.variant = it->variant;
	ctx.workdir = workdir;
	ctx.target_root = rn->target.root;
	ctx.target_name = rn->target.ops->name;
	ctx.features = rn->target.features;
	ctx.seed = case_seed(rn->run.seed, r->id);
	ctx.iteration = iter;
	ctx.run_id = rn->run.id;
	ctx.timeout_mul = o->timeout_mul;
	ctx.verbose = o->verbose;
	ctx.params = (const char *const *)o->params;
	ctx.observer = o->observer;
	ctx.host_log = o->host_log;
	ctx.quick = o->quick;
	for (i = 0; i < o->nr_selection; i++)
		if (!strcmp(o->selection[i], "quick"))
			ctx.quick = true;

	memset(&wp, 0, sizeof(wp));
	wp.ctx = &ctx;
	wp.id = r->id;
	wp.index = rn->index;
	wp.total = rn->run.planned;
	wp.timeout = (tc->timeout ? tc->timeout : DT_DEFAULT_TIMEOUT) *
		     o->timeout_mul;
	wp.window = (tc->progress_window ? tc->progress_window :
					   DT_DEFAULT_PROGRESS_WINDOW) *
		    o->timeout_mul;
	/* a longer runtime budget lengthens the hard timeout by as much */
	wp.runtime = tc->runtime * o->runtime_mul;
	if (wp.runtime > tc->runtime)
		wp.timeout += wp.runtime - tc->runtime;
	wp.grace = o->grace;
	wp.target = &rn->target;
	wp.stop_fd = stop_pipe[0];
	wp.tmpdir = tmpdir;
	wp.verbose = o->verbose;
	wp.kmsg = o->kmsg;
	snprintf(group, sizeof(group), "case-%d", rn->index);
	wp.group_name = group;
	results_case_path(&rn->run, r, "hang.txt", path, sizeof(path));
	wp.hang_path = path;
	wp.log = open_case_file(rn, r, "log");
	{
		char full[PATH_MAX];

		results_case_path(&rn->run, r, "full", full, sizeof(full));
		full_fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
				     O_APPEND, 0644);
	}
	wp.full_fd = full_fd;

	watch_out_init(&out);
	observation_set_target(&out.obs, rn->target.features,
			       dt_target_label(rn->target.features,
					       rn->target.ops->name));
	i = declare_claims(&out.obs, tc, it->variant);
	/* after the case's own: their reasons come first */
	if (!i && baseline_without_dax(rn, it) &&
	    !observation_declare_claim(&out.obs, baseline_claim.id,
				       baseline_claim.text, false))
		observation_add_claim(&out.obs, DT_CLAIM_UNMEASURED,
				      baseline_claim.id,
				      "--baseline on a target without DAX");
	if (i < 0) {
		set_reason(r, DT_ERROR, "the case declares more than 16 claims, or one twice: a bug of the case");
	} else if (full_fd < 0 || watch_case(&wp, r, &out) < 0) {
		set_reason(r, DT_ERROR, "could not start the case process");
	} else {
		decide_verdict(&out.obs, &cv);
		save_claims(r, &out.obs);
		set_reason(r, cv.verdict, cv.reason);
		if (baseline_without_dax(rn, it)) {
			char *why = xasprintf("baseline, no DAX (%s): %s",
					      rn->target.no_dax_reason[0] ?
					      rn->target.no_dax_reason :
					      "the target has none", cv.reason);

			set_reason(r, cv.verdict, why);
			free(why);
		}
		r->interrupted = out.obs.interrupted;
		r->unkillable = out.obs.unkillable;
		r->target_died = out.obs.target_died;
		if (out.dmesg.len)
			save_case_text(rn, r, "dmesg", out.dmesg.s);
	}
	if (wp.log)
		fprintf(wp.log, "verdict: %s: %s\n",
			dt_verdict_name(r->verdict), r->reason);

	/* a hung target must let go before its scratch files can go */
	if ((r->verdict == DT_HANG || out.obs.unkillable) &&
	    rn->target.ops->abort)
		rn->target.ops->abort(&rn->target);
	/* a hung or dead target must be back before its files can go */
	if (r->verdict == DT_HANG || r->target_died || out.obs.unkillable)
		restart_target(rn, r->target_died ? "target died" :
						    "case hung");
	/*
	 * Files the case asked us to remove, then its folders. Only what is
	 * inside its own scratch or tmp folder: the runner may be root, and
	 * a path from a case is no order to remove anything anywhere.
	 */
	for (i = 0; i < out.nr_files; i++) {
		FILE *log = wp.log ? wp.log : stderr;

		if (!scratch_within(out.files[i], workdir) &&
		    !scratch_within(out.files[i], tmpdir)) {
			fprintf(log, "refused to remove %s (registered by the case): it is outside the case's scratch folder %s and tmp folder %s\n",
				out.files[i], workdir, tmpdir);
			continue;
		}
		if (remove_tree_bounded(out.files[i], WORKDIR_CLEANUP_TIMEOUT))
			fprintf(log, "could not remove %s (registered by the case)\n",
				out.files[i]);
	}
	if (remove_tree_bounded(workdir, WORKDIR_CLEANUP_TIMEOUT) != 0 &&
	    wp.log)
		fprintf(wp.log, "could not remove scratch directory %s\n",
			workdir);
	if (remove_tree_bounded(tmpdir, WORKDIR_CLEANUP_TIMEOUT) != 0 &&
	    wp.log)
		fprintf(wp.log, "could not remove tmp folder %s\n", tmpdir);
	if (wp.log)
		fclose(wp.log);
	if (full_fd >= 0)
		close(full_fd);
	watch_out_free(&out);
done:
	r->duration = now_mono() - t0;
	free(rn->run.current);
	rn->run.current = NULL;
	finish_result(rn, r);
}

static int target_start(struct runner *rn, char *err, size_t errsz)
{
	const struct dt_target_ops *ops = target_find(rn->o->target);

	/*
	 * Without root there is no loop mount and no FUSE mount of our own:
	 * run on a plain directory, and the cases that need the size-limited
	 * host file system SKIP saying so.
	 */
	if (ops == &dt_target_dmapfs && geteuid() != 0) {
		printf("# the dmapfs target needs root: using --target dir\n");
		ops = &dt_target_dir;
	}

	if (!ops) {
		snprintf(err, errsz, "unknown target '%s'", rn->o->target);
		return -1;
	}
	memset(&rn->target, 0, sizeof(rn->target));
	rn->target.ops = ops;
	snprintf(rn->target.local, sizeof(rn->target.local), "%s",
		 rn->local.path);
	snprintf(rn->target.log_dir, sizeof(rn->target.log_dir), "%s",
		 rn->run.dir);
	if (ops->setup(&rn->target, rn->o, err, errsz) < 0) {
		if (ops->teardown)
			ops->teardown(&rn->target);
		return -1;
	}
	rn->target_up = true;
	if (ops->describe)
		rn->run.target_json = ops->describe(&rn->target);
	free(rn->run.env_json);
	rn->run.env_json = rn->target.env_json;
	rn->target.env_json = NULL;
	return 0;
}

/*
 * The runner's own scratch folder, under the per-user parent, after
 * removing what runs that are gone left there: mount points, the cases'
 * tmp folders, the dir target's files without --dir.
 */
static int local_start(struct runner *rn, char *err, size_t errsz)
{
	char parent[PATH_MAX - 128], tmp[PATH_MAX];

	if (scratch_parent(parent, sizeof(parent), err, errsz) < 0)
		return -1;
	if (scratch_create(&rn->local, parent, err, errsz) < 0)
		return -1;
	/* the cgroups of dead runners first: the reaper takes their folders */
	procs_cgroups(strrchr(rn->local.path, '/') + 1, parent);
	scratch_reap(parent, stderr, "dmaptest: ", false, 30.0);
	snprintf(tmp, sizeof(tmp), "%s/tmp", rn->local.path);
	if (mkdir(tmp, 0700) < 0) {
		snprintf(err, errsz, "%.900s: %s", tmp, strerror(errno));
		return -1;
	}
	return 0;
}

static void target_stop(struct runner *rn)
{
	char path[PATH_MAX + 64];

	if (!rn->target.ops)
		return;
	snprintf(path, sizeof(path), "%s/%s", rn->target.root,
		 rn->run.id ? rn->run.id : "");
	if (rn->run.id && rn->target_up)
		remove_tree_bounded(path, WORKDIR_CLEANUP_TIMEOUT);
	if (rn->target.ops->teardown)
		rn->target.ops->teardown(&rn->target);
	rn->target.ops = NULL;
}

static void print_summary(struct runner *rn)
{
	int counts[DT_NR_VERDICTS], excluded;
	char *dir;

	results_count(&rn->run, counts, &excluded);
	progress_clear();
	if (strcmp(rn->run.status, "complete"))
		printf("Bail out! run %s by %s\n", rn->run.status,
		       strsignal(stop_signal));
	dir = printable(rn->run.dir);
	printf("# PASS %d, FAIL %d, ERROR %d, HANG %d, SKIP %d (%d excluded); results in %s\n",
	       counts[DT_PASS], counts[DT_FAIL], counts[DT_ERROR],
	       counts[DT_HANG], counts[DT_SKIP], excluded, dir);
	free(dir);
	printf("%d passed, %d failed, %d skipped\n", counts[DT_PASS],
	       counts[DT_FAIL] + counts[DT_ERROR] + counts[DT_HANG],
	       counts[DT_SKIP]);
	fflush(stdout);
}

static void add_step(struct runner *rn, const struct plan_item *it, int iter,
		     char *id)
{
	rn->steps = xrealloc(rn->steps, (rn->nr_steps + 1) * sizeof(*rn->steps));
	rn->steps[rn->nr_steps].item = it;
	rn->steps[rn->nr_steps].iteration = iter;
	rn->steps[rn->nr_steps].id = id;
	rn->nr_steps++;
}

/* The selection times the iterations; the plan of run.json. */
static void plan_steps(struct runner *rn)
{
	int i, iter;

	for (iter = 1; iter <= rn->o->iterations; iter++)
		for (i = 0; i < rn->plan.nr; i++) {
			const struct plan_item *it = &rn->plan.items[i];

			add_step(rn, it, iter, result_id(it->tcase, it->variant,
							 iter, rn->o->iterations));
		}
	rn->run.plan_ids = xcalloc(rn->nr_steps + 1, sizeof(char *));
	for (i = 0; i < rn->nr_steps; i++)
		rn->run.plan_ids[i] = xstrdup(rn->steps[i].id);
	rn->run.nr_plan = rn->nr_steps;
	rn->run.planned = rn->nr_steps;
}

/* The rest of a resumed run: planned, not done, not the dead one. */
static int resume_steps(struct runner *rn, char *err, size_t errsz)
{
	const struct dt_variant *v;
	const struct dt_case *tc;
	int i, j, iter;

	if (resume_load(&rn->run, rn->o->resume, rn->o->selection,
			rn->o->nr_selection, rn->o->resume_reason, err,
			errsz) < 0)
		return -1;
	for (i = 0; i < rn->run.nr_plan; i++) {
		const char *id = rn->run.plan_ids[i];

		if (resume_is_done(&rn->run, id))
			continue;
		if (parse_case_id(id, &tc, &v, &iter) < 0) {
			snprintf(err, errsz, "resume: unknown case '%s' in the plan",
				 id);
			return -1;
		}
		for (j = 0; j < rn->plan.nr; j++)
			if (rn->plan.items[j].tcase == tc &&
			    rn->plan.items[j].variant == v)
				break;
		if (j == rn->plan.nr) {
			snprintf(err, errsz, "resume: case '%s' is not known", id);
			return -1;
		}
		add_step(rn, &rn->plan.items[j], iter, xstrdup(id));
	}
	return 0;
}

int run_command(struct dt_opts *o, int argc, char **argv)
{
	struct runner rn;
	char err[1024], *text, *why = NULL;
	int counts[DT_NR_VERDICTS], excluded, i, status = 3;

	memset(&rn, 0, sizeof(rn));
	rn.o = o;
	rn.local.lock_fd = -1;
	static char *every[] = { "all", "meta" };

	/* a resumed run takes its plan from the run folder */
	if (plan_build(&rn.plan, dt_cases, o->resume ? every : o->selection,
		       o->resume ? 2 : o->nr_selection, o->exclude_file, err,
		       sizeof(err)) < 0) {
		char *msg = printable(err);

		fprintf(stderr, "dmaptest: %s\n", msg);
		free(msg);
		return 2;
	}
	/* without root the run falls back to --target dir: say so first */
	if (!strcmp(o->target, "dmapfs") && geteuid() != 0 &&
	    opts_dmapfs_only_given(o)) {
		fprintf(stderr, "dmaptest: --%s needs the dmapfs target, which needs root: as uid %u the run would test --target dir\n",
			opts_dmapfs_only_given(o), (unsigned int)geteuid());
		plan_free(&rn.plan);
		return 2;
	}
	if (params_check(&rn.plan, dt_cases, o->params, err, sizeof(err)) < 0) {
		fprintf(stderr, "dmaptest: %s\n", err);
		plan_free(&rn.plan);
		return 2;
	}
	uname(&rn.uts);
	if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("dmaptest: pipe");
		goto out_plan;
	}
	install_signals();
	progress_setup(o->verbose < 0 ? PROGRESS_NONE : o->progress);
	procs_init();

	if (o->resume) {
		if (resume_steps(&rn, err, sizeof(err)) < 0) {
			fprintf(stderr, "dmaptest: %s\n", err);
			status = 2;
			goto out_procs;
		}
		if (o->seed_set)
			rn.run.seed = o->seed;
	} else {
		plan_steps(&rn);
		rn.run.selection = xcalloc(o->nr_selection + 1, sizeof(char *));
		for (i = 0; i < o->nr_selection; i++)
			rn.run.selection[i] = xstrdup(o->selection[i]);
		rn.run.nr_selection = o->nr_selection;
		rn.run.seed = o->seed_set ? o->seed : default_seed();
		rn.run.start = now_real();
	}
	rn.run.opts = o;
	rn.run.argc = argc;
	rn.run.argv = argv;
	snprintf(rn.run.results_dir, sizeof(rn.run.results_dir), "%s",
		 o->results_dir);

	if (o->resume) {
		rn.run.status = "running";
		results_update(&rn.run);
	} else if (results_open(&rn.run, err, sizeof(err)) < 0) {
		fprintf(stderr, "dmaptest: %s\n", err);
		goto out_procs;
	}
	if (local_start(&rn, err, sizeof(err)) < 0)
		why = xasprintf("scratch folder: %s", err);
	else if (target_start(&rn, err, sizeof(err)) < 0)
		why = xasprintf("target %s: %s", o->target, err);
	if (why) {
		char *msg = printable(why);

		fprintf(stderr, "dmaptest: %s\n", msg);
		free(msg);
		/* stdout, the tap file and run.json all say why */
		free(rn.run.header);
		rn.run.header = xasprintf("# dmaptest %s, run %s, seed %llu, target %s",
					  PACKAGE_VERSION, rn.run.id,
					  (unsigned long long)rn.run.seed,
					  o->target);
		rn.run.error = why;
		rn.run.status = "target-failed";
		rn.run.end = now_real();
		results_update(&rn.run);
		text = results_tap(&rn.run);
		fputs(text, stdout);
		free(text);
		goto out_target;
	}
	free(rn.run.header);
	rn.run.header = xasprintf("# dmaptest %s, run %s, seed %llu, target %s (%s)",
				  PACKAGE_VERSION, rn.run.id,
				  (unsigned long long)rn.run.seed,
				  rn.target.ops->name, rn.target.root);
	results_update(&rn.run);

	text = results_tap_head(&rn.run);
	fputs(text, stdout);
	free(text);
	/* a resumed run: what was done before, then the rest */
	for (i = 0; i < rn.run.nr_results; i++) {
		char *line = results_tap_line(&rn.run.results[i], i + 1);

		fputs(line, stdout);
		free(line);
	}
	rn.index = rn.run.nr_results;
	fflush(stdout);

	for (i = 0; i < rn.nr_steps && !stop_signal; i++) {
		run_one(&rn, &rn.steps[i]);
		if (rn.run.results[rn.run.nr_results - 1].unkillable &&
		    o->stop_on_unkillable) {
			fprintf(stderr, "# stopping: a case left unkillable tasks (--on-unkillable stop)\n");
			break;
		}
	}

	rn.run.status = stop_signal ? "interrupted" : "complete";
	rn.run.end = now_real();
	results_update(&rn.run);
	print_summary(&rn);
	results_count(&rn.run, counts, &excluded);
	if (stop_signal)
		status = 3;
	else
		status = counts[DT_FAIL] + counts[DT_ERROR] + counts[DT_HANG] ?
			 1 : 0;
out_target:
	target_stop(&rn);
	scratch_remove(&rn.local, WORKDIR_CLEANUP_TIMEOUT);
	results_free(&rn.run);
out_procs:
	procs_reap();
	procs_exit();
out_plan:
	plan_free(&rn.plan);
	for (i = 0; i < rn.nr_steps; i++)
		free(rn.steps[i].id);
	free(rn.steps);
	return status;
}
