// SPDX-License-Identifier: GPL-2.0
/*
 * hist.c - log-linear histogram; the layout and its error bound are
 * described in hist.h.
 */
#include "hist.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Index of v: v itself below 2^(SUB_BITS+1) = 256; above, with e = floor(log2 v)
 * and shift s = e - SUB_BITS, the top SUB_BITS + 1 bits (v >> s, in
 * [128, 256)) plus s * 128. Contiguous: e = 7 maps to 128..255, e = 8 to
 * 256..383, ..., e = 63 to 7296..7423.
 */
size_t hist_bucket_index(uint64_t v)
{
	unsigned e, s;

	if (v < 2 * HIST_SUB_BUCKETS)
		return (size_t)v;
	e = 63 - (unsigned)__builtin_clzll(v);
	s = e - HIST_SUB_BITS;
	return (size_t)s * HIST_SUB_BUCKETS + (size_t)(v >> s);
}

/* Inverse of hist_bucket_index(): the unclamped range of bucket i. */
static void bucket_range(size_t i, uint64_t *lo, uint64_t *hi)
{
	unsigned s;
	uint64_t m;

	if (i < 2 * HIST_SUB_BUCKETS) {
		*lo = *hi = i;
		return;
	}
	s = (unsigned)(i / HIST_SUB_BUCKETS) - 1;
	m = i - (uint64_t)s * HIST_SUB_BUCKETS; /* in [128, 256) */
	*lo = m << s;
	*hi = *lo + ((1ULL << s) - 1);
}

double hist_rel_error(void)
{
	return 1.0 / HIST_SUB_BUCKETS;
}

int hist_init(struct hist *h, uint64_t max_value)
{
	if (!h)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	h->max_value = max_value;
	h->nbuckets = hist_bucket_index(max_value) + 1;
	h->counts = calloc(h->nbuckets, sizeof(*h->counts));
	if (!h->counts)
		return -ENOMEM;
	h->min = UINT64_MAX;
	return 0;
}

void hist_free(struct hist *h)
{
	if (!h)
		return;
	free(h->counts);
	h->counts = NULL;
	h->nbuckets = 0;
}

void hist_reset(struct hist *h)
{
	memset(h->counts, 0, h->nbuckets * sizeof(*h->counts));
	h->count = 0;
	h->overflow = 0;
	h->min = UINT64_MAX;
	h->max = 0;
	h->sum = 0;
}

void hist_add_n(struct hist *h, uint64_t v, uint64_t n)
{
	if (n == 0)
		return;
	if (v > h->max_value)
		h->overflow += n;
	else
		h->counts[hist_bucket_index(v)] += n;
	h->count += n;
	h->sum += (unsigned __int128)v * n;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void hist_add(struct hist *h, uint64_t v)
{
	hist_add_n(h, v, 1);
}

uint64_t hist_count(const struct hist *h)
{
	return h->count;
}

uint64_t hist_overflow(const struct hist *h)
{
	return h->overflow;
}

uint64_t hist_min(const struct hist *h)
{
	return h->count ? h->min : 0;
}

uint64_t hist_max(const struct hist *h)
{
	return h->max;
}

double hist_mean(const struct hist *h)
{
	if (!h->count)
		return NAN;
	return (double)h->sum / (double)h->count;
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0, lo = 0, hi = 0, mid;
	double r;
	size_t i;

	if (!h->count || !(q >= 0.0 && q <= 1.0))
		return 0;
	r = ceil(q * (double)h->count);
	rank = r < 1.0 ? 1 : (r >= (double)h->count ? h->count : (uint64_t)r);
	/* The extreme order statistics are known exactly. */
	if (rank == 1)
		return h->min;
	if (rank == h->count)
		return h->max;
	for (i = 0; i < h->nbuckets; i++) {
		seen += h->counts[i];
		if (seen >= rank)
			break;
	}
	if (i == h->nbuckets)
		return h->max; /* among the overflow */
	hist_bucket(h, i, &lo, &hi, NULL);
	mid = lo + (hi - lo) / 2;
	if (mid < h->min)
		mid = h->min;
	if (mid > h->max)
		mid = h->max;
	return mid;
}

int hist_merge(struct hist *dst, const struct hist *src)
{
	size_t i;

	if (dst->max_value != src->max_value)
		return -EINVAL;
	for (i = 0; i < src->nbuckets; i++)
		dst->counts[i] += src->counts[i];
	dst->count += src->count;
	dst->overflow += src->overflow;
	dst->sum += src->sum;
	if (src->count && src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	return 0;
}

size_t hist_nbuckets(const struct hist *h)
{
	return h->nbuckets;
}

bool hist_bucket(const struct hist *h, size_t i, uint64_t *lo, uint64_t *hi, uint64_t *count)
{
	uint64_t l, u;

	if (i >= h->nbuckets)
		return false;
	bucket_range(i, &l, &u);
	if (u > h->max_value)
		u = h->max_value;
	if (lo)
		*lo = l;
	if (hi)
		*hi = u;
	if (count)
		*count = h->counts[i];
	return true;
}
