// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctl.c - the control file's text (written by lib/dt_dmapctl.c from the
 * protocol's tables) and parsing of its commands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static void word(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

char *dm_ctl_format(const struct dm_ctl_conf *conf,
		    const struct dm_snapshot *snap, size_t *len)
{
	const struct dm_policy *p = conf->policy;
	struct dt_ctl c;
	char *buf = NULL;
	size_t size = 0;
	FILE *f;
	int err;

	memset(&c, 0, sizeof(c));
	c.version = DT_CTL_VERSION;
	word(c.client, sizeof(c.client), dm_client_name(p->client));
	word(c.host_reserve, sizeof(c.host_reserve),
	     !p->host_reserve ? "off" :
	     conf->reserve_unsupported ? "unsupported" : "on");
	word(c.host_fault, sizeof(c.host_fault),
	     dm_host_fault_name(p->host_fault));
	dm_inject_format(p->inject, c.inject, sizeof(c.inject));
	dm_deviations_format(p, c.deviations, sizeof(c.deviations));
	/* asked for, but the host cannot: a deviation like reserve off */
	if (p->host_reserve && conf->reserve_unsupported) {
		size_t n = strlen(c.deviations);

		if (!strcmp(c.deviations, "none"))
			n = 0;
		snprintf(c.deviations + n, sizeof(c.deviations) - n, "%s%s",
			 n ? "," : "", "host-reserve-unsupported");
	}
	word(c.open_mode, sizeof(c.open_mode), conf->open_mode);
	word(c.mmap_shared, sizeof(c.mmap_shared),
	     conf->mmap_shared > 0 ? "yes" :
	     conf->mmap_shared == 0 ? "no" : "unknown");
	/*
	 * A MAP_SHARED mmap of a FUSE file goes through the kernel page
	 * cache (FUSE READ/WRITE on faults and writeback), never through
	 * the window: it pins no slot, its faults never set up a dmap.
	 */
	word(c.dax_mmap, sizeof(c.dax_mmap), "no");
	c.slot_size = DM_RANGE_SIZE;
	c.slots_total = snap->slots_total;
	c.slots_free = snap->slots_free;
	c.slots_busy = snap->slots_busy;
	c.slots_mapped = snap->slots_mapped;
	c.slots_leaked = snap->slots_leaked;
	c.vcpu_stalls = snap->stats.vcpu_stalls;
	c.fuse_conn = conf->conn_id;
	c.window_locked = snap->window_locked;
#define X(key, help) c.key = snap->stats.key;
	DT_CTL_COUNTERS(X)
#undef X
	c.maps = snap->maps;
	c.nmaps = snap->nmaps;

	f = open_memstream(&buf, &size);
	if (!f)
		return NULL;
	err = dt_ctl_write(f, &c);
	if (fclose(f) || err) {
		free(buf);
		return NULL;
	}
	*len = size;
	return buf;
}

int dm_ctl_parse(const char *buf, size_t len)
{
	size_t rlen = strlen(DT_CTL_CMD_RESET);

	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' ||
		       buf[len - 1] == '\t' || buf[len - 1] == '\0'))
		len--;
	while (len && (*buf == ' ' || *buf == '\t')) {
		buf++;
		len--;
	}
	if (len == rlen && !memcmp(buf, DT_CTL_CMD_RESET, rlen))
		return DM_CTL_RESET;
	return -EINVAL;
}
