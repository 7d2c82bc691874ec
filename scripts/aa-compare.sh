#!/usr/bin/env bash
# The A/A false-alarm record of `vfio-pm-bench compare` run against run
# (issue 18): 2*PAIRS host-clock runs of the same code, kernel, variants and
# job, each in its own boot (as a CI would compare today's run with an
# earlier one), then compare on pairs of them exactly as a gate would:
#   next pairs      r01 r02, r02 r03, ...       (each against the boot before)
#   distant pairs   r01 r(R/2+1), r02 ...       (half the runs apart)
# Every case and variant a compare judges counts; "regressed" or "improved"
# on an A/A pair is a false alarm. Each boot takes the heavy lock on its own,
# so other work gets turns between boots. Runs already present are kept
# (the script resumes); `--table` only redraws the README from them.
# Runs and README: results/qemu-q35-tcg-host/<stamp>-aa-compare/.
# A case is counted once per pair and variant; the rate is flagged / judged.
# usage: scripts/aa-compare.sh [--table] DIR|new [PAIRS]   (default 20 pairs)
#   --table: only the README, from the runs DIR holds
set -euo pipefail
cd "$(dirname "$0")/.."
table_only=0
if [ "${1:-}" = --table ]; then table_only=1; shift; fi
plat=qemu-q35-tcg-host
dir=${1:-new} pairs=${2:-20}
case "$pairs" in '' | *[!0-9]*) echo "usage: scripts/aa-compare.sh [--table] DIR|new [PAIRS]" >&2; exit 2 ;; esac
[ "$dir" = new ] && dir=results/$plat/$(date -u +%Y%m%dT%H%M%SZ)-aa-compare
mkdir -p "$dir"
# VPB_BIN: another build's compare for the table; VPB_README: its file name;
# VPB_BIN_BEFORE: a third build's compare, counted apart (before a fix)
bin=${VPB_BIN:-build/vfio-pm-bench} readme=${VPB_README:-README.md}
lock=${VPB_HEAVY_LOCK:-/tmp/vpb-heavy.lock}
# The job: the ioctl suite's two wrapper cases and its control, and the
# contention suite at 1 and 2 threads, on upstream and no-get, 8 rounds (the
# host clock's default), one device on the root bus.
vm_args=(--clock host --smp 2 --suites ioctl,contention --devices root --variants no-get,upstream --no-report)
run_args=(--case ioctl.get-info,ioctl.config-read,ioctl.container-ioctl,contention.shared-fd,contention.container
	--samples 500 --threads 1,2 --duration 100ms)
runs=$((2 * pairs))
if [ $table_only = 0 ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	for i in $(seq -w 1 $runs); do
		[ -f "$dir/r$i/summary.json" ] && continue
		rm -rf "$dir/r$i" "$tmp/$plat"
		echo "# run r$i of $runs ($(date -u +%T))" >&2
		flock "$lock" nice "$bin" vm "${vm_args[@]}" --results "$tmp" --run-id "r$i" \
			-- "${run_args[@]}" >"$tmp/vm.log" 2>&1 || { tail -20 "$tmp/vm.log" >&2; exit 1; }
		mv "$tmp/$plat/r$i" "$dir/"
	done
fi

# ---- the table: every pair compared as a gate would --------------------------
mapfile -t have < <(find "$dir" -mindepth 2 -maxdepth 2 -name summary.json -printf '%h\n' | sort)
nrun=${#have[@]}
calib=${VPB_CALIBRATE:-8}
[ "$nrun" -ge $((calib + 4)) ] || { echo "aa-compare.sh: $nrun runs in $dir, fewer than $calib + 4" >&2; exit 1; }
declare -A judged flagged base other failed npairs rows flagged_rows
pair() { # section kind base new [compare options]
	local sec=$1 kind=$2 a=$3 b=$4 out rc j f bl o k fr
	shift 4
	out=$("${cbin:-$bin}" compare --json "$@" "$a" "$b" 2>"$dir/.err") && rc=0 || rc=$?
	[ $rc -le 1 ] || { echo "aa-compare.sh: compare $a $b: exit $rc: $(cat "$dir/.err")" >&2; exit 1; }
	# the default's floors are the noise.json beside the runs: the calibration's
	[ "$sec" != held-out ] || [ "$(jq -r '.noise_file // ""' <<<"$out")" = "$dir/noise.json" ] ||
		{ echo "aa-compare.sh: compare $a $b did not take $dir/noise.json" >&2; exit 1; }
	j=$(jq '[.cases[] | select(.verdict == "regressed" or .verdict == "improved" or .verdict == "unchanged")] | length' <<<"$out")
	f=$(jq '[.cases[] | select(.verdict == "regressed" or .verdict == "improved")] | length' <<<"$out")
	bl=$(jq '[.cases[] | select(.verdict == "baseline")] | length' <<<"$out")
	o=$(jq '[.cases[] | select(.verdict != "regressed" and .verdict != "improved" and .verdict != "unchanged" and .verdict != "baseline")] | length' <<<"$out")
	for k in "$sec/$kind" "$sec/all"; do
		judged[$k]=$((${judged[$k]:-0} + j)) flagged[$k]=$((${flagged[$k]:-0} + f))
		other[$k]=$((${other[$k]:-0} + o)) npairs[$k]=$((${npairs[$k]:-0} + 1))
		base[$k]=$((${base[$k]:-0} + bl)) failed[$k]=$((${failed[$k]:-0} + (rc != 0)))
	done
	rows[$sec]+="| $kind | $(basename "$a") | $(basename "$b") | $rc | $j | $f | $bl | $o |"$'\n'
	fr=$(jq -r --arg a "$(basename "$a")" --arg b "$(basename "$b")" '.cases[]
		| select(.verdict != "unchanged" and .verdict != "baseline")
		| "| \($a) \($b) | \(.suite).\(.case) \(.point) | \(.base_variant) | \(.verdict) | \(.basis // "-") | \((.rounds.shift_pct // .shift_pct // null) | if . == null then "-" else (. * 100 | round / 100 | tostring) end) | \((.rounds.p // .p // null) | if . == null then "-" else tostring end) |"' <<<"$out")
	[ -z "$fr" ] || flagged_rows[$sec]+="$fr"$'\n'
	# the calibration's noise floors: the largest A/A shift of each case and variant
	[ "$sec" != calibration ] || jq -c '.cases[] | select(.rounds.shift_pct != null)
		| {suite, case, device, point, variant: .base_variant, pct: (.rounds.shift_pct | fabs)}' \
		<<<"$out" >>"$dir/.floors"
}
# next: each run against the boot before it (what a CI comparing every run
# with the last one does); the odd ones of them (r01 r02, r03 r04, ...) share
# no run. distant: r(i) against r(i + R/2).
pairs() { # section first last [compare options]
	local sec=$1 lo=$2 hi=$3 i half
	shift 3
	half=$(((hi - lo + 1) / 2))
	for ((i = lo; i < hi; i++)); do
		pair "$sec" "next$([ $(((i - lo) % 2)) = 0 ] && echo " (disjoint)")" "${have[i]}" "${have[i + 1]}" "$@"
	done
	for ((i = lo; i < lo + half; i++)); do pair "$sec" distant "${have[i]}" "${have[i + half]}" "$@"; done
}
rm -f "$dir/.floors"
# 1. every run, compare without noise floors (threshold 2 %); and as another
# build's compare judged them (VPB_BIN_BEFORE: the build before the fix)
rm -f "$dir/noise.json"
pairs all 0 $((nrun - 1)) --noise none
[ -z "${VPB_BIN_BEFORE:-}" ] || cbin=$VPB_BIN_BEFORE pairs before 0 $((nrun - 1))
# 2. the noise floors from the first $calib boots, then the gate as it is by
# default on the others: it takes the noise.json beside the runs
pairs calibration 0 $((calib - 1)) --noise none
jq -s --arg from "$(basename "${have[0]}")..$(basename "${have[calib - 1]}")" '
	{schema_version: 1, what: "between-boot noise floors: the largest |shift| (% of the base median) of each case and variant over A/A pairs of the boots named", from: $from,
	 floors: (group_by([.suite, .case, .device, .point, .variant]) | map(max_by(.pct)))}' \
	"$dir/.floors" >"$dir/noise.json.tmp" && mv "$dir/noise.json.tmp" "$dir/noise.json"
pairs held-out "$calib" $((nrun - 1))
rm -f "$dir/.err" "$dir/.floors"
rate() { awk -v f="${flagged[$1]:-0}" -v j="${judged[$1]:-0}" 'BEGIN { printf "%.1f", j ? 100 * f / j : 0 }'; }
line() { # key label
	echo "| $2 | ${npairs[$1]:-0} | ${failed[$1]:-0} | ${judged[$1]:-0} | ${flagged[$1]:-0} | $(rate "$1") % | ${base[$1]:-0} | ${other[$1]:-0} |"
}
summary() { # section
	echo "| kind | pairs | exit non-zero | judged cases | flagged | rate | baseline | not judged / other |"
	echo "|---|---|---|---|---|---|---|---|"
	line "$1/next (disjoint)" "next, disjoint (every other one: no run shared)"
	line "$1/next" "next, the others"
	line "$1/distant" "distant (half the runs apart)"
	line "$1/all" "all"
}
pairs_table() { # section
	echo "| pair | base | new | exit | judged | flagged | baseline | not judged / other |"
	echo "|---|---|---|---|---|---|---|---|"
	printf '%s' "${rows[$1]}"
	echo
	echo "Cases with a verdict other than unchanged and baseline (shift in % of BASE's median, p of the basis):"
	echo
	echo "| pair | case | variant | verdict | basis | shift % | p |"
	echo "|---|---|---|---|---|---|---|"
	printf '%s' "${flagged_rows[$1]}"
}
r1=${have[0]}
{
	echo "# A/A false alarms of \`compare\`, run against run, under the host clock"
	echo
	echo "$nrun runs of the same code, kernel and job, each its own boot. Compared as a CI gate would, run against run:"
	echo
	echo "- **without noise floors** (\`--noise none\`, threshold 2 %), all $nrun runs: **${flagged[all/all]} of ${judged[all/all]} judged cases flagged regressed or improved ($(rate all/all) %)** over ${npairs[all/all]} A/A pairs; ${failed[all/all]} of them exit non-zero."
	[ -z "${VPB_BIN_BEFORE:-}" ] || echo "- **before the fix** (\`VPB_BIN_BEFORE=$VPB_BIN_BEFORE\`, built at $("$VPB_BIN_BEFORE" --version 2>/dev/null | head -1 || echo "?")), all $nrun runs: **${flagged[before/all]} of ${judged[before/all]} judged cases flagged ($(rate before/all) %)** over ${npairs[before/all]} A/A pairs; ${failed[before/all]} of them exit non-zero."
	echo "- **as it is, by default** (compare takes the between-boot noise floors in the noise.json beside the runs: here those of the first $calib boots, r01..r$(printf %02d "$calib"); for the platform's runs, results/$plat/noise.json, the same floors), on the $((nrun - calib)) held-out boots after them: **${flagged[held-out/all]} of ${judged[held-out/all]} judged cases flagged ($(rate held-out/all) %)** over ${npairs[held-out/all]} A/A pairs; ${failed[held-out/all]} of them exit non-zero."
	echo
	echo "Target: at most 5 % of cases."
	echo
	echo "Commands: \`scripts/aa-compare.sh new PAIRS\` (the runs, one boot each, then this README; \`scripts/aa-compare.sh --table $dir\` redraws it from the runs present; \`VPB_CALIBRATE=N\`: the calibration boots, default 8), harness of the runs $(jq -r .harness_revision "$r1/run.json"), kernel $(jq -r .kernel_key "$r1/vm.json"); the table drawn with \`$bin\` at $(git rev-parse --short=12 HEAD)."
	echo "Each run \`r<i>/\` is one boot: \`vfio-pm-bench vm ${vm_args[*]} -- ${run_args[*]}\`, 8 rounds over no-get and upstream (the host clock's default), reference no-get; in the guest: \`$(jq -r .command "$r1/run.json")\`."
	echo "Each pair is compared as a CI gate would, \`vfio-pm-bench compare --json BASE NEW\` (defaults: threshold 2 %, alpha 0.01): every case of BASE for every variant (a case and variant is one judged case), judged on the rounds: Hodges-Lehmann, Moses interval and Mann-Whitney on the two runs' 8 per-round shifts against their run's reference (\`vs ref\`); the reference itself (no-get) is the runs' baseline, no verdict (pooled samples of a drifting clock give none either)."
	echo "Pairs: next, each run against the boot before it (a CI comparing every run with the last one); the disjoint ones among them share no run and are independent of each other, the others are not. Distant: r(i) against the run half the runs later."
	echo "noise.json: for each case and variant, the largest |shift| over the A/A pairs (next and distant) of the calibration boots; compare takes it as the threshold of that case where it is larger than 2 % (from the noise.json beside BASE's run directory, or \`--noise FILE\`)."
	[ ! -f "$dir/NOTES.md" ] || { echo; cat "$dir/NOTES.md"; }
	echo
	echo "## Without noise floors, all runs"
	echo
	summary all
	echo
	echo "## As it is (the noise floors of r01..r$(printf %02d "$calib")), on the held-out runs"
	echo
	summary held-out
	echo
	echo "The floors (noise.json, % of the base median):"
	echo
	jq -r '.floors[] | "- \(.suite).\(.case) \(.point) \(.variant): \(.pct * 10 | round / 10) %"' "$dir/noise.json"
	echo
	echo "## Every pair, without noise floors"
	echo
	pairs_table all
	echo
	echo "## Every held-out pair, as it is (with the noise floors)"
	echo
	pairs_table held-out
} >"$dir/$readme.tmp" && mv "$dir/$readme.tmp" "$dir/$readme"
sed -n 1,8p "$dir/$readme"
