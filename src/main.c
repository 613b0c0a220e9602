// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c - dmaptest: command line entry */
#include <stdio.h>
#include <stdlib.h>

#include "options.h"
#include "run.h"
#include "util.h"

int main(int argc, char **argv)
{
	struct dt_opts o;
	char err[1024];
	int status;

	opts_init(&o);
	if (opts_parse(&o, argc, argv, err, sizeof(err)) < 0) {
		char *msg = printable(err);

		/* one line: what is wrong, and where */
		fprintf(stderr, "dmaptest: %s\n", msg);
		free(msg);
		opts_free(&o);
		return 2;
	}
	switch (o.command) {
	case CMD_HELP:
		opts_usage(stdout);
		status = 0;
		break;
	case CMD_VERSION:
		printf("dmaptest %s\n", PACKAGE_VERSION);
		status = 0;
		break;
	case CMD_LIST:
		status = list_command(&o);
		break;
	case CMD_ENV:
		status = env_command(&o);
		break;
	case CMD_CLEANUP:
		status = cleanup_command(&o);
		break;
	case CMD_RUN:
		status = run_command(&o, argc, argv);
		break;
	default:
		status = 2;
	}
	opts_free(&o);
	return status;
}
