# scripts/vm/share.sh - the host side of the virtio-fs share (bash,
# sourced by scripts/dmaptest-vm).
#
#   make_share             $share/scratch: a fresh ext4 image of
#                          --host-size, loop-mounted, with the share marker
#                          in its root; $share/results: the host's results
#                          folder, bind-mounted; $share/.vm: the launcher's
#                          exchange with the guest's /init. Sets
#                          mount_opts, share_token, scratch_dev,
#                          scratch_statfs, t_share
#   start_host_log N       the header of boot N's host log,
#                          $share/.vm/host-log.N
#   host_log_summary FILE  the counts of a host log's mappings of the
#                          scratch image, as a JSON object
#
# The share marker. A fill (dmaptest --allow-fill) must fill the
# size-limited image and nothing else, but a virtiofsd that does not
# serve submounts shows the guest the folder under the mount point, on
# the host's root file system. So the image's root holds
# .dmaptest-share:
#     dmaptest-vm share marker
#     token=<32 hex digits, random, new for each run>
#     image_bytes=<size of the image file>
#     statfs_bytes=<f_blocks * f_frsize of the mounted image, on the host>
# and the guest's /init gets the token on the kernel command line
# (dmaptest.share=TOKEN). It lets dmaptest fill only when it finds the
# marker at /mnt/share/scratch with that token and its own statvfs size
# of /mnt/share/scratch within 5 % of statfs_bytes (see scripts/vm/init).
# dmaptest gets the token too, as the run.json label share_token, so that
# it can make the same check itself.

SHARE_MARKER=.dmaptest-share

make_share() {
	local t0
	t0=$(now_us)
	mkdir -p "$share/scratch" "$share/results" "$vmc" || vm_die "cannot populate $share"
	truncate -s "$opt_host_size" "$work/host.img" || vm_die "cannot create $work/host.img"
	# -b 4096: below 512 MiB mke2fs picks 1 KiB blocks, virtiofsd passes the
	# host's st_blksize on, and a DAX guest needs i_blkbits == PAGE_SHIFT:
	# else fsync/msync of a DAX file is EIO with a WARNING in
	# dax_writeback_mapping_range() (fs/dax.c)
	mkfs.ext4 -q -F -m 0 -b 4096 -E nodiscard,lazy_itable_init=1,lazy_journal_init=1 \
		"$work/host.img" >"$work/mkfs.log" 2>&1 || {
		cat "$work/mkfs.log" >&2
		vm_die "mkfs.ext4 of the host image failed"
	}
	mount -o loop "$work/host.img" "$share/scratch" || vm_die "loop mount of $work/host.img failed"
	# the guest's results go straight into the host's results folder
	mount --bind "$results" "$share/results" || vm_die "bind mount of $results failed"

	# the marker, and what the host log's dev= field says for the image
	share_token=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
	scratch_dev=$(stat -c %d "$share/scratch")
	scratch_statfs=$(stat -f -c '%b %S' "$share/scratch" | awk '{ print $1 * $2 }')
	[ ${#share_token} -eq 32 ] && is_uint "$scratch_dev" && is_uint "$scratch_statfs" ||
		vm_die "cannot describe the host image (token '$share_token', dev '$scratch_dev', statfs '$scratch_statfs')"
	printf 'dmaptest-vm share marker\ntoken=%s\nimage_bytes=%s\nstatfs_bytes=%s\n' \
		"$share_token" "$(stat -c %s "$work/host.img")" "$scratch_statfs" \
		>"$share/scratch/$SHARE_MARKER" || vm_die "cannot write the share marker"
	t_share=$(secs "$t0" "$(now_us)")

	mount_opts=$opt_mount_opts
	if [ -n "$opt_cache_size" ]; then
		case ",$mount_opts," in
		*,dax,* | *,dax=*) ;;
		*) mount_opts=${mount_opts:+$mount_opts,}dax ;;
		esac
	fi
}

# The host log of boot N: virtiofsd's stderr (with -o dax_log, a line per
# mapping) after two header lines, so that the guest's dmaptest can read
# it at /mnt/share/.vm/host-log.N and pick the image's mappings out:
#     # dmaptest-host-log 1
#     # scratch-dev <st_dev of the image's root, decimal, as stat -c %d>
start_host_log() {
	printf '# dmaptest-host-log 1\n# scratch-dev %s\n' "$scratch_dev" >"$vmc/host-log.$1"
}

# counts of the mapping log lines (patches/qemu-7.2/README.md) for the
# image's dev: setups that worked, read-only and read-write (upgrades
# among them), failed setups, reserving setups, removes
host_log_summary() {
	awk -v dev="$scratch_dev" '
	$1 == "virtiofsd-dax:" {
		delete f
		for (i = 2; i <= NF; i++) {
			eq = index($i, "=")
			if (eq)
				f[substr($i, 1, eq - 1)] = substr($i, eq + 1)
		}
		lines++
		if (f["dev"] != dev)
			next
		if (f["op"] == "setup") {
			if (f["reserve"] == 1)
				reserved++
			if (f["result"] != 0)
				failed++
			else if (f["flags"] == "ro")
				ro++
			else {
				rw++
				if (f["upgrade"] == 1)
					upg++
			}
		} else if (f["op"] == "remove")
			rm++
	}
	END {
		printf "{\"scratch_dev\": %s, \"lines\": %d, \"setup_ro\": %d, \"setup_rw\": %d, \"upgrades\": %d, \"setup_failed\": %d, \"reserved\": %d, \"removes\": %d}\n",
			dev, lines, ro, rw, upg, failed, reserved, rm
	}' "$1" 2>/dev/null
}
