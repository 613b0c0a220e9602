// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mount.c - mount /dev/fuse ourselves (root only), so that the session
 * can run with custom io (fuse_io.c), and unmount on exit.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"

int dm_mount(const char *mountpoint, int *devfd, char *err, size_t errlen)
{
	char opts[256];
	struct stat st;
	int fd;

	if (stat(mountpoint, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "mountpoint %s: %s", mountpoint,
			 errno ? strerror(errno) : "not a directory");
		return -1;
	}
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "/dev/fuse: %s%s", strerror(errno),
			 errno == EACCES ? " (dmapfs must run as root)" : "");
		return -1;
	}
	snprintf(opts, sizeof(opts),
		 "fd=%d,rootmode=%o,user_id=%u,group_id=%u,allow_other,default_permissions",
		 fd, S_IFDIR, (unsigned int)getuid(),
		 (unsigned int)getgid());
	if (mount("dmapfs", mountpoint, "fuse.dmapfs", MS_NOSUID | MS_NODEV,
		  opts)) {
		snprintf(err, errlen, "mount %s: %s%s", mountpoint,
			 strerror(errno),
			 errno == EPERM ? " (dmapfs must run as root)" : "");
		close(fd);
		return -1;
	}
	*devfd = fd;
	return 0;
}

void dm_umount(const char *mountpoint)
{
	umount2(mountpoint, MNT_DETACH);
}

/* mountinfo writes space, tab, newline and backslash as \ooo */
static void unescape_octal(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/*
 * The fusectl connection of our mount is the minor of its st_dev. A
 * stat() of the mountpoint would wait for INIT, which is not answered
 * yet: read it from /proc/self/mountinfo instead (last match wins).
 */
unsigned int dm_mount_conn_id(const char *mountpoint)
{
	char line[8192];
	unsigned int maj, min, id = 0;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char mnt[4096], type[256];

		/* id parent maj:min root mountpoint opts ... - type src */
		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min,
			   mnt) != 3)
			continue;
		unescape_octal(mnt);
		if (strcmp(mnt, mountpoint))
			continue;
		if (!strstr(line, " - ") ||
		    sscanf(strstr(line, " - "), " - %255s", type) != 1 ||
		    strcmp(type, "fuse.dmapfs"))
			continue;
		id = min;
	}
	fclose(f);
	return id;
}
