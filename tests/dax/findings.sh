#!/bin/bash
# findings.sh - reproduce the two known issues of the reference DAX stack's
# stock 6.1 guest client on demand (known-issues/README.md), independent of
# the suite: each step boots Debian's 6.1 guest under scripts/dmaptest-vm
# and runs a reproducer of tests/dax/ in place of dmaptest
# (tests/dax/findings-guest.sh, --initrd-extra).
#
#   tests/dax/findings.sh [OPTION]... [STEP]...
#
# Steps (default: ebusy ebusy-stores ro-store):
#   ebusy          dax-reclaim-ebusy, trigger "open": reclaim-ebusy's opener
#                  thread; expected: a read fails with EBUSY, every run
#   ebusy-stores   dax-reclaim-ebusy, trigger "writeback": mappers that store
#                  and msync/sync_file_range, no opener; expected: EBUSY
#   ebusy-noopen   control: neither trigger; expected: no error
#   ro-store       dax-write-through-ro-mapping: ro-store; expected: QEMU is
#                  killed by SIGSEGV (a guest store into a slot mapped r--s)
#   ro-store-nomap control: ro-store without the read-faulting mappers;
#                  expected: the guest survives
#
# Options:
#   --stack DIR        a folder from scripts/build-dax-stack (default: build
#                      or reuse it)
#   --out DIR          where logs go (default: a new temporary folder)
#   --repeat N         runs per step (default 3): ebusy steps run N times in
#                      one guest, ro-store steps boot N guests
#   --secs N           time limit of each reproducer run (default 60)
#   --cache-size SIZE  DAX window (default 64M)
#   --reserve on|off   virtiofsd -o dax_reserve (default on)
#   --no-core          no QEMU core dumps (by default each QEMU runs with
#                      core dumps of its own anonymous memory into OUT, and
#                      gdb, when installed, names the faulting address)
#
# Prints "ok"/"not ok" per expectation and "N passed, N failed"; exit 0
# when every step behaved as the findings say. Root, like the launcher.
# Leaves no QEMU, virtiofsd, mount or loop device behind (the launcher's
# own cleanup); core files are deleted once read.
set -uo pipefail

top=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
stack= out= repeat=3 secs=60 cache=64M reserve=on core=1
steps=()
usage() {
	sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
	exit "${1:-2}"
}
while [ $# -gt 0 ]; do
	case $1 in
	--stack) stack=$2; shift ;;
	--out) out=$2; shift ;;
	--repeat) repeat=$2; shift ;;
	--secs) secs=$2; shift ;;
	--cache-size) cache=$2; shift ;;
	--reserve) reserve=$2; shift ;;
	--no-core) core= ;;
	-h|--help) usage 0 ;;
	ebusy|ebusy-stores|ebusy-noopen|ro-store|ro-store-nomap) steps+=("$1") ;;
	*) echo "findings.sh: unknown argument '$1'" >&2; usage ;;
	esac
	shift
done
[ ${#steps[@]} -gt 0 ] || steps=(ebusy ebusy-stores ro-store)
case $repeat in ''|*[!0-9]*|0) echo "findings.sh: --repeat N, N >= 1" >&2; exit 2 ;; esac
case $reserve in on|off) ;; *) echo "findings.sh: --reserve on|off" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "findings.sh: needs root (like scripts/dmaptest-vm)" >&2; exit 2; }
if [ -z "$stack" ]; then
	stack=$("$top/scripts/build-dax-stack") || exit 1
fi
qemu=$stack/bin/qemu-system-x86_64
vfsd=$stack/bin/virtiofsd
[ -x "$qemu" ] && [ -x "$vfsd" ] || { echo "findings.sh: no stack in $stack" >&2; exit 1; }
out=${out:-$(mktemp -d /tmp/dax-findings.XXXXXX)}
mkdir -p "$out" || exit 1
out=$(cd "$out" && pwd)

# the guest's programs: static, so that the initramfs needs no libraries
extra=$out/initrd-extra
mkdir -p "$extra/bin"
for p in reclaim-ebusy ro-store; do
	${CC:-cc} -O2 -Wall -static -pthread -I "$top/tests/dax" \
		-o "$extra/bin/$p" "$top/tests/dax/$p.c" || { echo "findings.sh: cannot build $p" >&2; exit 1; }
done
cp "$top/tests/dax/findings-guest.sh" "$extra/bin/dmaptest"
chmod +x "$extra/bin/dmaptest"

# QEMU with core dumps (its anonymous private memory only: not the guest
# RAM, a memfd) into the run's folder; the machine's core_pattern is read,
# never changed
qemu_run=$qemu
if [ -n "$core" ]; then
	case $(cat /proc/sys/kernel/core_pattern 2>/dev/null) in
	'|'*|'')
		echo "# core dumps not collected: kernel.core_pattern is a pipe"
		core= ;;
	*)
		qemu_run=$out/qemu-with-core
		cat >"$qemu_run" <<-EOF
		#!/bin/bash
		ulimit -c unlimited
		echo 0x1 >/proc/self/coredump_filter
		cd "\${FINDINGS_CORE_DIR:-$out}" || exit 1
		exec "$qemu" "\$@"
		EOF
		chmod +x "$qemu_run" ;;
	esac
fi

pass=0 fail=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
bad() { echo "not ok - $*"; fail=$((fail + 1)); }

# boot NAME GUEST-ARG...: one guest; its logs in $out/NAME*
boot() {
	local name=$1 opts=()
	shift
	mkdir -p "$out/$name"
	[ "$reserve" = on ] && opts+=(--virtiofsd-opt dax_reserve)
	# tp_printk: the guest's trace events also reach the console, so the
	# one that precedes a VMM death is not lost with the guest
	case $1 in ro-store*) opts+=(--append tp_printk) ;; esac
	FINDINGS_CORE_DIR=$out/$name \
		"$top/scripts/dmaptest-vm" --qemu "$qemu_run" --virtiofsd "$vfsd" \
		--cache-size "$cache" --host-size 256M --virtiofsd-opt dax_log \
		"${opts[@]}" --initrd-extra "$extra" --results "$out/$name" \
		--timeout $((secs * repeat + 900)) --boot-retries 1 \
		-- "$@" "secs=$secs" "tag=$name" \
		>"$out/$name.out" 2>"$out/$name.err"
	echo "# $name: launcher exit $?"
}

# core_report CORE: what gdb says about a QEMU core; then the core goes
core_report() {
	local c=$1 sig code addr frame map lo hi rest
	[ -f "$c" ] || return 0
	if command -v gdb >/dev/null; then
		timeout 300 gdb -q -batch -ex 'p $_siginfo.si_signo' \
			-ex 'p $_siginfo.si_code' \
			-ex 'p $_siginfo._sifields._sigfault.si_addr' \
			-ex 'bt 1' -ex 'info proc mappings' "$qemu" "$c" \
			>"$c.gdb" 2>/dev/null
		sig=$(sed -n 's/^\$1 = //p' "$c.gdb")
		code=$(sed -n 's/^\$2 = //p' "$c.gdb")
		addr=$(sed -n 's/^\$3 = .* \(0x[0-9a-f]*\)$/\1/p' "$c.gdb")
		frame=$(grep -m 1 '^#0 ' "$c.gdb")
		echo "# core: signal $sig, si_code $code (2: SEGV_ACCERR, the page is mapped but forbids the access), address $addr"
		[ -n "$frame" ] && echo "# core: $frame"
		if [ -n "$addr" ]; then
			while read -r lo hi rest; do
				case $lo in 0x*) ;; *) continue ;; esac
				if (( lo <= addr && addr < hi )); then
					map="$lo $hi $rest"
				fi
			done <"$c.gdb"
			[ -n "$map" ] && echo "# core: in the host mapping (start end size file-offset file): $map"
		fi
		rm -f "$c.gdb"
	fi
	rm -f "$c"
}

summary() { # summary TIMES: "min-max s"
	tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n |
		awk 'NR == 1 { lo = $1 } { hi = $1; n++ } END { if (n) printf "%s-%s s", lo, hi }'
}

for s in "${steps[@]}"; do
	case $s in
	ebusy|ebusy-stores|ebusy-noopen)
		boot "$s" "$s" "reps=$repeat"
		log=$out/$s.out
		hits=$(grep -c '^result: EBUSY' "$log")
		clean=$(grep -c '^result: no error' "$log")
		other=$(grep '^result: error' "$log" | head -n 1)
		times=$(sed -n 's/^result: EBUSY after \([0-9.]*\) s.*/\1/p' "$log" | tr '\n' ' ')
		echo "# $s: $hits of $repeat runs got EBUSY${times:+ (after $(summary "$times"))}, $clean ran clean${other:+; $other}"
		grep -m 3 -E "^P: (dmesg: [0-9]|trace: [0-9])" "$log" | sed "s/^P: /# $s: /"
		if [ "$s" = ebusy-noopen ]; then
			[ "$clean" -eq "$repeat" ] && ok "$s: no EBUSY without a trigger ($clean/$repeat runs)" ||
				bad "$s: $hits/$repeat runs got EBUSY without a trigger${other:+ ($other)}"
		else
			[ "$hits" -eq "$repeat" ] && ok "$s: EBUSY in every run ($hits/$repeat, after $(summary "$times"))" ||
				bad "$s: EBUSY in $hits of $repeat runs${other:+ ($other)}"
		fi
		;;
	ro-store|ro-store-nomap)
		died=0 survived=0 times=
		for ((i = 1; i <= repeat; i++)); do
			n=$s.$i
			boot "$n" "$s"
			if grep -q 'killed by signal 11 (SIGSEGV)' "$out/$n.err"; then
				died=$((died + 1))
				# seconds of ro-store before the death: its last progress line
				t=$(grep -o 'progress: [0-9]* s' "$out/$n/"*/console.*.log 2>/dev/null |
					tail -n 1 | grep -o '[0-9]* s' | cut -d' ' -f1)
				times="$times ${t:-0}"
				fill=$(grep -h -o 'ro_fill: .*' "$out/$n/"*/console.*.log 2>/dev/null | tail -n 1)
				echo "# $n: QEMU killed by SIGSEGV after ${t:-<1} s of ro-store"
				if [ -n "$fill" ]; then
					echo "# $n: guest, just before: $fill"
					# the caller as fuse_iomap_begin+OFFSET (module addresses move)
					caller=$(sed -n 's/.* caller=\(0x[0-9a-f]*\).*/\1/p' <<<"$fill")
					base=$(sed -n 's/^P: kallsyms: \([0-9a-f]*\) t fuse_iomap_begin.*/\1/p' "$out/$n.out" | head -n 1)
					[ -n "$caller" ] && [ -n "$base" ] &&
						printf '# %s: caller = fuse_iomap_begin+0x%x\n' "$n" $((caller - 0x$base))
					woff=$(sed -n 's/.* woff=\(0x[0-9a-f]*\).*/\1/p' <<<"$fill")
					vlog=$(ls -t "$out/$n/"*/virtiofsd.*.log 2>/dev/null | head -n 1)
					if [ -n "$woff" ] && [ -n "$vlog" ]; then
						last=$(grep "op=setup .* moffset=$((woff)) " "$vlog" | tail -n 1)
						echo "# $n: host, last mapping of that window offset: ${last#virtiofsd-dax: }"
					fi
				fi
				for c in "$out/$n"/core*; do core_report "$c" | sed "s/^# /# $n: /"; done
			elif grep -q '^result: the guest survived' "$out/$n.out"; then
				survived=$((survived + 1))
			fi
		done
		echo "# $s: QEMU died of SIGSEGV in $died of $repeat runs$( [ $died -gt 0 ] && echo " (within $(summary "$times") of ro-store)"), the guest survived $survived"
		if [ "$s" = ro-store ]; then
			[ "$died" -eq "$repeat" ] && ok "$s: the VMM died of SIGSEGV in every run ($died/$repeat)" ||
				bad "$s: the VMM died in $died of $repeat runs"
		else
			[ "$survived" -eq "$repeat" ] && ok "$s: the guest survived every run without the mappers ($survived/$repeat)" ||
				bad "$s: the guest survived $survived of $repeat runs without the mappers"
		fi
		;;
	esac
done
rm -f "$out"/*/core* 2>/dev/null
echo "# logs: $out"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
