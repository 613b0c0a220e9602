#!/bin/bash
# compare-matrices.sh - the real stack is the judge: every cell that both
# the dmapfs matrix (tests/detection-matrix.sh) and the real-stack matrix
# (tests/dax/check-dax.sh) ran must have the same verdict.
#
#   tests/compare-matrices.sh DMAPFS-CELLS DAX-CELLS
#
# Each file has lines "CONFIG CASE VERDICT REASON" ('#' lines are
# comments), CONFIG a configuration (reference#N for the repeated
# reference runs). The real stack's configurations are named after their
# dmapfs counterparts; where the real VMM dies on a failed host fault
# (today-daemons, pre-patch: no reservation, as QEMU under TCG and most
# real stacks behave), the counterpart is dmapfs's "-die" row, when the
# dmapfs matrix has one. The reference runs are compared run by run when
# both have the run, else against dmapfs's first.
#
# A cell SKIPped as "excluded by FILE: …" (dmaptest --exclude: a known
# issue of that stack) was not run and is not compared; it is named.
#
# Prints one line per shared cell ("same" or "DIFFERENT"), the cells only
# one side ran, and a summary. Exit 0 when every shared cell agrees and
# there is at least one, 1 otherwise, 2 on a usage error.
set -uo pipefail

me=compare-matrices
[ $# -eq 2 ] || { echo "usage: $me DMAPFS-CELLS DAX-CELLS" >&2; exit 2; }
for f in "$1" "$2"; do
	[ -f "$f" ] && [ -r "$f" ] || { echo "$me: cannot read $f" >&2; exit 2; }
done

declare -A dm dm_reason dax dax_reason dm_configs
# read FILE into the two arrays named
load() {	# FILE VERDICTS REASONS
	local -n v=$2 r=$3
	local config c verdict reason n=0
	while read -r config c verdict reason; do
		case $config in '' | '#'*) continue ;; esac
		if [ -z "$verdict" ]; then
			echo "$me: $1: a line without a verdict: $config $c" >&2
			exit 2
		fi
		# a case an exclude file kept from running has no verdict of
		# the stack to compare (a known issue of that guest kernel)
		if [ "$verdict" = SKIP ] && [[ $reason == "excluded by "* ]]; then
			echo "excluded in $1: $config $c (${reason:0:200})"
			continue
		fi
		v["$config $c"]=$verdict
		r["$config $c"]=$reason
		n=$((n + 1))
	done <"$1"
	[ $n -gt 0 ] || { echo "$me: $1 holds no cell" >&2; exit 2; }
}
load "$1" dm dm_reason
load "$2" dax dax_reason
for k in "${!dm[@]}"; do dm_configs[${k%% *}]=1; done

# the dmapfs cell a real-stack cell is compared with
counterpart() {	# CONFIG CASE
	local config=$1 c=$2 base=${1%%#*}
	if [ "$base" = reference ]; then
		[ -n "${dm["$config $c"]:-}" ] && { echo "$config"; return; }
		echo "reference#1"
		return
	fi
	[ -n "${dm_configs[$config-die]:-}" ] && { echo "$config-die"; return; }
	echo "$config"
}

same=0 diff=0 only_dax=0
declare -A used
while IFS= read -r k; do
	config=${k%% *}
	c=${k#* }
	d=$(counterpart "$config" "$c")
	if [ -z "${dm["$d $c"]:-}" ]; then
		echo "only on the real stack: $config $c = ${dax[$k]}"
		only_dax=$((only_dax + 1))
		continue
	fi
	used["$d $c"]=1
	if [ "${dm["$d $c"]}" = "${dax[$k]}" ]; then
		echo "same: $config $c = ${dax[$k]} (dmapfs $d)"
		same=$((same + 1))
	else
		echo "DIFFERENT: $config $c: real stack ${dax[$k]} (${dax_reason[$k]:0:300}), dmapfs $d ${dm["$d $c"]} (${dm_reason["$d $c"]:0:300})"
		diff=$((diff + 1))
	fi
done < <(printf '%s\n' "${!dax[@]}" | sort)
only_dm=0
for k in "${!dm[@]}"; do
	[ -n "${used[$k]:-}" ] && continue
	only_dm=$((only_dm + 1))
done
echo "compare-matrices: $same shared cells agree, $diff differ; $only_dax cells only on the real stack, $only_dm only on dmapfs"
[ $diff -eq 0 ] && [ $same -gt 0 ]
