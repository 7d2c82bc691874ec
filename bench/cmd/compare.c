// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c - `vfio-pm-bench compare BASE NEW`: for every case two runs (or
 * two variants of one run) share, the Hodges-Lehmann shift with its Moses
 * 95 % interval, the Mann-Whitney p-value and a verdict.
 */
#include "cmd.h"
#include "common.h"
#include "resultset.h"
#include "stats.h"
#include "units.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MIN_SAMPLES 10

static void compare_usage(FILE *f)
{
	fprintf(f,
		"usage: vfio-pm-bench compare BASE NEW [--threshold PCT] [--alpha A] [--json]\n"
		"                             [--cross-platform]\n\n"
		"BASE and NEW are run directories (results/<platform>/<run-id>), each optionally\n"
		"followed by ':VARIANT' to take one variant: 'RUN:no-get RUN:upstream' compares\n"
		"two variants of one run, 'OLD:upstream NEW' compares upstream in both runs.\n"
		"Without a variant, every variant both runs have is compared with itself.\n\n"
		"For every case both share: the shift of NEW against BASE (Hodges-Lehmann, with\n"
		"its distribution-free Moses 95 %% interval) and the Mann-Whitney p-value, on the\n"
		"per-sample CSV when the run kept one, else on the stored histogram (each sample\n"
		"at its bucket's midpoint, < 0.4 %% error). A case is regressed (NEW slower) or\n"
		"improved when p < alpha AND |shift| > PCT %% of BASE's median AND the interval\n"
		"excludes 0; 'insufficient data' below %d valid samples on a side.\n\n"
		"  --threshold PCT    smallest shift that counts, %% of the base median (default "
		"2)\n"
		"  --alpha A          significance level (default 0.01)\n"
		"  --json             print the comparison as JSON\n"
		"  --cross-platform   allow runs of different platforms; prints what differs\n\n"
		"Exit: 0 no regression, 1 regression (or an error), 2 usage.\n",
		MIN_SAMPLES);
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

int compare_samples(const double *a, size_t na, const double *b, size_t nb,
		    const struct compare_opts *o, json_t **out)
{
	struct stats_ci ci;
	struct stats_mwu mwu;
	const char *verdict = "insufficient data";
	json_t *j = json_object();

	if (!j)
		return -ENOMEM;
	json_object_set_new(j, "base_n", json_integer((json_int_t)na));
	json_object_set_new(j, "new_n", json_integer((json_int_t)nb));
	if (na >= MIN_SAMPLES && nb >= MIN_SAMPLES) {
		double bm = median_of(a, na), nm = median_of(b, nb);
		double hl = stats_hodges_lehmann(a, na, b, nb);
		int rc = stats_hl_moses_ci(a, na, b, nb, 0.95, &ci);
		int rm = stats_mann_whitney(a, na, b, nb, &mwu);

		if (rc == -ENOMEM || rm == -ENOMEM || isnan(hl) || isnan(bm)) {
			json_decref(j);
			return -ENOMEM;
		}
		json_object_set_new(j, "base_median", json_real(bm));
		json_object_set_new(j, "new_median", json_real(nm));
		json_object_set_new(j, "shift_ns", json_real(hl));
		json_object_set_new(j, "shift_pct", json_real(bm ? 100.0 * hl / bm : 0.0));
		if (!rc && !rm) {
			bool excl = ci.lo > 0 || ci.hi < 0;
			bool big = fabs(hl) > o->threshold_pct / 100.0 * fabs(bm);

			json_object_set_new(j, "ci95", json_pack("[f, f]", ci.lo, ci.hi));
			json_object_set_new(j, "p", json_real(mwu.p));
			if (mwu.p < o->alpha && big && excl)
				verdict = hl > 0 ? "regressed" : "improved";
			else
				verdict = "unchanged";
		}
	}
	json_object_set_new(j, "verdict", json_string(verdict));
	*out = j;
	return 0;
}

/* What differs between two platform identities, one string per key path. */
static void identity_diff(const json_t *a, const json_t *b, const char *prefix, json_t *out)
{
	const char *key;
	json_t *va;

	if (json_is_object(a) && json_is_object(b)) {
		json_object_foreach((json_t *)a, key, va)
		{
			char path[256];

			snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "", key);
			identity_diff(va, json_object_get(b, key), path, out);
		}
		json_object_foreach((json_t *)b, key, va)
		{
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

static int compare_pair(struct compare_side *bs, const json_t *bc, const char *bv,
			struct compare_side *ns, const json_t *nc, const char *nv,
			const struct compare_opts *o, json_t *cases, json_t *counts)
{
	double *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	const char *srca = "", *srcb = "";
	json_t *j = NULL, *cnt;
	int ret = 0;

	if (!json_object_get(json_object_get(bc, "variants"), bv) ||
	    !json_object_get(json_object_get(nc, "variants"), nv))
		return 0;
	if (rs_case_values(bs->run, bc, bv, &a, &na, &srca) == -ENOMEM ||
	    rs_case_values(ns->run, nc, nv, &b, &nb, &srcb) == -ENOMEM) {
		ret = -ENOMEM;
		goto out;
	}
	ret = compare_samples(a, na, b, nb, o, &j);
	if (ret)
		goto out;
	json_object_set_new(j, "suite", json_string(rs_str(bc, "suite")));
	json_object_set_new(j, "case", json_string(rs_str(bc, "case")));
	json_object_set_new(j, "device", json_string(rs_str(bc, "device")));
	json_object_set_new(j, "point", json_string(rs_str(bc, "point")));
	json_object_set_new(j, "base_variant", json_string(bv));
	json_object_set_new(j, "new_variant", json_string(nv));
	json_object_set_new(j, "source",
			    json_string(!strcmp(srca, "samples") && !strcmp(srcb, "samples")
						? "samples"
						: "histogram"));
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
	json_t *counts = json_pack("{s:i, s:i, s:i, s:i}", "regressed", 0, "improved", 0,
				   "unchanged", 0, "insufficient data", 0);
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
	json_array_foreach(json_object_get(base->run->summary, "cases"), i, bc)
	{
		json_t *nc =
			rs_find_case(new->run->summary, rs_str(bc, "suite"), rs_str(bc, "case"),
				     rs_str(bc, "device"), rs_str(bc, "point"));
		const char *v;
		json_t *d;

		if (!nc)
			continue;
		if (bs.variant) {
			ret = compare_pair(&bs, bc, bs.variant, &ns, nc, ns.variant, o, cases,
					   counts);
		} else {
			json_object_foreach(json_object_get(bc, "variants"), v, d)
			{
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
	*out = json_pack("{s:i, s:o, s:o, s:f, s:f, s:O, s:O, s:O}", "schema_version", 1, "base",
			 side_json(&bs), "new", side_json(&ns), "threshold_pct", o->threshold_pct,
			 "alpha", o->alpha, "platform_differences", diffs, "cases", cases, "counts",
			 counts);
	if (!*out)
		ret = -ENOMEM;
	else
		ret = (int)json_integer_value(json_object_get(counts, "regressed"));
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
	printf("shift = Hodges-Lehmann of new - base with its 95 %% Moses CI; p = Mann-Whitney;\n"
	       "threshold %.2f %% of the base median, alpha %g\n\n",
	       rs_num(res, "threshold_pct"), rs_num(res, "alpha"));
	printf("%-36s %-20s %11s %11s %11s %10s %8s %-23s %8s  %s\n", "case", "variant", "n",
	       "base med", "new med", "shift", "%", "95% CI", "p", "verdict");
	json_array_foreach(json_object_get(res, "cases"), i, c)
	{
		char label[160], var[80], bm[24] = "-", nm[24] = "-", sh[24] = "-", lo[24] = "",
					  hi[24] = "";
		char ci[56] = "-", pct[16] = "-", p[16] = "-", nn[24];
		json_t *cij = json_object_get(c, "ci95");

		rs_case_label(c, label, sizeof(label));
		if (!strcmp(rs_str(c, "base_variant"), rs_str(c, "new_variant")))
			snprintf(var, sizeof(var), "%s", rs_str(c, "base_variant"));
		else
			snprintf(var, sizeof(var), "%s->%s", rs_str(c, "base_variant"),
				 rs_str(c, "new_variant"));
		snprintf(nn, sizeof(nn), "%lld/%lld",
			 (long long)json_integer_value(json_object_get(c, "base_n")),
			 (long long)json_integer_value(json_object_get(c, "new_n")));
		if (json_object_get(c, "base_median")) {
			units_format_ns(rs_num(c, "base_median"), bm, sizeof(bm));
			units_format_ns(rs_num(c, "new_median"), nm, sizeof(nm));
			units_format_ns(rs_num(c, "shift_ns"), sh, sizeof(sh));
			snprintf(pct, sizeof(pct), "%+.2f", rs_num(c, "shift_pct"));
		}
		if (cij) {
			units_format_ns(json_real_value(json_array_get(cij, 0)), lo, sizeof(lo));
			units_format_ns(json_real_value(json_array_get(cij, 1)), hi, sizeof(hi));
			snprintf(ci, sizeof(ci), "[%s, %s]", lo, hi);
			snprintf(p, sizeof(p), "%.2g", rs_num(c, "p"));
		}
		printf("%-36s %-20s %11s %11s %11s %10s %8s %-23s %8s  %s\n", label, var, nn, bm,
		       nm, sh, pct, ci, p, rs_str(c, "verdict"));
	}
	c = json_object_get(res, "counts");
	printf("\n%lld regressed, %lld improved, %lld unchanged, %lld insufficient data\n",
	       (long long)json_integer_value(json_object_get(c, "regressed")),
	       (long long)json_integer_value(json_object_get(c, "improved")),
	       (long long)json_integer_value(json_object_get(c, "unchanged")),
	       (long long)json_integer_value(json_object_get(c, "insufficient data")));
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
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct compare_opts o = {.threshold_pct = 2.0, .alpha = 0.01};
	struct rs_run rb = {.run = NULL}, rn = {.run = NULL};
	struct compare_side bs = {&rb, NULL}, ns = {&rn, NULL};
	char bdir[2048], ndir[2048];
	bool as_json = false;
	json_t *res = NULL;
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
	if (rs_load(bdir, &rb) || rs_load(ndir, &rn) || !rb.summary || !rn.summary) {
		vpb_err("compare: cannot compare without both summary.json files");
		code = VPB_EXIT_USAGE;
		goto out;
	}
	ret = compare_runs(&bs, &ns, &o, &res);
	if (ret < 0) {
		code = ret == -EXDEV || ret == -ENOENT ? VPB_EXIT_USAGE : VPB_EXIT_FAIL;
		goto out;
	}
	if (as_json) {
		json_dumpf(res, stdout,
			   JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
		putchar('\n');
	} else {
		print_text(res);
	}
	code = ret > 0 ? VPB_EXIT_FAIL : VPB_EXIT_OK;
out:
	json_decref(res);
	rs_free(&rb);
	rs_free(&rn);
	return code;
}
