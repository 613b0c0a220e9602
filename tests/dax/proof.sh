#!/bin/bash
# proof.sh - end-to-end checks of the reference DAX stack (issue 11) with
# Debian's 6.1 guest kernel under scripts/dmaptest-vm, independent of the
# suite: six guest boots (TCG: about 4 minutes), each running
# tests/dax/proof-guest.sh in place of dmaptest.
#
#   tests/dax/proof.sh [STACK-DIR [OUT-DIR]]
#
# STACK-DIR: a folder from scripts/build-dax-stack (default: build or
# reuse it). OUT-DIR: where the launcher's results and logs go (default: a
# temporary folder, kept and named at the end). Root, like the launcher.
# Prints "ok"/"not ok" lines and ends with "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
stack=${1:-}
if [ -z "$stack" ]; then
	stack=$("$top/scripts/build-dax-stack") || exit 1
fi
out=${2:-$(mktemp -d /tmp/dax-proof.XXXXXX)}
mkdir -p "$out"
qemu=$stack/bin/qemu-system-x86_64
vfsd=$stack/bin/virtiofsd
[ -x "$qemu" ] && [ -x "$vfsd" ] || { echo "proof.sh: no stack in $stack" >&2; exit 1; }

extra=$out/initrd-extra
mkdir -p "$extra/bin"
cp "$top/tests/dax/proof-guest.sh" "$extra/bin/dmaptest"
chmod +x "$extra/bin/dmaptest"

pass=0 fail=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
bad() { echo "not ok - $*"; fail=$((fail + 1)); }
check() { # check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}

# boot NAME CACHE-SIZE [--virtiofsd-opt OPT]... -- STEP...
boot() {
	local name=$1 cache=$2
	shift 2
	mkdir -p "$out/$name"
	"$top/scripts/dmaptest-vm" --qemu "$qemu" --virtiofsd "$vfsd" \
		--cache-size "$cache" --host-size 256M --virtiofsd-opt dax_log \
		--initrd-extra "$extra" --results "$out/$name" --timeout 900 \
		--boot-retries 1 "$@" >"$out/$name.out" 2>"$out/$name.err"
	echo "# $name: launcher exit $?, $(grep -c '^P: ' "$out/$name.out") guest lines"
}
# the mapping log of the last boot of NAME
vlog() { ls -t "$out/$1"/vm-*/virtiofsd.*.log 2>/dev/null | head -n 1; }
has() { grep -qF -- "$2" "$out/$1.out"; }
val() { sed -n "s/^P: $2//p" "$out/$1.out" | head -n 1; }

# 1. the window, the mount, the file attribute
boot basic 256M -- basic
check "guest log: Cache len: 0x10000000" has basic 'Cache len: 0x10000000 @'
check "/proc/mounts: dax=always" has basic 'dax=always'
check "statx: STATX_ATTR_DAX (0x200000)" has basic 'stat.attributes = 0x200000'

# 2. data both ways through DAX, and an upgrade
mkdir -p "$out/rw"
head -c 3145728 /dev/urandom >"$out/rw/dax-h2g.bin"
h2g=$(md5sum <"$out/rw/dax-h2g.bin" | cut -d' ' -f1)
boot rw 256M -- rw upgrade
pat=$(val rw 'pattern md5 ')
host=$(dd if="$out/rw/dax-g2h.bin" bs=1M skip=1 count=1 2>/dev/null | md5sum | cut -d' ' -f1)
check "guest->host: the host file holds what the guest wrote through DAX ($host)" \
	test -n "$pat" -a "$pat" = "$host"
check "host->guest: the guest reads the host's data ($h2g)" \
	has rw "guest read of dax-h2g.bin md5 $h2g"
log=$(vlog rw)
check "upgrade: a rw setup with upgrade=1 logged" \
	grep -q 'op=setup .* flags=rw upgrade=1 .* result=0$' "${log:-/dev/null}"
up_m=$(grep -m1 'flags=rw upgrade=1' "${log:-/dev/null}" | grep -o 'moffset=[0-9]*')
up_i=$(grep -m1 'flags=rw upgrade=1' "${log:-/dev/null}" | grep -o 'ino=[0-9]* dev=[0-9]*')
check "upgrade: same window offset and inode as a ro setup before it" \
	grep -q "op=setup $up_i .* $up_m .* flags=ro " "${log:-/dev/null}"
check "upgrade: the guest's kprobe agrees (writable=1 upgrade=1)" \
	has rw 'kprobe: setups=1 ro=0 rw=1 upgrades=1'

# 3. a sparse file 16 x the window: reclaim, read-only, nothing allocated
boot sparse 64M -- sparse
log=$(vlog sparse)
scratch_dev=$(grep 'op=setup' "${log:-/dev/null}" | grep -o 'dev=[0-9]*' | sort | uniq -c | sort -rn | head -n 1 | awk '{print $2}')
n_setup=$(grep 'op=setup' "${log:-/dev/null}" | grep -c " $scratch_dev ")
n_ro=$(grep 'op=setup' "${log:-/dev/null}" | grep " $scratch_dev " | grep -c ' flags=ro ')
n_rm=$(grep -c 'op=remove' "${log:-/dev/null}")
echo "# sparse: $n_setup setups ($n_ro ro), $n_rm removes for $scratch_dev"
check "sparse 1 GiB / 64 MiB window: od -x completed" has sparse 'od -x of 1 GiB sparse file: exit ok'
check "sparse: 512 setups, all read-only" test "$n_setup" -eq 512 -a "$n_ro" -eq 512
check "sparse: reclaim (removes logged)" test "$n_rm" -gt 0
check "sparse: st_blocks 0 after the read" has sparse 'st_blocks after read (fresh getattr): 0'

# 4. a full host: early ENOSPC with the reservation, SIGBUS without
boot enospc 256M --virtiofsd-opt dax_reserve -- enospc
log=$(vlog enospc)
check "dax_reserve: ENOSPC in the guest" has enospc 'No space left on device'
check "dax_reserve: logged reserve=1 result=-28" \
	grep -q 'flags=rw upgrade=0 reserve=1 result=-28$' "${log:-/dev/null}"
boot noreserve 256M --boot-retries 0 -- enospc-noreserve
check "no reservation: QEMU killed by SIGBUS" \
	grep -q 'killed by signal 7 (SIGBUS)' "$out/noreserve.err"

echo "# logs: $out"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
