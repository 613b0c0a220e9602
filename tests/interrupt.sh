#!/bin/bash
# interrupt.sh - SIGINT and SIGTERM in the middle of a case: the case's
# processes are killed, the case is recorded as interrupted, run.json says
# so, the TAP stream bails out, the exit status is 3, nothing is left.
. "$(dirname "$0")/lib.sh"

for sig in INT TERM; do
	res=$T/results-$sig
	"$DMAPTEST" run meta-pass meta-hang meta-pass -T 10 --target dir \
		--dir "$T" -o "$res" --progress none >"$T/tap" 2>&1 &
	runner=$!
	on_exit "kill -9 $runner 2>/dev/null"
	wait_for_case "$res" meta-hang || bad "SIG$sig: meta-hang never started"
	sleep 0.3
	case_pids=$(pgrep -P "$runner" | tr '\n' ' ')
	kill -s "$sig" "$runner"
	wait "$runner"
	status=$?
	run=$res/latest

	expect_eq "SIG$sig: exit status" "$status" 3
	expect_eq "SIG$sig: run.json status" "$($JSON_GET "$run/run.json" status)" interrupted
	expect_eq "SIG$sig: finished cases" "$($JSON_GET -n "$run/run.json" cases)" 2
	expect_eq "SIG$sig: meta-hang verdict" "$(result_get "$run" meta-hang verdict)" ERROR
	expect_match "SIG$sig: meta-hang reason" "$(result_get "$run" meta-hang reason)" "interrupted*"
	expect_match "SIG$sig: TAP bails out" "$(cat "$T/tap")" "*Bail out! run interrupted*"
	expect_eq "SIG$sig: last line" "$(tail -n 1 "$T/tap")" "1 passed, 1 failed, 0 skipped"
	alive=
	for p in $case_pids; do
		kill -0 "$p" 2>/dev/null && alive="$alive $p"
	done
	expect_eq "SIG$sig: case processes left" "$alive" ""
	expect_eq "SIG$sig: scratch dirs left" "$(find "$T" -maxdepth 1 -name 'dmaptest.*' | wc -l)" 0
done

finish
