#!/bin/sh
# findings-guest.sh - the guest half of tests/dax/findings.sh. findings.sh
# copies it over /bin/dmaptest in the dmaptest-vm initramfs
# (--initrd-extra) together with the static reproducers reclaim-ebusy and
# ro-store, so the launcher boots the guest, mounts the share with -o dax
# and runs this instead of the suite. It runs the steps named in its
# arguments (the launcher's own dmaptest options are ignored) and prints
# "P: " lines, which the host side reads; traces go to the results folder.
#
# Steps:
#   ebusy          reclaim-ebusy: mappers, readers and an opener of one file
#   ebusy-noopen   the same without the opener (control)
#   ebusy-stores   no opener, but the mappers store and flush (msync,
#                  sync_file_range) as dmap-exhaust's do
#   ro-store       ro-store: a writer and read-faulting mappers of the same
#                  ranges, readers forcing reclaim (the VMM is expected to die)
#   ro-store-nomap the writer and the readers without the mappers (control)
# Options (arguments of the form KEY=VALUE): secs=N (each reproducer's
# time limit), tag=NAME (prefix of the files left in the results folder),
# reps=N (ebusy steps: run the reproducer N times in this boot, each on a
# fresh file), fsdax=1 (also trace fs/dax.c's own events: writeback,
# inserts, faults),
# deep=1 (ebusy steps: every entry invalidation of the readers, with the
# XArray lookups and mark tests inside it, to tell a vanished entry from a
# dirty or to-write one).
S=/mnt/share/scratch
R=/mnt/share/results
T=/sys/kernel/tracing
steps=
secs=
tag=findings
for a in "$@"; do
	case $a in
	ebusy|ebusy-noopen|ebusy-stores|ro-store|ro-store-nomap) steps="$steps $a" ;;
	fsdax=1) fsdax=1 ;;
	deep=1) deep=1 ;;
	reps=*) reps=${a#reps=} ;;
	secs=*) secs=${a#secs=} ;;
	tag=*) tag=${a#tag=} ;;
	esac
done
p() { echo "P: $*"; }

# the window's 2 MiB slots, from the driver's "Cache len" line
slots=$(dmesg | sed -n 's/.*virtiofs.*Cache len: 0x\([0-9a-f]*\).*/\1/p' | tail -n 1)
[ -n "$slots" ] && slots=$(( 0x$slots / 2097152 ))
p "window: ${slots:-unknown} slots of 2 MiB"
p "kernel: $(uname -r)"
[ -n "$slots" ] || slots=128

mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# fs/fuse/dax.c's own failure messages (reclaim)
echo 'file fs/fuse/dax.c format "failed" +p' >/proc/dynamic_debug/control 2>/dev/null &&
	p "dynamic debug: fs/fuse/dax.c 'failed' messages on"

probe() { # probe DEFINITION: one kprobe event, said when it fails
	echo "$1" >>$T/kprobe_events 2>/dev/null || p "kprobe not set: $1"
}
trace_reset() {
	local e
	echo 0 >$T/tracing_on
	if [ -d $T/events/findings ]; then
		echo 0 >$T/events/findings/enable
		# a trigger keeps its event busy: remove them first
		for e in $T/events/findings/*/trigger; do
			echo '!stacktrace' >"$e" 2>/dev/null
		done
	fi
	echo >$T/kprobe_events
	echo 32768 >$T/buffer_size_kb
	echo >$T/trace
	echo 1 >$T/tracing_on
}
# the dmaps' layout in Debian's 6.1.0 fuse.ko (struct fuse_dax_mapping):
# window_offset at 88, writable at 104. fuse_fill_iomap() is a GCC clone
# there (fuse_fill_iomap.isra.0) whose arguments are: i_size, pos,
# length, iomap, dmap, flags (checked against its disassembly).
FILL=fuse_fill_iomap.isra.0
grep -q " $FILL" /proc/kallsyms || FILL=fuse_fill_iomap
# dmap_writeback_invalidate(), reclaim's write back and invalidation
WBINV=$(sed -n 's/.* t \(dmap_writeback_invalidate[.a-z0-9]*\)\t.*/\1/p' /proc/kallsyms | head -n 1)

cd /tmp || exit 1
for s in $steps; do
	p "=== step $s"
	dmesg -c >/dev/null
	trace_reset
	case $s in
	ebusy|ebusy-noopen|ebusy-stores)
		# reclaim's invalidation of one range (end != -1) and its
		# failure; the whole-file invalidation of open(2) (end == -1)
		probe 'p:findings/inv_range invalidate_inode_pages2_range mapping=%di start=%si end=%dx'
		probe 'r:findings/inv_range_ret invalidate_inode_pages2_range ret=$retval:s32'
		probe 'p:findings/inv_file invalidate_inode_pages2 mapping=%di'
		probe 'r:findings/inv_file_ret invalidate_inode_pages2 ret=$retval:s32'
		probe 'r:findings/entry_ret dax_invalidate_mapping_entry_sync ret=$retval:s32'
		probe "r:findings/reclaim_ret $WBINV ret=\$retval:s32"
		# only the failures of the per-entry invalidation
		echo 'ret == 0' >$T/events/findings/entry_ret/filter
		echo 'end != 0xffffffffffffffff' >$T/events/findings/inv_range/filter
		echo 'ret != 0' >$T/events/findings/inv_range_ret/filter
		echo 'ret != 0' >$T/events/findings/reclaim_ret/filter
		echo 'stacktrace if ret != 0' >$T/events/findings/reclaim_ret/trigger
		if [ -n "$deep" ]; then
			# inside __dax_invalidate_entry() of Debian's 6.1.0
			# build (offsets from its disassembly): the entry
			# get_unlocked_entry() found (0: none), then the
			# answers of xas_get_mark(DIRTY) and (TOWRITE); the
			# XArray index is the xa_state's, on the stack
			probe 'p:findings/ent dax_invalidate_mapping_entry_sync mapping=%di index=%si'
			probe 'p:findings/die_entry __dax_invalidate_entry+0x6c entry=%ax:x64 index=+8(%sp):x64'
			probe 'p:findings/die_dirty __dax_invalidate_entry+0x10e dirty=%ax:u8 index=+8(%sp):x64'
			probe 'p:findings/die_towrite __dax_invalidate_entry+0x123 towrite=%ax:u8 index=+8(%sp):x64'
			for e in ent die_entry die_dirty die_towrite entry_ret; do
				[ -d $T/events/findings/$e ] &&
					echo 'comm == "rb-reader"' >$T/events/findings/$e/filter
			done
		fi
		echo 1 >$T/events/findings/enable
		[ -n "$fsdax" ] && echo 1 >$T/events/fs_dax/enable
		opt=
		[ $s = ebusy-noopen ] && opt=-n
		[ $s = ebusy-stores ] && opt="-n -s"
		i=0
		while [ $i -lt "${reps:-1}" ]; do
			i=$((i + 1))
			rm -f $S/ebusy.dat
			p "run $i of ${reps:-1}"
			/bin/reclaim-ebusy -t "${secs:-60}" -w "$slots" $opt $S/ebusy.dat 2>&1
		done
		echo 0 >$T/tracing_on
		[ -n "$fsdax" ] && echo 0 >$T/events/fs_dax/enable
		cp $T/trace "$R/$tag.$s.trace"
		p "dmesg: $(dmesg | grep -c 'invalidate_inode_pages2_range() failed err=-16') x 'invalidate_inode_pages2_range() failed err=-16'"
		dmesg | grep -E 'fuse|dax|WARN' | head -n 20 | sed 's/^/P: dmesg: /'
		p "trace: $(grep -c 'reclaim_ret:' $T/trace) failed reclaims, $(grep -c 'inv_range_ret:' $T/trace) failed range invalidations, $(grep -c 'entry_ret:.* ret=0$' $T/trace) failed entry invalidations, $(grep -c 'inv_file:' $T/trace) whole-file invalidations"
		grep -m 1 -A 24 'reclaim_ret:' $T/trace | sed 's/^/P: trace: /'
		rm -f $S/ebusy.dat
		;;
	ro-store|ro-store-nomap)
		# the one call that hands a write a read-only dmap; with
		# tp_printk on the command line it reaches the console before
		# the store kills the VMM
		probe "p:findings/ro_fill $FILL pos=%si woff=+88(%r8):x64 writable=+104(%r8):u8 flags=%r9:x32 caller=+0(\$stack):x64 comm=\$comm"
		echo '(flags & 1) && writable == 0' >$T/events/findings/ro_fill/filter
		echo 1 >$T/events/findings/ro_fill/enable
		grep -q tp_printk /proc/cmdline && p "tp_printk: trace events also go to the console"
		grep ' fuse_iomap_begin' /proc/kallsyms | sed 's/^/P: kallsyms: /'
		opt=
		[ $s = ro-store-nomap ] && opt=-m
		rm -f $S/ro.dat
		/bin/ro-store -t "${secs:-120}" -w "$slots" $opt $S/ro.dat 2>&1
		echo 0 >$T/tracing_on
		cp $T/trace "$R/$tag.$s.trace"
		p "trace: $(grep -c 'ro_fill:' $T/trace) writes handed a read-only dmap"
		rm -f $S/ro.dat
		;;
	esac
done
exit 0
