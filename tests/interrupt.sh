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

# resume an interrupted run: the case it was stopped in runs again (it
# was not done), then the rest; a different selection is refused
res=$T/results-resume
"$DMAPTEST" run meta-pass -i 3 -p meta-pass.sleep_ms=30000 --target dir \
	--dir "$T" -o "$res" --progress none >"$T/tap" 2>&1 &
runner=$!
on_exit "kill -9 $runner 2>/dev/null"
wait_for_case "$res" "meta-pass#1" || bad "resume: meta-pass#1 never started"
sleep 0.3
kill -s INT "$runner"
wait "$runner"
expect_eq "resume: the first run was interrupted" "$?" 3
run=$(readlink -f "$res/latest")
expect_eq "resume: interrupted case marked" "$($JSON_GET "$run/run.json" cases.0.interrupted)" true
"$DMAPTEST" --resume "$run" run meta-fail --target dir --dir "$T" --progress none >/dev/null 2>"$T/err"
expect_eq "resume with another selection: exit status" "$?" 2
expect_match "resume with another selection: message" "$(head -n 1 "$T/err")" "dmaptest: --resume goes on with the plan of $run (run meta-pass): a different selection (run meta-fail) cannot be given"
"$DMAPTEST" --resume "$run" run meta-pass --target dir --dir "$T" --progress none >"$T/tap2" 2>&1
expect_eq "resume: exit status" "$?" 0
expect_eq "resume: status" "$($JSON_GET "$run/run.json" status)" complete
expect_eq "resume: cases" "$($JSON_GET -n "$run/run.json" cases)" 3
expect_eq "resume: the interrupted case ran again" "$(result_get "$run" meta-pass.1 verdict)" PASS
expect_eq "resume: last line" "$(tail -n 1 "$T/tap2")" "3 passed, 0 failed, 0 skipped"

finish
