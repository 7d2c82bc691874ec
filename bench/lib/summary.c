// SPDX-License-Identifier: GPL-2.0
/*
 * summary.c - the figures of summary.json from samples (summary.h).
 */
#include "summary.h"
#include "common.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

double summary_value(double ns)
{
	return isfinite(ns) && fabs(ns) < 1e11 ? (double)llround(ns * 1e4) / 1e4 : ns;
}

int summary_shift_figures(const double *ref, size_t nr, const double *v, size_t nv,
			  struct summary_shift *out)
{
	int rc, rm;

	memset(out, 0, sizeof(*out));
	out->hl = stats_hodges_lehmann(ref, nr, v, nv);
	rc = stats_hl_moses_ci(ref, nr, v, nv, 0.95, &out->ci);
	rm = stats_mann_whitney(ref, nr, v, nv, &out->mwu);
	if (rc == -ENOMEM || rm == -ENOMEM || isnan(out->hl))
		return -ENOMEM;
	out->has_ci = !rc;
	out->has_p = !rm;
	return 0;
}

json_t *summary_distribution(const double *vals, size_t n, uint64_t seed)
{
	double *x = malloc(n * sizeof(*x));
	struct welford w;
	struct stats_ci ci;
	json_t *j;

	if (!x)
		abort();
	memcpy(x, vals, n * sizeof(*x));
	stats_sort(x, n);
	welford_init(&w);
	for (size_t i = 0; i < n; i++)
		welford_add(&w, x[i]);
	j = json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "n", (json_int_t)n, "median",
		      stats_quantile_sorted(x, n, 0.5), "p90", stats_quantile_sorted(x, n, 0.9),
		      "p99", stats_quantile_sorted(x, n, 0.99), "p999",
		      stats_quantile_sorted(x, n, 0.999), "min", x[0], "max", x[n - 1], "mean",
		      w.mean, "stddev", n > 1 ? welford_stddev(&w) : 0.0);
	if (!stats_bootstrap_median_ci(x, n, 0.95, 1000, seed, &ci))
		json_object_set_new(j, "median_ci95", json_pack("[f, f]", ci.lo, ci.hi));
	free(x);
	return j;
}

json_t *summary_shift(const double *ref, size_t nr, const double *v, size_t nv, double ref_median,
		      uint64_t seed)
{
	struct summary_shift s;
	struct stats_ci boot;
	json_t *j;

	if (summary_shift_figures(ref, nr, v, nv, &s))
		abort();
	j = json_pack("{s:f, s:f}", "hl_shift", s.hl, "percent_of_reference",
		      ref_median ? 100.0 * s.hl / ref_median : 0.0);
	if (s.has_ci)
		json_object_set_new(j, "hl_ci95", json_pack("[f, f]", s.ci.lo, s.ci.hi));
	if (!stats_bootstrap_shift_ci(ref, nr, v, nv, 0.95, 1000, seed, &boot))
		json_object_set_new(j, "median_shift_ci95_bootstrap",
				    json_pack("[f, f]", boot.lo, boot.hi));
	if (s.has_p)
		json_object_set_new(
			j, "mann_whitney",
			json_pack("{s:f, s:f, s:f}", "u", s.mwu.u, "z", s.mwu.z, "p", s.mwu.p));
	return j;
}

/*
 * Paired because both ran minutes apart in the same round: drift between
 * rounds cancels in the pairs, and so does any correlation of samples
 * within a round, which the pooled tests assume away; on a drifting
 * machine this is the figure to trust.
 */
json_t *summary_round_shift(const double *ref_m, const double *m, size_t rounds, double ref_median)
{
	double d[STATS_SIGNED_RANK_MAX];
	size_t nd = 0;
	struct stats_signed_rank sr;
	json_t *j;

	for (size_t i = 0; i < rounds && nd < ARRAY_SIZE(d); i++)
		if (!isnan(ref_m[i]) && !isnan(m[i]))
			d[nd++] = m[i] - ref_m[i];
	j = json_pack("{s:I}", "n", (json_int_t)nd);
	if (!nd || stats_signed_rank(d, nd, 0.95, &sr)) {
		json_object_set_new(
			j, "why",
			json_string("a 95 % signed-rank interval needs 6 or more rounds "
				    "with both variants"));
		return j;
	}
	json_object_set_new(j, "median_diff", json_real(sr.estimate));
	json_object_set_new(j, "percent_of_reference",
			    json_real(ref_median ? 100.0 * sr.estimate / ref_median : 0.0));
	json_object_set_new(j, "ci", json_pack("[f, f]", sr.ci.lo, sr.ci.hi));
	json_object_set_new(j, "coverage", json_real(sr.ci.level));
	json_object_set_new(j, "p", json_real(sr.p));
	return j;
}
