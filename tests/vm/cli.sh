#!/bin/bash
# cli.sh - the launcher's command line: every bad option or value is one
# line on stderr and exit status 2 before anything starts; --help
# documents every option. Boots nothing.
. "$(dirname "$0")/lib.sh"

# bad ARG...: one line, exit 2
bad_cli() {
	local out rc
	out=$(TMPDIR=$VM_TMP "$VM" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ $rc -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [[ $out == dmaptest-vm:* ]]; then
		ok "'$*': $out"
	else
		bad "'$*': exit $rc, stderr: $out"
	fi
}
bad_cli --no-such-option
bad_cli --kernel
bad_cli --cpus 0
bad_cli --cpus=two
bad_cli --memory 2X
bad_cli --host-size 1M
bad_cli --cache-size lots
bad_cli --timeout -5
bad_cli --stall 0
bad_cli --accel hvf
bad_cli --guest-target nfs
bad_cli --mount-opts 'dax, ro'
bad_cli --initrd-extra "$T/no-such-dir"
bad_cli --stop=yes
bad_cli -- run quick -o /tmp/x
bad_cli -- run quick --results-dir=/tmp/x
bad_cli -- run quick --resume /tmp/x
bad_cli -- run quick --target dmapfs
bad_cli -- run quick --mount /mnt
bad_cli stray-argument
bad_cli --modules /lib/modules
bad_cli --stack cloud
bad_cli --host-reserve maybe
bad_cli --stack dax --qemu /usr/bin/qemu-system-x86_64
bad_cli --stack dax --virtiofsd /usr/lib/qemu/virtiofsd
bad_cli --stack dax --cache-size 96M
bad_cli --stack dax --cache-size 1M
bad_cli --stack dax --host-reserve off --virtiofsd-opt dax_reserve
bad_cli --cache-size 256M
bad_cli --qemu /usr/bin/qemu-system-x86_64 --cache-size 3M
bad_cli -- run quick --host-log /tmp/x
bad_cli -- run quick -x "$T/no-such-exclude-file"
bad_cli -- run quick --exclude
# Debian's virtiofsd cannot reserve: --host-reserve needs one that can
if [ -x /usr/lib/qemu/virtiofsd ] && ! /usr/lib/qemu/virtiofsd --help 2>&1 | grep -q dax_reserve; then
	bad_cli --host-reserve on
fi

help=$("$VM" --help)
expect_eq "--help exit status" "$?" 0
for o in --kernel --modules --module --tool --initrd-extra --append --memory --cpus \
	--guest-target --dmaptest --dmapfs --qemu --accel --virtiofsd --virtiofsd-opt \
	--cache-size --mount-opts --host-size --results --timeout --stall --boot-timeout --boot-retries \
	--stack --host-reserve \
	--keep-going --stop --max-boots --verbose --help; do
	grep -q -- "$o" <<<"$help" && ok "--help documents $o" || bad "--help lacks $o"
done
grep -q 'Exit status' <<<"$help" && ok "--help documents the exit status" || bad "--help lacks the exit status"

# nothing was started, nothing left
expect_eq "work folders" "$(find "$VM_TMP" -mindepth 1 | wc -l)" 0

# work folders a killed launcher left: only this user's whose launcher
# is provably gone go (the launcher stops at the missing --kernel, after
# looking); another user's, a held lock, a link stay
if [ "$(id -u)" -eq 0 ] && command -v qemu-system-x86_64 >/dev/null &&
	[ -x /usr/lib/qemu/virtiofsd ] && command -v busybox >/dev/null &&
	command -v cpio >/dev/null; then
	mkdir -p "$VM_TMP/dmaptest-vm.dead" "$VM_TMP/dmaptest-vm.nobody/x" \
		"$VM_TMP/dmaptest-vm.locked" "$T/elsewhere"
	for d in dead nobody locked; do
		echo "999999 1" >"$VM_TMP/dmaptest-vm.$d/owner"
	done
	echo "notes" >"$VM_TMP/dmaptest-vm.nobody/x/notes"
	chown -R nobody "$VM_TMP/dmaptest-vm.nobody"
	echo "999999 1" >"$T/elsewhere/owner"
	ln -s "$T/elsewhere" "$VM_TMP/dmaptest-vm.link"
	flock "$VM_TMP/dmaptest-vm.locked/owner" sleep 30 &
	locker=$!
	on_exit "kill $locker 2>/dev/null"
	sleep 0.2
	TMPDIR=$VM_TMP "$VM" --kernel "$T/no-such-kernel" >/dev/null 2>&1
	expect_eq "reaper: a dead launcher's folder" "$(ls -d "$VM_TMP/dmaptest-vm.dead" 2>/dev/null)" ""
	expect_eq "reaper: nobody's folder" "$(cat "$VM_TMP/dmaptest-vm.nobody/x/notes" 2>&1)" notes
	[ -d "$VM_TMP/dmaptest-vm.locked" ] && ok "reaper: a locked folder stays" || bad "reaper: a locked folder was removed"
	[ -f "$T/elsewhere/owner" ] && [ -L "$VM_TMP/dmaptest-vm.link" ] && ok "reaper: a link stays, its target too" ||
		bad "reaper: the link or its target went"
	kill "$locker" 2>/dev/null
	rm -rf "$VM_TMP"/dmaptest-vm.* 
fi

finish
