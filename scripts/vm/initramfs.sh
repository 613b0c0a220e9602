# scripts/vm/initramfs.sh - the guest's initramfs (bash, sourced by
# scripts/dmaptest-vm).
#
#   make_initramfs         $work/initramfs.gz through scripts/vm/mkinitramfs:
#                          scripts/vm/init, the static dmaptest (and
#                          dmapfs), the host programs the cases run, the
#                          modules; sets guest_tools[], t_initramfs

make_initramfs() {
	local t0 mk t p f m e
	t0=$(now_us)
	mk=(-o "$work/initramfs.gz" --init "$scripts/vm/init" --bin "$opt_dmaptest")
	# host programs the cases run, so that the guest runs the real ones
	# rather than busybox applets: mkfs.ext4 (dmapfs target), GNU od/cat/
	# truncate/dd (the reproducers), xfs_io when installed; fio on request
	guest_tools=()
	for t in mkfs.ext4 od cat truncate dd xfs_io "${opt_tools[@]}"; do
		p=$(command -v "$t" 2>/dev/null)
		[ -n "$p" ] && [[ $p != /* ]] && p=$(cd "$(dirname "$p")" && pwd)/$(basename "$p")
		if [ -n "$p" ] && [ -f "$p" ] && [ -x "$p" ]; then
			mk+=(--dyn "$p")
			guest_tools+=("$t")
		elif printf '%s\n' "${opt_tools[@]}" | grep -qxF -- "$t"; then
			vm_die "--tool: no program $t"
		fi
	done
	# fio job files, where dmaptest looks for them
	for f in "$srcdir"/cases/fio/*.fio; do
		[ -f "$f" ] && mk+=(--file "$f:/usr/local/share/dmaptest/fio/${f##*/}")
	done
	[ -n "$opt_dmapfs" ] && mk+=(--bin "$opt_dmapfs")
	[ -f /etc/mke2fs.conf ] && mk+=(--file /etc/mke2fs.conf:/etc/mke2fs.conf)
	# exclude files given to dmaptest (scripts/vm/options.sh)
	for f in "${guest_files[@]}"; do mk+=(--file "$f"); done
	[ -n "$k_config" ] && mk+=(--file "$k_config:/boot/config-$k_release")
	if [ -n "$k_modules" ]; then
		mk+=(--modules-dir "$k_modules")
		for m in "${all_mods[@]}"; do mk+=(--module "$m"); done
		for m in fuse virtiofs; do
			[ -n "$opt_fuse_modules" ] &&
				mk+=(--module-file "$m:$opt_fuse_modules/$m.ko")
		done
	elif [ ${#opt_mods[@]} -gt 0 ]; then
		vm_die "--module needs modules (--modules DIR)"
	else
		vm_say "no modules for $kernel: virtio-pci, virtiofs, fuse, loop and ext4 must be built in"
	fi
	for e in "${opt_extras[@]}"; do mk+=(--extra "$e"); done
	"$scripts/vm/mkinitramfs" "${mk[@]}" || vm_die "building the initramfs failed"
	t_initramfs=$(secs "$t0" "$(now_us)")
}
