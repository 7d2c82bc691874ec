// SPDX-License-Identifier: GPL-2.0
/*
 * The summary's bootstrap intervals at the size of an ioctl case (n = 4000
 * per variant, 1000 replicates), timed natively: one percentile interval of
 * a median and one of a shift of medians, 20 calls each, best of the calls.
 * Built against the stats.c of a given commit by bootstrap-bench.sh.
 */
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void)
{
	enum { N = 4000, CALLS = 20 };
	static double a[N], b[N];
	double best_med = 1e9, best_shift = 1e9;
	struct stats_rng r;
	struct stats_ci ci;

	stats_rng_seed(&r, 1);
	for (size_t i = 0; i < N; i++) { /* ioctl-like: integer ns plus a fraction */
		a[i] = 700 + (double)stats_rng_below(&r, 50);
		b[i] = 550 + (double)stats_rng_below(&r, 50) + stats_rng_double(&r);
	}
	for (int c = 0; c < CALLS; c++) {
		double t = now();

		if (stats_bootstrap_median_ci(a, N, 0.95, 1000, 1, &ci))
			return 1;
		t = now() - t;
		best_med = t < best_med ? t : best_med;
		t = now();
		if (stats_bootstrap_shift_ci(a, N, b, N, 0.95, 1000, 1, &ci))
			return 1;
		t = now() - t;
		best_shift = t < best_shift ? t : best_shift;
	}
	printf("median_ci_ms %.3f shift_ci_ms %.3f\n", best_med * 1e3, best_shift * 1e3);
	return 0;
}
