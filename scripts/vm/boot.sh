# scripts/vm/boot.sh - one guest boot (bash, sourced by scripts/dmaptest-vm).
#
#   boot_guest N ARG...    start virtiofsd and QEMU for boot N with the
#                          dmaptest command line ARG..., follow the guest
#                          (boot, heartbeat, status, deadlines) until QEMU
#                          ends. Sets b_outcome (finished; died; timeout;
#                          noboot: the guest did not reach the share, a
#                          retry may help; refused: QEMU or virtiofsd
#                          refused to start, no retry can help), b_status
#                          (dmaptest's, when finished), b_what (what
#                          happened), b_console (the last console lines),
#                          b_reason ("WHAT; last console lines: ..."),
#                          b_end_us (when QEMU was seen gone), b_window,
#                          b_fill, and the times b_boot_s (until the share
#                          was mounted) and b_dur_s
#   signal_name N          SIGxxx for a signal number
#   last_console FILE      the last 3 non-blank console lines, one line
#   stream_output          dmaptest's output (the second serial port) to
#                          stdout as it comes, one TAP stream over boots

signal_name() {
	local s
	s=$(kill -l "$1" 2>/dev/null)
	echo "SIG${s:-?}"
}

boot_guest() {
	local n=$1 sock a i vlog
	sock=$work/vfsd.$n.sock
	shift
	rm -f "$vmc"/{args,booted,heartbeat,status,status.tmp,window,fill}
	printf '%s\n' "$@" >"$vmc/args"

	# virtiofsd's stderr: with the mapping log, the host log the guest
	# reads (after its header); kept as virtiofsd.N.log either way
	vlog=$work/virtiofsd.$n.log
	if [ "$host_log_on" -eq 1 ]; then
		vlog=$vmc/host-log.$n
		start_host_log "$n"
	else
		: >"$vlog"
	fi
	local vcmd=("$opt_virtiofsd" "--socket-path=$sock" -o "source=$share" -o cache=auto)
	for a in "${vfsd_opts[@]}"; do vcmd+=(-o "$a"); done
	[ $opt_verbose -eq 1 ] && vm_say "virtiofsd: ${vcmd[*]}"
	setpriv --pdeathsig KILL -- "${vcmd[@]}" </dev/null >>"$vlog" 2>&1 &
	vfsd_pid=$!
	for ((i = 0; i < 100; i++)); do
		[ -S "$sock" ] && break
		proc_alive "$vfsd_pid" || break
		sleep 0.05
	done
	if [ ! -S "$sock" ]; then
		b_outcome=noboot
		# a daemon that exited at once refused its options: no retry
		proc_alive "$vfsd_pid" || b_outcome=refused
		b_what="virtiofsd did not start: $(grep -v '^# ' "$vlog" | tail -n 1)"
		b_reason=$b_what b_console= b_window= b_fill= b_boot_s= b_dur_s=0.0 b_end_us=$(now_us)
		stop_virtiofsd
		[ "$vlog" = "$work/virtiofsd.$n.log" ] || cp "$vlog" "$work/virtiofsd.$n.log"
		return
	fi

	local dev="vhost-user-fs-pci,chardev=vfs,tag=dmaptest"
	[ -n "$opt_cache_size" ] && dev+=",cache-size=$opt_cache_size"
	# cryptomgr.notests: the boot-time crypto self-tests take seconds under
	# TCG; log_buf_len: room for a long run's kernel log
	local cmdline="console=ttyS0 panic=1 loglevel=5 cryptomgr.notests log_buf_len=1M"
	cmdline+=" dmaptest.tag=dmaptest dmaptest.share=$share_token"
	[ -n "$mount_opts" ] && cmdline+=" dmaptest.mountopts=$mount_opts"
	[ -n "$opt_append" ] && cmdline+=" $opt_append"
	qemu_cmd "$accel"
	qcmd+=(-chardev "socket,id=vfs,path=$sock" -device "$dev"
		-serial "file:$work/console.$n.log" -serial "file:$work/output.$n.log"
		-append "$cmdline")
	[ $opt_verbose -eq 1 ] && vm_say "qemu: ${qcmd[*]}"
	: >"$work/console.$n.log"
	: >"$work/output.$n.log"
	exec {outfd}<"$work/output.$n.log"
	out_partial=

	local t_b now booted_at='' last_hb='' hb='' hb_at killed='' done_at='' fill_said=''
	t_b=$(now_us)
	# no core file: a VMM killed by SIGBUS or SIGSEGV is an expected end
	# here, and its core would hold the whole guest memory
	(ulimit -S -c 0; exec setpriv --pdeathsig KILL -- "${qcmd[@]}") </dev/null >"$work/qemu.$n.log" 2>&1 &
	qemu_pid=$!
	hb_at=$t_b
	b_reason= b_status= b_outcome= b_what= b_console= b_window= b_fill=
	while proc_alive "$qemu_pid"; do
		stream_output
		now=$(now_us)
		if [ -z "$booted_at" ] && [ -f "$vmc/booted" ]; then
			booted_at=$now
			hb_at=$now
		fi
		if [ -z "$fill_said" ] && [ -s "$vmc/fill" ]; then
			fill_said=1
			read -r b_fill <"$vmc/fill"
			[[ $b_fill == refused:* ]] &&
				vm_say "WARNING: the guest refused --allow-fill and runs without it: ${b_fill#refused: }"
		fi
		if [ -n "$booted_at" ] && [ -f "$vmc/heartbeat" ]; then
			read -r hb 2>/dev/null <"$vmc/heartbeat"
			if [ -n "$hb" ] && [ "$hb" != "$last_hb" ]; then
				last_hb=$hb
				hb_at=$now
			fi
		fi
		if [ -z "$done_at" ] && [ -f "$vmc/status" ]; then
			done_at=$now
		fi
		if [ -n "$done_at" ]; then
			# the guest is powering off; give it 30 s
			if [ $((now - done_at)) -gt 30000000 ]; then
				killed="the guest did not power off after the run"
				break
			fi
		elif [ "$now" -ge "$deadline" ]; then
			killed="timeout: the run took more than ${opt_timeout} s (--timeout)"
			b_outcome=timeout
			break
		elif [ -z "$booted_at" ] && [ $((now - t_b)) -gt $((opt_boot_timeout * 1000000)) ]; then
			killed="the guest did not boot (no share mounted) within ${opt_boot_timeout} s"
			b_outcome=noboot
			break
		elif [ -n "$booted_at" ] && [ $((now - hb_at)) -gt $((opt_stall * 1000000)) ]; then
			killed="guest stopped responding (no heartbeat through the share for ${opt_stall} s)"
			b_outcome=died
			break
		fi
		sleep 0.2
	done
	b_end_us=$(now_us)
	local qst=0
	if [ -n "$killed" ]; then
		kill -KILL "$qemu_pid" 2>/dev/null
	fi
	wait "$qemu_pid"
	qst=$?
	qemu_pid=
	stop_virtiofsd
	[ "$vlog" = "$work/virtiofsd.$n.log" ] || cp "$vlog" "$work/virtiofsd.$n.log"
	stream_output
	[ -n "$out_partial" ] && tap_line "$out_partial"
	exec {outfd}<&-
	outfd=
	now=$(now_us)
	b_dur_s=$(secs "$t_b" "$now")
	b_boot_s=
	[ -n "$booted_at" ] && b_boot_s=$(secs "$t_b" "$booted_at")
	[ -s "$vmc/window" ] && read -r b_window <"$vmc/window"
	[ -s "$vmc/fill" ] && read -r b_fill <"$vmc/fill"
	b_console=$(last_console "$work/console.$n.log")

	if [ -f "$vmc/status" ]; then
		read -r b_status <"$vmc/status"
		is_uint "$b_status" || b_status=3
		b_outcome=finished
		b_what="dmaptest exited with status $b_status"
		[ -n "$killed" ] && b_what+="; $killed, QEMU killed"
		b_reason=$b_what
		return
	fi
	local qe term
	# what QEMU said last (a KVM run error, an assertion) helps
	qe=$(grep -v '^$' "$work/qemu.$n.log" | tail -n 1 | cut -c1-200)
	# QEMU catches SIGTERM, SIGINT and SIGHUP, says so and exits 0
	term=$(grep -m1 -o 'terminating on signal [0-9]*.*' "$work/qemu.$n.log" | cut -c1-200)
	if [ -n "$killed" ]; then
		b_what="$killed; QEMU killed"
	elif [ $qst -gt 128 ]; then
		b_what="QEMU was killed by signal $((qst - 128)) ($(signal_name $((qst - 128))))"
		[ -n "$qe" ] && b_what+=" (QEMU: $qe)"
		b_outcome=died
	elif [[ $term =~ ^terminating\ on\ signal\ ([0-9]+)\ ?(.*)$ ]]; then
		# "from pid N (COMM)": who sent it
		b_what="QEMU ended on signal ${BASH_REMATCH[1]} ($(signal_name "${BASH_REMATCH[1]}"))${BASH_REMATCH[2]:+ ${BASH_REMATCH[2]}}"
		b_outcome=died
	elif grep -q 'Kernel panic' "$work/console.$n.log"; then
		b_what="the guest kernel panicked ($(grep -m1 -o 'Kernel panic.*' "$work/console.$n.log" | tr -d '\r' | cut -c1-160))"
		b_outcome=died
	elif [ $qst -ne 0 ] && [ ! -s "$work/console.$n.log" ] && [ -n "$(qemu_refusal "$work/qemu.$n.log")" ]; then
		# before any guest output: QEMU would not run this command line
		b_what="QEMU refused to start: $(qemu_refusal "$work/qemu.$n.log")"
		b_outcome=refused
	elif [ $qst -ne 0 ]; then
		b_what="QEMU exited with status $qst"
		[ -n "$qe" ] && b_what+=" (QEMU: $qe)"
		b_outcome=died
	else
		b_what="the guest powered off without reporting a status"
		b_outcome=died
	fi
	[ -n "$booted_at" ] || [ "$b_outcome" = timeout ] || [ "$b_outcome" = refused ] || b_outcome=noboot
	b_reason="$b_what; last console lines: $b_console"
}

# the last 3 non-blank console lines, one line, printable
last_console() {
	local l out=
	while IFS= read -r l; do
		l=${l//$'\r'/}
		l=${l//[^[:print:]]/?}
		[ -n "${l// /}" ] || continue
		out+="${out:+ | }${l:0:160}"
	done < <(tr -d '\r' <"$1" | grep -v '^[[:space:]]*$' | tail -n 3)
	[ -n "$out" ] || out="(none)"
	echo "$out"
}

# dmaptest's output, as it comes. After a guest death the resumed runner
# prints the whole TAP again: what was shown already is left out, so
# that stdout stays one TAP stream (the run folder's tap is the full one).
tap_shown=0 tap_skip_yaml=0 boot_no=0
stream_output() {
	local line
	[ -n "$outfd" ] || return 0
	while IFS= read -r line <&"$outfd"; do
		tap_line "$out_partial$line"
		out_partial=
	done
	out_partial+=$line
}
tap_line() {
	local l=${1%$'\r'} num
	if [ "$tap_skip_yaml" -eq 1 ]; then
		[[ $l == "  "* ]] && { [ "$l" = "  ..." ] && tap_skip_yaml=0; return; }
		tap_skip_yaml=0
	fi
	if [[ $l =~ ^(not\ )?ok\ ([0-9]+) ]]; then
		num=${BASH_REMATCH[2]}
		if [ "$num" -le "$tap_shown" ]; then
			tap_skip_yaml=1
			return
		fi
		tap_shown=$num
	elif [ "$boot_no" -gt 1 ] && { [ "$l" = "TAP version 13" ] || [[ $l =~ ^1\.\.[0-9]+$ ]]; }; then
		return
	fi
	printf '%s\n' "$l"
}
