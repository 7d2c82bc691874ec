#!/usr/bin/env bash
# The A/A false-alarm record of `vfio-pm-bench compare` run against run
# (issue 18): 2*PAIRS host-clock runs of the same code, kernel, variants and
# job, each in its own boot (as a CI would compare today's run with an
# earlier one), then compare on pairs of them exactly as a gate would:
#   adjacent pairs  r01 r02, r03 r04, ...       (consecutive boots)
#   distant pairs   r01 r(PAIRS+1), r02 ...     (PAIRS boots apart)
# Every case and variant a compare judges counts; "regressed" or "improved"
# on an A/A pair is a false alarm. Each boot takes the heavy lock on its own,
# so other work gets turns between boots. Runs already present are kept
# (the script resumes); `--table` only redraws the README from them.
# Runs and README: results/qemu-q35-tcg-host/<stamp>-aa-compare/.
# usage: scripts/aa-compare.sh [--table] DIR|new [PAIRS]   (default 20 pairs)
set -euo pipefail
cd "$(dirname "$0")/.."
table_only=0
if [ "${1:-}" = --table ]; then table_only=1; shift; fi
plat=qemu-q35-tcg-host
dir=${1:-new} pairs=${2:-20}
case "$pairs" in '' | *[!0-9]*) echo "usage: scripts/aa-compare.sh [--table] DIR|new [PAIRS]" >&2; exit 2 ;; esac
[ "$dir" = new ] && dir=results/$plat/$(date -u +%Y%m%dT%H%M%SZ)-aa-compare
mkdir -p "$dir"
bin=build/vfio-pm-bench
lock=${VPB_HEAVY_LOCK:-/tmp/vpb-heavy.lock}
# The job: the ioctl suite's two wrapper cases and its control, and the
# contention suite at 1 and 2 threads, on upstream and no-get, 8 rounds (the
# host clock's default), one device on the root bus.
vm_args=(--clock host --smp 2 --suites ioctl,contention --devices root --variants no-get,upstream --no-report)
run_args=(--case ioctl.get-info,ioctl.config-read,ioctl.container-ioctl,contention.shared-fd,contention.container
	--samples 500 --threads 1,2 --duration 100ms)
runs=$((2 * pairs))
if [ $table_only = 0 ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	for i in $(seq -w 1 $runs); do
		[ -f "$dir/r$i/summary.json" ] && continue
		rm -rf "$dir/r$i" "$tmp/$plat"
		echo "# run r$i of $runs ($(date -u +%T))" >&2
		flock "$lock" nice "$bin" vm "${vm_args[@]}" --results "$tmp" --run-id "r$i" \
			-- "${run_args[@]}" >"$tmp/vm.log" 2>&1 || { tail -20 "$tmp/vm.log" >&2; exit 1; }
		mv "$tmp/$plat/r$i" "$dir/"
	done
fi
