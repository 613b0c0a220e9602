#!/bin/bash
# kill-runner.sh - SIGKILL the runner in the middle of a run: the results
# folder must still be parseable, every finished case complete, run.json
# must say the run did not end, and the case process must not survive.
. "$(dirname "$0")/lib.sh"

res=$T/results
"$DMAPTEST" run meta-pass meta-fail meta-hang --target dir \
	--dir "$T" -o "$res" --progress none >"$T/tap" 2>&1 &
runner=$!
on_exit "kill -9 $runner 2>/dev/null"

# wait until the third case (meta-hang, 2 s) is running
wait_for_case "$res" meta-hang && ok "meta-hang was running before the kill" ||
	bad "meta-hang never started"
case_pids=$(pgrep -P "$runner" | tr '\n' ' ')
kill -9 "$runner"
wait "$runner" 2>/dev/null
run=$(readlink -f "$res/latest")

$JSON_GET "$run/run.json" && ok "run.json parses" || bad "run.json does not parse"
expect_eq "run.json status" "$($JSON_GET "$run/run.json" status)" running
expect_eq "run.json ended" "$($JSON_GET "$run/run.json" ended)" false
expect_eq "run.json current" "$($JSON_GET "$run/run.json" current)" meta-hang
expect_eq "finished cases" "$($JSON_GET -n "$run/run.json" cases)" 2
expect_eq "meta-pass result" "$(result_get "$run" meta-pass verdict)" PASS
expect_eq "meta-fail result" "$(result_get "$run" meta-fail verdict)" FAIL
if command -v xmllint >/dev/null; then
	xmllint --noout "$run/junit.xml" && ok "junit.xml is XML" || bad "junit.xml broken"
fi
expect_eq "tap file lines" "$(grep -c '^\(not \)\?ok ' "$run/tap")" 2
expect_eq "temp files" "$(find "$res" -name '*.tmp.*' | wc -l)" 0

# the case process dies with its runner (PR_SET_PDEATHSIG)
alive=
for _ in $(seq 40); do
	alive=
	for p in $case_pids; do
		kill -0 "$p" 2>/dev/null && alive="$alive $p"
	done
	[ -z "$alive" ] && break
	sleep 0.05
done
expect_eq "case processes alive after the kill" "$alive" ""

# the next run removes what the killed one left (scratch dir, cgroup)
"$DMAPTEST" run meta-pass --target dir --dir "$T" -o "$res" --progress none >/dev/null
expect_eq "stale scratch dirs" "$(find "$T" -maxdepth 1 -name 'dmaptest.*' | wc -l)" 0
expect_eq "stale cgroups" "$(find /sys/fs/cgroup -maxdepth 2 -name "dmaptest.$runner.*" 2>/dev/null | wc -l)" 0

# resume the killed run, as the VM launcher does after a guest died:
# the running case FAILs with the reason, the rest of the plan runs
"$DMAPTEST" run --resume "$run" --resume-reason "QEMU killed by SIGBUS" \
	--target dir --dir "$T" --progress none >"$T/tap2" 2>&1
expect_eq "resume: exit status" "$?" 1
expect_eq "resume: status" "$($JSON_GET "$run/run.json" status)" complete
expect_eq "resume: cases" "$($JSON_GET -n "$run/run.json" cases)" 3
expect_eq "resume: dead case" "$(result_get "$run" meta-hang verdict)" FAIL
expect_eq "resume: its reason" "$(result_get "$run" meta-hang reason)" "the guest died during this case: QEMU killed by SIGBUS"
expect_eq "resume: TAP plan" "$(grep -m1 '^1\.\.' "$T/tap2")" "1..3"
expect_eq "resume: TAP lines" "$(grep -c '^\(not \)\?ok ' "$T/tap2")" 3
expect_eq "resume: last line" "$(tail -n 1 "$T/tap2")" "1 passed, 2 failed, 0 skipped"
"$DMAPTEST" run --resume "$T/nowhere" --target dir >/dev/null 2>"$T/err"
expect_eq "resume of nothing: exit status" "$?" 2

finish
