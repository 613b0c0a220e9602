# scripts/vm/qemu.sh - QEMU's command line and the accelerator (bash,
# sourced by scripts/dmaptest-vm).
#
#   tool_versions          qemu_version, vfsd_version, mem_mb
#   qemu_cmd ACCEL         the common part of QEMU's command line in qcmd[]
#   qemu_refusal LOG       QEMU's own error line in LOG (its stderr), if any
#   qemu_accepts ACCEL     does QEMU start with this command line at all?
#                          (-S: no guest code runs); sets qemu_why
#   probe_kvm              does KVM boot this kernel? sets probe_why
#   choose_accel           --accel, or the probe's answer; sets accel,
#                          t_probe

# the version line of a program's --version output: not the lines of
# the FUSE interface or the copyright that some builds print first
version_line() {
	grep -v -i -e '^using FUSE kernel interface' -e '^copyright' -e '^[[:space:]]*$' |
		head -n 1 | cut -c1-200
}

tool_versions() {
	qemu_version=$("$opt_qemu" --version 2>/dev/null | version_line)
	vfsd_version=$("$opt_virtiofsd" --version 2>&1 | version_line)
	mem_mb=$(($(size_bytes "$opt_memory") >> 20))
}

# qemu_cmd ACCEL: the common part of the command line into qcmd[]. The
# guest memory is a shared memfd (vhost-user needs it) given to the one
# NUMA node: "-numa node,memdev=" works from QEMU 2.x on, "-machine
# memory-backend=" only from 5.0.
qemu_cmd() {
	local cpu=max
	[[ $1 == kvm* ]] && cpu=host
	qcmd=("$opt_qemu" -nodefaults -no-user-config -display none -no-reboot
		-machine q35 -accel "$1" -cpu "$cpu"
		-smp "$opt_cpus" -m "${mem_mb}M"
		-object "memory-backend-memfd,id=mem,size=${mem_mb}M,share=on"
		-numa node,memdev=mem
		-kernel "$kernel" -initrd "$work/initramfs.gz")
}

# QEMU reports a command line it cannot run on stderr as
# "qemu-system-x86_64: ..." and exits 1 before any guest code runs
qemu_refusal() {
	grep -m1 -E '^[^ :]*qemu[^ :]*: ' "$1" 2>/dev/null | cut -c1-240
}

# qemu_accepts ACCEL: start QEMU stopped (-S) and see whether it stays up
# for a second. 0: it does (or it was still starting up: then the boot
# finds out); 1: it exited, qemu_why says with what
qemu_accepts() {
	local log=$work/accepts.err i pid
	qemu_cmd "$1"
	setpriv --pdeathsig KILL -- "${qcmd[@]}" -S -serial none \
		</dev/null >"$log" 2>&1 &
	pid=$!
	probe_pid=$pid
	for ((i = 0; i < 10; i++)); do
		proc_alive "$pid" || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	probe_pid=
	qemu_why=$(qemu_refusal "$log")
	[ -z "$qemu_why" ]
}

# probe: does KVM boot this kernel? The initramfs prints a marker and
# powers off at once with dmaptest.probe=1. A failed probe says why in
# probe_why; when the reason is QEMU refusing its command line whatever
# the accelerator, no boot can work: probe_fatal is set.
probe_fatal=
probe_kvm() {
	local log=$work/probe.log i q
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
	q=$(qemu_refusal "$work/probe.err")
	if [ -n "$q" ] && [ ! -s "$log" ]; then
		# QEMU stopped before the guest said anything: is it KVM, or
		# a command line this QEMU cannot run with any accelerator?
		if ! qemu_accepts tcg; then
			probe_fatal="QEMU refuses the command line (with TCG too, so not a KVM matter): ${qemu_why:-$q}"
			probe_why=$probe_fatal
			return 1
		fi
		probe_why="KVM cannot run this kernel here: $q"
		return 1
	fi
	probe_why=$(grep -v '^$' "$work/probe.err" | head -n 1 | cut -c1-240)
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
		elif [ -n "$probe_fatal" ]; then
			accel=none
			t_probe=$(secs "$t0" "$(now_us)")
			fail_early "$probe_fatal"
		else
			accel=tcg
			vm_say "using TCG: ${probe_why}"
		fi
		;;
	*) accel=$opt_accel ;;
	esac
	t_probe=$(secs "$t0" "$(now_us)")
}
