#!/usr/bin/env bash
# The tests: unit tests (cmocka, through ctest), the same under ASan+UBSan,
# libFuzzer on every parser of outside input (tests/fuzz.sh), the kernel
# bases' exact pins, the QEMU platform tests (variants' semantics in the
# guest, a smoke run of every suite, guest-failure detection, icount
# determinism), a real LAVA job (lava-run) on the QEMU platform, and a
# second kernel build that must be byte-identical.
#   ./run-tests.sh           everything
#   ./run-tests.sh --unit    unit tests and fuzzing only (no kernel build, no VM)
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
# deps.sh installed gnuplot and chromium: a test that needs them fails
# without them instead of skipping.
export VPB_STRICT=1
jobs=$(nproc)
for cfg in "build:-DVPB_SANITIZE=OFF" "build-asan:-DVPB_SANITIZE=ON"; do
	dir=${cfg%%:*}
	echo "== unit tests ($dir)"
	cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVPB_TESTS=ON "${cfg#*:}" >/dev/null
	cmake --build "$dir" -j"$jobs" >/dev/null
	(cd "$dir" && ctest --output-on-failure -j"$jobs")
done
echo "== checkpatch on every kernel variant and platform patch"
tests/checkpatch.sh
echo "== fuzzing every parser of outside input (tests/fuzz.sh)"
tests/fuzz.sh
[ "${1:-}" = --unit ] && exit 0
echo "== kernel bases: exact pins (tests/bases-test.sh)"
tests/bases-test.sh
echo "== QEMU platform tests"
tests/vm-tests.sh build/vfio-pm-bench
echo "== LAVA: lava-run boots the QEMU platform and runs lava/vfio-pm-bench.yaml (tests/lava-test.sh)"
rc=0
tests/lava-test.sh || rc=$?
if [ "$rc" = 77 ]; then
	echo "== LAVA test SKIPPED (its reason is printed above)"
elif [ "$rc" != 0 ]; then
	exit "$rc"
fi
echo "== byte-identical kernel and initramfs from another directory and host (tests/repro-build.sh)"
tests/repro-build.sh
