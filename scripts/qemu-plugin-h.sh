#!/usr/bin/env bash
# Fetch QEMU 7.2's qemu-plugin.h (the TCG plugin API plugin/vpb-profile.c is
# built against) into the cache: no Debian binary package ships it, so it
# is taken from Debian's source package of the installed qemu-system-x86,
# with a private apt configuration (the machine's sources stay untouched).
# Prints the header's directory. Used by scripts/deps.sh; CMake finds the
# header there.
set -euo pipefail
cache=${VFIO_PM_BENCH_CACHE:-$HOME/.cache/vfio-pm-bench}
dest=$cache/qemu-plugin-7.2
# QEMU 7.2's upstream source as Debian repacks it (qemu_7.2+dfsg.orig.tar.xz)
orig_sha256=91aca71520040edc40b8d437aa3004dae614f58e286cf653ee8996c07af2962f
if [ -f "$dest/qemu-plugin.h" ]; then
	echo "$dest"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/qemu-src.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sources" "$work/lists/partial"
echo "deb-src http://deb.debian.org/debian bookworm main" >"$work/sources/bookworm-src.list"
apt_opts=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$work/sources"
	-o Dir::State::Lists="$work/lists" -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" update -qq >"$work/apt.log" 2>&1 ||
	{ cat "$work/apt.log" >&2; echo "qemu-plugin-h.sh: apt-get update (deb-src) failed" >&2; exit 1; }
(cd "$work" && apt-get "${apt_opts[@]}" source --download-only qemu >>apt.log 2>&1) ||
	{ cat "$work/apt.log" >&2; echo "qemu-plugin-h.sh: apt-get source qemu failed" >&2; exit 1; }
orig=$work/qemu_7.2+dfsg.orig.tar.xz
[ -f "$orig" ] || { echo "qemu-plugin-h.sh: the archive has no qemu_7.2+dfsg.orig.tar.xz: $(ls "$work")" >&2; exit 1; }
echo "$orig_sha256  $orig" | sha256sum -c --quiet - ||
	{ echo "qemu-plugin-h.sh: $orig is not the pinned QEMU 7.2 source" >&2; exit 1; }
tar -xJf "$orig" -C "$work" --wildcards '*/include/qemu/qemu-plugin.h'
mkdir -p "$cache"
t=$(mktemp -d "$cache/qemu-plugin.XXXXXX")
cp "$work"/qemu-*/include/qemu/qemu-plugin.h "$t/"
mv -T "$t" "$dest" 2>/dev/null || rm -rf "$t"
echo "$dest"
