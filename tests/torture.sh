#!/usr/bin/env bash
# The torture record of issue 20: `vfio-pm-bench stress --race intx|exit-fail`
# (tests/guest/torture.sh) on the variants as they are in this tree ("fixed")
# or as they were before the fixes ("old": wakeref, percpu and v4 of commit
# 7989bdd), each built with the test-only patches of tests/kernel-debug/
# appended to its series (a resume delay knob for the one-shot designs, an
# exit failure knob for v4). Runs in a temporary git worktree, so this tree's
# series stay as they are; results land in results/<platform>/<run-id>/ here.
# usage: tests/torture.sh old|fixed DELAY_MS [CYCLES [vm.sh options...]]
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
which=${1:-} delay=${2:-} cycles=${3:-200}
case "$which" in old|fixed) ;; *) echo "usage: tests/torture.sh old|fixed DELAY_MS [CYCLES [vm.sh options]]" >&2; exit 2 ;; esac
case "$delay$cycles" in ''|*[!0-9]*) echo "tests/torture.sh: DELAY_MS and CYCLES are whole numbers" >&2; exit 2 ;; esac
shift 3 2>/dev/null || shift $#
old_commit=7989bdd
plat=qemu-q35-tcg-host
run_id=$(date -u +%Y%m%dT%H%M%SZ)-torture-$which-delay$delay
tree=$(mktemp -d /tmp/vpb-torture.XXXXXX)
job=$(mktemp)
trap 'rm -f "$job"; git -C "$top" worktree remove --force "$tree" 2>/dev/null || rm -rf "$tree"' EXIT
rmdir "$tree"
git worktree add -q --detach "$tree" HEAD
# The harness as it is here (committed or not), the series as asked.
cp -r bench tests "$tree/"
[ "$which" = old ] && git -C "$tree" checkout -q "$old_commit" -- kernel/variants/wakeref \
	kernel/variants/percpu kernel/variants/v4
for v in upstream wakeref percpu; do
	echo ../../../tests/kernel-debug/0001-resume-delay.patch >>"$tree/kernel/variants/$v/series"
done
echo ../../../tests/kernel-debug/0002-v4-fail-exit.patch >>"$tree/kernel/variants/v4/series"
{
	echo "TORTURE_ARGS='--cycles $cycles --duration 20min --threads 1'"
	echo "TORTURE_OUT=/share/results/$plat/$run_id"
	echo "TORTURE_DELAY_MS=$delay"
	cat tests/guest/torture.sh
} >"$job"
rc=0
"$tree/kernel/vm/vm.sh" --clock host --smp 2 --devices root --variants upstream,wakeref,percpu,v4 \
	--job "$job" --run-id "$run_id" --results "$top/results" --no-report --timeout 3600 "$@" || rc=$?
dir=results/$plat/$run_id
[ -d "$dir" ] || { echo "torture.sh: no results in $dir" >&2; exit 1; }
{
	echo "# torture ($which series): INTx masks racing wake-ups, entries racing failing exits"
	echo
	echo "Command: \`tests/torture.sh $which $delay $cycles $*\` (harness $(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD -- bench tests kernel || echo -dirty)): \`kernel/vm/vm.sh --clock host --smp 2 --devices root --variants upstream,wakeref,percpu,v4 --job tests/guest/torture.sh\`, in a worktree whose series are $([ "$which" = old ] && echo "those of commit $old_commit for wakeref, percpu and v4" || echo "this commit's"), each with tests/kernel-debug/0001-resume-delay.patch (v4: 0002-v4-fail-exit.patch) appended. Resume delay: $delay ms. Stress: \`vfio-pm-bench stress --race intx\` (v4: \`--race exit-fail\`) \`--cycles $cycles --threads 1\`."
	echo
	echo "| variant | race | cycles | INTx masks lost | cycles with runtime_usage off | cycles not suspended | kernel splat lines | verdict |"
	echo "|---|---|---|---|---|---|---|---|"
	for j in "$dir"/*.json; do
		jq -e .race "$j" >/dev/null 2>&1 || continue # vm.json
		jq -r '"| \(.variant) | \(.race) | \(.cycles) | \(.intx_lost) | \(.usage_unbalanced) | \(.not_suspended) | \(.checks[] | select(.check == "no kernel splat") | .detail) | \(.verdict) |"' "$j"
	done
} >"$dir/README.md.tmp" && mv "$dir/README.md.tmp" "$dir/README.md"
cat "$dir/README.md"
exit $rc
