#!/usr/bin/env bash
# The main job: install what is missing, build the harness, build the
# kernel variants, boot the QEMU platform, run every suite on every variant,
# store the results under results/ and draw the report.
# Two boots: the ioctl and d3cold suites under the exact icount clock, and
# the contention suite under the host clock with 2 vCPUs (icount runs one
# vCPU at a time, so it cannot show contention), on one device. Options are passed to both
# `vfio-pm-bench vm` calls (see `build/vfio-pm-bench vm --help`), e.g.
# `--base debian-6.12.118` for another kernel base (kernel/bases/).
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# Only the harness: the unit tests are run-tests.sh's.
cmake --build build -j"$(nproc)" --target vfio-pm-bench >/dev/null
build/vfio-pm-bench vm --suites ioctl,d3cold "$@"
# The contention boot: 250 ms per point in each of the host clock's 8 rounds,
# 2 s per point in all as before (2 rounds of 1 s); a --duration after `--`
# still wins.
pre=() post=() sep=0
for a in "$@"; do
	if [ $sep = 0 ] && [ "$a" = -- ]; then sep=1; continue; fi
	if [ $sep = 0 ]; then pre+=("$a"); else post+=("$a"); fi
done
build/vfio-pm-bench vm --clock host --smp 2 --suites contention --devices root ${pre[@]+"${pre[@]}"} \
	-- --duration 250ms ${post[@]+"${post[@]}"}
