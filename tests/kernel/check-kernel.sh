#!/bin/bash
# tests/kernel/check-kernel.sh - "make check-kernel": the bundled kernel
# patches (patches/linux-6.1/) against Debian's linux-source-6.1.
#
#  1. every patch applies cleanly (no fuzz) alone, and 0002 on top of 0001;
#  2. scripts/build-fuse-module builds each module set (0001, 0002, both),
#     the vermagic is the guest kernel's, fuse.ko has the fuse_dax
#     tracepoints exactly when 0002 is in, and a second run reuses the cache;
#  3. when scripts/dmaptest-vm takes --fuse-modules: the guest boots with
#     the 0001 and the 0002 set, the modules load (virtiofs mounts the share:
#     the launcher gets as far as running dmaptest), vm.json names the
#     folder, with 0002 tracefs has events/fuse_dax, and ro-mapping SKIPs
#     with "no DAX: device has no DAX window" (Debian's QEMU has none);
#  4. with a DAX-capable stack (the project's, dmaptest-vm --stack dax, built
#     or reused by scripts/build-dax-stack; or DMAPTEST_DAX_QEMU,
#     DMAPTEST_DAX_VIRTIOFSD, DMAPTEST_DAX_CACHE_SIZE given to the launcher
#     as --qemu, --virtiofsd, --cache-size), ro-mapping FAILs under the
#     known-bad client (0001 observed through 0002's tracepoints; 0001
#     alone through the host log of --stack dax) and PASSes under the
#     stock and 0002 modules; without one these checks say SKIP, with the
#     reason.
#
# Output is TAP. Exit 0: all ran passed (boot and DAX checks may be
# skipped, said so), 1: a check failed, 77: cannot run here (no root to
# install the packages, no apt package list).
set -uo pipefail

self=$(readlink -f "${BASH_SOURCE[0]}")
top_srcdir=${top_srcdir:-$(dirname "$(dirname "$(dirname "$self")")")}
build=$top_srcdir/scripts/build-fuse-module
launcher=$top_srcdir/scripts/dmaptest-vm
pdir=$top_srcdir/patches/linux-6.1
p1=$(ls "$pdir"/0001-*.patch 2>/dev/null | head -n1)
p2=$(ls "$pdir"/0002-*.patch 2>/dev/null | head -n1)

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP${2:+ $2}"; }
check() { # DESCRIPTION COMMAND...
	local d=$1; shift
	if "$@"; then ok "$d"; else notok "$d"; fi
}

[ -n "$p1" ] && [ -n "$p2" ] || { echo "Bail out! no patches in $pdir"; exit 1; }
tmp=$(mktemp -d /tmp/check-kernel.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

# Packages: build-fuse-module installs them, which needs root.
if ! dpkg-query -W linux-source-6.1 >/dev/null 2>&1 && [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP linux-source-6.1 is not installed and installing needs root"
	exit 77
fi
image=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
if [ -z "$image" ]; then
	echo "1..0 # SKIP apt knows no linux-image-amd64 (apt-get update)"
	exit 77
fi
release=${image#linux-image-}
echo "# guest kernel $release"

# 1. apply, with the builder's own rule: dry run first, no fuzz.
build_out() { # NAME PATCH... -> prints the folder, log in $tmp/NAME.log
	local name=$1; shift
	local args=()
	for p in "$@"; do args+=(--patch "$p"); done
	"$build" "${args[@]}" 2>"$tmp/$name.log"
}
d_stock=$(build_out stock) || { sed 's/^/# /' "$tmp/stock.log"; }
check "stock fs/fuse builds (no patch)" test -n "$d_stock"
echo "# $(sed -n 's/^source=//p' "$d_stock/build-info" 2>/dev/null)"
pristine=$(ls -d "$(dirname "${d_stock:-/nonexistent}")"/.source-* 2>/dev/null | head -n1)

apply() { # PATCH... : apply in order to a fresh copy of fs/fuse
	local t=$tmp/apply p
	rm -rf "$t"; mkdir -p "$t"
	cp -a "$pristine/fs" "$t/" || return 1
	for p in "$@"; do
		(cd "$t" && patch -p1 --dry-run -f --fuzz=0 -s <"$p" &&
			patch -p1 -f --fuzz=0 -s --no-backup-if-mismatch <"$p") ||
			{ echo "# $(basename "$p") does not apply"; return 1; }
	done
}
if [ -n "$pristine" ]; then
	check "$(basename "$p1") applies alone" apply "$p1"
	check "$(basename "$p2") applies alone" apply "$p2"
	check "$(basename "$p2") applies on top of $(basename "$p1")" apply "$p1" "$p2"
	check "$(basename "$p1") applies on top of $(basename "$p2")" apply "$p2" "$p1"
else
	notok "no pristine fs/fuse from build-fuse-module: apply checks not run"
fi

# 2. build each set
stock_vermagic=
for f in "${DMAPTEST_CACHE:-$HOME/.cache/dmaptest}"/kernels/linux-image-"$release"_*/modules/*/kernel/fs/fuse/fuse.ko \
	/lib/modules/"$release"/kernel/fs/fuse/fuse.ko; do
	[ -f "$f" ] || continue
	stock_vermagic=$(modinfo -F vermagic "$f" 2>/dev/null) && break
done
echo "# stock fuse.ko vermagic: ${stock_vermagic:-(no stock module at hand)}"

vermagic_ok() { # DIR
	local m v
	for m in fuse virtiofs; do
		v=$(modinfo -F vermagic "$1/$m.ko" 2>/dev/null)
		echo "# $(basename "$1")/$m.ko vermagic: $v"
		[ "${v%% *}" = "$release" ] || return 1
		[ -z "$stock_vermagic" ] || [ "$v" = "$stock_vermagic" ] || return 1
	done
}
tracepoints() { # DIR -> how many of the two __tracepoint_fuse_dax_* fuse.ko defines
	local syms
	syms=$(nm "$1/fuse.ko" 2>/dev/null)
	grep -cE ' [A-Za-z] __tracepoint_fuse_dax_(setup|remove)_mapping$' <<<"$syms"
}

declare -A dir
for set in 0001 0002 0001+0002; do
	case $set in
	0001) ps=("$p1") ;;
	0002) ps=("$p2") ;;
	*) ps=("$p1" "$p2") ;;
	esac
	if d=$(build_out "$set" "${ps[@]}"); then
		dir[$set]=$d
		ok "build-fuse-module builds the $set set: $d"
	else
		notok "build-fuse-module builds the $set set"
		sed 's/^/# /' "$tmp/$set.log"
		continue
	fi
	check "$set: vermagic is the guest kernel's ($release)" vermagic_ok "$d"
	want=0
	[ "$set" = 0001 ] || want=2
	got=$(tracepoints "$d")
	echo "# $set: __tracepoint_fuse_dax_* in fuse.ko: $got"
	check "$set: fuse.ko has $want fuse_dax tracepoints" test "$got" = "$want"
done
if [ -n "${dir[0001]:-}" ]; then
	again=$(build_out again "$p1")
	check "a second build of 0001 reuses $again" \
		eval '[ "$again" = "${dir[0001]}" ] && grep -q reusing "$tmp/again.log"'
fi

# 3. boot
boot_skip=
if [ ! -x "$launcher" ]; then
	boot_skip="no scripts/dmaptest-vm"
elif ! "$launcher" --help 2>/dev/null | grep -q -- '--fuse-modules'; then
	boot_skip="scripts/dmaptest-vm has no --fuse-modules option yet"
elif [ "$(id -u)" != 0 ]; then
	boot_skip="booting guests needs root"
elif ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	boot_skip="no qemu-system-x86_64"
fi

# A DAX-capable stack (a QEMU with a DAX window and its virtiofsd) makes
# the verdicts checkable: the project's own (scripts/dmaptest-vm --stack
# dax: scripts/build-dax-stack, cached), or one named by DMAPTEST_DAX_QEMU
# and DMAPTEST_DAX_VIRTIOFSD. Where none can be had, every DAX case SKIPs
# with that reason, which is checked instead.
dax_qemu=${DMAPTEST_DAX_QEMU:-}
dax_vfsd=${DMAPTEST_DAX_VIRTIOFSD:-}
dax_cache=${DMAPTEST_DAX_CACHE_SIZE:-64M}
dax=()
dax_skip=
dax_host_log=no
if [ -n "$dax_qemu$dax_vfsd" ]; then
	if [ ! -x "$dax_qemu" ] || [ ! -x "$dax_vfsd" ]; then
		dax_skip="DMAPTEST_DAX_QEMU=$dax_qemu or DMAPTEST_DAX_VIRTIOFSD=$dax_vfsd is not executable"
	else
		dax=(--qemu "$dax_qemu" --virtiofsd "$dax_vfsd" --cache-size "$dax_cache")
	fi
elif [ -z "$boot_skip" ]; then
	t0=$SECONDS
	if "$top_srcdir/scripts/build-dax-stack" >"$tmp/stack.out" 2>"$tmp/stack.err"; then
		dax=(--stack dax --cache-size "$dax_cache")
		dax_host_log=yes
		echo "# DAX stack: $(cat "$tmp/stack.out") ($((SECONDS - t0)) s)"
	else
		dax_skip="the project's DAX stack could not be built: $(tail -n 1 "$tmp/stack.err")"
	fi
fi

# boot SET DIR [LAUNCHER ARGS...]: run ro-mapping in a guest with the
# module set; leaves the run folder in $run_dir, the launcher's status
# in $rc
boot() {
	local set=$1 d=$2 res
	shift 2
	res=$tmp/results-$set${1:+-dax}
	mkdir -p "$res"
	echo "# booting $set with $d $*"
	"$launcher" --fuse-modules "$d" "$@" --results "$res" --timeout 900 \
		-- run ro-mapping >"$tmp/boot-$set.log" 2>&1
	rc=$?
	run_dir=$(dirname "$(ls "$res"/*/vm.json 2>/dev/null | head -n1)")
}
result_of() { # KEY -> the ro-mapping result field
	sed -n "s/^$1=//p" "$run_dir/ro-mapping/result" 2>/dev/null
}

# without a DAX window: the modules load, the share mounts, and the DAX
# case says why it cannot measure anything (never a PASS on nothing)
for set in 0001 0002; do
	d=${dir[$set]:-}
	if [ -n "$boot_skip" ]; then
		skip "$set: guest boots with these modules" "$boot_skip"
		continue
	fi
	[ -n "$d" ] || { notok "$set: boot (the set did not build)"; continue; }
	boot "$set" "$d"
	if [ $rc -le 1 ] && [ -f "$run_dir/vm.json" ]; then
		ok "$set: guest booted, mounted the share and ran dmaptest (launcher exit $rc)"
	else
		notok "$set: guest booted, mounted the share and ran dmaptest (launcher exit $rc)"
		tail -n 20 "$tmp/boot-$set.log" | sed 's/^/# /'
		continue
	fi
	console=$run_dir/console.1.log
	if [ -f "$console" ] && grep -qE 'insmod (fuse|virtiofs):' "$console"; then
		notok "$set: fuse.ko and virtiofs.ko load"
		grep -E 'insmod (fuse|virtiofs):' "$console" | sed 's/^/# /'
	else
		ok "$set: fuse.ko and virtiofs.ko load"
	fi
	check "$set: vm.json names the module folder" grep -qF "$d" "$run_dir/vm.json"
	if [ "$set" = 0002 ]; then
		check "$set: tracefs has events/fuse_dax in the guest" \
			grep -qE '"tracefs_fuse_dax": *true' "$run_dir/vm.json"
	fi
	v=$(result_of verdict)
	r=$(result_of reason)
	echo "# $set without a DAX window: ro-mapping $v: $r"
	check "$set: without a DAX window ro-mapping SKIPs, saying why" \
		eval '[ "$v" = SKIP ] && [[ "$r" == "no DAX: device has no DAX window"* ]]'
done

# with a DAX window: the known-bad client FAILs, the known-good PASSes.
# 0001 with the tracepoints of 0002 is the known-bad client observed (a
# kprobe on 0001's fuse_setup_one_mapping.constprop.0 is refused); 0001
# alone may have no usable observer: FAIL, or a SKIP that says so.
for set in 0001+0002 0001 0002 stock; do
	d=${dir[$set]:-}
	[ "$set" = stock ] && d=$d_stock
	what="$set with a DAX window"
	if [ -n "$boot_skip" ] || [ -n "$dax_skip" ]; then
		skip "$what: ro-mapping" "$boot_skip${boot_skip:+; }$dax_skip"
		continue
	fi
	[ -n "$d" ] || { notok "$what: the set did not build"; continue; }
	boot "$set" "$d" "${dax[@]}"
	v=$(result_of verdict)
	r=$(result_of reason)
	echo "# $what: launcher exit $rc, ro-mapping $v: $r"
	echo "# observer: $(result_of metric.observer)"
	case $set in
	0001+0002)
		check "$what: ro-mapping FAILs on read-write mappings" \
			eval '[ "$v" = FAIL ] && [[ "$r" == "reads set up only read-only mappings"*"setup_rw="[1-9]* ]]'
		check "$what: the tracepoint observer counted" \
			eval '[[ "$(result_of metric.observer)" == tracepoint* ]]' ;;
	0001)
		# the host log (--stack dax) observes any client: no blind
		# spot; elsewhere 0001 alone may have no usable observer
		if [ $dax_host_log = yes ]; then
			check "$what: ro-mapping FAILs on read-write mappings, seen by the host log" \
				eval '[ "$v" = FAIL ] && [[ "$r" == "reads set up only read-only mappings"*"setup_rw="[1-9]* ]] && [[ "$(result_of metric.observer)" == *host-log* ]]'
		else
			check "$what: ro-mapping FAILs, or SKIPs for want of an observer" \
				eval '[ "$v" = FAIL ] || { [ "$v" = SKIP ] && [[ "$r" == *"compiler clone"* ]]; }'
		fi ;;
	*)
		check "$what: ro-mapping PASSes" test "$v" = PASS ;;
	esac
done
echo "1..$n"
[ $failed -eq 0 ] || { echo "# $failed check(s) failed"; exit 1; }
exit 0
