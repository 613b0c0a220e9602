#!/bin/bash
# detection-matrix.sh - the suite's proof of worth: run the cases against
# dmapfs configurations (the patched stack and each deviation from it)
# and check that every deviation is caught by the case meant to catch it,
# while the patched stack passes everything, several runs in a row.
# Every cell names its verdict and a pattern its reason must match: a
# verdict for the wrong reason is a failure of the matrix.
#
#   tests/detection-matrix.sh [--full] [--runs N] [--table FILE] [--cells FILE]
#
# --full uses the cases' full sizes (the seed's 100G) instead of --quick;
# --runs is how often the reference configuration runs (default 3);
# --table writes the markdown table to FILE as well.
# --cells writes every cell, one a line, "CONFIG CASE VERDICT REASON" (as
# tests/dax/check-dax.sh does for the real stack), default
# $top_builddir/detection-matrix.cells: tests/compare-matrices.sh compares
# the two matrices cell by cell from these files.
# Exit 0 when every expected cell holds, 1 otherwise, 77 without root
# (under CI=true a matrix that cannot run is a failure: 1).
. "$(dirname "$0")/lib.sh"

if [ "${CI:-}" = true ]; then
	skip() { bad "the matrix cannot run under CI: $*"; finish; }
fi

full=no
runs=3
table_file=
cells_file=${top_builddir:-.}/detection-matrix.cells
while [ $# -gt 0 ]; do
	case $1 in
	--full) full=yes ;;
	--runs) runs=$2; shift ;;
	--table) table_file=$2; shift ;;
	--cells) cells_file=$2; shift ;;
	*) echo "usage: $0 [--full] [--runs N] [--table FILE] [--cells FILE]" >&2; exit 2 ;;
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
	[pre-patch-die]="--client legacy --host-reserve off --host-fault die"
	[legacy]="--client legacy"
	[today-daemons]="--host-reserve off"
	[today-daemons-die]="--host-reserve off --host-fault die"
	[alloc-only]="--observer none"
	[reserve-ro]="--inject reserve-ro"
	[reserve-ro-alloc-only]="--inject reserve-ro --observer none"
	[no-upgrade]="--inject no-upgrade"
	[no-upgrade-die]="--inject no-upgrade --host-fault die"
	[stale-upgrade]="--inject stale-upgrade"
	[reclaim-deadlock]="--inject reclaim-deadlock"
	[no-reclaim]="--inject no-reclaim"
)
configs=(reference pre-patch pre-patch-die legacy today-daemons
	 today-daemons-die alloc-only reserve-ro reserve-ro-alloc-only
	 no-upgrade no-upgrade-die stale-upgrade reclaim-deadlock no-reclaim)
# configurations that are the reference stack seen differently, not a
# deviation to catch
declare -A not_a_deviation=([alloc-only]=1)

# the columns: case ids, in order
columns=(truncate-od/native truncate-od/native-full truncate-od/literal-full
	 pwrite-enospc/native host-enospc ro-mapping mixed-rw-2m dmap-exhaust
	 fio/randrw-2m-psync fio/randrw-2m-io_uring fio/randrw-2m-mmap
	 fio/many-files)

# What the reference stack must give in every run: PASS, for the reason
# that makes it one. dmapfs cannot emulate a DAX mmap (dax_mmap no): a
# claim that needs one is out of scope there, and the PASS must name it
# ("not measured on dmapfs: <claim> (needs DAX-mmap)"); a variant that
# needs one SKIPs saying so.
declare -A reference_expect=(
	[truncate-od/native]="PASS:*of zeros in *setup_ro=*setup_rw=0 upgrades=0*file blocks 0 B*"
	[truncate-od/native-full]="PASS:*of zeros in *setup_ro=*setup_rw=0 upgrades=0*host full*"
	[truncate-od/literal-full]="PASS:od -x printed exactly the zero line*setup_ro=*setup_rw=0*host full*"
	[pwrite-enospc/native]="PASS:ENOSPC after * written*the data reads back intact*"
	[host-enospc]="PASS:*sparse read*setup_ro=*setup_rw=0*hole write ENOSPC in*checksums unchanged; not measured on dmapfs: a store into a hole through a shared mapping* (needs DAX-mmap)"
	[ro-mapping]="PASS:16 read-only workloads read * from an unmapped state with * RO and 0 RW mapping setups*; mmap checked its data only; not measured on dmapfs: reads through a DAX mmap set up only read-only mappings and allocate nothing (needs DAX-mmap)"
	[mixed-rw-2m]="PASS:sequential: read zeros (one RO mapping), wrote the range (one upgrade in place*concurrent:*no torn, stale or lost block*; not measured on dmapfs: loads and stores through DAX mmaps of the range* (needs DAX-mmap)"
	[dmap-exhaust]="PASS:* ranges in * files, window of * slots*all data right, * reclaims*; not measured on dmapfs: shared mappings that pin ranges* (needs DAX-mmap); a mapped file truncated, unlinked and extended again* (needs DAX-mmap)"
	[fio/randrw-2m-psync]="PASS:fio randrw-2m-psync.fio, 4 jobs*crc32c verify clean*"
	[fio/randrw-2m-io_uring]="PASS:fio randrw-2m-io_uring.fio, 4 jobs*crc32c verify clean*"
	[fio/randrw-2m-mmap]="SKIP:target 'dmapfs' does not map files DAX on mmap (its MAP_SHARED mappings go through the kernel page cache, not the DAX window)"
	[fio/many-files]="PASS:fio many-files.fio, * jobs*crc32c verify clean*ranges in*reclaims*"
)

# expected cells of the other configurations: "config case" ->
# verdict:reason glob, every one judged
died="target died during the case: dmapfs died of SIGBUS as a VMM does when a host fault cannot allocate (exit status 135)*"
segv="target died during the case: dmapfs died of SIGSEGV as a VMM does on a store into a window slot the host mapped read-only (exit status 139)*"
declare -A expect=(
	# reads through RW mappings fault like reads (the real stack): only
	# the mapping observer sees the pre-patch client
	["pre-patch truncate-od/native-full"]="FAIL:the read sets up only read-only mappings*setup_ro=0 setup_rw=[1-9]*"
	["pre-patch ro-mapping"]="FAIL:reads set up only read-only mappings*setup_rw=[1-9]*"
	["pre-patch pwrite-enospc/native"]="HANG:no progress for *"
	["pre-patch-die truncate-od/native-full"]="FAIL:the read sets up only read-only mappings*setup_ro=0 setup_rw=[1-9]*"
	["pre-patch-die pwrite-enospc/native"]="FAIL:$died"
	["pre-patch-die ro-mapping"]="FAIL:reads set up only read-only mappings*setup_ro=0 setup_rw=[1-9]*"
	["legacy truncate-od/native-full"]="FAIL:the read of the sparse file completes and returns only zeros: *ENOSPC*"
	["legacy ro-mapping"]="FAIL:reads set up only read-only mappings*setup_ro=0 setup_rw=[1-9]*"
	["today-daemons truncate-od/native"]="PASS:*of zeros in *setup_ro=*setup_rw=0*"
	["today-daemons truncate-od/native-full"]="PASS:*of zeros in *setup_ro=*setup_rw=0*host full*"
	["today-daemons pwrite-enospc/native"]="HANG:no progress for *"
	["today-daemons host-enospc"]="HANG:no progress for *"
	["today-daemons-die pwrite-enospc/native"]="FAIL:$died"
	["today-daemons-die host-enospc"]="FAIL:$died"
	# the rest as reference (the counterparts of the real stack's row, whose
	# VMM dies too: tests/compare-matrices.sh)
	["today-daemons-die truncate-od/native-full"]=${reference_expect[truncate-od/native-full]}
	["today-daemons-die ro-mapping"]=${reference_expect[ro-mapping]}
	["today-daemons-die mixed-rw-2m"]=${reference_expect[mixed-rw-2m]}
	["alloc-only truncate-od/native"]="SKIP:not measured: the read sets up only read-only mappings*no mapping observer wanted (--observer none)*measured: the read of the sparse file completes*the read allocates nothing on the host*"
	["alloc-only ro-mapping"]="SKIP:not measured: reads set up only read-only mappings*no mapping observer wanted (--observer none)*measured: reads allocate nothing on the host*every workload reads the expected bytes*"
	["alloc-only mixed-rw-2m"]="SKIP:not measured: reading an unmapped sparse range*no mapping observer wanted (--observer none)*measured:*no torn, stale or lost block*"
	["reserve-ro ro-mapping"]="FAIL:reads allocate nothing on the host: */sparse: file blocks +*"
	["reserve-ro-alloc-only ro-mapping"]="FAIL:reads allocate nothing on the host: */sparse: file blocks +*"
	# a store into a read-only slot: the vCPU loops (KVM) or the VMM dies
	["no-upgrade mixed-rw-2m"]="HANG:no progress for *"
	["no-upgrade-die mixed-rw-2m"]="FAIL:$segv"
	["stale-upgrade mixed-rw-2m"]="FAIL:*second mapping*"
	["reclaim-deadlock dmap-exhaust"]="HANG:no progress for *"
	# refused with ENOMEM: a read or write fails (no mappers on dmapfs:
	# its mmaps are not DAX)
	["no-reclaim dmap-exhaust"]="FAIL:*: * (window of * slots, * ranges in use); dmapfs then: * of * slots free, 0 reclaims during the run"
)

# result fields besides verdict and reason: "config case" -> "key=value ..."
declare -A expect_fields=(
	# the reads through RW mappings allocate nothing and return zeros
	["pre-patch truncate-od/native-full"]="claim.no-alloc=HELD:* claim.zeros=HELD:*"
	["pre-patch-die truncate-od/native-full"]="claim.no-alloc=HELD:* claim.zeros=HELD:*"
	# every workload, sparse and written, fails: none is measured on a
	# mapping left from before; mmap's mappings are out of scope on dmapfs
	["legacy ro-mapping"]="metric.workloads_failed=16 metric.workloads_passed=0 metric.workloads_out_of_scope=2"
	["pre-patch ro-mapping"]="metric.workloads_failed=16 metric.workloads_passed=0 metric.workloads_out_of_scope=2"
	# what dmapfs cannot emulate is out of scope, and said so
	["reference ro-mapping"]="claim.mmap-ro=UNMEASURED*out*of*scope,*needs*DAX-mmap):* claim.ro-only=HELD:*"
	["reference dmap-exhaust"]="claim.mmap=UNMEASURED*out*of*scope,*needs*DAX-mmap):* claim.churn-mapped=UNMEASURED*out*of*scope,*needs*DAX-mmap):*"
	["alloc-only ro-mapping"]="claim.no-alloc=HELD:* claim.ro-only=UNMEASURED:*"
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
		cell["$label $c dir"]=$res/latest/${c//\//.}
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
{
	echo "# detection-matrix cells: CONFIG CASE VERDICT REASON (the rest of the line)"
	echo "# dmapfs, --slots 32, host 256M, sizes: ${size_opts[*]:-full}"
} >"$T/cells"
for label in "${labels[@]}"; do
	config=${label%%#*}
	line="| $label |"
	for c in "${cols[@]}"; do
		got=${cell["$label $c"]:-}
		if [ -z "$got" ]; then
			line="$line |"
			continue
		fi
		reason=${cell["$label $c reason"]}
		printf '%s %s %s %s\n' "$label" "$c" "$got" "${reason//$'\n'/ }" \
			>>"$T/cells"
		want=${expect["$config $c"]:-}
		[ "$config" = reference ] && want=${reference_expect[$c]:-}
		mark=
		if [ -z "$want" ] || [ "$want" = "${want%%:*}" ]; then
			bad "$label $c: the matrix has no verdict and reason pattern for this cell"
			mark=" (no expectation)"
		else
			wv=${want%%:*}
			wr=${want#*:}
			reason=${cell["$label $c reason"]}
			# shellcheck disable=SC2053
			if [ "$got" = "$wv" ] && [[ "$reason" == $wr ]]; then
				ok "$label $c = $got"
				[ "$config" != reference ] && [ "$got" != PASS ] &&
					caught+=("$config")
			else
				bad "$label $c: got $got ($reason), expected $wv with a reason like '$wr'"
				mark=" (expected $wv)"
			fi
			[ -n "${expect_fields["$config $c"]:-}" ] &&
				expect_result_fields "${cell["$label $c dir"]}/result" \
					"$label $c" "${expect_fields["$config $c"]}"
		fi
		line="$line $got$mark |"
	done
	echo "$line" >>"$T/table"
done

# every deviation must be caught by at least one case
for config in "${configs[@]}"; do
	[ "$config" = reference ] && continue
	[ -n "${not_a_deviation[$config]:-}" ] && continue
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
cp "$T/cells" "$cells_file" 2>/dev/null ||
	echo "# could not write the cells to $cells_file"
finish
