#!/usr/bin/env bash
# The main job: install what is missing, build the harness, build the
# kernel variants, boot the QEMU platform, run every suite on every variant,
# store the results under results/ and draw the report.
# Options are passed to `vfio-pm-bench vm` (see `build/vfio-pm-bench vm --help`).
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
exec build/vfio-pm-bench vm "$@"
