#!/bin/bash
# mmap-hole-full.sh - truncate-od/mmap-hole-full reads the holes of a
# sparse file through MAP_SHARED mappings with the host file system full.
# On a full tmpfs (which allocates on read faults) that SIGBUSes: the
# verdict must be a FAIL that says so, not a crash (ERROR) or a PASS. On
# the default target (ext4 behind dmapfs) it must PASS, with its
# read-only-mappings claim out of scope (dmapfs mmaps are not DAX).
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root (tmpfs and dmapfs mounts)"
command -v unshare >/dev/null || skip "unshare (util-linux) is needed"

expect_match "listed" "$("$DMAPTEST" list truncate-od)" "*mmap-hole-full*"

res=$T/results
mkdir -p "$T/tmpfs"
unshare -m --propagation private "$BASH" -c \
	'mount -t tmpfs -o size=64m none "$1" && shift && "$@"' _ "$T/tmpfs" \
	"$DMAPTEST" --mount "$T/tmpfs" --allow-fill --baseline run truncate-od/mmap-hole-full --quick \
	--progress none -o "$res" >"$T/tmpfs.tap" 2>&1
expect_eq "full tmpfs: exit status" "$?" 1
expect_eq "full tmpfs: verdict" "$(result_get "$res/latest" truncate-od.mmap-hole-full verdict)" FAIL
expect_match "full tmpfs: reason" "$(result_get "$res/latest" truncate-od.mmap-hole-full reason)" \
	"baseline, no DAX (*)*mmap read: SIGBUS reading a hole through a MAP_SHARED mapping at offset *: the host could not serve a read fault of a hole on a full file system*host full (ballast *"
# reading the holes with read(2) works there: only the mapping tells (no
# DAX: a baseline run, whose claims hold but which cannot PASS)
unshare -m --propagation private "$BASH" -c \
	'mount -t tmpfs -o size=64m none "$1" && shift && "$@"' _ "$T/tmpfs" \
	"$DMAPTEST" --mount "$T/tmpfs" --allow-fill --baseline run truncate-od/native-full --quick \
	--progress none -o "$res" >"$T/tmpfs2.tap" 2>&1
expect_eq "full tmpfs, read(2): verdict" "$(result_get "$res/latest" truncate-od.native-full verdict)" SKIP
expect_match "full tmpfs, read(2): zeros" "$(result_get "$res/latest" truncate-od.native-full claim.zeros)" "HELD:*"
expect_match "full tmpfs, read(2): no allocation" "$(result_get "$res/latest" truncate-od.native-full claim.no-alloc)" "HELD:*"

if [ -c /dev/fuse ] && [ -x "$top_builddir/dmapfs/dmapfs" ] && command -v mkfs.ext4 >/dev/null; then
	"$DMAPTEST" run truncate-od/mmap-hole-full --quick --host-size 256M --progress none \
		-o "$res" >"$T/dmapfs.tap" 2>&1
	expect_eq "dmapfs: verdict" "$(result_get "$res/latest" truncate-od.mmap-hole-full verdict)" PASS
	expect_match "dmapfs: reason" "$(result_get "$res/latest" truncate-od.mmap-hole-full reason)" \
		"read 64 MiB of holes through MAP_SHARED mappings, all zeros, * setup_rw=0 *host full*; not measured on dmapfs: the read faults set up only read-only mappings* (needs DAX-mmap)"
	# dmapfs serves the faults as FUSE reads: what reaches the host is a
	# read fault of a hole (measured), not a DAX mapping (out of scope)
	expect_match "dmapfs: zeros" "$(result_get "$res/latest" truncate-od.mmap-hole-full claim.zeros)" "HELD:*"
	expect_match "dmapfs: no allocation" "$(result_get "$res/latest" truncate-od.mmap-hole-full claim.no-alloc)" "HELD:*"
	expect_match "dmapfs: read-only mappings out of scope" "$(result_get "$res/latest" truncate-od.mmap-hole-full claim.ro-only)" "UNMEASURED (out of scope, needs DAX-mmap):*"
fi

finish
