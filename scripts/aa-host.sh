#!/usr/bin/env bash
# A/A calibration under QEMU's host clock (issue 5): in one boot, REPEATS runs
# of the ioctl suite, each interleaving upstream, upstream loaded again under
# another name (upstream@b) and no-get over ROUNDS rounds, reference upstream.
# For each repeat: does the A/A shift's interval contain 0, by the pooled
# Moses interval and by the round-level signed-rank interval; and how wide is
# the interval of the real shift (no-get vs upstream, the wrapper)?
# The runs and a README with the table go to
# results/qemu-q35-tcg-host/<stamp>-aa-host-<REPEATS>/.
# usage: scripts/aa-host.sh [REPEATS [ROUNDS]]   (default 20 8)
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-20} rounds=${2:-8}
case "$repeats$rounds" in *[!0-9]*) echo "usage: scripts/aa-host.sh [REPEATS [ROUNDS]]" >&2; exit 2 ;; esac
run_id=$(date -u +%Y%m%dT%H%M%SZ)-aa-host-$repeats
plat=qemu-q35-tcg-host
dev=0000:00:03.0
cases=get-info,config-read,container-ioctl
job=$(mktemp)
trap 'rm -f "$job"' EXIT
cat >"$job" <<JOB
out=/tmp/results/$plat/$run_id
mkdir -p \$out
rc=0
for i in \$(seq -w 1 $repeats); do
	echo "# repeat \$i of $repeats"
	vfio-pm-bench run --suite ioctl --case $cases --device $dev \\
		--variant upstream=/lib/vfio-variants/upstream \\
		--variant upstream@b=/lib/vfio-variants/upstream \\
		--variant no-get=/lib/vfio-variants/no-get --reference upstream \\
		--rounds $rounds --samples 300 --no-counters --iommu noiommu --clock-label host \\
		--results /tmp/aa --platform-id $plat --run-id r\$i >/dev/null || rc=1
	mv /tmp/aa/$plat/r\$i \$out/
done
cp -r /tmp/results /share/ || rc=1
exit \$rc
JOB
kernel/vm/vm.sh --clock host --smp 2 --devices root --variants upstream,no-get --job "$job" \
	--run-id "$run_id" --no-report --timeout 3600
dir=results/$plat/$run_id
[ -d "$dir" ] || { echo "aa-host.sh: no results in $dir" >&2; exit 1; }

# One row per repeat and case: A/A (upstream@b - upstream) pooled and by
# rounds; the wrapper (upstream - no-get = -(no-get - upstream)) by rounds.
rows=$(for s in "$dir"/r*/summary.json; do
	jq -r --arg r "$(basename "$(dirname "$s")")" '
	def has0: if . == null then "n/a" elif (.[0] <= 0 and .[1] >= 0) then "yes" else "NO" end;
	def f: if . == null then "n/a" else (. * 10 | round / 10 | tostring) end;
	.cases[] | .case as $c | .variants.upstream.median as $m |
	.vs_reference as $v |
	"| \($r) | \($c) | \($m | f) | \($v["upstream@b"].hl_ci95 | has0) | \($v["upstream@b"].rounds.median_diff | f) [\($v["upstream@b"].rounds.ci[0] | f), \($v["upstream@b"].rounds.ci[1] | f)] | \($v["upstream@b"].rounds.ci | has0) | \(- $v["no-get"].rounds.median_diff | f) [\(- $v["no-get"].rounds.ci[1] | f), \(- $v["no-get"].rounds.ci[0] | f)] | \((($v["no-get"].rounds.ci[1] - $v["no-get"].rounds.ci[0]) / 2 / $m * 100) | f) |"' "$s"
done)
count() { echo "$rows" | awk -F'|' -v c="$1" -v col="$2" '$3 ~ " "c" " { n++; if ($col ~ /yes/) y++ } END { printf "%d of %d", y, n }'; }
{
	echo "# A/A under the host clock: $repeats repeats of $rounds rounds"
	echo
	echo "Command: \`scripts/aa-host.sh $repeats $rounds\` (harness $(jq -r .harness_revision "$dir/r01/run.json")), one boot: \`kernel/vm/vm.sh --clock host --smp 2 --devices root\`."
	echo "Each repeat \`r<i>/\` is one \`vfio-pm-bench run --suite ioctl --case $cases --device $dev\` with the variants upstream, upstream@b (the same modules, loaded again under another name) and no-get, interleaved and rotated round by round, reference upstream, 300 samples per case, variant and round."
	echo
	echo "A/A intervals that contain 0 (target: 19 of 20 or better):"
	echo
	echo "| case | pooled samples (Moses 95 %) | rounds (signed rank, exact >= 95 %) |"
	echo "|---|---|---|"
	for c in ${cases//,/ }; do
		echo "| $c | $(count "$c" 5) | $(count "$c" 7) |"
	done
	echo
	echo "The wrapper's interval by rounds has a half-width of at most 5 % of upstream's median in:"
	for c in get-info config-read; do
		echo "$rows" | awk -F'|' -v c=" $c " '$3 == c { n++; if ($9 + 0 <= 5) y++ } END { printf "- %s: %d of %d repeats\n", c, y, n }'
	done
	echo
	echo "All figures in ns per ioctl (emulated, host clock). A/A = upstream@b - upstream; wrapper = upstream - no-get, by rounds; half-width in % of upstream's median."
	echo
	echo "| repeat | case | upstream median | A/A pooled CI has 0 | A/A by rounds [CI] | has 0 | wrapper by rounds [CI] | CI half-width % |"
	echo "|---|---|---|---|---|---|---|---|"
	echo "$rows"
} >"$dir/README.md.tmp" && mv "$dir/README.md.tmp" "$dir/README.md"
sed -n 1,16p "$dir/README.md"
