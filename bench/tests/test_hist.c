// SPDX-License-Identifier: GPL-2.0
/*
 * test_hist.c - unit tests of the log-linear histogram (bench/lib/hist.c).
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

#include "hist.h"
#include "stats.h"

static void test_rel_error(void **state)
{
	(void)state;
	assert_true(hist_rel_error() == 1.0 / 128);
	assert_true(hist_rel_error() < 0.01);
}

/* Hand-computed bucket boundaries. */
static void test_bucket_layout_hand(void **state)
{
	struct hist h;
	uint64_t lo, hi, c;

	(void)state;
	assert_int_equal(hist_init(&h, UINT64_MAX), 0);
	assert_int_equal(hist_nbuckets(&h), 7424); /* 57 * 128 + 128 */
	/* exact below 256 */
	assert_int_equal(hist_bucket_index(0), 0);
	assert_int_equal(hist_bucket_index(127), 127);
	assert_int_equal(hist_bucket_index(255), 255);
	/* 256 = 2^8: width 2 */
	assert_int_equal(hist_bucket_index(256), 256);
	assert_int_equal(hist_bucket_index(257), 256);
	assert_int_equal(hist_bucket_index(258), 257);
	assert_true(hist_bucket(&h, 256, &lo, &hi, &c));
	assert_int_equal(lo, 256);
	assert_int_equal(hi, 257);
	assert_int_equal(c, 0);
	/* 1000 = 2^9 * 1.95: width 4, 1000 >> 2 = 250, index 2 * 128 + 250 */
	assert_int_equal(hist_bucket_index(1000), 506);
	assert_true(hist_bucket(&h, 506, &lo, &hi, NULL));
	assert_int_equal(lo, 1000);
	assert_int_equal(hi, 1003);
	/* top bucket: [255 << 56, 2^64 - 1] */
	assert_int_equal(hist_bucket_index(UINT64_MAX), 7423);
	assert_true(hist_bucket(&h, 7423, &lo, &hi, NULL));
	assert_int_equal(lo, 255ULL << 56);
	assert_int_equal(hi, UINT64_MAX);
	assert_false(hist_bucket(&h, 7424, &lo, &hi, &c));
	hist_free(&h);
}

/* Buckets tile 0..UINT64_MAX without gaps, each within the width bound. */
static void test_bucket_tiling(void **state)
{
	struct hist h;
	uint64_t lo, hi, prev_hi = 0;
	size_t i;

	(void)state;
	assert_int_equal(hist_init(&h, UINT64_MAX), 0);
	for (i = 0; i < hist_nbuckets(&h); i++) {
		assert_true(hist_bucket(&h, i, &lo, &hi, NULL));
		if (i == 0)
			assert_int_equal(lo, 0);
		else
			assert_int_equal(lo, prev_hi + 1);
		assert_true(hi >= lo);
		if (lo >= 128)
			assert_true((double)(hi - lo) + 1.0 <= (double)lo * hist_rel_error());
		else
			assert_int_equal(hi, lo);
		assert_int_equal(hist_bucket_index(lo), i);
		assert_int_equal(hist_bucket_index(hi), i);
		prev_hi = hi;
	}
	assert_int_equal(prev_hi, UINT64_MAX);
	hist_free(&h);
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return (a > b) - (a < b);
}

/*
 * 100000 log-uniform values over 1 .. 1e12: every quantile within the bound
 * of the exact order statistic of the same data (rank ceil(q n)).
 */
static void test_quantile_error_bound(void **state)
{
	enum { N = 100000 };
	uint64_t *v = malloc(N * sizeof(*v));
	struct stats_rng r;
	struct hist h;
	size_t i;
	int qi;

	(void)state;
	assert_non_null(v);
	assert_int_equal(hist_init(&h, 1000000000000ULL), 0);
	stats_rng_seed(&r, 77);
	for (i = 0; i < N; i++) {
		v[i] = (uint64_t)exp(stats_rng_double(&r) * log(1e12));
		hist_add(&h, v[i]);
	}
	qsort(v, N, sizeof(*v), cmp_u64);
	assert_int_equal(hist_count(&h), N);
	assert_int_equal(hist_overflow(&h), 0);
	assert_int_equal(hist_min(&h), v[0]);
	assert_int_equal(hist_max(&h), v[N - 1]);
	for (qi = 0; qi <= 10000; qi++) {
		double q = qi / 10000.0;
		size_t rank = (size_t)ceil(q * N);
		uint64_t exact = v[rank ? rank - 1 : 0], got = hist_quantile(&h, q);
		double err = fabs((double)got - (double)exact);

		if (!(err <= 0.01 * (double)exact && err <= hist_rel_error() / 2 * (double)exact)) {
			print_error("q=%g exact=%llu got=%llu\n", q, (unsigned long long)exact,
				    (unsigned long long)got);
			fail();
		}
	}
	assert_int_equal(hist_quantile(&h, 0.0), v[0]);
	assert_int_equal(hist_quantile(&h, 1.0), v[N - 1]);
	hist_free(&h);
	free(v);
}

static void test_edges(void **state)
{
	struct hist h;

	(void)state;
	assert_int_equal(hist_init(&h, 1000), 0);
	assert_int_equal(hist_count(&h), 0);
	assert_int_equal(hist_min(&h), 0);
	assert_int_equal(hist_max(&h), 0);
	assert_true(isnan(hist_mean(&h)));
	assert_int_equal(hist_quantile(&h, 0.5), 0);
	hist_add(&h, 0);
	hist_add(&h, 1);
	hist_add(&h, 1000);
	assert_int_equal(hist_count(&h), 3);
	assert_int_equal(hist_overflow(&h), 0);
	assert_int_equal(hist_min(&h), 0);
	assert_int_equal(hist_max(&h), 1000);
	assert_true(hist_mean(&h) == 1001.0 / 3);
	assert_int_equal(hist_quantile(&h, 0.0), 0);
	assert_int_equal(hist_quantile(&h, 0.34), 1); /* rank ceil(1.02) = 2 */
	assert_int_equal(hist_quantile(&h, 0.5), 1);
	assert_int_equal(hist_quantile(&h, 0.67), 1000); /* rank 3, clamped to max */
	assert_int_equal(hist_quantile(&h, 1.0), 1000);
	assert_int_equal(hist_quantile(&h, -0.1), 0);
	assert_int_equal(hist_quantile(&h, 1.1), 0);
	assert_int_equal(hist_quantile(&h, NAN), 0);
	hist_free(&h);

	/* max_value 0: one bucket; 1 is already overflow */
	assert_int_equal(hist_init(&h, 0), 0);
	assert_int_equal(hist_nbuckets(&h), 1);
	hist_add(&h, 0);
	hist_add(&h, 1);
	assert_int_equal(hist_count(&h), 2);
	assert_int_equal(hist_overflow(&h), 1);
	hist_free(&h);
	hist_free(NULL);
	assert_int_equal(hist_init(NULL, 10), -EINVAL);
}

/* The last bucket is cut at max_value: bucket of 1001 spans 1000..1003. */
static void test_last_bucket_clamped(void **state)
{
	struct hist h;
	uint64_t lo, hi, c;

	(void)state;
	assert_int_equal(hist_init(&h, 1001), 0);
	assert_int_equal(hist_nbuckets(&h), 507);
	hist_add(&h, 1001);
	hist_add(&h, 1002); /* same bucket range, but above max_value */
	assert_true(hist_bucket(&h, 506, &lo, &hi, &c));
	assert_int_equal(lo, 1000);
	assert_int_equal(hi, 1001);
	assert_int_equal(c, 1);
	assert_int_equal(hist_overflow(&h), 1);
	hist_free(&h);
}

static void test_overflow(void **state)
{
	struct hist h;
	uint64_t total = 0, c;
	size_t i;

	(void)state;
	assert_int_equal(hist_init(&h, 1000), 0);
	hist_add(&h, 5);
	hist_add(&h, 2000);
	hist_add(&h, UINT64_MAX);
	assert_int_equal(hist_count(&h), 3);
	assert_int_equal(hist_overflow(&h), 2);
	assert_int_equal(hist_min(&h), 5);
	assert_int_equal(hist_max(&h), UINT64_MAX);
	/* exact 128-bit sum: 5 + 2000 + 2^64 - 1 = 2^64 + 2004 */
	assert_true(h.sum == ((unsigned __int128)1 << 64) + 2004);
	assert_true(hist_mean(&h) == (double)(((unsigned __int128)1 << 64) + 2004) / 3);
	for (i = 0; hist_bucket(&h, i, NULL, NULL, &c); i++)
		total += c;
	assert_int_equal(total, 1); /* overflow is not in any bucket */
	assert_int_equal(hist_quantile(&h, 0.2), 5);
	assert_int_equal(hist_quantile(&h, 0.5), UINT64_MAX); /* in overflow: max */
	hist_add_n(&h, 7, 4);
	hist_add_n(&h, 7, 0);
	assert_int_equal(hist_count(&h), 7);
	hist_reset(&h);
	assert_int_equal(hist_count(&h), 0);
	assert_int_equal(hist_overflow(&h), 0);
	assert_int_equal(hist_max(&h), 0);
	hist_free(&h);
}

static void test_merge(void **state)
{
	struct hist a, b, all, other;
	struct stats_rng r;
	uint64_t ca, cb;
	size_t i;

	(void)state;
	assert_int_equal(hist_init(&a, 1000000), 0);
	assert_int_equal(hist_init(&b, 1000000), 0);
	assert_int_equal(hist_init(&all, 1000000), 0);
	assert_int_equal(hist_init(&other, 999999), 0);
	stats_rng_seed(&r, 3);
	for (i = 0; i < 5000; i++) {
		uint64_t v = stats_rng_below(&r, 1100000); /* some overflow */

		hist_add(i % 3 ? &a : &b, v);
		hist_add(&all, v);
	}
	assert_int_equal(hist_merge(&a, &b), 0);
	assert_int_equal(hist_count(&a), 5000);
	assert_int_equal(hist_count(&a), hist_count(&all));
	assert_int_equal(hist_overflow(&a), hist_overflow(&all));
	assert_true(hist_overflow(&a) > 0);
	assert_int_equal(hist_min(&a), hist_min(&all));
	assert_int_equal(hist_max(&a), hist_max(&all));
	assert_true(a.sum == all.sum);
	for (i = 0; i < hist_nbuckets(&a); i++) {
		assert_true(hist_bucket(&a, i, NULL, NULL, &ca));
		assert_true(hist_bucket(&all, i, NULL, NULL, &cb));
		assert_int_equal(ca, cb);
	}
	assert_int_equal(hist_quantile(&a, 0.5), hist_quantile(&all, 0.5));
	assert_int_equal(hist_merge(&a, &other), -EINVAL);
	/* merging into an empty histogram copies min */
	hist_reset(&b);
	assert_int_equal(hist_merge(&b, &all), 0);
	assert_int_equal(hist_min(&b), hist_min(&all));
	/* merging an empty one changes nothing */
	hist_reset(&all);
	assert_int_equal(hist_merge(&b, &all), 0);
	assert_int_equal(hist_min(&b), hist_min(&a));
	assert_int_equal(hist_count(&b), 5000);
	hist_free(&a);
	hist_free(&b);
	hist_free(&all);
	hist_free(&other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rel_error),     cmocka_unit_test(test_bucket_layout_hand),
		cmocka_unit_test(test_bucket_tiling), cmocka_unit_test(test_quantile_error_bound),
		cmocka_unit_test(test_edges),	      cmocka_unit_test(test_last_bucket_clamped),
		cmocka_unit_test(test_overflow),      cmocka_unit_test(test_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
