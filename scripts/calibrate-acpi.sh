#!/usr/bin/env bash
# Known-delay calibration of the d3cold suite on the QEMU platform: the
# emulated firmware's _ON latency is set to D ms and the measured exit must
# rise by D (plus msleep's rounding at HZ=250), the breakdown putting the
# rise in the platform power-on phase. For each D: a timing run (no tracing)
# and a --breakdown run, both stored under results/.
# usage: scripts/calibrate-acpi.sh [D ...]   (default: 0 20 50)
set -euo pipefail
cd "$(dirname "$0")/.."
delays=${*:-0 20 50}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dir=results/qemu-q35-tcg-icount
for d in $delays; do
	for mode in timing breakdown; do
		extra=()
		[ $mode = breakdown ] && extra=(--breakdown)
		kernel/vm/vm.sh --variants upstream --suites d3cold --devices bridge,root --rounds 1 \
			--acpi-on-delay-ms "$d" --run-id "$stamp-acpi-on-$d-$mode" --no-report \
			-- --cycles 10 --case exit,ioctl "${extra[@]}" >/dev/null
	done
done
printf '%-8s %-14s %-6s %10s %12s %12s %10s\n' device case D exit_ms platform_on d3cold_wait d0_ms
for d in $delays; do
	t=$dir/$stamp-acpi-on-$d-timing
	b=$dir/$stamp-acpi-on-$d-breakdown
	for f in "$t"/d3cold.*.csv; do
		case $f in *.hist.csv) continue ;; esac
		name=${f##*/d3cold.}; name=${name%.csv}
		med=$(jq -r --arg c "${name%%.*}" --arg d "${name#*.}" '.cases[] | select(.case == $c and (.device | gsub(":"; "-") | endswith($d))) | .variants.upstream.median / 1e6' "$t/summary.json")
		ph=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			$c["valid"] == 1 { on += $c["platform_on_ms"]; w += $c["d3cold_wait_ms"]; d0 += $c["d0_ms"]; n++ }
			END { if (n) printf "%12.3f %12.3f %10.3f", on / n, w / n, d0 / n }' "$b/d3cold.$name.csv")
		printf '%-8s %-14s %-6s %10.3f %s\n' "${name#*.}" "${name%%.*}" "$d" "$med" "$ph"
	done
done
