# bench/engines.sh - benchmark 2 (sourced by bench/bench.sh): dmaptest's
# native read engine (dt_read_check() of lib/libdt.a, the engine of
# truncate-od/native, through bench/dt_readbench) against fio (psync and
# io_uring), dd bs=1M and od -x, all on the same dmapfs file.
# shellcheck shell=bash

# eng_run NAME BYTES CMD...: run CMD, print the seconds it took to read:
# what fio (terse: read runtime) and dt_readbench (secs=) report about
# their reading, excluding their start-up (fio takes ~0.3 s to start its
# job process); the wall clock for dd and od.
eng_run() {
	local name=$1 bytes=$2 t0 secs own=
	shift 2
	t0=$EPOCHREALTIME
	"$@" >"$B_TMP/eng.out" 2>"$B_TMP/eng.err" ||
		bdie "engines: $name failed: $(head -c 300 "$B_TMP/eng.err")"
	secs=$(since "$t0")
	case $name in
	fio-*)
		# terse v3: field 6 read KiB, field 9 read runtime ms
		own=$(awk -F';' -v b="$bytes" 'NF > 9 && $6 * 1024 == b && $9 > 0 {
			printf "%.4f\n", $9 / 1000 }' "$B_TMP/eng.out" | head -n1)
		;;
	dt-*)
		own=$(sed -n 's/.* secs=\([0-9.]*\) .*ok=1.*/\1/p' "$B_TMP/eng.out")
		;;
	esac
	if [[ $name == fio-* || $name == dt-* ]]; then
		[[ $own ]] || bdie "engines: $name: no timing in its output: $(head -c 300 "$B_TMP/eng.out")"
		secs=$own
	fi
	echo "$secs"
}


bench_engines() {
	local f=$F_DM/$F_NAME mib=$((SIZE >> 20)) p name secs m best_fio=0
	local dt_rate rows json=() names=()
	local -A CMD BYTES S MED NOTE
	local fio_common=(fio --name=bench --filename="$f" --rw=read --bs=1M
		--size="$SIZE" --invalidate=0 --output-format=terse
		--terse-version=3)

	names=(dt-uring dt-uring-nocheck dt-pread fio-psync fio-io_uring dd od)
	CMD[dt-uring]="$READBENCH -e uring -q 4 -b 1M -x zero $f"
	NOTE[dt-uring]='dmaptest engine: io_uring qd 4, 1 MiB, every byte checked (truncate-od/native)'
	CMD[dt-uring-nocheck]="$READBENCH -e uring -q 4 -b 1M -x none $f"
	NOTE[dt-uring-nocheck]='dmaptest engine, no data check'
	CMD[dt-pread]="$READBENCH -e pread -b 1M -x zero $f"
	NOTE[dt-pread]='dmaptest engine: pread(2) 1 MiB, checked'
	CMD[fio-psync]="${fio_common[*]} --ioengine=psync"
	NOTE[fio-psync]='fio --ioengine=psync --bs=1M'
	CMD[fio-io_uring]="${fio_common[*]} --ioengine=io_uring --iodepth=4"
	NOTE[fio-io_uring]='fio --ioengine=io_uring --iodepth=4 --bs=1M'
	CMD[dd]="dd if=$f of=/dev/null bs=1M count=$mib status=none"
	NOTE[dd]='dd bs=1M'
	# the whole file: "od -N" reads 16 bytes per read(2)
	CMD[od]="od -x $f"
	NOTE[od]="od -x (one pass)"
	for name in "${names[@]}"; do
		BYTES[$name]=$SIZE
	done

	blog "engines: warm-up"
	# shellcheck disable=SC2086
	eng_run warm-up "$SIZE" ${CMD[dd]} >/dev/null
	for ((p = 1; p <= PASSES; p++)); do
		for name in "${names[@]}"; do
			[[ $name == od ]] && ((p > 1)) && continue
			# shellcheck disable=SC2086
			secs=$(eng_run "$name" "${BYTES[$name]}" ${CMD[$name]})
			S[$name]+=" $secs"
			blog "engines pass $p: $name: $secs s ($(mib_s "${BYTES[$name]}" "$secs") MiB/s)"
		done
	done
	for name in "${names[@]}"; do
		# shellcheck disable=SC2086
		MED[$name]=$(median ${S[$name]})
	done
	dt_rate=$(mib_s "$SIZE" "${MED[dt-uring]}")
	for name in fio-psync fio-io_uring; do
		m=$(mib_s "$SIZE" "${MED[$name]}")
		calc_ok "$m > $best_fio" && best_fio=$m
	done
	rows=$'## 2. Read engines on one dmapfs file\n\n'
	rows+="File: the same $(calc "$SIZE / 1073741824" %.0f) GiB sparse file through dmapfs (dmapfs drops the zero pages of holes it read, so every run starts cold). MiB/s from the reading time the tool reports (fio: terse read runtime; dmaptest engine: its own clock) or the wall clock (dd, od); median of $PASSES (od: one pass)."$'\n\n'
	rows+=$'| engine | MiB/s | / dmaptest engine |\n|---|---|---|\n'
	for name in "${names[@]}"; do
		m=$(mib_s "${BYTES[$name]}" "${MED[$name]}")
		rows+="| ${NOTE[$name]} | $m | $(calc "$m / $dt_rate" %.2f) |"$'\n'
		# shellcheck disable=SC2046,SC2086
		json+=("$(json_obj engine "$(json_str "$name")" \
			command "$(json_str "${CMD[$name]}")" \
			bytes "${BYTES[$name]}" median_s "${MED[$name]}" mib_s "$m" \
			passes_s "$(json_arr $(printf '%s\n' ${S[$name]}))")")
	done
	local ratio
	ratio=$(calc "$dt_rate / $best_fio" %.2f)
	goal "dmaptest engine >= faster fio engine" \
		"${ratio}x ($dt_rate vs $best_fio MiB/s)" \
		"$(calc_ok "$ratio >= 1.0" && echo 1 || echo 0)" ">= 1.0x" "$ratio"
	R_MD[engines]=$rows
	R_JSON[engines]=$(json_obj file_bytes "$SIZE" \
		results "$(json_arr "${json[@]}")" \
		dt_vs_best_fio "$ratio")
}
