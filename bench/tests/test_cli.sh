#!/usr/bin/env bash
# CLI errors and exit codes of vfio-pm-bench (no device needed).
# usage: test_cli.sh path/to/vfio-pm-bench
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# expect CODE PATTERN CMD...: exit code CODE and PATTERN (grep -E) in stderr+stdout.
expect() {
	local code=$1 pat=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$code" ] && echo "$out" | grep -qE -- "$pat"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $* -> exit $rc (want $code), output:"
		echo "$out" | head -5 | sed 's/^/    /'
	fi
}

expect 2 "usage: vfio-pm-bench <command>" "$bin"
expect 2 "unknown command 'frobnicate'" "$bin" frobnicate
expect 0 "vfio-pm-bench [0-9a-f]" "$bin" --version
expect 0 "^null: " "$bin" list
expect 0 "usage: vfio-pm-bench run" "$bin" run --help
expect 2 "no --suite given" "$bin" run
expect 2 "unknown suite 'nope'" "$bin" run --suite nope
expect 2 "invalid --samples 'abc'" "$bin" run --suite null --samples abc
expect 2 "invalid --samples '-5'" "$bin" run --suite null --samples -5
expect 2 "invalid --warmup '10'" "$bin" run --suite null --warmup 10
expect 2 "invalid --device 'xyz'" "$bin" run --suite ioctl --device xyz
expect 2 "invalid --variant 'upstream'" "$bin" run --suite ioctl --variant upstream
expect 2 "invalid --iommu 'magic'" "$bin" run --suite ioctl --iommu magic
expect 2 "unexpected argument 'extra'" "$bin" run --suite null extra
expect 2 "invalid --run-id 'a/b'" "$bin" run --suite null --run-id a/b
expect 2 "not a PCI address" "$bin" platform --device 12345
# refuses CODE PATTERN CMD...: a refusal: exit CODE, exactly one line on
# stderr matching PATTERN, nothing on stdout and no results written.
refuses() {
	local code=$1 pat=$2 rc n
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	n=$(wc -l <"$tmp/err")
	if [ "$rc" = "$code" ] && [ "$n" = 1 ] && grep -qE -- "$pat" "$tmp/err" &&
		[ ! -s "$tmp/out" ] && [ ! -e "$tmp/refused" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $* -> exit $rc (want $code), $n stderr lines (want 1):"
		sed 's/^/    /' "$tmp/err" "$tmp/out" | head -5
		[ -e "$tmp/refused" ] && echo "    and it wrote $tmp/refused"
	fi
	rm -rf "$tmp/refused"
}

# No device named: the harness never guesses one.
unset VFIO_PM_BENCH_DEVICE
refuses 4 'suite ioctl needs a device: name it with --device BDF or \$VFIO_PM_BENCH_DEVICE' \
	"$bin" run --suite ioctl,d3cold --results "$tmp/refused"
# ... where another suite can run, that one runs and the other is noted as skipped.
expect 0 "suite ioctl: skipped: no --device" "$bin" run \
	--suite null,ioctl -n 20 --warmup 1ms --results "$tmp/r" --run-id skip
grep -q '"reason": "no --device given' "$tmp"/r/*/skip/run.json && pass=$((pass + 1)) ||
	{ fail=$((fail + 1)); echo "FAIL: skipped suite not noted in run.json"; }
# A device that does not exist.
refuses 1 "^vfio-pm-bench: 0000:7f:1f.7: no such PCI device$" "$bin" run --suite ioctl \
	--device 7f:1f.7 --results "$tmp/refused"
# A device bound to another driver (the first one this machine has; the QEMU
# platform's tests refuse its e1000e the same way): never touched.
other=""
for d in /sys/bus/pci/devices/*; do
	drv=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)
	[ -n "$drv" ] && [ "$drv" != vfio-pci ] && { other=${d##*/}; break; }
done
if [ -n "$other" ]; then
	refuses 1 "^vfio-pm-bench: $other is bound to $drv, not vfio-pci$" "$bin" run \
		--suite d3cold --device "$other" --results "$tmp/refused"
else
	echo "note: no PCI device bound to a driver other than vfio-pci here; not tested"
fi
# Two runs of different platforms: compare refuses without --cross-platform (usage).
fix=$(cd "$(dirname "$0")" && pwd)/fixtures/runs/qemu-q35-tcg-icount/20261124T120000Z-vm
mkdir -p "$tmp/x/a" "$tmp/x/b"
cp -r "$fix" "$tmp/x/a/run"
cp -r "$fix" "$tmp/x/b/run"
sed -i 's/"platform": "qemu-q35-tcg-icount"/"platform": "epyc-9654"/' "$tmp"/x/b/run/*.json
refuses 2 "is platform 'qemu-q35-tcg-icount', .* is 'epyc-9654' \(add --cross-platform" \
	"$bin" compare "$tmp/x/a/run" "$tmp/x/b/run"
expect 0 "platform differs: platform: qemu-q35-tcg-icount -> epyc-9654" "$bin" compare \
	--cross-platform "$tmp/x/a/run" "$tmp/x/b/run"
# An unwritable results directory: a clear error, exit 1.
expect 1 "cannot create directory /proc/vpb" "$bin" run --suite null --results /proc/vpb/x
# A complete run of the null suite.
expect 0 "done \(4 cases measured" "$bin" run --suite null -n 200 --warmup 1ms --rounds 2 \
	--results "$tmp/r" --run-id ok
d=$(ls -d "$tmp"/r/*/ok)
for f in run.json summary.json null.empty.hist.csv null.getppid.hist.csv; do
	[ -s "$d/$f" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: $f missing"; }
done
grep -q '"status": "complete"' "$d/run.json" && pass=$((pass + 1)) ||
	{ fail=$((fail + 1)); echo "FAIL: run not complete"; }
ls "$d" | grep -q '\.tmp\.' && { fail=$((fail + 1)); echo "FAIL: temp files left"; } ||
	pass=$((pass + 1))
# The same run id again: refused, the earlier run untouched.
sum=$(md5sum <"$d/summary.json")
expect 1 "cannot create run directory" "$bin" run --suite null -n 10 --results "$tmp/r" --run-id ok
[ "$(md5sum <"$d/summary.json")" = "$sum" ] && pass=$((pass + 1)) ||
	{ fail=$((fail + 1)); echo "FAIL: an earlier run was modified"; }


# --summary defer: run writes series.raw.json and summarize the rest, the
# same files as a run that summarized itself (--summary both keeps the raw file).
expect 2 "invalid --summary 'here': expected run, defer or both" "$bin" run --suite null \
	--summary here
expect 0 "usage: vfio-pm-bench summarize" "$bin" summarize --help
refuses 2 "summarize: expected one run directory" "$bin" summarize
expect 0 "done \(4 cases measured" "$bin" run --suite null -n 200 --warmup 1ms --rounds 2 \
	--results "$tmp/s" --run-id both --summary both
both=$(ls -d "$tmp"/s/*/both)
mkdir "$both-host"
cp "$both"/run.json "$both"/series.raw.json "$both-host/"
expect 0 "summarize: .*: 4 series summarized" "$bin" summarize "$both-host"
n=0
for f in "$both"/summary.json "$both"/*.csv; do
	n=$((n + 1))
	cmp -s "$f" "$both-host/${f##*/}" || { n=-99; echo "FAIL: summarize: ${f##*/} differs from run's"; }
done
[ "$n" = 6 ] && [ ! -e "$both-host/series.raw.json" ] && [ -e "$both/series.raw.json" ] &&
	grep -q '"summary_computed_by": "run"' "$both/run.json" &&
	grep -q '"summary_computed_by": "summarize"' "$both-host/run.json" && pass=$((pass + 1)) ||
	{ fail=$((fail + 1)); echo "FAIL: summarize of a --summary both run ($n files alike)"; }
expect 0 "done \(4 cases measured" "$bin" run --suite null -n 200 --warmup 1ms --rounds 2 \
	--results "$tmp/s" --run-id def --summary defer
def=$(ls -d "$tmp"/s/*/def)
[ "$(ls "$def")" = "$(printf 'run.json\nseries.raw.json')" ] &&
	grep -q '"summary_computed_by": "deferred"' "$def/run.json" &&
	grep -q '"status": "complete"' "$def/run.json" && pass=$((pass + 1)) ||
	{ fail=$((fail + 1)); echo "FAIL: a deferred run holds run.json and the raw file only"; }
# bad_raw PATTERN CMD...: a copy of the deferred run broken by CMD (run in
# it): summarize refuses it (exit 2, one line) and changes nothing.
bad_raw() {
	local pat=$1 before
	shift
	rm -rf "$tmp/bad" && cp -r "$def" "$tmp/bad" && (cd "$tmp/bad" && "$@")
	before=$(cd "$tmp/bad" && ls && cat ./*)
	refuses 2 "$pat" "$bin" summarize "$tmp/bad"
	[ "$(cd "$tmp/bad" && ls && cat ./*)" = "$before" ] && pass=$((pass + 1)) ||
		{ fail=$((fail + 1)); echo "FAIL: summarize of a bad input ($*) changed the run"; }
}
refuses 2 "summarize: $tmp/nope: no such run directory" "$bin" summarize "$tmp/nope"
bad_raw "summarize: .*/bad: no series.raw.json" rm series.raw.json
bad_raw "summarize: .*/series.raw.json: line [0-9]+, column [0-9]+: premature end of input" truncate -s 300 series.raw.json
bad_raw 'series.raw.json: series 0: "round": expected an integer from 1 to 2' \
	sed -i '0,/"round":1,/s//"round":"1",/' series.raw.json
bad_raw 'series.raw.json: unknown schema_version 99 \(this harness reads 1\)' \
	sed -i 's/^{"schema_version":1,/{"schema_version":99,/' series.raw.json
bad_raw "series.raw.json: series 0: \"case\": unknown case 'null.nosuch'" \
	sed -i 's/"case":"empty"/"case":"nosuch"/' series.raw.json
bad_raw "series.raw.json: series 0: \"suite\": unknown suite 'nope'" \
	sed -i 's/"suite":"null"/"suite":"nope"/' series.raw.json
bad_raw "run.json: not the run of series.raw.json \(def\)" \
	sed -i 's/"run_id": "def"/"run_id": "other"/' run.json
expect 0 "summarize: .*: 4 series summarized" "$bin" summarize --keep-raw "$def"
[ -s "$def/series.raw.json" ] && [ -s "$def/summary.json" ] && pass=$((pass + 1)) ||
	{ fail=$((fail + 1)); echo "FAIL: summarize --keep-raw"; }
expect 0 "summarize: .*: 4 series summarized" "$bin" summarize "$def"
[ ! -e "$def/series.raw.json" ] && grep -q '"status": "complete"' "$def/run.json" &&
	grep -q '"summary_computed_by": "summarize"' "$def/run.json" && pass=$((pass + 1)) ||
	{ fail=$((fail + 1)); echo "FAIL: summarize removes the raw file and marks run.json"; }

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
