#!/usr/bin/env bash
# check-compare.sh - compare and summary.json agree to the ns: for every run
# given, `compare RUN:<reference> RUN:<variant>` of each other variant must
# print exactly the shift, its 95 % interval and the medians the run stored
# (summary.json vs_reference.<variant>.hl_shift, hl_ci95; variants.*.median)
# for every case that has them, and the round-level shift and interval
# (vs_reference.<variant>.rounds.median_diff, ci) where the run has one.
# A run that keeps its exact samples (<stem>.values.csv) is also compared
# as two runs, against a copy of itself under another run id and start
# time: `compare RUN:<reference> COPY:<variant>` then computes the pooled
# shift itself, from the exact samples, and must print the same figures
# (and name "exact samples" as their source).
# usage: scripts/check-compare.sh path/to/vfio-pm-bench RUN...
#   e.g. scripts/check-compare.sh build/vfio-pm-bench results/qemu-q35-tcg-icount/*-vm
# Exit: 0 all agree, 1 a figure differs (printed), 2 usage or unreadable run.
set -u
[ $# -ge 2 ] || { echo "usage: $0 VFIO-PM-BENCH RUN..." >&2; exit 2; }
bin=$1
shift
bad=0 checked=0 two_runs=0
tmp=$(mktemp) tdir=$(mktemp -d)
trap 'rm -rf "$tmp" "$tdir"' EXIT
for run in "$@"; do
	sum=$run/summary.json
	[ -s "$sum" ] || { echo "$run: no summary.json" >&2; exit 2; }
	ref=$(jq -r '[.cases[].reference // empty][0] // "no-get"' "$sum")
	# the copy: another run id and start time, the same samples
	copy=""
	if compgen -G "$run/*.values.csv" >/dev/null; then
		copy=$tdir/$(basename "$run")-copy
		rm -rf "$copy"
		cp -r "$run" "$copy"
		jq '.run_id += "-copy" | .start_time = "1970-01-01T00:00:00Z"' "$run/run.json" >"$copy/run.json" ||
			{ echo "$run: jq failed" >&2; exit 2; }
	fi
	for pair in $(jq -r --arg r "$ref" '[.cases[].vs_reference // {} | keys[]] | unique[]' "$sum" |
		sed "s|^|same:|; ${copy:+p; s|^same:|copy:|}"); do
		v=${pair#*:} new=$run
		[ "${pair%%:*}" = same ] || new=$copy
		"$bin" compare --json --allow-insufficient "$run:$ref" "$new:$v" >"$tmp"
		rc=$?
		[ "$rc" -le 1 ] || { echo "$run: compare $ref $new:$v: exit $rc" >&2; exit 2; }
		# one row per case: key, then the stored and the printed figures
		diff=$(jq -rn --slurpfile s "$sum" --slurpfile c "$tmp" --arg v "$v" --arg r "$ref" \
			--argjson two "$([ "$new" = "$run" ] && echo false || echo true)" '
			def key: "\(.suite).\(.case) \(.device) \(.point)";
			($c[0].cases | map({key: key, value: .}) | from_entries) as $cmp
			| $s[0].cases[]
			| select(.vs_reference[$v].hl_shift != null)
			| key as $k
			| [.vs_reference[$v].hl_shift, .vs_reference[$v].hl_ci95[0],
			   .vs_reference[$v].hl_ci95[1], .variants[$r].median, .variants[$v].median] as $want
			| ($cmp[$k] // {}) as $got
			| [$got.shift_ns, $got.ci95[0], $got.ci95[1], $got.base_median, $got.new_median] as $have
			| (if $two then .vs_reference[$v].rounds | del(.median_diff) else .vs_reference[$v].rounds end) as $sr
			| (if $sr.median_diff == null then [] else [$sr.median_diff, $sr.ci[0], $sr.ci[1]] end) as $wr
			| (if $sr.median_diff == null then [] else [$got.rounds.shift_ns, $got.rounds.ci95[0], $got.rounds.ci95[1]] end) as $hr
			| if $want == $have and $wr == $hr and (($two | not) or $got.source == "exact samples") then "ok"
			  else "\($k): summary.json \($want) \($wr), compare \($have) \($hr) from \($got.source)" end') ||
			{ echo "$run: jq failed" >&2; exit 2; }
		checked=$((checked + $(grep -c '^ok$' <<<"$diff")))
		[ "$new" = "$run" ] || two_runs=$((two_runs + $(grep -c '^ok$' <<<"$diff")))
		if grep -v '^ok$' <<<"$diff" | grep -q .; then
			grep -v '^ok$' <<<"$diff" | sed "s|^|$run $ref->$([ "$new" = "$run" ] || echo copy:)$v: |"
			bad=1
		fi
	done
done
echo "$checked shifts checked ($two_runs of them as two runs, from exact samples), $([ $bad = 0 ] && echo "all agree" || echo "some differ")"
exit $bad
