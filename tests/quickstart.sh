#!/bin/bash
# quickstart.sh - 'scripts/quickstart.sh run' puts the run folder where
# the README says (results/ of the clone, whatever the build folder and
# the current folder) and its last lines name it by its absolute path.
# Runs the script in a copy of the clone with a stand-in build folder and
# every case excluded, so nothing is built or run for long.
. "$(dirname "$0")/lib.sh"

qs=$top_srcdir/scripts/quickstart.sh
command -v dpkg-query >/dev/null || skip "no dpkg-query (not Debian)"
# it installs what is missing: only test where there is nothing to install
for p in $(sed -n '/^packages=(/,/^)/p' "$qs" | sed '1d;$d'); do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		skip "package $p is missing (the quick start would install it)"
done

expect_match "README: quick start results" "$(cat "$top_srcdir/README.md")" \
	'*scripts/quickstart.sh run*writes*results/*of the clone*'

clone=$T/clone
mkdir -p "$clone/scripts" "$clone/results" "$T/build" "$T/elsewhere"
cp "$qs" "$clone/scripts/"
echo "# results" >"$clone/results/README.md"
# an already configured and built tree: no autoreconf, configure or build
touch -d 2001-01-01 "$clone/configure.ac"
printf '#!/bin/sh\nexit 0\n' >"$clone/configure"
chmod +x "$clone/configure"
touch -d 2001-01-02 "$clone/configure"
printf 'all:\n\t@:\n' >"$T/build/Makefile"
ln -s "$DMAPTEST" "$T/build/dmaptest"
"$DMAPTEST" list | awk '/^[^ ]/ { print $1 "  # not this time" }' |
	sort -u >"$T/everything"

(cd "$T/elsewhere" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	DMAPTEST_BUILD="$T/build" bash "$clone/scripts/quickstart.sh" run \
	-x "$T/everything" --target dir --dir "$T" --progress none) >"$T/out" 2>"$T/err"
expect_eq "quickstart run: exit status" "$?" 0
run=$(readlink -f "$clone/results/latest")
expect_match "run folder in results/ of the clone" "$run" "$clone/results/2*"
expect_eq "the last lines name it" "$(tail -n 2 "$T/out" | head -n 1 | sed 's/.*; results in //')" "$run"
expect_eq "nothing in the current folder" "$(ls -A "$T/elsewhere" | wc -l)" 0
expect_eq "nothing in the build folder" "$(ls -A "$T/build" | tr '\n' ' ')" "Makefile dmaptest "

finish
