#!/usr/bin/env bash
# Reliability record (issue 9): `vfio-pm-bench stress` on every variant and
# device of the QEMU platform, booted with the debug kernel (lockdep, KASAN,
# DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS) on 2 vCPUs, so the threads really race.
# Results: results/qemu-q35-tcg-host/<stamp>-stress-debug/ with one JSON, the
# text output and the variant's `check` per variant and device, the guest's
# dmesg and a README table.
# usage: scripts/stress.sh [CYCLES [DEVICES [DURATION]]]   (default 10000 root 20min)
set -euo pipefail
cd "$(dirname "$0")/.."
cycles=${1:-10000} devices=${2:-root} duration=${3:-20min}
case "$cycles" in ''|*[!0-9]*) echo "usage: scripts/stress.sh [CYCLES [DEVICES [DURATION]]]" >&2; exit 2 ;; esac
plat=qemu-q35-tcg-host
run_id=$(date -u +%Y%m%dT%H%M%SZ)-stress-debug
job=$(mktemp)
trap 'rm -f "$job"' EXIT
{
	echo "STRESS_ARGS='--cycles $cycles --duration $duration --threads 2'"
	echo "STRESS_OUT=/share/results/$plat/$run_id"
	cat tests/guest/stress.sh
} >"$job"
rc=0
kernel/vm/vm.sh --debug-kernel --clock host --smp 2 --devices "$devices" --job "$job" \
	--run-id "$run_id" --no-report --timeout 14400 || rc=$?
dir=results/$plat/$run_id
[ -d "$dir" ] || { echo "stress.sh: no results in $dir" >&2; exit 1; }
{
	echo "# stress on the debug kernel: $cycles low-power cycles per variant and device"
	echo
	echo "Command: \`scripts/stress.sh $cycles $devices $duration\` (harness $(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD -- bench kernel || echo -dirty)): \`kernel/vm/vm.sh --debug-kernel --clock host --smp 2 --devices $devices --job tests/guest/stress.sh\`, each variant loaded by \`vfio-pm-bench check --variant\` (its output: \`<variant>-<device>.check\`), then \`vfio-pm-bench stress --cycles $cycles --duration $duration --threads 2\`."
	echo "Debug kernel: kernel/config/debug.config (PROVE_LOCKING, DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS, KASAN). The guest's whole log: dmesg.txt."
	echo
	echo "| variant | device | cycles | ioctls+reads | second opens | wakeups | ms suspended | seconds | checks failed | failed as expected (no-get) | kernel splat lines | verdict |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
	for j in "$dir"/*.json; do
		jq -r '"| \(.variant) | \(.device) | \(.cycles) | \(.ops) | \(.opens) | \(.wakeups) | \(.suspended_ms) | \(.seconds * 10 | round / 10) | \([.checks[] | select(.verdict == "FAIL")] | length) | \([.checks[] | select(.verdict == "expected") | "\(.check): \(.detail)"] | join("; ")) | \(.checks[] | select(.check == "no kernel splat") | .detail) | \(.verdict) |"' "$j"
	done
	echo
	echo "Checks per run: final exit accepted; device in D0 and active; runtime_usage equal to its value after open; ioctls and reads succeed; reads return the device's ID; low-power entries and exits accepted; second fds open and work; runtime_usage back to its value before the run after close; no lockdep, KASAN, UBSAN, WARN, BUG, ODEBUG or atomic-sleep line in /dev/kmsg since the start."
} >"$dir/README.md.tmp" && mv "$dir/README.md.tmp" "$dir/README.md"
cat "$dir/README.md"
exit $rc
