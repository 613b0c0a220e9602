#!/bin/bash
# quickstart.sh - set up dmaptest on a Debian 12 machine and use it.
#
#   scripts/quickstart.sh run     install what is missing, build, and run
#                                 "dmaptest run all" on the default target
#   scripts/quickstart.sh check   the same set-up, then "make check"
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

# "N passed, N failed, N skipped" from automake's test-suite.log
summarize_check() {
	local log=$build/test-suite.log pass fail skip
	[ -f "$log" ] || return 0
	pass=$(sed -n 's/^# PASS: *//p' "$log")
	fail=$(( $(sed -n 's/^# FAIL: *//p' "$log") + $(sed -n 's/^# ERROR: *//p' "$log") + $(sed -n 's/^# XPASS: *//p' "$log") ))
	skip=$(sed -n 's/^# SKIP: *//p' "$log")
	echo "${pass:-0} passed, ${fail} failed, ${skip:-0} skipped"
}

install_missing
build_tree
cd "$build"
case $what in
run)
	exec ./dmaptest run all "$@"
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
	summarize_check
	exit $status
	;;
esac
