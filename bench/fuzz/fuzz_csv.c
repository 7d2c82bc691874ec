// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_csv.c - the per-case files of a run directory (bench/lib/resultset.c):
 * the input is <stem>.csv (rs_load_samples()), <stem>.hist.csv
 * (rs_load_hist()) and, when its first byte is odd, <stem>.values.csv
 * (rs_load_values(), which rs_case_values() then reads first) of a run
 * whose summary.json has that one case, and rs_case_values() then takes
 * the values of the variant of the first row, as `compare` does. Both formats are read: schema 2
 * (RFC 4180, a header row) and schema 1 (space-separated); the seeds, the fixture runs' files, hold
 * both.
 */
#include "fuzz.h"
#include "resultset.h"

#include <math.h>

static struct rs_run run;
static json_t *the_case;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char summary[] =
		"{\"schema_version\": 2, \"cases\": [{\"suite\": \"s\", \"case\": \"c\"}]}";
	char p[PATH_MAX];

	(void)argc;
	(void)argv;
	fuzz_write("run/summary.json", summary, sizeof(summary) - 1, p);
	FUZZ_CHECK(!rs_load(fuzz_path("run", p), &run));
	the_case = json_array_get(json_object_get(run.summary, "cases"), 0);
	FUZZ_CHECK(the_case);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char csv[PATH_MAX], hist[PATH_MAX], vals[PATH_MAX], err[600], variant[32] = "";
	struct rs_value_row *vr;
	struct rs_hist_row *rows;
	struct rs_samples s;
	const char *source;
	double *v;
	size_t n;

	fuzz_write("run/s.c.csv", data, size, csv);
	fuzz_write("run/s.c.hist.csv", data, size, hist);
	fuzz_write("run/s.c.values.csv", data, size, vals);
	if (!size || !(data[0] & 1))
		unlink(vals);
	else if (!rs_load_values(vals, &vr, &n, err, sizeof(err))) {
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(isfinite(vr[i].value) && vr[i].round && vr[i].count);
		if (n)
			snprintf(variant, sizeof(variant), "%s", vr[0].variant);
		free(vr);
	}
	if (!rs_load_samples(csv, &s, err, sizeof(err))) {
		for (size_t i = 0; i < s.n; i++)
			FUZZ_CHECK(isfinite(s.s[i].value));
		if (s.n)
			snprintf(variant, sizeof(variant), "%s", s.s[0].variant);
		free(s.s);
	}
	if (!rs_load_hist(hist, &rows, &n, err, sizeof(err))) {
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(rows[i].lo <= rows[i].hi);
		if (n && !variant[0])
			snprintf(variant, sizeof(variant), "%s", rows[0].variant);
		free(rows);
	}
	if (!rs_case_values(&run, the_case, variant, &v, &n, &source)) {
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(isfinite(v[i]));
		free(v);
	}
	json_array_clear(run.problems);
	return 0;
}
