# scripts/vm/run.sh - the run: boots until dmaptest is done, a fresh
# guest resuming the run after a death (bash, sourced by
# scripts/dmaptest-vm).
#
#   run_guests             boot, keep the logs, resume after a death;
#                          exits with the launcher's status
#   finish_run STATUS WHY  stop what runs, write vm.json, exit STATUS
#   fail_early WHY         no boot can work (QEMU refuses its command
#                          line): vm.json in RESULTS/vm-DATE, exit 3
#   keep_logs N            boot N's logs into the run folder (or
#                          RESULTS/vm-DATE before dmaptest made one)
#   case_death CASE        after a guest death during CASE: its last
#                          logged step, and CASE/vm-death in the run
#                          folder (when the case started and when the
#                          guest died, for the resumed runner's verdict)

# top-level "key":value of a run.json (json-c writes one key a line)
rj_get() {
	sed -n "s/^  \"$2\":\(.*\)\$/\1/p" "$1" 2>/dev/null | sed -e 's/,$//' -e 's/^"\(.*\)"$/\1/' | head -n 1
}
rj_done() {
	sed -n '/^  "summary":{/,/^  }/s/^    "done":\([0-9]*\).*/\1/p' "$1" 2>/dev/null
}

# where this run's files go: the run folder once dmaptest made one
run_dir= run_dir_fallback= logs_dir= pre_latest=
find_run_dir() {
	local l
	[ -n "$run_dir" ] && return 0
	l=$(readlink "$results/latest" 2>/dev/null) || return 1
	[ -n "$l" ] && [ "$l" != "$pre_latest" ] && [ -f "$results/$l/run.json" ] || return 1
	run_dir=$results/$l
}
fallback_dir() {
	[ -n "$run_dir_fallback" ] ||
		run_dir_fallback=$results/vm-$(date -u +%Y%m%d-%H%M%S)-$$
	mkdir -p "$run_dir_fallback"
}
# the boot's logs go beside run.json (or into RESULTS/vm-DATE)
keep_logs() {
	local n=$1 dir f
	find_run_dir
	# logs of boots before dmaptest made its folder join it
	if [ -n "$run_dir" ] && [ -n "$run_dir_fallback" ]; then
		mv "$run_dir_fallback"/* "$run_dir/" 2>/dev/null
		rmdir "$run_dir_fallback" 2>/dev/null
		run_dir_fallback=
	fi
	dir=$run_dir
	if [ -z "$dir" ]; then
		fallback_dir
		dir=$run_dir_fallback
	fi
	for f in console qemu virtiofsd; do
		[ -f "$work/$f.$n.log" ] && cp "$work/$f.$n.log" "$dir/$f.$n.log"
	done
	logs_dir=$dir
}

finish_run() {
	local status=$1 why=$2
	if [ -n "$qemu_pid" ]; then
		kill -KILL "$qemu_pid" 2>/dev/null
		wait "$qemu_pid" 2>/dev/null
		qemu_pid=
		[ "$boot_no" -gt 0 ] && keep_logs "$boot_no"
		boots_json+=("{\"boot\": $boot_no, \"started\": \"$boot_started\", \"boot_s\": null, \"duration_s\": null, \"outcome\": \"interrupted\", \"reason\": $(json_str "$why"), \"console\": \"console.$boot_no.log\", \"resume\": $([ "$boot_no" -gt 1 ] && echo true || echo false)}")
	fi
	local dir=${run_dir:-${run_dir_fallback:-}}
	[ -n "$dir" ] && write_vm_json "$dir" "$status" true
	vm_say "$why"
	[ -n "$dir" ] && vm_say "results and console logs: $dir"
	exit "$status"
}

fail_early() {
	fallback_dir
	[ -f "$work/probe.err" ] && cp "$work/probe.err" "$run_dir_fallback/qemu.probe.log"
	finish_run 3 "$1"
}

# The case folder of a run.json case id: '/' and '#' become '.'
case_dir_of() {
	local d=${1//\//.}
	echo "${d//#/.}"
}

# case_death CASE: sets d_step (the last line of the case's log, its
# last logged step) and d_dur (seconds from the case's start to the
# death, empty when unknown), and leaves CASE/vm-death for dmaptest's
# --resume:
#     start=<wall clock seconds>    when the case started: its log file
#                                   was created (host clock)
#     end=<wall clock seconds>      when the launcher saw QEMU gone
#     reason=<the death>
case_death() {
	local d log start= end rel mt
	d=$run_dir/$(case_dir_of "$1")
	log=$d/log
	d_step= d_dur=
	[ -f "$log" ] || return 0
	d_step=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1 | sed 's/^\[ *\(+[0-9.]*s\)\]/[\1]/' | cut -c1-200)
	d_step=${d_step//[^[:print:]]/?}
	end=$(printf '%d.%06d' $((b_end_us / 1000000)) $((b_end_us % 1000000)))
	# the birth time of the case's log, else its last write less the
	# last step's offset from the start
	start=$(stat -c '%.6W' "$log" 2>/dev/null)
	if ! [[ $start =~ ^[1-9][0-9]*\.[0-9]+$ ]]; then
		start=
		rel=$(sed -n 's/^\[ *+\([0-9.]*\)s\].*/\1/p' "$log" | tail -n 1)
		mt=$(stat -c '%.6Y' "$log" 2>/dev/null)
		[ -n "$rel" ] && [ -n "$mt" ] &&
			start=$(awk -v m="$mt" -v r="$rel" 'BEGIN { printf "%.6f", m - r }')
	fi
	[ -n "$start" ] && d_dur=$(awk -v s="$start" -v e="$end" 'BEGIN { d = e - s; if (d < 0) d = 0; printf "%.3f", d }')
	{
		echo "# scripts/dmaptest-vm: the guest died during this case"
		[ -n "$start" ] && echo "start=$start"
		echo "end=$end"
		echo "reason=$b_what"
	} >"$d/vm-death.tmp" && mv -f "$d/vm-death.tmp" "$d/vm-death"
}

# the JSON object of boot N in vm.json
boot_json() {
	local n=$1 hl=null
	[ -f "$vmc/host-log.$n" ] && hl=$(host_log_summary "$vmc/host-log.$n")
	echo "{\"boot\": $n, \"started\": \"$boot_started\", \"boot_s\": ${b_boot_s:-null}, \"duration_s\": $b_dur_s, \"outcome\": \"$b_outcome\", \"reason\": $(json_str "$b_reason"), \"console\": \"console.$n.log\", \"resume\": $([ "$n" -gt 1 ] && echo true || echo false), \"window\": $(json_str "$b_window"), \"fill\": $(json_str "$b_fill"), \"host_log\": ${hl:-null}}"
}

run_guests() {
	local base args current done_nr prev_done boot_retries_left status cs
	pre_latest=$(readlink "$results/latest" 2>/dev/null)
	base=(/bin/dmaptest)
	case $opt_guest_target in
	dir)
		# share_token: the token of the image's marker (scripts/vm/
		# share.sh), for dmaptest to check the mount before a fill as
		# the guest's /init does
		base+=(--mount /mnt/share/scratch --allow-fill
		       --label "share_token=$share_token")
		;;
	dmapfs) base+=(--target dmapfs --dmapfs /bin/dmapfs) ;;
	esac
	base+=(-o /mnt/share/results)
	# the run records what it ran on: the stack, its window and daemon,
	# which fuse modules
	base+=(--label "stack=$stack_name")
	[ -n "$stack_key" ] && base+=(--label "dax_stack=$stack_key")
	[ -n "$opt_cache_size" ] && base+=(--label "cache_size=$opt_cache_size")
	[ -n "$host_reserve" ] && base+=(--label "host_reserve=$host_reserve")
	[ -n "$opt_fuse_modules" ] &&
		base+=(--label "fuse_modules=$opt_fuse_modules"
		      --label "fuse_vermagic=$fuse_vermagic")
	# The host log as a mapping observer (--host-log FILE): only where
	# virtiofsd logs mappings (-o dax_log), and only with a dmaptest that
	# has the option (being added to dmaptest: an older one would refuse
	# it and run nothing)
	host_log_arg=0
	if [ "$host_log_on" -eq 1 ] && [ "$opt_guest_target" = dir ] &&
		"$opt_dmaptest" --help 2>/dev/null | grep -q -- '--host-log'; then
		host_log_arg=1
	fi

	deadline=$(($(now_us) + opt_timeout * 1000000))
	prev_done=-1
	boot_retries_left=$opt_boot_retries
	status=3
	args=("${base[@]}" "${guest_args[@]}")
	vm_say "kernel ${k_release:-?} ($kernel), $accel, ${opt_cpus} CPU(s), ${mem_mb} MiB; share: ext4 of $opt_host_size${opt_cache_size:+, DAX window $opt_cache_size}; stack $stack_name${host_reserve:+, host reserve $host_reserve}"
	while :; do
		boot_no=$((boot_no + 1))
		boot_started=$(stamp)
		cs=()
		[ $host_log_arg -eq 1 ] && cs=(--host-log "/mnt/share/.vm/host-log.$boot_no")
		# stderr: bash would report there a QEMU killed by a signal
		boot_guest "$boot_no" "${args[@]}" "${cs[@]}" 2>/dev/null
		keep_logs "$boot_no"
		[ -n "$b_boot_s" ] && vm_say "boot $boot_no: share mounted after ${b_boot_s} s; guest ran ${b_dur_s} s"
		case $b_outcome in
		finished)
			boots_json+=("$(boot_json "$boot_no")")
			status=$b_status
			write_vm_json "$logs_dir" "$status" true
			vm_say "$b_reason after $boot_no boot(s); results: $logs_dir"
			exit "$status"
			;;
		timeout)
			boots_json+=("$(boot_json "$boot_no")")
			finish_run 3 "$b_reason"
			;;
		refused)
			# the same command line, the same refusal: no retry
			boots_json+=("$(boot_json "$boot_no")")
			finish_run 3 "boot $boot_no failed: $b_reason"
			;;
		noboot)
			boots_json+=("$(boot_json "$boot_no")")
			if [ "$boot_retries_left" -gt 0 ] && [ "$boot_no" -lt "$opt_max_boots" ]; then
				# dmaptest never started: nothing to resume, the same again
				boot_retries_left=$((boot_retries_left - 1))
				vm_say "boot $boot_no failed ($b_reason); booting again (--boot-retries)"
				continue
			fi
			finish_run 3 "boot $boot_no failed: $b_reason"
			;;
		esac

		# the guest died: during a case, the reason quotes that case's
		# last logged step (the console has other processes' lines)
		current= done_nr= d_step= d_dur=
		if [ -n "$run_dir" ]; then
			current=$(rj_get "$run_dir/run.json" current)
			[ "$current" = null ] && current=
			done_nr=$(rj_done "$run_dir/run.json")
		fi
		if [ -n "$current" ]; then
			case_death "$current"
			b_reason=$b_what
			[ -n "$d_dur" ] && b_reason+=" after $d_dur s in the case"
			b_reason+="; the case's last logged step: ${d_step:-(none)}"
		fi
		boots_json+=("$(boot_json "$boot_no")")
		deaths_json+=("{\"boot\": $boot_no, \"case\": $(json_str "$current"), \"reason\": $(json_str "$b_reason"), \"case_duration_s\": ${d_dur:-null}, \"last_step\": $(json_str "$d_step"), \"last_console\": $(json_str "$b_console"), \"console\": \"console.$boot_no.log\"}")
		vm_say "guest died${current:+ during case $current}: $b_reason"
		if [ -z "$run_dir" ]; then
			finish_run 3 "the guest died before dmaptest started a run"
		fi
		if [ "$(rj_get "$run_dir/run.json" ended)" = true ]; then
			# dmaptest had finished; its verdicts stand
			status=1
			[ "$(rj_get "$run_dir/run.json" status)" = complete ] && status=0
			grep -q -E '"(FAIL|ERROR|HANG)":[1-9]' "$run_dir/run.json" && status=1
			finish_run "$status" "the guest died after dmaptest ended"
		fi
		if [ $opt_keep_going -eq 0 ]; then
			finish_run "$([ -n "$current" ] && echo 1 || echo 3)" "stopping after the guest death (--stop)"
		fi
		if [ -z "$current" ] && [ "$done_nr" = "$prev_done" ]; then
			finish_run 3 "no progress since the previous guest death; giving up"
		fi
		prev_done=$done_nr
		if [ "$boot_no" -ge "$opt_max_boots" ]; then
			finish_run 3 "$opt_max_boots boots (--max-boots) used up"
		fi
		write_vm_json "$run_dir" 3 false
		printf '# dmaptest-vm: the guest died%s (%s); resuming in a fresh guest\n' \
			"${current:+ during $current}" "$b_reason"
		args=("${base[@]}" "${guest_args[@]}" --resume "/mnt/share/results/$(basename "$run_dir")"
			--resume-reason "$b_reason")
	done
}
