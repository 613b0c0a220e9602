# tests/vm/lib.sh - what the guest tests share. Source it after setting
# nothing; it sources tests/lib.sh (ok/bad/expect_*, $T, on_exit, finish)
# and adds:
#   VM          scripts/dmaptest-vm
#   vm_skip_unless_possible   exit 77 when no guest can be booted here
#   vm_run OUT ARG...         run the launcher in the background with
#                             TMPDIR inside $T; sets VM_PID
#   vm_wait                   wait for it; sets VM_RC
#   vm_wait_current RESULTS CASE SEC   until RESULTS/latest/run.json
#                             says CASE is running (0) or SEC pass (1)
#   vm_qemu_pid               the QEMU the launcher runs now
#   vm_nothing_left           no process, mount, loop device or work
#                             folder of the launcher is left

top_builddir=${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
export top_builddir top_srcdir
. "$top_srcdir/tests/lib.sh"

VM=$top_srcdir/scripts/dmaptest-vm
VM_TMP=$T/tmp
mkdir -p "$VM_TMP"
VM_PID=
VM_RC=

vm_skip_unless_possible() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (loop mount, mount namespace)"
	command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64 (apt-get install qemu-system-x86)"
	[ -x /usr/lib/qemu/virtiofsd ] || skip "no /usr/lib/qemu/virtiofsd (apt-get install qemu-system-common)"
	command -v busybox >/dev/null && ! ldd "$(command -v busybox)" >/dev/null 2>&1 ||
		skip "no static busybox (apt-get install busybox-static)"
	command -v cpio >/dev/null || skip "no cpio (apt-get install cpio)"
	command -v unshare >/dev/null && command -v setpriv >/dev/null || skip "no util-linux unshare/setpriv"
	[ -x "$top_srcdir/configure" ] || skip "no $top_srcdir/configure for the static build"
	# the kernel: fetched once into the cache, then reused
	"$top_srcdir/scripts/vm/fetch-kernel" virtio_pci virtiofs fuse loop ext4 \
		crc32c_generic >"$T/kernel.info" 2>"$T/kernel.err" ||
		skip "no guest kernel: $(tail -n 1 "$T/kernel.err")"
}

# vm_run OUT ARG...: the launcher's stdout in OUT, stderr in OUT.err
vm_run() {
	local out=$1
	shift
	TMPDIR=$VM_TMP "$VM" "$@" >"$out" 2>"$out.err" &
	VM_PID=$!
	on_exit "kill -TERM $VM_PID 2>/dev/null; wait $VM_PID 2>/dev/null"
}
vm_wait() {
	wait "$VM_PID"
	VM_RC=$?
}

vm_wait_current() {
	local res=$1 want=$2 sec=$3 i cur
	for ((i = 0; i < sec * 5; i++)); do
		cur=$($JSON_GET "$res/latest/run.json" current 2>/dev/null)
		[ "$cur" = "$want" ] && return 0
		kill -0 "$VM_PID" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# QEMU is a direct child of the launcher (its comm is cut to 15 bytes)
vm_qemu_pid() {
	pgrep -P "$VM_PID" -x qemu-system-x86 | head -n 1
}

# everything the launcher started names its work folder in $VM_TMP
vm_nothing_left() {
	local what=$1 p left=
	for p in /proc/[0-9]*; do
		[ -r "$p/cmdline" ] || continue
		tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF "$VM_TMP/" &&
			left="$left ${p#/proc/}"
	done
	expect_eq "$what: processes left" "$left" ""
	expect_eq "$what: mounts left" "$(grep -cF "$VM_TMP/" /proc/self/mountinfo)" 0
	expect_eq "$what: loop devices left" "$(losetup -a 2>/dev/null | grep -cF "$VM_TMP/")" 0
	expect_eq "$what: work folders left" "$(find "$VM_TMP" -mindepth 1 -maxdepth 1 | wc -l)" 0
}

# verdict of a case in a run folder
verdict_of() { result_get "$1" "$2" verdict; }
reason_of() { result_get "$1" "$2" reason; }
