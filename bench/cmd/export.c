// SPDX-License-Identifier: GPL-2.0
/*
 * export.c - `vfio-pm-bench export --format FMT`: a run's figures in the
 * formats other tools ingest (results/EXPORTS.md documents each, with the
 * owner's field rules it follows):
 *   metrics  metrics.csv (the flat file every run directory holds)
 *   kcidb    KernelCI's KCIDB I/O schema v5.3: checkout, builds, tests
 *   bmf      bencher's Metric Format
 *   lava     lava-test-case commands, one per figure (lava/vfio-pm-bench.yaml)
 *   lkp      for two runs: compare's figures as an LKP %change table
 * Every figure is metrics_figures()'s (summary.json's own), and the lkp
 * table prints compare_runs()'s shifts: nothing is computed again here.
 */
#include "cmd.h"
#include "common.h"
#include "metrics.h"
#include "report.h"
#include "results.h"
#include "resultset.h"
#include "units.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KCIDB_ORIGIN "vfio_pm_bench"

static void export_usage(FILE *f)
{
	fprintf(f,
		"usage: vfio-pm-bench export --format metrics|kcidb|bmf|lava RUN [-o FILE]\n"
		"       vfio-pm-bench export --format lkp BASE NEW [-o FILE] [compare options]\n\n"
		"Writes a run's figures (summary.json's, one per case, device, variant and\n"
		"statistic: median, p99, entry_median, entry_p99, shift, shift_rounds) for\n"
		"other tools; results/EXPORTS.md documents every format.\n"
		"  metrics  metrics.csv, as every run directory holds it (one row per figure:\n"
		"           name, value, unit, CI, n, clock, variant, device)\n"
		"  kcidb    KCIDB I/O schema v5.3 (KernelCI): a checkout (the kernel), a build\n"
		"           per variant, a test per figure with its number {value, unit: s,\n"
		"           prefix: metric}; platform and kernel in misc. Submit with\n"
		"           'kcidb-submit' (README.md)\n"
		"  bmf      bencher Metric Format: a benchmark per case, device and variant,\n"
		"           a measure per statistic, the 95 %% CI as lower/upper value (ns)\n"
		"  lava     one 'lava-test-case NAME --result pass|fail --measurement X\n"
		"           --units ns' line per figure, for a LAVA test definition to run\n"
		"           (pass: a value, and the run complete)\n"
		"  lkp      BASE against NEW as compare judges them (the same shifts, CIs and\n"
		"           verdicts), in LKP's '%%stddev %%change %%stddev' layout\n\n"
		"  -f, --format FMT      the format (required)\n"
		"  -o, --output FILE     write FILE (atomically) instead of stdout\n"
		"      --origin NAME     kcidb: the submitting CI system ([a-z0-9_]+, default "
		"%s)\n"
		"  lkp takes compare's --threshold, --alpha and --cross-platform.\n\n"
		"Exit: 0 written; 1 cannot write; 2 usage or a run that cannot be read.\n",
		KCIDB_ORIGIN);
}

/* ---- kcidb --------------------------------------------------------------- */

static json_t *kernel_misc(const struct rs_run *r)
{
	const json_t *k = json_object_get(json_object_get(r->run, "platform_identity"), "kernel");
	json_t *m = json_object();

	if (*rs_str(k, "release"))
		json_object_set_new(m, "release", json_string(rs_str(k, "release")));
	if (*rs_str(k, "version"))
		json_object_set_new(m, "version", json_string(rs_str(k, "version")));
	if (*rs_str(k, "cmdline"))
		json_object_set_new(m, "cmdline", json_string(rs_str(k, "cmdline")));
	if (*rs_str(k, "config_hash"))
		json_object_set_new(m, "config_hash", json_string(rs_str(k, "config_hash")));
	if (json_is_object(json_object_get(r->run, "base")))
		json_object_set(m, "base", json_object_get(r->run, "base"));
	return m;
}

/* The platform, without nulls (KCIDB: no property can be null). */
static json_t *platform_misc(const struct rs_run *r)
{
	json_t *flat = json_object(), *m = json_object(), *v;
	const char *k;

	rs_flatten(json_object_get(r->run, "platform_identity"), "", flat);
	json_object_set_new(m, "slug", json_string(r->platform));
	json_object_foreach(flat, k, v) {
		if (json_is_string(v) && strcmp(json_string_value(v), "null"))
			json_object_set(m, k, v);
	}
	json_decref(flat);
	return m;
}

/* The variants of the run: run.json's, else those the cases name. */
static json_t *run_variants(const struct rs_run *r)
{
	json_t *out = json_object(), *x, *c, *d;
	const char *v;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(r->run, "options"), "variants"), i, x) {
		json_object_set_new(out, rs_str(x, "name"), json_string(rs_str(x, "modules")));
	}
	json_array_foreach(json_object_get(r->summary, "cases"), i, c) {
		json_object_foreach(json_object_get(c, "variants"), v, d) {
			if (!json_object_get(out, v))
				json_object_set_new(out, v, json_string(""));
		}
	}
	return out;
}

static int export_kcidb(struct rs_run *r, const json_t *figs, const char *origin, json_t **out)
{
	char id[1024], start[32], path[1024], fid[512];
	json_t *builds = json_array(), *tests = json_array(), *vars = run_variants(r), *x, *m;
	json_t *checkout, *kmisc = kernel_misc(r), *pmisc = platform_misc(r);
	const char *v, *status = rs_str(r->run, "status");
	const char *base = rs_str(json_object_get(r->run, "base"), "name");
	struct strbuf kw = STRBUF_INIT;
	size_t i;

	if (!strcmp(rs_run_start(r->run, r->id, start, sizeof(start)), "guest clock"))
		start[0] = '\0';
	report_kernel(r->run, &kw);
	/* the kernel measured: one checkout per run (its source is a pinned package) */
	snprintf(id, sizeof(id), "%s:%s/%s", origin, r->platform, r->id);
	checkout = json_pack("{s:s, s:s, s:s, s:b, s:{s:s, s:s, s:O, s:O}}", "id", id, "origin",
			     origin, "comment", sb_str(&kw), "valid", true, "misc", "platform",
			     r->platform, "run_id", r->id, "kernel", kmisc, "platform_identity",
			     pmisc);
	json_object_set_new(checkout, "tree_name", json_string(base[0] ? base : "unknown"));
	if (start[0])
		json_object_set_new(checkout, "start_time", json_string(start));
	json_object_foreach(vars, v, x) {
		char bid[1200];
		json_t *b;

		snprintf(bid, sizeof(bid), "%s/%s", id, v);
		b = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}}", "id", bid,
			      "checkout_id", id, "origin", origin, "architecture", "x86_64",
			      "config_name", v, "status", "PASS", "misc", "variant", v, "modules",
			      json_string_value(x), "harness_revision",
			      rs_str(r->run, "harness_revision"));
		if (start[0])
			json_object_set_new(b, "start_time", json_string(start));
		json_array_append_new(builds, b);
	}
	json_array_foreach(figs, i, x) {
		char bid[2048], dev[64], pt[64], st[64], cs[128], su[64];
		const json_t *val = json_object_get(x, "value");
		json_t *t;

		metrics_id(x, fid, sizeof(fid));
		metrics_safe(rs_str(x, "suite"), su, sizeof(su));
		metrics_safe(rs_str(x, "case"), cs, sizeof(cs));
		metrics_safe(rs_str(x, "device")[0] ? rs_str(x, "device") : "nodev", dev,
			     sizeof(dev));
		metrics_safe(rs_str(x, "point"), pt, sizeof(pt));
		metrics_safe(rs_str(x, "stat"), st, sizeof(st));
		snprintf(path, sizeof(path), "%s.%s.%s%s%s.%s.%s", KCIDB_ORIGIN, su, cs,
			 pt[0] ? "." : "", pt, dev, st);
		snprintf(bid, sizeof(bid), "%s/%s", id, rs_str(x, "variant"));
		m = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s}",
			      "platform", r->platform, "run_id", r->id, "kernel", sb_str(&kw),
			      "clock", rs_str(x, "clock"), "variant", rs_str(x, "variant"),
			      "device", rs_str(x, "device"), "figure", rs_str(x, "name"),
			      "unit_in_summary", "ns", "n",
			      json_integer_value(json_object_get(x, "n")), "run_status", status,
			      "harness_revision", rs_str(r->run, "harness_revision"), "source",
			      "summary.json");
		t = json_pack("{s:s, s:s, s:s, s:s, s:{s:s}, s:o}", "id", "", "build_id", bid,
			      "origin", origin, "path", path, "environment", "comment", r->platform,
			      "misc", m);
		snprintf(bid, sizeof(bid), "%s/%s", id, fid);
		json_object_set_new(t, "id", json_string(bid));
		if (json_is_number(val)) {
			json_object_set_new(t, "status", json_string("DONE"));
			json_object_set_new(t, "number",
					    json_pack("{s:f, s:s, s:s}", "value",
						      json_number_value(val) / 1e9, "unit", "s",
						      "prefix", "metric"));
			if (json_is_number(json_object_get(x, "ci_lo")))
				json_object_set_new(m, "ci95_s",
						    json_pack("[f, f]", rs_num(x, "ci_lo") / 1e9,
							      rs_num(x, "ci_hi") / 1e9));
		} else {
			/* no valid sample: the figure was not produced */
			json_object_set_new(t, "status", json_string("SKIP"));
			json_object_set_new(m, "why", json_string(rs_str(x, "why")));
		}
		if (start[0])
			json_object_set_new(t, "start_time", json_string(start));
		json_array_append_new(tests, t);
	}
	*out = json_pack("{s:{s:i, s:i}, s:[o], s:o, s:o}", "version", "major", 5, "minor", 3,
			 "checkouts", checkout, "builds", builds, "tests", tests);
	json_decref(vars);
	json_decref(kmisc);
	json_decref(pmisc);
	sb_release(&kw);
	return *out ? 0 : -ENOMEM;
}

/* ---- bmf ---------------------------------------------------------------- */

static int export_bmf(struct rs_run *r, const json_t *figs, json_t **out)
{
	json_t *x;
	size_t i;

	*out = json_object();
	json_array_foreach(figs, i, x) {
		char bench[1024], measure[80];
		const char *pt = rs_str(x, "point");
		json_t *b, *m;

		if (!json_is_number(json_object_get(x, "value")))
			continue; /* BMF requires a value */
		snprintf(bench, sizeof(bench), "%s/%s.%s%s%s/%s/%s", r->platform,
			 rs_str(x, "suite"), rs_str(x, "case"), pt[0] ? "." : "", pt,
			 rs_str(x, "device")[0] ? rs_str(x, "device") : "-", rs_str(x, "variant"));
		/* a measure's slug: at most 64 characters */
		snprintf(measure, sizeof(measure), "%s-ns", rs_str(x, "stat"));
		b = json_object_get(*out, bench);
		if (!b) {
			b = json_object();
			json_object_set_new(*out, bench, b);
		}
		m = json_pack("{s:f}", "value", rs_num(x, "value"));
		if (json_is_number(json_object_get(x, "ci_lo"))) {
			json_object_set_new(m, "lower_value", json_real(rs_num(x, "ci_lo")));
			json_object_set_new(m, "upper_value", json_real(rs_num(x, "ci_hi")));
		}
		json_object_set_new(b, measure, m);
	}
	return 0;
}

/* ---- lava --------------------------------------------------------------- */

static void export_lava(struct rs_run *r, const json_t *figs, FILE *f)
{
	bool complete = !strcmp(rs_str(r->run, "status"), "complete");
	json_t *x;
	size_t i;

	fprintf(f, "lava-test-case run-status --result %s\n", complete ? "pass" : "fail");
	json_array_foreach(figs, i, x) {
		char id[512], v[64];

		metrics_id(x, id, sizeof(id));
		metrics_num(json_object_get(x, "value"), v, sizeof(v));
		if (v[0])
			fprintf(f, "lava-test-case %s --result %s --measurement %s --units ns\n",
				id, complete ? "pass" : "fail", v);
		else
			fprintf(f, "lava-test-case %s --result fail\n", id);
	}
}

/* ---- lkp ---------------------------------------------------------------- */

/* The stddev of a side's variant in % of its mean, as summary.md prints it. */
static void stddev_cell(const struct rs_run *r, const json_t *c, const char *v, char *buf,
			size_t len)
{
	const json_t *rc = rs_find_case(r->summary, rs_str(c, "suite"), rs_str(c, "case"),
					rs_str(c, "device"), rs_str(c, "point"));
	const json_t *d = json_object_get(json_object_get(rc, "variants"), v);
	double mean = rs_num(d, "mean"), sd = rs_num(d, "stddev");
	long pct = mean > 0 && !isnan(sd) ? lround(100 * sd / mean) : 0;

	if (pct > 0)
		snprintf(buf, len, " \xc2\xb1%3ld%%", pct);
	else
		snprintf(buf, len, "      ");
}

/* A median as summary.json stores it (10 significant digits), "-" without one. */
static void lkp_num(double v, struct strbuf *out)
{
	if (isnan(v))
		sb_puts(out, "-");
	else
		sb_printf(out, "%.10g", v);
}

static void export_lkp(struct rs_run *rb, struct rs_run *rn, const json_t *res, FILE *f)
{
	const json_t *c;
	size_t i;

	fprintf(f,
		"vfio-pm-bench compare, in the LKP layout: %%change is compare's shift (of the "
		"base median),\nthe value each side's median, %%stddev its stddev / mean "
		"(summary.json); after the\nname: compare's 95 %% CI of the shift, p, basis "
		"and verdict (threshold %.2f %%, alpha %g)\n\n",
		rs_num(res, "threshold_pct"), rs_num(res, "alpha"));
	fprintf(f, "base: %s (%s, clock %s)\nnew:  %s (%s, clock %s)\n\n", rb->id, rb->platform,
		rb->clock_label[0] ? rb->clock_label : "?", rn->id, rn->platform,
		rn->clock_label[0] ? rn->clock_label : "?");
	fprintf(f, "%-16s %-27s\n", rb->id, rn->id);
	fprintf(f, "---------------- --------------------------- \n");
	fprintf(f, "         %%stddev     %%change         %%stddev\n");
	fprintf(f, "             \\          |                \\  \n");
	json_array_foreach(json_object_get(res, "cases"), i, c) {
		const json_t *fig = c;
		struct strbuf bm = STRBUF_INIT, nm = STRBUF_INIT;
		char bsd[32], nsd[32], chg[24] = "", ci[96] = "", var[80], name[400], dev[64];
		double div = report_unit_div(c);
		const json_t *cij;

		if (!strcmp(rs_str(c, "basis"), "rounds"))
			fig = json_object_get(c, "rounds");
		lkp_num(json_object_get(c, "base_median") ? rs_num(c, "base_median") / div : NAN,
			&bm);
		lkp_num(json_object_get(c, "new_median") ? rs_num(c, "new_median") / div : NAN,
			&nm);
		stddev_cell(rb, c, rs_str(c, "base_variant"), bsd, sizeof(bsd));
		stddev_cell(rn, c, rs_str(c, "new_variant"), nsd, sizeof(nsd));
		if (json_object_get(fig, "shift_pct"))
			snprintf(chg, sizeof(chg), "%+.2f%%", rs_num(fig, "shift_pct"));
		cij = json_object_get(fig, "ci95");
		if (json_array_size(cij) == 2 && rs_num(c, "base_median") != 0 &&
		    !isnan(rs_num(c, "base_median"))) {
			double bmed = rs_num(fig, "base_median");

			if (isnan(bmed))
				bmed = rs_num(c, "base_median");
			snprintf(ci, sizeof(ci), "[%+.2f%%, %+.2f%%] p=%.2g ",
				 100 * json_number_value(json_array_get(cij, 0)) / bmed,
				 100 * json_number_value(json_array_get(cij, 1)) / bmed,
				 rs_num(fig, "p"));
		}
		if (!strcmp(rs_str(c, "base_variant"), rs_str(c, "new_variant")))
			snprintf(var, sizeof(var), "%s", rs_str(c, "base_variant"));
		else
			snprintf(var, sizeof(var), "%s-vs-%s", rs_str(c, "base_variant"),
				 rs_str(c, "new_variant"));
		snprintf(dev, sizeof(dev), "%s", rs_str(c, "device"));
		snprintf(name, sizeof(name), "%s.%s%s%s%s%s.%s.median_%s", rs_str(c, "suite"),
			 rs_str(c, "case"), dev[0] ? "." : "", dev,
			 rs_str(c, "point")[0] ? "." : "", rs_str(c, "point"), var, report_unit(c));
		fprintf(f, "%10s%s %10s %10s%s  %s  %s%s%s\n", sb_str(&bm), bsd, chg, sb_str(&nm),
			nsd, name, ci,
			json_object_get(c, "basis")
				? (strcmp(rs_str(c, "basis"), "rounds") ? "pooled " : "rounds ")
				: "",
			rs_str(c, "verdict"));
		sb_release(&bm);
		sb_release(&nm);
	}
}

/* ---- the command -------------------------------------------------------- */

static int load_run(const char *dir, struct rs_run *r)
{
	if (rs_load(dir, r) || json_array_size(r->problems) || !r->summary) {
		if (!r->summary && !json_array_size(r->problems))
			vpb_err("export: %s: no summary.json", dir);
		return -EINVAL;
	}
	return 0;
}

static int dump_json(const json_t *j, FILE *f)
{
	return json_dumpf(j, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) ||
			       fputc('\n', f) == EOF
		       ? -EIO
		       : 0;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"origin", required_argument, NULL, 'O'},
		{"threshold", required_argument, NULL, 't'},
		{"alpha", required_argument, NULL, 'a'},
		{"cross-platform", no_argument, NULL, 'x'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct compare_opts co = {.threshold_pct = 2.0, .alpha = 0.01};
	const char *fmt = NULL, *output = NULL, *origin = KCIDB_ORIGIN;
	struct rs_run r = {.run = NULL}, rn = {.run = NULL};
	struct results_file rf = {.f = NULL};
	json_t *figs = NULL, *doc = NULL, *res = NULL;
	FILE *f = stdout;
	int opt, code = VPB_EXIT_USAGE, nargs;
	bool lkp;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			fmt = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'O':
			origin = optarg;
			if (!origin[0] || strspn(origin, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
						  strlen(origin)) {
				vpb_err("export: --origin '%s': KCIDB wants [a-z0-9_]+", origin);
				return VPB_EXIT_USAGE;
			}
			break;
		case 't':
			if (units_parse_double(optarg, &co.threshold_pct) || co.threshold_pct < 0) {
				vpb_err("export: --threshold '%s': expected a percentage >= 0",
					optarg);
				return VPB_EXIT_USAGE;
			}
			break;
		case 'a':
			if (units_parse_double(optarg, &co.alpha) || co.alpha <= 0 ||
			    co.alpha >= 1) {
				vpb_err("export: --alpha '%s': expected a number in (0, 1)",
					optarg);
				return VPB_EXIT_USAGE;
			}
			break;
		case 'x':
			co.cross_platform = true;
			break;
		case 'h':
			export_usage(stdout);
			return VPB_EXIT_OK;
		default:
			export_usage(stderr);
			return VPB_EXIT_USAGE;
		}
	}
	if (!fmt) {
		vpb_err("export: --format is required (metrics, kcidb, bmf, lava or lkp)");
		export_usage(stderr);
		return VPB_EXIT_USAGE;
	}
	if (strcmp(fmt, "metrics") && strcmp(fmt, "kcidb") && strcmp(fmt, "bmf") &&
	    strcmp(fmt, "lava") && strcmp(fmt, "lkp")) {
		vpb_err("export: unknown format '%s' (metrics, kcidb, bmf, lava or lkp)", fmt);
		return VPB_EXIT_USAGE;
	}
	lkp = !strcmp(fmt, "lkp");
	nargs = lkp ? 2 : 1;
	if (argc - optind != nargs) {
		vpb_err("export: --format %s takes %s", fmt,
			lkp ? "two run directories, BASE and NEW" : "one run directory");
		export_usage(stderr);
		return VPB_EXIT_USAGE;
	}
	/* every problem with a run is named on stderr as it is found */
	if (load_run(argv[optind], &r) || (lkp && load_run(argv[optind + 1], &rn)))
		goto out;
	if (lkp) {
		struct compare_side bs = {&r, NULL}, ns = {&rn, NULL};
		int ret = compare_runs(&bs, &ns, &co, &res);

		if (ret < 0) {
			code = ret == -ENOMEM ? VPB_EXIT_FAIL : VPB_EXIT_USAGE;
			goto out;
		}
		if (json_array_size(r.problems) || json_array_size(rn.problems))
			goto out; /* a file read while comparing was corrupt */
	} else {
		figs = metrics_figures(r.summary, r.clock_label);
		if (!figs) {
			code = VPB_EXIT_FAIL;
			goto out;
		}
	}
	if (output) {
		if (results_open(&rf, output)) {
			code = VPB_EXIT_FAIL;
			goto out;
		}
		f = rf.f;
	}
	code = VPB_EXIT_OK;
	if (!strcmp(fmt, "metrics")) {
		if (metrics_write_csv(f, figs))
			code = VPB_EXIT_FAIL;
	} else if (!strcmp(fmt, "kcidb")) {
		if (export_kcidb(&r, figs, origin, &doc) || dump_json(doc, f))
			code = VPB_EXIT_FAIL;
	} else if (!strcmp(fmt, "bmf")) {
		if (export_bmf(&r, figs, &doc) || dump_json(doc, f))
			code = VPB_EXIT_FAIL;
	} else if (!strcmp(fmt, "lava")) {
		export_lava(&r, figs, f);
	} else {
		export_lkp(&r, &rn, res, f);
	}
	if (output) {
		if (code == VPB_EXIT_OK && !ferror(f)) {
			if (results_commit(&rf))
				code = VPB_EXIT_FAIL;
		} else {
			results_abort(&rf);
			code = VPB_EXIT_FAIL;
		}
	} else if (fflush(stdout) || ferror(stdout)) {
		code = VPB_EXIT_FAIL;
	}
out:
	json_decref(figs);
	json_decref(doc);
	json_decref(res);
	rs_free(&r);
	rs_free(&rn);
	return code;
}
