#!/usr/bin/env bash
# The disable_idle_d3 record of issue 20: `vfio-pm-bench stress --race
# idle-d3` (tests/guest/idle-d3.sh) on upstream, wakeref, percpu and v4 as
# they are in this tree, each with tests/kernel-debug/0003-idle-d3-param.patch
# appended (vfio-pci-core's copy of disable_idle_d3 made writable: it
# stands for reloading vfio-pci with another value while a device stays
# bound to a variant driver), and on "upstream-unlatched", upstream with
# 0004-idle-d3-latch-revert.patch too (the per-device latch of 6.12.96+
# reverted). The first four must pass, the last must fail. Runs in a
# temporary git worktree, so this tree's series stay as they are; results
# land in results/<platform>/<run-id>/ here.
# usage: tests/idle-d3.sh [CYCLES [vm.sh options...]]
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
cycles=${1:-20}
case "$cycles" in '' | *[!0-9]*) echo "usage: tests/idle-d3.sh [CYCLES [vm.sh options]]" >&2; exit 2 ;; esac
shift 1 2>/dev/null || shift $#
plat=qemu-q35-tcg-host
run_id=$(date -u +%Y%m%dT%H%M%SZ)-idle-d3
variants=upstream,upstream-unlatched,wakeref,percpu,v4
tree=$(mktemp -d /tmp/vpb-idle-d3.XXXXXX)
job=$(mktemp)
trap 'rm -f "$job"; git -C "$top" worktree remove --force "$tree" 2>/dev/null || rm -rf "$tree"' EXIT
rmdir "$tree"
git worktree add -q --detach "$tree" HEAD
# The harness and series as they are here (committed or not).
cp -r bench tests kernel "$tree/"
for v in upstream wakeref percpu v4; do
	echo ../../../tests/kernel-debug/0003-idle-d3-param.patch >>"$tree/kernel/variants/$v/series"
done
mkdir "$tree/kernel/variants/upstream-unlatched"
printf '%s\n' ../../../tests/kernel-debug/0003-idle-d3-param.patch \
	../../../tests/kernel-debug/0004-idle-d3-latch-revert.patch \
	>"$tree/kernel/variants/upstream-unlatched/series"
# A variant runs only on the bases that list it.
sed -i 's/^variants=.*/&,upstream-unlatched/' "$tree/kernel/bases/$(cat kernel/bases/default)"
{
	echo "IDLE_D3_ARGS='--cycles $cycles --duration 10min'"
	echo "IDLE_D3_OUT=/share/results/$plat/$run_id"
	cat tests/guest/idle-d3.sh
} >"$job"
rc=0
"$tree/kernel/vm/vm.sh" --clock host --smp 2 --devices root --variants "$variants" \
	--job "$job" --run-id "$run_id" --results "$top/results" --no-report --timeout 1800 "$@" || rc=$?
dir=results/$plat/$run_id
[ -d "$dir" ] || { echo "idle-d3.sh: no results in $dir" >&2; exit 1; }
{
	echo "# disable_idle_d3 flipped while the device is open"
	echo
	echo "Command: \`tests/idle-d3.sh $cycles $*\` (harness $(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD -- bench tests kernel || echo -dirty)): \`kernel/vm/vm.sh --clock host --smp 2 --devices root --variants $variants --job tests/guest/idle-d3.sh\`, every variant with tests/kernel-debug/0003-idle-d3-param.patch appended, upstream-unlatched with 0004-idle-d3-latch-revert.patch too. Stress: \`vfio-pm-bench stress --race idle-d3 --cycles $cycles\` (odd cycles open with disable_idle_d3 = 0 and close with 1, even cycles the reverse; power/control held on). Expected: upstream-unlatched fails, every other variant passes."
	echo
	echo "| variant | cycles | cycles with runtime_usage off | kernel splat lines | verdict |"
	echo "|---|---|---|---|---|"
	for j in "$dir"/*.json; do
		jq -e .race "$j" >/dev/null 2>&1 || continue # vm.json
		jq -r '"| \(.variant) | \(.cycles) | \(.usage_unbalanced) | \(.checks[] | select(.check == "no kernel splat") | .detail) | \(.verdict) |"' "$j"
	done
} >"$dir/README.md.tmp" && mv "$dir/README.md.tmp" "$dir/README.md"
cat "$dir/README.md"
exit $rc
