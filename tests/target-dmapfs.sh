#!/bin/bash
# target-dmapfs.sh - the default target's life cycle: a hang aborts and
# restarts dmapfs, a dmapfs that dies mid-case is reported as the target
# dying (and replaced), and a runner killed with SIGKILL leaves no mount,
# loop device or daemon behind.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root (loop and FUSE mounts)"
[ -c /dev/fuse ] || skip "no /dev/fuse"
command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 (e2fsprogs) is needed"
[ -x "$top_builddir/dmapfs/dmapfs" ] || skip "dmapfs is not built"

res=$T/results
common=(--host-size 64M --slots 8 --progress none -o "$res")

# 1. a hang: abort, restart, the next case runs on a fresh dmapfs
"$DMAPTEST" run meta-pass meta-hang meta-fail "${common[@]}" >"$T/tap1" 2>&1
run=$res/latest
expect_eq "hang: meta-hang" "$(result_get "$run" meta-hang verdict)" HANG
expect_eq "hang: next case ran" "$(result_get "$run" meta-fail verdict)" FAIL
expect_match "hang: restart announced" "$(cat "$T/tap1")" "*case hung: restarting target dmapfs*"
expect_eq "hang: target in run.json" "$($JSON_GET "$run/run.json" target.name)" dmapfs
expect_eq "hang: slots in run.json" "$($JSON_GET "$run/run.json" target.slots)" 8
expect_eq "dmapfs declares no DAX mmap" "$($JSON_GET "$run/run.json" target.dax_mmap)" false

# 2. dmapfs killed in the middle of a case
"$DMAPTEST" run meta-hang meta-pass -T 10 "${common[@]}" >"$T/tap2" 2>&1 &
runner=$!
on_exit "kill -9 $runner 2>/dev/null"
wait_for_case "$res" meta-hang || bad "meta-hang never started"
sleep 0.3
daemon=$(pgrep -P "$runner" -x dmapfs | head -n 1)
[ -n "$daemon" ] && kill -9 "$daemon"
wait "$runner"
run=$res/latest
expect_eq "death: verdict" "$(result_get "$run" meta-hang verdict)" FAIL
expect_match "death: reason" "$(result_get "$run" meta-hang reason)" "target died during the case: dmapfs was killed by SIGKILL*"
expect_eq "death: target_died flag" "$(result_get "$run" meta-hang target_died)" 1
expect_eq "death: next case on a fresh dmapfs" "$(result_get "$run" meta-pass verdict)" PASS

# 3. the runner SIGKILLed mid-case: the namespace takes everything along
"$DMAPTEST" run meta-hang -T 10 "${common[@]}" >"$T/tap3" 2>&1 &
runner=$!
wait_for_case "$res" meta-hang || bad "meta-hang never started"
daemon=$(pgrep -P "$runner" -x dmapfs | head -n 1)
# the host image is an unnamed file: losetup -a shows its loop device
# with its inode (an inode number freed can be another run's image soon:
# the loop device and the inode together are this run's)
ino=$($JSON_GET "$res/latest/run.json" target.image_inode)
loop=$($JSON_GET "$res/latest/run.json" target.loop)
[ -n "$ino" ] && [ "$ino" != 0 ] && [ -n "$loop" ] && ok "image $loop, inode $ino recorded" ||
	bad "no image inode or loop device in run.json"
images() { losetup -a | grep -c "^$loop: .*\]:$ino ("; }
expect_eq "loop device while it runs" "$(images)" 1
kill -9 "$runner"
wait "$runner" 2>/dev/null
for _ in $(seq 200); do
	{ [ -z "$daemon" ] || ! kill -0 "$daemon" 2>/dev/null; } &&
		[ "$(images)" -eq 0 ] && break
	sleep 0.05
done
if [ -n "$daemon" ] && kill -0 "$daemon" 2>/dev/null; then
	bad "dmapfs $daemon outlived its runner"
else
	ok "dmapfs died with its runner"
fi
expect_eq "loop devices after SIGKILL" "$(images)" 0
expect_eq "dmaptest mounts visible" "$(grep -c dmaptest /proc/mounts)" 0
# the image was never a named file: nothing to find on disk
expect_eq "host image files" "$(find "$($JSON_GET "$res/latest/run.json" target.image_dir)" -maxdepth 2 -name host.img 2>/dev/null | grep -c "dmaptest.$runner.")" 0

# the next run removes the scratch folder the killed one left
"$DMAPTEST" run meta-pass "${common[@]}" >/dev/null 2>&1
expect_eq "stale scratch folders" "$(find /run/dmaptest -maxdepth 1 -name "dmaptest.$runner.*" | wc -l)" 0

# 4. a host file system the image's folder cannot hold: one clear line,
# run.json and the tap file say why, nothing left behind (ext4 holds
# files up to 16 TiB - 4 KiB)
if [ "$(stat -f -c %T /var/tmp)" = ext2/ext3 ]; then
	for size in 16T 1P; do
		TMPDIR=/var/tmp "$DMAPTEST" run meta-pass --host-size $size --progress none -o "$res" \
			>"$T/big.tap" 2>"$T/big.err"
		expect_eq "--host-size $size: exit status" "$?" 3
		expect_match "--host-size $size: message" "$(head -n 1 "$T/big.err")" \
			"dmaptest: target dmapfs: --host-size * the host image goes to /var/tmp (ext4, 4096-byte blocks), where a file stops one block short of 16.0 TiB (File too large)*"
		expect_match "--host-size $size: run.json" "$($JSON_GET "$res/latest/run.json" error)" \
			"target dmapfs: --host-size *File too large*"
		expect_match "--host-size $size: tap file" "$(tail -n 1 "$res/latest/tap")" "Bail out! target dmapfs: --host-size *File too large*"
		id=$($JSON_GET "$res/latest/run.json" run_id)
		expect_eq "--host-size $size: scratch left" "$(find /run/dmaptest /var/tmp -maxdepth 1 -name "dmaptest.${id##*-}.*" | wc -l)" 0
	done
fi

finish
