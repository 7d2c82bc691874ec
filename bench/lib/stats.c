// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - statistics for vfio-pm-bench; the API is documented in stats.h.
 */
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* Fixed seed of the pivot choice in stats_pair_diff_kth(): reproducible. */
#define PAIR_SELECT_SEED 0x5eed5e1ec7ULL

/* ---- Welford ---------------------------------------------------------- */

void welford_init(struct welford *w)
{
	w->n = 0;
	w->mean = 0.0;
	w->m2 = 0.0;
	w->min = INFINITY;
	w->max = -INFINITY;
}

void welford_add(struct welford *w, double x)
{
	double delta = x - w->mean;

	w->n++;
	w->mean += delta / (double)w->n;
	w->m2 += delta * (x - w->mean);
	if (x < w->min)
		w->min = x;
	if (x > w->max)
		w->max = x;
}

void welford_merge(struct welford *dst, const struct welford *src)
{
	double n1 = (double)dst->n, n2 = (double)src->n, n, delta;

	if (src->n == 0)
		return;
	if (dst->n == 0) {
		*dst = *src;
		return;
	}
	n = n1 + n2;
	delta = src->mean - dst->mean;
	dst->mean += delta * n2 / n;
	dst->m2 += src->m2 + delta * delta * n1 * n2 / n;
	dst->n += src->n;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

double welford_variance(const struct welford *w)
{
	if (w->n < 2)
		return NAN;
	return w->m2 / (double)(w->n - 1);
}

double welford_stddev(const struct welford *w)
{
	return sqrt(welford_variance(w));
}

double welford_stderr(const struct welford *w)
{
	return welford_stddev(w) / sqrt((double)w->n);
}

/* ---- sorting, selection, quantiles ------------------------------------ */

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

void stats_sort(double *x, size_t n)
{
	if (n > 1)
		qsort(x, n, sizeof(*x), cmp_double);
}

double stats_quantile_sorted(const double *sorted, size_t n, double q)
{
	double h, frac;
	size_t j;

	if (n == 0 || !(q >= 0.0 && q <= 1.0))
		return NAN;
	h = (double)(n - 1) * q;
	j = (size_t)floor(h);
	if (j >= n - 1)
		return sorted[n - 1];
	frac = h - (double)j;
	if (frac == 0.0)
		return sorted[j];
	return sorted[j] + frac * (sorted[j + 1] - sorted[j]);
}

static inline void swap_d(double *x, ssize_t i, ssize_t j)
{
	double t = x[i];

	x[i] = x[j];
	x[j] = t;
}

double stats_select(double *x, size_t n, size_t k)
{
	ssize_t l, r, kk = (ssize_t)k;

	if (k >= n)
		return NAN;
	l = 0;
	r = (ssize_t)n - 1;
	while (l < r) {
		ssize_t m = l + (r - l) / 2, i = l, j = r;
		double p;

		/* Median of three, sorted in place: also guards the scans. */
		if (x[m] < x[l])
			swap_d(x, m, l);
		if (x[r] < x[m]) {
			swap_d(x, r, m);
			if (x[m] < x[l])
				swap_d(x, m, l);
		}
		p = x[m];
		/*
		 * Hoare partition: afterwards x[l..j] <= p <= x[i..r] and any
		 * x[j+1..i-1] equal p. Equal values are swapped, which splits
		 * runs of ties evenly instead of going quadratic.
		 */
		do {
			while (x[i] < p)
				i++;
			while (p < x[j])
				j--;
			if (i <= j) {
				swap_d(x, i, j);
				i++;
				j--;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			r = j;
	}
	return x[k];
}

double stats_median(double *x, size_t n)
{
	size_t k = n / 2, i;
	double hi, lo;

	if (n == 0)
		return NAN;
	hi = stats_select(x, n, k);
	if (n % 2)
		return hi;
	/* x[0..k-1] <= x[k]: the lower middle is the largest of them. */
	lo = x[0];
	for (i = 1; i < k; i++)
		if (x[i] > lo)
			lo = x[i];
	return lo + (hi - lo) / 2;
}

/* ---- PRNG: splitmix64 seeding xoshiro256** ----------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void stats_rng_seed(struct stats_rng *r, uint64_t seed)
{
	uint64_t st = seed;
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&st);
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1; /* the all-zero state is a fixed point */
}

uint64_t stats_rng_next(struct stats_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl64(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

uint64_t stats_rng_below(struct stats_rng *r, uint64_t bound)
{
	unsigned __int128 m;
	uint64_t low;

	if (bound == 0)
		return 0;
	m = (unsigned __int128)stats_rng_next(r) * bound;
	low = (uint64_t)m;
	if (low < bound) {
		uint64_t thresh = -bound % bound;

		while (low < thresh) {
			m = (unsigned __int128)stats_rng_next(r) * bound;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

double stats_rng_double(struct stats_rng *r)
{
	return (double)(stats_rng_next(r) >> 11) * 0x1.0p-53;
}

/* ---- normal distribution ---------------------------------------------- */

double stats_norm_cdf(double x)
{
	return 0.5 * erfc(-x / M_SQRT2);
}

double stats_norm_quantile(double p)
{
	double lo = -40.0, hi = 0.0;
	int i;

	if (!(p >= 0.0 && p <= 1.0))
		return NAN;
	if (p == 0.0)
		return -INFINITY;
	if (p == 1.0)
		return INFINITY;
	if (p == 0.5)
		return 0.0;
	if (p > 0.5) /* 1 - p is exact here; the lower tail is precise */
		return -stats_norm_quantile(1.0 - p);
	for (i = 0; i < 200; i++) {
		double mid = lo + (hi - lo) / 2;

		if (mid == lo || mid == hi)
			break;
		if (stats_norm_cdf(mid) < p)
			lo = mid;
		else
			hi = mid;
	}
	return lo + (hi - lo) / 2;
}

/* ---- bootstrap -------------------------------------------------------- */

static bool has_nan(const double *x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (isnan(x[i]))
			return true;
	return false;
}

static bool level_ok(double level)
{
	return level > 0.0 && level < 1.0;
}

/* A standard normal deviate: Marsaglia's polar method, one of the pair kept. */
static double rng_normal(struct stats_rng *r)
{
	double u, v, s;

	do {
		u = 2.0 * stats_rng_double(r) - 1.0;
		v = 2.0 * stats_rng_double(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	return u * sqrt(-2.0 * log(s) / s);
}

/* Gamma(@shape, 1) for @shape >= 1: Marsaglia and Tsang (2000). */
static double rng_gamma(struct stats_rng *r, double shape)
{
	double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);

	for (;;) {
		double x, v, u;

		do {
			x = rng_normal(r);
			v = 1.0 + c * x;
		} while (v <= 0.0);
		v = v * v * v;
		u = stats_rng_double(r);
		if (u < 1.0 - 0.0331 * (x * x) * (x * x) ||
		    log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return d * v;
	}
}

/* The index floor(n u) of a uniform u, kept below @n against rounding. */
static size_t rank_of(double u, size_t n)
{
	size_t i = (size_t)(u * (double)n);

	return i < n ? i : n - 1;
}

/*
 * A resample of n indices drawn uniformly from 0..n-1 has the same order
 * statistics as floor(n U) over n uniforms U, because floor(n U) is uniform
 * on 0..n-1 and non-decreasing in U. The k-th smallest of n uniforms is
 * Beta(k, n + 1 - k); given it is u, the next one is u plus (1 - u) times
 * the smallest of the n - k uniforms above u. So the ranks whose values
 * make a resample's median are drawn exactly, in a few random numbers
 * instead of n: 1000 replicates of a 4000-sample median cost what one
 * resample by counting did, which matters in a guest under TCG.
 */
void stats_resample_median_ranks(struct stats_rng *r, size_t n, size_t *lo, size_t *hi)
{
	size_t k = (n + 1) / 2; /* 1-based: the median, or the lower middle */
	double x = rng_gamma(r, (double)k), y = rng_gamma(r, (double)(n + 1 - k));
	double u = x / (x + y);

	*lo = rank_of(u, n);
	if (n % 2) {
		*hi = *lo;
		return;
	}
	u += (1.0 - u) * (1.0 - pow(1.0 - stats_rng_double(r), 1.0 / (double)(n - k)));
	*hi = rank_of(u, n);
}

/* The median of one bootstrap resample of @sorted. */
static double resample_median(struct stats_rng *rng, const double *sorted, size_t n)
{
	size_t lo, hi;

	stats_resample_median_ranks(rng, n, &lo, &hi);
	return sorted[lo] + (sorted[hi] - sorted[lo]) / 2;
}

static void percentile_ci(double *stat, unsigned reps, double level, struct stats_ci *out)
{
	stats_sort(stat, reps);
	out->lo = stats_quantile_sorted(stat, reps, (1.0 - level) / 2.0);
	out->hi = stats_quantile_sorted(stat, reps, (1.0 + level) / 2.0);
	out->level = level;
}

/* A sorted copy of @x. */
static double *sorted_copy(const double *x, size_t n)
{
	double *s = malloc(n * sizeof(*s));

	if (s) {
		memcpy(s, x, n * sizeof(*s));
		stats_sort(s, n);
	}
	return s;
}

int stats_bootstrap_median_ci(const double *x, size_t n, double level, unsigned reps, uint64_t seed,
			      struct stats_ci *out)
{
	struct stats_rng rng;
	double *sx, *med;
	unsigned r;

	if (!x || !out || n == 0 || !level_ok(level) || reps < 2 || has_nan(x, n))
		return -EINVAL;
	med = malloc(reps * sizeof(*med));
	sx = sorted_copy(x, n);
	if (!med || !sx) {
		free(med);
		free(sx);
		return -ENOMEM;
	}
	stats_rng_seed(&rng, seed);
	for (r = 0; r < reps; r++)
		med[r] = resample_median(&rng, sx, n);
	percentile_ci(med, reps, level, out);
	free(sx);
	free(med);
	return 0;
}

int stats_bootstrap_shift_ci(const double *a, size_t na, const double *b, size_t nb, double level,
			     unsigned reps, uint64_t seed, struct stats_ci *out)
{
	struct stats_rng rng;
	double *sa, *sb, *diff;
	unsigned r;
	int ret = -ENOMEM;

	if (!a || !b || !out || na == 0 || nb == 0 || !level_ok(level) || reps < 2 ||
	    has_nan(a, na) || has_nan(b, nb))
		return -EINVAL;
	diff = malloc(reps * sizeof(*diff));
	sa = sorted_copy(a, na);
	sb = sorted_copy(b, nb);
	if (!diff || !sa || !sb)
		goto out;
	stats_rng_seed(&rng, seed);
	for (r = 0; r < reps; r++) {
		double ma = resample_median(&rng, sa, na);
		double mb = resample_median(&rng, sb, nb);

		diff[r] = mb - ma;
	}
	percentile_ci(diff, reps, level, out);
	ret = 0;
out:
	free(sa);
	free(sb);
	free(diff);
	return ret;
}

/* ---- pairwise differences: selection without enumeration ------------- */

/*
 * The differences form an implicit nb x na matrix D[j][c] = b[j] - a[na-1-c]
 * (row j: b ascending; column c: a descending), non-decreasing along rows
 * and columns. Floating-point subtraction is monotone in each operand, so
 * this holds for the computed values too, and every value below is computed
 * exactly as the brute force b[j] - a[i] would.
 */
struct pair_mat {
	const double *a, *b;
	size_t na, nb;
};

static inline double pm_val(const struct pair_mat *m, size_t j, size_t c)
{
	return m->b[j] - m->a[m->na - 1 - c];
}

/*
 * For each row j, cnt[j] = number of columns c with D[j][c] < t (strict) or
 * <= t (!strict). Row counts are non-increasing in j: two pointers, O(na+nb).
 * Returns the total.
 */
static uint64_t pm_count(const struct pair_mat *m, double t, bool strict, size_t *cnt)
{
	size_t c = m->na, j;
	uint64_t total = 0;

	for (j = 0; j < m->nb; j++) {
		if (strict)
			while (c > 0 && pm_val(m, j, c - 1) >= t)
				c--;
		else
			while (c > 0 && pm_val(m, j, c - 1) > t)
				c--;
		cnt[j] = c;
		total += c;
	}
	return total;
}

double stats_pair_diff_kth(const double *a_sorted, size_t na, const double *b_sorted, size_t nb,
			   uint64_t k)
{
	struct pair_mat m = {a_sorted, b_sorted, na, nb};
	size_t *lo, *hi, *less, *leq, j;
	struct stats_rng rng;
	uint64_t npairs, remain = 0;
	double result = NAN;

	if (!a_sorted || !b_sorted || na == 0 || nb == 0 ||
	    __builtin_mul_overflow((uint64_t)na, (uint64_t)nb, &npairs) || k >= npairs)
		return NAN;
	lo = calloc(nb, sizeof(*lo));
	hi = malloc(nb * sizeof(*hi));
	less = malloc(nb * sizeof(*less));
	leq = malloc(nb * sizeof(*leq));
	if (!lo || !hi || !less || !leq)
		goto out;
	for (j = 0; j < nb; j++)
		hi[j] = na;
	remain = npairs;
	stats_rng_seed(&rng, PAIR_SELECT_SEED);

	/*
	 * Candidates left: columns [lo[j], hi[j]) of each row; they always
	 * include the answer. Pick a random one as pivot t; the absolute
	 * counts of pairs < t and <= t say whether the answer is t, below t
	 * or above t; shrink every row's window accordingly (which removes t
	 * itself). Expected O(log(na nb)) rounds of O(na + nb).
	 */
	while (remain > 0) {
		uint64_t pick = stats_rng_below(&rng, remain), nless, nleq;
		double t;

		for (j = 0; pick >= hi[j] - lo[j]; j++)
			pick -= hi[j] - lo[j];
		t = pm_val(&m, j, lo[j] + pick);
		nless = pm_count(&m, t, true, less);
		nleq = pm_count(&m, t, false, leq);
		if (k >= nless && k < nleq) {
			result = t;
			break;
		}
		remain = 0;
		for (j = 0; j < nb; j++) {
			if (k < nless) {
				if (less[j] < hi[j])
					hi[j] = less[j];
			} else {
				if (leq[j] > lo[j])
					lo[j] = leq[j];
			}
			if (hi[j] < lo[j])
				hi[j] = lo[j];
			remain += hi[j] - lo[j];
		}
	}
out:
	free(lo);
	free(hi);
	free(less);
	free(leq);
	return result;
}

/* Sorted copies of a and b, NaN-checked. */
static int sorted_copies(const double *a, size_t na, const double *b, size_t nb, double **sa,
			 double **sb)
{
	if (!a || !b || na == 0 || nb == 0 || has_nan(a, na) || has_nan(b, nb))
		return -EINVAL;
	*sa = malloc(na * sizeof(**sa));
	*sb = malloc(nb * sizeof(**sb));
	if (!*sa || !*sb) {
		free(*sa);
		free(*sb);
		return -ENOMEM;
	}
	memcpy(*sa, a, na * sizeof(**sa));
	memcpy(*sb, b, nb * sizeof(**sb));
	stats_sort(*sa, na);
	stats_sort(*sb, nb);
	return 0;
}

double stats_hodges_lehmann(const double *a, size_t na, const double *b, size_t nb)
{
	double *sa, *sb, res;
	uint64_t n;

	if (sorted_copies(a, na, b, nb, &sa, &sb))
		return NAN;
	if (__builtin_mul_overflow((uint64_t)na, (uint64_t)nb, &n)) {
		res = NAN;
	} else if (n % 2) {
		res = stats_pair_diff_kth(sa, na, sb, nb, n / 2);
	} else {
		double l = stats_pair_diff_kth(sa, na, sb, nb, n / 2 - 1);
		double h = stats_pair_diff_kth(sa, na, sb, nb, n / 2);

		res = l + (h - l) / 2;
	}
	free(sa);
	free(sb);
	return res;
}

int stats_hl_moses_ci(const double *a, size_t na, const double *b, size_t nb, double level,
		      struct stats_ci *out)
{
	double *sa, *sb, z, n, c, lo, hi;
	uint64_t k, npairs;
	int ret;

	if (!out || !level_ok(level))
		return -EINVAL;
	ret = sorted_copies(a, na, b, nb, &sa, &sb);
	if (ret)
		return ret;
	ret = -EDOM;
	if (__builtin_mul_overflow((uint64_t)na, (uint64_t)nb, &npairs))
		goto out;
	n = (double)npairs;
	z = stats_norm_quantile((1.0 + level) / 2.0);
	c = floor(n / 2.0 - z * sqrt(n * ((double)na + (double)nb + 1.0) / 12.0));
	if (!(c >= 1.0))
		goto out;
	k = (uint64_t)c; /* 1-based rank of the lower bound */
	lo = stats_pair_diff_kth(sa, na, sb, nb, k - 1);
	hi = stats_pair_diff_kth(sa, na, sb, nb, npairs - k);
	ret = -ENOMEM; /* the only way the selection fails here */
	if (isnan(lo) || isnan(hi))
		goto out;
	out->lo = lo;
	out->hi = hi;
	out->level = level;
	ret = 0;
out:
	free(sa);
	free(sb);
	return ret;
}

/* ---- Mann-Whitney U --------------------------------------------------- */

struct mw_item {
	double v;
	bool in_b;
};

static int cmp_mw_item(const void *pa, const void *pb)
{
	double a = ((const struct mw_item *)pa)->v, b = ((const struct mw_item *)pb)->v;

	return (a > b) - (a < b);
}

int stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		       struct stats_mwu *out)
{
	double rank_sum_b = 0.0, ties = 0.0, n, mean, var, d, z;
	struct mw_item *it;
	size_t i, j, total;

	if (!a || !b || !out || na == 0 || nb == 0 || has_nan(a, na) || has_nan(b, nb))
		return -EINVAL;
	total = na + nb;
	it = malloc(total * sizeof(*it));
	if (!it)
		return -ENOMEM;
	for (i = 0; i < na; i++)
		it[i] = (struct mw_item){a[i], false};
	for (i = 0; i < nb; i++)
		it[na + i] = (struct mw_item){b[i], true};
	qsort(it, total, sizeof(*it), cmp_mw_item);

	/* Tie groups it[i..j-1] share the midrank of ranks i+1..j. */
	for (i = 0; i < total; i = j) {
		double t, midrank, in_b = 0.0;

		for (j = i; j < total && it[j].v == it[i].v; j++)
			in_b += it[j].in_b;
		t = (double)(j - i);
		midrank = (double)i + (t + 1.0) / 2.0;
		rank_sum_b += midrank * in_b;
		ties += t * t * t - t;
	}
	free(it);

	n = (double)total;
	out->u = rank_sum_b - (double)nb * ((double)nb + 1.0) / 2.0;
	mean = (double)na * (double)nb / 2.0;
	var = (double)na * (double)nb / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)));
	d = out->u - mean;
	/* Continuity correction; all-equal data has d = 0 (and var = 0). */
	if (fabs(d) <= 0.5 || !(var > 0.0)) {
		z = 0.0;
	} else {
		z = (d - copysign(0.5, d)) / sqrt(var);
	}
	out->z = z;
	out->p = fmin(1.0, erfc(fabs(z) / M_SQRT2));
	return 0;
}

/* ---- Wilcoxon signed rank ---------------------------------------------- */

/*
 * Null distribution of the sum of the weights w[0..m-1] given a + sign, each
 * sign + or - with probability 1/2: P[t] for t = 0..sum(w).
 */
static double *signed_sum_dist(const unsigned int *w, size_t m, size_t *top)
{
	size_t s = 0;
	double *p;

	for (size_t i = 0; i < m; i++)
		s += w[i];
	p = calloc(s + 1, sizeof(*p));
	if (!p)
		return NULL;
	p[0] = 1.0;
	for (size_t i = 0; i < m; i++)
		for (size_t t = s + 1; t-- > 0;)
			p[t] = (p[t] + (t >= w[i] ? p[t - w[i]] : 0.0)) / 2.0;
	*top = s;
	return p;
}

static int cmp_abs(const void *pa, const void *pb)
{
	double a = fabs(*(const double *)pa), b = fabs(*(const double *)pb);

	return (a > b) - (a < b);
}

/* Two-sided p of T+ over midranks; zeros dropped. */
static int signed_rank_p(const double *d, size_t n, double *p)
{
	double *x = malloc(n * sizeof(*x)), lo = 0.0, hi = 0.0, *dist;
	unsigned int *w = malloc(n * sizeof(*w));
	size_t m = 0, t = 0, top, i, j;

	if (!x || !w) {
		free(x);
		free(w);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		if (d[i] != 0.0)
			x[m++] = d[i];
	qsort(x, m, sizeof(*x), cmp_abs);
	/* Tie group x[i..j-1] shares ranks i+1..j: doubled midrank i + 1 + j. */
	for (i = 0; i < m; i = j) {
		for (j = i; j < m && fabs(x[j]) == fabs(x[i]); j++)
			;
		for (size_t k = i; k < j; k++) {
			w[k] = (unsigned int)(i + 1 + j);
			if (x[k] > 0)
				t += w[k];
		}
	}
	dist = signed_sum_dist(w, m, &top);
	free(x);
	free(w);
	if (!dist)
		return -ENOMEM;
	for (i = 0; i <= top; i++) {
		if (i <= t)
			lo += dist[i];
		if (i >= t)
			hi += dist[i];
	}
	free(dist);
	*p = m ? fmin(1.0, 2.0 * fmin(lo, hi)) : 1.0;
	return 0;
}

int stats_signed_rank(const double *d, size_t n, double level, struct stats_signed_rank *out)
{
	size_t nw = n * (n + 1) / 2, k = 0, top;
	unsigned int *ranks;
	double *walsh, *dist, cdf = 0.0;

	if (!d || !out || n == 0 || n > STATS_SIGNED_RANK_MAX || !level_ok(level) || has_nan(d, n))
		return -EINVAL;
	ranks = malloc(n * sizeof(*ranks));
	if (!ranks)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		ranks[i] = (unsigned int)(i + 1);
	dist = signed_sum_dist(ranks, n, &top);
	free(ranks);
	if (!dist)
		return -ENOMEM;
	/* k = the largest k with P(T <= k - 1) <= (1 - level) / 2. */
	while (k < nw / 2 && cdf + dist[k] <= (1.0 - level) / 2.0) {
		cdf += dist[k];
		k++;
	}
	free(dist);
	if (k == 0)
		return -EDOM;
	walsh = malloc(nw * sizeof(*walsh));
	if (!walsh)
		return -ENOMEM;
	for (size_t i = 0, m = 0; i < n; i++)
		for (size_t j = i; j < n; j++)
			walsh[m++] = (d[i] + d[j]) / 2.0;
	stats_sort(walsh, nw);
	out->estimate = stats_quantile_sorted(walsh, nw, 0.5);
	out->ci.lo = walsh[k - 1];
	out->ci.hi = walsh[nw - k];
	out->ci.level = 1.0 - 2.0 * cdf;
	out->n = n;
	free(walsh);
	return signed_rank_p(d, n, &out->p);
}
