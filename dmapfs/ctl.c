// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctl.c - text of the control file and parsing of its commands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

void dm_ctl_escape(const char *in, char *out, size_t len)
{
	size_t pos = 0;

	if (!len)
		return;
	for (; *in && pos + 1 < len; in++) {
		unsigned char c = *in;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
			if (pos + 5 > len)
				break;
			snprintf(out + pos, 5, "\\%03o", c);
			pos += 4;
		} else {
			out[pos++] = c;
		}
	}
	out[pos] = '\0';
}

static void put_u(FILE *f, const char *key, unsigned long long v)
{
	fprintf(f, "%s %llu\n", key, v);
}

char *dm_ctl_format(const struct dm_ctl_conf *conf,
		    const struct dm_snapshot *snap, size_t *len)
{
	const struct dm_policy *p = conf->policy;
	const struct dm_stats *st = &snap->stats;
	char list[256], path[8192];
	char *buf = NULL;
	size_t size = 0;
	FILE *f;
	size_t i;

	f = open_memstream(&buf, &size);
	if (!f)
		return NULL;
	put_u(f, "version", DM_CTL_VERSION);
	fprintf(f, "client %s\n", dm_client_name(p->client));
	fprintf(f, "host_reserve %s\n", p->host_reserve ? "on" : "off");
	fprintf(f, "host_fault %s\n", dm_host_fault_name(p->host_fault));
	dm_inject_format(p->inject, list, sizeof(list));
	fprintf(f, "inject %s\n", list);
	put_u(f, "slot_size", DM_RANGE_SIZE);
	put_u(f, "slots_total", snap->slots_total);
	put_u(f, "slots_free", snap->slots_free);
	put_u(f, "slots_busy", snap->slots_busy);
	put_u(f, "slots_mapped", snap->slots_mapped);
	put_u(f, "setup_ro", st->setup_ro);
	put_u(f, "setup_rw", st->setup_rw);
	put_u(f, "upgrades", st->upgrades);
	put_u(f, "removemappings", st->removemappings);
	put_u(f, "reclaims", st->reclaims);
	put_u(f, "enospc_early", st->enospc_early);
	put_u(f, "vcpu_stalls", st->vcpu_stalls);
	put_u(f, "vcpu_stalls_total", st->vcpu_stalls_total);
	put_u(f, "host_write_faults", st->host_write_faults);
	put_u(f, "sigbus", st->sigbus);
	dm_deviations_format(p, list, sizeof(list));
	fprintf(f, "deviations %s\n", list);
	fprintf(f, "open_mode %s\n", conf->open_mode);
	fprintf(f, "mmap_shared %s\n", conf->mmap_shared > 0 ? "yes" :
		conf->mmap_shared == 0 ? "no" : "unknown");
	put_u(f, "fuse_conn", conf->conn_id);
	put_u(f, "window_locked", snap->window_locked);
	for (i = 0; i < snap->nmaps; i++) {
		const struct dm_map_line *m = &snap->maps[i];

		dm_ctl_escape(m->path ? m->path : "?", path, sizeof(path));
		fprintf(f, "map %s %llu %u %s\n", path,
			(unsigned long long)m->idx, m->slot,
			m->rw ? "rw" : "ro");
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	*len = size;
	return buf;
}

int dm_ctl_parse(const char *buf, size_t len)
{
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' ||
		       buf[len - 1] == '\t' || buf[len - 1] == '\0'))
		len--;
	while (len && (*buf == ' ' || *buf == '\t')) {
		buf++;
		len--;
	}
	if (len == 5 && !memcmp(buf, "reset", 5))
		return DM_CTL_RESET;
	return -EINVAL;
}
