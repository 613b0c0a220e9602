# bench/hang.sh - benchmark 4 (sourced by bench/bench.sh): how long after
# a case's last heartbeat the runner gives its HANG verdict with the
# diagnostics saved.
#
#   meta-no-progress           (--target dir) heartbeats, then sleeps
#   pwrite-enospc/native       dmapfs --host-reserve off (today's
#                              daemons) on a full host: the first write
#                              fault that cannot allocate stalls the
#                              "vCPU" for ever (a real hang)
#
# From the case log (times since the case start, taken by the runner as
# the lines arrive): the last heartbeat is the later of the last "phase:"
# line and the runner's "last heartbeat X s ago"; the HANG line is the
# verdict; the result's duration is when the case ended with hang.txt
# and the verdict saved. Latencies are counted after the no-progress
# window expired.
# shellcheck shell=bash

# hang_case NAME RESULTS-DIR CASE-DIR-NAME -> sets H_* from its log
hang_parse() {
	local dir=$1 log=$1/log
	H_WINDOW=$(sed -n 's/.*progress window \([0-9.]*\) s).*/\1/p' "$log" | head -n1)
	H_T_HANG=$(sed -n 's/^\[ *+\([0-9.]*\)s\] HANG: .*/\1/p' "$log" | head -n1)
	H_AGO=$(sed -n 's/.*HANG: .*last heartbeat \([0-9.]*\) s ago.*/\1/p' "$log" | head -n1)
	H_T_PHASE=$(awk '/\] HANG: / { exit } /\] phase: / { t = $0 }
		END { if (t != "") { sub(/^\[ *\+/, "", t); sub(/s\].*/, "", t); print t } }' "$log")
	H_DURATION=$(result_get "$dir/result" duration)
	H_VERDICT=$(result_get "$dir/result" verdict)
	H_REASON=$(result_get "$dir/result" reason)
	H_AFTER=$(awk 'f { print } /\] HANG: / { f = 1 }' "$log" | head -n 12)
	H_HANGTXT=0
	[[ -s $dir/hang.txt ]] && H_HANGTXT=1
	if [[ -z $H_T_HANG || -z $H_AGO || -z $H_DURATION || -z $H_WINDOW ]]; then
		return 1
	fi
	# the runner's "X s ago" has 0.1 s steps and counts from the tick
	# that saw the beat (50 ms): when the last phase line (a beat, timed
	# to the millisecond) agrees with it, that line is the last beat
	H_LAST=$(calc "$H_T_HANG - $H_AGO" %.3f)
	if [[ $H_T_PHASE ]] && calc_ok "$H_LAST - $H_T_PHASE <= 0.15"; then
		H_LAST=$H_T_PHASE
	fi
	H_DETECT=$(calc "$H_T_HANG - $H_LAST - $H_WINDOW" %.3f)
	H_SAVED=$(calc "$H_DURATION - $H_LAST - $H_WINDOW" %.3f)
}

bench_hang() {
	local res t0 wall rc name rows json=() label
	local -a NAMES=(meta-no-progress dmapfs-no-reserve-full)
	local -A ARGS=(
		[meta-no-progress]="--target dir run meta-no-progress"
		[dmapfs-no-reserve-full]="--host-reserve off --allow-fill -T $HANG_TMUL run pwrite-enospc/native"
	) DIRS=(
		[meta-no-progress]=meta-no-progress
		[dmapfs-no-reserve-full]=pwrite-enospc.native
	)
	rows=$'## 4. Hang detection latency\n\n'
	rows+="Seconds after the no-progress window expired (window = the case's, times -T $HANG_TMUL for the dmapfs run): until the HANG line (detection) and until the case ended with hang.txt and the verdict saved."$'\n\n'
	rows+=$'| case | window s | last heartbeat at s | HANG at s | detection latency s | verdict saved latency s | hang.txt |\n|---|---|---|---|---|---|---|\n'
	for name in "${NAMES[@]}"; do
		res=$B_TMP/res-hang-$name
		blog "hang: dmaptest ${ARGS[$name]}"
		t0=$EPOCHREALTIME
		# shellcheck disable=SC2086
		"$DMAPTEST" -q -o "$res" ${ARGS[$name]} >"$B_TMP/hang.tap" \
			2>"$B_TMP/hang.err"
		rc=$?
		wall=$(since "$t0")
		if ! hang_parse "$res/latest/${DIRS[$name]}"; then
			blog "hang: $name: no HANG verdict (exit $rc): $(head -c 300 "$B_TMP/hang.err")"
			json+=("$(json_obj case "$(json_str "$name")" exit_status "$rc" \
				verdict "$(json_str "${H_VERDICT:-none}")" \
				reason "$(json_str "${H_REASON:-}")")")
			rows+="| $name | | | | no HANG: ${H_VERDICT:-no result} | | |"$'\n'
			goal "HANG verdict <= 1 s after the window ($name)" \
				"no HANG verdict (${H_VERDICT:-no result})" 0 "<= 1 s"
			continue
		fi
		blog "hang: $name: HANG at $H_T_HANG s, last beat $H_LAST s, window $H_WINDOW s: detection +$H_DETECT s, saved +$H_SAVED s"
		rows+="| $name | $H_WINDOW | $H_LAST | $H_T_HANG | $H_DETECT | $H_SAVED | $( ((H_HANGTXT)) && echo yes || echo no) |"$'\n'
		json+=("$(json_obj case "$(json_str "$name")" \
			command "$(json_str "dmaptest ${ARGS[$name]}")" \
			exit_status "$rc" wall_s "$wall" \
			verdict "$(json_str "$H_VERDICT")" reason "$(json_str "$H_REASON")" \
			window_s "$H_WINDOW" last_heartbeat_s "$H_LAST" \
			hang_line_s "$H_T_HANG" case_end_s "$H_DURATION" \
			detection_latency_s "$H_DETECT" saved_latency_s "$H_SAVED" \
			hang_txt "$( ((H_HANGTXT)) && echo true || echo false)" \
			log_after_hang "$(json_str "$H_AFTER")")")
		goal "HANG verdict <= 1 s after the window ($name)" \
			"+$H_SAVED s saved (detected +$H_DETECT s)" \
			"$(calc_ok "$H_SAVED <= 1" && echo 1 || echo 0)" "<= 1 s" "$H_SAVED"
	done
	R_MD[hang]=$rows
	R_JSON[hang]=$(json_obj hang_timeout_mul "$HANG_TMUL" \
		results "$(json_arr "${json[@]}")")
}
