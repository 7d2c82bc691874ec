/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - the statistics of vfio-pm-bench: running moments (Welford),
 * quantiles, medians, a reproducible PRNG, bootstrap confidence intervals,
 * the Hodges-Lehmann shift with its distribution-free (Moses) interval, the
 * Mann-Whitney U test, and the Wilcoxon signed-rank test with its interval
 * for paired differences.
 *
 * Conventions:
 * - Functions that take samples reject NaN (-EINVAL or a NaN result, as
 *   documented per function). Infinities sort, rank and select as ordered
 *   values, but differences of them (shifts, Hodges-Lehmann) are
 *   meaningless: pass finite data there.
 * - A two-sample "shift" is always b relative to a: positive when b tends to
 *   be larger than a. Pass the baseline (A, reference) as a and the candidate
 *   (B) as b.
 * - Nothing here prints or exits; errors are negative errno values.
 * - Everything random is driven by struct stats_rng with an explicit seed:
 *   the same inputs and seed give bit-identical results.
 */
#ifndef VPB_STATS_H
#define VPB_STATS_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct welford - running mean and variance (Welford's algorithm).
 * @n: number of values added
 * @mean: running mean
 * @m2: running sum of squared deviations from the mean
 * @min: smallest value added (+inf when @n is 0)
 * @max: largest value added (-inf when @n is 0)
 *
 * Numerically stable for long runs of nearly equal values, where the naive
 * sum-of-squares formula cancels catastrophically.
 */
struct welford {
	uint64_t n;
	double mean, m2, min, max;
};

/**
 * welford_init() - reset @w to the empty state.
 * @w: accumulator
 */
void welford_init(struct welford *w);

/**
 * welford_add() - add one value.
 * @w: accumulator
 * @x: value
 */
void welford_add(struct welford *w, double x);

/**
 * welford_merge() - combine two accumulators (Chan et al.'s parallel form).
 * @dst: accumulator that receives @src's values
 * @src: accumulator to add (unchanged)
 *
 * The result equals, up to rounding, adding @src's values to @dst one by one.
 */
void welford_merge(struct welford *dst, const struct welford *src);

/**
 * welford_variance() - sample variance, m2 / (n - 1).
 * @w: accumulator
 *
 * Return: the unbiased sample variance; NaN when fewer than 2 values.
 */
double welford_variance(const struct welford *w);

/**
 * welford_stddev() - sample standard deviation, sqrt(variance).
 * @w: accumulator
 *
 * The spread of the values themselves. Not the standard error.
 *
 * Return: the sample standard deviation; NaN when fewer than 2 values.
 */
double welford_stddev(const struct welford *w);

/**
 * welford_stderr() - standard error of the mean, stddev / sqrt(n).
 * @w: accumulator
 *
 * The uncertainty of the mean (it shrinks as n grows); not the spread of
 * the values. Label it "standard error" wherever it is printed.
 *
 * Return: the standard error of the mean; NaN when fewer than 2 values.
 */
double welford_stderr(const struct welford *w);

/**
 * stats_sort() - sort doubles in ascending order.
 * @x: values (no NaN)
 * @n: number of values
 */
void stats_sort(double *x, size_t n);

/**
 * stats_quantile_sorted() - sample quantile of sorted data, Hyndman-Fan type 7.
 * @sorted: values in ascending order (no NaN)
 * @n: number of values
 * @q: probability in [0, 1]
 *
 * Type 7 is R's default quantile() (and NumPy's "linear"): with
 * h = (n - 1) * q, j = floor(h), the result is
 * sorted[j] + (h - j) * (sorted[j + 1] - sorted[j]) (0-based), i.e. linear
 * interpolation between order statistics. q = 0 gives the minimum, q = 1 the
 * maximum, q = 0.5 the usual median. Example: 1..10 at q = 0.9 gives 9.1.
 *
 * Return: the quantile; NaN when @n is 0 or @q is outside [0, 1] or NaN.
 */
double stats_quantile_sorted(const double *sorted, size_t n, double q);

/**
 * stats_select() - k-th smallest value (0-based), by quickselect.
 * @x: values (no NaN); reordered so that x[k] is the k-th smallest,
 *     x[0..k-1] <= x[k] <= x[k+1..n-1]
 * @n: number of values
 * @k: rank, 0 <= k < n
 *
 * Expected O(n) (Hoare partition, median-of-three pivot; handles long runs
 * of equal values without going quadratic).
 *
 * Return: the k-th smallest value; NaN when k >= n.
 */
double stats_select(double *x, size_t n, size_t k);

/**
 * stats_median() - median, by quickselect, O(n).
 * @x: values (no NaN); reordered
 * @n: number of values
 *
 * For even @n the mean of the two middle values (as type 7 at q = 0.5).
 *
 * Return: the median; NaN when @n is 0.
 */
double stats_median(double *x, size_t n);

/**
 * struct stats_rng - xoshiro256** state, seeded by splitmix64.
 * @s: the 256-bit state (never all zero)
 *
 * Small, fast and reproducible: the same seed gives the same stream on every
 * platform. Not for cryptography.
 */
struct stats_rng {
	uint64_t s[4];
};

/**
 * stats_rng_seed() - seed the generator.
 * @r: generator
 * @seed: any value, 0 included; expanded to 256 bits with splitmix64
 */
void stats_rng_seed(struct stats_rng *r, uint64_t seed);

/**
 * stats_rng_next() - next 64 random bits.
 * @r: generator
 *
 * Return: a uniformly distributed 64-bit value.
 */
uint64_t stats_rng_next(struct stats_rng *r);

/**
 * stats_rng_below() - uniform integer in [0, @bound), without modulo bias.
 * @r: generator
 * @bound: exclusive upper bound; 0 returns 0
 *
 * Return: a uniformly distributed value below @bound (Lemire's method).
 */
uint64_t stats_rng_below(struct stats_rng *r, uint64_t bound);

/**
 * stats_rng_double() - uniform double in [0, 1), 53 random bits.
 * @r: generator
 *
 * Return: a value in [0, 1).
 */
double stats_rng_double(struct stats_rng *r);

/**
 * stats_norm_cdf() - standard normal distribution function Phi(x).
 * @x: argument
 *
 * Return: P(Z <= x), computed as erfc(-x / sqrt(2)) / 2.
 */
double stats_norm_cdf(double x);

/**
 * stats_norm_quantile() - inverse of stats_norm_cdf().
 * @p: probability in (0, 1)
 *
 * Solved by bisection on erfc() to full double precision (no rational
 * approximation). Example: p = 0.975 gives 1.959964.
 *
 * Return: z with Phi(z) = p; -inf for 0, +inf for 1, NaN outside [0, 1].
 */
double stats_norm_quantile(double p);

/**
 * struct stats_ci - a two-sided confidence interval.
 * @lo: lower bound
 * @hi: upper bound
 * @level: nominal confidence level, e.g. 0.95
 */
struct stats_ci {
	double lo, hi, level;
};

/**
 * stats_resample_median_ranks() - the ranks behind one bootstrap median.
 * @r: generator
 * @n: sample size, >= 1
 * @lo: 0-based rank of the resample's lower middle order statistic
 * @hi: 0-based rank of its upper middle (equal to @lo for odd @n)
 *
 * A resample of n values drawn with replacement from a sorted sample x has
 * the median (x[lo] + x[hi]) / 2; this draws (lo, hi) from their exact joint
 * distribution without drawing the n indices (order statistics of
 * uniforms, through Beta variates).
 */
void stats_resample_median_ranks(struct stats_rng *r, size_t n, size_t *lo, size_t *hi);

/**
 * stats_bootstrap_median_ci() - percentile bootstrap CI of the median.
 * @x: sample (no NaN; unchanged)
 * @n: sample size, >= 1
 * @level: confidence level in (0, 1), e.g. 0.95
 * @reps: bootstrap replicates, >= 2 (1000 or more for a 95 % interval)
 * @seed: PRNG seed; same inputs and seed give the same interval
 * @out: result
 *
 * Draws @reps resamples of size @n with replacement, takes each one's median
 * (as stats_median() would), and returns the type-7 quantiles
 * (1 - level) / 2 and (1 + level) / 2 of those medians. A resample's median
 * is drawn through the ranks it comes from (stats_resample_median_ranks()),
 * exactly in distribution: O(n log n + reps log reps) time, O(n + reps)
 * memory.
 *
 * Return: 0; -EINVAL on NULL pointers, n == 0, NaN data, level outside
 * (0, 1) or reps < 2; -ENOMEM.
 */
int stats_bootstrap_median_ci(const double *x, size_t n, double level, unsigned reps, uint64_t seed,
			      struct stats_ci *out);

/**
 * stats_bootstrap_shift_ci() - percentile bootstrap CI of median(b) - median(a).
 * @a: baseline sample (no NaN; unchanged)
 * @na: size of @a, >= 1
 * @b: candidate sample (no NaN; unchanged)
 * @nb: size of @b, >= 1
 * @level: confidence level in (0, 1)
 * @reps: bootstrap replicates, >= 2
 * @seed: PRNG seed
 * @out: result
 *
 * Each replicate resamples a and b independently (with replacement, sizes
 * kept) and records median(b*) - median(a*); the interval is the type-7
 * quantiles (1 - level) / 2 and (1 + level) / 2 of those differences.
 * Resample medians as in stats_bootstrap_median_ci().
 *
 * Return: 0; -EINVAL on NULL pointers, an empty sample, NaN data, level
 * outside (0, 1) or reps < 2; -ENOMEM.
 */
int stats_bootstrap_shift_ci(const double *a, size_t na, const double *b, size_t nb, double level,
			     unsigned reps, uint64_t seed, struct stats_ci *out);

/**
 * stats_pair_diff_kth() - k-th smallest pairwise difference b[j] - a[i].
 * @a_sorted: sample a in ascending order (no NaN)
 * @na: size of a, >= 1
 * @b_sorted: sample b in ascending order (no NaN)
 * @nb: size of b, >= 1
 * @k: rank, 0-based, k < na * nb
 *
 * Exact, without enumerating the na * nb pairs: a randomized selection over
 * the implicit matrix of differences (sorted along both axes). Each round
 * picks a random remaining candidate as pivot and counts the pairs below and
 * at it with two pointers in O(na + nb); expected O(log(na * nb)) rounds.
 * The PRNG seed is fixed, so the result (and run time) is reproducible. The
 * returned value is always one of the differences, computed as b[j] - a[i].
 *
 * Return: the difference of rank @k; NaN on bad arguments or -ENOMEM.
 */
double stats_pair_diff_kth(const double *a_sorted, size_t na, const double *b_sorted, size_t nb,
			   uint64_t k);

/**
 * stats_hodges_lehmann() - Hodges-Lehmann estimate of the shift of b vs a.
 * @a: baseline sample (no NaN; unchanged)
 * @na: size of @a, >= 1
 * @b: candidate sample (no NaN; unchanged)
 * @nb: size of @b, >= 1
 *
 * The median of all na * nb differences b[j] - a[i] (mean of the two middle
 * ones when na * nb is even), computed exactly by stats_pair_diff_kth() on
 * sorted copies: O((na + nb) log) time and O(na + nb) memory, so
 * n = m = 20000 (4e8 pairs) takes milliseconds.
 *
 * Return: the estimate; NaN on empty input, NaN data or allocation failure.
 */
double stats_hodges_lehmann(const double *a, size_t na, const double *b, size_t nb);

/**
 * stats_hl_moses_ci() - distribution-free (Moses) CI for the HL shift of b vs a.
 * @a: baseline sample (no NaN; unchanged)
 * @na: size of @a, >= 1
 * @b: candidate sample (no NaN; unchanged)
 * @nb: size of @b, >= 1
 * @level: confidence level in (0, 1)
 * @out: result
 *
 * With N = na * nb ordered differences D(1) <= ... <= D(N), the interval is
 * [D(k), D(N + 1 - k)], where k = C_alpha is the Mann-Whitney critical value
 * (Hollander & Wolfe, Nonparametric Statistical Methods, sec. 4.3), here by
 * its normal approximation:
 *   k = floor(N / 2 - z * sqrt(N * (na + nb + 1) / 12)),
 *   z = stats_norm_quantile((1 + level) / 2).
 * Rounding down widens the interval (conservative). The approximation
 * ignores ties and is poor for very small samples (use na, nb >= 10 or so).
 *
 * Return: 0; -EINVAL on NULL pointers, empty input, NaN data or level
 * outside (0, 1); -EDOM when the samples are too small for @level (k < 1);
 * -ENOMEM.
 */
int stats_hl_moses_ci(const double *a, size_t na, const double *b, size_t nb, double level,
		      struct stats_ci *out);

/**
 * struct stats_mwu - result of the Mann-Whitney U test.
 * @u: U of sample b: the number of pairs (a[i], b[j]) with b[j] > a[i], ties
 *     counting 1/2; equivalently R_b - nb (nb + 1) / 2 with R_b the sum of
 *     b's midranks in the pooled sample. U_a = na * nb - u.
 * @z: (u - na nb / 2) / sigma with continuity correction (|u - mean| reduced
 *     by 1/2, not past 0) and tie-corrected sigma; positive when b tends to
 *     be larger than a
 * @p: two-sided p-value, erfc(|z| / sqrt(2)); 1 when all values are equal
 */
struct stats_mwu {
	double u, z, p;
};

/**
 * stats_mann_whitney() - two-sided Mann-Whitney U (Wilcoxon rank-sum) test.
 * @a: first sample (no NaN; unchanged)
 * @na: size of @a, >= 1
 * @b: second sample (no NaN; unchanged)
 * @nb: size of @b, >= 1
 * @out: result, see struct stats_mwu
 *
 * Ranks the pooled sample with midranks for ties. Normal approximation with
 * N = na + nb:
 *   sigma^2 = na nb / 12 * ((N + 1) - sum(t^3 - t) / (N (N - 1)))
 * where t runs over the sizes of the groups of tied values. Zero variance
 * (every value equal) gives z = 0 and p = 1. The approximation is for
 * moderate to large samples (na, nb >= 8 or so); no exact small-sample p.
 *
 * Return: 0; -EINVAL on NULL pointers, empty input or NaN data; -ENOMEM.
 */
int stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		       struct stats_mwu *out);

/* Largest sample stats_signed_rank() takes (its exact distribution is O(n^3)). */
#define STATS_SIGNED_RANK_MAX 200

/**
 * struct stats_signed_rank - Wilcoxon signed-rank analysis of paired
 * differences.
 * @estimate: one-sample Hodges-Lehmann estimate: the median of the
 *            n (n + 1) / 2 Walsh averages (d[i] + d[j]) / 2, i <= j
 * @ci: distribution-free interval for the center of the differences;
 *      @ci.level is the exact coverage, at least the level asked for
 * @p: two-sided p-value of "the differences are symmetric about 0"
 * @n: number of differences
 */
struct stats_signed_rank {
	double estimate;
	struct stats_ci ci;
	double p;
	size_t n;
};

/**
 * stats_signed_rank() - Wilcoxon signed-rank test and interval on paired
 * differences (Hollander & Wolfe, Nonparametric Statistical Methods,
 * sec. 3.1-3.3).
 * @d: differences, e.g. per-round medians of B minus those of A (no NaN;
 *     unchanged)
 * @n: size of @d, 1 <= n <= STATS_SIGNED_RANK_MAX
 * @level: coverage asked for, in (0, 1)
 * @out: result
 *
 * Both the interval and the p-value use the exact null distribution (each
 * difference's sign equally likely + or -), not a normal approximation, so
 * they hold for the handful of rounds a benchmark run has.
 *
 * Interval: with W(1) <= ... <= W(M) the M = n (n + 1) / 2 Walsh averages,
 * [W(k), W(M + 1 - k)] where k is the largest integer with
 * P(T <= k - 1) <= (1 - level) / 2 and T the signed-rank statistic of n
 * untied ranks. Its exact coverage is 1 - 2 P(T <= k - 1).
 *
 * p-value: zeros are dropped, tied |d| get midranks, and T+ (the rank sum
 * of the positive differences) is referred to its exact distribution given
 * those ranks: p = min(1, 2 min(P(T+ <= t), P(T+ >= t))); 1 when every
 * difference is 0.
 *
 * Return: 0; -EINVAL on NULL pointers, n == 0, n > STATS_SIGNED_RANK_MAX,
 * NaN data or level outside (0, 1); -EDOM when n is too small for @level
 * (at 0.95, n < 6: even [min, max] covers less); -ENOMEM.
 */
int stats_signed_rank(const double *d, size_t n, double level, struct stats_signed_rank *out);

#endif
