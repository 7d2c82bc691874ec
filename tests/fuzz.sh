#!/usr/bin/env bash
# Fuzz every parser of outside input (bench/fuzz/fuzz_*.c: results files,
# qualify specs, unit strings, sysfs/procfs values, platform identities,
# traces) with libFuzzer, ASan and UBSan, one target at a time:
#   tests/fuzz.sh [SECONDS]
# SECONDS per target: default 60, or $VPB_FUZZ_SECONDS. Each target starts
# from seeds made from bench/tests/fixtures (and bench/fuzz/seeds/*.txt, one
# input a line) plus the corpus earlier runs left in build-fuzz/corpus/.
# Prints "ok - fuzz <target> (<execs> execs)" or "not ok - fuzz <target>";
# the log is build-fuzz/logs/<target>.log, a crashing input of this run is
# saved in build-fuzz/artifacts/. Exit: 0 no crash, 1 a crash (or a build
# failure).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-${VPB_FUZZ_SECONDS:-60}}
b=build-fuzz
fx=bench/tests/fixtures

# One run at a time: runs share build-fuzz/ (binaries, seeds, corpus, logs).
mkdir -p $b
exec 9>$b/.lock
flock 9

CC=clang cmake -S . -B $b -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVPB_FUZZ=ON -DVPB_TESTS=OFF \
	>/dev/null
cmake --build $b -j"$(nproc)" >/dev/null

# Seeds, named by content (duplicates collapse).
rm -rf $b/seeds
seed() { # target < input
	local f
	f=$(mktemp)
	cat >"$f"
	mkdir -p "$b/seeds/$1"
	mv "$f" "$b/seeds/$1/$(sha1sum <"$f" | cut -c1-40)"
}
files() { # target file...
	local t=$1 f
	shift
	for f in "$@"; do seed "$t" <"$f"; done
}
lines() { # target file: one seed per line
	local l
	while IFS= read -r l; do printf '%s' "$l" | seed "$1"; done <"$2"
}
lines fuzz_units bench/fuzz/seeds/fuzz_units.txt
lines fuzz_options bench/fuzz/seeds/fuzz_options.txt
lines fuzz_kmsg bench/fuzz/seeds/fuzz_kmsg.txt
lines fuzz_rundir bench/fuzz/seeds/fuzz_rundir.txt
tr '\n' '\0' <bench/fuzz/seeds/fuzz_kmsg.txt | seed fuzz_kmsg
files fuzz_pm_cap $(find $fx/root-* -name config)
files fuzz_sysfs $(find $fx/root-* -type f -size -64k)
files fuzz_platform $fx/runs/*/platform.json
files fuzz_csv $fx/runs/*/*/*.csv
for d in $fx/runs/*/*/; do
	{ printf '\0' && cat "$d/summary.json"; } | seed fuzz_rundir
	{ printf '\1' && cat "$d/run.json"; } | seed fuzz_rundir
done
files fuzz_raw bench/fuzz/seeds/fuzz_raw.json
files fuzz_qualify results/qualify-example.spec
grep -v '^#' results/qualify-example.spec | grep . >$b/seeds/rules.txt
lines fuzz_qualify $b/seeds/rules.txt
i=0
for f in plugin.txt segments.tsv kallsyms.txt modules-a-r1.txt maps.txt user-symbols.tsv ../summary.json; do
	{ printf "\\$(printf %03o $i)" && cat "$fx/profile-run/profile/$f"; } | seed fuzz_profile
	i=$((i + 1))
done
files fuzz_ftrace $fx/ftrace/*.txt
for f in $fx/ftrace/*.txt; do
	for i in $(seq 1 40 "$(wc -l <"$f")"); do sed -n "$i,$((i + 39))p" "$f" | seed fuzz_ftrace; done
done

# The targets' scratch directories (fuzz.h), on tmpfs when there is one:
# the report they write is fsync'ed.
TMPDIR=$(mktemp -d /dev/shm/vpb-fuzz.XXXXXX 2>/dev/null || mktemp -d)
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
export UBSAN_OPTIONS=print_stacktrace=1
rm -rf $b/artifacts
mkdir -p $b/logs $b/artifacts
fail=0
for src in bench/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	log=$b/logs/$t.log
	mkdir -p "$b/corpus/$t"
	if $b/"$t" -max_total_time="$secs" -timeout=10 -close_fd_mask=3 -print_final_stats=1 \
		-artifact_prefix="$b/artifacts/$t-" "$b/corpus/$t" "$b/seeds/$t" >"$log" 2>&1; then
		echo "ok - fuzz $t ($(sed -n 's/^stat::number_of_executed_units: *//p' "$log") execs)"
	else
		echo "not ok - fuzz $t (log: $log)"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*check failed|artifact_prefix)' \
			"$log" | head -n 5 || true
		fail=1
	fi
done
exit $fail
