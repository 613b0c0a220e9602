#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/bench.sh - dmaptest's benchmarks against peers, run by `make bench`.
#
#   bench.sh [--quick] [--passes N] [--only LIST] [--results DIR]
#
# LIST is a comma list of: seqread, seqread-written, engines, truncate-od,
# hang, runner (default: all of them, in that order).
#
#   seqread      sequential read of a sparse file through dmapfs, through
#                libfuse's passthrough_ll example (built here, cache=never)
#                and from the host file directly; 1 MiB requests, 1 and 4
#                readers
#   seqread-written  the same on a written file (data, not holes) in the
#                host page cache: dmapfs vs passthrough_ll vs the host
#                page cache
#   engines      dmaptest's native read engine (lib/libdt.a through
#                bench/dt_readbench) vs fio psync, fio io_uring, dd, od -x
#                on the same dmapfs file
#   truncate-od  dmaptest run truncate-od/native at its full size (100G)
#   hang         HANG latency: meta-no-progress, and dmapfs without host
#                reservation on a full host (pwrite-enospc/native)
#   runner       runner overhead per case (meta-pass -i 50 --target dir)
#                and `dmaptest run all` on the default target
#
# Results: DIR/bench.json and DIR/bench.md (default $top_srcdir/bench/
# results), rewritten after each benchmark. Ratios compare figures of the
# same run; every timed figure is the median of --passes passes after an
# untimed warm-up pass. Needs root (loop and FUSE mounts); everything runs
# in a private mount namespace and is torn down on every path.
#
# Environment: top_srcdir, top_builddir (set by make); BENCH_SIZE (seqread
# and engines file, default 8G; od -x reads all of it once),
# BENCH_WRITTEN_SIZE (seqread-written file, default 2G), BENCH_TOD_SIZE
# (truncate-od size, default: the case's own, 100G), BENCH_HANG_TMUL (0.1:
# --timeout-mul of the dmapfs hang run), BENCH_META_ITER (50).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$PWD}
export top_srcdir top_builddir

QUICK=0
PASSES=3
ONLY=seqread,seqread-written,engines,truncate-od,hang,runner
RESULTS=${BENCH_RESULTS:-$top_srcdir/bench/results}

usage() {
	sed -n '4,8p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while (($#)); do
	case $1 in
	--quick) QUICK=1 ;;
	--passes) PASSES=${2:?}; shift ;;
	--only) ONLY=${2:?}; shift ;;
	--results) RESULTS=${2:?}; shift ;;
	-h|--help) usage ;;
	*) echo "bench.sh: unknown argument '$1'" >&2; usage ;;
	esac
	shift
done
[[ $PASSES =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --passes N" >&2; exit 2; }
for b in ${ONLY//,/ }; do
	case $b in
	seqread|seqread-written|engines|truncate-od|hang|runner) ;;
	*) echo "bench.sh: unknown benchmark '$b'" >&2; exit 2 ;;
	esac
done

if ((EUID != 0)); then
	echo "bench.sh: needs root (loop ext4 and FUSE mounts)" >&2
	exit 77
fi

# Everything in a private mount namespace: our mounts die with us.
if [[ ${BENCH_IN_NS:-} != 1 ]]; then
	export BENCH_IN_NS=1
	args=(--passes "$PASSES" --only "$ONLY" --results "$RESULTS")
	((QUICK)) && args+=(--quick)
	exec unshare -m --propagation private bash "$0" "${args[@]}"
fi

# shellcheck source=bench/lib.sh
. "$top_srcdir/bench/lib.sh"
for f in seqread engines truncate_od hang runner; do
	# shellcheck disable=SC1090
	. "$top_srcdir/bench/$f.sh"
done

DMAPTEST=$top_builddir/dmaptest
DMAPFS=$top_builddir/dmapfs/dmapfs
READBENCH=$top_builddir/bench/dt_readbench
for bin in "$DMAPTEST" "$DMAPFS" "$READBENCH"; do
	[[ -x $bin ]] || bdie "$bin is missing: run 'make bench' (it builds it)"
done
for cmd in fio dd od mkfs.ext4 pkg-config; do
	command -v "$cmd" >/dev/null || bdie "$cmd is missing"
done

if ((QUICK)); then
	SIZE=$(to_bytes "${BENCH_SIZE:-1G}")
	WSIZE=$(to_bytes "${BENCH_WRITTEN_SIZE:-512M}")
	TOD_SIZE=${BENCH_TOD_SIZE:-4G}
	META_ITER=${BENCH_META_ITER:-10}
else
	SIZE=$(to_bytes "${BENCH_SIZE:-8G}")
	WSIZE=$(to_bytes "${BENCH_WRITTEN_SIZE:-2G}")
	TOD_SIZE=${BENCH_TOD_SIZE:-}
	META_ITER=${BENCH_META_ITER:-50}
fi
HANG_TMUL=${BENCH_HANG_TMUL:-0.1}

trap 'b_cleanup' EXIT
trap 'blog "interrupted"; exit 130' INT TERM
B_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dmaptest-bench.XXXXXX") || exit 1
mkdir -p "$RESULTS" || exit 1

declare -A R_JSON R_MD
G_JSON=()
G_MD=()
STARTED=$(date -u +%FT%TZ)
machine_probe

# goal NAME MEASURED-TEXT MET(0/1/"") TARGET-TEXT [MEASURED-NUMBER]
goal() {
	local met=null mark='not measured'
	case $3 in
	1) met=true; mark='met' ;;
	0) met=false; mark='**not met**' ;;
	esac
	G_JSON+=("$(json_obj goal "$(json_str "$1")" target "$(json_str "$4")" \
		measured "$(json_str "$2")" value "$(json_num "${5:-}")" met "$met")")
	G_MD+=("| $1 | $4 | $2 | $mark |")
}

write_results() {
	local json name sep='' bj='' gj='' g
	for name in seqread seqread-written engines truncate-od hang runner; do
		[[ ${R_JSON[$name]+x} ]] || continue
		bj+="$sep    $(json_str "$name"): ${R_JSON[$name]}"
		sep=$',\n'
	done
	sep=''
	for g in "${G_JSON[@]}"; do
		gj+="$sep    $g"
		sep=$',\n'
	done
	json=$(printf '{\n  "version": 1,\n  "started": %s,\n  "ended": %s,\n  "quick": %s,\n  "passes": %s,\n  "machine": %s,\n  "benchmarks": {\n%s\n  },\n  "goals": [\n%s\n  ]\n}\n' \
		"$(json_str "$STARTED")" "$(json_str "$(date -u +%FT%TZ)")" \
		"$( ((QUICK)) && echo true || echo false)" "$PASSES" \
		"$(machine_json)" "$bj" "$gj")
	printf '%s\n' "$json" >"$RESULTS/bench.json.tmp" &&
		mv "$RESULTS/bench.json.tmp" "$RESULTS/bench.json"
	{
		printf '# dmaptest benchmarks\n\n'
		printf -- '- run %s .. %s (%s passes per figure, median, after a warm-up pass%s)\n' \
			"$STARTED" "$(date -u +%FT%TZ)" "$PASSES" \
			"$( ((QUICK)) && echo '; --quick sizes')"
		machine_md
		printf '\n## Goals\n\n| goal | target | measured | |\n|---|---|---|---|\n'
		((${#G_MD[@]})) && printf '%s\n' "${G_MD[@]}"
		for name in seqread seqread-written engines truncate-od hang runner; do
			[[ ${R_MD[$name]+x} ]] && printf '\n%s\n' "${R_MD[$name]}"
		done
		true
	} >"$RESULTS/bench.md.tmp" && mv "$RESULTS/bench.md.tmp" "$RESULTS/bench.md"
}

blog "results to $RESULTS; scratch $B_TMP"
want() { [[ ,$ONLY, == *,$1,* ]]; }

# seqread(-written) and engines share one host, one dmapfs and one
# passthrough_ll
if want seqread || want seqread-written || want engines; then
	fuse_env_up || bdie "could not set up the mounts"
	want seqread && { bench_seqread; write_results; }
	want seqread-written && { bench_seqread_written; write_results; }
	want engines && { bench_engines; write_results; }
	fuse_env_down
fi
want truncate-od && { bench_truncate_od; write_results; }
want hang && { bench_hang; write_results; }
want runner && { bench_runner; write_results; }
write_results
blog "done: $RESULTS/bench.md"
cat "$RESULTS/bench.md"
