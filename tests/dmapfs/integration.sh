#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# integration.sh - dmapfs end to end, on a small loop-mounted ext4 as the
# host file system, inside a private mount namespace (no mount leaks).
# Every daemon, mount and loop device is torn down on every path, and
# every blocking step runs under timeout(1). Exit 77 (skip) when not root
# or without /dev/fuse.
#
# What it shows, with the control-file counters and host st_blocks:
#  0. basics: control file (not listed by readdir, fuse_conn), small
#     files, MAP_SHARED mmap (FUSE_DIRECT_IO_ALLOW_MMAP), SIGTERM unmounts,
#     --open-mode cached;
#  1. a read-only pass over a sparse file makes only RO dmaps and
#     allocates nothing under reference; RW dmaps under legacy, which
#     fault like reads (no host write fault): blocks only when the daemon
#     reserves every RW dmap;
#  2. a write upgrades an RO dmap exactly once, in place; reset works;
#  3. host full: reservation gives a prompt ENOSPC to pwrite (and to reads
#     under legacy); legacy without reservation reads a full host and
#     allocates nothing; with --host-reserve off the writer stalls (still
#     blocked after 2 s, vcpu_stalls 1) until the connection is aborted via
#     fusectl, or until SIGTERM; --host-fault die kills dmapfs (135) and
#     leaves ENOTCONN;
#     extending writes bypass the window (clean ENOSPC, no stall); a
#     window whose slots are all held waits (a killed reader's wait ends)
#     or, with busy-eagain, fails with EAGAIN after 5 s;
#  4. --slots 4 and 10 ranges: reclaim, data intact; --slots 10: the
#     background worker keeps more than 20 % free;
#  5. every --inject bug shows its deviation.
#
# Output is TAP-like: "ok N - what" / "not ok N - what".

set -u

top_builddir=${top_builddir:-$(pwd)}
DMAPFS=${DMAPFS:-$top_builddir/dmapfs/dmapfs}
IO=${DMAPFS_IO:-$top_builddir/tests/dmapfs/dmapfs_io}
MiB=$((1024 * 1024))

skip() {
	echo "SKIP: $*"
	exit 77
}

if [ -z "${DMAPFS_IN_NS:-}" ]; then
	[ "$(id -u)" = 0 ] || skip "needs root"
	[ -c /dev/fuse ] || skip "no /dev/fuse"
	for c in unshare mkfs.ext4 losetup timeout xfs_io fallocate \
		 mountpoint; do
		command -v "$c" >/dev/null || skip "needs $c"
	done
	[ -x "$DMAPFS" ] || { echo "missing $DMAPFS"; exit 1; }
	[ -x "$IO" ] || { echo "missing $IO"; exit 1; }
	export DMAPFS IO DMAPFS_IN_NS=1
	exec timeout -k 10 600 unshare -m --propagation private \
		bash "$0" "$@"
fi

# ---- inside the private mount namespace ----

W=$(mktemp -d /tmp/dmapfs-it.XXXXXX)
FS=$W/ext4		# the host file system
BACK=$FS/share		# the host shared directory
MNT="$W/mnt point"	# a blank: mountinfo escapes it
PID=
FAILS=0
N=0

cleanup() {
	local rc=$?

	stop_dmapfs
	mountpoint -q "$FS" && umount "$FS" 2>/dev/null
	mountpoint -q "$FS" && umount -l "$FS"
	[ -n "${LOOP:-}" ] && losetup -d "$LOOP" 2>/dev/null
	rm -rf "$W"
	exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() {
	N=$((N + 1))
	echo "ok $N - $*"
}

not_ok() {
	N=$((N + 1))
	FAILS=$((FAILS + 1))
	echo "not ok $N - $*"
}

# check DESCRIPTION COMMAND...: the command must succeed
check() {
	local what=$1

	shift
	if "$@"; then
		ok "$what"
	else
		not_ok "$what"
	fi
}

alive() {
	kill -0 "$1" 2>/dev/null
}

log_tail() {
	[ -f "$W/dmapfs.log" ] && sed 's/^/#   /' "$W/dmapfs.log" | tail -n 20
}

conn_id() {
	local dev

	dev=$(mountpoint -d "$MNT" 2>/dev/null) || return 1
	echo "${dev#*:}"
}

abort_conn() {
	local id=$1

	[ -n "$id" ] && [ -e "/sys/fs/fuse/connections/$id/abort" ] &&
		echo 1 > "/sys/fs/fuse/connections/$id/abort"
}

# start_dmapfs [options]: mount $BACK on $MNT, wait for --ready-fd
start_dmapfs() {
	local i

	rm -f "$W/ready"
	"$DMAPFS" --ready-fd 3 --log "$W/dmapfs.log" "$@" "$BACK" "$MNT" \
		3>"$W/ready" &
	PID=$!
	for i in $(seq 100); do
		grep -q '^ready$' "$W/ready" 2>/dev/null && break
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q '^ready$' "$W/ready" 2>/dev/null; then
		echo "# dmapfs $* did not start"
		log_tail
		stop_dmapfs
		return 1
	fi
	CONN=$(conn_id)
}

# stop_dmapfs: SIGTERM, else abort the connection and SIGKILL
stop_dmapfs() {
	local i id

	[ -n "$PID" ] || return 0
	id=$(conn_id)
	kill -TERM "$PID" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$PID" 2>/dev/null; then
		abort_conn "$id"
		sleep 0.2
		kill -KILL "$PID" 2>/dev/null
	fi
	wait "$PID" 2>/dev/null
	PID=
	mountpoint -q "$MNT" && umount -l "$MNT"
	return 0
}

# wait_exit PID SECONDS: wait for a background job, set WAIT_RC
wait_exit() {
	local pid=$1 i

	for i in $(seq $(($2 * 10))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		WAIT_RC=timeout
		return 1
	fi
	wait "$pid"
	WAIT_RC=$?
	return 0
}

# blocked_io OUT ARGS...: dmapfs_io ARGS in the background (it is
# expected to block), its output in OUT; sets BLOCKED to its pid
blocked_io() {
	local out=$1

	shift
	timeout 60 "$IO" "$@" > "$out" &
	BLOCKED=$!
}

# abort_ends LABEL: abort the connection; the blocked request and dmapfs
# must end (dmapfs with status 0), and the mount goes
abort_ends() {
	check "$1: aborting the connection works" abort_conn "$CONN"
	wait_exit "$BLOCKED" 10
	check "$1: the blocked request ends after the abort" \
		test "$WAIT_RC" != timeout
	wait_exit "$PID" 10
	check "$1: dmapfs exits after the abort" test "$WAIT_RC" = 0
	PID=
	umount -l "$MNT" 2>/dev/null
}

ctl() {
	timeout 10 awk -v k="$1" '$1 == k { print $2 }' "$MNT/.dmapfs"
}

ctl_maps() {
	timeout 10 awk -v m="$1" '$1 == "map" && $2 == m' "$MNT/.dmapfs"
}

ctl_is() {
	local v

	v=$(ctl "$1")
	[ "$v" = "$2" ] || { echo "# $1 = '$v', expected $2"; return 1; }
}

ctl_ge() {
	local v

	v=$(ctl "$1")
	[ -n "$v" ] && [ "$v" -ge "$2" ] ||
		{ echo "# $1 = '$v', expected >= $2"; return 1; }
}

ctl_reset() {
	timeout 10 sh -c "echo reset > '$MNT/.dmapfs'"
}

blocks() {
	stat -c %b "$1"
}

no_blocks() {
	local b

	sync -f "$1"
	b=$(blocks "$1")
	[ "$b" = 0 ] || { echo "# $1 has $b blocks"; return 1; }
}

has_blocks() {
	local b

	b=$(blocks "$1")
	[ "$b" -gt 0 ] || { echo "# $1 has no blocks"; return 1; }
}

# io EXPECTED ARGS...: run dmapfs_io under timeout, compare its first word
io_is() {
	local want=$1 out

	shift
	out=$(timeout 30 "$IO" "$@" 2>&1)
	case "$out" in
	"$want"*) return 0 ;;
	esac
	echo "# dmapfs_io $*: '$out', expected '$want'"
	return 1
}

all_maps_are() {
	local bad

	bad=$(timeout 10 awk -v f="$1" -v m="$2" \
		'$1 == "map" && $2 == f && $5 != m' "$MNT/.dmapfs")
	[ -z "$bad" ] || { echo "# unexpected: $bad"; return 1; }
}

read_all() {
	timeout 60 dd if="$1" of=/dev/null bs=1M status=none
}

# fill the host file system completely (root uses every block: -m 0)
fill_host() {
	local avail

	avail=$(df -B1 --output=avail "$FS" | tail -n 1)
	fallocate -l $((avail - 4 * MiB)) "$FS/ballast" 2>/dev/null
	timeout 60 dd if=/dev/zero of="$FS/ballast2" bs=64k status=none \
		2>/dev/null
	timeout 60 dd if=/dev/zero of="$FS/ballast3" bs=4k status=none \
		2>/dev/null
	sync -f "$FS"
}

unfill_host() {
	rm -f "$FS"/ballast*
	sync -f "$FS"
}

# the checks below also run helpers in "bash -c"
export -f io_is ctl ctl_is ctl_maps ctl_reset all_maps_are
export IO MNT BACK

# ---- setup: a 128 MiB ext4 on a loop device ----

mkdir -p "$FS" "$MNT"
mountpoint -q /sys/fs/fuse/connections ||
	mount -t fusectl none /sys/fs/fuse/connections ||
	skip "cannot mount fusectl"
truncate -s 128M "$W/ext4.img"
mkfs.ext4 -q -F -m 0 -b 4096 "$W/ext4.img" || { echo "mkfs failed"; exit 1; }
LOOP=$(losetup -f --show "$W/ext4.img") || skip "no loop device"
mount "$LOOP" "$FS" || { echo "mount of $LOOP failed"; exit 1; }
mkdir "$BACK"
echo "# host fs: $LOOP on $FS, dmapfs $DMAPFS"

# ---- 0: basics ----

if start_dmapfs; then
	check "control file is readable" ctl_is version 2
	check "control file names the fusectl connection" \
		ctl_is fuse_conn "$CONN"
	check "control file declares that mmap is not DAX" \
		ctl_is dax_mmap no
	check "control file is not listed by readdir" \
		bash -c "! ls -a '$MNT' | grep -qx .dmapfs"
	echo hello > "$MNT/hello"
	check "write and read back a small file" \
		bash -c "[ \"\$(cat '$MNT/hello')\" = hello ] &&
			 [ \"\$(cat '$BACK/hello')\" = hello ]"
	if [ "$(ctl mmap_shared)" = yes ]; then
		truncate -s 4M "$MNT/mm"
		check "MAP_SHARED store through mmap reaches the host" \
			bash -c "io_is OK mmap-write '$MNT/mm' $((MiB + 100)) 5000 0x33 &&
				 io_is OK check '$BACK/mm' $((MiB + 100)) 5000 0x33" 
	else
		not_ok "MAP_SHARED mmap not available (mmap_shared $(ctl mmap_shared))"
	fi
	stop_dmapfs
	check "SIGTERM unmounts" bash -c "! mountpoint -q '$MNT'"
	rm -f "$BACK/hello" "$BACK/mm"
fi

if start_dmapfs --open-mode cached; then
	check "cached: open_mode reported" ctl_is open_mode cached
	truncate -s 4M "$MNT/c"
	check "cached: write through the page cache reaches the host" \
		bash -c "io_is OK pwrite '$MNT/c' 4096 8192 0x21 &&
			 io_is OK check '$BACK/c' 4096 8192 0x21"
	check "cached: MAP_SHARED store reaches the host" \
		bash -c "io_is OK mmap-write '$MNT/c' $((2 * MiB)) 4096 0x22 &&
			 io_is OK check '$BACK/c' $((2 * MiB)) 4096 0x22"
	check "cached: the data went through the window" ctl_ge setup_rw 1
	stop_dmapfs
fi
rm -f "$BACK/c"

# ---- 1: a read-only pass over a sparse file ----

if start_dmapfs --client reference; then
	truncate -s 16M "$MNT/sparse"
	check "reference: reading a sparse file works" read_all "$MNT/sparse"
	check "reference: 8 RO dmaps" ctl_is setup_ro 8
	check "reference: no RW dmap" ctl_is setup_rw 0
	check "reference: every map line is ro" all_maps_are sparse ro
	check "reference: no host write faults" ctl_is host_write_faults 0
	check "reference: host allocated nothing" no_blocks "$BACK/sparse"
	stop_dmapfs
fi
rm -f "$BACK/sparse"

if start_dmapfs --client legacy; then
	truncate -s 16M "$MNT/sparse"
	check "legacy: reading a sparse file works" read_all "$MNT/sparse"
	check "legacy: 8 RW dmaps" ctl_is setup_rw 8
	check "legacy: no RO dmap" ctl_is setup_ro 0
	check "legacy: every map line is rw" all_maps_are sparse rw
	check "legacy: reads fault like reads" ctl_is host_write_faults 0
	check "legacy: the daemon's reservations allocated blocks" \
		has_blocks "$BACK/sparse"
	check "legacy: deviations listed" ctl_is deviations client-legacy
	stop_dmapfs
fi
rm -f "$BACK/sparse"

if start_dmapfs --client legacy --host-reserve off; then
	truncate -s 16M "$MNT/sparse"
	check "pre-patch: reading a sparse file works" read_all "$MNT/sparse"
	check "pre-patch: 8 RW dmaps" ctl_is setup_rw 8
	check "pre-patch: reads fault like reads" ctl_is host_write_faults 0
	check "pre-patch: host allocated nothing" no_blocks "$BACK/sparse"
	stop_dmapfs
fi
rm -f "$BACK/sparse"

# ---- 2: a write upgrades an RO dmap exactly once ----

if start_dmapfs; then
	truncate -s 8M "$MNT/up"
	read_all "$MNT/up"
	check "counters before reset" ctl_is setup_ro 4
	check "reset zeroes the counters" \
		bash -c "ctl_reset && ctl_is setup_ro 0 && ctl_is slots_mapped 4"
	check "write into an RO dmap" io_is OK pwrite "$MNT/up" 0 4096 0x5a
	check "write into the same dmap" io_is OK pwrite "$MNT/up" 8192 4096 0x5b
	check "exactly one upgrade" ctl_is upgrades 1
	check "no new dmap for the writes" ctl_is setup_rw 0
	check "upgraded dmap is rw in place (slot kept)" \
		bash -c "ctl_maps up | grep -q '^map up 0 [0-9]* rw$'"
	check "data reads back through the window" \
		io_is OK check "$MNT/up" 0 4096 0x5a
	check "data is on the host" io_is OK check "$BACK/up" 8192 4096 0x5b
	stop_dmapfs
fi
rm -f "$BACK/up"

# ---- 3: a full host ----

truncate -s 8M "$BACK/full_w" "$BACK/full_w2" "$BACK/full_r"
fill_host
echo "# host full: $(df -h --output=avail "$FS" | tail -n 1) available"

if start_dmapfs; then
	t0=$(date +%s)
	check "reserve on: pwrite gets ENOSPC" \
		io_is "ERR ENOSPC" pwrite "$MNT/full_w" 0 4096 0x11
	t1=$(date +%s)
	check "reserve on: ENOSPC is prompt" test $((t1 - t0)) -le 5
	check "reserve on: enospc_early counted" ctl_ge enospc_early 1
	check "reserve on: no vCPU stall" ctl_is vcpu_stalls_total 0
	check "reference: reading a sparse file on a full host works" \
		io_is OK read "$MNT/full_r" 0 $((8 * MiB))
	stop_dmapfs
fi

if start_dmapfs --client legacy; then
	check "legacy + reserve: reads of a sparse file get ENOSPC" \
		io_is "ERR ENOSPC" read "$MNT/full_r" 0 $((8 * MiB))
	check "legacy + reserve: enospc_early counted" ctl_ge enospc_early 1
	stop_dmapfs
fi

if start_dmapfs --client legacy --host-reserve off; then
	check "pre-patch: reads of a sparse file on a full host work" \
		io_is OK read "$MNT/full_r" 0 $((8 * MiB))
	check "pre-patch: through RW dmaps" ctl_is setup_rw 4
	check "pre-patch: no vCPU stall" ctl_is vcpu_stalls_total 0
	check "pre-patch: the reads allocated nothing" no_blocks "$BACK/full_r"
	stop_dmapfs
fi

if start_dmapfs --inject reserve-ro; then
	check "reserve-ro: reads of a sparse file on a full host get ENOSPC" \
		io_is "ERR ENOSPC" read "$MNT/full_r" 0 $((8 * MiB))
	check "reserve-ro: no RW dmap was asked for" ctl_is setup_rw 0
	stop_dmapfs
fi

if start_dmapfs --host-reserve off; then
	blocked_io "$W/writer.out" pwrite "$MNT/full_w" 0 4096 0x11
	sleep 2
	check "reserve off: the writer is still blocked after 2 s" \
		alive $BLOCKED
	check "reserve off: one vCPU stall in progress" ctl_is vcpu_stalls 1
	abort_ends "reserve off"
	echo "# writer: $(cat "$W/writer.out")"
fi

if start_dmapfs --host-reserve off; then
	timeout 60 "$IO" pwrite "$MNT/full_w" 0 4096 0x11 > "$W/writer.out" &
	WRITER=$!
	sleep 1
	check "reserve off: a second writer stalls too" ctl_is vcpu_stalls 1
	kill -TERM "$PID"
	wait_exit "$PID" 10
	check "reserve off: SIGTERM ends dmapfs despite the stall" \
		test "$WAIT_RC" = 0
	PID=
	wait_exit $WRITER 10
	check "reserve off: the writer ends after SIGTERM" \
		test "$WAIT_RC" != timeout
	echo "# writer: $(cat "$W/writer.out")"
	umount -l "$MNT" 2>/dev/null
fi

if start_dmapfs --host-reserve off --host-fault die; then
	check "host-fault die: the writer gets an error, not a hang" \
		bash -c "io_is ERR pwrite '$MNT/full_w' 0 4096 0x11"
	wait_exit "$PID" 10
	check "host-fault die: dmapfs died with status 135" \
		test "$WAIT_RC" = 135
	PID=
	check "host-fault die: the mount answers ENOTCONN" \
		bash -c "stat '$MNT/full_w' 2>&1 | grep -q 'not connected'"
	umount -l "$MNT" 2>/dev/null
fi

# extending writes bypass the window (a plain FUSE_WRITE upstream)
if start_dmapfs --host-reserve off; then
	check "extending write on a full host: a clean ENOSPC" \
		io_is "ERR ENOSPC" pwrite "$MNT/full_w" $((8 * MiB)) $MiB 0x12
	check "extending write: no dmap, no stall" \
		bash -c "ctl_is setup_rw 0 && ctl_is vcpu_stalls_total 0"
	check "extending write: served as a plain write" ctl_ge plain_writes 1
	stop_dmapfs
fi

# a busy window: two writers stalled in both slots hold them for good
if start_dmapfs --slots 2 --host-reserve off; then
	# two files: direct writes to one inode are serialized
	for f in full_w full_w2; do
		timeout 60 "$IO" pwrite "$MNT/$f" 0 4096 0x13 > /dev/null &
	done
	sleep 1
	check "busy window: both slots held by stalled writers" \
		bash -c "ctl_is vcpu_stalls 2 && ctl_is slots_busy 2"
	timeout 60 "$IO" read "$MNT/full_r" 0 4096 > "$W/reader.out" &
	READER=$!
	sleep 6
	check "busy window: a reader waits (no EAGAIN after 5 s)" \
		alive $READER
	check "busy window: one request waiting" ctl_is busy_waits 1
	kill -KILL $READER
	wait_exit $READER 5
	check "busy window: a killed reader's wait ends at once" \
		test "$WAIT_RC" != timeout
	abort_conn "$CONN"
	wait_exit "$PID" 10
	PID=
	umount -l "$MNT" 2>/dev/null
	wait
fi

if start_dmapfs --slots 2 --host-reserve off --inject busy-eagain; then
	# two files: direct writes to one inode are serialized
	for f in full_w full_w2; do
		timeout 60 "$IO" pwrite "$MNT/$f" 0 4096 0x13 > /dev/null &
	done
	sleep 1
	t0=$(date +%s)
	check "busy-eagain: a reader of a busy window gets EAGAIN" \
		io_is "ERR EAGAIN" read "$MNT/full_r" 0 4096
	t1=$(date +%s)
	check "busy-eagain: after about 5 s" \
		test $((t1 - t0)) -ge 4 -a $((t1 - t0)) -le 8
	abort_conn "$CONN"
	wait_exit "$PID" 10
	PID=
	umount -l "$MNT" 2>/dev/null
	wait
fi
unfill_host
rm -f "$BACK/full_w" "$BACK/full_w2" "$BACK/full_r"

# ---- 4: window reclaim ----

for i in $(seq 0 9); do
	"$IO" pwrite "$BACK/rc" $((i * 2 * MiB)) $((2 * MiB)) $((0x40 + i)) \
		> /dev/null
done

if start_dmapfs --slots 4; then
	okdata=1
	for i in $(seq 0 9); do
		io_is OK check "$MNT/rc" $((i * 2 * MiB)) $((2 * MiB)) \
			$((0x40 + i)) || okdata=0
	done
	check "slots 4: 10 ranges read back correctly" test $okdata = 1
	check "slots 4: the window reclaimed" ctl_ge reclaims 6
	check "slots 4: removemappings counted" ctl_ge removemappings 6
	check "slots 4: at most 4 dmaps mapped" \
		bash -c "[ \$(ctl slots_mapped) -le 4 ]"
	check "slots 4: reclaims counted inline or in the background" \
		bash -c "[ \$((\$(ctl reclaims_inline) + \$(ctl reclaims_background))) = \$(ctl reclaims) ]"
	check "slots 4: whole file compares equal" \
		timeout 60 cmp "$MNT/rc" "$BACK/rc"
	stop_dmapfs
fi

# the background worker frees ranges below 20 % free (10 at a time)
if start_dmapfs --slots 10; then
	io_is OK read "$MNT/rc" 0 $((9 * 2 * MiB)) >/dev/null
	sleep 0.5
	check "slots 10: the background worker reclaimed" \
		ctl_ge reclaims_background 1
	check "slots 10: and left more than 20 % free" ctl_ge slots_free 3
	stop_dmapfs
fi

# ---- 5: injected bugs ----

truncate -s 4M "$BACK/nu"
if start_dmapfs --inject no-upgrade; then
	io_is OK read "$MNT/nu" 0 4096
	blocked_io "$W/writer.out" pwrite "$MNT/nu" 0 4096 0x77
	sleep 2
	check "no-upgrade: the store into the RO slot stalls the writer" \
		alive $BLOCKED
	check "no-upgrade: the store faulted (SIGSEGV)" ctl_is sigsegv 1
	check "no-upgrade: one vCPU stall in progress" ctl_is vcpu_stalls 1
	check "no-upgrade: no upgrade counted" ctl_is upgrades 0
	check "no-upgrade: listed as deviation" ctl_is inject no-upgrade
	abort_ends "no-upgrade"
fi
check "no-upgrade: nothing reached the host" \
	io_is MISMATCH check "$BACK/nu" 0 4096 0x77

if start_dmapfs --inject no-upgrade --host-fault die; then
	io_is OK read "$MNT/nu" 0 4096
	check "no-upgrade, host-fault die: the writer gets an error" \
		bash -c "io_is ERR pwrite '$MNT/nu' 0 4096 0x77"
	wait_exit "$PID" 10
	check "no-upgrade, host-fault die: dmapfs died with status 139 (SIGSEGV)" \
		test "$WAIT_RC" = 139
	PID=
	umount -l "$MNT" 2>/dev/null
fi
rm -f "$BACK/nu"

"$IO" pwrite "$BACK/su" 0 $((4 * MiB)) 0x41 > /dev/null
if start_dmapfs --slots 4 --inject stale-upgrade; then
	io_is OK check "$MNT/su" 0 4096 0x41
	check "stale-upgrade: the write succeeds" \
		io_is OK pwrite "$MNT/su" 0 4096 0x42
	check "stale-upgrade: the host has the new data" \
		io_is OK check "$BACK/su" 0 4096 0x42
	check "stale-upgrade: reads see the new data (coherent)" \
		io_is OK check "$MNT/su" 0 4096 0x42
	check "stale-upgrade: a second, RW setup instead of an upgrade" \
		bash -c "ctl_is setup_rw 1 && ctl_is upgrades 0"
	check "stale-upgrade: the range has two mappings" \
		bash -c "[ \$(ctl_maps su | grep -c '^map su 0 ') = 2 ]"
	check "stale-upgrade: one slot leaked" ctl_is slots_leaked 1
	io_is OK read "$MNT/rc" 0 $((20 * MiB)) >/dev/null
	check "stale-upgrade: reclaim leaves the leaked slot mapped" \
		bash -c "ctl_is slots_leaked 1 && [ \$(ctl_maps su | grep -c ' ro$') = 1 ]"
	stop_dmapfs
fi
rm -f "$BACK/su"

if start_dmapfs --inject reserve-ro; then
	truncate -s 8M "$MNT/ra"
	read_all "$MNT/ra"
	check "reserve-ro: counters say RO" \
		bash -c "ctl_is setup_ro 4 && ctl_is setup_rw 0 && all_maps_are ra ro"
	check "reserve-ro: reads fault like reads" ctl_is host_write_faults 0
	check "reserve-ro: the host reserved blocks for reads" \
		has_blocks "$BACK/ra"
	stop_dmapfs
fi
rm -f "$BACK/ra"

if start_dmapfs --slots 4 --inject no-reclaim; then
	check "no-reclaim: a full window fails with ENOMEM" \
		io_is "ERR ENOMEM" read "$MNT/rc" 0 $((20 * MiB))
	check "no-reclaim: nothing reclaimed" ctl_is reclaims 0
	stop_dmapfs
fi

if start_dmapfs --slots 4 --inject reclaim-deadlock; then
	blocked_io "$W/reader.out" read "$MNT/rc" 0 $((20 * MiB))
	sleep 2
	check "reclaim-deadlock: the reader is blocked after 2 s" \
		alive $BLOCKED
	check "reclaim-deadlock: the window lock is held" \
		ctl_is window_locked 1
	abort_ends "reclaim-deadlock"
fi
rm -f "$BACK/rc"

echo "1..$N"
if [ $FAILS -ne 0 ]; then
	echo "# $FAILS of $N checks failed; dmapfs log:"
	log_tail
	exit 1
fi
echo "# all $N checks passed"
exit 0
