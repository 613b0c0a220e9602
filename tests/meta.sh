#!/bin/bash
# meta.sh - run the meta group and check every verdict, reason, the TAP
# stream, run.json, junit.xml, hang diagnostics, and that nothing is left
# behind.
. "$(dirname "$0")/lib.sh"

command -v xmllint >/dev/null || skip "xmllint (libxml2-utils) is needed"

mounts_before=$(wc -l < /proc/self/mounts)
res=$T/results
"$DMAPTEST" run meta --target dir --dir "$T" -o "$res" --seed 4242 \
	--grace 1 --progress plain >"$T/tap" 2>"$T/stderr" &
runner=$!
wait $runner
status=$?
run=$res/latest
cat "$T/tap"

expect_eq "exit status" "$status" 1
expect_eq "TAP header" "$(head -n 1 "$T/tap")" "TAP version 13"
expect_eq "TAP plan" "$(grep -m1 '^1\.\.' "$T/tap")" "1..14"
expect_match "seed printed" "$(sed -n 2p "$T/tap")" "*seed 4242*"

root=yes
[ "$(id -u)" -eq 0 ] && [ -w /dev/kmsg ] || root=no

# case            verdict   reason pattern
expect_case() {
	expect_eq "$1 verdict" "$(result_get "$run" "$1" verdict)" "$2"
	expect_match "$1 reason" "$(result_get "$run" "$1" reason)" "$3"
}
expect_case meta-pass PASS "deliberate pass"
expect_eq "meta-pass metric" "$(result_get "$run" meta-pass metric.answer)" 42
expect_case meta-fail FAIL "deliberate failure at offset 4096 (and 1 more)"
expect_case meta-skip SKIP "needs command 'dmaptest-no-such-command' (not on PATH); needs kernel >= 99.1 (running *)"
expect_case meta-setup-error ERROR "deliberate setup error"
expect_match "setup-error cleanup ran" "$(cat "$run/meta-setup-error/log")" "*cleanup ran after the setup error*"
expect_case meta-segv ERROR "killed by SIGSEGV"
expect_case meta-expected-signal PASS "ended by SIGABRT as expected"
expect_case meta-hang HANG "timed out after 2 s in phase 'sleeping forever'"
expect_case meta-no-progress HANG "no progress for 2 s in phase 'stuck'"
expect_case meta-leftover ERROR "left 1 process(es) behind: * (dmaptest) [RS]"
expect_case meta-silent ERROR "case reported no result"
expect_case meta-unmeasured SKIP "not measured: the deliberately unmeasured claim: no observer here; measured: the deliberately held claim (measured 42, and 1 more)"
expect_eq "meta-unmeasured claim state" "$(result_get "$run" meta-unmeasured claim.unmeasured)" "UNMEASURED: the deliberately unmeasured claim"
expect_eq "meta-unmeasured optional claim" "$(result_get "$run" meta-unmeasured claim.figure)" "UNMEASURED (optional): an optional figure"
expect_match "meta-unmeasured TAP line" "$(grep 'meta-unmeasured' "$T/tap" | head -n 1)" "ok * - meta-unmeasured # SKIP not measured: the deliberately unmeasured claim: no observer here*"
expect_case meta-unreported ERROR "claim 'forgotten' (the claim the case forgets) was never reported on: a bug of the case"
expect_case meta-out-of-scope PASS "deliberate pass of the claims in scope; not measured on dir: the deliberately out-of-scope claim (needs DAX-mmap)"
expect_eq "meta-out-of-scope claim state" "$(result_get "$run" meta-out-of-scope claim.dax-mmap)" "UNMEASURED (out of scope, needs DAX-mmap): the deliberately out-of-scope claim"
expect_eq "meta-out-of-scope claim detail" "$(result_get "$run" meta-out-of-scope claim.dax-mmap.detail)" "not measured on dir: the target does not map files DAX on mmap"
expect_eq "meta-out-of-scope held claim" "$(result_get "$run" meta-out-of-scope claim.held)" "HELD: the deliberately held claim"
# a PASS that did not measure every claim carries its YAML block
expect_match "meta-out-of-scope TAP" "$(grep -A 20 '^ok [0-9]* - meta-out-of-scope$' "$T/tap")" \
	"*verdict: PASS*reason: 'deliberate pass of the claims in scope; not measured on dir: *id: dax-mmap*state: UNMEASURED*needs: DAX-mmap*out_of_scope: true*"
expect_eq "meta-pass claim" "$(result_get "$run" meta-pass claim.answer)" "HELD: the answer is 42"
if [ $root = yes ]; then
	expect_case meta-dmesg-warning FAIL "kernel log: WARNING: CPU: 0 PID: * at meta-dmesg-warning (deliberate, dmaptest-selftest-run=$(basename "$(readlink -f "$run")"))"
	expect_match "dmesg saved" "$(cat "$run/meta-dmesg-warning/dmesg")" "*WARNING: CPU: 0*"
	summary="3 passed, 9 failed, 2 skipped"
else
	expect_case meta-dmesg-warning SKIP "needs root*"
	summary="3 passed, 8 failed, 3 skipped"
fi
expect_eq "last line" "$(tail -n 1 "$T/tap")" "$summary"
expect_match "breakdown line" "$(tail -n 2 "$T/tap" | head -n 1)" "# PASS 3, FAIL *, ERROR 5, HANG 2, SKIP *; results in $res/*"

# hang diagnostics were saved before the kill
for c in meta-hang meta-no-progress; do
	h=$run/$c/hang.txt
	expect_match "$c hang.txt" "$(cat "$h" 2>/dev/null)" "*wchan:*stack:*"
done
expect_match "hang.txt names the wait" "$(cat "$run/meta-hang/hang.txt")" "*pause*"

# the process meta-leftover left behind is gone
left=$(result_get "$run" meta-leftover reason | sed -n 's/.*behind: \([0-9]*\) .*/\1/p')
if [ -n "$left" ] && kill -0 "$left" 2>/dev/null; then
	bad "leftover process $left still alive"
else
	ok "leftover process ${left:-?} was killed"
fi

# run.json
$JSON_GET "$run/run.json" && ok "run.json parses" || bad "run.json does not parse"
expect_eq "run.json status" "$($JSON_GET "$run/run.json" status)" complete
expect_eq "run.json ended" "$($JSON_GET "$run/run.json" ended)" true
expect_eq "run.json seed" "$($JSON_GET "$run/run.json" seed)" 4242
expect_eq "results folder printed absolute" "$(tail -n 2 "$T/tap" | head -n 1 | sed 's/.*; results in //')" "$(readlink -f "$run")"
expect_eq "run.json cases" "$($JSON_GET -n "$run/run.json" cases)" 14
expect_eq "run.json HANG count" "$($JSON_GET "$run/run.json" summary.HANG)" 2
expect_eq "run.json case 6" "$($JSON_GET "$run/run.json" cases.6.verdict)" HANG
expect_eq "run.json current" "$($JSON_GET "$run/run.json" current)" null
expect_eq "run.json claim state" "$($JSON_GET "$run/run.json" cases.11.claims.1.state)" UNMEASURED
expect_eq "run.json claim detail" "$($JSON_GET "$run/run.json" cases.11.claims.1.detail)" "no observer here"
expect_eq "run.json out-of-scope case" "$($JSON_GET "$run/run.json" cases.13.id)" meta-out-of-scope
expect_eq "run.json claim out of scope" "$($JSON_GET "$run/run.json" cases.13.claims.1.out_of_scope)" true
expect_eq "run.json claim needs" "$($JSON_GET "$run/run.json" cases.13.claims.1.needs.0)" DAX-mmap
expect_eq "run.json claim in scope" "$($JSON_GET "$run/run.json" cases.13.claims.0.out_of_scope)" false

# junit.xml and the tap file
xmllint --noout "$run/junit.xml" && ok "junit.xml is well-formed XML" || bad "junit.xml is not XML"
expect_match "junit counts" "$(sed -n 2p "$run/junit.xml")" '*tests="14"*'
expect_eq "tap file header as on stdout" "$(sed -n 1,3p "$run/tap")" "$(sed -n 1,3p "$T/tap")"
expect_eq "tap file plan" "$(sed -n 3p "$run/tap")" "1..14"
expect_match "junit names the claim out of scope" "$(cat "$run/junit.xml")" \
	'*<property name="claim.dax-mmap" value="UNMEASURED (out of scope, needs DAX-mmap): the deliberately out-of-scope claim -- not measured on dir: *'
expect_eq "tap file lines" "$(grep -c '^\(not \)\?ok ' "$run/tap")" 14

# nothing left: no tmp files, no mounts, no scratch dirs, no cgroups
expect_eq "temp files" "$(find "$res" -name '*.tmp.*' | wc -l)" 0
expect_eq "mount count" "$(wc -l < /proc/self/mounts)" "$mounts_before"
expect_eq "scratch dirs" "$(find "$T" -maxdepth 1 -name 'dmaptest.*' | wc -l)" 0
expect_eq "runner cgroup" "$(find /sys/fs/cgroup -maxdepth 2 -name "dmaptest.$runner.*" 2>/dev/null | wc -l)" 0

finish
