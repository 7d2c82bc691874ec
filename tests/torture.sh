#!/usr/bin/env bash
# The torture records of issue 20, in a temporary git worktree (this tree's
# series stay as they are; results land in results/<platform>/<run-id>/
# here), with test-only patches of tests/kernel-debug/ appended to the
# series:
#  - old|fixed: `vfio-pm-bench stress --race intx|exit-fail`
#    (tests/guest/torture.sh) on the variants as they are in this tree
#    ("fixed") or as they were before the fixes ("old": wakeref, percpu and
#    v4 of commit 7989bdd), with a resume delay knob for the one-shot
#    designs and an exit failure knob for v4;
#  - idle-d3: `vfio-pm-bench stress --race idle-d3` on upstream, wakeref,
#    percpu and v4 as they are here, each with vfio-pci-core's copy of
#    disable_idle_d3 made writable (it stands for reloading vfio-pci with
#    another value while a device stays bound to a variant driver), and on
#    "upstream-unlatched", upstream with the per-device latch of 6.12.96+
#    reverted too: the last must fail, the others pass.
# usage: tests/torture.sh old|fixed DELAY_MS [CYCLES [vm.sh options...]]
#        tests/torture.sh idle-d3 [CYCLES [vm.sh options...]]
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
usage="usage: tests/torture.sh old|fixed DELAY_MS [CYCLES [vm.sh options]] | idle-d3 [CYCLES [vm.sh options]]"
which=${1:-}
case "$which" in
old | fixed) delay=${2:-} cycles=${3:-200} n=3 ;;
idle-d3) delay=0 cycles=${2:-20} n=2 ;;
*) echo "$usage" >&2; exit 2 ;;
esac
case "$delay$cycles" in '' | *[!0-9]*) echo "tests/torture.sh: DELAY_MS and CYCLES are whole numbers" >&2; exit 2 ;; esac
shift $n 2>/dev/null || shift $#
old_commit=7989bdd
plat=qemu-q35-tcg-host
stamp=$(date -u +%Y%m%dT%H%M%SZ)
tree=$(mktemp -d /tmp/vpb-torture.XXXXXX)
job=$(mktemp)
trap 'rm -f "$job"; git -C "$top" worktree remove --force "$tree" 2>/dev/null || rm -rf "$tree"' EXIT
rmdir "$tree"
git worktree add -q --detach "$tree" HEAD
# The harness and series as they are here (committed or not), the old
# series if asked.
cp -r bench tests kernel "$tree/"
debug=../../../tests/kernel-debug
if [ "$which" = idle-d3 ]; then
	run_id=$stamp-idle-d3
	variants=upstream,upstream-unlatched,wakeref,percpu,v4
	for v in upstream wakeref percpu v4; do
		echo "$debug/0003-idle-d3-param.patch" >>"$tree/kernel/variants/$v/series"
	done
	mkdir "$tree/kernel/variants/upstream-unlatched"
	printf '%s\n' "$debug/0003-idle-d3-param.patch" "$debug/0004-idle-d3-latch-revert.patch" \
		>"$tree/kernel/variants/upstream-unlatched/series"
	# A variant runs only on the bases that list it.
	sed -i 's/^variants=.*/&,upstream-unlatched/' "$tree/kernel/bases/$(cat kernel/bases/default)"
	title="disable_idle_d3 flipped while the device is open"
	what="every variant with tests/kernel-debug/0003-idle-d3-param.patch appended, upstream-unlatched with 0004-idle-d3-latch-revert.patch too. Stress: \`vfio-pm-bench stress --race idle-d3 --cycles $cycles\` (odd cycles open with disable_idle_d3 = 0 and close with 1, even cycles the reverse; power/control held on). Expected: upstream-unlatched fails, every other variant passes."
	echo "TORTURE_RACE=idle-d3"
else
	run_id=$stamp-torture-$which-delay$delay
	variants=upstream,wakeref,percpu,v4
	[ "$which" = old ] && git -C "$tree" checkout -q "$old_commit" -- kernel/variants/wakeref \
		kernel/variants/percpu kernel/variants/v4
	for v in upstream wakeref percpu; do
		echo "$debug/0001-resume-delay.patch" >>"$tree/kernel/variants/$v/series"
	done
	echo "$debug/0002-v4-fail-exit.patch" >>"$tree/kernel/variants/v4/series"
	title="torture ($which series): INTx masks racing wake-ups, entries racing failing exits"
	what="in a worktree whose series are $([ "$which" = old ] && echo "those of commit $old_commit for wakeref, percpu and v4" || echo "this commit's"), each with tests/kernel-debug/0001-resume-delay.patch (v4: 0002-v4-fail-exit.patch) appended. Resume delay: $delay ms. Stress: \`vfio-pm-bench stress --race intx\` (v4: \`--race exit-fail\`) \`--cycles $cycles --threads 1\`."
fi >"$job"
{
	echo "TORTURE_ARGS='--cycles $cycles --duration 20min --threads 1'"
	echo "TORTURE_OUT=/share/results/$plat/$run_id"
	echo "TORTURE_DELAY_MS=$delay"
	cat tests/guest/torture.sh
} >>"$job"
rc=0
"$tree/kernel/vm/vm.sh" --clock host --smp 2 --devices root --variants "$variants" \
	--job "$job" --run-id "$run_id" --results "$top/results" --no-report --timeout 3600 "$@" || rc=$?
dir=results/$plat/$run_id
[ -d "$dir" ] || { echo "torture.sh: no results in $dir" >&2; exit 1; }
{
	echo "# $title"
	echo
	echo "Command: \`tests/torture.sh $which $([ "$which" = idle-d3 ] || echo "$delay ")$cycles $*\` (harness $(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD -- bench tests kernel || echo -dirty)): \`kernel/vm/vm.sh --clock host --smp 2 --devices root --variants $variants --job tests/guest/torture.sh\`, $what"
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
