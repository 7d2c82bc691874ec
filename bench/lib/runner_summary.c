// SPDX-License-Identifier: GPL-2.0
/*
 * runner_summary.c - summary.json's case objects from a run's series (the figures
 * themselves: summary.c).
 */
#include "runner_int.h"
#include "summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool same_case(const struct series *a, const struct series *b)
{
	return a->suite == b->suite && a->c == b->c && !strcmp(a->device, b->device) &&
	       !strcmp(a->point, b->point);
}

/*
 * Valid values of one variant of a case, pooled over rounds (@round 0) or of
 * one round; with @ratio, each value divided by its paired control (cases
 * with a control).
 */
double *pool_values(const struct run *r, const struct series *key, const char *variant,
		    unsigned int round, size_t *n, bool ratio)
{
	double *v = NULL;
	size_t cnt = 0, cap = 0;

	for (size_t i = 0; i < r->nseries; i++) {
		const struct series *se = &r->series[i];

		if (!same_case(se, key) || strcmp(se->variant, variant) ||
		    (round && se->round != round))
			continue;
		for (size_t j = 0; j < se->n; j++) {
			if (!se->s[j].valid)
				continue;
			if (cnt == cap) {
				cap = cap ? 2 * cap : 1024;
				v = realloc(v, cap * sizeof(*v));
				if (!v)
					abort();
			}
			v[cnt++] = ratio ? se->s[j].value / se->s[j].extra[0]
					 : summary_value(se->s[j].value);
		}
	}
	*n = cnt;
	return v;
}

double *pool(const struct run *r, const struct series *key, const char *variant, size_t *n)
{
	return pool_values(r, key, variant, 0, n, false);
}

/*
 * Each round's median of one variant of a case, round 1 first, NaN for a
 * round without a valid sample (or an infinite ratio): what the round-level
 * tests work on, here and in `compare`.
 */
static double *round_medians(const struct run *r, const struct series *key, const char *variant,
			     bool ratio)
{
	double *m = malloc(r->o->rounds * sizeof(*m));

	if (!m)
		abort();
	for (unsigned int round = 1; round <= r->o->rounds; round++) {
		size_t n;
		double *v = pool_values(r, key, variant, round, &n, ratio);
		double med = n ? stats_median(v, n) : NAN;

		m[round - 1] = isfinite(med) ? med : NAN;
		free(v);
	}
	return m;
}

static json_t *round_medians_json(const struct run *r, const double *m)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < r->o->rounds; i++)
		json_array_append_new(a, isnan(m[i]) ? json_null() : json_real(m[i]));
	return a;
}

/*
 * Cases with a paired control: the distribution of value / control, and its
 * shift against the reference's, which cancel drift common to both.
 */
static void add_ratio(const struct run *r, const struct series *key, const char *variant,
		      const char *ref, json_t *dist, json_t *cmp)
{
	size_t n, nref;
	double *v = pool_values(r, key, variant, 0, &n, true);
	double *rv = pool_values(r, key, ref, 0, &nref, true);
	double *m = round_medians(r, key, variant, true);
	json_t *rd = summary_distribution(v, n, r->o->seed);

	json_object_set_new(rd, "round_medians", round_medians_json(r, m));
	json_object_set_new(dist, "ratio_to_control", rd);
	if (nref && strcmp(variant, ref)) {
		double *tmp = malloc(nref * sizeof(*tmp));
		json_t *c = json_object_get(cmp, variant);

		memcpy(tmp, rv, nref * sizeof(*tmp));
		if (c) {
			double med = stats_median(tmp, nref);
			double *ref_m = round_medians(r, key, ref, true);
			json_t *sh = summary_shift(rv, nref, v, n, med, r->o->seed);

			json_object_set_new(sh, "rounds",
					    summary_round_shift(ref_m, m, r->o->rounds, med));
			json_object_set_new(c, "ratio", sh);
			free(ref_m);
		}
		free(tmp);
	}
	free(m);
	free(v);
	free(rv);
}

/*
 * No number for no data: a variant without a valid sample has null
 * figures and says why (the first reason a sample was invalid).
 */
static json_t *no_data(const struct run *r, const struct series *key, const char *variant,
		       size_t total)
{
	const char *first = NULL;
	char why[160];

	for (size_t i = 0; i < r->nseries && !first; i++) {
		const struct series *se = &r->series[i];

		if (!same_case(se, key) || strcmp(se->variant, variant))
			continue;
		for (size_t j = 0; j < se->n && !first; j++)
			if (!se->s[j].valid && se->s[j].why[0])
				first = se->s[j].why;
	}
	if (!total)
		snprintf(why, sizeof(why), "no sample taken");
	else
		snprintf(why, sizeof(why), "%zu of %zu samples invalid%s%s", total, total,
			 first ? ", the first: " : "", first ? first : "");
	return json_pack("{s:i, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:s}", "n", 0, "median",
			 "p90", "p99", "p999", "min", "max", "mean", "stddev", "why", why);
}

/*
 * Entry latency of a cycle case (its entry_ms column: request to low
 * power reached), in ns, over the valid cycles that measured it.
 */
static json_t *entry_summary(const struct run *r, const struct series *key, const char *variant)
{
	double *v = NULL;
	size_t n = 0, cap = 0;
	int col = -1;
	json_t *j;

	for (int e = 0; key->c->cycle && key->c->extra[e]; e++)
		if (!strcmp(key->c->extra[e], "entry_ms"))
			col = e;
	if (col < 0)
		return NULL;
	for (size_t i = 0; i < r->nseries; i++) {
		const struct series *se = &r->series[i];

		if (!same_case(se, key) || strcmp(se->variant, variant))
			continue;
		for (size_t k = 0; k < se->n; k++) {
			if (!se->s[k].valid || se->s[k].extra[col] < 0)
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				v = realloc(v, cap * sizeof(*v));
				if (!v)
					abort();
			}
			v[n++] = se->s[k].extra[col] * 1e6;
		}
	}
	j = n ? summary_distribution(v, n, r->o->seed)
	      : json_pack("{s:i, s:n, s:s}", "n", 0, "median", "why",
			  "no valid cycle measured its entry");
	free(v);
	return j;
}

json_t *case_summary(const struct run *r, const struct series *key, const char *const *variants,
		     size_t nvar)
{
	const char *ref = r->o->reference;
	json_t *vj = json_object(), *cmp = json_object(), *states = json_object();
	double *refv = NULL, *ref_m = NULL;
	size_t nref = 0;
	double ref_median = 0;

	for (size_t v = 0; v < nvar; v++)
		if (!strcmp(variants[v], ref)) {
			refv = pool(r, key, ref, &nref);
			ref_m = round_medians(r, key, ref, false);
			if (nref) {
				double *tmp = malloc(nref * sizeof(*tmp));

				memcpy(tmp, refv, nref * sizeof(*tmp));
				ref_median = stats_median(tmp, nref);
				free(tmp);
			}
		}
	for (size_t v = 0; v < nvar; v++) {
		size_t n, total = 0;
		double *vals = pool(r, key, variants[v], &n), *m;
		double overhead = 0;
		unsigned int rounds = 0;
		json_t *d, *ctr = json_array(), *pts = json_array();

		for (size_t i = 0; i < r->nseries; i++) {
			const struct series *se = &r->series[i];

			if (!same_case(se, key) || strcmp(se->variant, variants[v]))
				continue;
			total += se->n;
			overhead += se->overhead_ns;
			rounds++;
			if (se->counters)
				json_array_append(ctr, se->counters);
			if (se->point_info)
				json_array_append(pts, se->point_info);
			for (size_t j = 0; j < se->n; j++) {
				char k[96];
				json_t *c;

				snprintf(k, sizeof(k), "%s/%s/%s", variants[v],
					 se->s[j].state[0] ? se->s[j].state : "-",
					 se->s[j].valid ? "valid" : "invalid");
				c = json_object_get(states, k);
				json_object_set_new(
					states, k, json_integer(c ? json_integer_value(c) + 1 : 1));
			}
		}
		if (!rounds) {
			free(vals);
			json_decref(ctr);
			json_decref(pts);
			continue;
		}
		d = n ? summary_distribution(vals, n, r->o->seed)
		      : no_data(r, key, variants[v], total);
		if (n && key->c->cycle) {
			json_t *e = entry_summary(r, key, variants[v]);

			if (e)
				json_object_set_new(d, "entry", e);
		}
		m = round_medians(r, key, variants[v], false);
		json_object_set_new(d, "valid", json_integer((json_int_t)n));
		json_object_set_new(d, "total", json_integer((json_int_t)total));
		json_object_set_new(d, "rounds", json_integer(rounds));
		json_object_set_new(d, "round_medians", round_medians_json(r, m));
		json_object_set_new(d, "harness_overhead_ns", json_real(overhead / rounds));
		json_object_set_new(d, "counters", ctr);
		if (json_array_size(pts))
			json_object_set_new(d, "points", pts);
		else
			json_decref(pts);
		json_object_set_new(vj, variants[v], d);
		if (refv && nref && n && strcmp(variants[v], ref)) {
			json_t *sh = summary_shift(refv, nref, vals, n, ref_median, r->o->seed);

			json_object_set_new(
				sh, "rounds",
				summary_round_shift(ref_m, m, r->o->rounds, ref_median));
			json_object_set_new(cmp, variants[v], sh);
		}
		if (key->c->control && n)
			add_ratio(r, key, variants[v], ref, d, cmp);
		free(m);
		free(vals);
	}
	free(refv);
	free(ref_m);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:s, s:o}", "suite",
			 key->suite->name, "case", key->c->name, "point", key->point, "device",
			 key->device, "unit", "ns/op", "batch", key->batch, "variants", vj,
			 "states", states, "reference", ref, "vs_reference", cmp);
}
