#!/bin/bash
# compat.sh - the launcher with QEMUs and virtiofsds other than Debian's:
#  1. an old QEMU (4.2 refuses "-machine memory-backend=", which came in
#     5.0): the guest memory goes to the NUMA node (-numa node,memdev=),
#     so the guest boots and runs; and a virtiofsd whose --version prints
#     its FUSE interface line first: vm.json records its real version;
#     and an exclude file of the host given to dmaptest (--exclude), which
#     the launcher copies into the guest;
#  2. a QEMU that refuses the launcher's command line whatever the
#     accelerator: one line naming QEMU's own message, exit 3, no boot
#     retried (--boot-retries 3), the KVM probe does not record it as a
#     KVM matter, vm.json in RESULTS/vm-DATE says what happened.
# Both are wrappers around the real programs, in $T.
. "$(dirname "$0")/lib.sh"
vm_skip_unless_possible

real_qemu=$(command -v qemu-system-x86_64)
bin=$T/bin
mkdir -p "$bin"

# QEMU 4.2 as far as the launcher can tell: its version, and its
# "Property '.memory-backend' not found" for -machine memory-backend=
cat >"$bin/qemu-4.2" <<EOF
#!/bin/bash
echo "\$*" >>"$T/qemu-4.2.calls"
case " \$* " in
*" --version "*) echo "QEMU emulator version 4.2.1 (Debian 1:4.2-3ubuntu6)"; echo "Copyright (c) 2003-2019 Fabrice Bellard and the QEMU Project developers"; exit 0 ;;
*memory-backend=*) echo "qemu-system-x86_64: Property '.memory-backend' not found" >&2; exit 1 ;;
esac
exec "$real_qemu" "\$@"
EOF
# a virtiofsd that names its FUSE interface before itself
cat >"$bin/virtiofsd-old" <<EOF
#!/bin/bash
if [ "\${1:-}" = --version ]; then
	echo "using FUSE kernel interface version 7.31"
	echo "virtiofsd version 4.2.1 (Debian 1:4.2-3ubuntu6)"
	exit 0
fi
exec /usr/lib/qemu/virtiofsd "\$@"
EOF
# a QEMU that refuses any command line that would run a guest
cat >"$bin/qemu-refuses" <<EOF
#!/bin/bash
echo "\$*" >>"$T/qemu-refuses.calls"
case " \$* " in
*" --version "*) echo "QEMU emulator version 9.9.9 (refuses)"; exit 0 ;;
esac
echo "qemu-system-x86_64: -machine q35: unsupported machine type 'q35' (test)" >&2
exit 1
EOF
chmod +x "$bin"/*

# --- 1. an old QEMU and virtiofsd
# an exclude file of the host, carried into the guest
printf 'meta-fail  # not for an old QEMU (compat.sh)\n' >"$T/old.exclude"
res=$T/results-old
echo "# old: --qemu qemu-4.2 --virtiofsd virtiofsd-old -- run meta-pass"
t0=$SECONDS
vm_run "$T/old.out" --results "$res" --qemu "$bin/qemu-4.2" --virtiofsd "$bin/virtiofsd-old" \
	--timeout 300 -- run meta-pass meta-fail --exclude "$T/old.exclude"
vm_wait
echo "# old: launcher exit $VM_RC after $((SECONDS - t0)) s"
sed 's/^/# | /' "$T/old.out.err"
run=$(readlink -f "$res/latest")
expect_eq "old: exit status" "$VM_RC" 0
expect_eq "old: meta-pass" "$(verdict_of "$run" meta-pass)" PASS
expect_eq "old: meta-fail (excluded)" "$(verdict_of "$run" meta-fail)" SKIP
expect_match "old: meta-fail reason" "$(reason_of "$run" meta-fail)" "excluded by /etc/dmaptest/1.old.exclude: not for an old QEMU (compat.sh)"
grep -q -- '-numa node,memdev=mem' "$T/qemu-4.2.calls" &&
	ok "old: guest memory given with -numa node,memdev=" || bad "old: no -numa node,memdev= on QEMU's command line"
grep -q 'memory-backend=' "$T/qemu-4.2.calls" &&
	bad "old: the launcher still asks for -machine memory-backend=" || ok "old: no -machine memory-backend="
expect_eq "old: vm.json QEMU version" "$($JSON_GET "$run/vm.json" qemu.version)" \
	"QEMU emulator version 4.2.1 (Debian 1:4.2-3ubuntu6)"
expect_eq "old: vm.json virtiofsd version" "$($JSON_GET "$run/vm.json" virtiofsd.version)" \
	"virtiofsd version 4.2.1 (Debian 1:4.2-3ubuntu6)"
expect_eq "old: vm.json stack" "$($JSON_GET "$run/vm.json" stack.name)" custom
vm_nothing_left "old"

# --- 2. a QEMU that cannot run the command line: no retry
res=$T/results-refuses
echo "# refuses: --qemu qemu-refuses --boot-retries 3 -- run meta-pass"
t0=$SECONDS
vm_run "$T/ref.out" --results "$res" --qemu "$bin/qemu-refuses" --boot-retries 3 \
	--timeout 300 -- run meta-pass meta-fail --exclude "$T/old.exclude"
vm_wait
took=$((SECONDS - t0))
echo "# refuses: launcher exit $VM_RC after $took s"
sed 's/^/# | /' "$T/ref.out.err"
expect_eq "refuses: exit status" "$VM_RC" 3
grep -q "unsupported machine type 'q35' (test)" "$T/ref.out.err" &&
	ok "refuses: QEMU's own message is reported" || bad "refuses: QEMU's message is not on stderr"
boots=$(grep -c -- '-chardev socket,id=vfs' "$T/qemu-refuses.calls" 2>/dev/null)
[ "${boots:-0}" -le 1 ] && ok "refuses: $boots guest boot(s) tried, none retried" ||
	bad "refuses: $boots guest boots tried (retried a command line QEMU refuses)"
grep -q 'booting again' "$T/ref.out.err" && bad "refuses: the launcher booted again" ||
	ok "refuses: no 'booting again'"
d=$(find "$res" -maxdepth 1 -name 'vm-*' | head -n 1)
if [ -n "$d" ] && $JSON_GET "$d/vm.json" >/dev/null; then
	ok "refuses: vm.json in ${d##*/}"
	probe=$($JSON_GET "$d/vm.json" qemu.kvm_probe)
	# with /dev/kvm the probe finds out; without, the one boot does
	[[ $probe != "KVM cannot run this kernel here"* ]] &&
		ok "refuses: the KVM probe does not blame KVM ($probe)" ||
		bad "refuses: the KVM probe blames KVM for QEMU's refusal: $probe"
else
	bad "refuses: no vm.json in $res/vm-*"
fi
vm_nothing_left "refuses"

finish
