#!/bin/bash
# safety.sh - what dmaptest removes, as root on a shared machine: only its
# own marked leftovers whose runner is provably gone (a live runner in
# another pid namespace is not gone), never through a link, never across
# a mount; its scratch folders are 0700 and marked; a path a case
# registers outside its own folders is refused; and no case fills a mount
# the runner did not make without --allow-fill.
. "$(dirname "$0")/lib.sh"

root=no
[ "$(id -u)" -eq 0 ] && root=yes
boot=$(tr -d '-' </proc/sys/kernel/random/boot_id)
host=$(hostname)
uid=$(id -u)

# a leftover scratch folder with a marker: NAME EUID BOOT PID
marked() {
	mkdir -p "$P/$1/run/case"
	printf 'dmaptest-marker 1\neuid %s\nboot %s\npid %s\nstart 1\nhost %s\n' \
		"$2" "$3" "$4" "$host" >"$P/$1/.dmaptest-marker"
	echo data >"$P/$1/run/case/file"
}

# ---- 1. dmaptest cleanup: what is removed, what is left and why
P=$T/shared
mkdir -p "$P" "$P/elsewhere"
chmod 1777 "$P"
echo precious >"$P/elsewhere/precious"
marked dmaptest.999997.dead "$uid" "$boot" 999997
marked dmaptest.999996.otherboot "$uid" 0123456789abcdef0123456789abcdef 999996
marked dmaptest.999995.locked "$uid" "$boot" 999995
marked dmaptest.999994.otheruser $((uid + 1)) "$boot" 999994
mkdir -p "$P/dmaptest.999993.nomarker"
ln -s "$P/elsewhere" "$P/dmaptest.999992.link"
marked dmaptest.999991.withlinks "$uid" "$boot" 999991
ln -s "$P/elsewhere" "$P/dmaptest.999991.withlinks/run/dir-link"
ln -s "$P/elsewhere/precious" "$P/dmaptest.999991.withlinks/run/case/file-link"
# this shell's start time: field 22 of /proc/PID/stat (20th after the ')')
start=$(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f20)
touch "$P/.dmaptest-ballast.$uid.$boot.999990.5" "$P/.dmaptest-ballast.1a2b.77" \
	"$P/.dmaptest-ballast.$uid.$boot.$$.$start" "$P/.dmaptest-ballast.$uid.$boot.$$.1"
if [ $root = yes ]; then
	# the issue's case: a nobody-owned folder named like a scratch folder
	mkdir -p "$P/dmaptest.999999.my-notes"
	echo "years of work" >"$P/dmaptest.999999.my-notes/thesis.txt"
	chown -R nobody "$P/dmaptest.999999.my-notes"
fi
# a runner that lives, as far as the lock says (its pid is long gone)
flock -x "$P/dmaptest.999995.locked/.dmaptest-marker" sleep 60 &
locker=$!
on_exit "kill $locker 2>/dev/null"
for _ in $(seq 50); do
	flock -n -x "$P/dmaptest.999995.locked/.dmaptest-marker" true 2>/dev/null || break
	sleep 0.05
done

"$DMAPTEST" cleanup --mount "$P" >"$T/cleanup" 2>&1
expect_eq "cleanup: exit status" "$?" 0
cat "$T/cleanup"
listed() { grep -F "$1: $P/$2 (" "$T/cleanup" | head -n 1; }
expect_match "dead runner's folder removed" "$(listed removed dmaptest.999997.dead)" "*its runner (pid 999997) is gone)"
expect_match "other boot's folder removed" "$(listed removed dmaptest.999996.otherboot)" "*ran in another boot)"
expect_match "locked folder left" "$(listed left dmaptest.999995.locked)" "*in use: its runner holds the lock*"
expect_match "another user's marker left" "$(listed left dmaptest.999994.otheruser)" "*another user's (uid $((uid + 1))))"
expect_match "unmarked folder left" "$(listed left dmaptest.999993.nomarker)" "*no dmaptest marker in it*"
expect_match "link left, not followed" "$(listed left dmaptest.999992.link)" "*not a folder)"
expect_match "links inside removed as links" "$(listed removed dmaptest.999991.withlinks)" "*is gone)"
expect_eq "what the links pointed at" "$(cat "$P/elsewhere/precious" 2>&1)" precious
expect_match "dead case's ballast removed" "$(listed removed ".dmaptest-ballast.$uid.$boot.999990.5")" "*is gone)"
expect_match "unmarked ballast name left" "$(listed left .dmaptest-ballast.1a2b.77)" "*no dmaptest marker in its name*"
expect_match "a live process's ballast left" "$(listed left ".dmaptest-ballast.$uid.$boot.$$.$start")" "*still runs)"
expect_match "a reused pid's ballast removed" "$(listed removed ".dmaptest-ballast.$uid.$boot.$$.1")" "*that pid is another process now)"
for d in dmaptest.999995.locked dmaptest.999994.otheruser dmaptest.999993.nomarker; do
	[ -d "$P/$d" ] && ok "$d is still there" || bad "$d was removed"
done
if [ $root = yes ]; then
	expect_match "nobody's folder left" "$(listed left dmaptest.999999.my-notes)" "*another user's (uid $(id -u nobody)))"
	expect_eq "nobody's thesis" "$(cat "$P/dmaptest.999999.my-notes/thesis.txt" 2>&1)" "years of work"
	expect_eq "cleanup summary" "$(tail -n 1 "$T/cleanup")" "5 removed, 7 left, 0 failed"
else
	expect_eq "cleanup summary" "$(tail -n 1 "$T/cleanup")" "5 removed, 6 left, 0 failed"
fi
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null

# ---- 2. a stale folder with a mount inside: the walk does not cross it
if [ $root = yes ] && command -v unshare >/dev/null; then
	marked dmaptest.999989.mounted "$uid" "$boot" 999989
	mkdir -p "$P/dmaptest.999989.mounted/run/mnt"
	unshare -m --propagation private "$BASH" -c \
		'mount --bind "$1/elsewhere" "$1/dmaptest.999989.mounted/run/mnt" && "$2" cleanup --mount "$1"' \
		_ "$P" "$DMAPTEST" >"$T/cleanup2" 2>&1
	expect_eq "mount inside: cleanup exit status" "$?" 1
	expect_match "mount inside: not crossed" "$(grep -F "$P/dmaptest.999989.mounted" "$T/cleanup2")" \
		"could not remove: * (mnt: another file system is mounted there: not crossed)"
	expect_eq "mount inside: what was mounted" "$(cat "$P/elsewhere/precious" 2>&1)" precious
	rm -rf "$P/dmaptest.999989.mounted"
fi

# ---- 3. the runner's scratch folders are 0700 and marked; a live runner
# in another pid namespace is neither reaped by a run nor by cleanup
res=$T/results
if [ $root = yes ] && unshare -p -f -m --mount-proc true 2>/dev/null; then
	ns=(unshare -p -f -m --mount-proc)
else
	ns=()
fi
"${ns[@]}" "$DMAPTEST" run meta-pass -p meta-pass.sleep_ms=4000 --target dir --dir "$P" \
	-o "$res/a" --progress none >"$T/a.tap" 2>&1 &
first=$!
on_exit "kill -9 $first 2>/dev/null"
wait_for_case "$res/a" meta-pass || bad "the first run never started its case"
scratch=$(find "$P" -maxdepth 1 -name 'dmaptest.*' -newer "$T/cleanup" -type d | head -n 1)
expect_eq "scratch folder on --dir: mode" "$(stat -c %a "$scratch" 2>&1)" 700
expect_match "scratch folder on --dir: marker" "$(cat "$scratch/.dmaptest-marker" 2>&1)" \
	"dmaptest-marker 1*euid $uid*boot $boot*pid *start *"
if [ ${#ns[@]} -gt 0 ]; then
	expect_match "the first runner is in another pid namespace" "$(cat "$scratch/.dmaptest-marker")" "*pid [12]*"
fi
# another run on the same folder, and cleanup, while it runs
"$DMAPTEST" run meta-pass --target dir --dir "$P" -o "$res/b" --progress none >"$T/b.tap" 2>&1
expect_eq "a second run beside it" "$?" 0
"$DMAPTEST" cleanup --mount "$P" >"$T/cleanup3" 2>&1
expect_match "cleanup leaves the live runner's folder" "$(grep -F "$scratch" "$T/cleanup3")" "left: $scratch (in use: *"
[ -d "$scratch" ] && ok "the live runner's folder is there" || bad "the live runner's folder was removed"
wait "$first"
expect_eq "the first run passed" "$?" 0
expect_eq "its folder went with it" "$(ls -d "$scratch" 2>/dev/null)" ""
if [ $root = yes ]; then
	expect_eq "per-user parent: mode" "$(stat -c %a /run/dmaptest 2>&1)" 700
fi

# the other way round: a run and cleanup in another pid namespace (where
# this runner's pid means nothing) leave this runner, its case and its
# cgroup alone
if [ ${#ns[@]} -gt 0 ]; then
	"$DMAPTEST" run meta-pass -p meta-pass.sleep_ms=4000 --target dir --dir "$P" \
		-o "$res/h" --progress none >"$T/h.tap" 2>&1 &
	outer=$!
	on_exit "kill -9 $outer 2>/dev/null"
	wait_for_case "$res/h" meta-pass || bad "the outer run never started its case"
	"${ns[@]}" "$DMAPTEST" run meta-pass --target dir --dir "$P" -o "$res/i" --progress none >/dev/null 2>&1
	expect_eq "a run in another pid namespace" "$?" 0
	"${ns[@]}" "$DMAPTEST" cleanup --mount "$P" >"$T/cleanup4" 2>&1
	expect_match "cleanup in another pid namespace" "$(cat "$T/cleanup4")" "*left: $P/dmaptest.$outer.* (in use: *"
	wait "$outer"
	expect_eq "the outer run's case was left alone" "$?" 0
	expect_eq "the outer run's verdict" "$(result_get "$res/h/latest" meta-pass verdict)" PASS
fi

# ---- the per-user parent of a user who is not root: $XDG_RUNTIME_DIR/
# dmaptest, else $TMPDIR/dmaptest-<uid>, made 0700; one that is not the
# user's is not used
nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
if [ $root = yes ] && command -v setpriv >/dev/null &&
	"${nobody[@]}" "$DMAPTEST" --version >/dev/null 2>&1; then
	nuid=$(id -u nobody)
	chmod 755 "$T"	# nobody passes through to its own folders
	mkdir -p "$T/ntmp" "$T/nxdg" "$T/nres"
	chmod 1777 "$T/ntmp" "$T/nres"
	chown nobody "$T/nxdg"
	chmod 700 "$T/nxdg"
	(cd / && "${nobody[@]}" env -u XDG_RUNTIME_DIR TMPDIR="$T/ntmp" "$DMAPTEST" \
		run meta-pass -o "$T/nres/a" --progress none >/dev/null 2>&1)
	expect_eq "non-root, no XDG_RUNTIME_DIR: run" "$?" 0
	expect_eq "non-root parent in \$TMPDIR" "$(stat -c '%a %U' "$T/ntmp/dmaptest-$nuid" 2>&1)" "700 nobody"
	(cd / && "${nobody[@]}" env XDG_RUNTIME_DIR="$T/nxdg" TMPDIR="$T/ntmp" "$DMAPTEST" \
		run meta-pass -o "$T/nres/b" --progress none >/dev/null 2>&1)
	expect_eq "non-root with XDG_RUNTIME_DIR: run" "$?" 0
	expect_eq "non-root parent in \$XDG_RUNTIME_DIR" "$(stat -c '%a %U' "$T/nxdg/dmaptest" 2>&1)" "700 nobody"
	# somebody else made the parent first: not used, the run cannot start
	mkdir -p "$T/ntmp2/dmaptest-$nuid"
	chmod 1777 "$T/ntmp2"
	(cd / && "${nobody[@]}" env -u XDG_RUNTIME_DIR TMPDIR="$T/ntmp2" "$DMAPTEST" \
		run meta-pass -o "$T/nres/c" --progress none >/dev/null 2>"$T/nerr")
	expect_eq "a parent of another user: exit status" "$?" 3
	expect_eq "a parent of another user: message" "$(cat "$T/nerr")" \
		"dmaptest: scratch folder: $T/ntmp2/dmaptest-$nuid belongs to uid 0, not to this user (uid $nuid): not used"
fi

# ---- 4. a path a case registers outside its own folders is not removed
echo precious >"$T/victim"
"$DMAPTEST" run meta-pass -p meta-pass.register="$T/victim" --target dir --dir "$T" \
	-o "$res/c" --progress none >/dev/null 2>&1
expect_eq "registered path outside: still there" "$(cat "$T/victim" 2>&1)" precious
expect_match "registered path outside: logged" "$(cat "$res/c/latest/meta-pass/log")" \
	"*refused to remove $T/victim (registered by the case): it is outside the case's scratch folder * and tmp folder *"
"$DMAPTEST" run meta-pass -p meta-pass.register="$T/dmaptest.1.x/../victim" --target dir --dir "$T" \
	-o "$res/c" --progress none >/dev/null 2>&1
expect_eq "registered path climbing out: still there" "$(cat "$T/victim" 2>&1)" precious

# ---- 5. no fill of a mount the runner did not make without --allow-fill
# (dmapfs mounted here by hand, tested with --mount: a DAX mount)
dmapfs=$top_builddir/dmapfs/dmapfs
if [ $root = yes ] && [ -c /dev/fuse ] && [ -x "$dmapfs" ] && command -v mkfs.ext4 >/dev/null; then
	W=$T/dmapfs
	mkdir -p "$W/host" "$W/mnt"
	# run_on_dmapfs OUT DMAPTEST-ARGS...: on a fresh 256M host
	run_on_dmapfs() {
		local out=$1
		shift
		unshare -m --propagation private "$BASH" -c '
			W=$1 dmapfs=$2; shift 2
			rm -f "$W/img" "$W/ready"
			truncate -s 256M "$W/img" && mkfs.ext4 -q -F -m 0 "$W/img" &&
				mount -o loop "$W/img" "$W/host" && mkdir -p "$W/host/share" || exit 99
			"$dmapfs" --slots 8 --ready-fd 3 "$W/host/share" "$W/mnt" 3>"$W/ready" 2>>"$W/dmapfs.log" &
			d=$!
			for _ in $(seq 100); do grep -q ready "$W/ready" 2>/dev/null && break; sleep 0.1; done
			"$@"
			rc=$?
			kill $d; wait $d; umount "$W/host"; rm -f "$W/img"
			exit $rc' _ "$W" "$dmapfs" "$@" >"$out" 2>&1
	}
	ex=(run dmap-exhaust --quick -p dmap-exhaust.factor=20 -p dmap-exhaust.runtime=1 --progress none)
	run_on_dmapfs "$T/nofill" "$DMAPTEST" --mount "$W/mnt" -o "$res/d" "${ex[@]}"
	nofill=$(result_get "$res/d/latest" dmap-exhaust metric.write_ranges)
	run_on_dmapfs "$T/fill" "$DMAPTEST" --mount "$W/mnt" --allow-fill -o "$res/e" "${ex[@]}"
	fill=$(result_get "$res/e/latest" dmap-exhaust metric.write_ranges)
	# 64 MiB or a tenth of ~230M free, less the churn ranges: ~6 ranges;
	# with --allow-fill 40 %: ~40
	if [ -n "$nofill" ] && [ -n "$fill" ] && [ "$nofill" -le 12 ] && [ "$fill" -gt 24 ]; then
		ok "dmap-exhaust reserves $nofill ranges without --allow-fill, $fill with it"
	else
		bad "dmap-exhaust write ranges: '$nofill' without --allow-fill, '$fill' with it"
	fi
	run_on_dmapfs "$T/space" "$DMAPTEST" --mount "$W/mnt" -o "$res/f" "${ex[@]}" -p space=60
	expect_eq "-p space without --allow-fill: verdict" "$(result_get "$res/f/latest" dmap-exhaust verdict)" SKIP
	expect_match "-p space without --allow-fill: reason" "$(result_get "$res/f/latest" dmap-exhaust reason)" "parameter space=60 *needs --allow-fill"
	run_on_dmapfs "$T/full" "$DMAPTEST" --mount "$W/mnt" -o "$res/g" run truncate-od/native-full host-enospc --quick --progress none
	expect_match "fills need --allow-fill" "$(result_get "$res/g/latest" host-enospc reason)" "*fill*"
	expect_eq "host-enospc without --allow-fill" "$(result_get "$res/g/latest" host-enospc verdict)" SKIP
fi

finish
