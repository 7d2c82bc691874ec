#!/usr/bin/env bash
# Record a fuzzing run: tests/fuzz.sh SECONDS (every target of bench/fuzz/
# in turn), then store, per target, what libFuzzer reported (executions,
# rate, coverage at start and end, corpus, peak RSS, crash or not) in
#   RESULTS/<this machine's platform slug>/<UTC stamp>-fuzz/
# as README.md (a table), stats.tsv (one row per target) and logs.tar.xz
# (libFuzzer's logs). The directory is built aside and renamed into place,
# so an interrupted run leaves nothing behind.
# usage: scripts/fuzz-record.sh [SECONDS [RESULTS]]   (default: 600 results)
# Exit: tests/fuzz.sh's (0 no crash, 1 a crash); the record is kept either way.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
results=${2:-results}
case $secs in '' | *[!0-9]*)
	echo "fuzz-record.sh: SECONDS must be a whole number, not '$secs'" >&2
	exit 2
	;;
esac
bin=build/vfio-pm-bench
[ -x "$bin" ] || { echo "fuzz-record.sh: build first (cmake -S . -B build && cmake --build build)" >&2; exit 2; }
slug=$("$bin" platform --slug)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dest=$results/$slug/$stamp-fuzz
mkdir -p "$results/$slug"
if [ ! -e "$results/$slug/platform.json" ]; then
	"$bin" platform >"$results/$slug/.platform.json.tmp"
	mv "$results/$slug/.platform.json.tmp" "$results/$slug/platform.json"
fi
tmp=$(mktemp -d "$results/$slug/.fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# "dirty" as the harness counts it (CMakeLists.txt): tracked files outside results/.
git diff --quiet HEAD -- . ':(exclude)results' 2>/dev/null || commit=$commit-dirty
t0=$(date +%s)
rc=0
tests/fuzz.sh "$secs" | tee "$tmp/tap.txt" || rc=$?
wall=$(($(date +%s) - t0))

# One row per target from its log: the "INITED" and "DONE" status lines and
# the -print_final_stats=1 block.
stat() { sed -n "s/^stat::$1: *//p" "$2"; }
status() { # log INITED|DONE field: the value after "field:" on that line
	awk -v k="$2" -v f="$3:" '$2 == k { for (i = 3; i < NF; i++) if ($i == f) v = $(i + 1) } END { print v }' "$1"
}
printf 'target\tresult\tseconds\texecs\texecs_per_s\tseed_files\tcov_start\tcov_end\tft_start\tft_end\tcorpus_end\tnew_units\tpeak_rss_mb\n' >"$tmp/stats.tsv"
for src in bench/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	log=build-fuzz/logs/$t.log
	res=$(awk -v t="$t" '$0 ~ "fuzz " t " " || $0 ~ "fuzz " t "$" { print ($1 == "ok" ? "ok" : "crash") }' "$tmp/tap.txt")
	secs_run=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
	seeds=$(sed -n 's/^INFO: seed corpus: files: \([0-9]*\).*/\1/p' "$log")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "${res:-missing}" \
		"${secs_run:--}" "$(stat number_of_executed_units "$log")" \
		"$(stat average_exec_per_sec "$log")" "${seeds:--}" \
		"$(status "$log" INITED cov)" "$(status "$log" DONE cov)" \
		"$(status "$log" INITED ft)" "$(status "$log" DONE ft)" \
		"$(status "$log" DONE corp | cut -d/ -f1)" "$(stat new_units_added "$log")" \
		"$(stat peak_rss_mb "$log")" >>"$tmp/stats.tsv"
done
tar -C build-fuzz -cJf "$tmp/logs.tar.xz" logs

{
	echo "# Fuzzing: every target of bench/fuzz/ for $secs s"
	echo
	echo "Machine: \`$slug\` (platform.json beside this directory), $(nproc) CPUs;"
	echo "harness at commit $commit; clang $(clang -dumpversion), libFuzzer with ASan and UBSan."
	echo "Started $stamp, $wall s wall in all; one target at a time."
	echo
	echo '```'
	echo "scripts/fuzz-record.sh $secs    # runs: tests/fuzz.sh $secs"
	echo '```'
	echo
	echo "Each target starts from the seeds tests/fuzz.sh makes from the test fixtures"
	echo "plus the corpus earlier runs on this machine left in build-fuzz/corpus/"
	echo "(\`seed files\`). \`cov\` is libFuzzer's count of covered edges and \`ft\` its"
	echo "features, when the seeds were loaded and when the run ended; \`seconds\` is"
	echo "the time spent fuzzing after loading them. The full logs are in logs.tar.xz."
	echo
	echo "| target | result | seconds | execs | execs/s | seed files | cov start → end | ft start → end | corpus | new units | peak RSS MB |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	tail -n +2 "$tmp/stats.tsv" | awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s → %s | %s → %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 }'
	echo
	crashes=$(tail -n +2 "$tmp/stats.tsv" | awk -F'\t' '$2 != "ok"' | wc -l)
	echo "Targets that crashed or did not run: $crashes (tests/fuzz.sh exit $rc)."
} >"$tmp/README.md"
chmod 755 "$tmp"
mv -T "$tmp" "$dest"
trap - EXIT
echo "$dest"
exit $rc
