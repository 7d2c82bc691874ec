// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_rundir.c - the JSON files of a run directory as `compare`, `qualify`
 * and `report` read them (bench/lib/resultset.c, bench/cmd/): the first byte
 * of the input chooses the file (even: summary.json, odd: run.json), the
 * rest is its content; the other file and the d3cold cases' CSV files are
 * those of a fixture run (not the ioctl histograms: compare's statistics on
 * their 12000 values would take most of the time). The run is loaded
 * (rs_load()), every case's values are taken (rs_case_values()), the
 * example spec is judged on it (qualify_eval()), it is compared with the
 * fixture run and two of its own variants with each other (compare_runs(),
 * which pairs one run's rounds), and reported on, without figures
 * (report_generate()). Seeds: the fixtures, and bench/fuzz/seeds/
 * fuzz_rundir.txt (summary.json files, one a line, '0' first: one with round_medians,
 * one of schema 2 with entry latency and a variant without valid samples).
 */
#include "fuzz.h"
#include "resultset.h"
#include "cmd/report.h"

#include <dirent.h>

#define FIXTURE VPB_FIXTURES "/runs/qemu-q35-tcg-icount/20261125T014317Z-vm"

static struct rs_run base;
static json_t *rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char src[PATH_MAX], name[PATH_MAX];
	struct dirent *de;
	DIR *d;

	(void)argc;
	(void)argv;
	FUZZ_CHECK(!rs_load(FIXTURE, &base));
	fuzz_link(FIXTURE "/../platform.json", "plat/platform.json");
	d = opendir(FIXTURE);
	FUZZ_CHECK(d);
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "d3cold.", 7))
			continue;
		snprintf(src, sizeof(src), "%s/%s", FIXTURE, de->d_name);
		snprintf(name, sizeof(name), "plat/run/%s", de->d_name);
		fuzz_link(src, name);
	}
	closedir(d);
	FUZZ_CHECK(!qualify_parse(VPB_SOURCE_DIR "/results/qualify-example.spec", &rules));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct compare_opts o = {.threshold_pct = 1, .alpha = 0.01, .cross_platform = true};
	struct compare_side sa = {.run = &base}, sb;
	static const char *const names[2] = {"summary.json", "run.json"};
	const char *source, *variant;
	char p[PATH_MAX], src[PATH_MAX], name[PATH_MAX], index[PATH_MAX];
	json_t *c, *x, *out;
	struct rs_run r;
	size_t i, n;
	double *v;
	int k;

	if (!size)
		return 0;
	k = data[0] & 1;
	snprintf(name, sizeof(name), "plat/run/%s", names[k]);
	fuzz_write(name, data + 1, size - 1, p);
	snprintf(src, sizeof(src), "%s/%s", FIXTURE, names[!k]);
	snprintf(name, sizeof(name), "plat/run/%s", names[!k]);
	fuzz_link(src, name);

	if (rs_load(fuzz_path("plat/run", p), &r)) {
		rs_free(&r);
		return 0;
	}
	json_array_foreach(json_object_get(r.summary, "cases"), i, c) {
		json_object_foreach(json_object_get(c, "variants"), variant, x) {
			if (!rs_case_values(&r, c, variant, &v, &n, &source))
				free(v);
		}
	}
	out = NULL;
	if (qualify_eval(&r, rules, &out) >= 0)
		json_decref(out);
	out = NULL;
	sb.run = &r;
	sb.variant = NULL;
	if (compare_runs(&sa, &sb, &o, &out) >= 0)
		json_decref(out);
	/* Two variants of the fuzzed run: its rounds pair (round_medians). */
	c = json_array_get(json_object_get(r.summary, "cases"), 0);
	n = 0;
	json_object_foreach(json_object_get(c, "variants"), variant, x) {
		struct compare_side va = {.run = &r, .variant = variant};

		if (n++ && compare_runs(&sb, &va, &o, &out) >= 0)
			json_decref(out);
		sb.variant = variant;
	}
	json_array_clear(base.problems); /* the fixture's files named by the fuzzed cases */
	rs_free(&r);
	FUZZ_CHECK(report_generate(fuzz_path("plat", p), "run", NULL, index, sizeof(index)) !=
		   -ENOEXEC);
	nftw(fuzz_path("plat/run/report", p), fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
