# bench/seqread.sh - benchmark 1 (sourced by bench/bench.sh): sequential
# read of one file from the host file directly, through libfuse's
# passthrough_ll example and through dmapfs; 1 MiB requests (dd bs=1M),
# 1 and 4 readers (4 dd, each a quarter of the file). Two files: a sparse
# one (holes: dmapfs maps them with huge zero pages) and a written one
# (data in the host page cache, what a real workload reads).
# shellcheck shell=bash

# One host ext4, a sparse and a written file, dmapfs and passthrough_ll
# (cache=never: every read reaches the daemon, as with dmapfs'
# direct_io) on it.
fuse_env_up() {
	local pt
	F_HOST=$B_TMP/host
	# room for the written file and the ext4 metadata
	b_host "$F_HOST" $((WSIZE + (1 << 30))) || return 1
	mkdir -p "$F_HOST/share"
	F_NAME=sparse
	truncate -s "$SIZE" "$F_HOST/share/$F_NAME" || return 1
	F_WNAME=written
	blog "writing a $((WSIZE >> 20)) MiB file (not sparse) on the host"
	yes 'dmaptest written data, not zeros and not a hole' |
		head -c "$WSIZE" >"$F_HOST/share/$F_WNAME" || return 1
	sync -f "$F_HOST/share/$F_WNAME" || return 1
	b_dmapfs "$F_HOST/share" "$B_TMP/dmapfs" || return 1
	F_DM=$B_TMP/dmapfs
	F_PT=
	if pt=$(b_build_passthrough); then
		b_passthrough "$pt" "$F_HOST/share" "$B_TMP/pt" \
			-o cache=never || return 1
		F_PT=$B_TMP/pt
	fi
	blog "sparse file of $SIZE bytes on a loop ext4; dmapfs $F_DM${F_PT:+, passthrough_ll $F_PT}"
}

fuse_env_down() {
	[[ ${PT_PID:-} ]] && b_stop_daemon "$PT_PID" "$F_PT"
	[[ ${DMAPFS_PID:-} ]] && b_stop_daemon "$DMAPFS_PID" "$F_DM"
	PT_PID= DMAPFS_PID=
}

# seq_pass FILE READERS [BYTES]: read all of FILE (BYTES, default SIZE)
# with READERS dd bs=1M in parallel (reader i reads part i); prints the
# wall seconds.
seq_pass() {
	local file=$1 n=$2 mib=$((${3:-$SIZE} >> 20)) i t0 pids=() bad=0
	local per=$((mib / n))
	t0=$EPOCHREALTIME
	for ((i = 0; i < n; i++)); do
		dd if="$file" of=/dev/null bs=1M count=$per skip=$((i * per)) \
			status=none &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || bad=1
	done
	since "$t0"
	return $bad
}

# seq_bench KEY NAME BYTES WARMUPS LABEL: time the three paths on file NAME
# of BYTES, 1 and 4 readers, PASSES rounds after WARMUPS untimed passes
# through each path; every round starts with an untimed host read (the
# file in the host page cache: dmapfs drops the zero pages of holes it
# read, so host and passthrough_ll go first). Sets SB_MED[target.readers]
# (median seconds), SB_ROWS (markdown rows) and SB_JSON (results, ratios).
seq_bench() {
	local key=$1 name=$2 bytes=$3 warmups=$4 label=$5
	local targets=(host) readers=(1 4) t r p secs k json=() m
	local -A S PATHS=([host]=$F_HOST/share/$name [dmapfs]=$F_DM/$name)
	local ratios=() r_pt r_host
	[[ $F_PT ]] && { targets+=(passthrough_ll); PATHS[passthrough_ll]=$F_PT/$name; }
	targets+=(dmapfs)
	declare -gA SB_MED=()
	blog "$key: warm-up ($warmups pass(es) through each)"
	for ((p = 1; p <= warmups; p++)); do
		for t in "${targets[@]}"; do
			seq_pass "${PATHS[$t]}" 1 "$bytes" >/dev/null ||
				bdie "$key: reading ${PATHS[$t]} failed"
		done
	done
	for ((p = 1; p <= PASSES; p++)); do
		for r in "${readers[@]}"; do
			seq_pass "${PATHS[host]}" 1 "$bytes" >/dev/null ||
				bdie "$key: reading ${PATHS[host]} failed"
			for t in "${targets[@]}"; do
				secs=$(seq_pass "${PATHS[$t]}" "$r" "$bytes") ||
					bdie "$key: reading ${PATHS[$t]} failed"
				S[$t.$r]+=" $secs"
				blog "$key pass $p: $t, $r reader(s): $secs s ($(mib_s "$bytes" "$secs") MiB/s)"
			done
		done
	done
	for k in "${!S[@]}"; do
		# shellcheck disable=SC2086
		SB_MED[$k]=$(median ${S[$k]})
	done
	SB_ROWS="| readers | $label | passthrough_ll | dmapfs | dmapfs / passthrough_ll | dmapfs / host |"$'\n|---|---|---|---|---|---|\n'
	for r in "${readers[@]}"; do
		for t in "${targets[@]}"; do
			m=$(mib_s "$bytes" "${SB_MED[$t.$r]}")
			# shellcheck disable=SC2086
			json+=("$(json_obj target "$(json_str "$t")" readers "$r" \
				median_s "${SB_MED[$t.$r]}" mib_s "$m" \
				passes_s "$(json_arr $(printf '%s\n' ${S[$t.$r]}))")")
		done
		r_pt=null r_host=$(calc "${SB_MED[host.$r]} / ${SB_MED[dmapfs.$r]}" %.2f)
		[[ $F_PT ]] && r_pt=$(calc "${SB_MED[passthrough_ll.$r]} / ${SB_MED[dmapfs.$r]}" %.2f)
		SB_MED[ratio_pt.$r]=$r_pt
		ratios+=("$(json_obj readers "$r" dmapfs_vs_passthrough_ll "$r_pt" \
			dmapfs_vs_host "$r_host")")
		SB_ROWS+="| $r | $(mib_s "$bytes" "${SB_MED[host.$r]}") | "
		SB_ROWS+="$([[ $F_PT ]] && mib_s "$bytes" "${SB_MED[passthrough_ll.$r]}" || echo n/a) | "
		SB_ROWS+="$(mib_s "$bytes" "${SB_MED[dmapfs.$r]}") | "
		SB_ROWS+="${r_pt/null/n/a}x | ${r_host}x |"$'\n'
	done
	# shellcheck disable=SC2046
	SB_JSON=$(json_obj file_bytes "$bytes" request_bytes 1048576 \
		passthrough_ll_opts "$(json_str "cache=never")" \
		results "$(json_arr "${json[@]}")" ratios "$(json_arr "${ratios[@]}")")
}

bench_seqread() {
	local r r_pt rows
	seq_bench seqread "$F_NAME" "$SIZE" 1 "host file"
	rows=$'## 1. Sequential read of a sparse file (1 MiB requests)\n\n'
	rows+="File: $(calc "$SIZE / 1073741824" %.0f) GiB sparse on a loop ext4; passthrough_ll = libfuse $(pkg-config --modversion fuse3 2>/dev/null) example, -o cache=never (every read reaches the daemon, as dmapfs' direct_io); dmapfs defaults (128 slots, 16 threads). Each round starts with the file in the host page cache (an untimed host read), then host, passthrough_ll, dmapfs in that order. MiB/s, median of $PASSES."$'\n\n'
	rows+=$SB_ROWS
	for r in 1 4; do
		r_pt=${SB_MED[ratio_pt.$r]}
		if [[ $F_PT ]]; then
			goal "dmapfs seq read >= 1.2x passthrough_ll ($r reader$( ((r > 1)) && echo s))" \
				"${r_pt}x ($(mib_s "$SIZE" "${SB_MED[dmapfs.$r]}") vs $(mib_s "$SIZE" "${SB_MED[passthrough_ll.$r]}") MiB/s)" \
				"$(calc_ok "$r_pt >= 1.2" && echo 1 || echo 0)" ">= 1.2x" "$r_pt"
		else
			goal "dmapfs seq read >= 1.2x passthrough_ll ($r reader(s))" \
				"passthrough_ll could not be built" "" ">= 1.2x"
		fi
	done
	R_MD[seqread]=$rows
	R_JSON[seqread]=$SB_JSON
}

# Sequential read of the written file: the same three paths and rounds,
# the file in the host page cache for every timed read, so all three
# read the same cached pages (no disk I/O). The sparse file flatters
# dmapfs (one huge zero page per 2 MiB range); this is what a workload
# of real data sees.
bench_seqread_written() {
	local rows
	# the first fill of fresh memory is slow on this kind of VM: two
	# untimed passes through each path before anything is timed
	seq_bench seqread-written "$F_WNAME" "$WSIZE" 2 "host page cache"
	rows=$'## 1b. Sequential read of a written file (1 MiB requests)\n\n'
	rows+="File: $(calc "$WSIZE / 1073741824" %.1f) GiB written (no holes, not zeros) on the same loop ext4, read after two untimed warm-up passes through each path; each round starts with an untimed host read, so every timed read finds the file in the host page cache; host = the file read directly from the host page cache; passthrough_ll and dmapfs as in 1. MiB/s, median of $PASSES."$'\n\n'
	rows+=$SB_ROWS
	R_MD[seqread-written]=$rows
	R_JSON[seqread-written]=$SB_JSON
}
