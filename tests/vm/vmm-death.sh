#!/bin/bash
# vmm-death.sh - the VMM dies, or the guest stops answering, in the
# middle of a case:
#  1. kill -9 QEMU while meta-hang runs: meta-hang FAILs naming the signal
#     and the case's last logged step, with its real duration (from its
#     start to the death, not 0), the console log is kept, and the cases
#     after it run in a fresh guest (dmaptest run --resume) into the same
#     run folder;
#  2. SIGSTOP QEMU (a frozen guest) with --stall 10 --stop: the launcher
#     notices the missing heartbeat, kills QEMU, reports "guest stopped
#     responding" and stops there;
#  3. --timeout shorter than the run: QEMU is killed at the timeout, exit
#     3, console log and partial results kept;
#  4. SIGTERM to the launcher: the same, "interrupted by SIGTERM";
#  5. SIGKILL to the launcher: QEMU and virtiofsd die with it, no mount
#     or loop device stays; the next launcher removes its work folder;
#  6. a guest kernel panic before the share is mounted: reported as such;
#  7. the host image filled behind the guest, then SIGSEGV to QEMU: the
#     case FAILs naming SIGSEGV, the fresh guest's runner removes the dead
#     runner's scratch folder (another boot id) and the resumed run goes
#     on instead of bailing out with ENOSPC; then SIGTERM to QEMU (which
#     catches it and exits 0): a death naming SIGTERM.
# Nothing may be left behind after any of them.
. "$(dirname "$0")/lib.sh"
vm_skip_unless_possible


# --- 1. QEMU killed by SIGKILL during meta-hang (which sleeps until its
# timeout: 2 s x 10 = 20 s)
res=$T/results-kill
echo "# kill: run meta-pass meta-hang meta-dmesg-warning meta-silent -T 10; kill -9 QEMU during meta-hang"
t0=$SECONDS
vm_run "$T/kill.out" --results "$res" --timeout 400 -- run meta-pass meta-hang meta-dmesg-warning meta-silent -T 10
if vm_wait_current "$res" meta-hang 200; then
	ok "kill: meta-hang is running"
	sleep 2
	qpid=$(vm_qemu_pid)
	if [ -n "$qpid" ]; then
		kill -KILL "$qpid"
		ok "kill: QEMU ($qpid) killed"
	else
		bad "kill: no QEMU child of the launcher"
	fi
else
	bad "kill: meta-hang never ran"
fi
vm_wait 2>/dev/null
echo "# kill: launcher exit $VM_RC after $((SECONDS - t0)) s"
sed 's/^/# | /' "$T/kill.out.err"
run=$(readlink -f "$res/latest")
expect_eq "kill: exit status" "$VM_RC" 1
expect_eq "kill: run.json status" "$($JSON_GET "$run/run.json" status)" complete
expect_eq "kill: run.json ended" "$($JSON_GET "$run/run.json" ended)" true
expect_eq "kill: meta-pass (before)" "$(verdict_of "$run" meta-pass)" PASS
expect_eq "kill: meta-hang" "$(verdict_of "$run" meta-hang)" FAIL
expect_match "kill: meta-hang reason" "$(reason_of "$run" meta-hang)" \
	"the guest died during this case: QEMU was killed by signal 9 (SIGKILL) after * s in the case; the case's last logged step: \[+*s\] phase: sleeping forever"
# its duration: from the case's start to the death (2 s at least), not 0
dur=$(result_get "$run" meta-hang duration)
awk -v d="${dur:-0}" 'BEGIN { exit !(d >= 2 && d < 200) }' &&
	ok "kill: meta-hang lasted $dur s" || bad "kill: meta-hang duration is '$dur', expected 2 s or more"
expect_eq "kill: meta-dmesg-warning (after)" "$(verdict_of "$run" meta-dmesg-warning)" FAIL
expect_match "kill: meta-dmesg-warning reason" "$(reason_of "$run" meta-dmesg-warning)" "kernel log: WARNING*"
expect_eq "kill: meta-silent (after)" "$(verdict_of "$run" meta-silent)" ERROR
expect_eq "kill: cases" "$($JSON_GET -n "$run/run.json" cases)" 4
[ -s "$run/console.1.log" ] && ok "kill: console of the dead guest kept" || bad "kill: no console.1.log"
grep -q 'meta-hang' "$run/console.1.log" &&
	ok "kill: the dead guest's console shows meta-hang" || bad "kill: console.1.log lacks meta-hang"
# the rest ran in the fresh guest: its console has their TAP lines
grep -q '^not ok [0-9]* - meta-silent' <(tr -d '\r' <"$run/console.2.log" 2>/dev/null) &&
	ok "kill: meta-silent ran in the second guest" || bad "kill: console.2.log lacks meta-silent"
grep -q -E '^(not )?ok [0-9]* - meta-silent' <(tr -d '\r' <"$run/console.1.log") &&
	bad "kill: meta-silent ran in the first guest" || ok "kill: meta-silent not in the first guest"
grep -q -- '--resume /mnt/share/results/' "$run/console.2.log" &&
	ok "kill: the second guest resumed the run" || bad "kill: no --resume in console.2.log"
$JSON_GET "$run/vm.json" && ok "kill: vm.json parses" || bad "kill: vm.json does not parse"
expect_eq "kill: vm.json boots" "$($JSON_GET "$run/vm.json" nr_boots)" 2
expect_eq "kill: vm.json deaths" "$($JSON_GET "$run/vm.json" nr_deaths)" 1
expect_eq "kill: vm.json death case" "$($JSON_GET "$run/vm.json" deaths.0.case)" meta-hang
expect_match "kill: vm.json death reason" "$($JSON_GET "$run/vm.json" deaths.0.reason)" "QEMU was killed by signal 9*"
expect_eq "kill: vm.json death console" "$($JSON_GET "$run/vm.json" deaths.0.console)" console.1.log
expect_eq "kill: vm.json boot 2" "$($JSON_GET "$run/vm.json" boots.1.outcome)" finished
# stdout stays one TAP stream
expect_eq "kill: plan lines on stdout" "$(grep -c '^1\.\.[0-9]*$' "$T/kill.out")" 1
expect_eq "kill: result lines on stdout" "$(grep -c '^\(not \)\?ok ' "$T/kill.out")" 4
grep -q '^# dmaptest-vm: the guest died during meta-hang' "$T/kill.out" &&
	ok "kill: the death is a TAP comment" || bad "kill: no TAP comment about the death"
vm_nothing_left "kill"

# --- 2. a frozen guest: no heartbeat for --stall seconds, --stop
res=$T/results-stall
echo "# stall: run meta-hang meta-pass -T 100 --stall 10 --stop; SIGSTOP QEMU during meta-hang"
t0=$SECONDS
vm_run "$T/stall.out" --results "$res" --stall 10 --stop --timeout 300 -- run meta-hang meta-pass -T 100
qpid=
if vm_wait_current "$res" meta-hang 200; then
	qpid=$(vm_qemu_pid)
	[ -n "$qpid" ] && kill -STOP "$qpid" && ok "stall: QEMU ($qpid) stopped" || bad "stall: no QEMU to stop"
else
	bad "stall: meta-hang never ran"
fi
vm_wait 2>/dev/null
echo "# stall: launcher exit $VM_RC after $((SECONDS - t0)) s"
sed 's/^/# | /' "$T/stall.out.err"
run=$(readlink -f "$res/latest")
expect_eq "stall: exit status (--stop after a death in a case)" "$VM_RC" 1
expect_eq "stall: run.json status (the run did not end)" "$($JSON_GET "$run/run.json" status)" running
expect_eq "stall: run.json current" "$($JSON_GET "$run/run.json" current)" meta-hang
expect_eq "stall: vm.json boots" "$($JSON_GET "$run/vm.json" nr_boots)" 1
expect_eq "stall: vm.json deaths" "$($JSON_GET "$run/vm.json" nr_deaths)" 1
expect_match "stall: vm.json death reason" "$($JSON_GET "$run/vm.json" deaths.0.reason)" \
	"guest stopped responding (no heartbeat through the share for 10 s); QEMU killed after * s in the case; the case's last logged step: *sleeping forever"
expect_match "stall: vm.json last console lines" "$($JSON_GET "$run/vm.json" deaths.0.last_console)" "?*"
[ -s "$run/console.1.log" ] && ok "stall: console log kept" || bad "stall: no console.1.log"
[ -n "$qpid" ] && ! kill -0 "$qpid" 2>/dev/null && ok "stall: QEMU is gone" || bad "stall: QEMU still there"
vm_nothing_left "stall"

# --- 3. the hard timeout
res=$T/results-timeout
echo "# timeout: run meta-hang -T 100 --timeout 40"
t0=$SECONDS
vm_run "$T/timeout.out" --results "$res" --timeout 40 -- run meta-hang -T 100
vm_wait 2>/dev/null
took=$((SECONDS - t0))
echo "# timeout: launcher exit $VM_RC after $took s"
sed 's/^/# | /' "$T/timeout.out.err"
run=$(readlink -f "$res/latest")
expect_eq "timeout: exit status" "$VM_RC" 3
[ "$took" -lt 80 ] && ok "timeout: ended in $took s" || bad "timeout: took $took s"
grep -q 'timeout: the run took more than 40 s' "$T/timeout.out.err" &&
	ok "timeout: reported" || bad "timeout: not reported on stderr"
if [ -f "$run/vm.json" ] && [ "$($JSON_GET "$run/vm.json" guest_args.1)" = meta-hang ]; then
	expect_eq "timeout: vm.json outcome" "$($JSON_GET "$run/vm.json" boots.0.outcome)" timeout
	expect_eq "timeout: run.json (partial) status" "$($JSON_GET "$run/run.json" status)" running
	[ -s "$run/console.1.log" ] && ok "timeout: console log kept" || bad "timeout: no console.1.log"
else
	bad "timeout: no vm.json in the run folder $run"
fi
vm_nothing_left "timeout"

# --- 4. the launcher itself gets SIGTERM (as from make or CI): the guest
# is stopped, exit 3, the logs kept, nothing left
res=$T/results-term
echo "# term: run meta-hang -T 100; SIGTERM to the launcher during meta-hang"
t0=$SECONDS
vm_run "$T/term.out" --results "$res" --timeout 300 -- run meta-hang -T 100
if vm_wait_current "$res" meta-hang 200; then
	kill -TERM "$VM_PID"
	ok "term: SIGTERM sent"
else
	bad "term: meta-hang never ran"
fi
vm_wait 2>/dev/null
echo "# term: launcher exit $VM_RC after $((SECONDS - t0)) s"
sed 's/^/# | /' "$T/term.out.err"
run=$(readlink -f "$res/latest")
expect_eq "term: exit status" "$VM_RC" 3
expect_eq "term: vm.json outcome" "$($JSON_GET "$run/vm.json" boots.0.outcome)" interrupted
expect_eq "term: vm.json reason" "$($JSON_GET "$run/vm.json" boots.0.reason)" "interrupted by SIGTERM"
[ -s "$run/console.1.log" ] && ok "term: console log kept" || bad "term: no console.1.log"
vm_nothing_left "term"

# --- 5. the launcher itself killed by SIGKILL (nothing can be trapped):
# QEMU and virtiofsd die with it (PR_SET_PDEATHSIG), its mounts and loop
# device with its mount namespace; only its work folder stays, and the
# next launcher (scenario 6) removes it
res=$T/results-kill-launcher
echo "# kill-launcher: run meta-hang -T 100; SIGKILL to the launcher during meta-hang"
vm_run "$T/kl.out" --results "$res" --timeout 300 -- run meta-hang -T 100
if vm_wait_current "$res" meta-hang 200; then
	qpid=$(vm_qemu_pid)
	kill -KILL "$VM_PID"
	ok "kill-launcher: SIGKILL sent"
else
	bad "kill-launcher: meta-hang never ran"
fi
vm_wait 2>/dev/null
expect_eq "kill-launcher: exit status" "$VM_RC" 137
for ((i = 0; i < 50; i++)); do
	[ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null || break
	sleep 0.1
done
[ -n "$qpid" ] && ! kill -0 "$qpid" 2>/dev/null && ok "kill-launcher: QEMU died with it" ||
	bad "kill-launcher: QEMU $qpid survived"
left=
for p in /proc/[0-9]*; do
	tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF "$VM_TMP/" && left="$left ${p#/proc/}"
done
expect_eq "kill-launcher: processes left" "$left" ""
expect_eq "kill-launcher: mounts left" "$(grep -cF "$VM_TMP/" /proc/self/mountinfo)" 0
expect_eq "kill-launcher: loop devices left" "$(losetup -a 2>/dev/null | grep -cF "$VM_TMP/")" 0
expect_eq "kill-launcher: work folder left (for now)" "$(find "$VM_TMP" -mindepth 1 -maxdepth 1 | wc -l)" 1

# --- 6. a guest kernel that panics (its /init exits): reported as a panic
# with the console lines, QEMU gone, exit 3 (--boot-retries 0: no retry)
res=$T/results-panic
echo "# panic: --append rdinit=/bin/false --boot-retries 0"
t0=$SECONDS
vm_run "$T/panic.out" --results "$res" --append rdinit=/bin/false --boot-retries 0 -- run meta-pass
vm_wait 2>/dev/null
echo "# panic: launcher exit $VM_RC after $((SECONDS - t0)) s"
sed 's/^/# | /' "$T/panic.out.err"
expect_eq "panic: exit status" "$VM_RC" 3
grep -q 'boot 1 failed: the guest kernel panicked (Kernel panic - not syncing: Attempted to kill init' "$T/panic.out.err" &&
	ok "panic: reported" || bad "panic: not reported as a kernel panic"
d=$(find "$res" -maxdepth 1 -name 'vm-*' | head -n 1)
[ -n "$d" ] && [ -s "$d/console.1.log" ] && ok "panic: console log kept in ${d##*/}" ||
	bad "panic: no console log in $res/vm-*"
[ -n "$d" ] && expect_eq "panic: vm.json outcome" "$($JSON_GET "$d/vm.json" boots.0.outcome)" noboot
vm_nothing_left "panic"


# --- 7. the host filled behind the guest's back, then the VMM killed by
# SIGSEGV during meta-hang#1 (as on a store into a read-only window
# slot): meta-hang#1 FAILs naming the signal; the fresh guest's runner
# must see the dead runner's scratch folder (which holds the file that
# filled the host) as stale, by its boot id, and remove it, so that the
# resumed run does not bail out with ENOSPC. Then SIGTERM during
# meta-hang#2: QEMU catches it and exits 0, and that too is a death
# naming the signal.
res=$T/results-signals
echo "# signals: run meta-hang meta-pass -i 2 -T 10 --host-size 64M; fill the host and SIGSEGV QEMU in meta-hang#1, SIGTERM in meta-hang#2"
t0=$SECONDS
vm_run "$T/sig.out" --results "$res" --host-size 64M --timeout 600 -- run meta-hang meta-pass -i 2 -T 10
if vm_wait_current "$res" 'meta-hang#1' 200; then
	sleep 2
	# the runner's scratch folder on the image, through the launcher's
	# mount namespace; fill the image from there
	nsenter -t "$VM_PID" -m -- bash -c '
		d=$(ls -d "$1"/dmaptest-vm.*/share/scratch/dmaptest.*/ | head -n 1)
		[ -d "$d" ] || exit 1
		# delayed allocation gives back what it held after a sync: fill
		# again, then block by block
		for i in 1 2 3; do
			dd if=/dev/zero of="$d/host-filler.$i" bs=64k 2>/dev/null
			sync
		done
		for i in $(seq 64); do
			head -c 4096 /dev/zero >"$d/host-block.$i" 2>/dev/null || break
		done
		sync
		df -k --output=avail "$d" | tail -n 1' fill "$VM_TMP" >"$T/sig.fill" 2>&1
	avail=$(tr -d ' ' <"$T/sig.fill")
	expect_eq "signals: the host image is full (KiB free)" "$avail" 0
	qpid=$(vm_qemu_pid)
	[ -n "$qpid" ] && kill -SEGV "$qpid" && ok "signals: QEMU ($qpid) sent SIGSEGV" || bad "signals: no QEMU"
else
	bad "signals: meta-hang#1 never ran"
fi
if vm_wait_current "$res" 'meta-hang#2' 300; then
	sleep 2
	qpid=$(vm_qemu_pid)
	[ -n "$qpid" ] && kill -TERM "$qpid" && ok "signals: QEMU ($qpid) sent SIGTERM" || bad "signals: no QEMU"
else
	bad "signals: meta-hang#2 never ran (the resumed run after the fill did not get that far)"
fi
vm_wait 2>/dev/null
echo "# signals: launcher exit $VM_RC after $((SECONDS - t0)) s"
sed 's/^/# | /' "$T/sig.out.err"
run=$(readlink -f "$res/latest")
expect_eq "signals: exit status" "$VM_RC" 1
expect_eq "signals: run.json status" "$($JSON_GET "$run/run.json" status)" complete
expect_eq "signals: cases" "$($JSON_GET -n "$run/run.json" cases)" 4
expect_eq "signals: meta-hang#1" "$(verdict_of "$run" meta-hang.1)" FAIL
expect_match "signals: meta-hang#1 reason" "$(reason_of "$run" meta-hang.1)" \
	"the guest died during this case: QEMU was killed by signal 11 (SIGSEGV) after * s in the case; the case's last logged step: *sleeping forever"
dur=$(result_get "$run" meta-hang.1 duration)
awk -v d="${dur:-0}" 'BEGIN { exit !(d >= 2) }' &&
	ok "signals: meta-hang#1 lasted $dur s" || bad "signals: meta-hang#1 duration is '$dur'"
expect_eq "signals: meta-pass#1 (after the fill and the death)" "$(verdict_of "$run" meta-pass.1)" PASS
grep -q '^Bail out!' "$run/tap" && bad "signals: the resumed run bailed out: $(grep '^Bail out!' "$run/tap")" ||
	ok "signals: no bail-out"
grep -q 'dmaptest: removed: /mnt/share/scratch/dmaptest\.[0-9]*\.[^ ]* (its runner (pid [0-9]*) ran in another boot)' "$run/console.2.log" &&
	ok "signals: the second guest's runner removed the dead runner's scratch folder" ||
	bad "signals: console.2.log does not show the dead runner's scratch folder removed"
expect_eq "signals: meta-hang#2" "$(verdict_of "$run" meta-hang.2)" FAIL
expect_match "signals: meta-hang#2 reason" "$(reason_of "$run" meta-hang.2)" \
	"the guest died during this case: QEMU ended on signal 15 (SIGTERM) from pid * (*) after * s in the case; the case's last logged step: *sleeping forever"
expect_eq "signals: meta-pass#2" "$(verdict_of "$run" meta-pass.2)" PASS
expect_eq "signals: vm.json boots" "$($JSON_GET "$run/vm.json" nr_boots)" 3
expect_eq "signals: vm.json deaths" "$($JSON_GET "$run/vm.json" nr_deaths)" 2
expect_eq "signals: vm.json death 1 case" "$($JSON_GET "$run/vm.json" deaths.0.case)" 'meta-hang#1'
vm_nothing_left "signals"
finish
