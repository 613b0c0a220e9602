# bench/truncate_od.sh - benchmark 3 (sourced by bench/bench.sh): the
# patch's first reproducer at full size on the default target,
#   dmaptest run truncate-od/native        (100G sparse file, dmapfs)
# wall time of the whole command (target setup included) and the case's
# own read time and throughput.
# shellcheck shell=bash

bench_truncate_od() {
	local res=$B_TMP/res-tod args=() t0 wall rc r verdict secs bytes gbs
	local rows
	[[ $TOD_SIZE ]] && args+=(-p "truncate-od.size=$TOD_SIZE")
	blog "truncate-od: dmaptest run truncate-od/native ${args[*]}"
	t0=$EPOCHREALTIME
	"$DMAPTEST" -q -o "$res" "${args[@]}" run truncate-od/native \
		>"$B_TMP/tod.tap" 2>"$B_TMP/tod.err"
	rc=$?
	wall=$(since "$t0")
	r=$res/latest/truncate-od.native/result
	[[ -r $r ]] || bdie "truncate-od: no result (exit $rc): $(head -c 300 "$B_TMP/tod.err")"
	verdict=$(result_get "$r" verdict)
	secs=$(result_get "$r" metric.seconds)
	bytes=$(result_get "$r" metric.bytes_read)
	gbs=$(calc "${bytes:-0} / ${secs:-1} / 1e9" %.2f)
	blog "truncate-od: $verdict, $bytes bytes in $secs s ($gbs GB/s), wall $wall s"
	rows=$'## 3. truncate-od/native at full size on dmapfs\n\n'
	rows+=$'`dmaptest run truncate-od/native` (io_uring qd 4, 1 MiB, every byte checked; default target: dmapfs on a 1 GiB loop ext4).\n\n'
	rows+=$'| size | verdict | wall s (whole command) | read s | GB/s | GiB/s |\n|---|---|---|---|---|---|\n'
	rows+="| $(calc "${bytes:-0} / 1073741824" %.0f) GiB | $verdict | $(calc "$wall" %.1f) | $secs | $gbs | $(calc "${bytes:-0} / ${secs:-1} / 1073741824" %.2f) |"$'\n'
	R_MD[truncate-od]=$rows
	R_JSON[truncate-od]=$(json_obj command "$(json_str "dmaptest run truncate-od/native ${args[*]}")" \
		exit_status "$rc" verdict "$(json_str "$verdict")" \
		reason "$(json_str "$(result_get "$r" reason)")" \
		bytes "$(json_num "$bytes")" read_s "$(json_num "$secs")" \
		wall_s "$wall" gb_s "$gbs" \
		engine "$(json_str "$(result_get "$r" metric.engine)")")
	local label="truncate-od/native 100G on dmapfs < 60 s"
	if [[ $bytes != $((100 << 30)) ]]; then
		label="truncate-od/native on dmapfs < 60 s at 100G (ran $(calc "${bytes:-0} / 1073741824" %.0f) GiB)"
	fi
	goal "$label" "$(calc "$wall" %.1f) s wall, $secs s reading ($gbs GB/s), $verdict" \
		"$([[ $verdict == PASS && $bytes == $((100 << 30)) ]] &&
			{ calc_ok "$wall < 60" && echo 1 || echo 0; })" "< 60 s" "$wall"
}
