#!/usr/bin/env bash
# compare, qualify and run as gates: every bad input gets its documented
# exit code and one clear line on stderr (no device, no VM needed).
# usage: test_gate.sh path/to/vfio-pm-bench
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
fix=$here/fixtures/runs/qemu-q35-tcg-icount/20261124T120000Z-vm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*"
}

# gate CODE LINES PATTERN CMD...: exit CODE, exactly LINES lines on stderr
# (the pattern is looked for in stderr when LINES > 0, else in stdout);
# LINES "-": any stderr (a successful run: ASan's leak report lists the
# suppressions it used).
gate() {
	local code=$1 lines=$2 pat=$3 rc n where
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	n=$(wc -l <"$tmp/err")
	where=$tmp/err
	[ "$lines" = 0 ] || [ "$lines" = - ] && where=$tmp/out
	[ "$lines" = - ] && lines=$n
	if [ "$rc" = "$code" ] && [ "$n" = "$lines" ] && grep -qE -- "$pat" "$where"; then
		ok
	else
		bad "$* -> exit $rc (want $code), $n stderr lines (want $lines), want /$pat/:"
		sed 's/^/    /' "$tmp/err" | head -5
		grep -E 'missing|insufficient|not judged|regressed|FAIL' "$tmp/out" | head -5 |
			sed 's/^/    out: /'
	fi
}

# copy NAME: a fresh copy of the fixture run
copy() {
	rm -rf "${tmp:?}/$1"
	cp -r "$fix" "$tmp/$1"
	echo "$tmp/$1"
}

# jqi FILE FILTER: edit a JSON file in place
jqi() {
	jq "$2" "$1" >"$1.new" && mv "$1.new" "$1"
}

# ---- compare ----------------------------------------------------------------
base=$(copy base)

# the fixture against itself: every case judged, none regressed
gate 0 0 "0 regressed, 0 improved, 12 unchanged, 0 missing, 0 insufficient data, 0 not judged" \
	"$bin" compare "$base" "$(copy same)"
grep -q "^harness differs" "$tmp/out" && bad "same harness: a difference printed" || ok
# two harness revisions: said (a figure includes the harness's own loop)
h=$(copy harness)
jqi "$h/run.json" '.harness_revision = "0123456789ab"'
gate 0 0 "^harness differs: .* -> 0123456789ab " "$bin" compare "$base" "$h"

# a corrupt histogram: named with its line, exit 2 (was: "insufficient data", exit 0)
new=$(copy corrupt-hist)
sed -i '0,/^upstream /s/^upstream \([0-9.]*\) .*/upstream \1 x 7/' "$new/ioctl.get-info.01-00.0.hist.csv"
gate 2 1 "ioctl.get-info.01-00.0.hist.csv:[0-9]+: corrupt: expected 'variant lo_ns hi_ns count'" \
	"$bin" compare "$base" "$new"
# a histogram whose samples are not those summary.json counts
new=$(copy short-hist)
sed -i '/^upstream /d' "$new/ioctl.get-info.01-00.0.hist.csv"
gate 2 1 "ioctl.get-info.01-00.0: 0 valid samples of upstream read, summary.json counts 4000" \
	"$bin" compare "$base" "$new"

# wrongly typed summary.json members: refused, naming the member (was: cases dropped)
new=$(copy typed)
jqi "$new/summary.json" '.cases[0].variants.upstream.valid = "4000"'
gate 2 1 "summary.json: corrupt: cases\[0\] \(ioctl.get-info 0000:01:00.0\) variants.upstream.valid: expected an integer" \
	"$bin" compare "$base" "$new"
new=$(copy typed-suite)
jqi "$new/summary.json" '.cases[1].suite = 5'
gate 2 1 "summary.json: corrupt: cases\[1\].suite: expected a string" \
	"$bin" compare "$base" "$new"

# a whole suite missing from NEW: each of its cases fails by name
new=$(copy nosuite)
jqi "$new/summary.json" '.cases |= map(select(.suite != "d3cold"))'
rm "$new"/d3cold.*
gate 1 0 "^missing: d3cold.exit 0000:01:00.0 upstream: absent from NEW" \
	"$bin" compare "$base" "$new"
grep -q "^0 regressed, 0 improved, 6 unchanged, 6 missing" "$tmp/out" && ok ||
	bad "a missing suite: counts"

# a variant NEW never ran (its modules did not load): each case fails by name
new=$(copy novariant)
jqi "$new/summary.json" '.cases |= map(.variants |= del(.v4) | .vs_reference |= del(.v4))'
sed -i '/^v4 /d' "$new"/*.hist.csv
gate 1 0 "^missing: d3cold.exit 0000:00:04.0 v4: NEW \(20261124T120000Z-vm\) has no variant v4$" \
	"$bin" compare "$base" "$new"

# valid samples fell from 20/20 to 0/20: missing, with the true reason
new=$(copy fell)
jqi "$new/summary.json" '(.cases[] | select(.suite == "d3cold" and .device == "0000:01:00.0")
	| .variants.upstream) |= {valid: 0, total: 20, rounds: 2, median: null,
	why: "20 of 20 samples invalid: verify: not D3cold"}'
awk '$1 == "upstream" && $5 == 1 { $5 = 0 } 1' "$fix/d3cold.exit.01-00.0.csv" \
	>"$new/d3cold.exit.01-00.0.csv"
sed -i '/^upstream /d' "$new/d3cold.exit.01-00.0.hist.csv"
gate 1 0 "^missing: d3cold.exit 0000:01:00.0 upstream: NEW upstream has 0 valid of 20 samples: 20 of 20 samples invalid" \
	"$bin" compare "$base:upstream" "$new:upstream"

# run.json full of NUL bytes: exit 2 (was: an error, then exit 0)
new=$(copy nul)
head -c 4096 /dev/zero >"$new/run.json"
gate 2 1 "run.json:.*corrupt" "$bin" compare "$base" "$new"

# an unknown schema_version: refused, never misread
new=$(copy schema)
jqi "$new/summary.json" '.schema_version = 99'
gate 2 1 "summary.json: schema_version 99: this harness reads versions 1 to [0-9]+" \
	"$bin" compare "$base" "$new"

# insufficient data fails, unless allowed
new=$(copy few)
jqi "$new/summary.json" '(.cases[] | select(.suite == "d3cold" and .device == "0000:01:00.0")
	| .variants.upstream) |= (.valid = 5)'
awk '$1 == "upstream" && $5 == 1 && ++k > 5 { $5 = 0 } 1' "$fix/d3cold.exit.01-00.0.csv" \
	>"$new/d3cold.exit.01-00.0.csv"
gate 1 0 "^insufficient data: d3cold.exit 0000:01:00.0 upstream: BASE upstream has 20 valid of 20 samples, NEW upstream 5 of 20; the pooled test needs 10 or more a side" \
	"$bin" compare "$base:upstream" "$new:upstream"
gate 0 0 "1 insufficient data" "$bin" compare --allow-insufficient "$base:upstream" \
	"$new:upstream"

# the host clock: pooled samples of 2 rounds give no verdict, and say why
a=$(copy host-a) b=$(copy host-b)
jqi "$a/run.json" '.clock.label = "host"'
jqi "$b/run.json" '.clock.label = "host"'
gate 1 0 "^not judged: ioctl.get-info 0000:01:00.0 upstream: pooled samples of the host clock, which drifts between rounds, do not judge" \
	"$bin" compare "$a" "$b"
grep -q "regressed" <(grep -v "^0 regressed" "$tmp/out") && bad "host: a regressed verdict" || ok

# two variants of one run: the shift and interval summary.json stores, to the ns
"$here/../../scripts/check-compare.sh" "$bin" "$fix" "$here/fixtures/runs/qemu-q35-tcg-icount/20261125T014317Z-vm" \
	>"$tmp/out" 2>&1 && ok || { bad "check-compare.sh on the fixtures:"; tail -5 "$tmp/out"; }

# a run that keeps its exact samples: compared as two runs, from them, to the ns
exact=$here/fixtures/runs/qemu-q35-tcg-icount-exact/20261205T102529Z-vm
"$here/../../scripts/check-compare.sh" "$bin" "$exact" >"$tmp/out" 2>&1 &&
	grep -q "(2 of them as two runs, from exact samples), all agree" "$tmp/out" && ok ||
	{ bad "check-compare.sh on the exact fixture:"; tail -5 "$tmp/out"; }
ea=$tmp/exact-a eb=$tmp/exact-b
cp -r "$exact" "$ea"
cp -r "$exact" "$eb"
jqi "$eb/run.json" '.run_id = "exact-b" | .start_time = "2026-12-05T11:00:00Z"'
gate 0 0 "^pooled figures \(4 cases\) from the exact samples" "$bin" compare "$ea" "$eb"
# ... which say which figures an older run gave
gate 0 0 "^pooled figures \(6 cases\) from histogram midpoints" "$bin" compare "$base" \
	"$(copy same)"
# exact samples that are not those summary.json summarised: exit 2, one line
awk -F, 'NR == 2 { $4 = $4 + 1 } 1' OFS=, "$exact/ioctl.get-info.01-00.0.values.csv" \
	>"$eb/ioctl.get-info.01-00.0.values.csv"
gate 2 1 "ioctl.get-info.01-00.0.values.csv: the median of no-get is [0-9.]+ ns, summary.json says" \
	"$bin" compare "$ea" "$eb"
awk -F, 'NR == 2 { $5 = $5 - 1 } 1' OFS=, "$exact/ioctl.get-info.01-00.0.values.csv" \
	>"$eb/ioctl.get-info.01-00.0.values.csv"
gate 2 1 "ioctl.get-info.01-00.0: [0-9]+ valid samples of no-get read, summary.json counts" \
	"$bin" compare "$ea" "$eb"

# a --noise file that cannot be read, or is not floors: exit 2, one line
gate 2 1 "^vfio-pm-bench: compare: --noise /nonexistent/noise.json:" "$bin" compare \
	--noise /nonexistent/noise.json "$base" "$base"
echo '{"floors": [{"suite": "ioctl", "pct": -1}]}' >"$tmp/noise.json"
gate 2 1 "^vfio-pm-bench: compare: --noise .*: expected \"floors\"" "$bin" compare \
	--noise "$tmp/noise.json" "$base" "$base"

# two host-clock runs take their platform's noise floors (noise.json beside
# BASE's run directory) without --noise; --noise none judges without them.
# r16 r17 of the A/A record: config-read's upstream +7.4 % without a floor (9.5 %).
aa=$here/../../results/qemu-q35-tcg-host/20261205T101620Z-aa-compare
mkdir -p "$tmp/plat"
cp -r "$aa/r16" "$aa/r17" "$tmp/plat/"
gate 1 0 "^ioctl.config-read .* upstream .* regressed" "$bin" compare "$tmp/plat/r16" "$tmp/plat/r17"
cp "$aa/noise.json" "$tmp/plat/noise.json"
gate 0 0 "^1 regressed|judged against the larger of the threshold and its between-boot noise floor \($tmp/plat/noise.json\)" \
	"$bin" compare "$tmp/plat/r16" "$tmp/plat/r17"
gate 1 0 "^ioctl.config-read .* upstream .* regressed" "$bin" compare --noise none "$tmp/plat/r16" "$tmp/plat/r17"
grep -q "noise floor" "$tmp/out" && bad "--noise none: a floor was used" || ok
# the platform's noise.json, corrupt: exit 2, one line naming it
echo '{"floors": 1}' >"$tmp/plat/noise.json"
gate 2 1 "^vfio-pm-bench: compare: --noise $tmp/plat/noise.json: expected \"floors\"" \
	"$bin" compare "$tmp/plat/r16" "$tmp/plat/r17"

# ... and on every committed icount run that keeps its histograms (the
# determinism boots keep only some), and the host clock's A/A runs of 8
# rounds (the round-level shift too)
runs=$(find "$here/../../results/qemu-q35-tcg-icount" "$here"/../../results/qemu-q35-tcg-host/*-aa-host-20 \
	-name summary.json -not -path '*determinism*' -printf '%h\n' 2>/dev/null)
if [ -n "$runs" ]; then
	# shellcheck disable=SC2086
	"$here/../../scripts/check-compare.sh" "$bin" $runs >"$tmp/out" 2>&1 && ok ||
		{ bad "check-compare.sh on results/:"; tail -5 "$tmp/out"; }
fi

# ---- qualify -----------------------------------------------------------------
spec() {
	printf '%s\n' "$2" >"$tmp/$1.spec"
	echo "$tmp/$1.spec"
}
good=$(spec good 'd3cold.exit.max <= 150ms')
for status in interrupted failed running; do
	run=$(copy "q-$status")
	jqi "$run/run.json" ".status = \"$status\""
	gate 1 1 "^vfio-pm-bench: qualify: .*/q-$status: run.json status is '$status', not 'complete': not certifying it$" \
		"$bin" qualify --spec "$good" "$run"
	[ ! -e "$run/qualify" ] && ok || bad "qualify wrote a certificate of a $status run"
done
run=$(copy q-nul)
head -c 4096 /dev/zero >"$run/run.json"
gate 2 1 "run.json:.*corrupt" "$bin" qualify --spec "$good" "$run"
run=$(copy q)
gate 2 1 "e.spec:1: unknown state 'D5'" "$bin" qualify --spec "$(spec e 'd3cold.exit.state == D5')" "$run"
gate 2 1 "e.spec:1: value '-5ms': a p99 is never negative" "$bin" qualify \
	--spec "$(spec e 'd3cold.exit.p99 <= -5ms')" "$run"
gate 2 1 "e.spec:1: value '31/30': a ratio of valid samples to samples is at most 1" "$bin" qualify \
	--spec "$(spec e 'd3cold.exit.valid >= 31/30')" "$run"
gate 2 1 "e.spec:1: unknown suite 'd3cld'" "$bin" qualify --spec "$(spec e 'd3cld.exit.max <= 1s')" "$run"
gate 2 1 "e.spec:1: unknown case 'exti' of suite d3cold" "$bin" qualify \
	--spec "$(spec e 'd3cold.exti.max <= 1s')" "$run"
gate 2 1 "e.spec:1: clock: unknown clock 'wall'" "$bin" qualify --spec "$(spec e 'clock: wall')" "$run"
# a p99 of 20 samples: the rule fails and says why
gate 1 0 "^FAIL .*d3cold.exit.p99 <= 150ms: too few samples: a p99 needs 100 or more valid, upstream has 20" \
	"$bin" qualify --spec "$(spec p99 'd3cold.exit.p99 <= 150ms')" "$run"
# the clock is printed, and a spec can require one
gate 1 0 "^FAIL .*clock: native: icount" "$bin" qualify --spec "$(spec clk 'clock: native')" "$run"
grep -q "^clock icount: instruction-time" "$tmp/out" && ok || bad "qualify: the clock is not printed"
# entry latency is a metric (this run is from before summary.json stored it)
gate 1 0 "^FAIL .*d3cold.entry.max <= 30ms: no data: no entry latency in this run's summary" \
	"$bin" qualify --spec "$(spec entry 'd3cold.entry.max <= 30ms')" "$run"
# certificates: one per spec and run, never overwritten
gate 0 0 "^PASS \(certificate: .*/qualify/good-[0-9a-f]{12}.md\)" "$bin" qualify --spec "$good" "$run"
gate 0 0 "^PASS \(this spec's certificate of this run exists and is kept: .*/qualify/good-[0-9a-f]{12}.md\)" \
	"$bin" qualify --spec "$good" "$run"
[ "$(ls "$run/qualify" | wc -l)" = 12 ] && ok || bad "qualify: $(ls "$run/qualify" | wc -l) files, want 12 (4 specs x 3)"
jq -e '.rules[0].results[0] | (.value | type) == "number" and .unit == "ns"' \
	"$run"/qualify/good-*.json >/dev/null && ok || bad "certificate: measured value not a number with a unit"

# ---- report: entry latency in summary.md ----------------------------------------
mkdir -p "$tmp/plat"
cp -r "$fix" "$tmp/plat/e"
jqi "$tmp/plat/e/summary.json" '(.cases[] | select(.suite == "d3cold" and .device == "0000:01:00.0")
	| .variants.upstream) += {entry: {n: 20, median: 11900000, p90: 12000000, p99: 24000000,
	max: 24400000, median_ci95: [11800000, 12100000]}}'
VPB_GNUPLOT=true "$bin" report "$tmp/plat" --run e >/dev/null 2>&1
grep -qE "^upstream +11.9 \[11.8, 12.1\] +24 +20  d3cold.exit.01-00.0 \(ms" \
	"$tmp/plat/e/report/summary.md" && ok || bad "summary.md: no entry latency"

# ---- run: checked before anything is written -----------------------------------
unset VFIO_PM_BENCH_DEVICE
# nowrite CODE PATTERN ARGS...: `run ARGS --results DIR` refused with one line,
# and DIR never created
nowrite() {
	local code=$1 pat=$2
	shift 2
	gate "$code" 1 "$pat" "$bin" run "$@" --results "$tmp/refused"
	[ ! -e "$tmp/refused" ] && ok || bad "run $*: wrote $tmp/refused"
	rm -rf "$tmp/refused"
}
nowrite 2 "^vfio-pm-bench: run: unknown case 'nosuch' in suite null" --suite null --case nosuch
nowrite 2 "^vfio-pm-bench: run: unknown case 'ioctl.get-info' in suite null" --suite null \
	--case ioctl.get-info
nowrite 2 "^vfio-pm-bench: run: --events: unknown event 'bogus_event'" --suite null \
	--events bogus_event
nowrite 2 "^vfio-pm-bench: run: --variant foo=/nonexistent: no such directory" --suite null \
	--variant foo=/nonexistent
mkdir -p "$tmp/empty"
nowrite 2 "^vfio-pm-bench: run: --variant foo=$tmp/empty: no vfio.ko there" --suite null \
	--variant "foo=$tmp/empty"
nowrite 2 "^vfio-pm-bench: run: invalid --cpu '65535': this machine has CPUs 0 to [0-9]+" \
	--suite null --cpu 65535
# a known case still runs: NAME and SUITE.NAME
gate 0 - "/gate/" "$bin" run -q --suite null --case null.empty -n 10 --warmup 1ms --rounds 1 \
	--results "$tmp/r" --platform-id gate
# run ids never collide: the ids of this second and the next ones are taken
for i in $(seq 0 30); do
	mkdir -p "$tmp/r/gate/$(date -u -d "+$i sec" +%Y%m%dT%H%M%SZ)-null"
done
gate 0 - "/gate/[0-9]{8}T[0-9]{6}Z-null-2$" "$bin" run -q --suite null -n 10 --warmup 1ms \
	--results "$tmp/r" --platform-id gate
d=$(cat "$tmp/out")
jq -e --arg id "${d##*/}" '.run_id == $id and .status == "complete"' "$d/run.json" >/dev/null &&
	ok || bad "run id: run.json does not name ${d##*/}"
# host-clock runs default to 8 rounds, icount runs to 2
jq -e '.options.rounds == 8' "$d/run.json" >/dev/null && ok || bad "default rounds: not 8"
gate 0 - "/gate/" "$bin" run -q --suite null -n 10 --warmup 1ms --clock-label icount \
	--results "$tmp/r" --platform-id gate --run-id ic
jq -e '.options.rounds == 2' "$tmp/r/gate/ic/run.json" >/dev/null && ok ||
	bad "default rounds under icount: not 2"
# summary.json of this harness: schema 2, read back by compare
jq -e '.schema_version == 2' "$tmp/r/gate/ic/summary.json" >/dev/null && ok || bad "schema 2"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
