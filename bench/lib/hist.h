/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hist.h - log-linear histogram of uint64 values (HdrHistogram-like).
 *
 * Layout: every power of two [2^e, 2^(e+1)) with e >= 7 is split into
 * HIST_SUB_BUCKETS = 2^7 = 128 linear sub-buckets of width 2^(e-7); values
 * 0..255 get one bucket each (exact). A bucket [lo, hi] therefore has
 *
 *     (hi - lo + 1) / lo <= 2^(e-7) / 2^e = 1/128 = 0.78 %,
 *
 * the relative width bound returned by hist_rel_error(). A quantile is
 * reported as the midpoint of the bucket that holds the exact order
 * statistic, so it is within half a bucket width of it: relative error
 * <= 1/256, and always below hist_rel_error() < 1 %.
 *
 * Values above max_value are counted in @overflow, never dropped; count,
 * min, max and sum include them and are exact. Memory: 8 bytes per bucket,
 * at most 7424 buckets (58 KiB) for max_value = UINT64_MAX; 4562 buckets
 * (36 KiB) for one hour in ns.
 *
 * Not thread-safe: use one histogram per thread and hist_merge() them.
 */
#ifndef VPB_HIST_H
#define VPB_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HIST_SUB_BITS	 7
#define HIST_SUB_BUCKETS (1u << HIST_SUB_BITS)

/**
 * struct hist - a log-linear histogram. Read it through the functions.
 * @max_value: largest value counted in a bucket
 * @nbuckets: number of buckets (covering 0..max_value)
 * @counts: per-bucket counts
 * @count: number of values added, overflow included
 * @overflow: number of values > @max_value (not in any bucket)
 * @min: smallest value added (UINT64_MAX when empty)
 * @max: largest value added (0 when empty)
 * @sum: exact sum of every value added
 */
struct hist {
	uint64_t max_value;
	size_t nbuckets;
	uint64_t *counts;
	uint64_t count;
	uint64_t overflow;
	uint64_t min, max;
	unsigned __int128 sum;
};

/**
 * hist_rel_error() - bound on a bucket's relative width.
 *
 * Every bucket [lo, hi] has (hi - lo + 1) <= lo * hist_rel_error(), so any
 * value reported for a bucket (e.g. by hist_quantile()) is within this
 * fraction of every value the bucket holds.
 *
 * Return: 1/128 (0.78 %).
 */
double hist_rel_error(void);

/**
 * hist_init() - set up an empty histogram.
 * @h: histogram
 * @max_value: largest value to bucket; larger ones count as overflow
 *
 * Return: 0; -EINVAL when @h is NULL; -ENOMEM.
 */
int hist_init(struct hist *h, uint64_t max_value);

/**
 * hist_free() - release the buckets; @h may be hist_init()ed again.
 * @h: histogram (NULL is fine)
 */
void hist_free(struct hist *h);

/**
 * hist_reset() - forget every value, keep the layout.
 * @h: histogram
 */
void hist_reset(struct hist *h);

/**
 * hist_add() - count one value.
 * @h: histogram
 * @v: value; above max_value it counts in the overflow
 */
void hist_add(struct hist *h, uint64_t v);

/**
 * hist_add_n() - count the same value @n times.
 * @h: histogram
 * @v: value
 * @n: repetitions (0 does nothing)
 */
void hist_add_n(struct hist *h, uint64_t v, uint64_t n);

/**
 * hist_count() - number of values added, overflow included.
 * @h: histogram
 *
 * Return: the count.
 */
uint64_t hist_count(const struct hist *h);

/**
 * hist_overflow() - number of values above max_value.
 * @h: histogram
 *
 * Return: the overflow count.
 */
uint64_t hist_overflow(const struct hist *h);

/**
 * hist_min() - smallest value added (exact).
 * @h: histogram
 *
 * Return: the minimum; 0 when empty.
 */
uint64_t hist_min(const struct hist *h);

/**
 * hist_max() - largest value added (exact, overflow included).
 * @h: histogram
 *
 * Return: the maximum; 0 when empty.
 */
uint64_t hist_max(const struct hist *h);

/**
 * hist_mean() - mean of the values added, from the exact sum.
 * @h: histogram
 *
 * Return: the mean; NaN when empty.
 */
double hist_mean(const struct hist *h);

/**
 * hist_quantile() - approximate quantile.
 * @h: histogram
 * @q: probability in [0, 1]
 *
 * Takes the order statistic of rank ceil(q * count) (1-based, at least 1:
 * the inverse of the empirical distribution function, Hyndman-Fan type 1)
 * Ranks 1 and count are known exactly and return hist_min() and
 * hist_max() (so q = 0 and q = 1 are exact). Any other rank returns the
 * midpoint of its bucket, clamped to [min, max]: within hist_rel_error() / 2
 * (relative) of the exact order statistic. When the rank falls among
 * overflowed values only "above max_value" is known: the exact maximum is
 * returned.
 *
 * Return: the quantile; 0 when empty or @q is outside [0, 1].
 */
uint64_t hist_quantile(const struct hist *h, double q);

/**
 * hist_merge() - add @src's values to @dst.
 * @dst: histogram that receives the values
 * @src: histogram to add (unchanged)
 *
 * Return: 0; -EINVAL when the two have different max_value.
 */
int hist_merge(struct hist *dst, const struct hist *src);

/**
 * hist_nbuckets() - number of buckets, empty ones included.
 * @h: histogram
 *
 * Return: the number of buckets; iterate i = 0 .. hist_nbuckets() - 1.
 */
size_t hist_nbuckets(const struct hist *h);

/**
 * hist_bucket() - one bucket, for output.
 * @h: histogram
 * @i: bucket index, in increasing order of values
 * @lo: lowest value of the bucket (may be NULL)
 * @hi: highest value of the bucket, inclusive; the last bucket ends at
 *      max_value (may be NULL)
 * @count: number of values in it (may be NULL)
 *
 * Return: true; false when @i >= hist_nbuckets() (outputs untouched).
 */
bool hist_bucket(const struct hist *h, size_t i, uint64_t *lo, uint64_t *hi, uint64_t *count);

/**
 * hist_bucket_index() - index of the bucket that holds @v.
 * @v: value
 *
 * The layout is the same for every histogram; @v may exceed a given
 * histogram's max_value (then the index is >= its hist_nbuckets()).
 *
 * Return: the index.
 */
size_t hist_bucket_index(uint64_t v);

#endif
