# scripts/vm/options.sh - dmaptest-vm's command line (bash, sourced by
# scripts/dmaptest-vm).
#
#   usage                  the --help text
#   bad TEXT               one line on stderr, exit 2 (a usage error)
#   parse_options ARG...   sets the opt_* variables, guest_args[] (what
#                          goes to dmaptest) and orig_args[] (for the
#                          re-exec in a mount namespace); every check that
#                          needs nothing but the arguments is made here,
#                          before anything starts

usage() {
	cat <<'EOF'
Usage: dmaptest-vm [OPTION]... [-- DMAPTEST-ARGUMENT...]

Boot a kernel under qemu-system-x86_64 and run dmaptest inside the guest,
on a virtio-fs share (tag "dmaptest", at /mnt/share in the guest) served
by virtiofsd from a loop-mounted ext4 image of --host-size, so that the
host file system behind the share can be filled for real. The guest runs

  dmaptest --mount /mnt/share/scratch --allow-fill \
           -o /mnt/share/results DMAPTEST-ARGUMENT...

(default arguments: run quick); /mnt/share/results is the host's results
folder, so the run folder, its TAP and run.json land on the host as the
guest writes them. dmaptest's output is shown as it comes.

Kernel and guest:
      --kernel FILE        kernel image (default: Debian's linux-image-amd64,
                           fetched with apt-get download into the cache)
      --modules DIR        modules tree (lib/modules/RELEASE) for --kernel
                           (default: /lib/modules/RELEASE when it exists,
                           else none: everything needed must be built in)
      --fuse-modules DIR   boot with DIR's fuse.ko and virtiofs.ko (from
                           scripts/build-fuse-module) instead of the stock
                           ones; recorded in vm.json and run.json
      --module NAME        load another module (with its dependencies) in
                           the guest; repeatable
      --initrd-extra DIR   copy DIR's contents into the initramfs; repeatable
      --tool PROG          copy the host program PROG (and its libraries)
                           into the guest; repeatable. Always copied when
                           installed: mkfs.ext4, od, cat, truncate, dd,
                           xfs_io (busybox provides the rest). fio needs
                           --tool fio: Debian's pulls in 80 MB of libraries
      --append TEXT        more kernel command line (after console=ttyS0
                           panic=1 loglevel=5 cryptomgr.notests)
      --memory SIZE        guest memory (default 2G)
      --cpus N             guest CPUs (default 2)
      --guest-target T     dir (default): test the virtio-fs share;
                           dmapfs: run the suite against dmapfs inside the
                           guest (dmaptest's own default target)
      --dmaptest FILE      static dmaptest for the guest
      --dmapfs FILE        static dmapfs for the guest (default: next to
                           --dmaptest); without --dmaptest both are built
                           with 'configure --enable-static' in the cache,
                           from a copy of the sources (git's files), so a
                           tree configured in place builds too
      --build-only         build (or bring up to date) the static
                           binaries, print their paths, and exit

QEMU and the share:
      --stack S            system (default): Debian's QEMU and virtiofsd (no
                           DAX window); dax: the project's reference DAX
                           stack (Debian's QEMU 7.2 with patches/qemu-7.2,
                           built or reused by scripts/build-dax-stack): a
                           DAX window of --cache-size (default 256M), the
                           share mounted -o dax, every mapping logged by
                           virtiofsd (-o dax_log) into the host log
      --host-reserve on|off  the daemon half of the reference patch: a
                           DAX-capable virtiofsd reserves (fallocate) each
                           writable mapping and answers ENOSPC when the
                           host is full (-o dax_reserve), or maps without
                           reserving, as every daemon does today
                           (-o no_dax_reserve). Default with --stack dax: on
      --qemu FILE          QEMU binary (default qemu-system-x86_64; not with
                           --stack dax)
      --accel A            auto (default: KVM when a probe boot works,
                           else TCG), kvm or tcg, with QEMU's -accel
                           options if need be (tcg,thread=single)
      --virtiofsd FILE     virtiofsd (default /usr/lib/qemu/virtiofsd; not
                           with --stack dax); give a DAX-capable build with
                           --cache-size
      --virtiofsd-opt OPT  another '-o OPT' for virtiofsd, after the default
                           -o cache=auto (shared mmap works without DAX;
                           cache=none makes files direct-io); repeatable
      --cache-size SIZE    DAX window: the vhost-user-fs device's cache-size=,
                           and the share is mounted with -o dax (needs a
                           QEMU and virtiofsd that have a DAX window; a
                           multiple of 2M, with --stack dax a power of two)
      --mount-opts OPTS    mount options of the share in the guest
      --host-size SIZE     size of the ext4 image behind the share (default 1G)

Run control:
      --results DIR        host results folder (default: results/ of the
                           source tree the script is in, else ./results)
      --timeout SEC        hard limit for the guests, from the first boot to
                           the end of the last (default 3600); then QEMU is
                           killed and the run ends
      --stall SEC          the guest heartbeat (every 2 s through the share)
                           may stop this long before the guest counts as
                           stopped responding and is killed (default 120)
      --boot-timeout SEC   time for a guest to boot and mount the share
                           (default 120)
      --boot-retries N     boot again that many times when a guest does not
                           reach the share (TCG guests can lock up while
                           booting; default 1)
      --keep-going         after a guest died during a case: that case
                           FAILs, a fresh guest runs the rest (default)
      --stop               after a guest died: stop there
      --max-boots N        never boot more than N guests (default 50)
  -v, --verbose            print the QEMU and virtiofsd command lines
  -h, --help               this help

Everything after -- goes to dmaptest in the guest (not -o/--results-dir,
--resume, --mount, --dir, --target or --host-log: the launcher sets those);
an exclude file (-x/--exclude FILE) is copied into the guest.

Results: RESULTS/<run-id>/ as dmaptest writes it, plus vm.json, and
console.N.log, qemu.N.log and virtiofsd.N.log of each boot N. When a
guest dies before dmaptest created its run folder, they go to
RESULTS/vm-<date>/.

Environment: DMAPTEST_CACHE (default ~/.cache/dmaptest) holds the kernel
(kernels/PACKAGE_VERSION/) and the static build (build-static/KEY/: src/
the copy of the sources, build/ the build).

Exit status: dmaptest's (0 nothing failed, 1 a case FAILed, ERRORed or
HANGed - a case during which the guest died FAILs - 2 usage error); 3 the
run could not start or did not finish (no kernel, guest did not boot,
timeout, a guest death outside a case, interrupted); 1 after a guest died
during a case with --stop.
EOF
}

# one line, exit 2
bad() {
	echo "$ME: $*" >&2
	exit 2
}

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
is_pos() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -gt 0 ]; }

opt_fuse_modules= opt_kernel= opt_modules= opt_qemu=qemu-system-x86_64 opt_accel=auto
opt_virtiofsd=/usr/lib/qemu/virtiofsd opt_cache_size= opt_mount_opts=
opt_memory=2G opt_cpus=2 opt_timeout=3600 opt_stall=120 opt_boot_timeout=120 opt_boot_retries=1
opt_host_size=1G opt_results= opt_dmaptest= opt_dmapfs= opt_keep_going=1
opt_guest_target=dir opt_max_boots=50 opt_verbose=0 opt_append= opt_build_only=0
opt_mods=() opt_extras=() opt_vfsd_opts=() opt_tools=()
opt_stack=system opt_host_reserve= opt_qemu_given=0 opt_vfsd_given=0
guest_args=() orig_args=()

parse_options() {
	local arg val has_val a
	orig_args=("$@")
	while [ $# -gt 0 ]; do
		arg=$1
		shift
		val=
		has_val=0
		case $arg in
		--*=*)
			val=${arg#*=}
			arg=${arg%%=*}
			has_val=1
			;;
		esac
		case $arg in
		--fuse-modules | --kernel | --modules | --module | --tool | --initrd-extra | --append | --memory | \
			--cpus | --guest-target | --dmaptest | --dmapfs | --qemu | --accel | \
			--virtiofsd | --virtiofsd-opt | --cache-size | --mount-opts | \
			--host-size | --results | --timeout | --stall | --boot-timeout | --boot-retries | \
			--max-boots | --stack | --host-reserve)
			if [ $has_val -eq 0 ]; then
				[ $# -gt 0 ] || bad "option '$arg' needs a value"
				val=$1
				shift
			fi
			;;
		--keep-going | --stop | --build-only | -v | --verbose | -h | --help | --)
			[ $has_val -eq 0 ] || bad "option '$arg' takes no value"
			;;
		esac
		case $arg in
		--kernel) opt_kernel=$val ;;
		--modules) opt_modules=$val ;;
		--fuse-modules)
			[ -f "$val/fuse.ko" ] && [ -f "$val/virtiofs.ko" ] ||
				bad "--fuse-modules: '$val' has no fuse.ko and virtiofs.ko (see scripts/build-fuse-module)"
			opt_fuse_modules=$(readlink -f "$val")
			;;
		--module) opt_mods+=("$val") ;;
		--tool) opt_tools+=("$val") ;;
		--initrd-extra)
			[ -d "$val" ] || bad "--initrd-extra: '$val' is not a folder"
			opt_extras+=("$(readlink -f "$val")")
			;;
		--append) opt_append=$val ;;
		--memory)
			size_bytes "$val" >/dev/null || bad "--memory: '$val' is not a size"
			opt_memory=$val
			;;
		--cpus) is_pos "$val" || bad "--cpus: '$val' is not a positive number"; opt_cpus=$val ;;
		--guest-target)
			case $val in dir | dmapfs) ;; *) bad "--guest-target: '$val' is not dir or dmapfs" ;; esac
			opt_guest_target=$val
			;;
		--dmaptest) opt_dmaptest=$val ;;
		--dmapfs) opt_dmapfs=$val ;;
		--qemu) opt_qemu=$val; opt_qemu_given=1 ;;
		--accel)
			[[ $val =~ ^(auto|kvm(,[^[:space:]]+)?|tcg(,[^[:space:]]+)?)$ ]] ||
				bad "--accel: '$val' is not auto, kvm[,OPTS] or tcg[,OPTS]"
			opt_accel=$val
			;;
		--virtiofsd) opt_virtiofsd=$val; opt_vfsd_given=1 ;;
		--stack)
			case $val in system | dax) ;; *) bad "--stack: '$val' is not system or dax" ;; esac
			opt_stack=$val
			;;
		--host-reserve)
			case $val in on | off) ;; *) bad "--host-reserve: '$val' is not on or off" ;; esac
			opt_host_reserve=$val
			;;
		--virtiofsd-opt) opt_vfsd_opts+=("$val") ;;
		--cache-size)
			size_bytes "$val" >/dev/null || bad "--cache-size: '$val' is not a size"
			opt_cache_size=$val
			;;
		--mount-opts)
			[[ $val =~ ^[^[:space:]]*$ ]] || bad "--mount-opts: no blanks allowed in '$val'"
			opt_mount_opts=$val
			;;
		--host-size)
			size_bytes "$val" >/dev/null || bad "--host-size: '$val' is not a size"
			[ "$(size_bytes "$val")" -ge $((16 << 20)) ] || bad "--host-size: '$val' is below 16M"
			opt_host_size=$val
			;;
		--results) [ -n "$val" ] || bad "--results: empty path"; opt_results=$val ;;
		--timeout) is_pos "$val" || bad "--timeout: '$val' is not a positive number of seconds"; opt_timeout=$val ;;
		--stall) is_pos "$val" || bad "--stall: '$val' is not a positive number of seconds"; opt_stall=$val ;;
		--boot-timeout) is_pos "$val" || bad "--boot-timeout: '$val' is not a positive number of seconds"; opt_boot_timeout=$val ;;
		--boot-retries) is_uint "$val" || bad "--boot-retries: '$val' is not a number"; opt_boot_retries=$val ;;
		--max-boots) is_pos "$val" || bad "--max-boots: '$val' is not a positive number"; opt_max_boots=$val ;;
		--keep-going) opt_keep_going=1 ;;
		--build-only) opt_build_only=1 ;;
		--stop) opt_keep_going=0 ;;
		-v | --verbose) opt_verbose=1 ;;
		-h | --help)
			usage
			exit 0
			;;
		--) break ;;
		-*) bad "unknown option '$arg' (dmaptest's own options go after --)" ;;
		*) bad "unexpected argument '$arg' (dmaptest's arguments go after --)" ;;
		esac
	done
	[ -z "$opt_modules" ] || [ -n "$opt_kernel" ] || bad "--modules goes with --kernel"
	guest_args=("$@")
	[ ${#guest_args[@]} -gt 0 ] || guest_args=(run quick)
	for a in "${guest_args[@]}"; do
		case $a in
		-o | -o* | --results-dir | --results-dir=*)
			bad "dmaptest's results folder is set by the launcher: use --results" ;;
		--resume | --resume=* | --resume-reason | --resume-reason=*)
			bad "'$a' is the launcher's to give (after a guest death)" ;;
		--host-log | --host-log=*)
			bad "'$a' is the launcher's to give (virtiofsd's mapping log, with a DAX stack)" ;;
		--mount | --mount=* | -m | --dir | --dir=* | -d | --target | --target=*)
			bad "'$a': the launcher sets the target (see --guest-target)" ;;
		*$'\n'*) bad "dmaptest arguments cannot hold a newline" ;;
		esac
	done
	carry_exclude_files
	check_stack_options
}

# An exclude file (-x FILE, --exclude FILE) is the host's: it goes into
# the initramfs as /etc/dmaptest/N.NAME, and dmaptest's argument names
# that. Sets guest_files[] (HOST:GUEST, for mkinitramfs --file).
guest_files=()
carry_exclude_files() {
	local out=() a f n=0 next=0
	for a in "${guest_args[@]}"; do
		if [ $next -eq 1 ]; then
			next=0
			f=$a
		else
			case $a in
			-x | --exclude) out+=("$a"); next=1; continue ;;
			--exclude=*) f=${a#--exclude=}; out+=(--exclude) ;;
			-x?*) f=${a#-x}; out+=(-x) ;;
			*) out+=("$a"); continue ;;
			esac
		fi
		[ -f "$f" ] || bad "exclude file '$f' is not a file (the launcher copies it into the guest)"
		n=$((n + 1))
		guest_files+=("$(readlink -f "$f"):/etc/dmaptest/$n.${f##*/}")
		out+=("/etc/dmaptest/$n.${f##*/}")
	done
	[ $next -eq 0 ] || bad "'${guest_args[-1]}' needs a file"
	guest_args=("${out[@]}")
}

# The stack options, checked against each other before anything starts:
# sets opt_cache_size's default and host_reserve (on, off, or empty: the
# daemon's own default, not asked for)
check_stack_options() {
	local o from_opts= cs
	for o in "${opt_vfsd_opts[@]}"; do
		case $o in
		dax_reserve) from_opts=on ;;
		no_dax_reserve) from_opts=off ;;
		esac
	done
	if [ "$opt_stack" = dax ]; then
		[ $opt_qemu_given -eq 0 ] && [ $opt_vfsd_given -eq 0 ] ||
			bad "--stack dax brings its own QEMU and virtiofsd (--qemu and --virtiofsd go with --stack system)"
		[ -n "$opt_cache_size" ] || opt_cache_size=256M
	elif [ -n "$opt_cache_size" ] && [ $opt_qemu_given -eq 0 ]; then
		bad "--cache-size: Debian's QEMU has no DAX window (use --stack dax, or give a DAX-capable --qemu and --virtiofsd)"
	fi
	if [ -n "$opt_cache_size" ]; then
		cs=$(size_bytes "$opt_cache_size")
		[ "$cs" -ge $((2 << 20)) ] && [ $((cs % (2 << 20))) -eq 0 ] ||
			bad "--cache-size: '$opt_cache_size' is not a multiple of 2M (the guest maps 2 MiB ranges)"
		[ "$opt_stack" != dax ] || [ $((cs & (cs - 1))) -eq 0 ] ||
			bad "--cache-size: '$opt_cache_size' is not a power of two (the DAX window of --stack dax is a PCI BAR)"
	fi
	if [ -n "$opt_host_reserve" ] && [ -n "$from_opts" ] && [ "$opt_host_reserve" != "$from_opts" ]; then
		bad "--host-reserve $opt_host_reserve contradicts --virtiofsd-opt $([ "$from_opts" = on ] || echo no_)dax_reserve"
	fi
	host_reserve=${opt_host_reserve:-$from_opts}
	if [ "$opt_stack" = dax ]; then
		host_reserve=${host_reserve:-on}
	elif [ -n "$opt_host_reserve" ] &&
		! "$opt_virtiofsd" --help 2>&1 | grep -q 'dax_reserve'; then
		bad "--host-reserve: $opt_virtiofsd has no -o dax_reserve (a DAX-capable virtiofsd: --stack dax)"
	fi
}
