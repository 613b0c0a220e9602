# bench/seqread.sh - benchmark 1 (sourced by bench/bench.sh): sequential
# read of one sparse file from the host file directly, through libfuse's
# passthrough_ll example and through dmapfs; 1 MiB requests (dd bs=1M),
# 1 and 4 readers (4 dd, each a quarter of the file).
# shellcheck shell=bash

# One host ext4, one sparse file, dmapfs and passthrough_ll (cache=never:
# every read reaches the daemon, as with dmapfs' direct_io) on it.
fuse_env_up() {
	local pt
	F_HOST=$B_TMP/host
	b_host "$F_HOST" 1G || return 1
	mkdir -p "$F_HOST/share"
	F_NAME=sparse
	truncate -s "$SIZE" "$F_HOST/share/$F_NAME" || return 1
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

# seq_pass FILE READERS: read all of FILE with READERS dd bs=1M in
# parallel (reader i reads quarter i); prints the wall seconds.
seq_pass() {
	local file=$1 n=$2 mib=$((SIZE >> 20)) i t0 pids=() bad=0
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

bench_seqread() {
	local targets=(host) readers=(1 4) t r p secs key rows='' json=() m
	local -A S MED PATHS=([host]=$F_HOST/share/$F_NAME [dmapfs]=$F_DM/$F_NAME)
	[[ $F_PT ]] && { targets+=(passthrough_ll); PATHS[passthrough_ll]=$F_PT/$F_NAME; }
	targets+=(dmapfs)
	blog "seqread: warm-up (one pass through each)"
	for t in "${targets[@]}"; do
		seq_pass "${PATHS[$t]}" 1 >/dev/null || bdie "seqread: reading ${PATHS[$t]} failed"
	done
	for ((p = 1; p <= PASSES; p++)); do
		for r in "${readers[@]}"; do
			# the same start for everyone: the file in the host
			# page cache (dmapfs drops the zero pages of holes it
			# read, so host and passthrough_ll go first)
			seq_pass "${PATHS[host]}" 1 >/dev/null ||
				bdie "seqread: reading ${PATHS[host]} failed"
			for t in "${targets[@]}"; do
				secs=$(seq_pass "${PATHS[$t]}" "$r") ||
					bdie "seqread: reading ${PATHS[$t]} failed"
				S[$t.$r]+=" $secs"
				blog "seqread pass $p: $t, $r reader(s): $secs s ($(mib_s "$SIZE" "$secs") MiB/s)"
			done
		done
	done
	for key in "${!S[@]}"; do
		# shellcheck disable=SC2086
		MED[$key]=$(median ${S[$key]})
	done
	for r in "${readers[@]}"; do
		for t in "${targets[@]}"; do
			m=$(mib_s "$SIZE" "${MED[$t.$r]}")
			# shellcheck disable=SC2086
			json+=("$(json_obj target "$(json_str "$t")" readers "$r" \
				median_s "${MED[$t.$r]}" mib_s "$m" \
				passes_s "$(json_arr $(printf '%s\n' ${S[$t.$r]}))")")
		done
	done
	local ratios=() r_pt r_host
	rows=$'## 1. Sequential read of a sparse file (1 MiB requests)\n\n'
	rows+="File: $(calc "$SIZE / 1073741824" %.0f) GiB sparse on a loop ext4; passthrough_ll = libfuse $(pkg-config --modversion fuse3 2>/dev/null) example, -o cache=never (every read reaches the daemon, as dmapfs' direct_io); dmapfs defaults (128 slots, 16 threads). Each round starts with the file in the host page cache (an untimed host read), then host, passthrough_ll, dmapfs in that order. MiB/s, median of $PASSES."$'\n\n'
	rows+=$'| readers | host file | passthrough_ll | dmapfs | dmapfs / passthrough_ll | dmapfs / host |\n|---|---|---|---|---|---|\n'
	for r in "${readers[@]}"; do
		r_pt=null r_host=$(calc "${MED[host.$r]} / ${MED[dmapfs.$r]}" %.2f)
		[[ $F_PT ]] && r_pt=$(calc "${MED[passthrough_ll.$r]} / ${MED[dmapfs.$r]}" %.2f)
		ratios+=("$(json_obj readers "$r" dmapfs_vs_passthrough_ll "$r_pt" \
			dmapfs_vs_host "$r_host")")
		rows+="| $r | $(mib_s "$SIZE" "${MED[host.$r]}") | "
		rows+="$([[ $F_PT ]] && mib_s "$SIZE" "${MED[passthrough_ll.$r]}" || echo n/a) | "
		rows+="$(mib_s "$SIZE" "${MED[dmapfs.$r]}") | "
		rows+="${r_pt/null/n/a}x | ${r_host}x |"$'\n'
		if [[ $F_PT ]]; then
			goal "dmapfs seq read >= 1.2x passthrough_ll ($r reader$( ((r > 1)) && echo s))" \
				"${r_pt}x ($(mib_s "$SIZE" "${MED[dmapfs.$r]}") vs $(mib_s "$SIZE" "${MED[passthrough_ll.$r]}") MiB/s)" \
				"$(calc_ok "$r_pt >= 1.2" && echo 1 || echo 0)" ">= 1.2x" "$r_pt"
		else
			goal "dmapfs seq read >= 1.2x passthrough_ll ($r reader(s))" \
				"passthrough_ll could not be built" "" ">= 1.2x"
		fi
	done
	R_MD[seqread]=$rows
	# shellcheck disable=SC2046
	R_JSON[seqread]=$(json_obj file_bytes "$SIZE" request_bytes 1048576 \
		passthrough_ll_opts "$(json_str "cache=never")" \
		results "$(json_arr "${json[@]}")" ratios "$(json_arr "${ratios[@]}")")
}
