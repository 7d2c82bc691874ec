#!/usr/bin/env bash
# Check the harness against perf: the null suite's getppid() case and
# `perf bench syscall basic` (Debian's linux-perf), run back to back on this
# machine. Both outputs are stored in the run directory (perf-bench.txt) and
# the agreement is printed; exit 1 if they differ by more than 5 %.
# perf bench prints total time / loops of one long loop; on a shared machine
# other processes put outliers into any single loop or mean, so perf runs 3
# times before and 3 times after the harness, and the median of its 6 figures
# is compared with the harness's median.
# usage: scripts/null-vs-perf.sh [results-dir]   (default: results)
set -euo pipefail
cd "$(dirname "$0")/.."
results=${1:-results}
bin=build/vfio-pm-bench
[ -x "$bin" ] || { echo "null-vs-perf.sh: build first (cmake -S . -B build && cmake --build build)" >&2; exit 2; }
command -v perf >/dev/null || { echo "null-vs-perf.sh: apt-get install linux-perf" >&2; exit 2; }
perf_cmd="perf bench syscall basic --loop 1000000"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for i in 1 2 3; do $perf_cmd >>"$tmp" 2>&1; done
run=$("$bin" run --suite null --case getppid --samples 20000 --batch 100 --rounds 3 \
	--results "$results" --run-id "$(date -u +%Y%m%dT%H%M%SZ)-null-vs-perf")
for i in 1 2 3; do $perf_cmd >>"$tmp" 2>&1; done
{
	echo "# $perf_cmd, 3 times before and 3 times after the null suite, same machine"
	cat "$tmp"
} >"$run/perf-bench.txt.tmp" && mv "$run/perf-bench.txt.tmp" "$run/perf-bench.txt"
perf_ns=$(awk '/usecs\/op/ { print $1 * 1000 }' "$tmp" | sort -n | awk '{ v[NR] = $1 } END { print (v[3] + v[4]) / 2 }')
ours=$(jq -r '.cases[] | select(.case == "getppid") | .variants[] | .median' "$run/summary.json")
diff=$(echo "scale=2; 100 * ($ours - $perf_ns) / $perf_ns" | bc)
echo "getppid: vfio-pm-bench median $ours ns, perf bench median of 6 runs $perf_ns ns/op: ${diff}%"
echo "$run"
awk -v d="$diff" 'BEGIN { exit (d < -5 || d > 5) }'
