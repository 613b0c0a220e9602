/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.h - small helpers the runner modules share */
#ifndef DT_UTIL_H
#define DT_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* A growable string. */
struct sbuf {
	char *s;
	size_t len;
	size_t cap;
};

void sb_init(struct sbuf *sb);
void sb_free(struct sbuf *sb);
void sb_putc(struct sbuf *sb, char c);
void sb_puts(struct sbuf *sb, const char *s);
void sb_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap);
/*
 * s with control characters and bytes that are not UTF-8 written as
 * \xNN: an error message never puts raw binary on a terminal.
 */
void sb_put_printable(struct sbuf *sb, const char *s);
char *printable(const char *s);	/* the same, malloc'ed */
/* XML-escaped copy of s (for junit.xml). */
void sb_put_xml(struct sbuf *sb, const char *s);

/* Write a whole file atomically: temp file, fsync, rename, fsync dir. */
int write_file_atomic(const char *path, const char *data, size_t len);
int mkdir_p(const char *path, unsigned int mode);
/* Read a small file (up to max bytes) into a NUL-terminated buffer. */
char *read_file(const char *path, size_t max, size_t *len);
int path_join(char *out, size_t size, const char *a, const char *b);

double now_mono(void);
double now_real(void);
void iso8601(double t, char *buf, size_t size);
void format_bytes(double bytes, char *buf, size_t size);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parsers: 0 on success, -1 when s is not entirely a valid value. */
int parse_u64(const char *s, unsigned long long *out);
int parse_double(const char *s, double *out);
char *strtrim(char *s);

#endif
