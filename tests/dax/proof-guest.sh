#!/bin/sh
# proof-guest.sh - the guest half of tests/dax/proof.sh. proof.sh copies it
# over /bin/dmaptest in the dmaptest-vm initramfs (--initrd-extra), so the
# launcher boots the guest, mounts the share with -o dax and runs this
# instead of the suite. It runs the steps named in its arguments (the
# launcher's own dmaptest options are ignored) and prints what it saw,
# "P: " lines on stdout, which the host side checks.
S=/mnt/share/scratch
R=/mnt/share/results
steps=
for a in "$@"; do
	case $a in
	basic|rw|sparse|upgrade|enospc|enospc-noreserve) steps="$steps $a" ;;
	esac
done
p() { echo "P: $*"; }
kp_on() {
	T=/sys/kernel/tracing
	[ -d $T/events/dax ] && echo 0 >$T/events/dax/enable && echo >$T/kprobe_events
	echo 'p:dax/setup fuse_setup_one_mapping writable=%cx:u8 upgrade=%r8:u8' >$T/kprobe_events 2>/dev/null &&
		echo 1 >$T/events/dax/enable && echo >$T/trace && p "kprobe on fuse_setup_one_mapping: on"
}
kp_report() {
	T=/sys/kernel/tracing
	[ -f $T/trace ] || return
	p "kprobe: setups=$(grep -c 'setup:' $T/trace) ro=$(grep -c 'writable=0' $T/trace) rw=$(grep -c 'writable=1' $T/trace) upgrades=$(grep -c 'upgrade=1' $T/trace)"
	echo >$T/trace
}
attr() { xfs_io -r -c 'statx -r' "$1" 2>/dev/null | grep -E 'stat.attributes|stat.blocks' | tr '\n' ' '; }
cd /tmp
for s in $steps; do
	p "=== step $s"
	case $s in
	basic)
		dmesg | grep -iE 'virtiofs|cache len|dax' | sed 's/^/P: dmesg: /'
		p "mounts: $(grep virtiofs /proc/mounts)"
		grep -iE 'virtio|shm' /proc/iomem | sed 's/^/P: iomem: /'
		echo x >$S/attrtest
		p "statx $S/attrtest: $(attr $S/attrtest)"
		;;
	rw)
		kp_on
		# guest -> host: truncate, then write inside i_size (DAX path)
		yes guest-wrote-this-through-dax | head -c 1048576 >/tmp/pat
		p "pattern md5 $(md5sum </tmp/pat | cut -d' ' -f1)"
		rm -f $R/dax-g2h.bin
		truncate -s 4M $R/dax-g2h.bin
		dd if=/tmp/pat of=$R/dax-g2h.bin bs=1M count=1 seek=1 conv=notrunc 2>&1 | tail -n 1 | sed 's/^/P: dd: /'
		sync
		p "guest view of dax-g2h.bin [1M,2M) md5 $(dd if=$R/dax-g2h.bin bs=1M skip=1 count=1 2>/dev/null | md5sum | cut -d' ' -f1)"
		p "statx dax-g2h.bin: $(attr $R/dax-g2h.bin)"
		# host -> guest: dax-h2g.bin written by the host before the boot
		if [ -f $R/dax-h2g.bin ]; then
			p "guest read of dax-h2g.bin md5 $(md5sum <$R/dax-h2g.bin | cut -d' ' -f1) size $(stat -c %s $R/dax-h2g.bin)"
			p "statx dax-h2g.bin: $(attr $R/dax-h2g.bin)"
		fi
		kp_report
		;;
	sparse)
		kp_on
		rm -f $S/sparse
		truncate -s 1G $S/sparse
		t0=$(cut -d' ' -f1 /proc/uptime)
		od -x $S/sparse | sed 's/^/P: od: /'
		t1=$(cut -d' ' -f1 /proc/uptime)
		p "od -x of 1 GiB sparse file: exit ok, $t0 -> $t1 s uptime"
		sleep 2
		p "st_blocks after read (fresh getattr): $(stat -c %b $S/sparse)"
		p "statx sparse: $(attr $S/sparse)"
		kp_report
		;;
	upgrade)
		kp_on
		rm -f $S/up
		truncate -s 4M $S/up
		od -x $S/up >/dev/null
		p "read done: both 2 MiB ranges mapped read-only"
		kp_report
		kp_on
		yes upgrade | head -c 4096 | dd of=$S/up bs=4096 count=1 conv=notrunc 2>&1 | tail -n 1 | sed 's/^/P: dd: /'
		p "write into the first range done"
		kp_report
		;;
	enospc|enospc-noreserve)
		kp_on
		df -k $S | tail -n 1 | sed 's/^/P: df before fill: /'
		dd if=/dev/zero of=$S/fill bs=1M 2>&1 | tail -n 1 | sed 's/^/P: fill: /'
		sync
		df -k $S | tail -n 1 | sed 's/^/P: df after fill: /'
		rm -f $S/hole
		truncate -s 64M $S/hole
		p "writing 64 MiB into holes of a truncated file through DAX"
		t0=$(cut -d' ' -f1 /proc/uptime)
		dd if=/dev/zero of=$S/hole bs=1M count=64 conv=notrunc 2>&1 | sed 's/^/P: dd: /'
		t1=$(cut -d' ' -f1 /proc/uptime)
		p "dd ended: uptime $t0 -> $t1"
		kp_report
		rm -f $S/fill $S/hole
		;;
	esac
done
p "=== done"
exit 0
