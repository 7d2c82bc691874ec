#!/usr/bin/env bash
# Kernel bases (kernel/bases/, kernel/base.sh): exact pins. Needs root and the
# Debian archive; it installs packages, and leaves the default base's pinned
# version installed, as scripts/deps.sh does.
set -uo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
result() { # name, status (0 = pass)
	if [ "$2" = 0 ]; then passed=$((passed + 1)); echo "ok - $1"
	else failed=$((failed + 1)); echo "not ok - $1"; fi
}
cache=$tmp/cache
. kernel/base.sh
base_load "$(base_default)"
pinned=$BASE_VERSION pkg=$BASE_PACKAGE

# 1. A pin the archive lacks: one line naming it and what the archive has,
# exit 1, before anything is installed or built.
mkdir -p "$tmp/bases"
sed "s/^version=.*/version=0.0.0-gone/" "kernel/bases/$(base_default)" >"$tmp/bases/gone"
echo gone >"$tmp/bases/default"
before=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null)
VPB_BASES_DIR=$tmp/bases scripts/deps.sh >"$tmp/deps.out" 2>&1
rc=$?
after=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null)
ok=0
[ $rc = 1 ] || { echo "    deps.sh exit $rc, not 1"; ok=1; }
[ "$(wc -l <"$tmp/deps.out")" = 1 ] || { echo "    deps.sh printed:"; sed 's/^/      /' "$tmp/deps.out"; ok=1; }
grep -qF "$pkg=0.0.0-gone" "$tmp/deps.out" && grep -qF "$pinned" "$tmp/deps.out" &&
	grep -qF "kernel/bases/gone" "$tmp/deps.out" || { echo "    message: $(cat "$tmp/deps.out")"; ok=1; }
[ "$before" = "$after" ] || { echo "    $pkg changed from $before to $after"; ok=1; }
result "deps.sh: a pin the archive lacks fails at once, naming the versions it has" $ok
VFIO_PM_BENCH_CACHE=$cache VPB_BASES_DIR=$tmp/bases kernel/build.sh --uapi-only >"$tmp/build.out" 2>&1
rc=$?
ok=0
[ $rc = 1 ] && grep -qF "$pkg=0.0.0-gone, which the archive no longer has" "$tmp/build.out" &&
	[ ! -d "$cache/src" ] || { echo "    exit $rc: $(cat "$tmp/build.out")"; ok=1; }
result "build.sh: a pin the archive lacks fails before any build" $ok

# 2. A tarball whose sha256 is not the pinned one is refused.
sed "s/^sha256=.*/sha256=$(printf '%064d' 0)/" "kernel/bases/$(base_default)" >"$tmp/bases/badsum"
echo badsum >"$tmp/bases/default"
VFIO_PM_BENCH_CACHE=$cache VPB_BASES_DIR=$tmp/bases kernel/build.sh --uapi-only >"$tmp/build.out" 2>&1
rc=$?
ok=0
[ $rc = 1 ] && grep -q "not the pinned 0000" "$tmp/build.out" || { echo "    exit $rc: $(cat "$tmp/build.out")"; ok=1; }
result "build.sh: a tarball with another sha256 is refused" $ok

# 3. An unknown base is a usage error naming the catalogue.
kernel/build.sh --base nosuch --uapi-only >"$tmp/build.out" 2>&1
rc=$?
ok=0
[ $rc = 2 ] && grep -q "unknown kernel base 'nosuch' (valid: .*$(base_default)" "$tmp/build.out" ||
	{ echo "    exit $rc: $(cat "$tmp/build.out")"; ok=1; }
result "build.sh --base: an unknown base is exit 2 with the valid names" $ok

# 4. Another version already installed (a newer one, as on a machine that
# installed the archive's current package first): deps.sh installs the pin.
other=$(base_archive_versions "$pkg" | grep -vxF "$pinned" | tail -n1)
if [ -z "$other" ]; then
	result "deps.sh: the pinned version replaces another one installed (no other version in the archive)" 1
else
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --allow-downgrades \
		"$pkg=$other" >"$tmp/apt.out" 2>&1 || cat "$tmp/apt.out"
	scripts/deps.sh >"$tmp/deps.out" 2>&1
	rc=$?
	now=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null)
	[ $rc = 0 ] && [ "$now" = "$pinned" ]
	st=$?
	[ $st = 0 ] || { echo "    deps.sh exit $rc, $pkg $now installed (pinned: $pinned, was $other)"; cat "$tmp/deps.out"; }
	result "deps.sh: the pinned $pinned replaces $other" $st
fi

# 5. Every base in the catalogue is well formed and its version is in the
# archive (a base the archive dropped is named here before anyone needs it).
ok=0
for b in $(base_names); do
	(base_load "$b") 2>"$tmp/err" || { echo "    $b: $(cat "$tmp/err")"; ok=1; continue; }
	base_load "$b"
	base_archive_versions "$BASE_PACKAGE" | grep -qxF "$BASE_VERSION" ||
		echo "    # $b: $(base_missing_msg)"
done
result "every base in kernel/bases is well formed" $ok

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
