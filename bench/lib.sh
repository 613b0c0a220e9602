# bench/lib.sh - helpers of the benchmarks (sourced by bench/bench.sh):
# logging, float arithmetic, JSON text, timing, and mounts that are torn
# down on every path (the driver runs in a private mount namespace and
# traps EXIT, INT and TERM).
# shellcheck shell=bash

B_TMP=			# scratch dir of this run (removed at exit)
B_PIDS=()		# daemons we started, killed at exit
B_MOUNTS=()		# mounts we made, unmounted at exit (last first)

blog() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
bdie() { blog "error: $*"; exit 1; }

# Float arithmetic: calc '2 * 3.5' -> 7.000 (awk; %.3f unless $2 given)
calc() { awk -v fmt="${2:-%.3f}" "BEGIN { printf fmt \"\\n\", $1 }"; }
# calc_ok EXPR: exit 0 when the awk expression is true
calc_ok() { awk "BEGIN { exit !($1) }"; }

# Median of the arguments (numbers).
median() {
	printf '%s\n' "$@" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
			else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Wall-clock seconds since $1 (an $EPOCHREALTIME value).
since() { calc "$EPOCHREALTIME - $1" %.4f; }

# A JSON string literal of $1.
json_str() {
	local s=$1 out='"' c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		'"') out+='\"' ;;
		'\') out+='\\' ;;
		$'\n') out+='\n' ;;
		$'\t') out+='\t' ;;
		$'\r') out+='\r' ;;
		*)
			if [[ $c < ' ' ]]; then
				out+=$(printf '\\u%04x' "'$c")
			else
				out+=$c
			fi ;;
		esac
	done
	printf '%s"' "$out"
}

# A JSON number, or null when $1 is not one.
json_num() {
	if [[ $1 =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]]; then
		printf '%s' "$1"
	else
		printf 'null'
	fi
}

# json_obj KEY VALUE... -> {"KEY": VALUE, ...}; VALUEs are JSON already.
json_obj() {
	local out='{' sep=''
	while (($# >= 2)); do
		out+="$sep$(json_str "$1"): $2"
		sep=', '
		shift 2
	done
	printf '%s}' "$out"
}

# json_arr VALUE... -> [VALUE, ...]
json_arr() {
	local IFS=,
	printf '[%s]' "$*"
}

# key=value from a dmaptest result file ($1), "" when missing.
result_get() { sed -n "s/^$2=//p" "$1" | head -n1; }

# Sizes: "8G" -> bytes.
to_bytes() {
	local n=${1%[kKmMgGtT]} u=${1##*[0-9]}
	case $u in
	k|K) echo $((n << 10)) ;; m|M) echo $((n << 20)) ;;
	g|G) echo $((n << 30)) ;; t|T) echo $((n << 40)) ;;
	*) echo "$n" ;;
	esac
}

# MiB/s of $1 bytes in $2 seconds.
mib_s() { calc "$1 / $2 / 1048576" %.1f; }

# --- teardown -----------------------------------------------------------

b_cleanup() {
	local i pid m
	for ((i = ${#B_PIDS[@]} - 1; i >= 0; i--)); do
		pid=${B_PIDS[i]}
		kill -TERM "$pid" 2>/dev/null
	done
	for ((i = ${#B_PIDS[@]} - 1; i >= 0; i--)); do
		pid=${B_PIDS[i]}
		# give a daemon 3 s to unmount cleanly, then SIGKILL it
		for _ in $(seq 30); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	B_PIDS=()
	for ((i = ${#B_MOUNTS[@]} - 1; i >= 0; i--)); do
		m=${B_MOUNTS[i]}
		if mountpoint -q "$m" 2>/dev/null; then
			umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
		fi
	done
	B_MOUNTS=()
	if [[ $B_TMP && -d $B_TMP ]]; then
		rm -rf --one-file-system "$B_TMP"
	fi
	B_TMP=
}

# Forget a daemon that is gone (its pid may be reused later).
b_forget_pid() {
	local i
	for i in "${!B_PIDS[@]}"; do
		[[ ${B_PIDS[i]} == "$1" ]] && unset 'B_PIDS[i]'
	done
	B_PIDS=("${B_PIDS[@]}")
}

# Stop daemon $1 serving mount $2: SIGTERM, wait, unmount what is left.
b_stop_daemon() {
	local pid=$1 mnt=$2
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	b_forget_pid "$pid"
	if mountpoint -q "$mnt" 2>/dev/null; then
		umount "$mnt" 2>/dev/null || umount -l "$mnt"
	fi
}

# Wait until $1 is a mount of type $2 (fuse.dmapfs, fuse...), $3 s at most,
# while daemon $4 lives.
b_wait_mount() {
	local mnt=$1 type=$2 t=${3:-15} pid=$4 i
	for ((i = 0; i < t * 20; i++)); do
		if awk -v m="$mnt" -v t="$type" '$5 == m {
			for (i = 7; i < NF; i++) if ($i == "-") break
			if ($(i + 1) == t || index($(i + 1), t ".") == 1) f = 1 }
			END { exit !f }' /proc/self/mountinfo; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# b_host DIR SIZE: a loop-mounted ext4 of SIZE at DIR (a fresh image, as
# the dmapfs target makes one: tmpfs would allocate on read faults).
b_host() {
	local dir=$1 size=$2 img=$B_TMP/host.img
	truncate -s "$size" "$img" || return 1
	mkfs.ext4 -q -F -m 0 -E nodiscard,lazy_itable_init=1,lazy_journal_init=1 \
		"$img" || return 1
	mkdir -p "$dir"
	mount -t ext4 -o loop "$img" "$dir" || return 1
	B_MOUNTS+=("$dir")
	rm -f "$img"	# the loop device holds it now
}

# b_dmapfs BACKING MNT [ARGS...]: start dmapfs; sets DMAPFS_PID.
b_dmapfs() {
	local backing=$1 mnt=$2
	shift 2
	mkdir -p "$mnt"
	"$DMAPFS" --log "$B_TMP/dmapfs.log" --die-with-parent "$@" \
		"$backing" "$mnt" </dev/null >>"$B_TMP/dmapfs.log" 2>&1 &
	DMAPFS_PID=$!
	B_PIDS+=("$DMAPFS_PID")
	B_MOUNTS+=("$mnt")
	b_wait_mount "$mnt" fuse.dmapfs 15 "$DMAPFS_PID" ||
		bdie "dmapfs did not mount $mnt (see $B_TMP/dmapfs.log)"
}

# b_passthrough BIN SOURCE MNT [-o OPTS]: libfuse's passthrough_ll example;
# sets PT_PID.
b_passthrough() {
	local bin=$1 src=$2 mnt=$3
	shift 3
	mkdir -p "$mnt"
	"$bin" -f -o "source=$src" "$@" "$mnt" </dev/null \
		>>"$B_TMP/passthrough_ll.log" 2>&1 &
	PT_PID=$!
	B_PIDS+=("$PT_PID")
	B_MOUNTS+=("$mnt")
	b_wait_mount "$mnt" fuse 15 "$PT_PID" ||
		bdie "passthrough_ll did not mount $mnt (see $B_TMP/passthrough_ll.log)"
}

# Compile libfuse's passthrough_ll example into $B_TMP; prints its path.
b_build_passthrough() {
	local src=${PASSTHROUGH_LL_SRC:-/usr/share/doc/libfuse3-dev/examples/passthrough_ll.c}
	local out=$B_TMP/passthrough_ll
	[[ -r $src ]] || { blog "no $src (apt-get install libfuse3-dev)"; return 1; }
	# shellcheck disable=SC2046
	${CC:-cc} -O2 -o "$out" "$src" $(pkg-config --cflags --libs fuse3) \
		>"$B_TMP/passthrough_ll.build" 2>&1 ||
		{ blog "building passthrough_ll failed: $(head -c 300 "$B_TMP/passthrough_ll.build")"; return 1; }
	echo "$out"
}

# --- the machine ----------------------------------------------------------

machine_json() {
	json_obj \
		host "$(json_str "$(uname -n)")" \
		kernel "$(json_str "$(uname -r)")" \
		cpu "$(json_str "$M_CPU")" \
		nproc "$(nproc)" \
		mem_bytes "$M_MEM" \
		thp "$(json_str "$M_THP")" \
		fuse_max_pages_limit "$(json_num "$M_MAXPAGES")" \
		os "$(json_str "$M_OS")" \
		fio "$(json_str "$(fio --version 2>/dev/null)")" \
		loadavg_start "$(json_str "$M_LOAD_START")" \
		loadavg_end "$(json_str "$(cut -d" " -f1-3 /proc/loadavg)")" \
		git "$(json_str "$M_GIT")"
}

machine_probe() {
	M_CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
	M_MEM=$(awk '/^MemTotal:/ { printf "%.0f\n", $2 * 1024 }' /proc/meminfo)
	M_THP=$(sed -n 's/.*\[\(.*\)\].*/\1/p' \
		/sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
	M_MAXPAGES=$(cat /proc/sys/fs/fuse/max_pages_limit 2>/dev/null)
	M_OS=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
	M_GIT=$(git -C "$top_srcdir" describe --always --dirty 2>/dev/null)
	M_LOAD_START=$(cut -d" " -f1-3 /proc/loadavg)
}

machine_md() {
	printf -- '- machine: %s, %s CPUs, %s GiB memory, kernel %s, %s\n' \
		"${M_CPU:-?}" "$(nproc)" "$(calc "$M_MEM / 1073741824" %.1f)" \
		"$(uname -r)" "${M_OS:-?}"
	printf -- '- THP %s, fuse max_pages_limit %s, %s, dmaptest %s\n' \
		"${M_THP:-?}" "${M_MAXPAGES:-?}" "$(fio --version 2>/dev/null)" \
		"${M_GIT:-?}"
	printf -- '- load average (1, 5, 15 min) at the start: %s, now: %s (a shared machine: other work runs too)\n' \
		"$M_LOAD_START" "$(cut -d" " -f1-3 /proc/loadavg)"
}
