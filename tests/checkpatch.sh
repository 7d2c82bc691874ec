#!/usr/bin/env bash
# Every variant and platform patch passes the pinned base's scripts/checkpatch.pl
# (0 errors, 0 warnings), ports to other bases (kernel/variants/<name>/<major.minor>/)
# included, and the test-only patches of tests/kernel-debug/. Run outside any git
# tree: checkpatch looks for one.
# MISSING_SIGN_OFF is ignored, and only it: the patches carry no Signed-off-by
# on purpose; whoever posts a series adds their own.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${VFIO_PM_BENCH_CACHE:-$HOME/.cache/vfio-pm-bench}
. "$top/kernel/base.sh"
base_load "$(base_default)"
tarball=$(base_tarball) || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -C "$tmp" -xf "$tarball" --wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
	'*/scripts/const_structs.checkpatch' 2>/dev/null
cp_pl=$(ls "$tmp"/*/scripts/checkpatch.pl 2>/dev/null) || { echo "not ok - no checkpatch.pl in $tarball"; exit 1; }
pass=0 fail=0
for p in "$top"/kernel/variants/*/0*.patch "$top"/kernel/variants/*/*/0*.patch \
	"$top"/kernel/platform/0*.patch "$top"/tests/kernel-debug/0*.patch; do
	[ -f "$p" ] || continue
	case "$p" in */0000-cover-letter.patch) continue ;; esac
	cp "$p" "$tmp/p.patch"
	if out=$(cd "$tmp" && perl "$cp_pl" --no-tree -q --ignore MISSING_SIGN_OFF p.patch 2>&1) && [ -z "$out" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "not ok - ${p#$top/}"
		echo "$out" | head -10 | sed 's/^/    /'
	fi
done
echo "checkpatch: $pass passed, $fail failed"
[ "$fail" = 0 ]
