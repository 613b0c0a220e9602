# tests/lib.sh - what the shell tests share. Source it; it sets:
#   DMAPTEST   the built runner       JSON_GET  tests/tools/json_get
#   T          a scratch folder removed at exit
# A test exits 0 (pass), 1 (fail), 77 (skip) or 99 (hard error).

set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
DMAPTEST=${DMAPTEST:-$top_builddir/dmaptest}
JSON_GET=$top_builddir/tests/tools/json_get
NAME=$(basename "$0" .sh)
T=$(mktemp -d "${TMPDIR:-/tmp}/dmaptest-$NAME.XXXXXX")
FAILS=0
CHECKS=0

cleanup_hooks=()
on_exit() { cleanup_hooks+=("$1"); }
run_exit_hooks() {
	local i
	for ((i = ${#cleanup_hooks[@]} - 1; i >= 0; i--)); do
		eval "${cleanup_hooks[i]}" || true
	done
	rm -rf "$T"
}
trap run_exit_hooks EXIT
trap 'exit 130' INT TERM

skip() { echo "SKIP: $*"; exit 77; }
hard_error() { echo "ERROR: $*"; exit 99; }

ok() {
	CHECKS=$((CHECKS + 1))
	echo "ok: $*"
}
bad() {
	CHECKS=$((CHECKS + 1))
	FAILS=$((FAILS + 1))
	echo "FAIL: $*"
}

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
	if [ "$2" == "$3" ]; then ok "$1 = '$3'"; else bad "$1: got '$2', expected '$3'"; fi
}
# expect_match WHAT ACTUAL GLOB
expect_match() {
	# shellcheck disable=SC2053
	if [[ "$2" == $3 ]]; then ok "$1 ~ '$3'"; else bad "$1: got '$2', expected to match '$3'"; fi
}

# result field of a case: result_get RUN_DIR CASE_DIR KEY
result_get() {
	sed -n "s/^$3=//p" "$1/$2/result" 2>/dev/null
}

# expect_result_fields RESULT_FILE WHAT "key=glob ...": every field of a
# case's result file (its first line with that key) matches its glob
expect_result_fields() {
	local kv k want got
	for kv in $3; do
		k=${kv%%=*}
		want=${kv#*=}
		got=$(sed -n "s/^$k=//p" "$1" 2>/dev/null | head -n 1)
		# shellcheck disable=SC2053
		if [[ "$got" == $want ]]; then
			ok "$2: $k = $got"
		else
			bad "$2: $k is '$got', expected '$want'"
		fi
	done
}

# wait_for_case RESULTS_DIR CASE_ID: until run.json says CASE_ID is running
wait_for_case() {
	local cur
	for _ in $(seq 200); do
		cur=$($JSON_GET "$1/latest/run.json" current 2>/dev/null || true)
		[ "$cur" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

finish() {
	echo "$NAME: $((CHECKS - FAILS)) of $CHECKS checks passed"
	[ "$FAILS" -eq 0 ] && exit 0
	exit 1
}

[ -x "$DMAPTEST" ] || hard_error "no runner at $DMAPTEST (build first)"
[ -x "$JSON_GET" ] || hard_error "no json_get at $JSON_GET"
