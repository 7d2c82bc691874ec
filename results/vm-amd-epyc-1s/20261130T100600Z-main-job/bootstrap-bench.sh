#!/usr/bin/env bash
# bootstrap-bench.c against bench/lib/stats.c before (54dfa46: n indices
# drawn per resample, counted) and after (834c6c5: the middle ranks drawn
# from their joint distribution), interleaved, 5 rounds. Run from the
# repository's root on an otherwise idle machine.
set -euo pipefail
here=results/vm-amd-epyc-1s/20261130T100600Z-main-job
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for c in 54dfa46 834c6c5; do
	mkdir -p "$tmp/$c"
	git show "$c:bench/lib/stats.c" >"$tmp/$c/stats.c"
	git show "$c:bench/lib/stats.h" >"$tmp/$c/stats.h"
	git show "$c:bench/lib/common.h" >"$tmp/$c/common.h"
	gcc -O2 -std=gnu11 -I"$tmp/$c" "$here/bootstrap-bench.c" "$tmp/$c/stats.c" -lm \
		-o "$tmp/$c/bench"
done
for round in 1 2 3 4 5; do
	for c in 54dfa46 834c6c5; do
		echo "$round $c $("$tmp/$c/bench")"
	done
done
