#!/usr/bin/env bash
# Check the harness against perf: the null suite's getppid() case and
# `perf bench syscall basic` (Debian's linux-perf), run back to back on this
# machine. Both outputs are stored in the run directory (perf-bench.txt) and
# the agreement is printed; exit 1 if the means differ by more than 5 %.
# usage: scripts/null-vs-perf.sh [results-dir]   (default: results)
set -euo pipefail
cd "$(dirname "$0")/.."
results=${1:-results}
bin=build/vfio-pm-bench
[ -x "$bin" ] || { echo "null-vs-perf.sh: build first (cmake -S . -B build && cmake --build build)" >&2; exit 2; }
command -v perf >/dev/null || { echo "null-vs-perf.sh: apt-get install linux-perf" >&2; exit 2; }
run=$("$bin" run --suite null --case getppid --samples 20000 --batch 100 --rounds 3 \
	--results "$results" --run-id "$(date -u +%Y%m%dT%H%M%SZ)-null-vs-perf")
perf_cmd="perf bench syscall basic --loop 2000000"
out=$($perf_cmd 2>&1)
{
	echo "# $perf_cmd, run right after the null suite, same machine"
	echo "$out"
} >"$run/perf-bench.txt.tmp" && mv "$run/perf-bench.txt.tmp" "$run/perf-bench.txt"
perf_ns=$(echo "$out" | awk '/usecs\/op/ { print $1 * 1000 }')
ours=$(jq -r '.cases[] | select(.case == "getppid") | .variants[] | .mean' "$run/summary.json")
med=$(jq -r '.cases[] | select(.case == "getppid") | .variants[] | .median' "$run/summary.json")
diff=$(echo "scale=2; 100 * ($ours - $perf_ns) / $perf_ns" | bc)
echo "getppid: vfio-pm-bench mean $ours ns (median $med ns), perf bench $perf_ns ns/op: ${diff}%"
echo "$run"
awk -v d="$diff" 'BEGIN { exit (d < -5 || d > 5) }'
