#!/bin/bash
# quickstart.sh - set up dmaptest on a Debian 12 machine and use it.
#
#   scripts/quickstart.sh run     install what is missing, build, and run
#                                 "dmaptest run all" on the default target
#                                 (results in results/ of this clone)
#   scripts/quickstart.sh check   the same set-up, then "make check", "make
#                                 check-vm" (guests under QEMU), "make
#                                 check-kernel" (the bundled kernel patches)
#                                 and "make check-dax" (the detection matrix
#                                 on the reference DAX stack)
#
# Idempotent: packages already installed are not touched, and a second
# run reuses the build in build/. Extra arguments go to dmaptest (run) or
# make (check). Needs root for apt-get and for the default target.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${DMAPTEST_BUILD:-$here/build}
what=${1:-}
[ $# -gt 0 ] && shift

usage() {
	echo "usage: $0 run|check [ARGS...]" >&2
	exit 2
}
[ "$what" = run ] || [ "$what" = check ] || usage

packages=(
	build-essential autoconf automake libtool pkg-config
	libfuse3-dev fuse3 liburing-dev check libjson-c-dev
	fio xfsprogs e2fsprogs util-linux libxml2-utils
	qemu-system-x86 busybox-static cpio kmod
)

install_missing() {
	local missing=() p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "quickstart: missing packages: ${missing[*]}; run as root or install them" >&2
		exit 1
	fi
	echo "quickstart: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build_tree() {
	cd "$here"
	if [ ! -x configure ] || [ configure.ac -nt configure ]; then
		autoreconf -fi
	fi
	mkdir -p "$build"
	cd "$build"
	if [ ! -f Makefile ] || [ "$here/configure" -nt Makefile ]; then
		"$here/configure" -q
	fi
	make -j"$(nproc)" --no-print-directory
}

# counts of make check, from automake's test-suite.log: "PASS FAIL SKIP"
check_counts() {
	local log=$build/test-suite.log n
	[ -f "$log" ] || { echo "0 1 0"; return; }
	n() { sed -n "s/^# $1: *//p" "$log"; }
	echo "$(n PASS) $(( $(n FAIL) + $(n ERROR) + $(n XPASS) )) $(n SKIP)"
}

# run a make target whose output ends with TAP or a "N passed" line;
# print "PASS FAIL SKIP" for it
extra_counts() {
	local out=$1 p f s
	if grep -q '^[a-z-]*: [0-9]* passed, [0-9]* failed, [0-9]* skipped$' "$out"; then
		read -r p f s < <(sed -n 's/^[a-z-]*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$out" | tail -n 1)
	else
		s=$(grep -c '^ok .*# SKIP' "$out" || true)
		p=$(( $(grep -c '^ok ' "$out" || true) - s ))
		f=$(grep -c '^not ok ' "$out" || true)
	fi
	echo "${p:-0} ${f:-0} ${s:-0}"
}

install_missing
build_tree
cd "$build"
case $what in
run)
	# the run folder goes to results/ of the clone, as the README says,
	# wherever the build is; the last lines print its absolute path
	cd "$here"
	exec "$build/dmaptest" -o "$here/results" run all "$@"
	;;
check)
	status=0
	make -j"$(nproc)" --no-print-directory check "$@" || status=$?
	if [ $status -ne 0 ]; then
		# show why, CI has no other way to see it
		for trs in $(grep -l -r -E '^:test-result: (FAIL|ERROR|XPASS)' --include='*.trs' .); do
			echo "===== ${trs%.trs}.log"
			tail -n 60 "${trs%.trs}.log" 2>/dev/null || true
		done
	fi
	read -r pass fail skip < <(check_counts)
	# the guest and the real-kernel checks: qemu, kernel modules, the
	# detection matrix on the real DAX stack
	for target in check-vm check-kernel check-dax; do
		rc=0
		make --no-print-directory "$target" >"$target.log" 2>&1 || rc=$?
		cat "$target.log"
		read -r p f s < <(extra_counts "$target.log")
		[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
		[ $rc -ne 0 ] && status=$rc
		pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	done
	echo "$pass passed, $fail failed, $skip skipped"
	exit $status
	;;
esac
