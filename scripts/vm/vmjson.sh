# scripts/vm/vmjson.sh - vm.json, what ran and what happened (bash,
# sourced by scripts/dmaptest-vm).
#
#   boots_json[], deaths_json[]   one JSON object per boot, per death
#   write_vm_json DIR STATUS ENDED   DIR/vm.json, written atomically

boots_json=()
deaths_json=()

# json_list ITEM...: a JSON array of strings, on one line
json_list() {
	local i=0 a
	echo -n "["
	for a in "$@"; do
		[ $i -gt 0 ] && echo -n ", "
		json_str "$a"
		i=$((i + 1))
	done
	echo -n "]"
}

write_vm_json() {
	local dir=$1 status=$2 end=$3 f tmp i
	[ -d "$dir" ] || return 0
	f=$dir/vm.json
	tmp=$f.tmp.$$
	{
		echo "{"
		echo "  \"tool\": \"dmaptest-vm\","
		echo "  \"started\": \"$started_at\","
		echo "  \"ended\": $end,"
		echo "  \"exit_status\": $status,"
		echo "  \"kernel\": {"
		echo "    \"file\": $(json_str "$kernel"),"
		echo "    \"release\": $(json_str "$k_release"),"
		echo "    \"package\": $(json_str "$k_package"),"
		echo "    \"package_version\": $(json_str "$k_version"),"
		echo "    \"modules\": $(json_str "$k_modules"),"
		echo "    \"append\": $(json_str "$opt_append")"
		echo "  },"
		echo "  \"stack\": {\"name\": $(json_str "$stack_name"), \"dir\": $(json_str "$stack_dir"), \"key\": $(json_str "$stack_key")},"
		echo "  \"qemu\": {"
		echo "    \"file\": $(json_str "$opt_qemu"),"
		echo "    \"version\": $(json_str "$qemu_version"),"
		echo "    \"accel\": $(json_str "$accel"),"
		echo "    \"kvm_probe\": $(json_str "${probe_why:-${opt_accel}}"),"
		echo "    \"memory_mb\": $mem_mb,"
		echo "    \"cpus\": $opt_cpus"
		echo "  },"
		echo "  \"virtiofsd\": {"
		echo "    \"file\": $(json_str "$opt_virtiofsd"),"
		echo "    \"version\": $(json_str "$vfsd_version"),"
		echo "    \"options\": $(json_list "${vfsd_opts[@]}"),"
		echo "    \"host_reserve\": $(json_str "${host_reserve:-default}"),"
		echo "    \"mapping_log\": $([ "$host_log_on" -eq 1 ] && echo true || echo false),"
		echo "    \"host_log_observer\": $([ "${host_log_arg:-0}" -eq 1 ] && echo true || echo false)"
		echo "  },"
		if [ -n "$opt_fuse_modules" ]; then
			# which modules, and did the guest see 0002's tracepoints
			local tp=false p patches=()
			grep -qs "fuse_dax events: yes" "$work"/console.*.log && tp=true
			while IFS= read -r p; do
				patches+=("$(json_str "${p#*=}")")
			done < <(grep -s '^patch\.' "$opt_fuse_modules/build-info")
			echo "  \"fuse_modules\": {\"dir\": $(json_str "$opt_fuse_modules"), \"fuse_vermagic\": $(json_str "$fuse_vermagic"), \"virtiofs_vermagic\": $(json_str "$virtiofs_vermagic"), \"patches\": [$(IFS=,; echo "${patches[*]}")], \"tracefs_fuse_dax\": $tp},"
		fi
		echo "  \"cache_size\": $(json_str "$opt_cache_size"),"
		echo "  \"mount_opts\": $(json_str "$mount_opts"),"
		echo "  \"host_size\": $(json_str "$opt_host_size"),"
		echo "  \"scratch\": {\"dev\": ${scratch_dev:-null}, \"statfs_bytes\": ${scratch_statfs:-null}, \"marker\": $(json_str "$SHARE_MARKER")},"
		echo "  \"guest_target\": \"$opt_guest_target\","
		echo "  \"guest_args\": $(json_list "${guest_args[@]}"),"
		echo "  \"keep_going\": $([ $opt_keep_going -eq 1 ] && echo true || echo false),"
		echo "  \"timeout_s\": $opt_timeout,"
		echo "  \"stall_s\": $opt_stall,"
		echo "  \"times_s\": {"
		echo "    \"stack\": ${t_stack:-0},"
		echo "    \"kernel\": $t_kernel,"
		echo "    \"build\": $t_build,"
		echo "    \"initramfs\": $t_initramfs,"
		echo "    \"share\": $t_share,"
		echo "    \"kvm_probe\": $t_probe,"
		echo "    \"total\": $(secs "$t_start" "$(now_us)")"
		echo "  },"
		echo "  \"nr_boots\": ${#boots_json[@]},"
		echo "  \"boots\": ["
		for ((i = 0; i < ${#boots_json[@]}; i++)); do
			echo -n "    ${boots_json[i]}"
			[ $i -lt $((${#boots_json[@]} - 1)) ] && echo "," || echo
		done
		echo "  ],"
		echo "  \"nr_deaths\": ${#deaths_json[@]},"
		echo "  \"deaths\": ["
		for ((i = 0; i < ${#deaths_json[@]}; i++)); do
			echo -n "    ${deaths_json[i]}"
			[ $i -lt $((${#deaths_json[@]} - 1)) ] && echo "," || echo
		done
		echo "  ]"
		echo "}"
	} >"$tmp" && sync "$tmp" 2>/dev/null; mv -f "$tmp" "$f"
}
