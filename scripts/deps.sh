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
	# kernel build (the default base's source package is installed below, at its pinned version)
	flex bison bc libelf-dev libssl-dev patch xz-utils lz4 kmod rsync
	# QEMU platform
	qemu-system-x86 acpica-tools busybox-static cpio jq
	# the profile plugin's test runs a user program under qemu-x86_64
	qemu-user
	# report test (headless browser) and the tests in Python
	chromium python3
	# the LAVA test (tests/lava-test.sh): a real lava-run, no lava-server
	# (about 1.5 min and 53 MB the first time; python3-yaml comes with it)
	lava-dispatcher
)
# The default kernel base (kernel/bases/default) at exactly its pinned
# version: a newer one already installed is downgraded, never used.
cache=${VFIO_PM_BENCH_CACHE:-$HOME/.cache/vfio-pm-bench}
. "$(dirname "$0")/../kernel/base.sh"
base_load "$(base_default)"
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
base_installed || missing+=("$BASE_PACKAGE=$BASE_VERSION")
# QEMU 7.2's qemu-plugin.h for the profile plugin (from Debian's source
# package, into the cache; no root needed).
"$(dirname "$0")/qemu-plugin-h.sh" >/dev/null
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing Debian packages: ${missing[*]} (run as root, or apt-get install them)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Checked before anything is installed: a pin the archive no longer has is
# one clear line and exit 1, never an upgrade to whatever it has now.
base_archive_versions "$BASE_PACKAGE" | grep -qxF "$BASE_VERSION" || base_die "deps.sh: $(base_missing_msg)"
echo "deps.sh: installing ${missing[*]}" >&2
apt-get install -y -qq --no-install-recommends --allow-downgrades "${missing[@]}" >/dev/null
base_installed || base_die "deps.sh: $BASE_PACKAGE=$BASE_VERSION is still not installed"
