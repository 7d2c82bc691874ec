#!/usr/bin/env bash
# check-compare.sh - compare and summary.json agree to the ns: for every run
# given, `compare RUN:<reference> RUN:<variant>` of each other variant must
# print exactly the shift, its 95 % interval and the medians the run stored
# (summary.json vs_reference.<variant>.hl_shift, hl_ci95; variants.*.median)
# for every case that has them, and the round-level shift and interval
# (vs_reference.<variant>.rounds.median_diff, ci) where the run has one.
# usage: scripts/check-compare.sh path/to/vfio-pm-bench RUN...
#   e.g. scripts/check-compare.sh build/vfio-pm-bench results/qemu-q35-tcg-icount/*-vm
# Exit: 0 all agree, 1 a figure differs (printed), 2 usage or unreadable run.
set -u
[ $# -ge 2 ] || { echo "usage: $0 VFIO-PM-BENCH RUN..." >&2; exit 2; }
bin=$1
shift
bad=0 checked=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for run in "$@"; do
	sum=$run/summary.json
	[ -s "$sum" ] || { echo "$run: no summary.json" >&2; exit 2; }
	ref=$(jq -r '[.cases[].reference // empty][0] // "no-get"' "$sum")
	for v in $(jq -r --arg r "$ref" '[.cases[].vs_reference // {} | keys[]] | unique[]' "$sum"); do
		"$bin" compare --json --allow-insufficient "$run:$ref" "$run:$v" >"$tmp"
		rc=$?
		[ "$rc" -le 1 ] || { echo "$run: compare $ref $v: exit $rc" >&2; exit 2; }
		# one row per case: key, then the stored and the printed figures
		diff=$(jq -rn --slurpfile s "$sum" --slurpfile c "$tmp" --arg v "$v" --arg r "$ref" '
			def key: "\(.suite).\(.case) \(.device) \(.point)";
			($c[0].cases | map({key: key, value: .}) | from_entries) as $cmp
			| $s[0].cases[]
			| select(.vs_reference[$v].hl_shift != null)
			| key as $k
			| [.vs_reference[$v].hl_shift, .vs_reference[$v].hl_ci95[0],
			   .vs_reference[$v].hl_ci95[1], .variants[$r].median, .variants[$v].median] as $want
			| ($cmp[$k] // {}) as $got
			| [$got.shift_ns, $got.ci95[0], $got.ci95[1], $got.base_median, $got.new_median] as $have
			| .vs_reference[$v].rounds as $sr
			| (if $sr.median_diff == null then [] else [$sr.median_diff, $sr.ci[0], $sr.ci[1]] end) as $wr
			| (if $sr.median_diff == null then [] else [$got.rounds.shift_ns, $got.rounds.ci95[0], $got.rounds.ci95[1]] end) as $hr
			| if $want == $have and $wr == $hr then "ok"
			  else "\($k): summary.json \($want) \($wr), compare \($have) \($hr)" end') ||
			{ echo "$run: jq failed" >&2; exit 2; }
		checked=$((checked + $(grep -c '^ok$' <<<"$diff")))
		if grep -v '^ok$' <<<"$diff" | grep -q .; then
			grep -v '^ok$' <<<"$diff" | sed "s|^|$run $ref->$v: |"
			bad=1
		fi
	done
done
echo "$checked shifts checked, $([ $bad = 0 ] && echo "all agree" || echo "some differ")"
exit $bad
