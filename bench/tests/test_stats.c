// SPDX-License-Identifier: GPL-2.0
/*
 * test_stats.c - unit tests of bench/lib/stats.c against hand-computed and
 * published values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "stats.h"
#include "summary.h"

#define assert_near(a, b, eps)                                                                     \
	do {                                                                                       \
		double a_ = (a), b_ = (b), e_ = (eps);                                             \
		if (!(fabs(a_ - b_) <= e_)) {                                                      \
			print_error("%s = %.17g, expected %.17g +- %g\n", #a, a_, b_, e_);         \
			fail();                                                                    \
		}                                                                                  \
	} while (0)

#define assert_same_double(a, b)                                                                   \
	do {                                                                                       \
		double a_ = (a), b_ = (b);                                                         \
		if (memcmp(&a_, &b_, sizeof(a_))) {                                                \
			print_error("%s = %.17g, expected exactly %.17g\n", #a, a_, b_);           \
			fail();                                                                    \
		}                                                                                  \
	} while (0)

/* ---- Welford ---------------------------------------------------------- */

static void test_welford_hand(void **state)
{
	/*
	 * 2 4 4 4 5 5 7 9: mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32,
	 * sample variance 32/7, stddev sqrt(32/7) = 2.13809,
	 * standard error sqrt(32/7)/sqrt(8) = 0.75593.
	 */
	static const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
	struct welford w;
	size_t i;

	(void)state;
	welford_init(&w);
	assert_true(isnan(welford_variance(&w)));
	for (i = 0; i < ARRAY_SIZE(x); i++)
		welford_add(&w, x[i]);
	assert_int_equal(w.n, 8);
	assert_near(w.mean, 5.0, 1e-15);
	assert_near(welford_variance(&w), 32.0 / 7.0, 1e-14);
	assert_near(welford_stddev(&w), 2.1380899352993950, 1e-14);
	assert_near(welford_stderr(&w), 0.75592894601845445, 1e-14);
	assert_near(w.min, 2.0, 0);
	assert_near(w.max, 9.0, 0);
}

static void test_welford_one_value(void **state)
{
	struct welford w;

	(void)state;
	welford_init(&w);
	welford_add(&w, 3.5);
	assert_near(w.mean, 3.5, 0);
	assert_true(isnan(welford_variance(&w)));
	assert_true(isnan(welford_stddev(&w)));
	assert_true(isnan(welford_stderr(&w)));
}

static void test_welford_stable(void **state)
{
	/* 1e9 + {4, 7, 13, 16}: mean 1e9 + 10, variance (36+9+9+36)/3 = 30. */
	static const double d[] = {4, 7, 13, 16};
	struct welford w;
	size_t i;

	(void)state;
	welford_init(&w);
	for (i = 0; i < ARRAY_SIZE(d); i++)
		welford_add(&w, 1e9 + d[i]);
	assert_near(w.mean, 1e9 + 10, 1e-6);
	assert_near(welford_variance(&w), 30.0, 1e-6);
}

static void test_welford_merge(void **state)
{
	static const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
	struct welford a, b, e;
	size_t i;

	(void)state;
	welford_init(&a);
	welford_init(&b);
	welford_init(&e);
	welford_merge(&a, &e); /* empty into empty */
	assert_int_equal(a.n, 0);
	for (i = 0; i < 3; i++)
		welford_add(&a, x[i]);
	for (; i < ARRAY_SIZE(x); i++)
		welford_add(&b, x[i]);
	welford_merge(&a, &b);
	welford_merge(&a, &e); /* empty changes nothing */
	assert_int_equal(a.n, 8);
	assert_near(a.mean, 5.0, 1e-14);
	assert_near(welford_variance(&a), 32.0 / 7.0, 1e-13);
	assert_near(a.min, 2.0, 0);
	assert_near(a.max, 9.0, 0);
	welford_merge(&e, &b); /* into empty: copy */
	assert_int_equal(e.n, 5);
	assert_near(e.mean, 6.0, 1e-14);
}

/* ---- quantiles, selection, median ------------------------------------- */

static void test_quantile_type7(void **state)
{
	static const double x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	static const double y[] = {1, 3, 7, 15};

	(void)state;
	/* h = (n-1) q; x[floor h] + frac(h) * (next - x[floor h]) */
	assert_near(stats_quantile_sorted(x, 10, 0.9), 9.1, 1e-12);   /* h = 8.1 */
	assert_near(stats_quantile_sorted(x, 10, 0.5), 5.5, 1e-12);   /* h = 4.5 */
	assert_near(stats_quantile_sorted(x, 10, 0.25), 3.25, 1e-12); /* h = 2.25 */
	assert_near(stats_quantile_sorted(x, 10, 0.0), 1.0, 0);
	assert_near(stats_quantile_sorted(x, 10, 1.0), 10.0, 0);
	assert_near(stats_quantile_sorted(y, 4, 0.4), 3.8, 1e-12); /* h = 1.2: 3 + 0.2 * 4 */
	assert_near(stats_quantile_sorted(y, 1, 0.7), 1.0, 0);
	assert_true(isnan(stats_quantile_sorted(x, 0, 0.5)));
	assert_true(isnan(stats_quantile_sorted(x, 10, -0.1)));
	assert_true(isnan(stats_quantile_sorted(x, 10, 1.1)));
	assert_true(isnan(stats_quantile_sorted(x, 10, NAN)));
}

static void test_sort(void **state)
{
	double x[] = {3, -1, 2.5, 3, 0, -7};
	static const double want[] = {-7, -1, 0, 2.5, 3, 3};
	size_t i;

	(void)state;
	stats_sort(x, ARRAY_SIZE(x));
	for (i = 0; i < ARRAY_SIZE(x); i++)
		assert_near(x[i], want[i], 0);
	stats_sort(x, 0); /* no-op */
}

static void test_median_hand(void **state)
{
	double odd[] = {5, 1, 4, 2, 3};
	double even[] = {4, 1, 3, 2};
	double ties[] = {7, 7, 7, 1, 7, 7};
	double one[] = {42};

	(void)state;
	assert_near(stats_median(odd, 5), 3.0, 0);
	assert_near(stats_median(even, 4), 2.5, 0);
	assert_near(stats_median(ties, 6), 7.0, 0);
	assert_near(stats_median(one, 1), 42.0, 0);
	assert_true(isnan(stats_median(one, 0)));
	assert_true(isnan(stats_select(one, 1, 1)));
}

/* stats_select() for every k against a sorted copy, with many ties. */
static void test_select_vs_sort(void **state)
{
	struct stats_rng r;
	double x[64], s[64], w[64];
	size_t n, k, i;

	(void)state;
	stats_rng_seed(&r, 7);
	for (n = 1; n <= 64; n += 7) {
		for (i = 0; i < n; i++)
			x[i] = (double)stats_rng_below(&r, n / 3 + 1); /* ties */
		memcpy(s, x, sizeof(x));
		stats_sort(s, n);
		for (k = 0; k < n; k++) {
			memcpy(w, x, sizeof(x));
			assert_near(stats_select(w, n, k), s[k], 0);
			for (i = 0; i < k; i++)
				assert_true(w[i] <= w[k]);
			for (i = k + 1; i < n; i++)
				assert_true(w[i] >= w[k]);
		}
		memcpy(w, x, sizeof(x));
		assert_near(stats_median(w, n), stats_quantile_sorted(s, n, 0.5), 0);
	}
}

/* ---- PRNG and normal distribution ------------------------------------- */

static void test_rng_reference(void **state)
{
	/*
	 * xoshiro256** from the state {1, 2, 3, 4}: the first output is
	 * rotl(2 * 5, 7) * 9 = 1280 * 9 = 11520; the second is 0 (s[1] becomes
	 * 2 ^ 2 = 0). splitmix64 from 0 first yields 0xe220a8397b1dcdaf
	 * (the published reference value of Vigna's splitmix64.c).
	 */
	struct stats_rng r = {{1, 2, 3, 4}}, a, b;
	int i;

	(void)state;
	assert_int_equal(stats_rng_next(&r), 11520);
	assert_int_equal(stats_rng_next(&r), 0);
	stats_rng_seed(&r, 0);
	assert_int_equal(r.s[0], 0xe220a8397b1dcdafULL);

	stats_rng_seed(&a, 12345);
	stats_rng_seed(&b, 12345);
	for (i = 0; i < 100; i++) {
		double d = stats_rng_double(&a);

		assert_true(d >= 0.0 && d < 1.0);
		assert_true(stats_rng_below(&a, 10) < 10);
		assert_int_equal(stats_rng_below(&a, 1), 0);
		(void)stats_rng_double(&b);
		(void)stats_rng_below(&b, 10);
		(void)stats_rng_below(&b, 1);
	}
	assert_int_equal(stats_rng_next(&a), stats_rng_next(&b));
	assert_int_equal(stats_rng_below(&a, 0), 0);
}

static void test_norm(void **state)
{
	(void)state;
	assert_near(stats_norm_cdf(0.0), 0.5, 1e-16);
	assert_near(stats_norm_cdf(1.959963984540054), 0.975, 1e-15);
	assert_near(stats_norm_quantile(0.975), 1.959963984540054, 1e-12);
	assert_near(stats_norm_quantile(0.025), -1.959963984540054, 1e-12);
	assert_near(stats_norm_quantile(0.995), 2.5758293035489004, 1e-12);
	assert_near(stats_norm_quantile(0.5), 0.0, 0);
	assert_near(stats_norm_cdf(stats_norm_quantile(1e-10)), 1e-10, 1e-22);
	assert_true(isinf(stats_norm_quantile(1.0)) && stats_norm_quantile(1.0) > 0);
	assert_true(isinf(stats_norm_quantile(0.0)) && stats_norm_quantile(0.0) < 0);
	assert_true(isnan(stats_norm_quantile(1.5)));
	assert_true(isnan(stats_norm_quantile(NAN)));
}

/* ---- Hodges-Lehmann --------------------------------------------------- */

static void test_hl_hand(void **state)
{
	/*
	 * a = {1, 2, 3}, b = {2, 4, 6, 10}: b - a = 1 0 -1 | 3 2 1 | 5 4 3 |
	 * 9 8 7; sorted -1 0 1 1 2 3 3 4 5 7 8 9: median (3 + 3) / 2 = 3.
	 */
	static const double a1[] = {1, 2, 3}, b1[] = {2, 4, 6, 10};
	/* a = {1, 4, 5}, b = {3, 9, 11}: 2 -1 -2 | 8 5 4 | 10 7 6 -> 5. */
	static const double a2[] = {5, 1, 4}, b2[] = {11, 3, 9};
	/* a = {0, 1}, b = {0, 3, 5}: 0 -1 | 3 2 | 5 4 -> (2 + 3) / 2. */
	static const double a3[] = {0, 1}, b3[] = {5, 0, 3};
	/* one each */
	static const double a4[] = {2.5}, b4[] = {1.0};

	(void)state;
	assert_near(stats_hodges_lehmann(a1, 3, b1, 4), 3.0, 0);
	assert_near(stats_hodges_lehmann(a2, 3, b2, 3), 5.0, 0);
	assert_near(stats_hodges_lehmann(a3, 2, b3, 3), 2.5, 0);
	assert_near(stats_hodges_lehmann(a4, 1, b4, 1), -1.5, 0);
	/* swapping the samples negates the shift */
	assert_near(stats_hodges_lehmann(b1, 4, a1, 3), -3.0, 0);
}

static void test_pair_kth_hand(void **state)
{
	static const double a[] = {1, 2, 3}, b[] = {2, 4, 6, 10};
	static const double want[] = {-1, 0, 1, 1, 2, 3, 3, 4, 5, 7, 8, 9};
	uint64_t k;

	(void)state;
	for (k = 0; k < 12; k++)
		assert_near(stats_pair_diff_kth(a, 3, b, 4, k), want[k], 0);
	assert_true(isnan(stats_pair_diff_kth(a, 3, b, 4, 12)));
	assert_true(isnan(stats_pair_diff_kth(a, 0, b, 4, 0)));
}

static int cmp_dbl(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

/* Brute force: every difference, sorted, the middle. */
static double hl_brute(const double *a, size_t na, const double *b, size_t nb, double *all)
{
	size_t i, j, n = na * nb;

	for (j = 0; j < nb; j++)
		for (i = 0; i < na; i++)
			all[j * na + i] = b[j] - a[i];
	qsort(all, n, sizeof(*all), cmp_dbl);
	if (n % 2)
		return all[n / 2];
	return all[n / 2 - 1] + (all[n / 2] - all[n / 2 - 1]) / 2;
}

static void test_hl_vs_brute(void **state)
{
	enum { NA = 300, NB = 300, NB2 = 217 };
	double *a = malloc(NA * sizeof(*a)), *b = malloc(NB * sizeof(*b));
	double *all = malloc(NA * NB * sizeof(*all)), *sa, *sb;
	struct stats_rng r;
	size_t i, k;
	int round;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(all);
	stats_rng_seed(&r, 2024);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < NA; i++)
			a[i] = round == 1 ? (double)stats_rng_below(&r, 20) /* heavy ties */
					  : 100.0 * stats_rng_double(&r);
		for (i = 0; i < NB; i++)
			b[i] = round == 1 ? (double)stats_rng_below(&r, 25)
					  : 3.0 + 120.0 * stats_rng_double(&r);
		assert_same_double(stats_hodges_lehmann(a, NA, b, NB), hl_brute(a, NA, b, NB, all));
		assert_same_double(stats_hodges_lehmann(a, NA, b, NB2),
				   hl_brute(a, NA, b, NB2, all));
	}
	/* Every 997th rank of the last brute-force list, via the selection. */
	sa = malloc(NA * sizeof(*sa));
	sb = malloc(NB2 * sizeof(*sb));
	assert_non_null(sa);
	assert_non_null(sb);
	memcpy(sa, a, NA * sizeof(*sa));
	memcpy(sb, b, NB2 * sizeof(*sb));
	qsort(sa, NA, sizeof(*sa), cmp_dbl);
	qsort(sb, NB2, sizeof(*sb), cmp_dbl);
	for (k = 0; k < NA * NB2; k += 997)
		assert_same_double(stats_pair_diff_kth(sa, NA, sb, NB2, k), all[k]);
	assert_same_double(stats_pair_diff_kth(sa, NA, sb, NB2, NA * NB2 - 1), all[NA * NB2 - 1]);
	free(sa);
	free(sb);
	free(a);
	free(b);
	free(all);
}

/* n = m = 20000 (4e8 pairs): b is a shifted by exactly 5, so HL is 5. */
static void test_hl_large(void **state)
{
	enum { N = 20000 };
	double *a = malloc(N * sizeof(*a)), *b = malloc(N * sizeof(*b));
	struct stats_rng r;
	size_t i;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	stats_rng_seed(&r, 99);
	for (i = 0; i < N; i++) {
		a[i] = (double)stats_rng_below(&r, 1000000);
		b[(i * 7919) % N] = a[i] + 5.0; /* permuted */
	}
	assert_near(stats_hodges_lehmann(a, N, b, N), 5.0, 0);
	free(a);
	free(b);
}

static void test_hl_errors(void **state)
{
	static const double a[] = {1, 2}, bad[] = {1, NAN};

	(void)state;
	assert_true(isnan(stats_hodges_lehmann(a, 0, a, 2)));
	assert_true(isnan(stats_hodges_lehmann(a, 2, a, 0)));
	assert_true(isnan(stats_hodges_lehmann(NULL, 2, a, 2)));
	assert_true(isnan(stats_hodges_lehmann(a, 2, bad, 2)));
}

/* ---- Moses CI --------------------------------------------------------- */

static void test_moses_hand(void **state)
{
	/*
	 * a = 0..9, b = 0, 10, ..., 90: the 100 differences 10 j - i are the
	 * integers -9..90, so D(k) = k - 10. At 95 %: N = 100,
	 * k = floor(50 - 1.959964 * sqrt(100 * 21 / 12)) = floor(24.07) = 24,
	 * which is also the exact table value (Mann-Whitney critical value 23
	 * for n1 = n2 = 10, two-sided 0.05, plus 1). Interval [D(24), D(77)] =
	 * [14, 67].
	 */
	double a[10], b[10];
	struct stats_ci ci;
	int i;

	(void)state;
	for (i = 0; i < 10; i++) {
		a[i] = i;
		b[i] = 10 * i;
	}
	assert_int_equal(stats_hl_moses_ci(a, 10, b, 10, 0.95, &ci), 0);
	assert_near(ci.lo, 14.0, 0);
	assert_near(ci.hi, 67.0, 0);
	assert_near(ci.level, 0.95, 0);
}

static void test_moses_contains_shift(void **state)
{
	enum { NA = 400, NB = 350 };
	double a[NA], b[NB], hl;
	struct stats_rng r;
	struct stats_ci ci;
	int i;

	(void)state;
	stats_rng_seed(&r, 5);
	for (i = 0; i < NA; i++)
		a[i] = -log(1.0 - stats_rng_double(&r)); /* Exp(1) */
	for (i = 0; i < NB; i++)
		b[i] = 3.0 - log(1.0 - stats_rng_double(&r));
	assert_int_equal(stats_hl_moses_ci(a, NA, b, NB, 0.95, &ci), 0);
	hl = stats_hodges_lehmann(a, NA, b, NB);
	assert_true(ci.lo < 3.0 && 3.0 < ci.hi);
	assert_true(ci.lo <= hl && hl <= ci.hi);
	assert_true(ci.hi - ci.lo < 0.5);
}

static void test_moses_errors(void **state)
{
	static const double a[] = {1, 2}, nan2[] = {1, NAN};
	struct stats_ci ci;

	(void)state;
	/* N = 4: k = floor(2 - 1.96 * sqrt(4 * 5 / 12)) = floor(-0.53) < 1 */
	assert_int_equal(stats_hl_moses_ci(a, 2, a, 2, 0.95, &ci), -EDOM);
	assert_int_equal(stats_hl_moses_ci(a, 0, a, 2, 0.95, &ci), -EINVAL);
	assert_int_equal(stats_hl_moses_ci(a, 2, a, 2, 0.0, &ci), -EINVAL);
	assert_int_equal(stats_hl_moses_ci(a, 2, a, 2, 1.0, &ci), -EINVAL);
	assert_int_equal(stats_hl_moses_ci(a, 2, a, 2, NAN, &ci), -EINVAL);
	assert_int_equal(stats_hl_moses_ci(a, 2, nan2, 2, 0.5, &ci), -EINVAL);
	assert_int_equal(stats_hl_moses_ci(a, 2, a, 2, 0.5, NULL), -EINVAL);
}

/* ---- Mann-Whitney ----------------------------------------------------- */

static void test_mwu_textbook(void **state)
{
	/*
	 * Hollander & Wolfe (1973), Nonparametric Statistical Methods, p. 69f
	 * (Table 4.1): permeability constants of the human chorioamnion at
	 * term (x) and at 12-26 weeks (y); reproduced in R's ?wilcox.test
	 * examples, where wilcox.test(x, y) reports W = 35 (the count of pairs
	 * x > y) and the H&W large-sample approximation without continuity
	 * correction (exact = FALSE, correct = FALSE, one-sided "greater")
	 * gives p = 0.1103. No ties: sigma^2 = 10 * 5 * 16 / 12 = 66.667.
	 * With the continuity correction: z = (35 - 25 - 0.5) / 8.16497 =
	 * 1.16351, two-sided p = erfc(z / sqrt 2) = 0.244624.
	 */
	static const double x[] = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
	static const double y[] = {1.15, 0.88, 0.90, 0.74, 1.21};
	struct stats_mwu m;

	(void)state;
	/* U of b: with a = y, b = x it is W. */
	assert_int_equal(stats_mann_whitney(y, 5, x, 10, &m), 0);
	assert_near(m.u, 35.0, 0);
	assert_near(m.z, 1.1635076278220096, 1e-12);
	assert_near(m.p, 0.24462360512698333, 1e-12);
	/* The published uncorrected one-sided p from the same U and sigma. */
	assert_near(0.5 * erfc((m.u - 25.0) / sqrt(10.0 * 5 * 16 / 12) / M_SQRT2), 0.1103, 5e-5);
	/* Reversed: U_a = 50 - 35, z negated, same p. */
	assert_int_equal(stats_mann_whitney(x, 10, y, 5, &m), 0);
	assert_near(m.u, 15.0, 0);
	assert_near(m.z, -1.1635076278220096, 1e-12);
	assert_near(m.p, 0.24462360512698333, 1e-12);
}

static void test_mwu_ties(void **state)
{
	/*
	 * a = {1, 2, 2, 3}, b = {2, 3, 3, 4, 5}. Pooled: 1a 2a 2a 2b 3a 3b 3b
	 * 4b 5b; midranks 1, 3 3 3, 6 6 6, 8, 9. R_b = 3 + 6 + 6 + 8 + 9 = 32,
	 * U_b = 32 - 5 * 6 / 2 = 17 (pair count: 2 + 3.5 + 3.5 + 4 + 4).
	 * Mean 4 * 5 / 2 = 10. Ties: two groups of 3, sum(t^3 - t) = 48;
	 * sigma^2 = 20 / 12 * (10 - 48 / (9 * 8)) = 5/3 * 28/3 = 140/9.
	 * z = (17 - 10 - 0.5) / sqrt(140/9) = 1.6480508, p = 0.0993422.
	 */
	static const double a[] = {2, 1, 3, 2}, b[] = {5, 3, 2, 4, 3};
	struct stats_mwu m;

	(void)state;
	assert_int_equal(stats_mann_whitney(a, 4, b, 5, &m), 0);
	assert_near(m.u, 17.0, 0);
	assert_near(m.z, 1.6480507967206073, 1e-12);
	assert_near(m.p, 0.09934224785346527, 1e-12);
}

static void test_mwu_degenerate(void **state)
{
	static const double five[] = {5, 5, 5}, one[] = {1}, two[] = {2}, nan1[] = {NAN};
	struct stats_mwu m;

	(void)state;
	/* All equal: zero variance, p = 1, not NaN. */
	assert_int_equal(stats_mann_whitney(five, 3, five, 2, &m), 0);
	assert_near(m.u, 3.0, 0);
	assert_near(m.z, 0.0, 0);
	assert_near(m.p, 1.0, 0);
	/* Identical samples: U = na nb / 2, p = 1. */
	assert_int_equal(stats_mann_whitney(one, 1, one, 1, &m), 0);
	assert_near(m.p, 1.0, 0);
	/* One each, b larger: U = 1, |d| = 0.5 is all continuity: z = 0. */
	assert_int_equal(stats_mann_whitney(one, 1, two, 1, &m), 0);
	assert_near(m.u, 1.0, 0);
	assert_near(m.p, 1.0, 0);
	assert_int_equal(stats_mann_whitney(one, 0, two, 1, &m), -EINVAL);
	assert_int_equal(stats_mann_whitney(one, 1, two, 0, &m), -EINVAL);
	assert_int_equal(stats_mann_whitney(NULL, 1, two, 1, &m), -EINVAL);
	assert_int_equal(stats_mann_whitney(one, 1, two, 1, NULL), -EINVAL);
	assert_int_equal(stats_mann_whitney(one, 1, nan1, 1, &m), -EINVAL);
}

/*
 * `compare` judges two runs on their round medians, 6 or more a side: the
 * Moses interval and the Mann-Whitney p at 6 and 6, by hand. a = 1..6,
 * b = a + s (s = 2.5 or 6): the 36 differences are s + (j - i), j - i in
 * -5..5 with multiplicity 6 - |j - i|. Moses: k = floor(18 - 1.959964 *
 * sqrt(36 * 13 / 12)) = floor(5.76) = 5; D(4..6) = s - 3 and, from the top,
 * D(31..33) = s + 3, so [D(5), D(32)] = [s - 3, s + 3]. The exact rank-sum
 * table gives k = 6 (P(U <= 5) = 19/924); k = 5 covers 1 - 2 * 12/924 =
 * 97.4 %: conservative (as for every size 2..60 a side, checked against the
 * exact distribution). Mann-Whitney, no ties, sigma^2 = 36 * 13 / 12 = 39:
 * s = 2.5: U = 36 - (3 + 2 + 1) = 30, z = (12 - 0.5) / sqrt(39) = 1.84147,
 * p = 0.065552 (exact 56/924 = 0.0606); s = 6: U = 36, z = 17.5 / sqrt(39)
 * = 2.80224, p = 0.0050749 (exact 2/924 = 0.0022): the smallest p 6 and 6
 * can give, below 0.01. At 3 and 3 the interval is refused: k =
 * floor(4.5 - 1.96 * sqrt(9 * 7 / 12)) = 0.
 */
static void test_rank_tests_six_and_six(void **state)
{
	double a[6], b[6];
	struct stats_ci ci;
	struct stats_mwu m;
	int i;

	(void)state;
	for (i = 0; i < 6; i++) {
		a[i] = i + 1;
		b[i] = i + 1 + 2.5;
	}
	assert_near(stats_hodges_lehmann(a, 6, b, 6), 2.5, 0);
	assert_int_equal(stats_hl_moses_ci(a, 6, b, 6, 0.95, &ci), 0);
	assert_near(ci.lo, -0.5, 0);
	assert_near(ci.hi, 5.5, 0);
	assert_int_equal(stats_mann_whitney(a, 6, b, 6, &m), 0);
	assert_near(m.u, 30.0, 0);
	assert_near(m.z, 1.841473768758502, 1e-12);
	assert_near(m.p, 0.06555216116550258, 1e-12);
	for (i = 0; i < 6; i++)
		b[i] = i + 1 + 6;
	assert_near(stats_hodges_lehmann(a, 6, b, 6), 6.0, 0);
	assert_int_equal(stats_hl_moses_ci(a, 6, b, 6, 0.95, &ci), 0);
	assert_near(ci.lo, 3.0, 0);
	assert_near(ci.hi, 9.0, 0);
	assert_int_equal(stats_mann_whitney(a, 6, b, 6, &m), 0);
	assert_near(m.u, 36.0, 0);
	assert_near(m.p, 0.005074868097940257, 1e-12);
	assert_int_equal(stats_hl_moses_ci(a, 3, b, 3, 0.95, &ci), -EDOM);
}

/* ---- bootstrap -------------------------------------------------------- */

static void exp_sample(double *x, size_t n, uint64_t seed, double offset)
{
	struct stats_rng r;
	size_t i;

	stats_rng_seed(&r, seed);
	for (i = 0; i < n; i++)
		x[i] = offset - log(1.0 - stats_rng_double(&r));
}

static void test_bootstrap_median(void **state)
{
	enum { N = 1001 };
	double x[N], copy[N];
	struct stats_ci c1, c2, c3;

	(void)state;
	/* Exp(1): the true median is ln 2. */
	exp_sample(x, N, 11, 0.0);
	memcpy(copy, x, sizeof(x));
	assert_int_equal(stats_bootstrap_median_ci(x, N, 0.95, 1000, 42, &c1), 0);
	assert_memory_equal(x, copy, sizeof(x)); /* input untouched */
	assert_true(c1.lo < M_LN2 && M_LN2 < c1.hi);
	assert_true(c1.hi - c1.lo < 0.3);
	assert_near(c1.level, 0.95, 0);
	/* Deterministic for a seed, different for another. */
	assert_int_equal(stats_bootstrap_median_ci(x, N, 0.95, 1000, 42, &c2), 0);
	assert_same_double(c2.lo, c1.lo);
	assert_same_double(c2.hi, c1.hi);
	assert_int_equal(stats_bootstrap_median_ci(x, N, 0.95, 1000, 43, &c3), 0);
	assert_true(c3.lo != c1.lo || c3.hi != c1.hi);
	/* A 50 % interval lies inside the 95 % one. */
	assert_int_equal(stats_bootstrap_median_ci(x, N, 0.5, 1000, 42, &c3), 0);
	assert_true(c1.lo <= c3.lo && c3.hi <= c1.hi);
}

/*
 * The exact joint distribution of a resample's middle ranks, by
 * enumerating all n^n resamples of indices, against 200000 draws of
 * stats_resample_median_ranks(): total variation distance. A correct sampler
 * is about 0.003 off here; an off-by-one Beta shape or a wrong second rank
 * is 0.1 or more.
 */
static void test_resample_ranks_exact(void **state)
{
	enum { R = 200000 };
	struct stats_rng rng;

	(void)state;
	stats_rng_seed(&rng, 9);
	for (size_t n = 1; n <= 6; n++) {
		double want[6][6] = {{0}}, got[6][6] = {{0}}, tv = 0, total = 1;
		size_t idx[6] = {0}, k = (n + 1) / 2;

		for (size_t i = 0; i < n; i++)
			total *= (double)n;
		for (;;) { /* every tuple of n indices in 0..n-1 */
			size_t s[6], lo, hi;

			memcpy(s, idx, sizeof(s));
			for (size_t i = 1; i < n; i++) /* insertion sort */
				for (size_t j = i; j > 0 && s[j - 1] > s[j]; j--) {
					size_t t = s[j];

					s[j] = s[j - 1];
					s[j - 1] = t;
				}
			lo = s[k - 1];
			hi = n % 2 ? lo : s[k];
			want[lo][hi] += 1.0 / total;
			size_t d = 0;

			while (d < n && ++idx[d] == n)
				idx[d++] = 0;
			if (d == n)
				break;
		}
		for (size_t r = 0; r < R; r++) {
			size_t lo, hi;

			stats_resample_median_ranks(&rng, n, &lo, &hi);
			assert_true(lo <= hi && hi < n);
			if (n % 2)
				assert_true(lo == hi);
			got[lo][hi] += 1.0 / R;
		}
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < n; j++)
				tv += fabs(got[i][j] - want[i][j]) / 2;
		assert_true(tv < 0.01);
	}
}

/* P(Binomial(n, p) >= k), summed in log space. */
static double binom_tail(size_t n, double p, size_t k)
{
	double sum = 0;

	if (p >= 1.0)
		return 1.0;
	for (size_t j = k; j <= n; j++)
		sum += exp(lgamma(n + 1.0) - lgamma(j + 1.0) - lgamma(n - j + 1.0) + j * log(p) +
			   (n - j) * log1p(-p));
	return sum;
}

/*
 * Larger n: each middle rank's distribution function against the exact one,
 * P(rank <= i) = P(at least m of n uniform indices are <= i) for the m-th
 * smallest; Kolmogorov distance over 100000 draws.
 */
static void test_resample_ranks_binomial(void **state)
{
	enum { R = 100000 };
	static const size_t ns[] = {64, 101, 4000};
	static unsigned int cnt_lo[4000], cnt_hi[4000];
	struct stats_rng rng;

	(void)state;
	stats_rng_seed(&rng, 10);
	for (size_t t = 0; t < ARRAY_SIZE(ns); t++) {
		size_t n = ns[t], k = (n + 1) / 2;
		double clo = 0, chi = 0, dmax = 0;

		memset(cnt_lo, 0, sizeof(cnt_lo));
		memset(cnt_hi, 0, sizeof(cnt_hi));
		for (size_t r = 0; r < R; r++) {
			size_t lo, hi;

			stats_resample_median_ranks(&rng, n, &lo, &hi);
			cnt_lo[lo]++;
			cnt_hi[hi]++;
		}
		for (size_t i = 0; i < n; i++) {
			double p = (double)(i + 1) / (double)n;

			clo += (double)cnt_lo[i] / R;
			chi += (double)cnt_hi[i] / R;
			dmax = fmax(dmax, fabs(clo - binom_tail(n, p, k)));
			dmax = fmax(dmax, fabs(chi - binom_tail(n, p, n % 2 ? k : k + 1)));
		}
		assert_true(dmax < 0.01);
	}
}

static void test_bootstrap_constant(void **state)
{
	double x[] = {4, 4, 4, 4, 4};
	struct stats_ci c;

	(void)state;
	assert_int_equal(stats_bootstrap_median_ci(x, 5, 0.9, 50, 1, &c), 0);
	assert_near(c.lo, 4.0, 0);
	assert_near(c.hi, 4.0, 0);
}

static void test_bootstrap_shift(void **state)
{
	enum { NA = 800, NB = 600 };
	double a[NA], b[NB];
	struct stats_ci c1, c2;

	(void)state;
	exp_sample(a, NA, 21, 0.0);
	exp_sample(b, NB, 22, 7.0); /* same shape, offset by 7 */
	assert_int_equal(stats_bootstrap_shift_ci(a, NA, b, NB, 0.95, 1000, 3, &c1), 0);
	assert_true(c1.lo < 7.0 && 7.0 < c1.hi);
	assert_true(c1.hi - c1.lo < 0.5);
	assert_int_equal(stats_bootstrap_shift_ci(a, NA, b, NB, 0.95, 1000, 3, &c2), 0);
	assert_same_double(c2.lo, c1.lo);
	assert_same_double(c2.hi, c1.hi);
	/* Swapped samples: the shift changes sign. */
	assert_int_equal(stats_bootstrap_shift_ci(b, NB, a, NA, 0.95, 1000, 3, &c2), 0);
	assert_true(c2.lo < -7.0 && -7.0 < c2.hi);
}

static void test_bootstrap_errors(void **state)
{
	static const double x[] = {1, 2, 3}, bad[] = {1, NAN, 3};
	struct stats_ci c = {-1, -1, -1};

	(void)state;
	assert_int_equal(stats_bootstrap_median_ci(x, 0, 0.95, 100, 1, &c), -EINVAL);
	assert_int_equal(stats_bootstrap_median_ci(NULL, 3, 0.95, 100, 1, &c), -EINVAL);
	assert_int_equal(stats_bootstrap_median_ci(x, 3, 0.95, 100, 1, NULL), -EINVAL);
	assert_int_equal(stats_bootstrap_median_ci(x, 3, 0.0, 100, 1, &c), -EINVAL);
	assert_int_equal(stats_bootstrap_median_ci(x, 3, 1.0, 100, 1, &c), -EINVAL);
	assert_int_equal(stats_bootstrap_median_ci(x, 3, NAN, 100, 1, &c), -EINVAL);
	assert_int_equal(stats_bootstrap_median_ci(x, 3, 0.95, 1, 1, &c), -EINVAL);
	assert_int_equal(stats_bootstrap_median_ci(bad, 3, 0.95, 100, 1, &c), -EINVAL);
	assert_int_equal(stats_bootstrap_shift_ci(x, 0, x, 3, 0.95, 100, 1, &c), -EINVAL);
	assert_int_equal(stats_bootstrap_shift_ci(x, 3, x, 0, 0.95, 100, 1, &c), -EINVAL);
	assert_int_equal(stats_bootstrap_shift_ci(x, 3, bad, 3, 0.95, 100, 1, &c), -EINVAL);
	assert_int_equal(stats_bootstrap_shift_ci(x, 3, x, 3, 1.5, 100, 1, &c), -EINVAL);
	assert_int_equal(stats_bootstrap_shift_ci(x, 3, x, 3, 0.95, 0, 1, &c), -EINVAL);
	assert_near(c.lo, -1.0, 0); /* untouched on error */
}

/* Hollander & Wolfe's signed-rank test and Walsh-average interval, by hand. */
static void test_signed_rank_hand(void **state)
{
	/* n = 6, all positive: k = 1 (P(T <= 0) = 1/64), so [min, max]. */
	static const double six[] = {1, 2, 3, 4, 5, 6};
	/*
	 * n = 8: P(T <= 3) = 5/256 <= 0.025 < P(T <= 4) = 7/256, so k = 4:
	 * the 4th and 33rd of the 36 Walsh averages, -0.5 and 8. T+ = 32,
	 * P(T+ >= 32) = 7/256, p = 14/256.
	 */
	static const double eight[] = {10, -3, 2, 8, -1, 4, 7, 5};
	struct stats_signed_rank r;

	(void)state;
	assert_int_equal(stats_signed_rank(six, 6, 0.95, &r), 0);
	assert_int_equal(r.n, 6);
	assert_near(r.estimate, 3.5, 0);
	assert_near(r.ci.lo, 1.0, 0);
	assert_near(r.ci.hi, 6.0, 0);
	assert_near(r.ci.level, 1.0 - 2.0 / 64, 1e-12);
	assert_near(r.p, 2.0 / 64, 1e-12);

	assert_int_equal(stats_signed_rank(eight, 8, 0.95, &r), 0);
	assert_near(r.estimate, 4.25, 0);
	assert_near(r.ci.lo, -0.5, 0);
	assert_near(r.ci.hi, 8.0, 0);
	assert_near(r.ci.level, 1.0 - 10.0 / 256, 1e-12);
	assert_near(r.p, 14.0 / 256, 1e-12);
}

static void test_signed_rank_ties(void **state)
{
	/*
	 * The zero is dropped; |d| = 1 1 2 2 3 get midranks 1.5 1.5 3.5 3.5 5.
	 * T+ = 1.5 + 3.5 + 3.5 + 5 = 13.5 of 15: only the 3 sign patterns
	 * whose negative ranks sum to <= 1.5 reach it, so P(T+ >= 13.5) =
	 * 3/32 and p = 6/32.
	 */
	static const double d[] = {1, -1, 2, 2, 0, 3};
	static const double zeros[] = {0, 0, 0, 0, 0, 0};
	struct stats_signed_rank r;

	(void)state;
	assert_int_equal(stats_signed_rank(d, 6, 0.95, &r), 0);
	assert_near(r.p, 6.0 / 32, 1e-12);
	assert_int_equal(stats_signed_rank(zeros, 6, 0.95, &r), 0);
	assert_near(r.p, 1.0, 0);
	assert_near(r.ci.lo, 0.0, 0);
	assert_near(r.ci.hi, 0.0, 0);
}

static void test_signed_rank_errors(void **state)
{
	static const double five[] = {1, 2, 3, 4, 5}, bad[] = {1, 2, NAN, 4, 5, 6};
	double many[STATS_SIGNED_RANK_MAX + 1] = {0};
	struct stats_signed_rank r;

	(void)state;
	/* n = 5: P(T <= 0) = 1/32 > 0.025, no 95 % interval exists. */
	assert_int_equal(stats_signed_rank(five, 5, 0.95, &r), -EDOM);
	assert_int_equal(stats_signed_rank(five, 5, 0.90, &r), 0);
	assert_int_equal(stats_signed_rank(five, 0, 0.95, &r), -EINVAL);
	assert_int_equal(stats_signed_rank(NULL, 5, 0.95, &r), -EINVAL);
	assert_int_equal(stats_signed_rank(five, 5, 0.95, NULL), -EINVAL);
	assert_int_equal(stats_signed_rank(five, 5, 1.0, &r), -EINVAL);
	assert_int_equal(stats_signed_rank(bad, 6, 0.95, &r), -EINVAL);
	assert_int_equal(stats_signed_rank(many, STATS_SIGNED_RANK_MAX, 0.95, &r), 0);
	assert_int_equal(stats_signed_rank(many, STATS_SIGNED_RANK_MAX + 1, 0.95, &r), -EINVAL);
}

/*
 * summary_value(): what <stem>.values.csv stores ("%.4f") reads back as the
 * value summarised, and instruction-time values (multiples of 1/16 ns) stay
 * exact.
 */
static void test_summary_value(void **state)
{
	static const double exact[] = {553.0625, 152.0625, 0.0625, 705.125, 117800000.0625};
	uint64_t x = 88172645463325252ull;
	char buf[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(exact); i++)
		assert_true(summary_value(exact[i]) == exact[i]);
	assert_true(summary_value(1.23456) == 1.2346);
	assert_true(isnan(summary_value(NAN)));
	for (int i = 0; i < 100000; i++) {
		double v, r;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
		v = summary_value((double)(x % 100000000000000ull) / 1e3 / (double)(1 + i % 17));
		snprintf(buf, sizeof(buf), "%.4f", v);
		r = strtod(buf, NULL);
		if (r != v)
			fail_msg("%.17g printed as %s reads back as %.17g", v, buf, r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_welford_hand),
		cmocka_unit_test(test_welford_one_value),
		cmocka_unit_test(test_welford_stable),
		cmocka_unit_test(test_welford_merge),
		cmocka_unit_test(test_quantile_type7),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_median_hand),
		cmocka_unit_test(test_select_vs_sort),
		cmocka_unit_test(test_rng_reference),
		cmocka_unit_test(test_norm),
		cmocka_unit_test(test_hl_hand),
		cmocka_unit_test(test_pair_kth_hand),
		cmocka_unit_test(test_hl_vs_brute),
		cmocka_unit_test(test_hl_large),
		cmocka_unit_test(test_hl_errors),
		cmocka_unit_test(test_moses_hand),
		cmocka_unit_test(test_moses_contains_shift),
		cmocka_unit_test(test_moses_errors),
		cmocka_unit_test(test_mwu_textbook),
		cmocka_unit_test(test_mwu_ties),
		cmocka_unit_test(test_mwu_degenerate),
		cmocka_unit_test(test_rank_tests_six_and_six),
		cmocka_unit_test(test_bootstrap_median),
		cmocka_unit_test(test_resample_ranks_exact),
		cmocka_unit_test(test_resample_ranks_binomial),
		cmocka_unit_test(test_bootstrap_constant),
		cmocka_unit_test(test_bootstrap_shift),
		cmocka_unit_test(test_bootstrap_errors),
		cmocka_unit_test(test_signed_rank_hand),
		cmocka_unit_test(test_signed_rank_ties),
		cmocka_unit_test(test_signed_rank_errors),
		cmocka_unit_test(test_summary_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
