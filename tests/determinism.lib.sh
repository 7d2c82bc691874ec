# The icount determinism check's configuration and figures, sourced by
# tests/vm-tests.sh (two to four boots in CI) and scripts/determinism.sh (a
# recorded campaign of many boots), so both check the same thing.

# vm.sh's arguments for one boot (add --results DIR).
det_args=(--variants no-get,upstream --rounds 1 --suites ioctl,d3cold --devices root --run-id det
	--no-report -- --samples 300 --cycles 3 --case get-info,config-read,exit --no-counters)
# A boot's figures, from its run directory: every ioctl statistic, and every
# D3cold exit cycle (variant, ns of guest instructions).
det_fig() { jq -S -c '[.cases[] | select(.suite == "ioctl") | {case, device, v: (.variants | map_values({n, median, min, max, mean, p99}))}]' "$1/summary.json" 2>/dev/null; }
# Columns by name from the header row (RFC 4180; no quoted commas before value_ns).
det_cycles() { ls "$1"/d3cold.exit.*.csv 2>/dev/null | grep -v '\.hist\.csv$' | xargs -r awk -F, \
	'FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { print $c["variant"], $c["value_ns"] }'; }
# Where a boot's clock came from: boot to /init, the refined TSC rate, and
# the boot images' SHA-256 (bzImage, initramfs, SSDT).
det_clock() {
	printf 'boot %s s, TSC %s, images %s' \
		"$(sed -n 's/^VPB-BOOTED //p' "$1/console.log" 2>/dev/null | tr -d '\r')" \
		"$(sed -n 's/.*tsc: Refined TSC clocksource calibration: //p' "$1/dmesg.txt" 2>/dev/null)" \
		"$(jq -r '.sha256 | [.bzImage, .initramfs, .ssdt] | map(.[:8]) | join(" ")' "$1/vm.json" 2>/dev/null)"
}
