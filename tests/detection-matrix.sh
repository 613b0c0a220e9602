#!/bin/bash
# detection-matrix.sh - the suite's proof of worth: run the cases against
# dmapfs configurations (the patched stack and each deviation from it)
# and check that every deviation is caught by the case meant to catch it,
# while the patched stack passes everything, several runs in a row.
#
#   tests/detection-matrix.sh [--full] [--runs N] [--table FILE]
#
# --full uses the cases' full sizes (the seed's 100G) instead of --quick;
# --runs is how often the reference configuration runs (default 3);
# --table writes the markdown table to FILE as well.
# Exit 0 when every expected cell holds, 1 otherwise, 77 without root.
. "$(dirname "$0")/lib.sh"

full=no
runs=3
table_file=
while [ $# -gt 0 ]; do
	case $1 in
	--full) full=yes ;;
	--runs) runs=$2; shift ;;
	--table) table_file=$2; shift ;;
	*) echo "usage: $0 [--full] [--runs N] [--table FILE]" >&2; exit 2 ;;
	esac
	shift
done

[ "$(id -u)" -eq 0 ] || skip "needs root (the dmapfs target mounts)"
[ -c /dev/fuse ] || skip "no /dev/fuse"
[ -x "$top_builddir/dmapfs/dmapfs" ] || skip "dmapfs is not built"

# configuration name -> dmaptest options
declare -A config_opts=(
	[reference]=""
	[pre-patch]="--client legacy --host-reserve off"
	[legacy]="--client legacy"
	[today-daemons]="--host-reserve off"
	[reserve-ro]="--inject reserve-ro"
	[no-upgrade]="--inject no-upgrade --host-fault die"
	[stale-upgrade]="--inject stale-upgrade"
	[reclaim-deadlock]="--inject reclaim-deadlock"
	[no-reclaim]="--inject no-reclaim"
)
configs=(reference pre-patch legacy today-daemons reserve-ro
	 no-upgrade stale-upgrade reclaim-deadlock no-reclaim)

# the columns: case ids, in order
columns=(truncate-od/native truncate-od/native-full truncate-od/literal-full
	 pwrite-enospc/native host-enospc ro-mapping mixed-rw-2m dmap-exhaust
	 fio/randrw-2m-psync fio/randrw-2m-io_uring fio/randrw-2m-mmap
	 fio/many-files)

# expected cells: "config case" -> verdict[:reason glob]. The reference
# configuration must PASS every column; other cells are shown, not judged.
declare -A expect=(
	["pre-patch truncate-od/native-full"]="FAIL:*read-write mapping*"
	["pre-patch ro-mapping"]="FAIL:*read-write mapping*"
	["pre-patch pwrite-enospc/native"]=HANG
	["legacy truncate-od/native-full"]=FAIL
	["legacy ro-mapping"]=FAIL
	["today-daemons truncate-od/native"]=PASS
	["today-daemons truncate-od/native-full"]=PASS
	["today-daemons pwrite-enospc/native"]=HANG
	["today-daemons host-enospc"]=HANG
	["reserve-ro ro-mapping"]="FAIL:*host blocks*"
	["no-upgrade mixed-rw-2m"]="FAIL:*SIGSEGV*"
	["stale-upgrade mixed-rw-2m"]="FAIL:*second mapping*"
	["reclaim-deadlock dmap-exhaust"]=HANG
	["no-reclaim dmap-exhaust"]=FAIL
)

# only the columns this build has (a column is a case or case/variant)
"$DMAPTEST" list --json >"$T/list.json" || hard_error "dmaptest list failed"
have_case() {
	local name=${1%%/*} i n
	n=$($JSON_GET -n "$T/list.json" "")
	for ((i = 0; i < n; i++)); do
		[ "$($JSON_GET "$T/list.json" "$i.name")" = "$name" ] && return 0
	done
	return 1
}
cols=()
for c in "${columns[@]}"; do
	if have_case "$c"; then cols+=("$c"); else echo "# no case $c in this build: column left out"; fi
done
[ ${#cols[@]} -gt 0 ] || hard_error "none of the matrix cases exist"

size_opts=(--quick)
[ $full = yes ] && size_opts=()
# deviations are expected to hang: their budgets are scaled down (sizes
# are small); the reference runs keep full budgets, no false HANG there
dev_mul=0.25
[ $full = yes ] && dev_mul=1

declare -A cell
run_config() {	# CONFIG LABEL CASES...
	local config=$1 label=$2 res=$T/res-$2 c v r mul=$dev_mul
	shift 2
	[ "$config" = reference ] && mul=1
	# shellcheck disable=SC2086
	"$DMAPTEST" run "$@" ${config_opts[$config]} "${size_opts[@]}" \
		-T $mul --host-size 256M --slots 32 --progress none -o "$res" \
		>"$T/$label.tap" 2>&1
	for c in "$@"; do
		v=$(result_get "$res/latest" "${c//\//.}" verdict)
		r=$(result_get "$res/latest" "${c//\//.}" reason)
		cell["$label $c"]=${v:-none}
		cell["$label $c reason"]=$r
	done
}

labels=()
for ((i = 1; i <= runs; i++)); do
	echo "# reference run $i"
	run_config reference "reference#$i" "${cols[@]}"
	labels+=("reference#$i")
done
for config in "${configs[@]}"; do
	[ "$config" = reference ] && continue
	sel=()
	for c in "${cols[@]}"; do
		[ -n "${expect["$config $c"]:-}" ] && sel+=("$c")
	done
	[ ${#sel[@]} -gt 0 ] || continue
	echo "# $config: ${sel[*]}"
	run_config "$config" "$config" "${sel[@]}"
	labels+=("$config")
done

# judge and draw
caught=()
{
	printf '| configuration |'
	for c in "${cols[@]}"; do printf ' %s |' "$c"; done
	printf '\n|---|'
	for _ in "${cols[@]}"; do printf -- '---|'; done
	printf '\n'
} >"$T/table"
for label in "${labels[@]}"; do
	config=${label%%#*}
	line="| $label |"
	for c in "${cols[@]}"; do
		got=${cell["$label $c"]:-}
		if [ -z "$got" ]; then
			line="$line |"
			continue
		fi
		want=${expect["$config $c"]:-}
		[ "$config" = reference ] && want=PASS
		mark=
		if [ -n "$want" ]; then
			wv=${want%%:*}
			wr=*
			[ "$want" != "$wv" ] && wr=${want#*:}
			reason=${cell["$label $c reason"]}
			# shellcheck disable=SC2053
			if [ "$got" = "$wv" ] && [[ "$reason" == $wr ]]; then
				ok "$label $c = $got"
				[ "$config" != reference ] && [ "$got" != PASS ] &&
					caught+=("$config")
			else
				bad "$label $c: got $got ($reason), expected $want"
				mark=" (expected $wv)"
			fi
		fi
		line="$line $got$mark |"
	done
	echo "$line" >>"$T/table"
done

# every deviation must be caught by at least one case
for config in "${configs[@]}"; do
	[ "$config" = reference ] && continue
	found=no
	for c in "${caught[@]}"; do [ "$c" = "$config" ] && found=yes; done
	has_cell=no
	for c in "${cols[@]}"; do
		[ -n "${expect["$config $c"]:-}" ] && has_cell=yes
	done
	if [ $has_cell = no ]; then
		bad "$config: no case of this build targets it"
		continue
	fi
	if [ $found = yes ]; then ok "$config is caught"; else bad "$config is caught by no case"; fi
done

echo
cat "$T/table"
[ -n "$table_file" ] && cp "$T/table" "$table_file"
finish
