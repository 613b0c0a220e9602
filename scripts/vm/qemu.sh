# scripts/vm/qemu.sh - QEMU's command line and the accelerator (bash,
# sourced by scripts/dmaptest-vm).
#
#   tool_versions          qemu_version, vfsd_version, mem_mb
#   qemu_cmd ACCEL         the common part of QEMU's command line in qcmd[]
#   probe_kvm              does KVM boot this kernel? sets probe_why
#   choose_accel           --accel, or the probe's answer; sets accel,
#                          t_probe

tool_versions() {
	qemu_version=$("$opt_qemu" --version 2>/dev/null | head -n 1)
	vfsd_version=$("$opt_virtiofsd" --version 2>/dev/null | head -n 1)
	mem_mb=$(($(size_bytes "$opt_memory") >> 20))
}

# qemu_cmd ACCEL: the common part of the command line into qcmd[]
qemu_cmd() {
	local cpu=max
	[[ $1 == kvm* ]] && cpu=host
	qcmd=("$opt_qemu" -nodefaults -no-user-config -display none -no-reboot
		-machine q35,memory-backend=mem -accel "$1" -cpu "$cpu"
		-smp "$opt_cpus" -m "${mem_mb}M"
		-object "memory-backend-memfd,id=mem,size=${mem_mb}M,share=on"
		-kernel "$kernel" -initrd "$work/initramfs.gz")
}

# probe: does KVM boot this kernel? The initramfs prints a marker and
# powers off at once with dmaptest.probe=1.
probe_kvm() {
	local log=$work/probe.log i
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || { probe_why="no usable /dev/kvm"; return 1; }
	qemu_cmd kvm
	: >"$log"
	setpriv --pdeathsig KILL -- "${qcmd[@]}" -serial "file:$log" \
		-append "console=ttyS0 panic=-1 loglevel=1 dmaptest.probe=1" \
		</dev/null >"$work/probe.err" 2>&1 &
	probe_pid=$!
	for ((i = 0; i < 50; i++)); do
		grep -q DMAPTEST-VM-PROBE-OK "$log" && break
		proc_alive "$probe_pid" || break
		sleep 0.1
	done
	kill -KILL "$probe_pid" 2>/dev/null
	wait "$probe_pid" 2>/dev/null
	probe_pid=
	grep -q DMAPTEST-VM-PROBE-OK "$log" && return 0
	probe_why=$(grep -v '^$' "$work/probe.err" | head -n 1)
	[ -n "$probe_why" ] || probe_why="no probe marker on the console within 5 s"
	return 1
}

choose_accel() {
	local t0
	probe_why=
	t0=$(now_us)
	case $opt_accel in
	auto)
		if probe_kvm 2>/dev/null; then
			accel=kvm
		else
			accel=tcg
			vm_say "KVM does not boot this kernel here (${probe_why}); using TCG"
		fi
		;;
	*) accel=$opt_accel ;;
	esac
	t_probe=$(secs "$t0" "$(now_us)")
}
