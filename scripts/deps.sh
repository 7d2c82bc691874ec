#!/usr/bin/env bash
# Install the Debian 12 packages vfio-pm-bench needs (only the missing ones).
# Run as root. Used by run-all.sh, run-tests.sh and .ci/run.
set -euo pipefail
pkgs=(
	# harness
	gcc make cmake pkg-config libpfm4-dev libhwloc-dev libjansson-dev libcmocka-dev
	# hwloc XML with libxml2 (the topology fixtures are not in the minimalistic format)
	libhwloc-plugins
	gnuplot-nox clang-format linux-perf
	# fuzzing (libFuzzer runtime for clang)
	clang libclang-rt-14-dev
	# kernel build
	linux-source-6.12 flex bison bc libelf-dev libssl-dev patch xz-utils lz4 kmod rsync
	# QEMU platform
	qemu-system-x86 acpica-tools busybox-static cpio jq
	# report test (headless browser)
	chromium
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing Debian packages: ${missing[*]} (run as root, or apt-get install them)" >&2
	exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
