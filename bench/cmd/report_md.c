// SPDX-License-Identifier: GPL-2.0
/*
 * report_md.c - report/summary.md: fixed-width tables for mailing lists,
 * in the LKP layout (base, %change, new). Every case a variant measured is
 * kept: where the reference has no valid sample (the wake latencies, the
 * cases in low power) the row gives the absolute figures and no shift; a
 * run without the reference variant gets absolute tables only. The
 * low-power entry latencies follow, from the cycles' own rows.
 */
#include "report.h"
#include "common.h"
#include "results.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "552.9 +- 1%" of a distribution, or "-" when it has no median. */
static void value_cell(const json_t *c, const json_t *d, struct strbuf *out)
{
	double m = rs_num(d, "median"), mean = rs_num(d, "mean"), sd = rs_num(d, "stddev");

	if (isnan(m)) {
		sb_puts(out, "-");
		return;
	}
	report_num(m / report_unit_div(c), out);
	if (mean > 0 && !isnan(sd))
		sb_printf(out, " +-%.0f%%", 100 * sd / mean);
}

static void change_cell(const json_t *s, double base, struct strbuf *out)
{
	const json_t *ci = json_object_get(s, "hl_ci95");

	if (isnan(base)) {
		sb_puts(out, "(no reference sample)");
		return;
	}
	if (!s || isnan(rs_num(s, "hl_shift"))) {
		sb_puts(out, "(no shift in summary.json)");
		return;
	}
	sb_printf(out, "%+.1f%%", rs_num(s, "percent_of_reference"));
	if (json_array_size(ci) == 2 && base)
		sb_printf(out, " [%+.1f,%+.1f]",
			  100 * json_number_value(json_array_get(ci, 0)) / base,
			  100 * json_number_value(json_array_get(ci, 1)) / base);
	sb_printf(out, " p=%.1g", rs_num(json_object_get(s, "mann_whitney"), "p"));
}

/* The variants of the run other than the reference, in order of appearance. */
static json_t *other_variants(const struct report *rp, bool *have_ref)
{
	json_t *vars = json_array(), *c, *d, *x;
	const char *v;
	size_t i, j;

	*have_ref = false;
	json_array_foreach(json_object_get(rp->r.summary, "cases"), i, c) {
		json_object_foreach(json_object_get(c, "variants"), v, d) {
			bool have = false;

			if (!strcmp(v, rp->r.reference)) {
				*have_ref = true;
				continue;
			}
			json_array_foreach(vars, j, x) {
				have |= !strcmp(json_string_value(x), v);
			}
			if (!have)
				json_array_append_new(vars, json_string(v));
		}
	}
	return vars;
}

/* "  <stem> (<unit>[, <state>]) n=<base>/<new> ovh=<base>/<new>"; @pair: with a base. */
static void case_tail(FILE *f, const json_t *c, bool pair, const json_t *b, const json_t *n)
{
	char stem[400];
	struct strbuf dstate = STRBUF_INIT;

	rs_case_stem(c, stem, sizeof(stem));
	report_dstate(c, &dstate);
	fprintf(f, "  %s (%s%s%s) n=", stem, report_unit(c), dstate.len ? ", " : "",
		sb_str(&dstate));
	if (pair && b)
		fprintf(f, "%.0f/", rs_num(b, "valid"));
	else if (pair)
		fprintf(f, "-/");
	fprintf(f, "%.0f ovh=", rs_num(n, "valid"));
	if (pair && b)
		fprintf(f, "%.0f/", rs_num(b, "harness_overhead_ns"));
	else if (pair)
		fprintf(f, "-/");
	fprintf(f, "%.0f\n", rs_num(n, "harness_overhead_ns"));
	sb_release(&dstate);
}

/* The reference against @nv: every case @nv measured. */
static void compare_block(FILE *f, const struct report *rp, const char *nv)
{
	struct strbuf bv = STRBUF_INIT, chg = STRBUF_INIT, vv = STRBUF_INIT;
	json_t *c;
	size_t i;

	fprintf(f, "\n%16s %30s %16s\n", rp->r.reference, "%change", nv);
	fprintf(f, "---------------- ------------------------------ ----------------\n");
	json_array_foreach(json_object_get(rp->r.summary, "cases"), i, c) {
		const json_t *vars = json_object_get(c, "variants");
		const json_t *b = json_object_get(vars, rp->r.reference);
		const json_t *n = json_object_get(vars, nv);
		const json_t *s = json_object_get(json_object_get(c, "vs_reference"), nv);

		if (!n)
			continue;
		sb_reset(&bv);
		sb_reset(&chg);
		sb_reset(&vv);
		value_cell(c, b, &bv);
		change_cell(s, rs_num(b, "median"), &chg);
		value_cell(c, n, &vv);
		fprintf(f, "%16s %30s %16s", sb_str(&bv), sb_str(&chg), sb_str(&vv));
		case_tail(f, c, true, b, n);
	}
	sb_release(&bv);
	sb_release(&chg);
	sb_release(&vv);
}

/* Absolute figures of @v (a run without the reference, or with it alone). */
static void absolute_block(FILE *f, const struct report *rp, const char *v, const char *why)
{
	struct strbuf m = STRBUF_INIT, p = STRBUF_INIT;
	json_t *c;
	size_t i;

	fprintf(f, "\n%16s %16s  (%s: absolute figures)\n", v, "p99", why);
	fprintf(f, "---------------- ----------------\n");
	json_array_foreach(json_object_get(rp->r.summary, "cases"), i, c) {
		const json_t *d = json_object_get(json_object_get(c, "variants"), v);

		if (!d)
			continue;
		sb_reset(&m);
		sb_reset(&p);
		value_cell(c, d, &m);
		report_num(rs_num(d, "p99") / report_unit_div(c), &p);
		fprintf(f, "%16s %16s", sb_str(&m), sb_str(&p));
		case_tail(f, c, false, NULL, d);
	}
	sb_release(&m);
	sb_release(&p);
}

/* The low-power entry latencies (summary.json's, or the cycles' entry_ms rows). */
static void entry_block(FILE *f, struct report *rp)
{
	struct strbuf cell = STRBUF_INIT, p99 = STRBUF_INIT;
	bool head = false;
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(rp->r.summary, "cases"), i, c) {
		json_t *entry, *arr;
		const char *v;
		char stem[400];

		if (!report_is_cycle(c) || rs_str(c, "point")[0] ||
		    !(entry = report_entry_ms(rp, c)))
			continue;
		rs_case_stem(c, stem, sizeof(stem));
		json_object_foreach(entry, v, arr) {
			struct report_stats st;
			struct strbuf dstate = STRBUF_INIT;

			report_entry_stats(rp, c, v, arr, &st);
			if (!st.n)
				continue;
			if (!head) {
				fprintf(f,
					"\nlow-power entry latency: ms from the request to runtime "
					"suspend, valid cycles;\nmedian [95 %% bootstrap CI]\n\n");
				fprintf(f, "%-16s %30s %10s %5s  case\n", "variant", "median [CI]",
					"p99", "n");
				fprintf(f, "---------------- ------------------------------ "
					   "---------- -----\n");
				head = true;
			}
			sb_reset(&cell);
			sb_reset(&p99);
			report_num(st.median, &cell);
			if (!isnan(st.lo)) {
				sb_puts(&cell, " [");
				report_num(st.lo, &cell);
				sb_puts(&cell, ", ");
				report_num(st.hi, &cell);
				sb_puts(&cell, "]");
			}
			report_num(st.p99, &p99);
			report_dstate(c, &dstate);
			fprintf(f, "%-16s %30s %10s %5zu  %s (ms%s%s)\n", v, sb_str(&cell),
				sb_str(&p99), st.n, stem, dstate.len ? ", " : "", sb_str(&dstate));
			sb_release(&dstate);
		}
		json_decref(entry);
	}
	sb_release(&cell);
	sb_release(&p99);
}

/* A profiled run's functions (instructions per op), per case, a column per variant. */
static void profile_block(FILE *f, const struct report *rp)
{
	json_t *prof = report_profile(rp), *pc, *top, *fn, *op;
	const char *v;
	size_t i, k;

	json_array_foreach(prof, i, pc) {
		fprintf(f,
			"\nprofile %s.%s on %s: instructions per operation by function (exact)\n",
			rs_str(pc, "suite"), rs_str(pc, "case"), rs_str(pc, "device"));
		fprintf(f, "%-48s", "function");
		json_object_foreach(json_object_get(pc, "variants"), v, op) {
			fprintf(f, " %10.10s", v);
		}
		fputc('\n', f);
		top = report_profile_top(pc, 1000);
		json_array_foreach(top, k, fn) {
			fprintf(f, "%-48.48s", json_string_value(fn));
			json_object_foreach(json_object_get(pc, "variants"), v, op) {
				fprintf(f, " %10.3f",
					report_profile_get(op, json_string_value(fn)));
			}
			fputc('\n', f);
		}
		json_decref(top);
		static const char *const rows[][2] = {{"total instructions/op", "instructions"},
						      {"locked RMW/op", "locked"},
						      {"stores/op", "stores"}};
		for (size_t r = 0; r < 3; r++) {
			fprintf(f, "%-48s", rows[r][0]);
			json_object_foreach(json_object_get(pc, "variants"), v, op) {
				fprintf(f, " %10.3f", rs_num(op, rows[r][1]));
			}
			fputc('\n', f);
		}
	}
	json_decref(prof);
}

int report_write_md(struct report *rp)
{
	struct strbuf path = STRBUF_INIT, kw = STRBUF_INIT;
	struct results_file rf;
	json_t *vars, *x;
	char start[32];
	bool have_ref;
	size_t j;
	int ret;

	sb_printf(&path, "%s/summary.md", rp->rdir);
	ret = results_open(&rf, sb_str(&path));
	sb_release(&path);
	if (ret)
		return ret;
	FILE *f = rf.f;

	vars = other_variants(rp, &have_ref);
	if (!strcmp(rs_run_start(rp->r.run, rp->r.id, start, sizeof(start)), "guest clock"))
		start[0] = '\0';
	fprintf(f, "vfio-pm-bench %s on %s (harness %s)\n", rp->r.id, rp->r.platform,
		rs_str(rp->r.run, "harness_revision"));
	fprintf(f, "clock: %s\n", report_clock_words(rp->r.clock_label));
	report_kernel(rp->r.run, &kw);
	fprintf(f, "started: %s (host clock), kernel %s\n", start[0] ? start : "unknown",
		sb_str(&kw));
	sb_release(&kw);
	fprintf(f, "value: median per operation (ns, or ms for low-power cycles); +-%%: stddev / "
		   "mean;\n%%change: Hodges-Lehmann shift / base median, [95 %% CI of the shift],\n"
		   "p: Mann-Whitney; n: valid samples base/new; ovh: harness overhead (ns);\n"
		   "a case whose reference has no valid sample keeps its absolute figures\n");
	json_array_foreach(vars, j, x) {
		if (have_ref)
			compare_block(f, rp, json_string_value(x));
		else
			absolute_block(f, rp, json_string_value(x),
				       "no reference variant in this run");
	}
	if (have_ref && !json_array_size(vars))
		absolute_block(f, rp, rp->r.reference, "the only variant of this run");
	entry_block(f, rp);
	profile_block(f, rp);
	json_decref(vars);
	return results_commit(&rf);
}
