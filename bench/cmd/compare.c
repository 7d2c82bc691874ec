// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c - `vfio-pm-bench compare BASE NEW`: for every case two runs (or
 * two variants of one run) share, a shift with its 95 % interval, a p-value
 * and a verdict, judged on the rounds' medians where both sides have enough
 * of them (summary.json variants.<v>.round_medians), else on the pooled
 * samples (Hodges-Lehmann, Moses interval, Mann-Whitney). The pooled
 * analysis assumes independent samples, which a drifting machine breaks:
 * samples of one round share that round's drift.
 */
#include "cmd.h"
#include "common.h"
#include "resultset.h"
#include "stats.h"
#include "summary.h"
#include "units.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIN_SAMPLES 10
#define MIN_ROUNDS  6

static void compare_usage(FILE *f)
{
	fprintf(f,
		"usage: vfio-pm-bench compare BASE NEW [--threshold PCT] [--alpha A] [--json]\n"
		"                             [--cross-platform] [--allow-insufficient] [--noise "
		"FILE]\n\n"
		"BASE and NEW are run directories (results/<platform>/<run-id>), each optionally\n"
		"followed by ':VARIANT' to take one variant: 'RUN:no-get RUN:upstream' compares\n"
		"two variants of one run, 'OLD:upstream NEW' compares upstream in both runs.\n"
		"Without a variant, every variant of BASE is compared with itself in NEW (one\n"
		"NEW lacks is missing).\n\n"
		"For every case of BASE, the shift of NEW against BASE, its 95 %% interval and\n"
		"a p-value, on one of two bases:\n"
		"  rounds   each round's median (summary.json round_medians). One run on both\n"
		"           sides (e.g. two of its variants): the rounds pair, and the shift is\n"
		"           the Wilcoxon signed-rank estimate of NEW - BASE over the rounds, with\n"
		"           its exact interval and p (%d or more paired rounds, and enough for p\n"
		"           to reach alpha: 8 at 0.01; with one of the two the run's reference,\n"
		"           the figure summary.json stores). Two runs: Hodges-Lehmann, Moses\n"
		"           interval and Mann-Whitney on the two sets of round medians (%d or\n"
		"           more a side); on a drifting clock (host), where every round of a\n"
		"           boot moves with the boot's level, on each round's shift against\n"
		"           its run's reference instead (variant - reference, same round;\n"
		"           'vs ref'), the threshold taken of BASE's median. The reference\n"
		"           itself then has nothing to be judged against: of whole runs it\n"
		"           is their 'baseline' (no verdict, no failure), named alone it is\n"
		"           'not judged'.\n"
		"  pooled   every sample of every round (Hodges-Lehmann, Moses interval,\n"
		"           Mann-Whitney). Two variants of one run, one of them its reference:\n"
		"           the shift, interval and p summary.json stores (computed by the run\n"
		"           from its exact samples). Otherwise the same computation on the\n"
		"           exact samples the run keeps (<stem>.values.csv); for a run from\n"
		"           before it kept them, on its per-sample CSV, else on its histogram\n"
		"           (each sample at its bucket's midpoint, < 0.4 %% error); the output\n"
		"           says which. Medians are summary.json's.\n"
		"           Used only on the icount clock: on any other the rounds drift, and\n"
		"           pooled samples give no verdict ('not judged', with why).\n"
		"A case is regressed (NEW slower) or improved when p < alpha AND |shift| > PCT %%\n"
		"of BASE's median AND the interval excludes 0, else unchanged. It is missing\n"
		"when BASE has valid samples and NEW lacks the case, the variant or any valid\n"
		"sample; insufficient data below %d valid samples on a side (pooled). Every\n"
		"verdict other than regressed, improved and unchanged is printed with its\n"
		"reason. The pooled figures stay in the JSON output when the verdict is by\n"
		"rounds.\n\n"
		"  --threshold PCT       smallest shift that counts, %% of the base median "
		"(default 2)\n"
		"  --alpha A             significance level (default 0.01)\n"
		"  --json                print the comparison as JSON\n"
		"  --cross-platform      allow runs of different platforms; prints what differs\n"
		"  --allow-insufficient  'insufficient data' and 'not judged' do not fail\n"
		"  --noise FILE|none     between-boot noise floors of a drifting clock, %% of the\n"
		"                        median per case and variant (written by\n"
		"                        scripts/aa-compare.sh from A/A boots: noise.json): two\n"
		"                        runs of such a clock take a listed case's floor as\n"
		"                        its threshold when it is larger (a boot's own level\n"
		"                        in the shift against the reference, which one run\n"
		"                        per side cannot tell from a change). Default: BASE's\n"
		"                        platform's, the noise.json beside its run directory\n"
		"                        (results/<platform>/noise.json), when there is one;\n"
		"                        'none': no floor\n\n"
		"Exit: 0 no case regressed or missing, and every case judged or baseline (or\n"
		"--allow-insufficient); 1 a case regressed or missing, or not judged; 2 usage,\n"
		"or a run that cannot be read: a missing, corrupt or wrongly typed file, an\n"
		"unknown schema_version, samples that disagree with summary.json.\n",
		MIN_ROUNDS, MIN_ROUNDS, MIN_SAMPLES);
}

static double median_of(const double *x, size_t n)
{
	double *t = malloc(n * sizeof(*t));
	double m;

	if (!t)
		return NAN;
	memcpy(t, x, n * sizeof(*t));
	m = stats_median(t, n);
	free(t);
	return m;
}

/* The verdict of a shift with its interval and p, against @base_median. */
static const char *judge(double shift, const struct stats_ci *ci, double p, double base_median,
			 const struct compare_opts *o)
{
	bool excl = ci->lo > 0 || ci->hi < 0;
	bool big = fabs(shift) > o->threshold_pct / 100.0 * fabs(base_median);

	if (p < o->alpha && big && excl)
		return shift > 0 ? "regressed" : "improved";
	return "unchanged";
}

int compare_samples(const double *a, size_t na, const double *b, size_t nb,
		    const struct compare_opts *o, json_t **out)
{
	struct summary_shift sh;
	const char *verdict = "insufficient data";
	json_t *j = json_object();

	if (!j)
		return -ENOMEM;
	json_object_set_new(j, "base_n", json_integer((json_int_t)na));
	json_object_set_new(j, "new_n", json_integer((json_int_t)nb));
	if (na >= MIN_SAMPLES && nb >= MIN_SAMPLES) {
		/* the shift as summary.json computes it (summary.c) */
		double bm = median_of(a, na), nm = median_of(b, nb);

		if (isnan(bm) || isnan(nm) || summary_shift_figures(a, na, b, nb, &sh)) {
			json_decref(j);
			return -ENOMEM;
		}
		json_object_set_new(j, "base_median", json_real(bm));
		json_object_set_new(j, "new_median", json_real(nm));
		json_object_set_new(j, "shift_ns", json_real(sh.hl));
		json_object_set_new(j, "shift_pct", json_real(bm ? 100.0 * sh.hl / bm : 0.0));
		if (sh.has_ci && sh.has_p) {
			json_object_set_new(j, "ci95", json_pack("[f, f]", sh.ci.lo, sh.ci.hi));
			json_object_set_new(j, "p", json_real(sh.mwu.p));
			verdict = judge(sh.hl, &sh.ci, sh.mwu.p, bm, o);
		}
	} else {
		char why[160];

		snprintf(why, sizeof(why),
			 "%zu and %zu valid samples; the pooled test needs %d or more a side", na,
			 nb, MIN_SAMPLES);
		json_object_set_new(j, "why", json_string(why));
	}
	json_object_set_new(j, "verdict", json_string(verdict));
	*out = j;
	return 0;
}

/* The judged figures of a round-level test into @j. */
static void set_rounds(json_t *j, double bm, double shift, const struct stats_ci *ci, double p,
		       const struct compare_opts *o)
{
	json_object_set_new(j, "base_median", json_real(bm));
	json_object_set_new(j, "shift_ns", json_real(shift));
	json_object_set_new(j, "shift_pct", json_real(bm ? 100.0 * shift / bm : 0.0));
	json_object_set_new(j, "ci95", json_pack("[f, f]", ci->lo, ci->hi));
	json_object_set_new(j, "p", json_real(p));
	json_object_set_new(j, "verdict", json_string(judge(shift, ci, p, bm, o)));
}

/*
 * Paired rounds (@x[i] and @y[i] ran in round i of one run): the signed-rank
 * test on y - x. Its smallest p, every difference of one sign, is 2 / 2^n:
 * with too few rounds for that to be below alpha (8 at 0.01) it could never
 * flag anything, and says so instead.
 */
/* Why @n paired rounds cannot judge at @o->alpha, or "" when they can. */
static void paired_why(size_t n, const struct compare_opts *o, char *why, size_t len)
{
	double pmin = pow(2.0, 1.0 - (double)n);

	if (n < MIN_ROUNDS)
		snprintf(why, len,
			 "%zu paired rounds; the signed-rank 95 %% interval needs %d or more", n,
			 MIN_ROUNDS);
	else if (n > STATS_SIGNED_RANK_MAX)
		snprintf(why, len, "%zu paired rounds; the exact signed-rank test takes at most %d",
			 n, STATS_SIGNED_RANK_MAX);
	else if (pmin >= o->alpha)
		snprintf(why, len,
			 "%zu paired rounds: the signed-rank p cannot go below %.2g, not below "
			 "alpha %g; %d or more needed",
			 n, pmin, o->alpha, (int)floor(1 - log2(o->alpha)) + 1);
	else
		why[0] = '\0';
}

static int rounds_paired(double *x, double *y, size_t n, const struct compare_opts *o, json_t *j)
{
	struct stats_signed_rank sr;
	char why[160];
	int ret;

	json_object_set_new(j, "test", json_string("signed rank on paired rounds"));
	json_object_set_new(j, "n", json_integer((json_int_t)n));
	paired_why(n, o, why, sizeof(why));
	if (why[0]) {
		json_object_set_new(j, "why", json_string(why));
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		y[i] -= x[i];
	ret = stats_signed_rank(y, n, 0.95, &sr);
	if (ret)
		return ret;
	set_rounds(j, stats_median(x, n), sr.estimate, &sr.ci, sr.p, o);
	json_object_set_new(j, "coverage", json_real(sr.ci.level));
	return 0;
}

/*
 * Rounds of two runs do not pair: the rank tests on the two sets of round
 * medians. Checked against the exact rank-sum distribution (no ties), both
 * normal approximations are conservative at these sizes: the Moses
 * interval covers >= 95 % for 2 to 60 rounds a side (97.4 % at 6 and 6;
 * test_stats.c has 6 and 6 by hand), and the Mann-Whitney p rejects no more
 * often than alpha <= 0.05 for 2 to 40 a side. Below 6 a side its p cannot
 * reach 0.01 (5 and 5: at best 0.012).
 */
static int rounds_unpaired(double *x, size_t nx, double *y, size_t ny, double bm,
			   const struct compare_opts *o, json_t *j)
{
	double nn = (double)nx * ny;
	double pmin = erfc((nn / 2 - 0.5) / sqrt(nn * (nx + ny + 1) / 12) / M_SQRT2);
	struct summary_shift sh;
	char why[160];
	int ret;

	json_object_set_new(j, "test", json_string("rank sum on round medians"));
	json_object_set_new(j, "base_n", json_integer((json_int_t)nx));
	json_object_set_new(j, "new_n", json_integer((json_int_t)ny));
	if (nx < MIN_ROUNDS || ny < MIN_ROUNDS)
		snprintf(why, sizeof(why),
			 "%zu and %zu rounds; the rank-sum test on round medians needs %d or "
			 "more a side",
			 nx, ny, MIN_ROUNDS);
	else if (pmin >= o->alpha)
		snprintf(why, sizeof(why),
			 "%zu and %zu rounds: the rank-sum p cannot go below %.2g, not below "
			 "alpha %g; more rounds needed",
			 nx, ny, pmin, o->alpha);
	else
		why[0] = '\0';
	if (why[0]) {
		json_object_set_new(j, "why", json_string(why));
		return 0;
	}
	ret = summary_shift_figures(x, nx, y, ny, &sh);
	if (ret)
		return ret;
	if (!sh.has_ci || !sh.has_p)
		return -EINVAL;
	set_rounds(j, isnan(bm) ? stats_median(x, nx) : bm, sh.hl, &sh.ci, sh.mwu.p, o);
	return 0;
}

int compare_rounds(const double *a, size_t na, const double *b, size_t nb, bool paired,
		   const struct compare_opts *o, json_t **out)
{
	size_t n = na > nb ? na : nb, nx = 0, ny = 0;
	double *x = malloc((n + 1) * sizeof(*x)), *y = malloc((n + 1) * sizeof(*y));
	json_t *j = json_object();
	int ret = -ENOMEM;

	*out = NULL;
	if (!x || !y || !j)
		goto out;
	for (size_t i = 0; i < n; i++) {
		double va = i < na ? a[i] : NAN, vb = i < nb ? b[i] : NAN;

		if (paired && (isnan(va) || isnan(vb)))
			continue;
		if (!isnan(va))
			x[nx++] = va;
		if (!isnan(vb))
			y[ny++] = vb;
	}
	ret = paired ? rounds_paired(x, y, nx, o, j) : rounds_unpaired(x, nx, y, ny, NAN, o, j);
	if (!ret) {
		*out = j;
		j = NULL;
	}
out:
	free(x);
	free(y);
	json_decref(j);
	return ret;
}

/* What differs between two platform identities, one string per key path. */
static void identity_diff(const json_t *a, const json_t *b, const char *prefix, json_t *out)
{
	const char *key;
	json_t *va;

	if (json_is_object(a) && json_is_object(b)) {
		json_object_foreach((json_t *)a, key, va) {
			char path[256];

			snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "", key);
			identity_diff(va, json_object_get(b, key), path, out);
		}
		json_object_foreach((json_t *)b, key, va) {
			char path[256];

			snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "", key);
			if (!json_object_get(a, key))
				identity_diff(NULL, va, path, out);
		}
		return;
	}
	if (json_equal((json_t *)a, (json_t *)b) || (!a && !b))
		return;
	char *sa = a ? json_dumps(a, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	char *sb = b ? json_dumps(b, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

	json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "key", prefix, "base",
					     sa ? sa : "(absent)", "new", sb ? sb : "(absent)"));
	free(sa);
	free(sb);
}

static json_t *side_json(const struct compare_side *s)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s?}", "dir", s->run->dir, "run_id", s->run->id,
			 "platform", s->run->platform, "clock_label", s->run->clock_label,
			 "variant", s->variant);
}

/*
 * A variant's round medians as stored (summary.json variants.<v>.round_medians),
 * NaN for a round without one. Return: 0; -ENOENT when the summary has none
 * (a run from before they were stored); -ENOMEM.
 */
static int read_round_medians(const json_t *c, const char *variant, double **m, size_t *n)
{
	json_t *a = json_object_get(json_object_get(json_object_get(c, "variants"), variant),
				    "round_medians");
	json_t *x;
	size_t i;

	*m = NULL;
	*n = 0;
	if (!json_is_array(a))
		return -ENOENT;
	*m = malloc((json_array_size(a) + 1) * sizeof(**m));
	if (!*m)
		return -ENOMEM;
	json_array_foreach(a, i, x) {
		(*m)[i] = json_is_number(x) ? json_number_value(x) : NAN;
	}
	*n = json_array_size(a);
	return 0;
}

/* One run on both sides (one directory, or copies of it): its rounds pair. */
static bool same_run(const struct rs_run *a, const struct rs_run *b)
{
	char pa[PATH_MAX], pb[PATH_MAX];

	if (a->start_time[0] && !strcmp(a->start_time, b->start_time) && !strcmp(a->id, b->id) &&
	    !strcmp(a->platform, b->platform))
		return true;
	return realpath(a->dir, pa) && realpath(b->dir, pb) && !strcmp(pa, pb);
}

/*
 * The round-level analysis of one case into @j (a compare_samples() object):
 * "rounds", "basis" and "basis_why"; the verdict becomes the rounds' where
 * they have one, and the pooled one is kept as "pooled_verdict".
 */
/*
 * Two variants of one run, one of them its reference: the round-level
 * shift summary.json stores (vs_reference.<v>.rounds), computed by the run
 * from the exact round medians, with the sign turned when NEW is the
 * reference. Return: the compare_rounds()-like object, or NULL when the
 * summary has none.
 */
static json_t *stored_rounds(const struct compare_side *bs, const json_t *bc, const char *bv,
			     const struct compare_side *ns, const char *nv,
			     const struct compare_opts *o)
{
	const char *ref = rs_str(bc, "reference");
	const json_t *sh = NULL, *r, *ci;
	double sign = 1, md, p, bm;
	struct stats_ci c;
	char why[160];
	json_int_t n;
	json_t *j;

	if (!same_run(bs->run, ns->run) || !ref[0])
		return NULL;
	if (!strcmp(bv, ref)) {
		sh = json_object_get(json_object_get(bc, "vs_reference"), nv);
	} else if (!strcmp(nv, ref)) {
		sh = json_object_get(json_object_get(bc, "vs_reference"), bv);
		sign = -1;
	}
	r = json_object_get(sh, "rounds");
	ci = json_object_get(r, "ci");
	md = rs_num(r, "median_diff");
	p = rs_num(r, "p");
	bm = rs_num(json_object_get(json_object_get(bc, "variants"), bv), "median");
	n = json_integer_value(json_object_get(r, "n"));
	if (!json_is_array(ci) || isnan(md) || isnan(p) || isnan(bm))
		return NULL;
	j = json_pack("{s:s, s:I, s:s}", "test", "signed rank on paired rounds", "n", n, "source",
		      "summary.json");
	paired_why((size_t)n, o, why, sizeof(why));
	if (why[0]) {
		json_object_set_new(j, "why", json_string(why));
		return j;
	}
	c.lo = json_number_value(json_array_get(ci, sign > 0 ? 0 : 1)) * sign;
	c.hi = json_number_value(json_array_get(ci, sign > 0 ? 1 : 0)) * sign;
	set_rounds(j, bm, md * sign, &c, p, o);
	if (json_object_get(r, "coverage"))
		json_object_set_new(j, "coverage", json_real(rs_num(r, "coverage")));
	return j;
}

/* The clock of a run drifts between rounds unless it is instruction time. */
static bool drifts(const struct rs_run *r)
{
	return strcmp(r->clock_label, "icount") != 0;
}

/* The reference variant of a case (summary.json), else of its run. */
static const char *reference_of(const struct rs_run *r, const json_t *c)
{
	return *rs_str(c, "reference") ? rs_str(c, "reference") : r->reference;
}

/*
 * Each round's median of @v minus the same round's median of the run's
 * reference @ref, into the malloc'ed @d (@nd of them: rounds where both
 * have a median). Return: 0; -ENOENT (no round medians of one of them);
 * -ENOMEM.
 */
static int round_shifts(const json_t *c, const char *v, const char *ref, double **d, size_t *nd)
{
	double *mv, *mr;
	size_t nv, nr;
	int ret = read_round_medians(c, v, &mv, &nv);

	if (!ret)
		ret = read_round_medians(c, ref, &mr, &nr);
	else
		mr = NULL;
	*nd = 0;
	*d = ret ? NULL : malloc((nv + 1) * sizeof(**d));
	if (!ret && !*d)
		ret = -ENOMEM;
	for (size_t i = 0; !ret && i < nv && i < nr; i++)
		if (!isnan(mv[i]) && !isnan(mr[i]))
			(*d)[(*nd)++] = mv[i] - mr[i];
	free(mv);
	free(mr);
	return ret;
}

/* The noise floor (--noise) of variant @v of case @c, % of its median; NaN: none. */
static double noise_floor(const json_t *noise, const json_t *c, const char *v)
{
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(noise, "floors"), i, f) {
		if (!strcmp(rs_str(f, "suite"), rs_str(c, "suite")) &&
		    !strcmp(rs_str(f, "case"), rs_str(c, "case")) &&
		    !strcmp(rs_str(f, "device"), rs_str(c, "device")) &&
		    !strcmp(rs_str(f, "point"), rs_str(c, "point")) &&
		    !strcmp(rs_str(f, "variant"), v))
			return rs_num(f, "pct");
	}
	return NAN;
}

/*
 * Without --noise, two runs of a drifting clock are judged with their
 * platform's noise floors: results/<platform>/noise.json, beside BASE's run
 * directory @dir, when it is there (NULL: it is not).
 */
static const char *platform_noise(const char *dir, char *buf, size_t len)
{
	char copy[PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", dir);
	snprintf(buf, len, "%s/noise.json", dirname(copy));
	return access(buf, F_OK) ? NULL : buf;
}

/* A --noise file: "floors", each with its strings and a pct >= 0. */
static json_t *load_noise(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e), *f, *fl = json_object_get(j, "floors");
	size_t i;

	if (!j) {
		vpb_err("compare: --noise %s:%d: %s", path, e.line, e.text);
		return NULL;
	}
	if (!json_is_array(fl))
		goto bad;
	json_array_foreach(fl, i, f) {
		static const char *const keys[] = {"suite", "case", "device", "point", "variant"};

		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			if (!json_is_string(json_object_get(f, keys[k])))
				goto bad;
		if (!json_is_number(json_object_get(f, "pct")) || !(rs_num(f, "pct") >= 0))
			goto bad;
	}
	return j;
bad:
	vpb_err("compare: --noise %s: expected \"floors\": [{suite, case, device, point, variant "
		"(strings), pct (a number >= 0)}]",
		path);
	json_decref(j);
	return NULL;
}

/*
 * Two runs on a drifting clock. Each boot of QEMU's host clock runs at its
 * own level, every round and variant of it alike: between boots of the
 * same code the round medians move by 5 to 9 % on the ioctl cases and far
 * more under contention (results/qemu-q35-tcg-host/<stamp>-aa-compare), and a
 * rank sum on two runs' round medians takes that for a shift in about one
 * case of five. What a boot's level cancels from is a variant's shift
 * against the reference measured in the same round of the same run: so
 * each side's per-round shifts (variant - its run's reference) are
 * compared (Hodges-Lehmann, Moses interval, Mann-Whitney, 6 or more rounds
 * a side), the threshold taken of BASE's median of the variant. The
 * reference itself has nothing in its run to be judged against: @r then
 * says so, with "reference": true.
 */
static int rounds_vs_reference(const struct compare_side *bs, const json_t *bc, const char *bv,
			       const struct compare_side *ns, const json_t *nc, const char *nv,
			       const struct compare_opts *o, json_t **r)
{
	const char *bref = reference_of(bs->run, bc), *nref = reference_of(ns->run, nc);
	struct compare_opts oo = *o;
	double *da = NULL, *db = NULL, bm, floor;
	size_t na = 0, nb = 0;
	char why[400];
	int ret;

	*r = NULL;
	if (!strcmp(bv, bref) && !strcmp(nv, nref)) {
		snprintf(
			why, sizeof(why),
			"%s is the runs' reference: on the %s clock its level moves with the boot, "
			"and nothing in the runs judges it (the other variants are judged against "
			"it)",
			bv, drifts(bs->run) ? bs->run->clock_label : ns->run->clock_label);
		*r = json_pack("{s:s, s:b}", "why", why, "reference", 1);
		return *r ? 0 : -ENOMEM;
	}
	ret = round_shifts(bc, bv, bref, &da, &na);
	if (!ret)
		ret = round_shifts(nc, nv, nref, &db, &nb);
	if (ret == -ENOENT) {
		snprintf(why, sizeof(why),
			 "no round medians of the reference (%s in BASE, %s in NEW) to judge %s "
			 "against; on a drifting clock two runs' own levels do not judge",
			 bref, nref, bv);
		*r = json_pack("{s:s}", "why", why);
		ret = *r ? 0 : -ENOMEM;
		goto out;
	}
	if (ret)
		goto out;
	*r = json_object();
	if (!*r) {
		ret = -ENOMEM;
		goto out;
	}
	bm = rs_num(json_object_get(json_object_get(bc, "variants"), bv), "median");
	floor = noise_floor(o->noise, bc, bv);
	if (floor > oo.threshold_pct)
		oo.threshold_pct = floor;
	ret = rounds_unpaired(da, na, db, nb, bm, &oo, *r);
	if (ret) {
		json_decref(*r);
		*r = NULL;
		goto out;
	}
	json_object_set_new(*r, "test",
			    json_string("rank sum on round shifts against the reference"));
	json_object_set_new(*r, "reference", json_pack("[s, s]", bref, nref));
	if (!isnan(floor))
		json_object_set_new(*r, "noise_floor_pct", json_real(floor));
out:
	free(da);
	free(db);
	return ret;
}

static int add_rounds(const struct compare_side *bs, const json_t *bc, const char *bv,
		      const struct compare_side *ns, const json_t *nc, const char *nv,
		      const struct compare_opts *o, json_t *j)
{
	double *ma = NULL, *mb = NULL;
	size_t na, nb;
	bool paired = same_run(bs->run, ns->run);
	int ra = read_round_medians(bc, bv, &ma, &na);
	int rb = read_round_medians(nc, nv, &mb, &nb);
	json_t *r = NULL, *judged;
	char why[400];
	int ret = 0;

	json_object_set(j, "pooled_verdict", json_object_get(j, "verdict"));
	if (ra == -ENOMEM || rb == -ENOMEM) {
		ret = -ENOMEM;
		goto out;
	}
	r = stored_rounds(bs, bc, bv, ns, nv, o);
	if (r) {
		/* the run's own figure */
	} else if (ra || rb) {
		snprintf(why, sizeof(why),
			 "%s has no round medians (a run from before summary.json stored them)",
			 ra ? bs->run->id : ns->run->id);
		r = json_pack("{s:s}", "why", why);
	} else if (!paired && (drifts(bs->run) || drifts(ns->run))) {
		ret = rounds_vs_reference(bs, bc, bv, ns, nc, nv, o, &r);
		if (ret)
			goto out;
	} else {
		ret = compare_rounds(ma, na, mb, nb, paired, o, &r);
		if (ret)
			goto out;
	}
	judged = json_object_get(r, "verdict");
	if (judged && paired)
		snprintf(why, sizeof(why), "%lld paired rounds of one run",
			 (long long)json_integer_value(json_object_get(r, "n")));
	else if (judged && json_is_array(json_object_get(r, "reference")))
		snprintf(why, sizeof(why),
			 "%lld and %lld rounds of two runs, each round's shift against its run's "
			 "reference (%s, %s)",
			 (long long)json_integer_value(json_object_get(r, "base_n")),
			 (long long)json_integer_value(json_object_get(r, "new_n")),
			 json_string_value(json_array_get(json_object_get(r, "reference"), 0)),
			 json_string_value(json_array_get(json_object_get(r, "reference"), 1)));
	else if (judged)
		snprintf(why, sizeof(why), "%lld and %lld rounds of two runs",
			 (long long)json_integer_value(json_object_get(r, "base_n")),
			 (long long)json_integer_value(json_object_get(r, "new_n")));
	else
		snprintf(why, sizeof(why), "%s", rs_str(r, "why"));
	if (judged)
		json_object_set(j, "verdict", judged);
	json_object_set_new(j, "basis", json_string(judged ? "rounds" : "pooled samples"));
	json_object_set_new(j, "basis_why", json_string(why));
	json_object_set_new(j, "rounds", r);
out:
	free(ma);
	free(mb);
	return ret;
}

/* The valid samples summary.json counts for a variant (-1: not stated). */
static long long valid_of(const json_t *vd)
{
	json_t *x = json_object_get(vd, "valid");

	if (!x)
		x = json_object_get(vd, "n");
	return json_is_integer(x) ? (long long)json_integer_value(x) : -1;
}

static long long total_of(const json_t *vd)
{
	json_t *x = json_object_get(vd, "total");

	return json_is_integer(x) ? (long long)json_integer_value(x) : valid_of(vd);
}

/*
 * Two variants of one run, one of them its reference: the pooled shift
 * summary.json stores (vs_reference) is the figure, exactly as the run
 * computed it from its exact samples. NEW - BASE: with NEW the reference,
 * the stored shift and interval change sign (Hodges-Lehmann and Moses are
 * antisymmetric, the Mann-Whitney p symmetric). Return: true when used.
 */
static bool stored_shift(const struct compare_side *bs, const json_t *bc, const char *bv,
			 const struct compare_side *ns, const char *nv,
			 const struct compare_opts *o, json_t *j)
{
	const char *ref = rs_str(bc, "reference");
	const json_t *sh = NULL, *ci;
	double sign = 1, bm = rs_num(j, "base_median"), hl, p;
	struct stats_ci c;

	if (!same_run(bs->run, ns->run) || !ref[0])
		return false;
	if (!strcmp(bv, ref))
		sh = json_object_get(json_object_get(bc, "vs_reference"), nv);
	else if (!strcmp(nv, ref)) {
		sh = json_object_get(json_object_get(bc, "vs_reference"), bv);
		sign = -1;
	}
	ci = json_object_get(sh, "hl_ci95");
	hl = rs_num(sh, "hl_shift");
	p = rs_num(json_object_get(sh, "mann_whitney"), "p");
	if (!sh || !json_is_array(ci) || isnan(hl) || isnan(p) || isnan(bm))
		return false;
	c.lo = json_number_value(json_array_get(ci, sign > 0 ? 0 : 1)) * sign;
	c.hi = json_number_value(json_array_get(ci, sign > 0 ? 1 : 0)) * sign;
	hl *= sign;
	json_object_set_new(j, "shift_ns", json_real(hl));
	json_object_set_new(j, "shift_pct", json_real(bm ? 100.0 * hl / bm : 0.0));
	json_object_set_new(j, "ci95", json_pack("[f, f]", c.lo, c.hi));
	json_object_set_new(j, "p", json_real(p));
	json_object_set_new(j, "verdict", json_string(judge(hl, &c, p, bm, o)));
	return true;
}

/*
 * A verdict that is no judgement: @verdict and why, and the pooled verdict
 * (if any) kept as pooled_verdict.
 */
static void no_judgement(json_t *j, const char *verdict, const char *why)
{
	if (json_object_get(j, "verdict") && !json_object_get(j, "pooled_verdict"))
		json_object_set(j, "pooled_verdict", json_object_get(j, "verdict"));
	json_object_set_new(j, "verdict", json_string(verdict));
	json_object_set_new(j, "why", json_string(why));
}

static int compare_pair(struct compare_side *bs, const json_t *bc, const char *bv,
			struct compare_side *ns, const json_t *nc, const char *nv,
			const struct compare_opts *o, json_t *cases, json_t *counts)
{
	const json_t *bvd = json_object_get(json_object_get(bc, "variants"), bv);
	const json_t *nvd = json_object_get(json_object_get(nc, "variants"), nv);
	double *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	const char *srca = "", *srcb = "";
	json_t *j = NULL, *cnt;
	long long bvalid, nvalid;
	char why[1024], label[160];
	int ret = 0;

	if (!bvd)
		return 0; /* nothing in BASE to compare with */
	bvalid = valid_of(bvd);
	nvalid = valid_of(nvd);
	rs_case_label(bc, label, sizeof(label));
	if (strlen(label) + strlen(bv) + strlen(nv) + 4 < sizeof(label))
		snprintf(label + strlen(label), sizeof(label) - strlen(label),
			 strcmp(bv, nv) ? " %s->%s" : " %s", bv, nv);
	if (!nvd || !nvalid) {
		if (!nc)
			snprintf(why, sizeof(why), "%s: absent from NEW (%s)", label, ns->run->id);
		else if (!nvd)
			snprintf(why, sizeof(why), "%s: NEW (%s) has no variant %s", label,
				 ns->run->id, nv);
		else if (bvalid > 0)
			snprintf(why, sizeof(why), "%s: NEW %s has 0 valid of %lld samples%s%s",
				 label, nv, total_of(nvd), *rs_str(nvd, "why") ? ": " : "",
				 rs_str(nvd, "why"));
		else
			snprintf(
				why, sizeof(why),
				"%s: no valid sample of %s in BASE (0 of %lld) nor of %s in NEW (0 "
				"of %lld)",
				label, bv, total_of(bvd), nv, total_of(nvd));
		j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "suite",
			      rs_str(bc, "suite"), "case", rs_str(bc, "case"), "device",
			      rs_str(bc, "device"), "point", rs_str(bc, "point"), "base_variant",
			      bv, "new_variant", nv, "base_n",
			      (json_int_t)(bvalid > 0 ? bvalid : 0), "new_n",
			      (json_int_t)(nvalid > 0 ? nvalid : 0));
		if (!j)
			return -ENOMEM;
		/* a case BASE could not measure either is no loss */
		no_judgement(j, bvalid > 0 ? "missing" : "insufficient data", why);
		goto add;
	}
	/* a file that cannot be read is named (rs_problem) and judges nothing */
	ret = rs_case_values(bs->run, bc, bv, &a, &na, &srca);
	if (!ret)
		ret = rs_case_values(ns->run, nc, nv, &b, &nb, &srcb);
	if (ret) {
		ret = ret == -ENOMEM ? ret : -EINVAL;
		goto out;
	}
	/* the samples read must be those summary.json counted */
	if ((bvalid >= 0 && na != (size_t)bvalid) || (nvalid >= 0 && nb != (size_t)nvalid)) {
		bool isb = bvalid >= 0 && na != (size_t)bvalid;
		struct rs_run *r = isb ? bs->run : ns->run;
		char stem[512];

		rs_case_stem(isb ? bc : nc, stem, sizeof(stem));
		rs_problem(r, "%s/%s: %zu valid samples of %s read, summary.json counts %lld",
			   r->dir, stem, isb ? na : nb, isb ? bv : nv, isb ? bvalid : nvalid);
		ret = -EINVAL;
		goto out;
	}
	ret = compare_samples(a, na, b, nb, o, &j);
	if (ret)
		goto out;
	/* exact samples give the run's own medians, or the files disagree */
	if (json_object_get(j, "base_median") && !strcmp(srca, "exact samples") &&
	    !strcmp(srcb, "exact samples")) {
		bool isb = rs_num(j, "base_median") != rs_num(bvd, "median");
		struct rs_run *r = isb ? bs->run : ns->run;

		if (isb || rs_num(j, "new_median") != rs_num(nvd, "median")) {
			char stem[512];

			rs_case_stem(isb ? bc : nc, stem, sizeof(stem));
			rs_problem(r,
				   "%s/%s.values.csv: the median of %s is %.4f ns, summary.json "
				   "says %.4f",
				   r->dir, stem, isb ? bv : nv,
				   rs_num(j, isb ? "base_median" : "new_median"),
				   rs_num(isb ? bvd : nvd, "median"));
			ret = -EINVAL;
			json_decref(j);
			goto out;
		}
	}
	/* the medians as the run computed them, from its exact samples */
	if (json_object_get(j, "base_median") && !isnan(rs_num(bvd, "median")) &&
	    !isnan(rs_num(nvd, "median"))) {
		double bm = rs_num(bvd, "median"), hl = rs_num(j, "shift_ns");

		json_object_set_new(j, "base_median", json_real(bm));
		json_object_set_new(j, "new_median", json_real(rs_num(nvd, "median")));
		json_object_set_new(j, "shift_pct", json_real(bm ? 100.0 * hl / bm : 0.0));
	}
	/* the least exact of the two */
	json_object_set_new(j, "source",
			    json_string(!strcmp(srca, "histogram") || !strcmp(srcb, "histogram")
						? "histogram"
					: strcmp(srca, srcb) ? "samples"
							     : srca));
	if (json_object_get(j, "base_median") && stored_shift(bs, bc, bv, ns, nv, o, j))
		json_object_set_new(j, "source", json_string("summary.json"));
	ret = add_rounds(bs, bc, bv, ns, nc, nv, o, j);
	if (ret) {
		json_decref(j);
		goto out;
	}
	if (json_is_true(json_object_get(json_object_get(j, "rounds"), "reference"))) {
		/* whole runs: the baseline the others were judged against; asked for: no verdict */
		snprintf(why, sizeof(why), "%s: %s", label,
			 rs_str(json_object_get(j, "rounds"), "why"));
		no_judgement(j, bs->variant ? "not judged" : "baseline", why);
	} else if (!strcmp(rs_str(j, "basis"), "pooled samples") &&
		   strcmp(rs_str(j, "verdict"), "insufficient data") &&
		   (drifts(bs->run) || drifts(ns->run))) {
		const char *clk = drifts(bs->run) ? bs->run->clock_label : ns->run->clock_label;

		snprintf(why, sizeof(why),
			 "%s: pooled samples of the %s clock, which drifts between rounds, do not "
			 "judge, and the rounds cannot: %s%s",
			 label, *clk ? clk : "unknown", rs_str(j, "basis_why"),
			 strstr(rs_str(j, "basis_why"), "paired rounds") ||
					 strstr(rs_str(j, "basis_why"), "rounds a side")
				 ? " (run 8 or more rounds)"
				 : "");
		no_judgement(j, "not judged", why);
	} else if (!strcmp(rs_str(j, "verdict"), "insufficient data")) {
		char bw[300] = "", nw[300] = "";

		if (*rs_str(bvd, "why"))
			snprintf(bw, sizeof(bw), " (%s)", rs_str(bvd, "why"));
		if (*rs_str(nvd, "why"))
			snprintf(nw, sizeof(nw), " (%s)", rs_str(nvd, "why"));
		snprintf(why, sizeof(why),
			 "%s: BASE %s has %zu valid of %lld samples%s, NEW %s %zu of %lld%s; the "
			 "pooled test needs %d or more a side",
			 label, bv, na, total_of(bvd), bw, nv, nb, total_of(nvd), nw, MIN_SAMPLES);
		json_object_set_new(j, "why", json_string(why));
	}
	json_object_set_new(j, "suite", json_string(rs_str(bc, "suite")));
	json_object_set_new(j, "case", json_string(rs_str(bc, "case")));
	json_object_set_new(j, "device", json_string(rs_str(bc, "device")));
	json_object_set_new(j, "point", json_string(rs_str(bc, "point")));
	json_object_set_new(j, "base_variant", json_string(bv));
	json_object_set_new(j, "new_variant", json_string(nv));
add:
	cnt = json_object_get(counts, rs_str(j, "verdict"));
	json_integer_set(cnt, json_integer_value(cnt) + 1);
	json_array_append_new(cases, j);
out:
	free(a);
	free(b);
	return ret;
}

int compare_runs(const struct compare_side *base, const struct compare_side *new,
		 const struct compare_opts *o, json_t **out)
{
	struct compare_side bs = *base, ns = *new;
	json_t *cases = json_array(), *diffs = json_array();
	json_t *counts = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "regressed", 0,
				   "improved", 0, "unchanged", 0, "missing", 0, "insufficient data",
				   0, "not judged", 0, "baseline", 0);
	const char *hb, *hn;
	json_t *bc;
	size_t i;
	int ret = 0;

	*out = NULL;
	if (strcmp(base->run->platform, new->run->platform)) {
		json_array_append_new(diffs,
				      json_pack("{s:s, s:s, s:s}", "key", "platform", "base",
						base->run->platform, "new", new->run->platform));
		identity_diff(json_object_get(base->run->run, "platform_identity"),
			      json_object_get(new->run->run, "platform_identity"), "", diffs);
		if (!o->cross_platform) {
			vpb_err("compare: %s is platform '%s', %s is '%s' (add --cross-platform to "
				"compare them anyway)",
				base->run->id, base->run->platform, new->run->id,
				new->run->platform);
			ret = -EXDEV;
			goto out;
		}
	}
	if (!bs.variant && ns.variant)
		bs.variant = ns.variant;
	if (!ns.variant && bs.variant)
		ns.variant = bs.variant;
	json_array_foreach(json_object_get(base->run->summary, "cases"), i, bc) {
		json_t *nc =
			rs_find_case(new->run->summary, rs_str(bc, "suite"), rs_str(bc, "case"),
				     rs_str(bc, "device"), rs_str(bc, "point"));
		const char *v;
		json_t *d;

		if (bs.variant) {
			ret = compare_pair(&bs, bc, bs.variant, &ns, nc, ns.variant, o, cases,
					   counts);
		} else {
			json_object_foreach(json_object_get(bc, "variants"), v, d) {
				ret = compare_pair(&bs, bc, v, &ns, nc, v, o, cases, counts);
				if (ret)
					break;
			}
		}
		if (ret)
			goto out;
	}
	if (!json_array_size(cases)) {
		vpb_err("compare: %s and %s share no case%s%s", base->run->id, new->run->id,
			bs.variant ? " with variant " : "", bs.variant ? bs.variant : "");
		ret = -ENOENT;
		goto out;
	}
	*out = json_pack("{s:i, s:o, s:o, s:f, s:f, s:O, s:O, s:O}", "schema_version", 2, "base",
			 side_json(&bs), "new", side_json(&ns), "threshold_pct", o->threshold_pct,
			 "alpha", o->alpha, "platform_differences", diffs, "cases", cases, "counts",
			 counts);
	hb = rs_str(base->run->run, "harness_revision");
	hn = rs_str(new->run->run, "harness_revision");
	if (*out && strcmp(hb, hn))
		json_object_set_new(*out, "harness_revision",
				    json_pack("{s:s, s:s}", "base", hb, "new", hn));
	if (!*out)
		ret = -ENOMEM;
	else
		ret = (int)(json_integer_value(json_object_get(counts, "regressed")) +
			    json_integer_value(json_object_get(counts, "missing")));
out:
	json_decref(cases);
	json_decref(diffs);
	json_decref(counts);
	return ret;
}

static void print_text(const json_t *res)
{
	const json_t *b = json_object_get(res, "base"), *n = json_object_get(res, "new");
	const json_t *c, *d;
	json_t *pooled = json_object(); /* why -> cases judged on pooled samples */
	const char *why;
	size_t i;

	printf("base: %s (%s, clock %s)%s%s\n", rs_str(b, "run_id"), rs_str(b, "platform"),
	       *rs_str(b, "clock_label") ? rs_str(b, "clock_label") : "?",
	       *rs_str(b, "variant") ? ", variant " : "", rs_str(b, "variant"));
	printf("new:  %s (%s, clock %s)%s%s\n", rs_str(n, "run_id"), rs_str(n, "platform"),
	       *rs_str(n, "clock_label") ? rs_str(n, "clock_label") : "?",
	       *rs_str(n, "variant") ? ", variant " : "", rs_str(n, "variant"));
	json_array_foreach(json_object_get(res, "platform_differences"), i, d)
		printf("platform differs: %s: %s -> %s\n", rs_str(d, "key"), rs_str(d, "base"),
		       rs_str(d, "new"));
	d = json_object_get(res, "harness_revision");
	if (d)
		printf("harness differs: %s -> %s (a figure includes the harness's own timing "
		       "loop: "
		       "a shift may be the harness's; each run's harness_overhead_ns is its "
		       "loop)\n",
		       *rs_str(d, "base") ? rs_str(d, "base") : "?",
		       *rs_str(d, "new") ? rs_str(d, "new") : "?");
	printf("shift, %% (of the base median), 95 %% CI and p are those the verdict is based on:\n"
	       "  rounds N     N paired rounds of one run: signed-rank estimate of each round's\n"
	       "               new - base median, exact CI and p\n"
	       "  rounds N/M   two runs' round medians, N and M: Hodges-Lehmann, Moses CI,\n"
	       "               Mann-Whitney p\n"
	       "  vs ref N/M   two runs of a drifting clock: the same on each round's shift\n"
	       "               against its run's reference (a boot's level cancels)\n"
	       "  pooled       every sample of every round, as N/M (assumes independent samples)\n"
	       "n: samples; threshold %.2f %% of the base median, alpha %g\n\n",
	       rs_num(res, "threshold_pct"), rs_num(res, "alpha"));
	printf("%-36s %-20s %11s %11s %11s %10s %8s %-23s %8s %-11s %s\n", "case", "variant", "n",
	       "base med", "new med", "shift", "%", "95% CI", "p", "basis", "verdict");
	json_array_foreach(json_object_get(res, "cases"), i, c) {
		char label[160], var[80], bm[24] = "-", nm[24] = "-", sh[24] = "-", lo[24] = "",
					  hi[24] = "";
		char ci[56] = "-", pct[16] = "-", p[16] = "-", nn[24], basis[24] = "pooled";
		char verdict[64];
		const json_t *r = json_object_get(c, "rounds"), *fig = c;
		json_t *cij, *cnt;

		rs_case_label(c, label, sizeof(label));
		if (!strcmp(rs_str(c, "base_variant"), rs_str(c, "new_variant")))
			snprintf(var, sizeof(var), "%s", rs_str(c, "base_variant"));
		else
			snprintf(var, sizeof(var), "%s->%s", rs_str(c, "base_variant"),
				 rs_str(c, "new_variant"));
		snprintf(nn, sizeof(nn), "%lld/%lld",
			 (long long)json_integer_value(json_object_get(c, "base_n")),
			 (long long)json_integer_value(json_object_get(c, "new_n")));
		snprintf(verdict, sizeof(verdict), "%s", rs_str(c, "verdict"));
		if (!json_object_get(c, "basis"))
			snprintf(basis, sizeof(basis), "-"); /* nothing was tested */
		if (!strcmp(rs_str(c, "basis"), "rounds")) {
			fig = r;
			if (json_object_get(r, "n"))
				snprintf(basis, sizeof(basis), "rounds %lld",
					 (long long)json_integer_value(json_object_get(r, "n")));
			else
				snprintf(
					basis, sizeof(basis), "%s %lld/%lld",
					json_is_array(json_object_get(r, "reference")) ? "vs ref"
										       : "rounds",
					(long long)json_integer_value(json_object_get(r, "base_n")),
					(long long)json_integer_value(json_object_get(r, "new_n")));
			if (json_object_get(r, "noise_floor_pct"))
				snprintf(verdict, sizeof(verdict), "%s (noise floor %.3g %%)",
					 rs_str(c, "verdict"), rs_num(r, "noise_floor_pct"));
			else if (strcmp(rs_str(c, "verdict"), rs_str(c, "pooled_verdict")))
				snprintf(verdict, sizeof(verdict), "%s (pooled: %s)",
					 rs_str(c, "verdict"), rs_str(c, "pooled_verdict"));
		} else if (!strcmp(rs_str(c, "verdict"), "baseline")) {
			fig = NULL; /* no figure of its own is judged */
			snprintf(basis, sizeof(basis), "-");
		} else if (json_object_get(c, "basis")) {
			why = *rs_str(c, "basis_why") ? rs_str(c, "basis_why") : "not stated";
			cnt = json_object_get(pooled, why);
			json_object_set_new(pooled, why,
					    json_integer(cnt ? json_integer_value(cnt) + 1 : 1));
		}
		if (json_object_get(c, "base_median")) {
			units_format_ns(rs_num(c, "base_median"), bm, sizeof(bm));
			units_format_ns(rs_num(c, "new_median"), nm, sizeof(nm));
		}
		if (json_object_get(fig, "shift_ns")) {
			units_format_ns(rs_num(fig, "shift_ns"), sh, sizeof(sh));
			snprintf(pct, sizeof(pct), "%+.2f", rs_num(fig, "shift_pct"));
		}
		cij = json_object_get(fig, "ci95");
		if (cij) {
			units_format_ns(json_real_value(json_array_get(cij, 0)), lo, sizeof(lo));
			units_format_ns(json_real_value(json_array_get(cij, 1)), hi, sizeof(hi));
			snprintf(ci, sizeof(ci), "[%s, %s]", lo, hi);
			snprintf(p, sizeof(p), "%.2g", rs_num(fig, "p"));
		}
		printf("%-36s %-20s %11s %11s %11s %10s %8s %-23s %8s %-11s %s\n", label, var, nn,
		       bm, nm, sh, pct, ci, p, basis, verdict);
	}
	c = json_object_get(res, "counts");
	printf("\n%lld regressed, %lld improved, %lld unchanged, %lld missing, %lld insufficient "
	       "data, %lld not judged\n",
	       (long long)json_integer_value(json_object_get(c, "regressed")),
	       (long long)json_integer_value(json_object_get(c, "improved")),
	       (long long)json_integer_value(json_object_get(c, "unchanged")),
	       (long long)json_integer_value(json_object_get(c, "missing")),
	       (long long)json_integer_value(json_object_get(c, "insufficient data")),
	       (long long)json_integer_value(json_object_get(c, "not judged")));
	if (json_integer_value(json_object_get(c, "baseline")))
		printf("%lld baseline: the runs' reference, which the other variants were judged "
		       "against\n",
		       (long long)json_integer_value(json_object_get(c, "baseline")));
	json_array_foreach(json_object_get(res, "cases"), i, c)
		if (*rs_str(c, "why"))
			printf("%s: %s\n", rs_str(c, "verdict"), rs_str(c, "why"));
	json_object_foreach(pooled, why, d)
		printf("pooled (%lld case%s): %s\n", (long long)json_integer_value(d),
		       json_integer_value(d) == 1 ? "" : "s", why);
	{
		long long nf = 0;

		json_array_foreach(json_object_get(res, "cases"), i, c)
			nf += !!json_object_get(json_object_get(c, "rounds"), "noise_floor_pct");
		if (nf)
			printf("%lld case%s judged against the larger of the threshold and its "
			       "between-boot noise floor (%s)\n",
			       nf, nf == 1 ? "" : "s", rs_str(res, "noise_file"));
	}
	json_object_clear(pooled);
	json_array_foreach(json_object_get(res, "cases"), i, c) {
		const char *src = rs_str(c, "source");
		json_t *cnt;

		if (!*src)
			continue;
		cnt = json_object_get(pooled, src);
		json_object_set_new(pooled, src,
				    json_integer(cnt ? json_integer_value(cnt) + 1 : 1));
	}
	json_object_foreach(pooled, why, d)
		printf("pooled figures (%lld case%s) from %s\n", (long long)json_integer_value(d),
		       json_integer_value(d) == 1 ? "" : "s",
		       !strcmp(why, "exact samples") ? "the exact samples (<stem>.values.csv)"
		       : !strcmp(why, "samples")     ? "the per-sample CSV (to 1 ps)"
		       : !strcmp(why, "histogram")
			       ? "histogram midpoints (a run without exact samples; < 0.4 % error)"
			       : "summary.json (the run's own figures)");
	json_decref(pooled);
}

/* "DIR" or "DIR:VARIANT": a directory that exists is taken whole. */
static int parse_side(const char *arg, char *dir, size_t len, const char **variant)
{
	struct stat st;
	const char *colon;

	*variant = NULL;
	if (!stat(arg, &st) && S_ISDIR(st.st_mode)) {
		snprintf(dir, len, "%s", arg);
		return 0;
	}
	colon = strrchr(arg, ':');
	if (!colon || !colon[1] || (size_t)(colon - arg) >= len)
		return -ENOENT;
	snprintf(dir, len, "%.*s", (int)(colon - arg), arg);
	*variant = colon + 1;
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{"threshold", required_argument, NULL, 't'},
		{"alpha", required_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'j'},
		{"cross-platform", no_argument, NULL, 'x'},
		{"allow-insufficient", no_argument, NULL, 'i'},
		{"noise", required_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct compare_opts o = {.threshold_pct = 2.0, .alpha = 0.01};
	struct rs_run rb = {.run = NULL}, rn = {.run = NULL};
	struct compare_side bs = {&rb, NULL}, ns = {&rn, NULL};
	char bdir[2048], ndir[2048], npath[2100];
	bool as_json = false, allow = false;
	json_t *res = NULL, *cnt, *noise = NULL;
	const char *noise_path = NULL;
	int opt, ret, code;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			if (units_parse_double(optarg, &o.threshold_pct) || o.threshold_pct < 0) {
				vpb_err("compare: --threshold '%s': expected a percentage >= 0",
					optarg);
				return VPB_EXIT_USAGE;
			}
			break;
		case 'a':
			if (units_parse_double(optarg, &o.alpha) || o.alpha <= 0 || o.alpha >= 1) {
				vpb_err("compare: --alpha '%s': expected a number in (0, 1)",
					optarg);
				return VPB_EXIT_USAGE;
			}
			break;
		case 'j':
			as_json = true;
			break;
		case 'x':
			o.cross_platform = true;
			break;
		case 'i':
			allow = true;
			break;
		case 'n':
			noise_path = optarg;
			break;
		case 'h':
			compare_usage(stdout);
			return VPB_EXIT_OK;
		default:
			compare_usage(stderr);
			return VPB_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		vpb_err("compare: expected BASE and NEW run directories");
		compare_usage(stderr);
		return VPB_EXIT_USAGE;
	}
	if (parse_side(argv[optind], bdir, sizeof(bdir), &bs.variant) ||
	    parse_side(argv[optind + 1], ndir, sizeof(ndir), &ns.variant)) {
		vpb_err("compare: '%s' is not a run directory (or RUN:VARIANT)",
			parse_side(argv[optind], bdir, sizeof(bdir), &bs.variant)
				? argv[optind]
				: argv[optind + 1]);
		return VPB_EXIT_USAGE;
	}
	/* every problem with either run is named on stderr as it is found */
	if (rs_load(bdir, &rb) || rs_load(ndir, &rn) || json_array_size(rb.problems) ||
	    json_array_size(rn.problems)) {
		code = VPB_EXIT_USAGE;
		goto out;
	}
	if (!noise_path && drifts(&rb) && !same_run(&rb, &rn))
		noise_path = platform_noise(bdir, npath, sizeof(npath));
	if (noise_path && strcmp(noise_path, "none")) {
		noise = load_noise(noise_path);
		if (!noise) {
			code = VPB_EXIT_USAGE;
			goto out;
		}
		o.noise = noise;
	}
	ret = compare_runs(&bs, &ns, &o, &res);
	if (ret < 0) {
		code = ret == -ENOMEM ? VPB_EXIT_FAIL : VPB_EXIT_USAGE;
		goto out;
	}
	if (noise)
		json_object_set_new(res, "noise_file", json_string(noise_path));
	if (as_json) {
		json_dumpf(res, stdout,
			   JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
		putchar('\n');
	} else {
		print_text(res);
	}
	if (json_array_size(rb.problems) || json_array_size(rn.problems)) {
		code = VPB_EXIT_USAGE; /* a file read while comparing was corrupt */
		goto out;
	}
	cnt = json_object_get(res, "counts");
	if (!allow)
		ret += (int)(json_integer_value(json_object_get(cnt, "insufficient data")) +
			     json_integer_value(json_object_get(cnt, "not judged")));
	code = ret > 0 ? VPB_EXIT_FAIL : VPB_EXIT_OK;
out:
	json_decref(res);
	json_decref(noise);
	rs_free(&rb);
	rs_free(&rn);
	return code;
}
