#!/bin/bash
# passthrough.sh - host-enospc against libfuse's passthrough_ll (built
# from the fuse3 examples) over a small loop ext4, with and without the
# page cache: after the ballast goes, its space comes back only when the
# daemon has handled the asynchronous RELEASE and FORGET; the case must
# wait for it (bounded), say how long it took, and PASS.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root (loop and FUSE mounts)"
[ -c /dev/fuse ] || skip "no /dev/fuse"
command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 (e2fsprogs) is needed"
src=/usr/share/doc/libfuse3-dev/examples/passthrough_ll.c
[ -f "$src" ] || skip "no $src (libfuse3-dev's examples)"
${CC:-cc} -O2 -o "$T/passthrough_ll" "$src" $(pkg-config --cflags --libs fuse3) 2>"$T/cc.err" ||
	skip "passthrough_ll does not build: $(head -n 1 "$T/cc.err")"

# on_passthrough CACHE OUT DMAPTEST-ARGS...: on a fresh 128M host
on_passthrough() {
	local cache=$1 out=$2
	shift 2
	unshare -m --propagation private "$BASH" -c '
		W=$1 pll=$2 cache=$3; shift 3
		mkdir -p "$W/host" "$W/mnt"
		truncate -s 128M "$W/img" && mkfs.ext4 -q -F -m 0 "$W/img" &&
			mount -o loop "$W/img" "$W/host" || exit 99
		"$pll" -f -o source="$W/host",cache="$cache" "$W/mnt" 2>"$W/pll.log" &
		d=$!
		for _ in $(seq 100); do mountpoint -q "$W/mnt" && break; sleep 0.05; done
		"$@" --mount "$W/mnt"
		rc=$?
		umount "$W/mnt"; wait $d; umount "$W/host"; rm -f "$W/img"
		exit $rc' _ "$T/w-$cache" "$T/passthrough_ll" "$cache" "$@" >"$out" 2>&1
}

res=$T/results
for cache in auto never; do
	on_passthrough $cache "$T/$cache.out" "$DMAPTEST" run host-enospc --allow-fill \
		--baseline --progress none -o "$res/$cache"
	run=$res/$cache/latest
	# no DAX on passthrough_ll: a baseline run, so SKIP at best; what is
	# judged is the claim that writes work again after the ballast goes
	v=$(result_get "$run" host-enospc claim.refill)
	expect_match "cache=$cache: host-enospc refill claim" "$v" "HELD:*"
	expect_eq "cache=$cache: host-enospc verdict (baseline)" "$(result_get "$run" host-enospc verdict)" SKIP
	[ "${v%%:*}" = HELD ] || sed 's/^/# /' "$T/$cache.out"
	back=$(result_get "$run" host-enospc metric.space_back_seconds)
	expect_match "cache=$cache: how long the space took to come back" "$back" "[0-9]*.[0-9][0-9][0-9]"
	expect_match "cache=$cache: said in the claim" "$(result_get "$run" host-enospc claim.refill.detail)" \
		"*writes work again after the ballast is removed (its space was back in $back s)*"
done

finish
