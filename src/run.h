/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run.h - the "run" command: plan, target, cases, results */
#ifndef DT_RUN_H
#define DT_RUN_H

#include "options.h"

/* Returns the process exit status (see dmaptest --help). */
int run_command(struct dt_opts *o, int argc, char **argv);
/* The "list" command. */
int list_command(struct dt_opts *o);
int env_command(struct dt_opts *o);
int cleanup_command(struct dt_opts *o);

#endif
