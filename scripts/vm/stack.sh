# scripts/vm/stack.sh - which QEMU and virtiofsd, with what options
# (bash, sourced by scripts/dmaptest-vm).
#
#   resolve_stack          --stack dax: build or reuse the reference stack
#                          (scripts/build-dax-stack) and take its binaries;
#                          then what the virtiofsd can do. Sets stack_name
#                          (system, dax or custom), stack_dir, stack_key,
#                          vfsd_opts[] (every -o after source= and cache=),
#                          host_log_on (1: virtiofsd logs each mapping,
#                          -o dax_log), t_stack

resolve_stack() {
	local t0 help o has_log=0 no_log=0
	t0=$(now_us)
	stack_dir= stack_key=
	case $opt_stack in
	dax)
		stack_name=dax
		vm_say "the reference DAX stack: scripts/build-dax-stack (about 8 minutes when not cached)"
		stack_dir=$("$scripts/build-dax-stack") && [ -d "$stack_dir" ] ||
			vm_die "--stack dax: scripts/build-dax-stack failed (see above)"
		opt_qemu=$stack_dir/bin/qemu-system-x86_64
		opt_virtiofsd=$stack_dir/bin/virtiofsd
		stack_key=$(sed -n "s/^DAX_STACK_KEY=//p" "$stack_dir/stack.env" 2>/dev/null)
		;;
	*)
		stack_name=system
		[ $opt_qemu_given -eq 1 ] || [ $opt_vfsd_given -eq 1 ] && stack_name=custom
		;;
	esac
	t_stack=$(secs "$t0" "$(now_us)")

	# -o dax_log whenever the daemon has it (always with --stack dax): the
	# mapping log is the host's view of every mapping, nothing to lose
	help=$("$opt_virtiofsd" --help 2>&1)
	vfsd_opts=()
	for o in "${opt_vfsd_opts[@]}"; do
		case $o in
		dax_log) has_log=1 ;;
		no_dax_log) no_log=1 ;;
		dax_reserve | no_dax_reserve) continue ;;	# host_reserve says it
		esac
		vfsd_opts+=("$o")
	done
	if [ $has_log -eq 0 ] && [ $no_log -eq 0 ] && grep -q 'dax_log' <<<"$help"; then
		vfsd_opts+=(dax_log)
		has_log=1
	fi
	host_log_on=0
	[ $has_log -eq 1 ] && [ $no_log -eq 0 ] && host_log_on=1
	case $host_reserve in
	on) vfsd_opts+=(dax_reserve) ;;
	off) vfsd_opts+=(no_dax_reserve) ;;
	esac
}
