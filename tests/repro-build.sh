#!/usr/bin/env bash
# Byte-identical builds: the default base built a second time, from a copy of
# the checkout in another directory, into another cache, under another host
# name, gives the same bzImage, variant modules and initramfs as the first.
# An icount figure recorded on one machine can then be reproduced on another.
# Needs root (unshare --uts); one extra kernel build (8-10 minutes on 2 cores).
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
tmp=$(mktemp -d /tmp/vpb-repro.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
variants=no-get,upstream
job=$tmp/job.sh
echo 'echo repro' >"$job"
hashes() { # CHECKOUT CACHE -> "name sha256" lines of the images
	local out
	out=$(cd "$1" && VFIO_PM_BENCH_CACHE=$2 kernel/build.sh --variants $variants) || return 1
	eval "$(echo "$out" | grep -E '^[A-Z_a-z0-9]+=')"
	echo "bzImage $(sha256sum <"$BZIMAGE" | cut -d' ' -f1)"
	for v in ${variants//,/ }; do
		var=VARIANT_${v//-/_}
		for ko in "${!var}"/*.ko; do echo "$v/${ko##*/} $(sha256sum <"$ko" | cut -d' ' -f1)"; done
	done
	(cd "$1" && VFIO_PM_BENCH_CACHE=$2 VPB_KEEP_INITRAMFS=$tmp/initramfs-${2##*/} kernel/vm/vm.sh \
		--variants $variants --job "$job" --no-report --timeout 120 --results "$tmp/r") \
		>"$tmp/vm-${2##*/}.log" 2>&1
	sed -n 's/.*images: .*initramfs /initramfs /p' "$tmp/vm-${2##*/}.log"
}
# The members of two initramfs archives that differ (content or link target).
cpio_diff() {
	local d
	for d in a b; do mkdir -p "$tmp/x-$d"; done
	(cd "$tmp/x-a" && cpio -id --quiet <"$1") && (cd "$tmp/x-b" && cpio -id --quiet <"$2") &&
		diff -rq --no-dereference "$tmp/x-a" "$tmp/x-b" | sed "s|$tmp/x-[ab]/||g" | head -n 10
}
echo "# first build: this checkout, ${VFIO_PM_BENCH_CACHE:-$HOME/.cache/vfio-pm-bench}, host $(hostname)"
hashes "$top" "${VFIO_PM_BENCH_CACHE:-$HOME/.cache/vfio-pm-bench}" >"$tmp/a" || { echo "not ok - first build"; exit 1; }
mkdir -p "$tmp/elsewhere"
rsync -a --exclude '/build*' --exclude '/results' "$top/" "$tmp/elsewhere/checkout-two/"
echo "# second build: $tmp/elsewhere/checkout-two, cache $tmp/cache-two, host repro-other-host"
unshare --uts bash -c "hostname repro-other-host && $(declare -f hashes) &&
	job=$job tmp=$tmp variants=$variants hashes $tmp/elsewhere/checkout-two $tmp/cache-two" \
	>"$tmp/b" || { echo "not ok - second build"; exit 1; }
if diff "$tmp/a" "$tmp/b" >"$tmp/diff" && [ "$(grep -c . "$tmp/a")" -ge 4 ]; then
	sed 's/^/    /' "$tmp/a"
	echo "ok - two builds in different directories under different host names are byte-identical"
	echo "1 passed, 0 failed"
else
	sed 's/^/    /' "$tmp/diff"
	first=${VFIO_PM_BENCH_CACHE:-$HOME/.cache/vfio-pm-bench}
	[ -f "$tmp/initramfs-${first##*/}" ] && [ -f "$tmp/initramfs-cache-two" ] &&
		cpio_diff "$tmp/initramfs-${first##*/}" "$tmp/initramfs-cache-two" | sed 's/^/    # /'
	for log in "$tmp"/vm-*.log; do
		grep -q 'images: ' "$log" || { echo "    # ${log##*/}, no images:" && tail -n 15 "$log" | sed 's/^/    # /'; }
	done
	echo "not ok - two builds in different directories under different host names differ"
	echo "0 passed, 1 failed"
	exit 1
fi
