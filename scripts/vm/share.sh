# scripts/vm/share.sh - the host side of the virtio-fs share (bash,
# sourced by scripts/dmaptest-vm).
#
#   make_share             $share/scratch: a fresh ext4 image of
#                          --host-size, loop-mounted; $share/results: the
#                          host's results folder, bind-mounted; $share/.vm:
#                          the launcher's exchange with the guest's /init;
#                          sets mount_opts, t_share

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
	t_share=$(secs "$t0" "$(now_us)")

	mount_opts=$opt_mount_opts
	if [ -n "$opt_cache_size" ]; then
		case ",$mount_opts," in
		*,dax,* | *,dax=*) ;;
		*) mount_opts=${mount_opts:+$mount_opts,}dax ;;
		esac
	fi
}
