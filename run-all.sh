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
build/vfio-pm-bench vm --clock host --smp 2 --suites contention --devices root "$@"
