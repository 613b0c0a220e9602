#!/bin/bash
# compare.sh - tests of tests/compare-matrices.sh on made-up cells: the
# comparison that makes the real stack the judge of dmapfs must itself
# catch a difference, map the real stack's dying rows to dmapfs's "-die"
# rows, and refuse what it cannot read.
. "$(dirname "$0")/lib.sh"

cmp=$top_srcdir/tests/compare-matrices.sh
cat >"$T/dm" <<'CELLS'
# detection-matrix cells
reference#1 ro-mapping PASS 18 read-only workloads
reference#1 truncate-od/native PASS read 256 MiB of zeros
reference#1 dmap-exhaust PASS 96 ranges in 4 files
reference#2 ro-mapping PASS 18 read-only workloads
today-daemons pwrite-enospc/native HANG no progress for 7 s
today-daemons-die pwrite-enospc/native FAIL target died during the case: dmapfs died of SIGBUS
legacy ro-mapping FAIL reads set up only read-only mappings
no-upgrade mixed-rw-2m HANG no progress
CELLS
cat >"$T/dax" <<'CELLS'
# check-dax cells
reference#1 ro-mapping PASS 18 read-only workloads
reference#1 truncate-od/native PASS read 256 MiB of zeros
reference#1 dmap-exhaust SKIP excluded by /src/known-issues/virtiofs-dax-6.1.txt: known issues
reference#2 ro-mapping PASS 18 read-only workloads
reference#3 ro-mapping PASS 18 read-only workloads
today-daemons pwrite-enospc/native FAIL the guest died during this case: QEMU was killed by signal 7 (SIGBUS)
legacy ro-mapping FAIL reads set up only read-only mappings
legacy truncate-od/native-full FAIL ENOSPC
CELLS
out=$(bash "$cmp" "$T/dm" "$T/dax")
expect_eq "agreeing matrices: exit status" "$?" 0
expect_match "the dying row is compared with dmapfs's -die row" "$out" \
	"*same: today-daemons pwrite-enospc/native = FAIL (dmapfs today-daemons-die)*"
expect_match "a third reference run is compared with the first" "$out" \
	"*same: reference#3 ro-mapping = PASS (dmapfs reference#1)*"
expect_match "an excluded cell is named, not compared" "$out" \
	"*excluded in $T/dax: reference#1 dmap-exhaust (excluded by *"
expect_match "a cell only the real stack ran is named" "$out" \
	"*only on the real stack: legacy truncate-od/native-full = FAIL*"
expect_match "summary" "$(tail -n 1 <<<"$out")" \
	"compare-matrices: 6 shared cells agree, 0 differ; 1 cells only on the real stack, 3 only on dmapfs"

sed -i 's/^legacy ro-mapping FAIL.*/legacy ro-mapping PASS 18 read-only workloads/' "$T/dm"
out=$(bash "$cmp" "$T/dm" "$T/dax")
expect_eq "a differing cell: exit status" "$?" 1
expect_match "a differing cell is named with both reasons" "$out" \
	"*DIFFERENT: legacy ro-mapping: real stack FAIL (reads set up only read-only mappings), dmapfs legacy PASS (18 read-only workloads)*"

printf '# nothing\n' >"$T/empty"
bash "$cmp" "$T/dm" "$T/empty" >/dev/null 2>"$T/err"
expect_eq "an empty cells file: exit status" "$?" 2
expect_eq "an empty cells file: message" "$(cat "$T/err")" "compare-matrices: $T/empty holds no cell"
bash "$cmp" "$T/dm" "$T/none" >/dev/null 2>"$T/err"
expect_eq "a missing file: exit status" "$?" 2
bash "$cmp" "$T/dm" >/dev/null 2>&1
expect_eq "one argument: exit status" "$?" 2

# no shared cell proves nothing
printf 'stale-upgrade mixed-rw-2m FAIL second mapping\n' >"$T/other"
bash "$cmp" "$T/dm" "$T/other" >/dev/null
expect_eq "no shared cell: exit status" "$?" 1

finish
