/* SPDX-License-Identifier: GPL-2.0 */
/*
 * summary.h - every figure of summary.json computed from samples, in one
 * place: the runner writes summary.json with these functions, and
 * `compare` judges two runs with the same ones on the same exact samples
 * (<stem>.values.csv), so that a figure printed by both is one computation.
 */
#ifndef VPB_SUMMARY_H
#define VPB_SUMMARY_H

#include "stats.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * summary_value() - a sample as it is stored and summarised: ns rounded to
 * 0.1 ps, the precision of <stem>.values.csv ("%.4f"), which reads back as
 * exactly this double (below 100 s). Instruction-time samples of a batch of
 * 16 (multiples of 1/16 ns) are kept exactly.
 */
double summary_value(double ns);

/**
 * struct summary_shift - the pooled shift of @v against @ref.
 * @hl: Hodges-Lehmann estimate of v - ref (NaN: out of memory)
 * @ci: its Moses 95 % interval, when @has_ci
 * @mwu: the Mann-Whitney test, when @has_p
 */
struct summary_shift {
	double hl;
	struct stats_ci ci;
	bool has_ci;
	struct stats_mwu mwu;
	bool has_p;
};

/**
 * summary_shift_figures() - the pooled shift of @v against @ref.
 * Return: 0; -ENOMEM.
 */
int summary_shift_figures(const double *ref, size_t nr, const double *v, size_t nv,
			  struct summary_shift *out);

/**
 * summary_distribution() - n, median, p90, p99, p999, min, max, mean,
 * stddev and median_ci95 (bootstrap, @seed) of @n > 0 values.
 */
json_t *summary_distribution(const double *vals, size_t n, uint64_t seed);

/**
 * summary_shift() - summary.json's vs_reference.<variant>: hl_shift,
 * percent_of_reference (of @ref_median), hl_ci95, the bootstrap interval
 * of the median shift (@seed) and mann_whitney.
 */
json_t *summary_shift(const double *ref, size_t nr, const double *v, size_t nv, double ref_median,
		      uint64_t seed);

/**
 * summary_round_shift() - the shift at the level of rounds: each round's
 * median of the variant (@m) minus the same round's of the reference
 * (@ref_m), NaN for a round without one, over @rounds rounds; the Wilcoxon
 * signed-rank estimate, interval and p (vs_reference.<variant>.rounds).
 */
json_t *summary_round_shift(const double *ref_m, const double *m, size_t rounds, double ref_median);

#endif
