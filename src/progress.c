// SPDX-License-Identifier: GPL-2.0-or-later
/* progress.c - a live or plain progress line for the running case */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "progress.h"
#include "util.h"

#define PLAIN_INTERVAL 5.0
#define TTY_INTERVAL 0.25

static enum dt_progress_mode mode = PROGRESS_NONE;
static char cur_id[128];
static int cur_index, cur_total;
static double case_start, last_print, last_rate_t;
static unsigned long long last_rate_bytes;
static double rate;
static bool line_shown;

void progress_setup(enum dt_progress_mode m)
{
	if (m == PROGRESS_AUTO)
		m = isatty(STDERR_FILENO) ? PROGRESS_TTY : PROGRESS_PLAIN;
	mode = m;
}

void progress_start(const char *id, int index, int total)
{
	snprintf(cur_id, sizeof(cur_id), "%s", id);
	cur_index = index;
	cur_total = total;
	case_start = last_print = last_rate_t = now_mono();
	last_rate_bytes = 0;
	rate = 0;
}

static void fmt_eta(double secs, char *buf, size_t size)
{
	if (secs < 0 || secs > 360000)
		snprintf(buf, size, "?");
	else if (secs >= 3600)
		snprintf(buf, size, "%dh%02dm", (int)secs / 3600,
			 ((int)secs % 3600) / 60);
	else if (secs >= 60)
		snprintf(buf, size, "%dm%02ds", (int)secs / 60, (int)secs % 60);
	else
		snprintf(buf, size, "%ds", (int)secs);
}

/*
 * Columns of the terminal on stderr, else $COLUMNS, else 80. A live line
 * wider than the terminal wraps, and every refresh then leaves a line
 * behind.
 */
static int columns(void)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	int n;

	if (!ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	n = env ? atoi(env) : 0;
	return n > 0 ? n : 80;
}

void progress_line(char *line, size_t size, const char *id, int index,
		   int total_cases, unsigned long long bytes,
		   unsigned long long total, double rate, double elapsed,
		   const char *phase)
{
	char done_s[32], total_s[32], rate_s[32], eta[32];
	size_t n;

	format_bytes(bytes, done_s, sizeof(done_s));
	format_bytes(total, total_s, sizeof(total_s));
	format_bytes(rate, rate_s, sizeof(rate_s));
	if (total) {
		fmt_eta(rate > 0 && total > bytes ? (total - bytes) / rate : -1,
			eta, sizeof(eta));
		n = snprintf(line, size, "[%d/%d] %s: %s of %s (%.0f%%), %s/s, ETA %s",
			     index, total_cases, id, done_s, total_s,
			     bytes < total ? 100.0 * bytes / total : 100.0,
			     rate_s, eta);
	} else {
		n = snprintf(line, size, "[%d/%d] %s: %s done, %s/s, elapsed %.0f s",
			     index, total_cases, id, done_s, rate_s, elapsed);
	}
	if (phase[0] && n < size)
		snprintf(line + n, size - n, ", phase: %s", phase);
}

void progress_tick(const struct dt_progress *p, double now)
{
	unsigned long long bytes, total;
	char line[512];
	double interval = mode == PROGRESS_TTY ? TTY_INTERVAL : PLAIN_INTERVAL;
	char phase[sizeof(p->phase)];

	if (mode == PROGRESS_NONE || now - last_print < interval)
		return;
	last_print = now;
	bytes = __atomic_load_n(&p->bytes, __ATOMIC_RELAXED);
	total = __atomic_load_n(&p->total_bytes, __ATOMIC_RELAXED);
	memcpy(phase, p->phase, sizeof(phase));
	phase[sizeof(phase) - 1] = '\0';
	if (now - last_rate_t >= 1.0 || !rate) {
		if (now > last_rate_t && bytes >= last_rate_bytes)
			rate = (bytes - last_rate_bytes) / (now - last_rate_t);
		last_rate_t = now;
		last_rate_bytes = bytes;
	}
	progress_line(line, sizeof(line), cur_id, cur_index, cur_total, bytes,
		      total, rate, now - case_start, phase);
	if (mode == PROGRESS_TTY) {
		/* one column short: a line filling the last one wraps */
		fprintf(stderr, "\r\033[K%.*s", columns() - 1, line);
		line_shown = true;
	} else {
		fprintf(stderr, "# progress: %s\n", line);
	}
	fflush(stderr);
}

void progress_clear(void)
{
	if (mode == PROGRESS_TTY && line_shown) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
		line_shown = false;
	}
}
