#!/bin/bash
# fill-guard.sh - --allow-fill only on the size-limited host image. A
# virtiofsd that does not serve the submount shows the guest the folder
# under the image's mount point, on the host's root file system; a fill
# would fill that. Two such daemons, wrappers around Debian's virtiofsd
# in a mount namespace of their own:
#  1. the image is not there (unmounted in the daemon's namespace): the
#     launcher's share marker is missing;
#  2. another, smaller file system (a 64 MiB tmpfs) holding a copy of the
#     marker: the guest's statvfs size is not the image's.
# Either way the guest's /init must refuse --allow-fill and say so on the
# console, the launcher must say so on stderr and record it in vm.json,
# and dmaptest must run without it (run.json allow_fill false). The
# normal case ("allowed") is checked by guest.sh.
. "$(dirname "$0")/lib.sh"
vm_skip_unless_possible
command -v unshare >/dev/null || skip "no unshare"

bin=$T/bin
mkdir -p "$bin"
# wrapper MODE: "hide" unmounts the image, "other" mounts a tmpfs with
# the marker over it; then the real virtiofsd
cat >"$bin/virtiofsd-guard" <<'EOF'
#!/bin/bash
[ "${1:-}" = --version ] || [ "${1:-}" = --help ] && exec /usr/lib/qemu/virtiofsd "$@"
src=
for a in "$@"; do
	case $a in source=*) src=${a#source=} ;; esac
done
mode=$(cat "$(dirname "$0")/mode")
exec unshare --mount --propagation private -- /bin/bash -c '
src=$1 mode=$2
shift 2
if [ "$mode" = other ]; then
	cp "$src/scratch/.dmaptest-share" /tmp/.guard-marker.$$ || exit 1
fi
umount -l "$src/scratch" || exit 1
if [ "$mode" = other ]; then
	mount -t tmpfs -o size=64M tmpfs "$src/scratch" || exit 1
	mv /tmp/.guard-marker.$$ "$src/scratch/.dmaptest-share" || exit 1
fi
exec /usr/lib/qemu/virtiofsd "$@"' virtiofsd-guard "$src" "$mode" "$@"
EOF
chmod +x "$bin/virtiofsd-guard"

check_refused() {	# NAME MODE REASON-GLOB
	local name=$1 mode=$2 want=$3 res=$T/results-$1 run fill
	echo "$mode" >"$bin/mode"
	echo "# $name: --virtiofsd virtiofsd-guard ($mode) -- run meta-pass"
	vm_run "$T/$name.out" --results "$res" --virtiofsd "$bin/virtiofsd-guard" \
		--timeout 300 -- run meta-pass
	vm_wait
	echo "# $name: launcher exit $VM_RC"
	sed 's/^/# | /' "$T/$name.out.err"
	run=$(readlink -f "$res/latest")
	expect_eq "$name: exit status" "$VM_RC" 0
	expect_eq "$name: meta-pass" "$(verdict_of "$run" meta-pass)" PASS
	fill=$($JSON_GET "$run/vm.json" boots.0.fill)
	expect_match "$name: vm.json fill" "$fill" "refused: $want"
	grep -qF "WARNING: --allow-fill REFUSED: ${want%%\**}" "$run/console.1.log" &&
		ok "$name: the guest says so on the console" || bad "$name: no refusal on the console"
	grep -q "WARNING: the guest refused --allow-fill" "$T/$name.out.err" &&
		ok "$name: the launcher says so" || bad "$name: the launcher does not say so"
	grep 'dmaptest-vm: running:' "$run/console.1.log" | grep -q -- '--allow-fill' &&
		bad "$name: dmaptest ran with --allow-fill" || ok "$name: dmaptest ran without --allow-fill"
	expect_eq "$name: run.json allow_fill" "$(sed -n 's/^ *"allow_fill":\([a-z]*\).*/\1/p' "$run/run.json")" false
	vm_nothing_left "$name"
}

check_refused hidden hide "no share marker at /mnt/share/scratch/.dmaptest-share*"
check_refused other other "statvfs of /mnt/share/scratch says * bytes, the host's image *: not the image"

finish
