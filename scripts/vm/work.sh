# scripts/vm/work.sh - the launcher's own ground: a private mount
# namespace, its work folder, cleaning up (bash, sourced by
# scripts/dmaptest-vm).
#
#   enter_namespace        re-execute the launcher in a mount namespace of
#                          its own (same PID), unless it is in one already
#   now_us, secs A B, stamp   clock helpers
#   setup_work             check the host's tools, make the results and
#                          cache folders and the work folder, reap the
#                          folders of killed launchers, install the traps
#   cleanup                end what this run started (EXIT trap)
#   stop_virtiofsd         end the running virtiofsd
#   proc_alive PID         a child that has not exited

# Everything after this runs in a mount namespace of its own: the loop
# mount and the bind mount vanish with it, whatever way the launcher ends.
enter_namespace() {
	if [ "${DMAPTEST_VM_NS:-}" != "$$" ]; then
		[ "$(id -u)" -eq 0 ] || vm_die "needs root (loop mount, mount namespace, virtiofsd)"
		command -v unshare >/dev/null || vm_die "unshare (util-linux) is missing"
		# exec keeps the PID: the mark tells the re-executed script it is inside
		export DMAPTEST_VM_NS=$$
		exec unshare --mount --propagation private -- "$self" "${orig_args[@]}"
		vm_die "unshare --mount failed"
	fi
	unset DMAPTEST_VM_NS
	# until the real handlers are in place: an interrupted run exits 3
	trap 'exit 3' INT TERM
}

now_us() { echo "${EPOCHREALTIME/./}"; }
# seconds with 1 decimal between two now_us values
secs() { local d=$(($2 - $1)); printf '%d.%d' $((d / 1000000)) $((d % 1000000 / 100000)); }
stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }

need_cmd() {
	command -v "$1" >/dev/null 2>&1 || vm_die "$1 is missing (apt-get install $2)"
}

# who owns a work folder: PID and start time (field 22 of /proc/PID/stat)
start_time() {
	local rest a
	read -r rest 2>/dev/null <"/proc/$1/stat" || return 1
	read -r -a a <<<"${rest##*) }"
	echo "${a[19]}"
}

setup_work() {
	local d opid ostart
	# the launcher's messages; boot_guest runs with stderr on /dev/null
	exec {VM_ERR}>&2
	t_start=$(now_us)
	started_at=$(stamp)

	need_cmd "$opt_qemu" qemu-system-x86
	[ -x "$opt_virtiofsd" ] || vm_die "no virtiofsd at $opt_virtiofsd (apt-get install qemu-system-common)"
	need_cmd busybox busybox-static
	need_cmd cpio cpio
	need_cmd gzip gzip
	need_cmd mkfs.ext4 e2fsprogs
	need_cmd setpriv util-linux
	need_cmd flock util-linux
	opt_qemu=$(command -v "$opt_qemu")

	# results folder
	if [ -z "$opt_results" ]; then
		if [ -f "$srcdir/results/README.md" ]; then
			opt_results=$srcdir/results
		else
			opt_results=$PWD/results
		fi
	fi
	mkdir -p "$opt_results" || vm_die "cannot create $opt_results"
	results=$(readlink -f "$opt_results")

	cache=${DMAPTEST_CACHE:-${HOME:-/root}/.cache/dmaptest}
	mkdir -p "$cache" || vm_die "cannot create the cache $cache"

	work=$(mktemp -d "${TMPDIR:-/tmp}/dmaptest-vm.XXXXXX") || vm_die "mktemp failed"
	echo "$$ $(start_time $$)" >"$work/owner"
	# held while this launcher (or a QEMU or virtiofsd of it) lives
	exec {ownerfd}<"$work/owner"
	flock -n "$ownerfd"
	# Work folders of launchers killed by SIGKILL: their QEMU and virtiofsd
	# died with them (PR_SET_PDEATHSIG), their mounts with their namespace,
	# only the folder is left. Remove those that are this user's and whose
	# owner is provably gone: its lock is free (a launcher in another pid
	# namespace holds it too) and its pid is gone or another process now.
	for d in "${TMPDIR:-/tmp}"/dmaptest-vm.*/; do
		d=${d%/}
		[ "$d" != "$work" ] && [ ! -L "$d" ] && [ -O "$d" ] &&
			[ -f "$d/owner" ] && [ ! -L "$d/owner" ] || continue
		flock -n "$d/owner" true 2>/dev/null || continue
		read -r opid ostart <"$d/owner"
		[ -n "$opid" ] && [ "$(start_time "$opid")" = "$ostart" ] && continue
		grep -qF " $d/" /proc/self/mountinfo && continue
		rm -rf --one-file-system "$d"
	done
	share=$work/share
	vmc=$share/.vm
	qemu_pid='' vfsd_pid='' probe_pid='' outfd=''

	trap "cleanup 2>/dev/null" EXIT
	trap 'on_signal INT' INT
	trap 'on_signal TERM' TERM
}

# Ends what this run started, in order: QEMU, virtiofsd (it holds the
# share), then the mounts; the work folder goes only when nothing is
# mounted below it any more.
cleanup() {
	local p
	for p in "$probe_pid" "$qemu_pid"; do
		[ -n "$p" ] && kill -KILL "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	probe_pid= qemu_pid=
	stop_virtiofsd
	if [ -n "$outfd" ]; then
		exec {outfd}<&-
		outfd=
	fi
	for p in "$share/results" "$share/scratch"; do
		mountpoint -q "$p" 2>/dev/null && { umount "$p" 2>/dev/null || umount -l "$p"; }
	done
	if grep -q " ${work}/" /proc/self/mountinfo 2>/dev/null; then
		vm_warn "something is still mounted under $work; left in place"
	else
		rm -rf "$work"
	fi
}
stop_virtiofsd() {
	local i
	[ -n "$vfsd_pid" ] || return 0
	kill -TERM "$vfsd_pid" 2>/dev/null
	for ((i = 0; i < 20; i++)); do
		proc_alive "$vfsd_pid" || break
		sleep 0.1
	done
	kill -KILL "$vfsd_pid" 2>/dev/null
	wait "$vfsd_pid" 2>/dev/null
	vfsd_pid=
}
on_signal() {
	trap - INT TERM
	finish_run 3 "interrupted by SIG$1"
}

# a child that has not exited (a zombie counts as gone)
proc_alive() {
	local st rest
	[ -r "/proc/$1/stat" ] || return 1
	read -r rest 2>/dev/null <"/proc/$1/stat" || return 1
	rest=${rest##*) }
	st=${rest%% *}
	[ "$st" != Z ] && [ "$st" != X ]
}
