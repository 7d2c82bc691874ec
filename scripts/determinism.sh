#!/usr/bin/env bash
# icount determinism over many boots: BOOTS launches of the configuration
# tests/vm-tests.sh checks (tests/determinism.lib.sh: no-get and upstream,
# ioctl and d3cold on the root device, short), each a separate QEMU boot with
# the same inputs. Every boot's figures (every ioctl statistic, every D3cold
# cycle) are reduced to a signature; the README counts the boots per
# signature and, for boots that differ from the most common one, shows the
# cycles that moved. Every boot's clock is listed (boot time, TSC
# calibration, image hashes).
# The boots and the README go to results/qemu-q35-tcg-icount/<stamp>-determinism-<BOOTS>/.
# usage: scripts/determinism.sh [BOOTS]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
boots=${1:-20}
case "$boots" in '' | *[!0-9]*) echo "usage: scripts/determinism.sh [BOOTS]" >&2; exit 2 ;; esac
[ "$boots" -ge 2 ] || { echo "scripts/determinism.sh: BOOTS must be 2 or more" >&2; exit 2; }
plat=qemu-q35-tcg-icount
run_id=$(date -u +%Y%m%dT%H%M%SZ)-determinism-$boots
dest=results/$plat/$run_id
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/determinism.lib.sh
for i in $(seq -w 1 "$boots"); do
	echo "# boot $i of $boots" >&2
	kernel/vm/vm.sh --results "$tmp/b$i" "${det_args[@]}" >"$tmp/b$i.out" 2>&1 ||
		{ tail -5 "$tmp/b$i.out" >&2; echo "scripts/determinism.sh: boot $i failed" >&2; exit 1; }
	d=$tmp/b$i/$plat/det
	det_cycles "$d" >"$tmp/b$i.cycles"
	{ det_fig "$d"; cat "$tmp/b$i.cycles"; } | sha256sum | cut -c1-12 >"$tmp/b$i.sig"
done
mkdir -p "$dest.tmp"
for i in $(seq -w 1 "$boots"); do
	mkdir -p "$dest.tmp/boot-$i"
	cp "$tmp/b$i/$plat/det/"{run.json,vm.json,summary.json,console.log,dmesg.txt} "$tmp/b$i.out" \
		"$dest.tmp/boot-$i/"
	cp "$tmp/b$i/$plat/det/"d3cold.exit.*.csv "$dest.tmp/boot-$i/"
done
common=$(cat "$tmp"/b*.sig | sort | uniq -c | sort -rn | head -1 | awk '{print $2}')
ref=$(grep -l "^$common$" "$tmp"/b*.sig | head -1)
ref=${ref%.sig}
{
	echo "# icount determinism: $boots boots with the same inputs"
	echo
	echo "Recorded by \`scripts/determinism.sh $boots\` at harness $(jq -r .harness_revision \
		"$tmp/b$(printf '%0*d' ${#boots} 1)/$plat/det/run.json"); each boot-NN directory is one"
	echo "launch of"
	echo
	echo '```'
	echo "kernel/vm/vm.sh ${det_args[*]}"
	echo '```'
	echo
	echo "A boot's signature is the SHA-256 of its ioctl statistics (n, median,"
	echo "min, max, mean, p99 of every case and variant) and of every D3cold exit"
	echo "cycle (ns of guest instructions)."
	echo
	echo "| signature | boots |"
	echo "|---|---|"
	for s in $(cat "$tmp"/b*.sig | sort -u); do
		echo "| $s | $(grep -l "^$s$" "$tmp"/b*.sig | sed 's|.*/b||; s|\.sig||' | paste -sd' ') |"
	done
	echo
	echo "Each boot's clock: boot to /init, refined TSC rate, bzImage, initramfs and"
	echo "SSDT SHA-256:"
	echo
	echo "| boot | clock |"
	echo "|---|---|"
	for i in $(seq -w 1 "$boots"); do echo "| $i | $(det_clock "$tmp/b$i/$plat/det") |"; done
	for f in "$tmp"/b*.sig; do
		b=${f%.sig}
		[ "$(cat "$f")" = "$common" ] && continue
		echo
		echo "Boot ${b##*/b} against boot ${ref##*/b} (the most common signature), the cycles that moved:"
		echo
		echo '```'
		paste -d' ' "$ref.cycles" "$b.cycles" | awk '$2 != $4 {printf "%s %s -> %s (%+.0f ns)\n", $1, $2, $4, $4 - $2}'
		[ "$(det_fig "$b/$plat/det")" = "$(det_fig "$ref/$plat/det")" ] ||
			echo "(and ioctl statistics differ)"
		echo '```'
	done
} >"$dest.tmp/README.md"
mv "$dest.tmp" "$dest"
echo "$dest"
