// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmapfs_io.c - tiny I/O helper for tests/dmapfs/integration.sh, with
 * exit codes and errno names a script can check.
 *
 *   dmapfs_io pwrite FILE OFF LEN BYTE   write LEN bytes of BYTE at OFF
 *   dmapfs_io check  FILE OFF LEN BYTE   read them back and compare
 *   dmapfs_io read   FILE OFF LEN        read (1 MiB requests), discard
 *   dmapfs_io mmap-write FILE OFF LEN BYTE   MAP_SHARED store + msync
 *
 * pwrite creates FILE if needed. Prints "OK" or "ERR <ERRNO-NAME> <message>"
 * (or "MISMATCH ..."); exits 0, 1 (I/O error), 3 (mismatch) or 2 (usage).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK (1 << 20)

static int fail(const char *what, int err)
{
	const char *name = strerrorname_np(err);

	printf("ERR %s %s: %s\n", name ? name : "?", what, strerror(err));
	return 1;
}

static int do_pwrite(int fd, off_t off, size_t len, int byte)
{
	char *buf = malloc(CHUNK);
	size_t done = 0;

	if (!buf)
		return fail("malloc", ENOMEM);
	memset(buf, byte, CHUNK);
	while (done < len) {
		size_t n = len - done < CHUNK ? len - done : CHUNK;
		ssize_t r = pwrite(fd, buf, n, off + done);

		if (r < 0)
			return fail("pwrite", errno);
		if (r == 0)
			return fail("pwrite returned 0", EIO);
		done += r;
	}
	free(buf);
	return 0;
}

static int do_read(int fd, off_t off, size_t len, int byte)
{
	char *buf = malloc(CHUNK);
	size_t done = 0, i;

	if (!buf)
		return fail("malloc", ENOMEM);
	while (done < len) {
		size_t n = len - done < CHUNK ? len - done : CHUNK;
		ssize_t r = pread(fd, buf, n, off + done);

		if (r < 0)
			return fail("pread", errno);
		if (r == 0) {
			printf("ERR EOF short file at %llu\n",
			       (unsigned long long)(off + done));
			return 3;
		}
		for (i = 0; byte >= 0 && i < (size_t)r; i++) {
			if ((unsigned char)buf[i] != byte) {
				printf("MISMATCH at %llu: 0x%02x, expected 0x%02x\n",
				       (unsigned long long)(off + done + i),
				       (unsigned char)buf[i], byte);
				return 3;
			}
		}
		done += r;
	}
	free(buf);
	return 0;
}

static int do_mmap_write(int fd, off_t off, size_t len, int byte)
{
	long pg = sysconf(_SC_PAGESIZE);
	off_t start = off & ~(off_t)(pg - 1);
	size_t maplen = len + (off - start);
	char *p;

	p = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, start);
	if (p == MAP_FAILED)
		return fail("mmap", errno);
	memset(p + (off - start), byte, len);
	if (msync(p, maplen, MS_SYNC))
		return fail("msync", errno);
	munmap(p, maplen);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;
	off_t off;
	size_t len;
	int fd, byte = -1, ret, flags = O_RDONLY;

	if (argc < 5) {
		fprintf(stderr, "usage: dmapfs_io pwrite|check|read|mmap-write FILE OFF LEN [BYTE]\n");
		return 2;
	}
	cmd = argv[1];
	off = strtoll(argv[3], NULL, 0);
	len = strtoull(argv[4], NULL, 0);
	if (argc > 5)
		byte = strtol(argv[5], NULL, 0) & 0xff;
	if (!strcmp(cmd, "pwrite"))
		flags = O_RDWR | O_CREAT;
	else if (!strcmp(cmd, "mmap-write"))
		flags = O_RDWR;
	if (byte < 0 && strcmp(cmd, "read")) {
		fprintf(stderr, "dmapfs_io: %s needs BYTE\n", cmd);
		return 2;
	}
	fd = open(argv[2], flags, 0644);
	if (fd < 0)
		return fail("open", errno);
	if (!strcmp(cmd, "pwrite"))
		ret = do_pwrite(fd, off, len, byte);
	else if (!strcmp(cmd, "check") || !strcmp(cmd, "read"))
		ret = do_read(fd, off, len, byte);
	else if (!strcmp(cmd, "mmap-write"))
		ret = do_mmap_write(fd, off, len, byte);
	else {
		fprintf(stderr, "dmapfs_io: unknown command %s\n", cmd);
		return 2;
	}
	if (!ret && close(fd))
		ret = fail("close", errno);
	if (!ret)
		printf("OK\n");
	return ret;
}
