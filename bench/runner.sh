# bench/runner.sh - benchmark 5 (sourced by bench/bench.sh): what the
# runner costs per case (meta-pass repeated, --target dir), and the wall
# time of `dmaptest run all` on the default target (dmapfs).
# shellcheck shell=bash

# Sum of the durations of every case result under run folder $1.
sum_durations() {
	cat "$1"/*/result 2>/dev/null |
		awk -F= '$1 == "duration" { s += $2 } END { printf "%.3f\n", s }'
}

bench_runner() {
	local res t0 w1 wn rc per slope sum rows json_all=() r id v d
	local n=$META_ITER
	blog "runner: dmaptest --target dir run meta-pass (1 and $n iterations)"
	res=$B_TMP/res-meta1
	t0=$EPOCHREALTIME
	"$DMAPTEST" -q -o "$res" --target dir run meta-pass >/dev/null 2>&1
	w1=$(since "$t0")
	res=$B_TMP/res-meta
	t0=$EPOCHREALTIME
	"$DMAPTEST" -q -o "$res" --target dir run meta-pass -i "$n" \
		>"$B_TMP/meta.tap" 2>"$B_TMP/meta.err"
	rc=$?
	wn=$(since "$t0")
	sum=$(sum_durations "$res/latest")
	per=$(calc "$wn / $n" %.4f)
	slope=$(calc "($wn - $w1) / ($n - 1)" %.4f)
	blog "runner: 1 case $w1 s, $n cases $wn s (exit $rc): $per s per case, $slope s per extra case; cases' own durations $sum s"

	blog "runner: dmaptest run all (default target)"
	res=$B_TMP/res-all
	t0=$EPOCHREALTIME
	local qa=()
	((QUICK)) && qa=(--quick)
	"$DMAPTEST" -q -o "$res" "${qa[@]}" run all >"$B_TMP/all.tap" 2>"$B_TMP/all.err"
	local arc=$?
	local wall
	wall=$(since "$t0")
	local summary
	summary=$(grep -m1 '^# PASS' "$B_TMP/all.tap" | sed 's/^# //; s/;.*//')
	blog "runner: run all: $wall s, exit $arc: $summary"
	# keep its results folder next to bench.json, for the verdicts' why
	rm -rf "$RESULTS/run-all"
	cp -rL "$res/latest" "$RESULTS/run-all" 2>/dev/null

	rows=$'## 5. Runner\n\n'
	rows+=$'| measurement | value |\n|---|---|\n'
	rows+="| \`dmaptest --target dir run meta-pass\`, 1 iteration (whole command) | $(calc "$w1" %.3f) s |"$'\n'
	rows+="| same, -i $n (whole command) | $(calc "$wn" %.3f) s |"$'\n'
	rows+="| per case (wall / $n) | $(calc "$per * 1000" %.1f) ms |"$'\n'
	rows+="| per extra case ((wall($n) - wall(1)) / $((n - 1))) | $(calc "$slope * 1000" %.1f) ms |"$'\n'
	rows+="| cases' own durations, summed | $sum s |"$'\n'
	rows+="| \`dmaptest run all${qa[*]:+ ${qa[*]}}\` (dmapfs), whole command | $(calc "$wall" %.1f) s ($summary, exit $arc) |"$'\n\n'
	# cases of the stress group run for a time budget (--runtime), not
	# for an amount of work: their share of the wall time is by design
	local stress=" $("$DMAPTEST" list stress 2>/dev/null |
		awk '/^[^[:space:]]/ { printf "%s ", $1 }')" sum_stress=0 sum_work=0
	rows+=$'`run all`, per case (stress: runs for its time budget):\n\n| case | verdict | duration s | stress |\n|---|---|---|---|\n'
	for r in "$res"/latest/*/result; do
		[[ -r $r ]] || continue
		id=$(result_get "$r" id)
		v=$(result_get "$r" verdict)
		d=$(result_get "$r" duration)
		if [[ $stress == *" ${id%%/*} "* ]]; then
			sum_stress=$(calc "$sum_stress + ${d:-0}")
			rows+="| $id | $v | $d | yes |"$'\n'
		else
			sum_work=$(calc "$sum_work + ${d:-0}")
			rows+="| $id | $v | $d | |"$'\n'
		fi
		json_all+=("$(json_obj id "$(json_str "$id")" verdict "$(json_str "$v")" \
			duration_s "$(json_num "$d")" \
			reason "$(json_str "$(result_get "$r" reason)")")")
	done
	rows+=$'\n'"Cases' durations summed: $sum_work s outside the stress group, $sum_stress s in it (time budgets)."$'\n'
	R_MD[runner]=$rows
	R_JSON[runner]=$(json_obj \
		meta_pass "$(json_obj iterations "$n" exit_status "$rc" \
			wall_1_s "$w1" wall_n_s "$wn" per_case_s "$per" \
			per_extra_case_s "$slope" case_durations_sum_s "$sum")" \
		run_all "$(json_obj exit_status "$arc" wall_s "$wall" \
			quick "$( ((QUICK)) && echo true || echo false)" \
			summary "$(json_str "$summary")" \
			durations_sum_stress_s "$sum_stress" \
			durations_sum_other_s "$sum_work" \
			cases "$(json_arr "${json_all[@]}")")")
	if ((QUICK)); then
		goal "\`dmaptest run all\` on dmapfs < 2 min" \
			"--quick sizes only: $(calc "$wall" %.1f) s ($summary)" \
			"" "< 120 s" "$wall"
	else
		goal "\`dmaptest run all\` on dmapfs < 2 min" \
			"$(calc "$wall" %.1f) s ($summary); stress-group cases (time budgets) $sum_stress s, the rest $sum_work s" \
			"$(calc_ok "$wall < 120" && echo 1 || echo 0)" "< 120 s" "$wall"
	fi
	goal "runner overhead per case (informational)" \
		"$(calc "$slope * 1000" %.1f) ms per extra meta-pass case" "" "-" "$slope"
}
