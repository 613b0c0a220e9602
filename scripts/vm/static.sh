# scripts/vm/static.sh - the static dmaptest and dmapfs for the guest
# (bash, sourced by scripts/dmaptest-vm).
#
#   static_ok FILE         FILE is an executable that ldd calls static
#   build_static           configure --enable-static and make, in
#                          $cache/build-static/KEY/ from a copy of the
#                          sources; sets bdir ($bdir/build/dmaptest)
#   get_static             the binaries the guest runs: --dmaptest and
#                          --dmapfs, or build_static's; sets opt_dmaptest,
#                          opt_dmapfs, t_build

static_ok() { [ -x "$1" ] && ! ldd "$1" >/dev/null 2>&1; }

# The sources to build: git's files (tracked, and new ones not ignored) as
# they are in the tree, plus autotools' output when it is there. Never the
# tree itself: one configured in place ('autoreconf -fi && ./configure &&
# make' there, as the README's 'Building by hand' says) refuses a second,
# static build ('source directory already configured'), and a copy also
# leaves the tree's own build alone.
copy_sources() {	# SRCDIR DEST
	local src=$1 dst=$2 f n=0
	# the top of a work tree of its own: a tree unpacked inside another
	# repository's (make distcheck in a build folder of a clone) has no
	# files of that repository's to copy
	[ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$src" && pwd -P)" ] || return 1
	mkdir -p "$dst" || return 1
	while IFS= read -r -d '' f; do
		[ -f "$src/$f" ] || continue
		# newer or missing only: timestamps kept, make sees what changed
		(cd "$src" && cp --parents -p -u -- "$f" "$dst/") || return 1
		n=$((n + 1))
	done < <(git -C "$src" ls-files -z --cached --others --exclude-standard)
	(cd "$src" && for f in configure aclocal.m4 config.h.in Makefile.in \
		build-aux/* m4/*.m4; do
		[ -f "$f" ] && cp --parents -p -u -- "$f" "$dst/"
	done)
	[ $n -gt 0 ]
}

# Sets bdir: the cache's static build of srcdir ($bdir/build/dmaptest).
build_static() {
	local key blockfd sdir
	key=$(echo "$srcdir" | md5sum | cut -c1-8)
	bdir=$cache/build-static/$key
	mkdir -p "$bdir" || vm_die "cannot create $bdir"
	exec {blockfd}>"$bdir/.lock"
	flock "$blockfd"
	if copy_sources "$srcdir" "$bdir/src"; then
		sdir=$bdir/src
		if [ ! -x "$sdir/configure" ]; then
			vm_say "autoreconf -fi in the copy of $srcdir"
			(cd "$sdir" && autoreconf -fi) >"$bdir/autoreconf.out" 2>&1 || {
				tail -n 20 "$bdir/autoreconf.out" >&2
				vm_die "autoreconf -fi of the sources failed (log: $bdir/autoreconf.out; package autoconf, automake, libtool)"
			}
		fi
	elif [ -f "$srcdir/config.status" ]; then
		vm_die "$srcdir is configured in place and is no git work tree to copy the sources from: run 'make distclean' there, or give --dmaptest"
	else
		[ -x "$srcdir/configure" ] ||
			vm_die "no $srcdir/configure: run 'autoreconf -fi' there, or give --dmaptest"
		sdir=$srcdir
	fi
	mkdir -p "$bdir/build" || vm_die "cannot create $bdir/build"
	if [ ! -f "$bdir/build/Makefile" ]; then
		vm_say "configuring a static build of $srcdir in $bdir/build"
		(cd "$bdir/build" && "$sdir/configure" -q --enable-static) >"$bdir/configure.out" 2>&1 || {
			tail -n 20 "$bdir/configure.out" >&2
			rm -f "$bdir/build/Makefile"
			vm_die "configure --enable-static failed (log: $bdir/configure.out)"
		}
	fi
	# not the jobserver of a make that runs us (make check-vm)
	(cd "$bdir/build" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -j"$(nproc)" dmaptest dmapfs/dmapfs) >"$bdir/make.out" 2>&1 || {
		tail -n 20 "$bdir/make.out" >&2
		vm_die "static build failed (log: $bdir/make.out)"
	}
	exec {blockfd}>&-
}

# --build-only: build, print the two paths
build_only() {
	cache=${DMAPTEST_CACHE:-${HOME:-/root}/.cache/dmaptest}
	[ -z "$opt_dmaptest" ] || bad "--build-only builds dmaptest: it does not go with --dmaptest"
	build_static
	static_ok "$bdir/build/dmaptest" || vm_die "the build made no static $bdir/build/dmaptest"
	echo "$bdir/build/dmaptest"
	echo "$bdir/build/dmapfs/dmapfs"
	exit 0
}

get_static() {
	local t0 c
	t0=$(now_us)
	if [ -z "$opt_dmaptest" ]; then
		build_static
		opt_dmaptest=$bdir/build/dmaptest
		[ -n "$opt_dmapfs" ] || opt_dmapfs=$bdir/build/dmapfs/dmapfs
	fi
	static_ok "$opt_dmaptest" || vm_die "--dmaptest: $opt_dmaptest is not a static executable"
	if [ -z "$opt_dmapfs" ]; then
		for c in "$(dirname "$opt_dmaptest")/dmapfs/dmapfs" "$(dirname "$opt_dmaptest")/dmapfs"; do
			[ -f "$c" ] && { opt_dmapfs=$c; break; }
		done
	fi
	if [ -n "$opt_dmapfs" ]; then
		static_ok "$opt_dmapfs" || vm_die "--dmapfs: $opt_dmapfs is not a static executable"
	elif [ "$opt_guest_target" = dmapfs ]; then
		vm_die "--guest-target dmapfs needs a static dmapfs (--dmapfs)"
	fi
	t_build=$(secs "$t0" "$(now_us)")
}
