#!/bin/bash
# vm-build.sh - scripts/dmaptest-vm builds its static dmaptest from a
# copy of the sources, so a tree built in place as the README's "Building
# by hand" says (autoreconf -fi && ./configure && make in the source
# folder) works: configure refuses a second build of a configured source
# folder ("source directory already configured"). The tree itself is left
# as it was. Boots nothing (--build-only).
. "$(dirname "$0")/lib.sh"

command -v git >/dev/null || skip "git is needed"
[ -x "$top_srcdir/configure" ] || skip "no configure in $top_srcdir (run autoreconf -fi)"
[ "$(git -C "$top_srcdir" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$top_srcdir" && pwd -P)" ] ||
	skip "$top_srcdir is not the top of a git work tree (a tarball's tree, as in make distcheck)"

# a tree like the one being tested, configured in place
src=$T/src
mkdir -p "$src"
(cd "$top_srcdir" && git ls-files -z --cached --others --exclude-standard |
	cpio -0pdm --quiet "$src") || hard_error "copying the sources failed"
for f in configure aclocal.m4 config.h.in Makefile.in build-aux m4; do
	cp -a "$top_srcdir/$f" "$src/" 2>/dev/null
done
git -C "$src" init -q && git -C "$src" add -A || hard_error "git init of the copy failed"
(cd "$src" && ./configure -q) >"$T/configure.out" 2>&1 || hard_error "configure in place failed: $(tail -n 3 "$T/configure.out")"
[ -f "$src/config.status" ] && ok "the tree is configured in place" || bad "no config.status in the tree"
before=$(cd "$src" && find . -path ./.git -prune -o -newer config.status -print | sort)

DMAPTEST_CACHE=$T/cache "$src/scripts/dmaptest-vm" --build-only >"$T/out" 2>"$T/err"
rc=$?
expect_eq "--build-only: exit status" "$rc" 0
[ $rc -eq 0 ] || sed 's/^/# /' "$T/err"
bin=$(sed -n 1p "$T/out")
expect_match "static dmaptest" "$bin" "$T/cache/build-static/*/build/dmaptest"
if [ -x "$bin" ] && ! ldd "$bin" >/dev/null 2>&1; then
	ok "it is a static executable"
else
	bad "$bin is not a static executable"
fi
expect_match "it runs" "$("$bin" --version 2>&1)" "dmaptest [0-9]*"
[ -x "$(sed -n 2p "$T/out")" ] && ok "static dmapfs built" || bad "no static dmapfs"
expect_eq "the tree was left as it was" "$(cd "$src" && find . -path ./.git -prune -o -newer config.status -print | sort)" "$before"
# a second time: up to date, nothing rebuilt
DMAPTEST_CACHE=$T/cache "$src/scripts/dmaptest-vm" --build-only >"$T/out2" 2>"$T/err2"
expect_eq "again: exit status" "$?" 0
expect_eq "again: the same binary" "$(sed -n 1p "$T/out2")" "$bin"

finish
