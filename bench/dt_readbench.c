// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dt_readbench - time dmaptest's native read engine (dt_read_check() of
 * lib/libdt.a, the engine of truncate-od/native) on one file, outside the
 * runner, so `make bench` can put it next to fio, dd and od.
 *
 *   dt_readbench [-e auto|pread|uring] [-b BS] [-q QD] [-x zero|none]
 *                FILE [LEN]
 *
 * Prints one line of key=value pairs (engine, bytes, secs, mib_s, ok);
 * exit 0 when the whole range read back as expected, 1 when not, 2 on a
 * usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt_readcheck.h"

static int usage(void)
{
	fprintf(stderr, "usage: dt_readbench [-e auto|pread|uring] [-b BS] [-q QD] [-x zero|none] FILE [LEN]\n");
	return 2;
}

/* "1M", "4k", "8G", plain bytes */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	case '\0': break;
	default: return -1;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	struct dt_rc_opts o = {
		.engine = DT_RC_AUTO,
		.bs = 1u << 20,
		.qd = 4,
		.expect = { .kind = DT_EXPECT_ZERO },
	};
	struct dt_rc_result r;
	uint64_t v, len;
	struct stat st;
	char msg[512];
	int c, fd, ret;

	while ((c = getopt(argc, argv, "e:b:q:x:")) != -1) {
		switch (c) {
		case 'e':
			if (!strcmp(optarg, "auto"))
				o.engine = DT_RC_AUTO;
			else if (!strcmp(optarg, "pread"))
				o.engine = DT_RC_PREAD;
			else if (!strcmp(optarg, "uring"))
				o.engine = DT_RC_URING;
			else
				return usage();
			break;
		case 'b':
			if (parse_size(optarg, &v) || v < 512 || v > (1u << 30))
				return usage();
			o.bs = v;
			break;
		case 'q':
			if (parse_size(optarg, &v) || !v || v > 64)
				return usage();
			o.qd = v;
			break;
		case 'x':
			if (!strcmp(optarg, "zero"))
				o.expect.kind = DT_EXPECT_ZERO;
			else if (!strcmp(optarg, "none"))
				o.expect.kind = DT_EXPECT_NONE;
			else
				return usage();
			break;
		default:
			return usage();
		}
	}
	if (optind >= argc || argc - optind > 2)
		return usage();
	fd = open(argv[optind], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "dt_readbench: %s: %s\n", argv[optind],
			strerror(errno));
		return 1;
	}
	len = st.st_size;
	if (argc - optind == 2 && parse_size(argv[optind + 1], &len))
		return usage();
	ret = dt_read_check(fd, 0, len, &o, &r);
	close(fd);
	dt_rc_describe(&r, msg, sizeof(msg));
	printf("engine='%s' bytes=%" PRIu64 " secs=%.4f mib_s=%.1f ok=%d\n",
	       r.engine, r.bytes, r.secs,
	       r.secs > 0 ? r.bytes / r.secs / (1 << 20) : 0.0, ret == 0);
	if (ret)
		fprintf(stderr, "dt_readbench: %s\n", msg);
	return ret ? 1 : 0;
}
