# scripts/vm/kernel.sh - the guest kernel and its modules (bash, sourced
# by scripts/dmaptest-vm).
#
#   get_kernel             --kernel (with --modules or /lib/modules), or
#                          Debian's linux-image-amd64 through
#                          scripts/vm/fetch-kernel; sets kernel, k_release,
#                          k_config, k_modules, k_package, k_version,
#                          all_mods[], t_kernel, and for --fuse-modules
#                          fuse_vermagic and virtiofs_vermagic

get_kernel() {
	local t0 c kinfo k v m vm
	base_mods=(virtio_pci virtiofs fuse loop ext4 crc32c_generic)
	all_mods=("${base_mods[@]}" "${opt_mods[@]}")
	k_package= k_version= k_config= k_modules=
	t0=$(now_us)
	if [ -n "$opt_kernel" ]; then
		[ -f "$opt_kernel" ] || vm_die "--kernel: no such file: $opt_kernel"
		kernel=$(readlink -f "$opt_kernel")
		k_release=$(kernel_release "$kernel") || k_release=
		if [ -n "$opt_modules" ]; then
			[ -d "$opt_modules" ] || vm_die "--modules: not a folder: $opt_modules"
			k_modules=$opt_modules
		elif [ -n "$k_release" ] && [ -d "/lib/modules/$k_release" ]; then
			k_modules=/lib/modules/$k_release
		fi
		for c in "$(dirname "$kernel")/config-$k_release" "/boot/config-$k_release"; do
			[ -n "$k_release" ] && [ -f "$c" ] && { k_config=$c; break; }
		done
	else
		kinfo=$("$scripts/vm/fetch-kernel" --cache "$cache" "${all_mods[@]}") ||
			vm_die "no kernel (see above; or give --kernel)"
		while IFS='=' read -r k v; do
			case $k in
			kernel) kernel=$v ;;
			config) k_config=$v ;;
			modules) k_modules=$v ;;
			release) k_release=$v ;;
			package) k_package=$v ;;
			version) k_version=$v ;;
			esac
		done <<<"$kinfo"
	fi
	t_kernel=$(secs "$t0" "$(now_us)")

	# patched fuse modules must be built for this very kernel
	fuse_vermagic= virtiofs_vermagic=
	if [ -n "$opt_fuse_modules" ]; then
		for m in fuse virtiofs; do
			vm=$(modinfo -F vermagic "$opt_fuse_modules/$m.ko" 2>/dev/null) ||
				bad "--fuse-modules: cannot read the vermagic of $m.ko (modinfo, package kmod)"
			[ -n "$k_release" ] && [ "${vm%% *}" != "$k_release" ] &&
				bad "--fuse-modules: $m.ko is for ${vm%% *}, the guest kernel is $k_release"
			eval "${m}_vermagic=\$vm"
		done
	fi
}
