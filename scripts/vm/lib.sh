# scripts/vm/lib.sh - what the dmaptest-vm helpers share (bash, sourced).
#
#   vm_say/vm_warn/vm_die  messages prefixed with the program name ($ME)
#   mod_index DIR          read the modules under DIR (a lib/modules/VERSION
#                          tree or any folder of .ko files): names, paths,
#                          dependencies (the "depends=" of each module's
#                          .modinfo, which is what depmod turns into
#                          modules.dep) and modules.builtin when present
#   mod_closure NAME...    the modules to load for NAME..., dependencies
#                          first, one name a line; built-in modules are
#                          left out, unknown ones are an error

ME=${ME:-dmaptest-vm}

vm_say() { echo "$ME: $*" >&"${VM_ERR:-2}"; }
vm_warn() { echo "$ME: warning: $*" >&"${VM_ERR:-2}"; }
vm_die() {
	echo "$ME: $*" >&"${VM_ERR:-2}"
	exit "${VM_DIE_STATUS:-3}"
}

# module names are written with '_' or '-' interchangeably: sets REPLY
mod_norm() {
	local n=${1##*/}
	n=${n%.xz}
	n=${n%.zst}
	n=${n%.gz}
	n=${n%.ko}
	REPLY=${n//-/_}
}

declare -A MOD_PATH MOD_DEPS MOD_BUILTIN

mod_index() {
	local dir=$1 f line name deps
	MOD_PATH=()
	MOD_DEPS=()
	MOD_BUILTIN=()
	[ -d "$dir" ] || return 1
	while IFS= read -r -d '' f; do
		mod_norm "$f"
		MOD_PATH[$REPLY]=$f
		MOD_DEPS[$REPLY]=
	done < <(find "$dir" \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' \
		-o -name '*.ko.gz' \) -print0)
	# "path:depends=a,b" records, NUL-terminated (.modinfo strings are)
	while IFS= read -r -d '' line; do
		case $line in
		*:depends=*) ;;
		*) continue ;;
		esac
		mod_norm "${line%%:depends=*}"
		name=$REPLY
		deps=${line#*:depends=}
		MOD_DEPS[$name]=${deps//,/ }
	done < <(
		find "$dir" -name '*.ko' -print0 |
			xargs -0 -r grep -a -z -H '^depends=' 2>/dev/null
		find "$dir" \( -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \) \
			-print0 | while IFS= read -r -d '' f; do
			case $f in
			*.xz) xz -dc "$f" ;;
			*.zst) zstd -dc "$f" ;;
			*.gz) gzip -dc "$f" ;;
			esac 2>/dev/null | grep -a -z '^depends=' | sed -z "s|^|$f:|"
		done
	)
	if [ -f "$dir/modules.builtin" ]; then
		while IFS= read -r f; do
			mod_norm "$f"
			MOD_BUILTIN[$REPLY]=1
		done <"$dir/modules.builtin"
	fi
	return 0
}

# depth first, dependencies before the module; a cycle cannot happen in
# a kernel's modules, but a broken folder must not loop forever
mod_closure() {
	local -A seen=()
	local out=() m
	_mod_visit() {
		local n d
		mod_norm "$1"
		n=$REPLY
		[ -n "${seen[$n]:-}" ] && return 0
		seen[$n]=1
		if [ -z "${MOD_PATH[$n]+x}" ]; then
			[ -n "${MOD_BUILTIN[$n]:-}" ] && return 0
			echo "$ME: module $n: not found (and not built in)" >&2
			return 1
		fi
		for d in ${MOD_DEPS[$n]}; do
			_mod_visit "$d" || return 1
		done
		out+=("$n")
	}
	for m in "$@"; do
		_mod_visit "$m" || return 1
	done
	[ ${#out[@]} -gt 0 ] && printf '%s\n' "${out[@]}"
	return 0
}

# kernel_release BZIMAGE: the release string from the x86 boot header
# (setup header field kernel_version at 0x20e, an offset from 0x200)
kernel_release() {
	local f=$1 off
	off=$(od -An -t u2 -j 526 -N 2 "$f" 2>/dev/null | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 1
	dd if="$f" bs=1 skip=$((off + 512)) count=256 status=none 2>/dev/null |
		tr '\0' '\n' | head -n 1 | cut -d' ' -f1
}

# size_bytes 512M|2G|123: bytes (K, M, G, T suffixes, powers of 1024)
size_bytes() {
	local s=$1 n u
	[[ $s =~ ^([0-9]+)([KkMmGgTt]?)(i?B)?$ ]] || return 1
	n=${BASH_REMATCH[1]}
	u=${BASH_REMATCH[2]}
	case $u in
	'') ;;
	[Kk]) n=$((n << 10)) ;;
	[Mm]) n=$((n << 20)) ;;
	[Gg]) n=$((n << 30)) ;;
	[Tt]) n=$((n << 40)) ;;
	esac
	echo "$n"
}

# json_str TEXT: TEXT as a JSON string (quotes, backslashes, controls)
json_str() {
	local s=$1 res='' c i
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\t'/\\t}
	s=${s//$'\r'/\\r}
	# any other control character
	if [[ $s == *[$'\001'-$'\037']* ]]; then
		for ((i = 0; i < ${#s}; i++)); do
			c=${s:i:1}
			if [[ $c == [$'\001'-$'\037'] ]]; then
				printf -v c '\\u%04x' "'$c"
			fi
			res+=$c
		done
		s=$res
	fi
	printf '"%s"' "$s"
}
