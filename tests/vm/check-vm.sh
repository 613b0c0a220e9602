#!/bin/bash
# check-vm.sh - the guest tests (make check-vm): the launcher's command
# line, a guest run on the virtio-fs share and against dmapfs in the
# guest, and the VMM dying in the middle of a case. Boots Debian's kernel
# under QEMU (TCG on a host whose KVM cannot run it).
#
# Each test exits 0 (pass), 1 (fail), 77 (skip: no QEMU, virtiofsd,
# busybox-static, cpio, root or kernel here) or 99 (hard error). This
# script runs them all and exits 0 when none failed, 77 when all were
# skipped, 1 otherwise. Environment: top_srcdir, top_builddir (set by
# make), DMAPTEST_CACHE (kernel and static build cache).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${top_builddir:-$(cd "$here/../.." && pwd)}
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
export top_builddir top_srcdir

tests=(cli guest compat fill-guard vmm-death)
[ $# -gt 0 ] && tests=("$@")
pass=0 fail=0 skip=0 failed=()
t_all=$SECONDS
for t in "${tests[@]}"; do
	echo "=== $t"
	t0=$SECONDS
	bash "$here/$t.sh"
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); r=PASS ;;
	77) skip=$((skip + 1)); r=SKIP ;;
	*) fail=$((fail + 1)); r="FAIL (exit $rc)"; failed+=("$t") ;;
	esac
	echo "=== $t: $r in $((SECONDS - t0)) s"
done
echo "check-vm: ${#tests[@]} tests in $((SECONDS - t_all)) s${failed[*]:+; failed: ${failed[*]}}"
echo "check-vm: $pass passed, $fail failed, $skip skipped"
[ $fail -gt 0 ] && exit 1
[ $pass -eq 0 ] && [ $skip -gt 0 ] && exit 77
exit 0
