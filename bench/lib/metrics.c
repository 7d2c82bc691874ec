// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - a run's figures as a flat list (metrics.h): summary.json read
 * once, for metrics.csv and every export.
 */
#include "metrics.h"
#include "results.h"
#include "resultset.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* One figure; @ci: a [lo, hi] array or NULL. */
static int add(json_t *out, const json_t *c, const char *variant, const char *stat, double value,
	       const json_t *ci, json_int_t n, const char *clock, const char *why)
{
	char name[512];
	const char *pt = rs_str(c, "point");
	json_t *f;

	snprintf(name, sizeof(name), "%s.%s%s%s.%s", rs_str(c, "suite"), rs_str(c, "case"),
		 pt[0] ? "." : "", pt, stat);
	f = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:I, s:s}", "name", name,
		"suite", rs_str(c, "suite"), "case", rs_str(c, "case"), "point", pt, "stat", stat,
		"device", rs_str(c, "device"), "variant", variant, "value", num_or_null(value),
		"unit", "ns", "ci_lo",
		num_or_null(json_array_size(ci) == 2 ? json_number_value(json_array_get(ci, 0))
						     : NAN),
		"ci_hi",
		num_or_null(json_array_size(ci) == 2 ? json_number_value(json_array_get(ci, 1))
						     : NAN),
		"n", n, "clock", clock);
	if (!f)
		return -ENOMEM;
	if (!isfinite(value))
		json_object_set_new(f, "why",
				    json_string(why && why[0] ? why : "no value in summary.json"));
	return json_array_append_new(out, f) ? -ENOMEM : 0;
}

json_t *metrics_figures(const json_t *summary, const char *clock_label)
{
	json_t *out = json_array(), *c;
	size_t i;
	int err = 0;

	if (!out)
		return NULL;
	json_array_foreach(json_object_get(summary, "cases"), i, c) {
		const json_t *vs = json_object_get(c, "vs_reference");
		const char *v;
		json_t *d;

		json_object_foreach(json_object_get(c, "variants"), v, d) {
			const json_t *e = json_object_get(d, "entry");
			const json_t *s = json_object_get(vs, v);
			const json_t *r = json_object_get(s, "rounds");
			json_int_t n = (json_int_t)rs_count(d, "n");
			const char *why = rs_str(d, "why");

			err |= add(out, c, v, "median", rs_num(d, "median"),
				   json_object_get(d, "median_ci95"), n, clock_label, why);
			err |= add(out, c, v, "p99", rs_num(d, "p99"), NULL, n, clock_label, why);
			if (json_is_object(e)) {
				json_int_t en = (json_int_t)rs_count(e, "n");
				const char *ew = rs_str(e, "why");

				err |= add(out, c, v, "entry_median", rs_num(e, "median"),
					   json_object_get(e, "median_ci95"), en, clock_label, ew);
				err |= add(out, c, v, "entry_p99", rs_num(e, "p99"), NULL, en,
					   clock_label, ew);
			}
			if (json_is_object(s) && json_is_number(json_object_get(s, "hl_shift")))
				err |= add(out, c, v, "shift", rs_num(s, "hl_shift"),
					   json_object_get(s, "hl_ci95"), n, clock_label, NULL);
			if (json_is_number(json_object_get(r, "median_diff")))
				err |= add(out, c, v, "shift_rounds", rs_num(r, "median_diff"),
					   json_object_get(r, "ci"), (json_int_t)rs_count(r, "n"),
					   clock_label, NULL);
		}
	}
	if (err) {
		json_decref(out);
		return NULL;
	}
	return out;
}

void metrics_safe(const char *s, char *buf, size_t len)
{
	size_t k = 0;

	for (; s && *s && k + 1 < len; s++)
		buf[k++] = isalnum((unsigned char)*s) || *s == '_' || *s == '-' ? *s
			   : *s == ':' || *s == '.'				? '-'
										: '_';
	buf[k] = '\0';
}

void metrics_id(const json_t *fig, char *buf, size_t len)
{
	char parts[5][128];
	const char *pt = rs_str(fig, "point");

	metrics_safe(rs_str(fig, "suite"), parts[0], sizeof(parts[0]));
	metrics_safe(rs_str(fig, "case"), parts[1], sizeof(parts[1]));
	metrics_safe(rs_str(fig, "device")[0] ? rs_str(fig, "device") : "nodev", parts[2],
		     sizeof(parts[2]));
	metrics_safe(rs_str(fig, "variant"), parts[3], sizeof(parts[3]));
	metrics_safe(rs_str(fig, "stat"), parts[4], sizeof(parts[4]));
	if (pt[0]) {
		char p[64];

		metrics_safe(pt, p, sizeof(p));
		snprintf(buf, len, "%s.%s.%s.%s.%s.%s", parts[0], parts[1], p, parts[2], parts[3],
			 parts[4]);
	} else {
		snprintf(buf, len, "%s.%s.%s.%s.%s", parts[0], parts[1], parts[2], parts[3],
			 parts[4]);
	}
}

void metrics_num(const json_t *v, char *buf, size_t len)
{
	if (json_is_number(v) && isfinite(json_number_value(v)))
		snprintf(buf, len, "%.10g", json_number_value(v));
	else if (len)
		buf[0] = '\0';
}

int metrics_write_csv(FILE *f, const json_t *figs)
{
	json_t *x;
	size_t i;

	fputs("schema_version,name,value,unit,ci_lo,ci_hi,n,clock,variant,device" RESULTS_CSV_EOL,
	      f);
	json_array_foreach(figs, i, x) {
		char v[64], lo[64], hi[64];

		metrics_num(json_object_get(x, "value"), v, sizeof(v));
		metrics_num(json_object_get(x, "ci_lo"), lo, sizeof(lo));
		metrics_num(json_object_get(x, "ci_hi"), hi, sizeof(hi));
		fprintf(f, "%d,", RESULTS_SCHEMA_VERSION);
		results_csv_field(f, rs_str(x, "name"));
		fprintf(f, ",%s,", v);
		results_csv_field(f, rs_str(x, "unit"));
		fprintf(f, ",%s,%s,%lld,", lo, hi,
			(long long)json_integer_value(json_object_get(x, "n")));
		results_csv_field(f, rs_str(x, "clock"));
		fputc(',', f);
		results_csv_field(f, rs_str(x, "variant"));
		fputc(',', f);
		results_csv_field(f, rs_str(x, "device"));
		fputs(RESULTS_CSV_EOL, f);
	}
	return ferror(f) ? -EIO : 0;
}
