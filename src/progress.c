// SPDX-License-Identifier: GPL-2.0-or-later
/* progress.c - a live or plain progress line for the running case */
#include <stdio.h>
#include <string.h>
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

void progress_tick(const struct dt_progress *p, double now)
{
	unsigned long long bytes, total;
	char done_s[32], total_s[32], rate_s[32], eta[32], line[512];
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
	format_bytes(bytes, done_s, sizeof(done_s));
	format_bytes(total, total_s, sizeof(total_s));
	format_bytes(rate, rate_s, sizeof(rate_s));
	fmt_eta(rate > 0 && total > bytes ? (total - bytes) / rate : -1, eta,
		sizeof(eta));
	if (total)
		snprintf(line, sizeof(line),
			 "[%d/%d] %s %s / %s, %s/s, ETA %s%s%s", cur_index,
			 cur_total, cur_id, done_s, total_s, rate_s, eta,
			 phase[0] ? ", " : "", phase);
	else
		snprintf(line, sizeof(line), "[%d/%d] %s %.0f s, %s done%s%s",
			 cur_index, cur_total, cur_id, now - case_start,
			 done_s, phase[0] ? ", " : "", phase);
	if (mode == PROGRESS_TTY) {
		fprintf(stderr, "\r\033[K%.*s", 150, line);
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
