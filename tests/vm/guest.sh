#!/bin/bash
# guest.sh - boot a guest under QEMU (TCG here) and run dmaptest inside:
# the quick group and three meta cases on the virtio-fs share, then meta
# cases and a DAX case against dmapfs inside the guest. Asserts the
# verdicts (on a share without a DAX window every DAX case SKIPs, saying
# so: nothing may pass there on checks it cannot make), that the results
# came back into the host's results folder, the console log and vm.json,
# and that the launcher left nothing behind.
. "$(dirname "$0")/lib.sh"
vm_skip_unless_possible

res=$T/results
meta=(meta-pass meta-fail meta-skip)

# --- the virtio-fs share. "quick" may still be empty: then the meta cases
quick=()
if "$DMAPTEST" list quick >"$T/quick.list" 2>/dev/null; then
	mapfile -t quick < <(sed -n 's/^\([a-z0-9][a-z0-9-]*\) .*/\1/p' "$T/quick.list")
fi
sel=("${meta[@]}")
[ ${#quick[@]} -gt 0 ] && sel=(quick "${meta[@]}")
echo "# share: run ${sel[*]}"
t0=$SECONDS
vm_run "$T/share.out" --results "$res" --timeout 600 -- run "${sel[@]}"
vm_wait
echo "# share: launcher exit $VM_RC after $((SECONDS - t0)) s"
sed 's/^/# | /' "$T/share.out.err"
expect_eq "share: exit status (meta-fail fails)" "$VM_RC" 1
run=$(readlink -f "$res/latest")
[ -n "$run" ] && [ -d "$run" ] && ok "share: run folder $run came back" ||
	bad "share: no run folder in $res"

$JSON_GET "$run/run.json" && ok "share: run.json parses" || bad "share: run.json does not parse"
expect_eq "share: run.json status" "$($JSON_GET "$run/run.json" status)" complete
expect_eq "share: run.json ended" "$($JSON_GET "$run/run.json" ended)" true
expect_eq "share: target" "$($JSON_GET "$run/run.json" target.name)" dir
expect_match "share: target root" "$($JSON_GET "$run/run.json" target.root)" "/mnt/share/scratch/*"
krel=$(sed -n "s/^release=//p" "$T/kernel.info")
expect_eq "share: guest kernel" "$($JSON_GET "$run/run.json" kernel.release)" "$krel"
expect_eq "share: meta-pass" "$(verdict_of "$run" meta-pass)" PASS
expect_eq "share: meta-fail" "$(verdict_of "$run" meta-fail)" FAIL
expect_eq "share: meta-skip" "$(verdict_of "$run" meta-skip)" SKIP
expect_match "share: meta-skip reason" "$(reason_of "$run" meta-skip)" "needs command*"
# the quick cases: each has a result; the share has no DAX window, so
# every case of the dax group SKIPs with that precise reason (quick has
# no other case): a PASS there would stand on nothing
n=$($JSON_GET -n "$run/run.json" cases)
planned=$($JSON_GET "$run/run.json" planned)
expect_eq "share: cases done = planned" "$n" "$planned"
for ((i = 0; i < n; i++)); do
	id=$($JSON_GET "$run/run.json" "cases.$i.id")
	v=$($JSON_GET "$run/run.json" "cases.$i.verdict")
	r=$($JSON_GET "$run/run.json" "cases.$i.reason")
	case $id in
	meta-*) continue ;;
	esac
	# (fio may be missing too: requirements are listed together)
	if [ "$v" = SKIP ] && [[ "$r" == *"no DAX: device has no DAX window"* ]]; then
		ok "share: $id SKIP ($r)"
	else
		bad "share: $id $v ($r), expected SKIP for 'no DAX: device has no DAX window'"
	fi
done
[ ${#quick[@]} -gt 0 ] && { [ "$n" -gt 3 ] && ok "share: quick ran ($((n - 3)) cases)" || bad "share: quick ran nothing"; }
expect_eq "share: tap lines in the run folder" "$(grep -c '^\(not \)\?ok ' "$run/tap")" "$planned"
expect_eq "share: tap lines on stdout" "$(grep -c '^\(not \)\?ok ' "$T/share.out")" "$planned"
expect_eq "share: plan lines on stdout" "$(grep -c '^1\.\.[0-9]*$' "$T/share.out")" 1
if command -v xmllint >/dev/null; then
	xmllint --noout "$run/junit.xml" && ok "share: junit.xml is XML" || bad "share: junit.xml broken"
fi
[ -s "$run/console.1.log" ] && ok "share: console log kept" || bad "share: no console.1.log"
grep -q 'dmaptest-vm: share dmaptest mounted at /mnt/share' "$run/console.1.log" &&
	ok "share: console shows the share mounted" || bad "share: console lacks the mount line"
$JSON_GET "$run/vm.json" && ok "share: vm.json parses" || bad "share: vm.json does not parse"
expect_eq "share: vm.json boots" "$($JSON_GET "$run/vm.json" nr_boots)" 1
expect_eq "share: vm.json deaths" "$($JSON_GET "$run/vm.json" nr_deaths)" 0
expect_eq "share: vm.json outcome" "$($JSON_GET "$run/vm.json" boots.0.outcome)" finished
expect_eq "share: vm.json exit" "$($JSON_GET "$run/vm.json" exit_status)" 1
expect_match "share: vm.json accel" "$($JSON_GET "$run/vm.json" qemu.accel)" "@(kvm|tcg)"
expect_eq "share: vm.json kernel" "$($JSON_GET "$run/vm.json" kernel.release)" "$krel"
# the share's checks on every boot: no DAX window with Debian's QEMU
# (the driver says so), --allow-fill allowed on the launcher's image
expect_eq "share: vm.json window" "$($JSON_GET "$run/vm.json" boots.0.window)" "none: No cache capability"
expect_match "share: vm.json fill" "$($JSON_GET "$run/vm.json" boots.0.fill)" "allowed: the share marker and the size (* bytes) are the host image's"
expect_eq "share: run.json allow_fill" "$(sed -n 's/^ *"allow_fill":\([a-z]*\).*/\1/p' "$run/run.json")" true
expect_eq "share: vm.json stack" "$($JSON_GET "$run/vm.json" stack.name)" system
expect_eq "share: run.json label stack" "$($JSON_GET "$run/run.json" labels.stack)" system
tok=$($JSON_GET "$run/run.json" labels.share_token)
[[ $tok =~ ^[0-9a-f]{32}$ ]] && ok "share: run.json label share_token $tok" || bad "share: run.json label share_token is '$tok'"
expect_match "share: vm.json virtiofsd version" "$($JSON_GET "$run/vm.json" virtiofsd.version)" "virtiofsd version *"
expect_eq "share: vm.json mapping log (Debian's virtiofsd has none)" "$($JSON_GET "$run/vm.json" virtiofsd.mapping_log)" false
echo "# share: boot took $($JSON_GET "$run/vm.json" boots.0.boot_s) s, guest ran $($JSON_GET "$run/vm.json" boots.0.duration_s) s, total $($JSON_GET "$run/vm.json" times_s.total) s"
vm_nothing_left "share"

# --- dmapfs inside the guest (FUSE in the guest kernel): two meta cases
# and a DAX case its counters measure (--quick: small sizes)
dsel=(meta-pass meta-fail)
[ ${#quick[@]} -gt 0 ] && dsel+=(mixed-rw-2m)
echo "# dmapfs: run ${dsel[*]}"
t0=$SECONDS
vm_run "$T/dmapfs.out" --results "$res" --guest-target dmapfs --timeout 300 -- run "${dsel[@]}" --quick
vm_wait
echo "# dmapfs: launcher exit $VM_RC after $((SECONDS - t0)) s"
sed 's/^/# | /' "$T/dmapfs.out.err"
expect_eq "dmapfs: exit status" "$VM_RC" 1
run2=$(readlink -f "$res/latest")
[ "$run2" != "$run" ] && ok "dmapfs: a new run folder" || bad "dmapfs: no new run folder"
expect_eq "dmapfs: target" "$($JSON_GET "$run2/run.json" target.name)" dmapfs
expect_eq "dmapfs: host file system in the guest" "$($JSON_GET "$run2/run.json" target.host_fs)" "ext4 on loop"
expect_eq "dmapfs: meta-pass" "$(verdict_of "$run2" meta-pass)" PASS
expect_eq "dmapfs: meta-fail" "$(verdict_of "$run2" meta-fail)" FAIL
n=$($JSON_GET -n "$run2/run.json" cases)
for ((i = 0; i < n; i++)); do
	id=$($JSON_GET "$run2/run.json" "cases.$i.id")
	v=$($JSON_GET "$run2/run.json" "cases.$i.verdict")
	case $id:$v in
	meta-*) ;;
	*:PASS) ok "dmapfs: $id $v" ;;
	*) bad "dmapfs: $id $v: $($JSON_GET "$run2/run.json" "cases.$i.reason")" ;;
	esac
done
expect_eq "dmapfs: run.json status" "$($JSON_GET "$run2/run.json" status)" complete
expect_eq "dmapfs: vm.json target" "$($JSON_GET "$run2/vm.json" guest_target)" dmapfs
[ -s "$run2/console.1.log" ] && ok "dmapfs: console log kept" || bad "dmapfs: no console.1.log"
vm_nothing_left "dmapfs"

finish
